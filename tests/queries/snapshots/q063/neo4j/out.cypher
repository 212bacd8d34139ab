// neo4j
CALL () { MATCH (n:System)-[:DEPENDS_ON*1..5]->(t:System) WHERE t.id = $p0 RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:System)
WHERE n.id IN match1
OPTIONAL MATCH (n)-[:OWNED_BY]->(x1:Department)
WITH n, x1.name AS f_owner
RETURN n.id AS id, n.name AS name, f_owner AS owner, n.id AS _id
ORDER BY _id
// params: {"p0": "mainframe"}
