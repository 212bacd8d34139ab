// neo4j
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t2:Service) WHERE t2.id = $p1 }
OPTIONAL MATCH (n)-[:IN_PHASE]->(x3:Phase)
WITH n, x3.name AS f_phase
RETURN n.name AS name, n.lane AS lane, f_phase AS phase, n.id AS _id, n.seq AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, _id
// params: {"scenario": "as-is", "p1": "claims"}
