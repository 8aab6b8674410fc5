// name: country_collaboration
// description: Collaboration links between pairs of countries. For each pair of countries (a
//   country with itself for domestic links), the collaborating organisation pairs and their joint
//   projects.
// param: min_links int default 1 min 0 -- only pairs with at least this many links
// param: limit int default 100 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: country_a, country_a_name, country_b, country_b_name, links, projects
// example: min_links=2

MATCH (a:Organisation)-[w:COLLABORATES_WITH]->(b:Organisation)
MATCH (a)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(ca:Region {level: 'country'})
MATCH (b)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(cb:Region {level: 'country'})
WITH DISTINCT w, CASE WHEN ca.code <= cb.code THEN ca.code ELSE cb.code END AS country_a,
     CASE WHEN ca.code <= cb.code THEN cb.code ELSE ca.code END AS country_b
WITH country_a, country_b, count(w) AS links, sum(coalesce(w.projects, 1)) AS projects
WHERE links >= $min_links
WITH country_a, country_b, links, projects
ORDER BY links DESC, projects DESC, country_a, country_b
LIMIT $limit
MATCH (ka:Region {code: country_a}), (kb:Region {code: country_b})
RETURN country_a, CASE WHEN ka.name = labels(ka)[0] + '_' + toString(ka.id) THEN null ELSE ka.name END AS country_a_name,
       country_b, CASE WHEN kb.name = labels(kb)[0] + '_' + toString(kb.id) THEN null ELSE kb.name END AS country_b_name,
       links, projects
ORDER BY links DESC, projects DESC, country_a, country_b
