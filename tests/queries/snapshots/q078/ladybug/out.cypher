// ladybug, statement 1 of 5: levels
MATCH (c:Touchpoint) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, 0 AS depth
UNION ALL
MATCH (c:Touchpoint)-[]-(x) WHERE c.id = $id WITH DISTINCT x
RETURN label(x) + ':' + x.id AS key, 1 AS depth
// params: {"id": "claims-line"}

// ladybug, statement 2 of 5: centre
MATCH (c:Touchpoint) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, c AS x
// params: {"id": "claims-line"}

// ladybug, statement 3 of 5: nodes.Step
MATCH (c:Touchpoint)-[]-(x:Step) WHERE c.id = $id WITH DISTINCT x
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims-line"}

// ladybug, statement 4 of 5: edges.out
MATCH (a:Touchpoint)-[r]->(x) WHERE a.id = $id
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
// params: {"id": "claims-line"}

// ladybug, statement 5 of 5: edges.in
MATCH (a:Touchpoint)<-[r]-(x) WHERE a.id = $id
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
// params: {"id": "claims-line"}
