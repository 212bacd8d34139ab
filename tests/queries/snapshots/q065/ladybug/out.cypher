// ladybug
MATCH (n:System)
WHERE EXISTS { MATCH (n)-[:OWNED_BY]->(t1:Department) WHERE t1.id = $p0 }
OPTIONAL MATCH (n)-[:DEPENDS_ON]->(x2:System)
WITH n, collect(DISTINCT x2.id) AS f_depends_on
OPTIONAL MATCH (n)<-[:USES]-(:Step)<-[:HAS_STEP]-(b5:Blueprint)<-[:HAS_BLUEPRINT]-(x4:Service) WHERE b5.scenario = $scenario
WITH n, f_depends_on, collect(DISTINCT x4.name) AS f_services
RETURN n.name AS name, f_depends_on AS depends_on, f_services AS services, n.id AS _id
ORDER BY _id
// params: {"p0": "billing", "scenario": "as-is"}
