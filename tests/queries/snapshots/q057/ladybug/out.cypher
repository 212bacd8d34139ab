// ladybug
MATCH (n:Touchpoint)
WHERE EXISTS { MATCH (n)<-[:AT_TOUCHPOINT]-(s2:Step)<-[:HAS_STEP]-(b3:Blueprint), (s2)-[:USES]->(t1:System) WHERE t1.id = $p0 AND b3.scenario = $scenario }
RETURN n.name AS name, n.channel AS channel, n.id AS _id
ORDER BY _id
// params: {"p0": "crm", "scenario": "as-is"}
