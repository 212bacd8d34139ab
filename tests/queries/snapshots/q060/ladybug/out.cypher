// ladybug
MATCH (n:Role)
WHERE EXISTS { MATCH (n)-[:MEMBER_OF]->(t1:Department) WHERE t1.id = $p0 }
OPTIONAL MATCH (n)<-[:PERFORMED_BY]-(:Step)<-[:HAS_STEP]-(b3:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service) WHERE b3.scenario = $scenario
WITH n, collect(DISTINCT x2.name) AS f_services
RETURN n.name AS name, f_services AS services, n.id AS _id
ORDER BY _id
// params: {"p0": "billing", "scenario": "as-is"}
