// neo4j, statement 1 of 2: match1
MATCH (n:Step)-[:USES]->(t:System) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "crm"}

// neo4j, statement 2 of 2: rows
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
RETURN f_service AS service, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN f_service IS NULL THEN 1 ELSE 0 END, f_service
// params: {"marker": ":"}
// $match1 <- match1.id
