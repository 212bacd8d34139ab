// ladybug
MATCH (n:Phase)
WHERE NOT n.id CONTAINS $marker AND EXISTS { MATCH (n)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t1:Service) WHERE t1.id = $p1 }
OPTIONAL MATCH (n)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
OPTIONAL MATCH (n)<-[:HAS_PHASE]-(x4:Blueprint)
WITH n, f_service, x4.id AS _t0
RETURN n.id AS id, n.name AS name, n.`order` AS `order`, f_service AS service, _t0, n.`order` AS _t1, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, _id
// params: {"marker": ":", "p1": "claims"}
