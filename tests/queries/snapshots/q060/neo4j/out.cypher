// neo4j, statement 1 of 2: match1
MATCH (n:Role)-[:MEMBER_OF]->(t:Department) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "billing"}

// neo4j, statement 2 of 2: rows
MATCH (n:Role)
WHERE n.id IN $match1
OPTIONAL MATCH (n)<-[:PERFORMED_BY]-(:Step)<-[:HAS_STEP]-(b2:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service) WHERE b2.scenario = $scenario
WITH n, collect(DISTINCT x1.name) AS f_services
RETURN n.name AS name, f_services AS services, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is"}
// $match1 <- match1.id
