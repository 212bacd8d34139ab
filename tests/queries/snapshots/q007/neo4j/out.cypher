// neo4j
MATCH (a:Step {id: $source}), (b:System {id: $target})
MATCH p = allShortestPaths((a)-[:SUPPORTS|USES|DEPENDS_ON|PERFORMED_BY|MEMBER_OF|AT_TOUCHPOINT|OWNED_BY*..8]-(b))
RETURN p
// params: {"source": "claims.submit-claim", "target": "mainframe"}
