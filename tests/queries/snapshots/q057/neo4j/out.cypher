// neo4j
CALL () { MATCH (n:Touchpoint)<-[:AT_TOUCHPOINT]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)-[:USES]->(t:System) WHERE t.id = $p0 AND b.scenario = $scenario RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:Touchpoint)
WHERE n.id IN match1
RETURN n.name AS name, n.channel AS channel, n.id AS _id
ORDER BY _id
// params: {"p0": "crm", "scenario": "as-is"}
