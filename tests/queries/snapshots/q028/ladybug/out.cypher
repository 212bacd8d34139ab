// ladybug
MATCH (n:Step)
WHERE n.id CONTAINS $marker AND EXISTS { MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t1:Service) WHERE t1.id = $p1 }
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x2:Blueprint)
WITH n, x2.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x3:Phase)
WITH n, _t0, x3.`order` AS _t1
RETURN n.name AS name, n.lane AS lane, _t0, _t1, n.seq AS _t2, n.id AS _id, n.seq AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"marker": ":to-be", "p1": "claims"}
