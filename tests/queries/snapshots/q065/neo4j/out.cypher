// neo4j, statement 1 of 2: match1
MATCH (n:System)-[:OWNED_BY]->(t:Department) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "billing"}

// neo4j, statement 2 of 2: rows
MATCH (n:System)
WHERE n.id IN $match1
OPTIONAL MATCH (n)-[:DEPENDS_ON]->(x1:System)
WITH n, collect(DISTINCT x1.id) AS f_depends_on
OPTIONAL MATCH (n)<-[:USES]-(:Step)<-[:HAS_STEP]-(b4:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service) WHERE b4.scenario = $scenario
WITH n, f_depends_on, collect(DISTINCT x3.name) AS f_services
RETURN n.name AS name, f_depends_on AS depends_on, f_services AS services, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is"}
// $match1 <- match1.id
