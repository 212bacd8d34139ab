// neo4j
CALL () { MATCH (n:Department)<-[:MEMBER_OF]-(:Role)<-[:PERFORMED_BY]-(s:Step)<-[:HAS_STEP]-(b:Blueprint) MATCH (s)-[:USES]->(t:System) WHERE t.id = $p0 AND b.scenario = $scenario RETURN collect(DISTINCT n.id) AS match1 }
MATCH (n:Department)
WHERE n.id IN match1
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"p0": "crm", "scenario": "as-is"}
