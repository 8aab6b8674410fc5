// name: activity_neighbours
// description: Product-space neighbours of an activity in a year. The activities with the highest
//   proximity phi to it under one proximity method (the knowledge space for technologies). Needs
//   PROXIMITY relationships (`smartspec compute relatedness`).
// param: code string required -- activity code, e.g. 8703
// param: year int required -- year of the proximity
// param: method string default conditional -- proximity method recorded on PROXIMITY
// param: activity string default Product choices Product,Technology,Industry,Topic -- label
// param: min_phi float default 0 min 0 -- only neighbours with phi >= this
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: code, name, phi
// example: code=8703 year=2017 limit=5

MATCH (a:Product|Technology|Industry|Topic {code: $code})-[p:PROXIMITY]-(b)
WHERE $activity IN labels(a) AND p.year = $year AND p.method = $method AND p.phi >= $min_phi
RETURN b.code AS code,
       CASE WHEN b.name = labels(b)[0] + '_' + toString(b.id) THEN null ELSE b.name END AS name,
       p.phi AS phi
ORDER BY phi DESC, code
LIMIT $limit
