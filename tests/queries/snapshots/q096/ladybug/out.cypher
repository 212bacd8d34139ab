// ladybug, statement 1 of 11: source
MATCH (n:Step) WHERE n.id = $source RETURN n
// params: {"source": "claims.register-claim"}

// ladybug, statement 2 of 11: hit
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)
WHERE s.id = $source AND b.scenario = $scenario
RETURN s.id AS id
// params: {"source": "claims.register-claim", "scenario": "as-is"}

// ladybug, statement 3 of 11: blueprints
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step) WHERE s.id IN $hit
RETURN DISTINCT b.id AS id ORDER BY id
// params: {}
// $hit <- hit

// ladybug, statement 4 of 11: steps
MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step)
WHERE b.id IN $blueprints
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN s.id AS id, s.name AS name, s.lane AS lane, s.moment_of_truth AS moment, tp.id AS touchpoint, tp.name AS touchpoint_name, sv.id AS service_id, sv.name AS service, s.seq AS seq
ORDER BY id
// params: {}
// $blueprints <- blueprints

// ladybug, statement 5 of 11: supports
MATCH (a:Step)-[:SUPPORTS]->(c:Step) WHERE c.id IN $steps
RETURN a.id AS lower, c.id AS higher ORDER BY lower, higher
// params: {}
// $steps <- steps

// ladybug, statement 6 of 11: graph.steps
MATCH (s:Step) WHERE s.id IN $steps RETURN s
// params: {}
// $steps <- steps

// ladybug, statement 7 of 11: links.supports
MATCH (a:Step)-[:SUPPORTS]->(c:Step) WHERE a.id IN $steps AND c.id IN $steps RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- steps

// ladybug, statement 8 of 11: graph.services
MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b:Blueprint) WHERE EXISTS { MATCH (b)-[:HAS_STEP]->(s:Step) WHERE s.id IN $steps } RETURN p
// params: {}
// $steps <- steps

// ladybug, statement 9 of 11: links.has_step
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step) WHERE s.id IN $steps RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- steps

// ladybug, statement 10 of 11: graph.touchpoints
MATCH (tp:Touchpoint) WHERE EXISTS { MATCH (s:Step)-[:AT_TOUCHPOINT]->(tp) WHERE s.id IN $steps } RETURN tp
// params: {}
// $steps <- steps

// ladybug, statement 11 of 11: links.touchpoints
MATCH (s:Step)-[:AT_TOUCHPOINT]->(tp:Touchpoint) WHERE s.id IN $steps RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- steps
