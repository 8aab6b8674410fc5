// name: specialisation_changes
// description: Specialisations gained or lost between two years. Pairs of region and activity whose
//   M differs between from_year and to_year, for regions observed in both years (an activity not
//   observed in one of them counts as M = 0 there). Optionally for one region or one activity.
// param: from_year int required -- the earlier year
// param: to_year int required -- the later year
// param: region string optional -- only this region
// param: code string optional -- only this activity code
// param: activity string default Product choices Product,Technology,Industry -- activity label
// param: limit int default 1000 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: region, region_name, code, name, change, rca_from, rca_to
// example: from_year=2016 to_year=2017 region=DEU

MATCH (r:Region)-[x:EXPORTS|PATENTS|EMPLOYS]->(a)
WHERE x.year IN [$from_year, $to_year] AND $activity IN labels(a)
  AND ($region IS NULL OR r.code = $region) AND ($code IS NULL OR a.code = $code)
WITH r, a,
     max(CASE WHEN x.year = $from_year THEN x.m END) AS m0,
     max(CASE WHEN x.year = $to_year THEN x.m END) AS m1,
     max(CASE WHEN x.year = $from_year THEN x.rca END) AS rca_from,
     max(CASE WHEN x.year = $to_year THEN x.rca END) AS rca_to
WHERE coalesce(m0, 0) <> coalesce(m1, 0)
  AND EXISTS { MATCH (r)-[y:EXPORTS|PATENTS|EMPLOYS]->(b)
               WHERE y.year = $from_year AND $activity IN labels(b) }
  AND EXISTS { MATCH (r)-[y:EXPORTS|PATENTS|EMPLOYS]->(b)
               WHERE y.year = $to_year AND $activity IN labels(b) }
RETURN r.code AS region,
       CASE WHEN r.name = labels(r)[0] + '_' + toString(r.id) THEN null ELSE r.name END AS region_name,
       a.code AS code,
       CASE WHEN a.name = labels(a)[0] + '_' + toString(a.id) THEN null ELSE a.name END AS name,
       CASE WHEN coalesce(m1, 0) = 1 THEN 'gained' ELSE 'lost' END AS change,
       rca_from, rca_to
ORDER BY region, change, code
LIMIT $limit
