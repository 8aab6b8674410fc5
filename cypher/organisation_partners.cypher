// name: organisation_partners
// description: An organisation's collaboration partners. With the partner's country, the number of
//   joint projects and the first and last year of collaboration, most projects first.
// param: organisation string required -- organisation id
// param: limit int default 50 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: partner, name, country, country_name, projects, first_year, last_year
// example: organisation=O1

MATCH (o:Organisation {id: $organisation})-[w:COLLABORATES_WITH]-(p:Organisation)
OPTIONAL MATCH (p)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(c:Region {level: 'country'})
WITH p, w, min(c.code) AS country
OPTIONAL MATCH (k:Region {code: country})
RETURN p.id AS partner,
       CASE WHEN p.name = labels(p)[0] + '_' + toString(p.id) THEN null ELSE p.name END AS name,
       country, CASE WHEN k.name = labels(k)[0] + '_' + toString(k.id) THEN null ELSE k.name END AS country_name,
       w.projects AS projects,
       w.first_year AS first_year, w.last_year AS last_year
ORDER BY projects DESC, partner
LIMIT $limit
