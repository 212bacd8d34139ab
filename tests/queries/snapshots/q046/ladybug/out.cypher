// ladybug
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(s2:Step)<-[:HAS_STEP]-(b3:Blueprint), (s2)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t1:Service) WHERE t1.id = $p2 AND b3.scenario = $scenario }
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x4:Step)
WITH n, x4.name AS f_step
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x6:Service)
WITH n, f_step, x6.name AS f_service
RETURN n.id AS id, n.name AS name, n.ap AS ap, n.rpn AS rpn, f_step AS step, f_service AS service, n.id AS _id, n.rpn AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
// params: {"marker": ":", "system_member": "/", "p2": "billing", "scenario": "as-is"}
