// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND (EXISTS { MATCH (n)-[:USES]->(:System)-[:DEPENDS_ON*0..5]->(t2:System) WHERE t2.id = $p1 } AND n.lane = $p2)
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
RETURN f_service AS service, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "mainframe", "p2": "support"}
