// neo4j
MATCH (n:FailPoint)
WHERE (EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR EXISTS { MATCH (n)<-[:CAN_FAIL]-(:System) }) AND (n.ap <> $p1 AND n.severity >= $p2)
RETURN n.name AS name, n.severity AS severity, n.occurrence AS occurrence, n.detection AS detection, n.ap AS ap, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "low", "p2": 9}
