// neo4j
MATCH (n:Blueprint)
WHERE n.scenario = $scenario
OPTIONAL MATCH (n)-[:FOR_PERSONA]->(x1:Persona)
WITH n, collect(DISTINCT x1.name) AS f_personas
RETURN n.id AS id, f_personas AS personas, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is"}
