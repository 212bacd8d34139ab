// neo4j
CALL () { MATCH (n:System)-[:OWNED_BY]->(t:Department) WHERE t.id = $p0 RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:System)
WHERE n.id IN match1
OPTIONAL MATCH (n)-[:DEPENDS_ON]->(x1:System)
WITH n, collect(DISTINCT x1.id) AS f_depends_on
OPTIONAL MATCH (n)<-[:USES]-(:Step)<-[:HAS_STEP]-(b4:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service) WHERE b4.scenario = $scenario
WITH n, f_depends_on, collect(DISTINCT x3.name) AS f_services
RETURN n.name AS name, f_depends_on AS depends_on, f_services AS services, n.id AS _id
ORDER BY _id
// params: {"p0": "billing", "scenario": "as-is"}
