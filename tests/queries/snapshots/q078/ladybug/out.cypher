// ladybug
MATCH (c:Touchpoint) WHERE c.id = $id
OPTIONAL MATCH p = (c)-[*1..1]-(x)
RETURN c, p
// params: {"id": "claims-line"}
