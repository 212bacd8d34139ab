// neo4j, statement 1 of 11: source
MATCH (n:System) WHERE n.id = $source RETURN n
// params: {"source": "billing-engine"}

// neo4j, statement 2 of 11: failing
MATCH (y:System) WHERE y.id = $source OR EXISTS { MATCH (y)-[:DEPENDS_ON*1..30]->(t:System) WHERE t.id = $source }
RETURN y.id AS id ORDER BY id
// params: {"source": "billing-engine"}

// neo4j, statement 3 of 11: hit
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step)-[:USES]->(y:System)
WHERE y.id IN $failing AND b.scenario = $scenario
RETURN DISTINCT s.id AS id ORDER BY id
// params: {"scenario": "as-is"}
// $failing <- failing

// neo4j, statement 4 of 11: blueprints
MATCH (b:Blueprint)-[:HAS_STEP]->(s:Step) WHERE s.id IN $hit
RETURN DISTINCT b.id AS id ORDER BY id
// params: {}
// $hit <- hit

// neo4j, statement 5 of 11: steps
MATCH (sv:Service)-[:HAS_BLUEPRINT]->(b:Blueprint)-[:HAS_STEP]->(s:Step)
WHERE b.id IN $blueprints
OPTIONAL MATCH (s)-[:AT_TOUCHPOINT]->(tp:Touchpoint)
RETURN s.id AS id, s.name AS name, s.lane AS lane, s.moment_of_truth AS moment, tp.id AS touchpoint, tp.name AS touchpoint_name, sv.id AS service_id, sv.name AS service, s.seq AS seq
ORDER BY id
// params: {}
// $blueprints <- blueprints

// neo4j, statement 6 of 11: supports
MATCH (a:Step)-[:SUPPORTS]->(c:Step) WHERE c.id IN $steps
RETURN a.id AS lower, c.id AS higher ORDER BY lower, higher
// params: {}
// $steps <- steps

// neo4j, statement 7 of 11: graph.uses
MATCH p = (s:Step)-[:USES]->(y:System) WHERE s.id IN $hit AND y.id IN $failing RETURN p
// params: {}
// $hit <- hit
// $failing <- failing

// neo4j, statement 8 of 11: graph.depends_on
MATCH p = (y:System)-[:DEPENDS_ON]->(z:System) WHERE y.id IN $failing AND z.id IN $failing RETURN p
// params: {}
// $failing <- failing

// neo4j, statement 9 of 11: graph.supports
MATCH p = (a:Step)-[:SUPPORTS]->(c:Step) WHERE a.id IN $steps AND c.id IN $steps RETURN p
// params: {}
// $steps <- steps

// neo4j, statement 10 of 11: graph.services
MATCH p = (sv:Service)-[:HAS_BLUEPRINT]->(:Blueprint)-[:HAS_STEP]->(s:Step) WHERE s.id IN $steps RETURN p
// params: {}
// $steps <- steps

// neo4j, statement 11 of 11: graph.touchpoints
MATCH p = (s:Step)-[:AT_TOUCHPOINT]->(:Touchpoint) WHERE s.id IN $steps RETURN p
// params: {}
// $steps <- steps
