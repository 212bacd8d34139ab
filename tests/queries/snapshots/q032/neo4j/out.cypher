// neo4j
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND n.target_time > $p1
RETURN n.name AS name, n.target_time AS target_time, n.id AS _id, n.target_time AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
// params: {"scenario": "as-is", "p1": 60}
