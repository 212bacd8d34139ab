// ladybug
MATCH (n:Service)
WHERE EXISTS { MATCH (n)-[:HAS_BLUEPRINT]->(b3:Blueprint)-[:HAS_STEP]->(s2:Step), (s2)-[:AT_TOUCHPOINT]->(t1:Touchpoint) WHERE t1.id = $p0 AND b3.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"p0": "contact-centre", "scenario": "as-is"}
