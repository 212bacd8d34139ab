// neo4j, statement 1 of 13: source
MATCH (n:Step) WHERE n.id = $source
RETURN n
// params: {"source": "claims.register-claim"}

// neo4j, statement 2 of 13: hit
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)
WHERE s.id = $source AND b.scenario = $scenario
RETURN s.id AS step, s.id AS via
// params: {"scenario": "as-is", "source": "claims.register-claim"}

// neo4j, statement 3 of 13: blueprints
UNWIND $hit AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN DISTINCT b.id AS id
// params: {}
// $hit <- hit.step

// neo4j, statement 4 of 13: blueprint.steps
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)
RETURN b.id AS blueprint, s.id AS id, s.name AS name, s.lane AS lane, s.seq AS seq, s.moment_of_truth AS moment_of_truth
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 5 of 13: blueprint.services
UNWIND $blueprints AS b_id
MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id})
RETURN sv.id AS id, sv.name AS name, b.id AS blueprint
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 6 of 13: blueprint.supports
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)-[:SUPPORTS]->(n:Step)
RETURN s.id AS source, n.id AS target
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 7 of 13: blueprint.at_touchpoint
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)-[:AT_TOUCHPOINT]->(n:Touchpoint)
RETURN s.id AS source, n.id AS target, n.name AS name, n.channel AS channel
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 8 of 13: graph.steps
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})
RETURN s
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 9 of 13: links.supports
UNWIND $steps AS s_id MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step)
RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 10 of 13: graph.services
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b)
RETURN p
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 11 of 13: links.has_step
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 12 of 13: graph.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
WITH DISTINCT tp
RETURN tp
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 13 of 13: links.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- blueprint.steps.id
