// ladybug
MATCH (n:Evidence)
WHERE NOT n.id CONTAINS $marker AND EXISTS { MATCH (n)<-[:SHOWS]-(s2:Step)<-[:HAS_STEP]-(b3:Blueprint), (s2)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t1:Service) WHERE t1.id = $p1 AND b3.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.id AS _id
ORDER BY _id
// params: {"marker": ":", "p1": "claims", "scenario": "as-is"}
