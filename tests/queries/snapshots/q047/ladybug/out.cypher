// ladybug
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(s2:Step)<-[:HAS_STEP]-(b3:Blueprint), (s2)-[:USES]->(t1:System) WHERE t1.id = $p2 AND b3.scenario = $scenario }
OPTIONAL MATCH (n)<-[:HAS_FAIL_POINT]-(x4:Step)
WITH n, x4.name AS f_step
RETURN n.name AS name, n.rpn AS rpn, f_step AS step, n.id AS _id
ORDER BY _id
// params: {"marker": ":", "system_member": "/", "p2": "claims-engine", "scenario": "as-is"}
