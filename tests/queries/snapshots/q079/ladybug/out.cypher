// ladybug, statement 1 of 17: levels
MATCH (c:Step) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, 0 AS depth
UNION ALL
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, length(p) AS depth
// params: {"id": "claims.register-claim"}

// ladybug, statement 2 of 17: centre
MATCH (c:Step) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, c AS x
// params: {"id": "claims.register-claim"}

// ladybug, statement 3 of 17: nodes.Service
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Service) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 4 of 17: nodes.Blueprint
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Blueprint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 5 of 17: nodes.Phase
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Phase) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 6 of 17: nodes.Step
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Step) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 7 of 17: nodes.Evidence
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Evidence) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 8 of 17: nodes.Touchpoint
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Touchpoint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 9 of 17: nodes.Role
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Role) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 10 of 17: nodes.Department
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Department) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 11 of 17: nodes.System
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:System) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 12 of 17: nodes.FailPoint
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:FailPoint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 13 of 17: nodes.Persona
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Persona) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 14 of 17: nodes.Metric
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Metric) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 15 of 17: nodes.Observation
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x:Observation) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 16 of 17: edges.out
MATCH (a:Step)-[r]->(x) WHERE a.id = $id
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
UNION ALL
MATCH (c:Step)-[* SHORTEST 1..1]-(a) WHERE c.id = $id
MATCH (a)-[r]->(x)
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
// params: {"id": "claims.register-claim"}

// ladybug, statement 17 of 17: edges.in
MATCH (a:Step)<-[r]-(x) WHERE a.id = $id
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
UNION ALL
MATCH (c:Step)-[* SHORTEST 1..1]-(a) WHERE c.id = $id
MATCH (a)<-[r]-(x)
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
// params: {"id": "claims.register-claim"}
