// neo4j, statement 1 of 2: match1
MATCH (n:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "claims"}

// neo4j, statement 2 of 2: rows
MATCH (n:Blueprint)
WHERE n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
RETURN n.id AS id, n.name AS name, n.scenario AS scenario, f_service AS service, n.id AS _id
ORDER BY _id
// params: {}
// $match1 <- match1.id
