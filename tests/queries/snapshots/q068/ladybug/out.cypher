// ladybug
MATCH (n:Metric)
WHERE EXISTS { MATCH (n)-[:MEASURES]->(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND EXISTS { MATCH (n)-[:MEASURES]->(s3:Step)<-[:HAS_STEP]-(b4:Blueprint), (s3)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(t2:Service) WHERE t2.id = $p1 AND b4.scenario = $scenario }
OPTIONAL MATCH (n)-[:MEASURES]->(x5:Step)
WITH n, collect(DISTINCT x5.name) AS f_steps
RETURN n.name AS name, n.target AS target, n.unit AS unit, f_steps AS steps, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "claims"}
