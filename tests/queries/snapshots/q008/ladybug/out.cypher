// ladybug, statement 1 of 16: levels
MATCH (c:Service) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, 0 AS depth
UNION ALL
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, length(p) AS depth
// params: {"id": "claims"}

// ladybug, statement 2 of 16: centre
MATCH (c:Service) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, c AS x
// params: {"id": "claims"}

// ladybug, statement 3 of 16: nodes.Service
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Service) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 4 of 16: nodes.Blueprint
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Blueprint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 5 of 16: nodes.Phase
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Phase) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 6 of 16: nodes.Step
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Step) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 7 of 16: nodes.Evidence
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Evidence) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 8 of 16: nodes.Touchpoint
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Touchpoint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 9 of 16: nodes.Role
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Role) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 10 of 16: nodes.System
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:System) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 11 of 16: nodes.FailPoint
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:FailPoint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 12 of 16: nodes.Persona
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Persona) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 13 of 16: nodes.Metric
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Metric) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 14 of 16: nodes.Observation
MATCH p = (c:Service)-[* SHORTEST 1..3]-(x:Observation) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims"}

// ladybug, statement 15 of 16: edges.out
MATCH (a:Service)-[r]->(x) WHERE a.id = $id
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
UNION ALL
MATCH (c:Service)-[* SHORTEST 1..2]-(a) WHERE c.id = $id
MATCH (a)-[r]->(x)
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
// params: {"id": "claims"}

// ladybug, statement 16 of 16: edges.in
MATCH (a:Service)<-[r]-(x) WHERE a.id = $id
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
UNION ALL
MATCH (c:Service)-[* SHORTEST 1..2]-(a) WHERE c.id = $id
MATCH (a)<-[r]-(x)
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
// params: {"id": "claims"}
