// ladybug
MATCH (c:Service) WHERE c.id = $id
OPTIONAL MATCH p = (c)-[*1..3]-(x)
RETURN c, p
// params: {"id": "claims"}
