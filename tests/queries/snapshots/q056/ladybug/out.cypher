// ladybug
MATCH (n:Touchpoint)
OPTIONAL MATCH (n)<-[:AT_TOUCHPOINT]-(s:Step)<-[:HAS_STEP]-(b2:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service) WHERE b2.scenario = $scenario
WITH n, collect(DISTINCT x1.name) AS f_services
RETURN n.id AS id, n.name AS name, n.channel AS channel, f_services AS services, n.id AS _id, n.channel AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order, _id
// params: {"scenario": "as-is"}
