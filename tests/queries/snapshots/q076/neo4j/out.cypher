// neo4j
MATCH (a:Department {id: $source}), (b:Touchpoint {id: $target})
MATCH p = allShortestPaths((a)-[*..4]-(b))
RETURN p
// params: {"source": "fraud", "target": "claims-line"}
