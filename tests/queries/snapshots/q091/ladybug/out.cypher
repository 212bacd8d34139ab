// ladybug
MATCH (n:FailPoint)
WHERE (n.id CONTAINS $system_member OR NOT n.id CONTAINS $marker) AND n.ap = $p2
RETURN n.id AS id, n.ap AS ap, n.rpn AS rpn, n.id AS _id, n.ap_order AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
// params: {"marker": ":", "system_member": "/", "p2": "high"}
