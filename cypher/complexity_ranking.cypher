// name: complexity_ranking
// description: Regions ranked by economic complexity (ECI) in a year. With Fitness and diversity
//   when scored. Reads (:Region)-[:SCORED {year, eci, fitness}]->(:Measure {id:
//   '<activity>:complexity'}) and diversity from '<activity>:specialisation'; ties are ranked in
//   code order.
// param: year int required -- year of the scores
// param: activity string default Product choices Product,Technology,Industry -- activity label
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: rank, region, name, eci, fitness, diversity
// example: year=2017 limit=10

MATCH (r:Region)-[s:SCORED]->(:Measure {id: $activity + ':complexity'})
WHERE s.year = $year AND s.eci IS NOT NULL
WITH r, s ORDER BY s.eci DESC, r.code
WITH collect({r: r, s: s}) AS ranked
UNWIND range(1, size(ranked)) AS rank
WITH rank, ranked[rank - 1].r AS r, ranked[rank - 1].s AS s
LIMIT $limit
OPTIONAL MATCH (r)-[d:SCORED]->(:Measure {id: $activity + ':specialisation'})
WHERE d.year = $year
RETURN rank, r.code AS region,
       CASE WHEN r.name = labels(r)[0] + '_' + toString(r.id) THEN null ELSE r.name END AS name,
       s.eci AS eci, s.fitness AS fitness,
       d.diversity AS diversity
ORDER BY rank
