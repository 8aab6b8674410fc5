// name: data_coverage
// description: Observed activity by relationship type and year. Relationships, regions, activities,
//   total amount, amounts missing or negative, and how many carry a computed RCA: a quick check
//   after a load and a compute.
// mode: read
// stores: neo4j, embedded
// columns: type, year, relationships, regions, activities, amount, missing, negative, with_rca
// example:

MATCH (r:Region)-[x:EXPORTS|PATENTS|EMPLOYS]->(a)
WITH type(x) AS type, x.year AS year, r, a, x, coalesce(x.value, x.`count`, x.jobs) AS amount
RETURN type, year, count(x) AS relationships, count(DISTINCT r) AS regions,
       count(DISTINCT a) AS activities, sum(amount) AS amount,
       sum(CASE WHEN amount IS NULL THEN 1 ELSE 0 END) AS missing,
       sum(CASE WHEN amount < 0 THEN 1 ELSE 0 END) AS negative, count(x.rca) AS with_rca
ORDER BY type, year
