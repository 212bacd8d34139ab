// neo4j
MATCH (n:Step)
WHERE NOT n.id CONTAINS $marker
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service)
WITH n, x1.name AS f_service
OPTIONAL MATCH (n)-[:AT_TOUCHPOINT]->(x3:Touchpoint)
WITH n, f_service, x3.name AS f_touchpoint
OPTIONAL MATCH (n)-[:AT_TOUCHPOINT]->(x5:Touchpoint)
WITH n, f_service, f_touchpoint, x5.channel AS f_channel
WITH n, f_service, f_touchpoint, f_channel WHERE f_channel = $p1
OPTIONAL MATCH (n)<-[:HAS_STEP]-(x7:Blueprint)
WITH n, f_service, f_touchpoint, f_channel, x7.id AS _t0
OPTIONAL MATCH (n)-[:IN_PHASE]->(x8:Phase)
WITH n, f_service, f_touchpoint, f_channel, _t0, x8.`order` AS _t1
RETURN f_service AS service, n.name AS name, f_touchpoint AS touchpoint, _t0, _t1, n.seq AS _t2, n.id AS _id
ORDER BY CASE WHEN _t0 IS NULL THEN 1 ELSE 0 END, _t0, CASE WHEN _t1 IS NULL THEN 1 ELSE 0 END, _t1, CASE WHEN _t2 IS NULL THEN 1 ELSE 0 END, _t2, _id
// params: {"marker": ":", "p1": "phone"}
