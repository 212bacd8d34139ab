// neo4j
MATCH (c:Step) WHERE c.id = $id
OPTIONAL MATCH p = (c)-[*1..2]-(x)
RETURN c, p
// params: {"id": "claims.register-claim"}
