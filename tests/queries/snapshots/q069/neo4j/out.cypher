// neo4j, statement 1 of 2: match1
MATCH (n:Evidence)<-[:SHOWS]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0 AND b.scenario = $scenario
RETURN DISTINCT n.id AS id
// params: {"p0": "claims", "scenario": "as-is"}

// neo4j, statement 2 of 2: rows
MATCH (n:Evidence)
WHERE NOT n.id CONTAINS $marker AND n.id IN $match1
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.id AS _id
ORDER BY _id
// params: {"marker": ":"}
// $match1 <- match1.id
