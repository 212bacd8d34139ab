// neo4j
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND toLower(n.script) CONTAINS toLower($p1)
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
RETURN f_service AS service, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "sorry"}
