// neo4j
MATCH (n:Phase)
WHERE EXISTS { MATCH (n)<-[:HAS_PHASE]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t2:Service) WHERE t2.id = $p1 }
OPTIONAL MATCH (n)<-[:HAS_PHASE]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
RETURN n.id AS id, n.name AS name, n.`order` AS `order`, f_service AS service, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "claims"}
