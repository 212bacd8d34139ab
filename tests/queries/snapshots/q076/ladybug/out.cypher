// ladybug
MATCH p = (a:Department)-[* ALL SHORTEST 1..4]-(b:Touchpoint)
WHERE a.id = $source AND b.id = $target
RETURN p
// params: {"source": "fraud", "target": "claims-line"}
