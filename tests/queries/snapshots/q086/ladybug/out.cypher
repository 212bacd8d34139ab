// ladybug
MATCH (n:Evidence)
WHERE (EXISTS { MATCH (n)<-[:SHOWS]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR (NOT EXISTS { MATCH (n)<-[:SHOWS]-(:Step) } AND NOT n.id CONTAINS $marker))
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "marker": ":"}
