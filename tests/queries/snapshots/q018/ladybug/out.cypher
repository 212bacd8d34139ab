// ladybug
MATCH (n:Service)
WHERE EXISTS { MATCH (n)-[:HAS_BLUEPRINT]->(b3:Blueprint)-[:HAS_STEP]->(s2:Step), (s2)-[:PERFORMED_BY]->(t1:Role) WHERE t1.id = $p0 AND b3.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"p0": "collections-agent", "scenario": "as-is"}
