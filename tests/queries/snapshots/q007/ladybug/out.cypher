// ladybug
MATCH p = (a:Step)-[* ALL SHORTEST 1..8]-(b:System)
WHERE a.id = $source AND b.id = $target
RETURN p
// params: {"source": "claims.submit-claim", "target": "mainframe"}
