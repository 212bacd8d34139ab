// ladybug
MATCH (n:Touchpoint)
WHERE n.channel = $p0
RETURN n.id AS id, n.name AS name, n.channel AS channel, n.id AS _id
ORDER BY _id
// params: {"p0": "phone"}
