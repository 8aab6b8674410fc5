// name: region_subregions
// description: The regions inside a region, at any depth. NUTS regions of a country, metro areas of
//   a NUTS region, and so on (PART_OF), with their level, depth below the region and parent.
// param: region string required -- region code, e.g. DEU
// mode: read
// stores: neo4j, embedded
// columns: code, name, level, depth, parent, parent_name
// example: region=DEU

MATCH p = (c:Region)-[:PART_OF*1..]->(r:Region {code: $region})
WITH c, min(length(p)) AS depth
MATCH (c)-[:PART_OF]->(parent:Region)
WHERE parent.code = $region OR EXISTS { MATCH (parent)-[:PART_OF*1..]->(:Region {code: $region}) }
RETURN c.code AS code,
       CASE WHEN c.name = labels(c)[0] + '_' + toString(c.id) THEN null ELSE c.name END AS name,
       c.level AS level, depth, parent.code AS parent,
       CASE WHEN parent.name = labels(parent)[0] + '_' + toString(parent.id) THEN null ELSE parent.name END AS parent_name
ORDER BY depth, code, parent
