// ladybug
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker AND EXISTS { MATCH (n)-[:USES]->(t1:System) WHERE t1.id = $p1 }
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
RETURN f_service AS service, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN f_service IS NULL THEN 1 ELSE 0 END, f_service
// params: {"marker": ":", "p1": "crm"}
