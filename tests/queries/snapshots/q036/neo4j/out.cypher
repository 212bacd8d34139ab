// neo4j
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)-[:SUPPORTS]->(t2:Step) WHERE t2.id = $p1 }
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
RETURN n.id AS id, n.name AS name, n.lane AS lane, f_service AS service, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "claims.submit-claim"}
