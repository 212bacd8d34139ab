// neo4j
MATCH (n:FailPoint)
WHERE (EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR EXISTS { MATCH (n)<-[:CAN_FAIL]-(:System) })
RETURN n.ap AS ap, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN n.ap IS NULL THEN 1 ELSE 0 END, n.ap
// params: {"scenario": "as-is"}
