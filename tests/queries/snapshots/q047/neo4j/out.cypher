// neo4j, statement 1 of 2: match1
MATCH (n:FailPoint)<-[:HAS_FAIL_POINT]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)-[:USES]->(t:System) WHERE t.id = $p0 AND b.scenario = $scenario RETURN DISTINCT n.id AS id
// params: {"p0": "claims-engine", "scenario": "as-is"}

// neo4j, statement 2 of 2: rows
MATCH (n:FailPoint)
WHERE (EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR EXISTS { MATCH (n)<-[:CAN_FAIL]-(:System) }) AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x2:Step)
WITH n, x2.name AS f_step
RETURN n.name AS name, n.rpn AS rpn, f_step AS step, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is"}
// $match1 <- match1
