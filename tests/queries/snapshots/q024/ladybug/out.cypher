// ladybug
MATCH (n:Blueprint)
WHERE EXISTS { MATCH (n)<-[:HAS_BLUEPRINT]-(t1:Service) WHERE t1.id = $p0 }
OPTIONAL MATCH (n)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
RETURN n.id AS id, n.name AS name, n.scenario AS scenario, f_service AS service, n.id AS _id
ORDER BY _id
// params: {"p0": "claims"}
