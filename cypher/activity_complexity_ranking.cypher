// name: activity_complexity_ranking
// description: Activities ranked by complexity (PCI) in a year. Uses the Fitness-Complexity
//   `complexity` when no PCI is scored; ubiquity is the number of regions specialised in the
//   activity.
// param: year int required -- year of the scores
// param: activity string default Product choices Product,Technology,Industry -- activity label
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: rank, code, name, pci, ubiquity
// example: year=2017 limit=10

MATCH (a)-[s:SCORED]->(:Measure {id: $activity + ':complexity'})
WHERE s.year = $year AND $activity IN labels(a) AND coalesce(s.pci, s.complexity) IS NOT NULL
WITH a, coalesce(s.pci, s.complexity) AS pci ORDER BY pci DESC, a.code
WITH collect({a: a, pci: pci}) AS ranked
UNWIND range(1, size(ranked)) AS rank
WITH rank, ranked[rank - 1].a AS a, ranked[rank - 1].pci AS pci
LIMIT $limit
OPTIONAL MATCH (a)-[u:SCORED]->(:Measure {id: $activity + ':specialisation'})
WHERE u.year = $year
RETURN rank, a.code AS code,
       CASE WHEN a.name = labels(a)[0] + '_' + toString(a.id) THEN null ELSE a.name END AS name,
       pci, u.ubiquity AS ubiquity
ORDER BY rank
