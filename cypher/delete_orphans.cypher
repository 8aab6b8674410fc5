// name: delete_orphans
// description: Delete nodes that have no relationship (writes). Only nodes of the given labels (by
//   default the observed-data labels; Measure nodes are kept); reports how many were deleted by
//   label.
// param: labels list<string>
//   default Region,Product,Technology,Industry,Topic,Organisation,Cluster,Project
//   -- labels to clean (comma-separated)
// mode: write
// stores: neo4j, embedded
// columns: label, deleted
// example: labels=Project

MATCH (n)
WHERE NOT (n)--() AND labels(n)[0] IN $labels
WITH n, labels(n)[0] AS label
DELETE n
RETURN label, count(*) AS deleted
ORDER BY label
