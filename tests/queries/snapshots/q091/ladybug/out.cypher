// ladybug
MATCH (n:FailPoint)
WHERE (EXISTS { MATCH (n)<-[:HAS_FAIL_POINT]-(:Step)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario } OR EXISTS { MATCH (n)<-[:CAN_FAIL]-(:System) }) AND n.ap = $p1
RETURN n.id AS id, n.ap AS ap, n.rpn AS rpn, n.id AS _id, n.ap_order AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
// params: {"scenario": "as-is", "p1": "high"}
