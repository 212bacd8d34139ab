// neo4j, statement 1 of 2: match1
MATCH (n:Step)<-[:HAS_STEP]-(t:Blueprint) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "claims:to-be"}

// neo4j, statement 2 of 2: rows
MATCH (n:Step)
WHERE n.id CONTAINS $marker AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x3:Blueprint)
WITH n, f_service, x3.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x4:Phase)
WITH n, f_service, _t0, x4.`order` AS _t1
RETURN n.id AS id, n.name AS name, n.lane AS lane, f_service AS service, _t0, _t1, n.seq AS _t2, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"marker": ":to-be"}
// $match1 <- match1.id
