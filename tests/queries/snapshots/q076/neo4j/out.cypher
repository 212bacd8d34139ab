// neo4j
MATCH (a:Department {id: $source}), (b:Touchpoint {id: $target})
MATCH p = allShortestPaths((a)-[:SUPPORTS|USES|DEPENDS_ON|PERFORMED_BY|MEMBER_OF|AT_TOUCHPOINT|OWNED_BY*..4]-(b))
RETURN p
// params: {"source": "fraud", "target": "claims-line"}
