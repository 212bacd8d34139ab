// neo4j
MATCH (n:Blueprint)
OPTIONAL MATCH (n)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
RETURN n.id AS id, n.name AS name, n.scenario AS scenario, f_service AS service, n.id AS _id
ORDER BY _id
// params: {}
