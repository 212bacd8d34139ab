// neo4j
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker
RETURN n.lane AS lane, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN n.lane IS NULL THEN 1 ELSE 0 END, n.lane
// params: {"marker": ":"}
