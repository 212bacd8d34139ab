// neo4j
MATCH (n:Role)
OPTIONAL MATCH (n)-[:MEMBER_OF]->(x1:Department)
WITH n, x1.name AS f_department
RETURN f_department AS department, count(DISTINCT n) AS `count`
ORDER BY `count` DESC, CASE WHEN f_department IS NULL THEN 1 ELSE 0 END, f_department
// params: {}
