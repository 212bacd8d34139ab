// neo4j, statement 1 of 2: match1
MATCH (n:Phase)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0 RETURN DISTINCT n.id AS id
// params: {"p0": "claims"}

// neo4j, statement 2 of 2: rows
MATCH (n:Phase)
WHERE EXISTS { MATCH (n)<-[:HAS_PHASE]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
OPTIONAL MATCH (n)<-[:HAS_PHASE]-(x4:Blueprint)
WITH n, f_service, x4.id AS _t0
RETURN n.id AS id, n.name AS name, n.`order` AS `order`, f_service AS service, _t0 AS _t0, n.`order` AS _t1, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, _id
// params: {"scenario": "as-is"}
// $match1 <- match1
