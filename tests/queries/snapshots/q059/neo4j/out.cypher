// neo4j
MATCH (n:Touchpoint)
WHERE n.channel IN $p0
OPTIONAL MATCH (n)<-[:AT_TOUCHPOINT]-(s:Step)<-[:HAS_STEP]-(b2:Blueprint)<-[:HAS_BLUEPRINT]-(x1:Service) WHERE b2.scenario = $scenario
WITH n, collect(DISTINCT x1.name) AS f_services
OPTIONAL MATCH (n)<-[:AT_TOUCHPOINT]-(x3:Step)<-[:HAS_STEP]-(b4:Blueprint)<-[:HAS_BLUEPRINT]-(q5:Service) WHERE b4.scenario = $scenario
WITH n, f_services, collect(DISTINCT q5.name + ': ' + x3.name) AS f_steps
RETURN n.name AS name, f_services AS services, f_steps AS steps, n.id AS _id
ORDER BY _id
// params: {"p0": ["email", "letter"], "scenario": "as-is"}
