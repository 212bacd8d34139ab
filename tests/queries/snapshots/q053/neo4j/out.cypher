// neo4j
CALL () { MATCH (n:Step)-[:USES]->(t:System) WHERE t.id = $p0 RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker AND n.id IN match1
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
RETURN f_service AS service, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN f_service IS NULL THEN 1 ELSE 0 END, f_service
// params: {"p0": "crm", "marker": ":"}
