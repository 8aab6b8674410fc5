// name: similar_regions
// description: Regions most similar to a region by shared specialisations. The number of activities
//   both are specialised in (M = 1) in a year, and the Jaccard index shared / (specialisations of
//   one + of the other - shared).
// param: region string required -- region code, e.g. DEU
// param: year int required -- year of the specialisations
// param: activity string default Product choices Product,Technology,Industry -- activity label
// param: limit int default 10 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: region, name, shared, jaccard
// example: region=DEU year=2017 limit=5

MATCH (r:Region {code: $region})-[x:EXPORTS|PATENTS|EMPLOYS]->(a)
WHERE x.year = $year AND x.m = 1 AND $activity IN labels(a)
WITH r, count(a) AS k
MATCH (r)-[x:EXPORTS|PATENTS|EMPLOYS]->(a)<-[y:EXPORTS|PATENTS|EMPLOYS]-(o:Region)
WHERE x.year = $year AND x.m = 1 AND $activity IN labels(a)
  AND y.year = $year AND y.m = 1 AND o <> r
WITH o, k, count(DISTINCT a) AS shared
MATCH (o)-[z:EXPORTS|PATENTS|EMPLOYS]->(b)
WHERE z.year = $year AND z.m = 1 AND $activity IN labels(b)
WITH o, k, shared, count(DISTINCT b) AS theirs
RETURN o.code AS region,
       CASE WHEN o.name = labels(o)[0] + '_' + toString(o.id) THEN null ELSE o.name END AS name,
       shared,
       toFloat(shared) / (k + theirs - shared) AS jaccard
ORDER BY jaccard DESC, shared DESC, region
LIMIT $limit
