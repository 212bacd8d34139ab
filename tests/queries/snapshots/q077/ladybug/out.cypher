// ladybug, statement 1 of 6: levels
MATCH (c:Department) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, 0 AS depth
UNION ALL
MATCH (c:Department)-[]-(x) WHERE c.id = $id WITH DISTINCT x
RETURN label(x) + ':' + x.id AS key, 1 AS depth
// params: {"id": "billing"}

// ladybug, statement 2 of 6: centre
MATCH (c:Department) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, c AS x
// params: {"id": "billing"}

// ladybug, statement 3 of 6: nodes.Role
MATCH (c:Department)-[]-(x:Role) WHERE c.id = $id WITH DISTINCT x
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "billing"}

// ladybug, statement 4 of 6: nodes.System
MATCH (c:Department)-[]-(x:System) WHERE c.id = $id WITH DISTINCT x
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "billing"}

// ladybug, statement 5 of 6: edges.out
MATCH (a:Department)-[r]->(x) WHERE a.id = $id
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
// params: {"id": "billing"}

// ladybug, statement 6 of 6: edges.in
MATCH (a:Department)<-[r]-(x) WHERE a.id = $id
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
// params: {"id": "billing"}
