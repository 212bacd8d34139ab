// neo4j, statement 1 of 2: reach1
MATCH (y:System)-[:DEPENDS_ON*0..3]->(t:System) WHERE t.id = $p0
RETURN DISTINCT y.id AS id
// params: {"p0": "mainframe"}

// neo4j, statement 2 of 2: rows
MATCH (n:Service)
WHERE EXISTS { MATCH (n)-[:HAS_BLUEPRINT]->(b3:Blueprint)-[:HAS_STEP]->(s2:Step) MATCH (s2)-[:USES]->(y4:System) WHERE y4.id IN $reach1 AND b3.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is"}
// $reach1 <- reach1.id
