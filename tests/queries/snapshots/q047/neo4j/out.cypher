// neo4j, statement 1 of 2: match1
MATCH (n:FailPoint)<-[:HAS_FAIL_POINT]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)-[:USES]->(t:System) WHERE t.id = $p0 AND b.scenario = $scenario
RETURN DISTINCT n.id AS id
// params: {"p0": "claims-engine", "scenario": "as-is"}

// neo4j, statement 2 of 2: rows
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x1:Step)
WITH n, x1.name AS f_step
RETURN n.name AS name, n.rpn AS rpn, f_step AS step, n.id AS _id
ORDER BY _id
// params: {"marker": ":", "system_member": "/"}
// $match1 <- match1.id
