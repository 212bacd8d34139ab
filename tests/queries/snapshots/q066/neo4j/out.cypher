// neo4j, statement 1 of 3: match1
MATCH (n:System)-[:DEPENDS_ON*1..5]->(t:System) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "mainframe"}

// neo4j, statement 2 of 3: match2
MATCH (n:System)-[:OWNED_BY]->(t:Department) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "it"}

// neo4j, statement 3 of 3: rows
MATCH (n:System)
WHERE (NOT (n.id IN $match1) AND NOT (n.id IN $match2))
OPTIONAL MATCH (n)-[:OWNED_BY]->(x1:Department)
WITH n, x1.name AS f_owner
RETURN n.id AS id, n.name AS name, f_owner AS owner, n.id AS _id
ORDER BY _id
// params: {}
// $match1 <- match1.id
// $match2 <- match2.id
