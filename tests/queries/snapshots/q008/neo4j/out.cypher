// neo4j, statement 1 of 7: level0
MATCH (c:Service) WHERE c.id = $id
RETURN elementId(c) AS key, 0 AS depth
// params: {"id": "claims"}

// neo4j, statement 2 of 7: level1
MATCH (a) WHERE elementId(a) IN $frontier
MATCH (a)-[]-(x)
RETURN DISTINCT elementId(x) AS key, 1 AS depth
// params: {}
// $frontier <- level0.key

// neo4j, statement 3 of 7: level2
MATCH (a) WHERE elementId(a) IN $frontier
MATCH (a)-[]-(x)
RETURN DISTINCT elementId(x) AS key, 2 AS depth
// params: {}
// $frontier <- level1.key - level0.key

// neo4j, statement 4 of 7: level3
MATCH (a) WHERE elementId(a) IN $frontier
MATCH (a)-[]-(x)
RETURN DISTINCT elementId(x) AS key, 3 AS depth
// params: {}
// $frontier <- level2.key - level0.key - level1.key

// neo4j, statement 5 of 7: nodes
MATCH (x) WHERE elementId(x) IN $nodes
RETURN elementId(x) AS key, x
// params: {}
// $nodes <- level0.key + level1.key + level2.key + level3.key

// neo4j, statement 6 of 7: edges.out
MATCH (a) WHERE elementId(a) IN $inner
MATCH (a)-[r]->(x)
RETURN elementId(a) AS source, type(r) AS type, elementId(x) AS target
// params: {}
// $inner <- level0.key + level1.key + level2.key

// neo4j, statement 7 of 7: edges.in
MATCH (a) WHERE elementId(a) IN $inner
MATCH (a)<-[r]-(x)
RETURN elementId(x) AS source, type(r) AS type, elementId(a) AS target
// params: {}
// $inner <- level0.key + level1.key + level2.key
