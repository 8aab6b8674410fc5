// name: check_duplicate_relationships
// description: Check: relationships duplicated between the same two nodes. More than one
//   relationship of a type between two nodes with the same year and method (two EXPORTS of one
//   region, product and year), counting undirected types (COLLABORATES_WITH, PROXIMITY) in either
//   direction; each pair listed once, lower key first. Scans every relationship, one node at a
//   time (memory bounded by a node's degree, so it runs on BACI-size graphs on the default
//   heap). An empty result means none.
// mode: read
// stores: neo4j, embedded
// columns: type, node_a, node_b, year, method, count
// example:

// Counting per start node, in a subquery, keeps one node's relationships in memory at a time
// rather than a table of every relationship of the graph.
MATCH (a)
CALL {
  WITH a
  MATCH (a)-[r]-(b)
  WITH a, b, r, type(r) AS type, coalesce(a.code, a.id) AS ka, coalesce(b.code, b.id) AS kb
  WHERE (type IN ['COLLABORATES_WITH', 'PROXIMITY'] AND ka <= kb)
     OR (NOT type IN ['COLLABORATES_WITH', 'PROXIMITY'] AND startNode(r) = a)
  WITH type, ka, kb, r.year AS year, r.method AS method, count(DISTINCT r) AS count
  WHERE count > 1
  RETURN type, ka AS node_a, kb AS node_b, year, method, count
}
RETURN type, node_a, node_b, year, method, count
ORDER BY type, node_a, node_b, year, method
