// neo4j
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND (n:BackstageAction AND EXISTS { MATCH (n)-[:USES]->(t2:System) WHERE t2.id = $p1 })
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
RETURN f_service AS service, n.name AS name, n.lane AS lane, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "crm"}
