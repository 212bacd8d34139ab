// ladybug
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND n.severity >= $p2
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
RETURN n.name AS name, n.severity AS severity, f_service AS service, n.id AS _id
ORDER BY _id
// params: {"marker": ":", "system_member": "/", "p2": 9}
