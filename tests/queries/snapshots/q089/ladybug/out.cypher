// ladybug, statement 1 of 23: source
MATCH (n:Department) WHERE n.id = $source
RETURN n
// params: {"source": "billing"}

// ladybug, statement 2 of 23: dependencies
MATCH (a:System)-[:DEPENDS_ON]->(b:System)
RETURN a.id AS source, b.id AS target
// params: {}

// ladybug, statement 3 of 23: route.performed_by
MATCH (s:Step)-[:PERFORMED_BY]->(v:Role)-[:MEMBER_OF]->(t:Department)
WHERE t.id = $source AND NOT s.id CONTAINS $marker
RETURN s.id AS id, collect(DISTINCT v.id) AS vias
// params: {"source": "billing", "marker": ":"}

// ladybug, statement 4 of 23: ends.uses_owned
MATCH (z:System)-[:OWNED_BY]->(t:Department) WHERE t.id = $source
RETURN z.id AS id
// params: {"source": "billing"}

// ladybug, statement 5 of 23: reach.uses_owned
// computed in Python: the systems the chain goes through: those it ends at and every system depending on one of them within $within, with their dependency hops (from ends.uses_owned.id, dependencies.source)
// params: {"within": 0, "low": 0, "ends_from": "ends.uses_owned"}

// ladybug, statement 6 of 23: route.uses_owned
UNWIND $reach AS y_id
MATCH (s:Step)-[:USES]->(y:System)
WHERE y.id = y_id AND NOT s.id CONTAINS $marker
RETURN s.id AS id, collect(y.id) AS vias
// params: {"marker": ":"}
// $reach <- reach.uses_owned.id

// ladybug, statement 7 of 23: blueprints
// computed in Python: the blueprints of the steps reached, from their ids (from route.performed_by.id, route.uses_owned.id)
// params: {}

// ladybug, statement 8 of 23: supports
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(a)-[:SUPPORTS]->(c)
RETURN a.id AS lower, c.id AS higher
// params: {}
// $blueprints <- blueprints.id

// ladybug, statement 9 of 23: facts
UNWIND $blueprints AS b_id
MATCH (b:Blueprint {id: b_id})-[:HAS_STEP]->(s)
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp)
OPTIONAL MATCH (s)-[:HAS_FAIL_POINT]->(f)
OPTIONAL MATCH (s)-[:IN_PHASE]->(ph)
OPTIONAL MATCH (s)-[:PERFORMED_BY]->(r)
RETURN s.id AS step, s.name AS name, s.lane AS lane, tp.name AS touchpoint, tp.channel AS channel, f.id AS failpoint, f.rpn AS rpn, ph.`order` AS phase_order, s.seq AS seq, b.id AS blueprint, r.id AS role
// params: {}
// $blueprints <- blueprints.id

// ladybug, statement 10 of 23: memberships
MATCH (r:Role)-[:MEMBER_OF]->(n:Department)
RETURN r.id AS source, n.id AS target, n.name AS name
// params: {}

// ladybug, statement 11 of 23: services
MATCH (sv:Service)
RETURN sv.id AS id, sv.name AS name
// params: {}

// ladybug, statement 12 of 23: reached
// computed in Python: every step reached, directly or through the steps it supports, by its nearest route (fewest hops, then route order, then via) (from route.performed_by.id, route.performed_by.vias, route.uses_owned.id, route.uses_owned.vias, reach.uses_owned.hops, supports.lower, supports.higher)
// params: {}

// ladybug, statement 13 of 23: names.role
UNWIND $ids AS n_id
MATCH (n:Role {id: n_id})
RETURN DISTINCT n.id AS id, n.name AS name
// params: {}
// $ids <- route.performed_by.vias[*]

// ladybug, statement 14 of 23: names.system
UNWIND $ids AS n_id
MATCH (n:System {id: n_id})
RETURN DISTINCT n.id AS id, n.name AS name
// params: {}
// $ids <- route.uses_owned.vias[*]

// ladybug, statement 15 of 23: graph.route.performed_by
UNWIND $direct AS s_id MATCH p = (s:Step {id: s_id})-[:PERFORMED_BY]->(:Role)-[:MEMBER_OF]->(t:Department) WHERE t.id = $source
RETURN p
// params: {"source": "billing"}
// $direct <- route.performed_by.id

// ladybug, statement 16 of 23: graph.chain.uses_owned
MATCH p = (y:System)-[:DEPENDS_ON*0..0]->(:System)-[:OWNED_BY]->(t:Department) WHERE t.id = $source
RETURN y.id AS via, p
// params: {"source": "billing"}

// ladybug, statement 17 of 23: graph.steps
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})
RETURN s
// params: {}
// $steps <- reached.step

// ladybug, statement 18 of 23: links.supports
UNWIND $steps AS s_id MATCH (a:Step {id: s_id})-[:SUPPORTS]->(c:Step)
RETURN 'Step:' + a.id AS source, 'SUPPORTS' AS type, 'Step:' + c.id AS target
// params: {}
// $steps <- reached.step

// ladybug, statement 19 of 23: graph.services
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
WITH DISTINCT b MATCH p = (:Service)-[:HAS_BLUEPRINT]->(b)
RETURN p
// params: {}
// $steps <- reached.step

// ladybug, statement 20 of 23: links.has_step
UNWIND $steps AS s_id MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step {id: s_id})
RETURN 'Blueprint:' + b.id AS source, 'HAS_STEP' AS type, 'Step:' + s.id AS target
// params: {}
// $steps <- reached.step

// ladybug, statement 21 of 23: graph.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
WITH DISTINCT tp
RETURN tp
// params: {}
// $steps <- reached.step

// ladybug, statement 22 of 23: links.touchpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN 'Step:' + s.id AS source, 'AT_TOUCHPOINT' AS type, 'Touchpoint:' + tp.id AS target
// params: {}
// $steps <- reached.step

// ladybug, statement 23 of 23: links.failpoints
UNWIND $steps AS s_id MATCH (s:Step {id: s_id})-[:HAS_FAIL_POINT]->(f:FailPoint)
RETURN 'Step:' + s.id AS source, 'HAS_FAIL_POINT' AS type, 'FailPoint:' + f.id AS target, f
// params: {}
// $steps <- reached.step
