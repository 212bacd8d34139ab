// neo4j
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario }
RETURN n.max_wait AS max_wait, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN n.max_wait IS NULL THEN 1 ELSE 0 END, n.max_wait
// params: {"scenario": "as-is"}
