// ladybug
MATCH (n:FailPoint)
WHERE (EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR EXISTS { MATCH (n)<-[:CAN_FAIL]-(:System) }) AND n.rpn >= $p1
WITH n ORDER BY CASE WHEN n.rpn IS NULL THEN 1 ELSE 0 END, n.rpn DESC, n.id LIMIT $limit
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x2:Step)
WITH n, x2.name AS f_step
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x4:Service)
WITH n, f_step, x4.name AS f_service
RETURN n.id AS id, n.name AS name, n.ap AS ap, n.rpn AS rpn, f_step AS step, f_service AS service, n.id AS _id, n.rpn AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
LIMIT $limit
// params: {"scenario": "as-is", "p1": 200, "limit": 10}
