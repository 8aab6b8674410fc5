// name: complexity_over_time
// description: Complexity (ECI) rankings of regions over time. For every year scored, each region's
//   ECI and its rank among all regions scored that year (1 = most complex; ties in code order), and
//   the rank change from the region's previous year listed, with the region's name. Optionally
//   only some regions or years.
// param: regions list<string> optional -- only these region codes (comma-separated)
// param: from_year int optional -- first year
// param: to_year int optional -- last year
// param: activity string default Product choices Product,Technology,Industry -- activity label
// mode: read
// stores: neo4j, embedded
// columns: region, name, year, eci, rank, ranked, rank_change
// example: regions=DEU,FRA,CHN

MATCH (r:Region)-[s:SCORED]->(:Measure {id: $activity + ':complexity'})
WHERE s.eci IS NOT NULL
  AND ($from_year IS NULL OR s.year >= $from_year) AND ($to_year IS NULL OR s.year <= $to_year)
WITH s.year AS year, r.code AS region, s.eci AS eci
ORDER BY year, eci DESC, region
WITH year, collect({region: region, eci: eci}) AS ranked
UNWIND range(1, size(ranked)) AS rank
WITH ranked[rank - 1].region AS region, year, ranked[rank - 1].eci AS eci, rank,
     size(ranked) AS ranked
WHERE $regions IS NULL OR region IN $regions
WITH region, year, eci, rank, ranked ORDER BY region, year
WITH region, collect({year: year, eci: eci, rank: rank, ranked: ranked}) AS series
MATCH (r:Region {code: region})
UNWIND range(0, size(series) - 1) AS i
RETURN region,
       CASE WHEN r.name = labels(r)[0] + '_' + toString(r.id) THEN null ELSE r.name END AS name,
       series[i].year AS year, series[i].eci AS eci, series[i].rank AS rank,
       series[i].ranked AS ranked,
       CASE WHEN i > 0 THEN series[i - 1].rank - series[i].rank END AS rank_change
ORDER BY region, year
