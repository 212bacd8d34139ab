// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)-[:USES]->(t2:System) WHERE t2.id = $p1 }
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
OPTIONAL MATCH (n)-[:USES]->(x5:System)
WITH n, f_service, collect(DISTINCT x5.name) AS f_systems
RETURN f_service AS service, n.name AS name, f_systems AS systems, n.id AS _id, f_service AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, _id
LIMIT $limit
// params: {"scenario": "as-is", "p1": "crm", "limit": 5}
