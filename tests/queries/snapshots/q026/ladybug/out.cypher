// ladybug
MATCH (n:Phase)
WHERE EXISTS { MATCH (n)<-[:HAS_PHASE]-(b1:Blueprint) WHERE b1.scenario = $scenario }
OPTIONAL MATCH (n)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
RETURN n.id AS id, n.name AS name, n.`order` AS `order`, f_service AS service, n.id AS _id, n.`order` AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, _id
// params: {"scenario": "as-is"}
