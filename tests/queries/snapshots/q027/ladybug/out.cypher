// ladybug
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker AND EXISTS { MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t1:Service) WHERE t1.id = $p1 }
OPTIONAL MATCH (n)-[:IN_PHASE]->(x2:Phase)
WITH n, x2.name AS f_phase
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x4:Blueprint)
WITH n, f_phase, x4.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x5:Phase)
WITH n, f_phase, _t0, x5.`order` AS _t1
RETURN n.name AS name, n.lane AS lane, f_phase AS phase, _t0, _t1, n.seq AS _t2, n.id AS _id, n.seq AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"marker": ":", "p1": "claims"}
