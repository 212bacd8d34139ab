// ladybug
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
RETURN f_service AS service, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN f_service IS NULL THEN 1 ELSE 0 END, f_service
// params: {"marker": ":"}
