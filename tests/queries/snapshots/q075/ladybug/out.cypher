// ladybug
MATCH p = (a:Service)-[:MEMBER_OF|HAS_STEP|IN_PHASE|HAS_PHASE|HAS_BLUEPRINT|USES|DEPENDS_ON* ALL SHORTEST 1..8]-(b:System)
WHERE a.id = $source AND b.id = $target
RETURN p
// params: {"source": "quote", "target": "card-processor"}
