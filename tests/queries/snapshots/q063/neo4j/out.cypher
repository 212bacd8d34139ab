// neo4j, statement 1 of 2: match1
MATCH (n:System)-[:DEPENDS_ON*1..5]->(t:System) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "mainframe"}

// neo4j, statement 2 of 2: rows
MATCH (n:System)
WHERE n.id IN $match1
OPTIONAL MATCH (n)-[:OWNED_BY]->(x1:Department)
WITH n, x1.name AS f_owner
RETURN n.id AS id, n.name AS name, f_owner AS owner, n.id AS _id
ORDER BY _id
// params: {}
// $match1 <- match1.id
