// ladybug
MATCH p = (a:Step)-[:USES|DEPENDS_ON* ALL SHORTEST 1..8]-(b:System)
WHERE a.id = $source AND b.id = $target
RETURN p
// params: {"source": "billing.retry-payment", "target": "policy-admin"}
