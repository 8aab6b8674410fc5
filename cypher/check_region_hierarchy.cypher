// name: check_region_hierarchy
// description: Check: regions with an unknown level or no country above. Regions whose level is
//   missing or not one of country, nuts1, nuts2, nuts3, metro, city or a country-group level
//   (continent, un_region, un_subregion, wb_region, country_group), and regions below country
//   level that do not lead to a country through PART_OF. An empty result means a clean hierarchy.
// mode: read
// stores: neo4j, embedded
// columns: code, name, level, problem
// example:

MATCH (r:Region)
WITH r, CASE
  WHEN r.level IS NULL OR NOT r.level IN ['country', 'nuts1', 'nuts2', 'nuts3', 'metro', 'city',
                                          'continent', 'un_region', 'un_subregion', 'wb_region',
                                          'country_group']
    THEN 'unknown level'
  WHEN r.level IN ['nuts1', 'nuts2', 'nuts3', 'metro', 'city'] AND NOT EXISTS {
         MATCH (r)-[:PART_OF*1..]->(c:Region) WHERE c.level = 'country' }
    THEN 'no country above'
  END AS problem
WHERE problem IS NOT NULL
RETURN r.code AS code,
       CASE WHEN r.name = labels(r)[0] + '_' + toString(r.id) THEN null ELSE r.name END AS name,
       r.level AS level, problem
ORDER BY problem, code
