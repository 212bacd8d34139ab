// neo4j, statement 1 of 17: source
MATCH (n:System) WHERE n.id = $source
RETURN n
// params: {"source": "fraud-screening"}

// neo4j, statement 2 of 17: dependencies
MATCH (a:System)-[:DEPENDS_ON]->(b:System)
RETURN a.id AS source, b.id AS target
// params: {}

// neo4j, statement 3 of 17: failing
// computed in Python: the systems that fail with $systems (themselves, and every system depending on one of them), with their dependency hops (from dependencies.source, dependencies.target)
// params: {"systems": ["fraud-screening"]}

// neo4j, statement 4 of 17: hit
UNWIND $failing AS t_id
MATCH (b:Blueprint)-[:HAS_STEP]->(s) MATCH (s:Step)-[:USES]->(t:System)
WHERE t.id = t_id AND b.scenario = $scenario
RETURN s.id AS step, t.id AS via
// params: {"scenario": "as-is"}
// $failing <- failing.id

// neo4j, statement 5 of 17: blueprints
UNWIND $hit AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN DISTINCT b.id AS id
// params: {}
// $hit <- hit.step

// neo4j, statement 6 of 17: blueprint.steps
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)
RETURN b.id AS blueprint, s.id AS id, s.name AS name, s.lane AS lane, s.seq AS seq, s.moment_of_truth AS moment_of_truth
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 7 of 17: blueprint.services
UNWIND $blueprints AS b_id
MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint {id: b_id})
RETURN sv.id AS id, sv.name AS name, b.id AS blueprint
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 8 of 17: blueprint.supports
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)-[:SUPPORTS]->(n:Step)
RETURN s.id AS source, n.id AS target
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 9 of 17: blueprint.at_touchpoint
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s:Step)-[:AT_TOUCHPOINT]->(n:Touchpoint)
RETURN s.id AS source, n.id AS target, n.name AS name, n.channel AS channel
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 10 of 17: graph.uses
UNWIND $hit AS s_id MATCH p = (s:Step {id: s_id})-[:USES]->(y:System) WHERE y.id IN $failing
RETURN p
// params: {}
// $hit <- hit.step
// $failing <- failing.id

// neo4j, statement 11 of 17: graph.depends_on
MATCH p = (y:System)-[:DEPENDS_ON]->(z:System) WHERE y.id IN $failing AND z.id IN $failing
RETURN p
// params: {}
// $failing <- failing.id

// neo4j, statement 12 of 17: graph.steps
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})
RETURN s
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 13 of 17: links.supports
UNWIND $steps AS s_id MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step)
RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 14 of 17: graph.services
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b)
RETURN p
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 15 of 17: links.has_step
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 16 of 17: graph.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
WITH DISTINCT tp
RETURN tp
// params: {}
// $steps <- blueprint.steps.id

// neo4j, statement 17 of 17: links.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- blueprint.steps.id
