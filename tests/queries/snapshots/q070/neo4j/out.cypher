// neo4j, statement 1 of 15: source
MATCH (n:System) WHERE n.id = $source RETURN n
// params: {"source": "payments-gateway"}

// neo4j, statement 2 of 15: reach.depends_on
MATCH (y:System)-[:DEPENDS_ON*0..5]->(t:System) WHERE t.id = $source RETURN DISTINCT y.id AS id
// params: {"source": "payments-gateway"}

// neo4j, statement 3 of 15: direct
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)
WHERE (EXISTS { MATCH (s)-[:USES]->(y:System) WHERE y.id IN $reach_depends_on }) AND b.scenario = $scenario
RETURN DISTINCT s.id AS id ORDER BY id
// params: {"scenario": "as-is"}
// $reach_depends_on <- reach.depends_on

// neo4j, statement 4 of 15: supported
UNWIND $direct AS d_id
MATCH (d:Step {id: d_id})-[:SUPPORTS*1..6]->(u:Step)
RETURN u.id AS id, min(d.id) AS via ORDER BY id
// params: {}
// $direct <- direct

// neo4j, statement 5 of 15: facts
UNWIND $steps AS s_id
MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)
OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f:FailPoint)
OPTIONAL MATCH (s)-[:IN_PHASE]->(ph:Phase)
RETURN sv.id AS service_id, sv.name AS service, s.id AS step, s.lane AS lane, tp.name AS touchpoint, tp.channel AS channel, f.id AS failpoint, f.rpn AS rpn, b.id AS blueprint, ph.`order` AS phase_order, s.seq AS seq
ORDER BY service_id, step
// params: {}
// $steps <- direct + supported

// neo4j, statement 6 of 15: departments
UNWIND $steps AS s_id
MATCH (s:Step {id: s_id})-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(d:Department)
RETURN DISTINCT s.id AS step, d.name AS department ORDER BY step, department
// params: {}
// $steps <- direct + supported

// neo4j, statement 7 of 15: links.route.depends_on
UNWIND $direct AS s_id MATCH (s:Step {id: s_id})-[:USES]->(y:System) WHERE y.id IN $reach
RETURN 'Step:' + s.id AS source, 'USES' AS type, 'System:' + y.id AS target
// params: {}
// $direct <- direct
// $reach <- reach.depends_on

// neo4j, statement 8 of 15: graph.chain.depends_on
UNWIND $direct AS s_id MATCH (s:Step {id: s_id})-[:USES]->(y:System)
WITH DISTINCT y
MATCH p = (y:System)-[:DEPENDS_ON*0..5]->(t:System) WHERE t.id = $source RETURN y.id AS via, p
// params: {"source": "payments-gateway"}
// $direct <- direct

// neo4j, statement 9 of 15: graph.steps
UNWIND $steps AS s_id MATCH (s:Step {id: s_id}) RETURN s
// params: {}
// $steps <- direct + supported

// neo4j, statement 10 of 15: links.supports
UNWIND $steps AS s_id MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step) RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- direct + supported

// neo4j, statement 11 of 15: graph.services
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b) RETURN p
// params: {}
// $steps <- direct + supported

// neo4j, statement 12 of 15: links.has_step
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id}) RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- direct + supported

// neo4j, statement 13 of 15: graph.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
WITH DISTINCT tp RETURN tp
// params: {}
// $steps <- direct + supported

// neo4j, statement 14 of 15: links.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint) RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- direct + supported

// neo4j, statement 15 of 15: links.failpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:HAS_FAIL_POINT]->(f:FailPoint) RETURN 'Step:' + s.id AS source, 'HAS_FAIL_POINT' AS type, 'FailPoint:' + f.id AS target, f
// params: {}
// $steps <- direct + supported
