// name: check_missing_keys
// description: Check: nodes without their key (code or id). Nodes whose key (code; id for
//   Organisation, Cluster, Project, Measure and Segment) is missing or not text, by label, with how many of
//   them also lack a name. An empty result means every node has its key.
// mode: read
// stores: neo4j, embedded
// columns: label, key, missing, without_name
// example:

MATCH (n)
WITH n, labels(n)[0] AS label
WITH n, label,
     CASE WHEN label IN ['Organisation', 'Cluster', 'Project', 'Measure', 'Segment'] THEN 'id' ELSE 'code'
     END AS key
WITH n, label, key, CASE WHEN key = 'id' THEN n.id ELSE n.code END AS raw
WHERE raw IS NULL OR toString(raw) <> raw
RETURN label, key, count(n) AS missing,
       sum(CASE WHEN n.name IS NULL OR n.name = label + '_' + toString(n.id) THEN 1 ELSE 0 END)
         AS without_name
ORDER BY label
