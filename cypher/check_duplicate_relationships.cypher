// name: check_duplicate_relationships
// description: Check: relationships duplicated between the same two nodes. More than one
//   relationship of a type between two nodes with the same year and method (two EXPORTS of one
//   region, product and year), counting undirected types (COLLABORATES_WITH, PROXIMITY) in either
//   direction; each pair listed once, lower key first. Scans every relationship. An empty result
//   means none.
// mode: read
// stores: neo4j, embedded
// columns: type, node_a, node_b, year, method, count
// example:

MATCH (a)-[r]->(b)
WITH type(r) AS type, coalesce(a.code, a.id) AS ka, coalesce(b.code, b.id) AS kb,
     r.year AS year, r.method AS method
WITH type, year, method,
     CASE WHEN type IN ['COLLABORATES_WITH', 'PROXIMITY'] AND kb < ka THEN kb ELSE ka END AS node_a,
     CASE WHEN type IN ['COLLABORATES_WITH', 'PROXIMITY'] AND kb < ka THEN ka ELSE kb END AS node_b
WITH type, node_a, node_b, year, method, count(*) AS count
WHERE count > 1
RETURN type, node_a, node_b, year, method, count
ORDER BY type, node_a, node_b, year, method
