// neo4j, statement 1 of 2: match1
MATCH (n:FailPoint)<-[:HAS_FAIL_POINT]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0 AND b.scenario = $scenario RETURN DISTINCT n.id AS id
// params: {"p0": "billing", "scenario": "as-is"}

// neo4j, statement 2 of 2: rows
MATCH (n:FailPoint)
WHERE (EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR EXISTS { MATCH (n)<-[:CAN_FAIL]-(:System) }) AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x2:Step)
WITH n, x2.name AS f_step
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x4:Service)
WITH n, f_step, x4.name AS f_service
RETURN n.id AS id, n.name AS name, n.ap AS ap, n.rpn AS rpn, f_step AS step, f_service AS service, n.id AS _id, n.rpn AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
// params: {"scenario": "as-is"}
// $match1 <- match1
