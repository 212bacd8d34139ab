// neo4j
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker
RETURN n.max_wait AS max_wait, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN n.max_wait IS NULL THEN 1 ELSE 0 END, n.max_wait
// params: {"marker": ":"}
