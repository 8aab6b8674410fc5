// name: activity_specialists
// description: Regions specialised in an activity in a year, by RCA. Who exports this product
//   (holds this technology, employs in this industry) with M = 1, strongest RCA first.
// param: code string required -- activity code, e.g. 8703
// param: year int required -- year of the observations
// param: activity string default Product choices Product,Technology,Industry -- activity label
// param: level string optional -- only regions of this level (country, nuts2, ...)
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: region, name, rca, amount
// example: code=8703 year=2017 limit=5

MATCH (a:Product|Technology|Industry {code: $code})<-[x:EXPORTS|PATENTS|EMPLOYS]-(r:Region)
WHERE $activity IN labels(a) AND x.year = $year AND x.m = 1
  AND ($level IS NULL OR r.level = $level)
RETURN r.code AS region,
       CASE WHEN r.name = labels(r)[0] + '_' + toString(r.id) THEN null ELSE r.name END AS name,
       x.rca AS rca,
       coalesce(x.value, x.`count`, x.jobs) AS amount
ORDER BY rca DESC, region
LIMIT $limit
