// ladybug
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND (n.ap <> $p2 AND n.severity >= $p3)
RETURN n.name AS name, n.severity AS severity, n.occurrence AS occurrence, n.detection AS detection, n.ap AS ap, n.id AS _id
ORDER BY _id
// params: {"marker": ":", "system_member": "/", "p2": "low", "p3": 9}
