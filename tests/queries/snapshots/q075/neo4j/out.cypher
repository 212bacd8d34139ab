// neo4j
MATCH (a:Service {id: $source}), (b:System {id: $target})
MATCH p = allShortestPaths((a)-[*..8]-(b))
RETURN p
// params: {"source": "quote", "target": "card-processor"}
