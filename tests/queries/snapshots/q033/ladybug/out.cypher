// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } AND n.max_wait <= $p1
RETURN n.name AS name, n.max_wait AS max_wait, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": 10}
