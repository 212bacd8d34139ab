// neo4j, statement 1 of 2: match1
MATCH (n:Metric)-[:MEASURES]->(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0 AND b.scenario = $scenario
RETURN DISTINCT n.id AS id
// params: {"p0": "claims", "scenario": "as-is"}

// neo4j, statement 2 of 2: rows
MATCH (n:Metric)
WHERE NOT n.id CONTAINS $marker AND n.id IN $match1
OPTIONAL MATCH (n)-[:MEASURES]->(x1:Step)
WITH n, collect(DISTINCT x1.name) AS f_steps
RETURN n.name AS name, n.target AS target, n.unit AS unit, f_steps AS steps, n.id AS _id
ORDER BY _id
// params: {"marker": ":"}
// $match1 <- match1.id
