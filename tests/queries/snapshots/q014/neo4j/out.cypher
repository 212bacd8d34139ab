// neo4j, statement 1 of 2: match1
MATCH (n:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step) MATCH (s)-[:USES]->(t:System) WHERE t.id = $p0 AND b.scenario = $scenario
RETURN DISTINCT n.id AS id
// params: {"p0": "crm", "scenario": "as-is"}

// neo4j, statement 2 of 2: rows
MATCH (n:Service)
WHERE n.id IN $match1
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {}
// $match1 <- match1.id
