// neo4j, statement 1 of 2: match1
MATCH (n:Step)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "claims"}

// neo4j, statement 2 of 2: rows
MATCH (n:Step)
WHERE n.id CONTAINS $marker AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x1:Blueprint)
WITH n, x1.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x2:Phase)
WITH n, _t0, x2.`order` AS _t1
RETURN n.name AS name, n.lane AS lane, _t0, _t1, n.seq AS _t2, n.id AS _id, n.seq AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"marker": ":to-be"}
// $match1 <- match1.id
