// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND (EXISTS { MATCH (n)-[:USES]->(t2:System) WHERE t2.id = $p1 } OR EXISTS { MATCH (n)-[:USES]->(t3:System) WHERE t3.id = $p2 })
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x4:Service)
WITH n, x4.name AS f_service
RETURN f_service AS service, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "payments-gateway", "p2": "direct-debit"}
