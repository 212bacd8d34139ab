// neo4j
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND n.rpn >= $p2
WITH n ORDER BY n.rpn DESC, n.id LIMIT $limit
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x1:Step)
WITH n, x1.name AS f_step
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, f_step, x3.name AS f_service
RETURN n.id AS id, n.name AS name, n.ap AS ap, n.rpn AS rpn, f_step AS step, f_service AS service, n.id AS _id, n.rpn AS _order
ORDER BY _order DESC, _id
LIMIT $limit
// params: {"marker": ":", "system_member": "/", "p2": 200, "limit": 10}
