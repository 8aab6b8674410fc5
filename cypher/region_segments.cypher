// name: region_segments
// description: A region's segments in a year, largest first. Its value (exports, patents or jobs)
//   in the activities of each segment, the number of those activities and the share of its total
//   in segmented activities. Needs `smartspec compute segments`; method 'given' for segments from
//   a definitions file (they have no year).
// param: region string required -- region code, e.g. DEU
// param: year int required -- year of the observations
// param: activity string default Product choices Product,Technology,Industry -- activity label
// param: method string default leiden choices leiden,louvain,given -- how the segments were made
// mode: read
// stores: neo4j, embedded
// columns: segment, label, activities, value, share
// example: region=DEU year=2017

MATCH (r:Region {code: $region})-[x:EXPORTS|PATENTS|EMPLOYS]->(a)-[:IN_SEGMENT]->(s:Segment)
WHERE x.year = $year AND $activity IN labels(a) AND s.method = $method
  AND (s.year = $year OR s.method = 'given')
WITH r, sum(coalesce(x.value, x.`count`, x.jobs)) AS total
MATCH (r)-[x:EXPORTS|PATENTS|EMPLOYS]->(a)-[:IN_SEGMENT]->(s:Segment)
WHERE x.year = $year AND $activity IN labels(a) AND s.method = $method
  AND (s.year = $year OR s.method = 'given')
WITH s, total, count(a) AS activities, sum(coalesce(x.value, x.`count`, x.jobs)) AS value
RETURN s.id AS segment, s.label AS label, activities, value,
       CASE WHEN total > 0 THEN value / total END AS share
ORDER BY value DESC, segment
