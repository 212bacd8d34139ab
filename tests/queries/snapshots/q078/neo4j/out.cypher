// neo4j, statement 1 of 5: level0
MATCH (c:Touchpoint) WHERE c.id = $id
RETURN elementId(c) AS key, 0 AS depth
// params: {"id": "claims-line"}

// neo4j, statement 2 of 5: level1
MATCH (a) WHERE elementId(a) IN $frontier
MATCH (a)-[]-(x)
RETURN DISTINCT elementId(x) AS key, 1 AS depth
// params: {}
// $frontier <- level0.key

// neo4j, statement 3 of 5: nodes
MATCH (x) WHERE elementId(x) IN $nodes
RETURN elementId(x) AS key, x
// params: {}
// $nodes <- level0.key + level1.key

// neo4j, statement 4 of 5: edges.out
MATCH (a) WHERE elementId(a) IN $inner
MATCH (a)-[r]->(x)
RETURN elementId(a) AS source, type(r) AS type, elementId(x) AS target
// params: {}
// $inner <- level0.key

// neo4j, statement 5 of 5: edges.in
MATCH (a) WHERE elementId(a) IN $inner
MATCH (a)<-[r]-(x)
RETURN elementId(x) AS source, type(r) AS type, elementId(a) AS target
// params: {}
// $inner <- level0.key
