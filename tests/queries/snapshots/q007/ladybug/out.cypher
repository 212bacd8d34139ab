// ladybug
MATCH p = (a:Step)-[:SUPPORTS|USES|DEPENDS_ON|PERFORMED_BY|MEMBER_OF|AT_TOUCHPOINT|OWNED_BY* ALL SHORTEST 1..8]-(b:System)
WHERE a.id = $source AND b.id = $target
RETURN p
// params: {"source": "claims.submit-claim", "target": "mainframe"}
