// ladybug
MATCH (n:Service)
WHERE EXISTS { MATCH (n)-[:HAS_BLUEPRINT]->(b1:Blueprint) WHERE b1.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"scenario": "to-be"}
