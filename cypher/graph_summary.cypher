// name: graph_summary
// description: Nodes by label and relationships by type, with counts.
// mode: read
// stores: neo4j, embedded
// columns: element, name, count
// example:

OPTIONAL MATCH (n)
WITH labels(n)[0] AS name, count(n) AS count
WITH collect({element: 'node', name: name, count: count}) AS nodes
OPTIONAL MATCH ()-[r]->()
WITH nodes, type(r) AS name, count(r) AS count
WITH nodes, collect({element: 'relationship', name: name, count: count}) AS relationships
UNWIND [row IN nodes + relationships WHERE row.name IS NOT NULL] AS row
RETURN row.element AS element, row.name AS name, row.count AS count
ORDER BY element, name
