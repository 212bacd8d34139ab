// neo4j
CALL () { MATCH (n:Role)-[:MEMBER_OF]->(t:Department) WHERE t.id = $p0 RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:Role)
WHERE n.id IN match1
OPTIONAL MATCH (n)<-[:PERFORMED_BY]-(:Step)<-[:HAS_STEP]-(b2:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service) WHERE b2.scenario = $scenario
WITH n, collect(DISTINCT x1.name) AS f_services
RETURN n.name AS name, f_services AS services, n.id AS _id
ORDER BY _id
// params: {"p0": "billing", "scenario": "as-is"}
