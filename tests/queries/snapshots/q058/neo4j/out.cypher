// neo4j
CALL () { MATCH (n:Touchpoint)<-[:AT_TOUCHPOINT]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0 RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:Touchpoint)
WHERE n.id IN match1
RETURN n.id AS id, n.name AS name, n.channel AS channel, n.id AS _id
ORDER BY _id
// params: {"p0": "claims"}
