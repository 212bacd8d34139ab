// neo4j, statement 1 of 3: match1
MATCH (n:Step)-[:USES]->(t:System) WHERE t.id = $p0 RETURN DISTINCT n.id AS id
// params: {"p0": "payments-gateway"}

// neo4j, statement 2 of 3: match2
MATCH (n:Step)-[:USES]->(t:System) WHERE t.id = $p0 RETURN DISTINCT n.id AS id
// params: {"p0": "direct-debit"}

// neo4j, statement 3 of 3: rows
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND (n.id IN $match1 OR n.id IN $match2)
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x4:Blueprint)
WITH n, f_service, x4.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x5:Phase)
WITH n, f_service, _t0, x5.`order` AS _t1
RETURN f_service AS service, n.name AS name, _t0 AS _t0, _t1 AS _t1, n.seq AS _t2, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"scenario": "as-is"}
// $match1 <- match1
// $match2 <- match2
