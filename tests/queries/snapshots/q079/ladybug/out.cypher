// ladybug, statement 1 of 6: level0
MATCH (c:Step) WHERE c.id = $id RETURN label(c) + ':' + c.id AS key
// params: {"id": "claims.register-claim"}

// ladybug, statement 2 of 6: level1
UNWIND $frontier AS k_a
MATCH (a {id: regexp_extract(k_a, '^[^:]*:(.*)$', 1)})
WHERE label(a) + ':' + a.id = k_a
MATCH (a)-[]-(x)
RETURN DISTINCT label(x) + ':' + x.id AS key
// params: {}
// $frontier <- level0

// ladybug, statement 3 of 6: level2
UNWIND $frontier AS k_a
MATCH (a {id: regexp_extract(k_a, '^[^:]*:(.*)$', 1)})
WHERE label(a) + ':' + a.id = k_a
MATCH (a)-[]-(x)
RETURN DISTINCT label(x) + ':' + x.id AS key
// params: {}
// $frontier <- level1 - level0

// ladybug, statement 4 of 6: nodes
UNWIND $nodes AS k_x
MATCH (x {id: regexp_extract(k_x, '^[^:]*:(.*)$', 1)})
WHERE label(x) + ':' + x.id = k_x
RETURN label(x) + ':' + x.id AS key, x
// params: {}
// $nodes <- level0 + level1 + level2

// ladybug, statement 5 of 6: edges.out
UNWIND $inner AS k_a
MATCH (a {id: regexp_extract(k_a, '^[^:]*:(.*)$', 1)})
WHERE label(a) + ':' + a.id = k_a
MATCH (a)-[r]->(x)
RETURN label(a) + ':' + a.id AS source, label(r) AS type, label(x) + ':' + x.id AS target
// params: {}
// $inner <- level0 + level1

// ladybug, statement 6 of 6: edges.in
UNWIND $inner AS k_a
MATCH (a {id: regexp_extract(k_a, '^[^:]*:(.*)$', 1)})
WHERE label(a) + ':' + a.id = k_a
MATCH (a)<-[r]-(x)
RETURN label(x) + ':' + x.id AS source, label(r) AS type, label(a) + ':' + a.id AS target
// params: {}
// $inner <- level0 + level1
