// ladybug
MATCH (n:System)
WITH n ORDER BY CASE WHEN n.customer_reach IS NULL THEN 1 ELSE 0 END, n.customer_reach DESC, n.id LIMIT $limit
RETURN n.id AS id, n.customer_reach AS customer_reach, n.moments_reach AS moments_reach, n.single_point_for AS single_point_for, n.id AS _id, n.customer_reach AS _order
ORDER BY CASE WHEN _order IS NULL THEN 1 ELSE 0 END, _order DESC, _id
LIMIT $limit
// params: {"limit": 5}
