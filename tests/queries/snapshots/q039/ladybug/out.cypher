// ladybug
MATCH (n:Step)
WHERE EXISTS { MATCH (n)<-[:HAS_STEP]-(b1:Blueprint) WHERE b1.scenario = $scenario }
OPTIONAL MATCH (n)<-[:HAS_STEP]-(:Blueprint)<-[:HAS_BLUEPRINT]-(x2:Service)
WITH n, x2.name AS f_service
WITH n, f_service WHERE (f_service = $p1 AND (n.lane = $p2 OR n.lane = $p3))
RETURN n.name AS name, n.lane AS lane, n.id AS _id
ORDER BY _id
// params: {"scenario": "as-is", "p1": "Motor claims", "p2": "customer", "p3": "frontstage"}
