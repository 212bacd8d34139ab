// ladybug
MATCH (n:Service)
WHERE EXISTS { MATCH (n)-[:HAS_BLUEPRINT]->(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)-[:HAS_BLUEPRINT]->(b4:Blueprint)-[:HAS_STEP]->(s3:Step), (s3)-[:USES]->(:System)-[:DEPENDS_ON*0..1]->(t2:System) WHERE t2.id = $p1 AND b4.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "mainframe"}
