// name: check_orphans
// description: Check: nodes with no relationship at all, by label. With up to five example keys
//   (code or id). An empty result means no orphans.
// param: labels list<string> optional -- only these labels (comma-separated)
// mode: read
// stores: neo4j, embedded
// columns: label, orphans, examples
// example: labels=Organisation,Project

MATCH (n)
WHERE NOT (n)--() AND ($labels IS NULL OR labels(n)[0] IN $labels)
WITH n, labels(n)[0] AS label,
     CASE WHEN labels(n)[0] IN ['Organisation', 'Cluster', 'Project', 'Measure', 'Segment']
          THEN n.id ELSE n.code END AS raw
WITH n, label, CASE WHEN toString(raw) = raw THEN raw END AS key
ORDER BY label, key
WITH label, count(n) AS orphans, collect(key) AS keys
RETURN label, orphans, keys[0..5] AS examples
ORDER BY label
