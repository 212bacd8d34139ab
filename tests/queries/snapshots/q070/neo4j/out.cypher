// neo4j, statement 1 of 14: source
MATCH (n:System) WHERE n.id = $source RETURN n
// params: {"source": "payments-gateway"}

// neo4j, statement 2 of 14: reach.depends_on
MATCH (y:System)-[:DEPENDS_ON*0..5]->(t:System) WHERE t.id = $source RETURN DISTINCT y.id AS id
// params: {"source": "payments-gateway"}

// neo4j, statement 3 of 14: direct
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)
WHERE (EXISTS { MATCH (s)-[:USES]->(y:System) WHERE y.id IN $reach_depends_on }) AND b.scenario = $scenario
RETURN DISTINCT s.id AS id ORDER BY id
// params: {"scenario": "as-is"}
// $reach_depends_on <- reach.depends_on

// neo4j, statement 4 of 14: supported
MATCH (d:Step)-[:SUPPORTS*1..6]->(u:Step)
WHERE d.id IN $direct
RETURN u.id AS id, min(d.id) AS via ORDER BY id
// params: {}
// $direct <- direct

// neo4j, statement 5 of 14: facts
MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step)
WHERE s.id IN $steps
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)
OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f:FailPoint)
OPTIONAL MATCH (s)-[:IN_PHASE]->(ph:Phase)
RETURN sv.id AS service_id, sv.name AS service, s.id AS step, s.lane AS lane, tp.name AS touchpoint, tp.channel AS channel, f.id AS failpoint, f.rpn AS rpn, b.id AS blueprint, ph.`order` AS phase_order, s.seq AS seq
ORDER BY service_id, step
// params: {}
// $steps <- direct + supported

// neo4j, statement 6 of 14: links.route.depends_on
MATCH (s:Step)-[:USES]->(y:System) WHERE s.id IN $direct AND y.id IN $reach
RETURN 'Step:' + s.id AS source, 'USES' AS type, 'System:' + y.id AS target
// params: {}
// $direct <- direct
// $reach <- reach.depends_on

// neo4j, statement 7 of 14: graph.chain.depends_on
MATCH (s:Step)-[:USES]->(y:System) WHERE s.id IN $direct
WITH DISTINCT y
MATCH p = (y:System)-[:DEPENDS_ON*0..5]->(t:System) WHERE t.id = $source RETURN y.id AS via, p
// params: {"source": "payments-gateway"}
// $direct <- direct

// neo4j, statement 8 of 14: graph.steps
MATCH (s:Step) WHERE s.id IN $steps RETURN s
// params: {}
// $steps <- direct + supported

// neo4j, statement 9 of 14: links.supports
MATCH (a:Step)-[:SUPPORTS]->(c:Step) WHERE a.id IN $steps AND c.id IN $steps RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- direct + supported

// neo4j, statement 10 of 14: graph.services
MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b:Blueprint) WHERE EXISTS { MATCH (b)-[:HAS_STEP]->(s:Step) WHERE s.id IN $steps } RETURN p
// params: {}
// $steps <- direct + supported

// neo4j, statement 11 of 14: links.has_step
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step) WHERE s.id IN $steps RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- direct + supported

// neo4j, statement 12 of 14: graph.touchpoints
MATCH (tp:Touchpoint) WHERE EXISTS { MATCH (s:Step)-[:AT_TOUCHPOINT]->(tp) WHERE s.id IN $steps } RETURN tp
// params: {}
// $steps <- direct + supported

// neo4j, statement 13 of 14: links.touchpoints
MATCH (s:Step)-[:AT_TOUCHPOINT]->(tp:Touchpoint) WHERE s.id IN $steps RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- direct + supported

// neo4j, statement 14 of 14: links.failpoints
MATCH (s:Step)-[:HAS_FAIL_POINT]->(f:FailPoint) WHERE s.id IN $steps RETURN 'Step:' + s.id AS source, 'HAS_FAIL_POINT' AS type, 'FailPoint:' + f.id AS target, f
// params: {}
// $steps <- direct + supported
