// neo4j
CALL () { MATCH (n:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step) MATCH (s)-[:USES]->(t:System) WHERE t.id = $p0 AND b.scenario = $scenario RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:Service)
WHERE EXISTS { MATCH (n)-[:HAS_BLUEPRINT]->(b1:Blueprint) WHERE b1.scenario = $scenario } AND NOT (n.id IN match1)
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"p0": "payments-gateway", "scenario": "as-is"}
