// ladybug
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker
OPTIONAL MATCH (n)-[:USES]->(x1:System)
WITH n, collect(DISTINCT x1.name) AS f_systems
WITH n, f_systems WHERE (EXISTS { MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t3:Service) WHERE t3.id = $p1 } AND size(f_systems) > 0)
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x4:Blueprint)
WITH n, f_systems, x4.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x5:Phase)
WITH n, f_systems, _t0, x5.`order` AS _t1
RETURN n.id AS id, f_systems AS systems, _t0, _t1, n.seq AS _t2, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"marker": ":", "p1": "billing"}
