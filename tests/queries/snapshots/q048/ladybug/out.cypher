// ladybug
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND (n.rpn >= $p2 AND n.rpn < $p3)
RETURN n.name AS name, n.rpn AS rpn, n.id AS _id, n.rpn AS _order
ORDER BY _order, _id
// params: {"marker": ":", "system_member": "/", "p2": 100, "p3": 200}
