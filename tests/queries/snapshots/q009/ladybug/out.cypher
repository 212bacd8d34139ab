// ladybug, statement 1 of 14: levels
MATCH (c:System) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, 0 AS depth
UNION ALL
MATCH p = (c:System)-[* SHORTEST 1..2]-(x) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, length(p) AS depth
// params: {"id": "crm"}

// ladybug, statement 2 of 14: centre
MATCH (c:System) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, c AS x
// params: {"id": "crm"}

// ladybug, statement 3 of 14: nodes.Blueprint
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:Blueprint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 4 of 14: nodes.Phase
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:Phase) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 5 of 14: nodes.Step
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:Step) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 6 of 14: nodes.Evidence
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:Evidence) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 7 of 14: nodes.Touchpoint
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:Touchpoint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 8 of 14: nodes.Role
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:Role) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 9 of 14: nodes.Department
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:Department) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 10 of 14: nodes.System
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:System) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 11 of 14: nodes.FailPoint
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:FailPoint) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 12 of 14: nodes.Metric
MATCH p = (c:System)-[* SHORTEST 1..2]-(x:Metric) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "crm"}

// ladybug, statement 13 of 14: edges.out
MATCH (a:System)-[r]->(x) WHERE a.id = $id
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
UNION ALL
MATCH (c:System)-[* SHORTEST 1..1]-(a) WHERE c.id = $id
MATCH (a)-[r]->(x)
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
// params: {"id": "crm"}

// ladybug, statement 14 of 14: edges.in
MATCH (a:System)<-[r]-(x) WHERE a.id = $id
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
UNION ALL
MATCH (c:System)-[* SHORTEST 1..1]-(a) WHERE c.id = $id
MATCH (a)<-[r]-(x)
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
// params: {"id": "crm"}
