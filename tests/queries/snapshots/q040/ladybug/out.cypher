// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)-[:IN_PHASE]->(t2:Phase) WHERE t2.id = $p1 }
RETURN n.name AS name, n.lane AS lane, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "claims.settle"}
