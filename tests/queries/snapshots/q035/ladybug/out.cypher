// ladybug, statement 1 of 2: reach1
MATCH (y:System)-[:DEPENDS_ON*0..5]->(t:System) WHERE t.id = $p0
RETURN DISTINCT y.id AS id
// params: {"p0": "mainframe"}

// ladybug, statement 2 of 2: rows
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker AND (EXISTS { MATCH (n)-[:USES]->(y2:System) WHERE y2.id IN $reach1 } AND n.lane = $p1)
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x5:Blueprint)
WITH n, f_service, x5.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x6:Phase)
WITH n, f_service, _t0, x6.`order` AS _t1
RETURN f_service AS service, n.name AS name, _t0, _t1, n.seq AS _t2, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"marker": ":", "p1": "support"}
// $reach1 <- reach1.id
