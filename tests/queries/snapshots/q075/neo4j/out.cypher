// neo4j
MATCH (a:Service {id: $source}), (b:System {id: $target})
MATCH p = allShortestPaths((a)-[:MEMBER_OF|HAS_STEP|IN_PHASE|HAS_PHASE|HAS_BLUEPRINT|USES|DEPENDS_ON*..8]-(b))
RETURN p
// params: {"source": "quote", "target": "card-processor"}
