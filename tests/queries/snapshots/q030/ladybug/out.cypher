// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND (n.lane <> $p1 AND EXISTS { MATCH (n)-[:AT_TOUCHPOINT]->(t2:Touchpoint) WHERE t2.id = $p2 })
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x3:Service)
WITH n, x3.name AS f_service
RETURN n.id AS id, n.name AS name, n.lane AS lane, f_service AS service, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "customer", "p2": "contact-centre"}
