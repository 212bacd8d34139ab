// neo4j
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)-[:USES]->(t2:System) WHERE t2.id = $p1 }
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
OPTIONAL MATCH (n)-[:USES]->(x5:System)
WITH n, f_service, collect(DISTINCT x5.name) AS f_systems
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x7:Blueprint)
WITH n, f_service, f_systems, x7.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x8:Phase)
WITH n, f_service, f_systems, _t0, x8.`order` AS _t1
RETURN f_service AS service, n.name AS name, f_systems AS systems, _t0 AS _t0, _t1 AS _t1, n.seq AS _t2, n.id AS _id, f_service AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
LIMIT $limit
// params: {"scenario": "as-is", "p1": "crm", "limit": 5}
