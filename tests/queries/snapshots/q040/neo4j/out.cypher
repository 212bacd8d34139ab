// neo4j, statement 1 of 2: match1
MATCH (n:Step)-[:IN_PHASE]->(t:Phase) WHERE t.id = $p0 RETURN DISTINCT n.id AS id
// params: {"p0": "claims.settle"}

// neo4j, statement 2 of 2: rows
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND n.id IN $match1
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x2:Blueprint)
WITH n, x2.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x3:Phase)
WITH n, _t0, x3.`order` AS _t1
RETURN n.name AS name, n.lane AS lane, _t0 AS _t0, _t1 AS _t1, n.seq AS _t2, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"scenario": "as-is"}
// $match1 <- match1
