// neo4j, statement 1 of 17: source
MATCH (n:Touchpoint) WHERE n.id = $source
RETURN n
// params: {"source": "contact-centre"}

// neo4j, statement 2 of 17: route.at
MATCH (s:Step)-[:AT_TOUCHPOINT]->(t:Touchpoint)
WHERE t.id = $source AND NOT s.id CONTAINS $marker
RETURN s.id AS id, collect(DISTINCT t.id) AS vias
// params: {"source": "contact-centre", "marker": ":"}

// neo4j, statement 3 of 17: blueprints
// computed in Python: the blueprints of the steps reached, from their ids (from route.at.id)
// params: {}

// neo4j, statement 4 of 17: supports
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(a)-[:SUPPORTS]->(c)
RETURN a.id AS lower, c.id AS higher
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 5 of 17: facts
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s)
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp)
OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f)
OPTIONAL MATCH (s)-[:IN_PHASE]->(ph)
OPTIONAL MATCH (s)-[:PERFORMED_BY]->(r)
RETURN s.id AS step, s.name AS name, s.lane AS lane, tp.name AS touchpoint, tp.channel AS channel, f.id AS failpoint, f.rpn AS rpn, ph.`order` AS phase_order, s.seq AS seq, b.id AS blueprint, r.id AS role
// params: {}
// $blueprints <- blueprints.id

// neo4j, statement 6 of 17: memberships
MATCH (r:Role)-[:MEMBER_OF]->(n:Department)
RETURN r.id AS source, n.id AS target, n.name AS name
// params: {}

// neo4j, statement 7 of 17: services
MATCH (sv:Service)
RETURN sv.id AS id, sv.name AS name
// params: {}

// neo4j, statement 8 of 17: reached
// computed in Python: every step reached, directly or through the steps it supports, by its nearest route (fewest hops, then route order, then via) (from route.at.id, route.at.vias, supports.lower, supports.higher)
// params: {}

// neo4j, statement 9 of 17: names.touchpoint
UNWIND $ids AS n_id
MATCH (n:Touchpoint {id: n_id})
RETURN DISTINCT n.id AS id, n.name AS name
// params: {}
// $ids <- route.at.vias[*]

// neo4j, statement 10 of 17: graph.route.at
UNWIND $direct AS s_id MATCH p = (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(t:Touchpoint) WHERE t.id = $source
RETURN p
// params: {"source": "contact-centre"}
// $direct <- route.at.id

// neo4j, statement 11 of 17: graph.steps
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})
RETURN s
// params: {}
// $steps <- reached.step

// neo4j, statement 12 of 17: links.supports
UNWIND $steps AS s_id MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step)
RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- reached.step

// neo4j, statement 13 of 17: graph.services
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b)
RETURN p
// params: {}
// $steps <- reached.step

// neo4j, statement 14 of 17: links.has_step
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- reached.step

// neo4j, statement 15 of 17: graph.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
WITH DISTINCT tp
RETURN tp
// params: {}
// $steps <- reached.step

// neo4j, statement 16 of 17: links.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- reached.step

// neo4j, statement 17 of 17: links.failpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:HAS_FAIL_POINT]->(f:FailPoint)
RETURN 'Step:' + s.id AS source, 'HAS_FAIL_POINT' AS type, 'FailPoint:' + f.id AS target, f
// params: {}
// $steps <- reached.step
