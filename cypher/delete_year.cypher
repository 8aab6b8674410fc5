// name: delete_year
// description: Delete one year of activity, scores and proximity (writes). Removes the observed
//   activity of one activity label in that year (EXPORTS, PATENTS or EMPLOYS, with the measures
//   computed on them), its scores (SCORED) and proximities (PROXIMITY), before reloading a
//   corrected file for instance. Reports the relationships deleted by type.
// param: year int required -- the year to remove
// param: activity string default Product choices Product,Technology,Industry -- activity label
// mode: write
// stores: neo4j, embedded
// columns: type, deleted
// example: year=2016

MATCH (s)-[x:EXPORTS|PATENTS|EMPLOYS|SCORED|PROXIMITY]->(t)
WHERE x.year = $year
  AND CASE WHEN type(x) = 'SCORED'
           THEN 'Measure' IN labels(t) AND t.id STARTS WITH $activity + ':'
           ELSE $activity IN labels(t) END
WITH x, type(x) AS type
DELETE x
RETURN type, count(*) AS deleted
ORDER BY type
