// ladybug
MATCH p = (a:Service)-[* ALL SHORTEST 1..8]-(b:System)
WHERE a.id = $source AND b.id = $target
RETURN p
// params: {"source": "quote", "target": "card-processor"}
