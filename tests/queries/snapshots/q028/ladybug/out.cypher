// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t2:Service) WHERE t2.id = $p1 }
RETURN n.name AS name, n.lane AS lane, n.id AS _id, n.seq AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, _id
// params: {"scenario": "to-be", "p1": "claims"}
