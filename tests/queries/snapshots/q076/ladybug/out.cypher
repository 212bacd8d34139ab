// ladybug
MATCH p = (a:Department)-[:SUPPORTS|USES|DEPENDS_ON|PERFORMED_BY|MEMBER_OF|AT_TOUCHPOINT|OWNED_BY* ALL SHORTEST 1..4]-(b:Touchpoint)
WHERE a.id = $source AND b.id = $target
RETURN p
// params: {"source": "fraud", "target": "claims-line"}
