// ladybug
MATCH (n:Touchpoint)
WHERE EXISTS { MATCH (n)<-[:AT_TOUCHPOINT]-(s2:Step)<-[:HAS_STEP]-(b3:Blueprint), (s2)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t1:Service) WHERE t1.id = $p0 }
RETURN n.id AS id, n.name AS name, n.channel AS channel, n.id AS _id
ORDER BY _id
// params: {"p0": "claims"}
