// ladybug
MATCH (n:Service)
WHERE EXISTS { MATCH (n)-[:HAS_BLUEPRINT]->(b1:Blueprint) WHERE b1.scenario = $scenario }
RETURN n.id AS id, n.name AS name, n.id AS _id, n.name AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
// params: {"scenario": "as-is"}
