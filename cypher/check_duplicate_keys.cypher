// name: check_duplicate_keys
// description: Check: node keys duplicated up to case and spaces. Keys (code or id) that appear on
//   more than one node of a label once trimmed and upper-cased, such as 'DEU' and 'deu ', or true
//   duplicates in a store without constraints. An empty result means no duplicates.
// mode: read
// stores: neo4j, embedded
// columns: label, normalised, nodes, keys
// example:

MATCH (n)
WITH n, labels(n)[0] AS label,
     CASE WHEN labels(n)[0] IN ['Organisation', 'Cluster', 'Project', 'Measure', 'Segment']
          THEN n.id ELSE n.code END AS raw
WITH label, raw WHERE toString(raw) = raw
WITH label, raw ORDER BY label, raw
WITH label, toUpper(trim(raw)) AS normalised, collect(raw) AS keys
WHERE size(keys) > 1
RETURN label, normalised, size(keys) AS nodes, keys
ORDER BY label, normalised
