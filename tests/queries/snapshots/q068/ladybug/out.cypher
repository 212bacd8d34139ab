// ladybug
MATCH (n:Metric)
WHERE NOT n.id CONTAINS $marker AND EXISTS { MATCH (n)-[:MEASURES]->(s2:Step)<-[:HAS_STEP]-(b3:Blueprint), (s2)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t1:Service) WHERE t1.id = $p1 AND b3.scenario = $scenario }
OPTIONAL MATCH (n)-[:MEASURES]->(x4:Step)
WITH n, collect(DISTINCT x4.name) AS f_steps
RETURN n.name AS name, n.target AS target, n.unit AS unit, f_steps AS steps, n.id AS _id
ORDER BY _id
// params: {"marker": ":", "p1": "claims", "scenario": "as-is"}
