// neo4j
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND (EXISTS { MATCH (n)-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(t2:Department) WHERE t2.id = $p1 } AND NOT (EXISTS { MATCH (n)-[:PERFORMED_BY]->(t3:Role) WHERE t3.id = $p2 }))
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x4:Service)
WITH n, x4.name AS f_service
RETURN n.id AS id, n.name AS name, n.lane AS lane, f_service AS service, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "claims", "p2": "claims-handler"}
