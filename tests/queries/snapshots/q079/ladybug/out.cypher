// ladybug, statement 1 of 5: levels
MATCH (c:Step) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, 0 AS depth
UNION ALL
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, length(p) AS depth
// params: {"id": "claims.register-claim"}

// ladybug, statement 2 of 5: centre
MATCH (c:Step) WHERE c.id = $id
RETURN label(c) + ':' + c.id AS key, c AS x
// params: {"id": "claims.register-claim"}

// ladybug, statement 3 of 5: nodes
MATCH p = (c:Step)-[* SHORTEST 1..2]-(x) WHERE c.id = $id
RETURN label(x) + ':' + x.id AS key, x
// params: {"id": "claims.register-claim"}

// ladybug, statement 4 of 5: edges.out
MATCH (a:Step)-[r]->(x) WHERE a.id = $id
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
UNION ALL
MATCH (c:Step)-[* SHORTEST 1..1]-(a) WHERE c.id = $id
MATCH (a)-[r]->(x)
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
// params: {"id": "claims.register-claim"}

// ladybug, statement 5 of 5: edges.in
MATCH (a:Step)<-[r]-(x) WHERE a.id = $id
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
UNION ALL
MATCH (c:Step)-[* SHORTEST 1..1]-(a) WHERE c.id = $id
MATCH (a)<-[r]-(x)
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
// params: {"id": "claims.register-claim"}
