// neo4j
MATCH (n:FailPoint)
WHERE (EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR EXISTS { MATCH (n)<-[:CAN_FAIL]-(:System) }) AND EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(s3:Step)<-[:HAS_STEP]-(b4:Blueprint) MATCH (s3)-[:USES]->(t2:System) WHERE t2.id = $p1 AND b4.scenario = $scenario }
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x5:Step)
WITH n, x5.name AS f_step
RETURN n.name AS name, n.rpn AS rpn, f_step AS step, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "claims-engine"}
