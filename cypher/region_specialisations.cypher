// name: region_specialisations
// description: A region's top specialisations in a year, by RCA. Activities with M = 1 on the
//   observed relationship, strongest RCA first, with the amount (export value, patents or jobs) and
//   its share of the region's total that year. Needs `smartspec compute specialisation`.
// param: region string required -- region code, e.g. DEU
// param: year int required -- year of the observations
// param: activity string default Product choices Product,Technology,Industry -- activity label
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: code, name, rca, amount, share
// example: region=DEU year=2017 limit=5

MATCH (r:Region {code: $region})-[x:EXPORTS|PATENTS|EMPLOYS]->(a)
WHERE x.year = $year AND $activity IN labels(a)
WITH r, sum(coalesce(x.value, x.`count`, x.jobs)) AS total
MATCH (r)-[x:EXPORTS|PATENTS|EMPLOYS]->(a)
WHERE x.year = $year AND $activity IN labels(a) AND x.m = 1
WITH a, x, coalesce(x.value, x.`count`, x.jobs) AS amount, total
RETURN a.code AS code,
       CASE WHEN a.name = labels(a)[0] + '_' + toString(a.id) THEN null ELSE a.name END AS name,
       x.rca AS rca, amount,
       CASE WHEN total > 0 THEN amount / total END AS share
ORDER BY rca DESC, code
LIMIT $limit
