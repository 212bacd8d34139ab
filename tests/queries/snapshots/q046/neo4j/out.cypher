// neo4j, statement 1 of 2: match1
MATCH (n:FailPoint)<-[:HAS_FAIL_POINT]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0 AND b.scenario = $scenario
RETURN DISTINCT n.id AS id
// params: {"p0": "billing", "scenario": "as-is"}

// neo4j, statement 2 of 2: rows
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x1:Step)
WITH n, x1.name AS f_step
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, f_step, x3.name AS f_service
RETURN n.id AS id, n.name AS name, n.ap AS ap, n.rpn AS rpn, f_step AS step, f_service AS service, n.id AS _id, n.rpn AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
// params: {"marker": ":", "system_member": "/"}
// $match1 <- match1.id
