// neo4j
MATCH (c:System) WHERE c.id = $id
OPTIONAL MATCH p = (c)-[*1..2]-(x)
RETURN c, p
// params: {"id": "crm"}
