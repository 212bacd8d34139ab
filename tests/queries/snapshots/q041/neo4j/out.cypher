// neo4j, statement 1 of 2: match1
MATCH (n:Step)-[:USES]->(t:System) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "crm"}

// neo4j, statement 2 of 2: rows
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
OPTIONAL MATCH (n)-[:USES]->(x3:System)
WITH n, f_service, collect(DISTINCT x3.name) AS f_systems
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x5:Blueprint)
WITH n, f_service, f_systems, x5.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x6:Phase)
WITH n, f_service, f_systems, _t0, x6.`order` AS _t1
RETURN f_service AS service, n.name AS name, f_systems AS systems, _t0, _t1, n.seq AS _t2, n.id AS _id, f_service AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
LIMIT $limit
// params: {"marker": ":", "limit": 5}
// $match1 <- match1.id
