// neo4j
CALL () { MATCH (n:Evidence)<-[:SHOWS]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t:Service) WHERE t.id = $p0 AND b.scenario = $scenario RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:Evidence)
WHERE NOT n.id CONTAINS $marker AND n.id IN match1
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.id AS _id
ORDER BY _id
// params: {"p0": "claims", "scenario": "as-is", "marker": ":"}
