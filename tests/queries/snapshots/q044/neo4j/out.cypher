// neo4j
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker)
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x1:Step)
WITH n, x1.name AS f_step
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, f_step, x3.name AS f_service
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x5:Step)
WITH n, f_step, f_service, x5.lane AS f_lane
WITH n, f_step, f_service, f_lane WHERE f_lane = $p2
RETURN n.id AS id, n.name AS name, n.ap AS ap, n.rpn AS rpn, f_step AS step, f_service AS service, n.id AS _id, n.rpn AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
// params: {"marker": ":", "system_member": "/", "p2": "backstage"}
