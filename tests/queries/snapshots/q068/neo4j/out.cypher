// neo4j
CALL () { MATCH (n:Metric)-[:MEASURES]->(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0 AND b.scenario = $scenario RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:Metric)
WHERE NOT n.id CONTAINS $marker AND n.id IN match1
OPTIONAL MATCH (n)-[:MEASURES]->(x1:Step)
WITH n, collect(DISTINCT x1.name) AS f_steps
RETURN n.name AS name, n.target AS target, n.unit AS unit, f_steps AS steps, n.id AS _id
ORDER BY _id
// params: {"p0": "claims", "scenario": "as-is", "marker": ":"}
