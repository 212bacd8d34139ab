// neo4j
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker)
RETURN n.ap AS ap, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN n.ap IS NULL THEN 1 ELSE 0 END, n.ap
// params: {"marker": ":", "system_member": "/"}
