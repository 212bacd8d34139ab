// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario }
RETURN n.lane AS lane, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN n.lane IS NULL THEN 1 ELSE 0 END, n.lane
// params: {"scenario": "to-be"}
