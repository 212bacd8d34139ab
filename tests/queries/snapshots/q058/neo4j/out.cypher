// neo4j, statement 1 of 2: match1
MATCH (n:Touchpoint)<-[:AT_TOUCHPOINT]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0
RETURN DISTINCT n.id AS id
// params: {"p0": "claims"}

// neo4j, statement 2 of 2: rows
MATCH (n:Touchpoint)
WHERE n.id IN $match1
RETURN n.id AS id, n.name AS name, n.channel AS channel, n.id AS _id
ORDER BY _id
// params: {}
// $match1 <- match1.id
