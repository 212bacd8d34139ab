// ladybug, statement 1 of 14: source
MATCH (n:System) WHERE n.id = $source
RETURN n
// params: {"source": "fraud-screening"}

// ladybug, statement 2 of 14: failing
MATCH (y:System) WHERE y.id = $source OR EXISTS { MATCH (y)-[:DEPENDS_ON*1..30]->(t:System) WHERE t.id = $source }
RETURN y.id AS id
ORDER BY id
// params: {"source": "fraud-screening"}

// ladybug, statement 3 of 14: hit
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:USES]->(y:System)
WHERE y.id IN $failing AND b.scenario = $scenario
RETURN DISTINCT s.id AS id
ORDER BY id
// params: {"scenario": "as-is"}
// $failing <- failing.id

// ladybug, statement 4 of 14: blueprints
UNWIND $hit AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN DISTINCT b.id AS id
ORDER BY id
// params: {}
// $hit <- hit.id

// ladybug, statement 5 of 14: steps
UNWIND $blueprints AS b_id
MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN s.id AS id, s.name AS name, s.lane AS lane, s.moment_of_truth AS moment, tp.id AS touchpoint, tp.name AS touchpoint_name, sv.id AS service_id, sv.name AS service, s.seq AS seq
ORDER BY id
// params: {}
// $blueprints <- blueprints.id

// ladybug, statement 6 of 14: supports
UNWIND $steps AS c_id MATCH (a:Step)-[:SUPPORTS]->(c:Step {id: c_id})
RETURN a.id AS lower, c.id AS higher
ORDER BY lower, higher
// params: {}
// $steps <- steps.id

// ladybug, statement 7 of 14: graph.uses
UNWIND $hit AS s_id MATCH p = (s:Step {id: s_id})-[:USES]->(y:System) WHERE y.id IN $failing
RETURN p
// params: {}
// $hit <- hit.id
// $failing <- failing.id

// ladybug, statement 8 of 14: graph.depends_on
MATCH p = (y:System)-[:DEPENDS_ON]->(z:System) WHERE y.id IN $failing AND z.id IN $failing
RETURN p
// params: {}
// $failing <- failing.id

// ladybug, statement 9 of 14: graph.steps
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})
RETURN s
// params: {}
// $steps <- steps.id

// ladybug, statement 10 of 14: links.supports
UNWIND $steps AS s_id MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step)
RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- steps.id

// ladybug, statement 11 of 14: graph.services
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b)
RETURN p
// params: {}
// $steps <- steps.id

// ladybug, statement 12 of 14: links.has_step
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- steps.id

// ladybug, statement 13 of 14: graph.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
WITH DISTINCT tp
RETURN tp
// params: {}
// $steps <- steps.id

// ladybug, statement 14 of 14: links.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- steps.id
