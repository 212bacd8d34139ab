// ladybug
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker)
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
RETURN f_service AS service, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN f_service IS NULL THEN 1 ELSE 0 END, f_service
// params: {"marker": ":", "system_member": "/"}
