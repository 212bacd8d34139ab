// neo4j
MATCH (n:Department)
WHERE EXISTS { MATCH (n)<-[:MEMBER_OF]-(:Role)<-[:PERFORMED_BY]-(s2:Step)<-[:HAS_STEP]-(b3:Blueprint) MATCH (s2)-[:USES]->(t1:System) WHERE t1.id = $p0 AND b3.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.id AS _id
ORDER BY _id
// params: {"p0": "crm", "scenario": "as-is"}
