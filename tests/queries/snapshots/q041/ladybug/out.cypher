// ladybug
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker AND EXISTS { MATCH (n)-[:USES]->(t1:System) WHERE t1.id = $p1 }
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
OPTIONAL MATCH (n)-[:USES]->(x4:System)
WITH n, f_service, collect(DISTINCT x4.name) AS f_systems
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x6:Blueprint)
WITH n, f_service, f_systems, x6.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x7:Phase)
WITH n, f_service, f_systems, _t0, x7.`order` AS _t1
RETURN f_service AS service, n.name AS name, f_systems AS systems, _t0, _t1, n.seq AS _t2, n.id AS _id, f_service AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
LIMIT $limit
// params: {"marker": ":", "p1": "crm", "limit": 5}
