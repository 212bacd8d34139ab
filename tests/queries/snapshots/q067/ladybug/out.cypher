// ladybug
MATCH (n:Persona)
OPTIONAL MATCH (n)<-[:FOR_PERSONA]-(b2:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service) WHERE b2.scenario = $scenario
WITH n, collect(DISTINCT x1.name) AS f_services
RETURN n.name AS name, f_services AS services, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is"}
