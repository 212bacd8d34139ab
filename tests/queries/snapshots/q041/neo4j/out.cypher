// neo4j, statement 1 of 2: match1
MATCH (n:Step)-[:USES]->(t:System) WHERE t.id = $p0 RETURN DISTINCT n.id AS id
// params: {"p0": "crm"}

// neo4j, statement 2 of 2: rows
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
OPTIONAL MATCH (n)-[:USES]->(x4:System)
WITH n, f_service, collect(DISTINCT x4.name) AS f_systems
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x6:Blueprint)
WITH n, f_service, f_systems, x6.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x7:Phase)
WITH n, f_service, f_systems, _t0, x7.`order` AS _t1
RETURN f_service AS service, n.name AS name, f_systems AS systems, _t0 AS _t0, _t1 AS _t1, n.seq AS _t2, n.id AS _id, f_service AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
LIMIT $limit
// params: {"scenario": "as-is", "limit": 5}
// $match1 <- match1
