// neo4j
MATCH (a:Step {id: $source}), (b:System {id: $target})
MATCH p = allShortestPaths((a)-[:USES|DEPENDS_ON*..8]-(b))
RETURN p
// params: {"source": "billing.retry-payment", "target": "policy-admin"}
