// ladybug
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker AND (EXISTS { MATCH (n)-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(t1:Department) WHERE t1.id = $p1 } AND NOT (EXISTS { MATCH (n)-[:PERFORMED_BY]->(t2:Role) WHERE t2.id = $p2 }))
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x5:Blueprint)
WITH n, f_service, x5.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x6:Phase)
WITH n, f_service, _t0, x6.`order` AS _t1
RETURN n.id AS id, n.name AS name, n.lane AS lane, f_service AS service, _t0, _t1, n.seq AS _t2, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"marker": ":", "p1": "claims", "p2": "claims-handler"}
