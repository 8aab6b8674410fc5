// name: region_opportunities
// description: A region's diversification opportunities, by density. Activities the region is not
//   specialised in (M = 0 or not observed) next to its specialisations in the product space, ranked
//   by density: the sum of proximity phi to the region's specialisations (M = 1) over the sum of
//   phi to all activities (pairs stored as PROXIMITY; the diagonal is left out). Lists activities
//   with at least one specialised neighbour (`related` counts them); `complexity` is the activity's
//   PCI when scored. Needs PROXIMITY relationships.
// param: region string required -- region code, e.g. DEU
// param: year int required -- year of the specialisations and the proximity
// param: method string default conditional -- proximity method recorded on PROXIMITY
// param: activity string default Product choices Product,Technology,Industry -- activity label
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: code, name, density, related, complexity
// example: region=DEU year=2017 limit=5

MATCH (r:Region {code: $region})-[x:EXPORTS|PATENTS|EMPLOYS]->(s)
WHERE x.year = $year AND x.m = 1 AND $activity IN labels(s)
MATCH (s)-[p:PROXIMITY]-(c)
WHERE p.year = $year AND p.method = $method AND $activity IN labels(c)
WITH r, c, sum(p.phi) AS near, count(*) AS related
WHERE NOT EXISTS {
  MATCH (r)-[y:EXPORTS|PATENTS|EMPLOYS]->(c) WHERE y.year = $year AND y.m = 1 }
CALL (c) {
  MATCH (c)-[q:PROXIMITY]-()
  WHERE q.year = $year AND q.method = $method
  RETURN sum(q.phi) AS total }
OPTIONAL MATCH (c)-[k:SCORED]->(:Measure {id: $activity + ':complexity'})
WHERE k.year = $year
RETURN c.code AS code,
       CASE WHEN c.name = labels(c)[0] + '_' + toString(c.id) THEN null ELSE c.name END AS name,
       near / total AS density, related,
       coalesce(k.pci, k.complexity) AS complexity
ORDER BY density DESC, code
LIMIT $limit
