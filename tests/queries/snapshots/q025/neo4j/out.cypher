// neo4j, statement 1 of 2: match1
MATCH (n:Phase)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "claims"}

// neo4j, statement 2 of 2: rows
MATCH (n:Phase)
WHERE NOT n.id CONTAINS $marker AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
OPTIONAL MATCH (n)<-[:HAS_PHASE]-(x3:Blueprint)
WITH n, f_service, x3.id AS _t0
RETURN n.id AS id, n.name AS name, n.`order` AS `order`, f_service AS service, _t0, n.`order` AS _t1, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, _id
// params: {"marker": ":"}
// $match1 <- match1.id
