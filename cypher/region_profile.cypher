// name: region_profile
// description: A region's activity and scores, year by year. Total amount observed, activities
//   observed, specialisations (M = 1), and the scores diversity, ECI, Fitness and complexity
//   outlook (COI) where computed.
// param: region string required -- region code, e.g. DEU
// param: activity string default Product choices Product,Technology,Industry -- activity label
// mode: read
// stores: neo4j, embedded
// columns: year, amount, activities, specialisations, diversity, eci, fitness, coi
// example: region=DEU

MATCH (r:Region {code: $region})-[x:EXPORTS|PATENTS|EMPLOYS]->(a)
WHERE $activity IN labels(a)
WITH r, x.year AS year, sum(coalesce(x.value, x.`count`, x.jobs)) AS amount,
     count(a) AS activities, sum(CASE WHEN x.m = 1 THEN 1 ELSE 0 END) AS specialisations
OPTIONAL MATCH (r)-[d:SCORED]->(:Measure {id: $activity + ':specialisation'})
WHERE d.year = year
OPTIONAL MATCH (r)-[c:SCORED]->(:Measure {id: $activity + ':complexity'})
WHERE c.year = year
RETURN year, amount, activities, specialisations, d.diversity AS diversity, c.eci AS eci,
       c.fitness AS fitness, c.coi AS coi
ORDER BY year
