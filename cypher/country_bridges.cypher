// name: country_bridges
// description: Organisations bridging two countries. Organisations, wherever located, that
//   collaborate with partners located in both countries, with their partner counts in each.
// param: country_a string required -- first country code, e.g. DEU
// param: country_b string required -- second country code, e.g. FRA
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: organisation, name, country, country_name, partners_a, partners_b
// example: country_a=DEU country_b=FRA

MATCH (ca:Region {code: $country_a}), (cb:Region {code: $country_b})
MATCH (o:Organisation)-[:COLLABORATES_WITH]-(p:Organisation)
      -[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(c:Region)
WHERE c = ca OR c = cb
WITH o, count(DISTINCT CASE WHEN c = ca THEN p END) AS partners_a,
     count(DISTINCT CASE WHEN c = cb THEN p END) AS partners_b
WHERE partners_a > 0 AND partners_b > 0
OPTIONAL MATCH (o)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(home:Region {level: 'country'})
WITH o, partners_a, partners_b, min(home.code) AS country
OPTIONAL MATCH (k:Region {code: country})
RETURN o.id AS organisation,
       CASE WHEN o.name = labels(o)[0] + '_' + toString(o.id) THEN null ELSE o.name END AS name,
       country, CASE WHEN k.name = labels(k)[0] + '_' + toString(k.id) THEN null ELSE k.name END AS country_name,
       partners_a, partners_b
ORDER BY partners_a + partners_b DESC, organisation
LIMIT $limit
