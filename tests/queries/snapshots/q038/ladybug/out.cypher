// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario }
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
OPTIONAL MATCH (n)-[:AT_TOUCHPOINT]->(x4:Touchpoint)
WITH n, f_service, x4.name AS f_touchpoint
OPTIONAL MATCH (n)-[:AT_TOUCHPOINT]->(x6:Touchpoint)
WITH n, f_service, f_touchpoint, x6.channel AS f_channel
WITH n, f_service, f_touchpoint, f_channel WHERE f_channel = $p1
RETURN f_service AS service, n.name AS name, f_touchpoint AS touchpoint, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "phone"}
