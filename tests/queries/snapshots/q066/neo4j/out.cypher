// neo4j
MATCH (n:System)
WHERE (NOT (EXISTS { MATCH (n)-[:DEPENDS_ON*1..5]->(t1:System) WHERE t1.id = $p0 }) AND NOT (EXISTS { MATCH (n)-[:OWNED_BY]->(t2:Department) WHERE t2.id = $p1 }))
OPTIONAL MATCH (n)-[:OWNED_BY]->(x3:Department)
WITH n, x3.name AS f_owner
RETURN n.id AS id, n.name AS name, f_owner AS owner, n.id AS _id
ORDER BY _id
// params: {"p0": "mainframe", "p1": "it"}
