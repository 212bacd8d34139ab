// neo4j
MATCH (a:Step {id: $source}), (b:System {id: $target})
MATCH p = allShortestPaths((a)-[*..8]-(b))
RETURN p
// params: {"source": "claims.submit-claim", "target": "mainframe"}
