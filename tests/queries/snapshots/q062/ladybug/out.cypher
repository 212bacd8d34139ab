// ladybug
MATCH (n:Department)
OPTIONAL MATCH (n)<-[:MEMBER_OF]-(x1:Role)
WITH n, collect(DISTINCT x1.name) AS f_roles
OPTIONAL MATCH (n)<-[:OWNED_BY]-(x3:System)
WITH n, f_roles, collect(DISTINCT x3.name) AS f_systems
RETURN n.id AS id, f_roles AS roles, f_systems AS systems, n.id AS _id
ORDER BY _id
// params: {}
