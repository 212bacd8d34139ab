// neo4j, statement 1 of 11: source
MATCH (n:Step) WHERE n.id = $source
RETURN n
// params: {"source": "claims.register-claim"}

// neo4j, statement 2 of 11: hit
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)
WHERE s.id = $source AND b.scenario = $scenario
RETURN s.id AS id
// params: {"source": "claims.register-claim", "scenario": "as-is"}

// neo4j, statement 3 of 11: blueprints
UNWIND $hit AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN DISTINCT b.id AS id
ORDER BY id
// params: {}
// $hit <- hit.id

// neo4j, statement 4 of 11: steps
UNWIND $blueprints AS b_id
MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN s.id AS id, s.name AS name, s.lane AS lane, s.moment_of_truth AS moment, tp.id AS touchpoint, tp.name AS touchpoint_name, sv.id AS service_id, sv.name AS service, s.seq AS seq
ORDER BY id
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 5 of 11: supports
UNWIND $steps AS c_id MATCH (a:Step)-[:SUPPORTS]->(c:Step {id: c_id})
RETURN a.id AS lower, c.id AS higher
ORDER BY lower, higher
// params: {}
// $steps <- steps.id

// neo4j, statement 6 of 11: graph.steps
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})
RETURN s
// params: {}
// $steps <- steps.id

// neo4j, statement 7 of 11: links.supports
UNWIND $steps AS s_id MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step)
RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- steps.id

// neo4j, statement 8 of 11: graph.services
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b)
RETURN p
// params: {}
// $steps <- steps.id

// neo4j, statement 9 of 11: links.has_step
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- steps.id

// neo4j, statement 10 of 11: graph.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
WITH DISTINCT tp
RETURN tp
// params: {}
// $steps <- steps.id

// neo4j, statement 11 of 11: links.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- steps.id
