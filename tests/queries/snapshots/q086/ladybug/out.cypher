// ladybug
MATCH (n:Evidence)
WHERE NOT n.id CONTAINS $marker
RETURN n.id AS id, n.name AS name, n.kind AS kind, n.id AS _id
ORDER BY _id
// params: {"marker": ":"}
