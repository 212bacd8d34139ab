// neo4j
MATCH (n:Evidence)
WHERE (EXISTS { MATCH (n)<-[:SHOWS]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR (NOT EXISTS { MATCH (n)<-[:SHOWS]-(:Step) } AND NOT n.id CONTAINS $marker)) AND EXISTS { MATCH (n)<-[:SHOWS]-(s3:Step)<-[:HAS_STEP]-(b4:Blueprint) MATCH (s3)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t2:Service) WHERE t2.id = $p2 AND b4.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "marker": ":", "p2": "claims"}
