// name: region_organisations
// description: Organisations located in a region or inside it. With their type, the region they are
//   located in, and their numbers of projects and collaboration partners.
// param: region string required -- region code (any level), e.g. DEU
// param: type string optional -- only organisations of this type (firm, university, ...)
// param: limit int default 100 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: organisation, name, type, located_in, located_in_name, projects, partners
// example: region=DEU

MATCH (o:Organisation)-[:LOCATED_IN]->(l:Region)-[:PART_OF*0..]->(:Region {code: $region})
WITH o, min(l.code) AS located_in,
     CASE WHEN o.`type` IN labels(o) THEN null ELSE o.`type` END AS type
WHERE $type IS NULL OR type = $type
OPTIONAL MATCH (l:Region {code: located_in})
RETURN o.id AS organisation,
       CASE WHEN o.name = labels(o)[0] + '_' + toString(o.id) THEN null ELSE o.name END AS name,
       type, located_in, CASE WHEN l.name = labels(l)[0] + '_' + toString(l.id) THEN null ELSE l.name END AS located_in_name,
       COUNT { (o)-[:PARTICIPATES_IN]->(:Project) } AS projects,
       COUNT { (o)-[:COLLABORATES_WITH]-(:Organisation) } AS partners
ORDER BY projects DESC, partners DESC, organisation
LIMIT $limit
