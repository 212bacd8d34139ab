// ladybug, statement 1 of 19: source
MATCH (n:System) WHERE n.id = $source
RETURN n
// params: {"source": "mainframe"}

// ladybug, statement 2 of 19: dependencies
MATCH (a:System)-[:DEPENDS_ON]->(b:System)
RETURN a.id AS source, b.id AS target
// params: {}

// ladybug, statement 3 of 19: reach.depends_on
// computed in Python: the systems the chain goes through: those it ends at and every system depending on one of them within $within, with their dependency hops (from dependencies.source, dependencies.target)
// params: {"within": 2, "low": 0, "ends": ["mainframe"]}

// ladybug, statement 4 of 19: route.depends_on
UNWIND $reach AS y_id
MATCH (s:Step)-[:USES]->(y:System)
WHERE y.id = y_id AND NOT s.id CONTAINS $marker
RETURN s.id AS id, collect(y.id) AS vias
// params: {"marker": ":"}
// $reach <- reach.depends_on.id

// ladybug, statement 5 of 19: blueprints
// computed in Python: the blueprints of the steps reached, from their ids (from route.depends_on.id)
// params: {}

// ladybug, statement 6 of 19: supports
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(a)-[:SUPPORTS]->(c)
RETURN a.id AS lower, c.id AS higher
// params: {}
// $blueprints <- blueprints.id

// ladybug, statement 7 of 19: facts
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s)
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp)
OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f)
OPTIONAL MATCH (s)-[:IN_PHASE]->(ph)
OPTIONAL MATCH (s)-[:PERFORMED_BY]->(r)
RETURN s.id AS step, s.name AS name, s.lane AS lane, tp.name AS touchpoint, tp.channel AS channel, f.id AS failpoint, f.rpn AS rpn, ph.`order` AS phase_order, s.seq AS seq, b.id AS blueprint, r.id AS role
// params: {}
// $blueprints <- blueprints.id

// ladybug, statement 8 of 19: memberships
MATCH (r:Role)-[:MEMBER_OF]->(n:Department)
RETURN r.id AS source, n.id AS target, n.name AS name
// params: {}

// ladybug, statement 9 of 19: services
MATCH (sv:Service)
RETURN sv.id AS id, sv.name AS name
// params: {}

// ladybug, statement 10 of 19: reached
// computed in Python: every step reached, directly or through the steps it supports, by its nearest route (fewest hops, then route order, then via) (from route.depends_on.id, route.depends_on.vias, reach.depends_on.hops, supports.lower, supports.higher)
// params: {}

// ladybug, statement 11 of 19: names.system
UNWIND $ids AS n_id
MATCH (n:System {id: n_id})
RETURN DISTINCT n.id AS id, n.name AS name
// params: {}
// $ids <- route.depends_on.vias[*]

// ladybug, statement 12 of 19: graph.chain.depends_on
MATCH p = (y:System)-[:DEPENDS_ON*0..2]->(t:System) WHERE t.id = $source
RETURN y.id AS via, p
// params: {"source": "mainframe"}

// ladybug, statement 13 of 19: graph.steps
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})
RETURN s
// params: {}
// $steps <- reached.step

// ladybug, statement 14 of 19: links.supports
UNWIND $steps AS s_id MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step)
RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- reached.step

// ladybug, statement 15 of 19: graph.services
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b)
RETURN p
// params: {}
// $steps <- reached.step

// ladybug, statement 16 of 19: links.has_step
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- reached.step

// ladybug, statement 17 of 19: graph.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
WITH DISTINCT tp
RETURN tp
// params: {}
// $steps <- reached.step

// ladybug, statement 18 of 19: links.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- reached.step

// ladybug, statement 19 of 19: links.failpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:HAS_FAIL_POINT]->(f:FailPoint)
RETURN 'Step:' + s.id AS source, 'HAS_FAIL_POINT' AS type, 'FailPoint:' + f.id AS target, f
// params: {}
// $steps <- reached.step
