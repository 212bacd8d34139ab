// neo4j
MATCH (n:Touchpoint)
RETURN n.channel AS channel, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN n.channel IS NULL THEN 1 ELSE 0 END, n.channel
// params: {}
