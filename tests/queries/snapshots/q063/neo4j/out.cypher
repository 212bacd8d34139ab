// neo4j
MATCH (n:System)
WHERE EXISTS { MATCH (n)-[:DEPENDS_ON*1..5]->(t1:System) WHERE t1.id = $p0 }
OPTIONAL MATCH (n)-[:OWNED_BY]->(x2:Department)
WITH n, x2.name AS f_owner
RETURN n.id AS id, n.name AS name, f_owner AS owner, n.id AS _id
ORDER BY _id
// params: {"p0": "mainframe"}
