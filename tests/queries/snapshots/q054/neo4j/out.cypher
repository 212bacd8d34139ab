// neo4j
MATCH (n:System)
OPTIONAL MATCH (n)-[:OWNED_BY]->(x1:Department)
WITH n, x1.name AS f_owner
RETURN f_owner AS owner, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN f_owner IS NULL THEN 1 ELSE 0 END, f_owner
// params: {}
