// name: locality_gatekeepers
// description: Gatekeepers of a locality, ranked by brokerage. Organisations located in the region
//   (or inside it) that collaborate both with local organisations and with organisations outside;
//   brokerage = local partners x external partners, the local-external pairs they link (Gould and
//   Fernandez 1989).
// param: region string required -- region code (any level), e.g. DE21
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: organisation, name, type, local_partners, external_partners, brokerage
// example: region=DEU limit=10

MATCH (r:Region {code: $region})
MATCH (o:Organisation)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(r)
WITH DISTINCT r, o
MATCH (o)-[:COLLABORATES_WITH]-(p:Organisation)
WITH r, o, collect(DISTINCT p) AS partners
WITH o, size(partners) AS total,
     [p IN partners WHERE EXISTS { MATCH (p)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(r) }]
       AS local
WITH o, size(local) AS local_partners, total - size(local) AS external_partners
WHERE local_partners > 0 AND external_partners > 0
RETURN o.id AS organisation,
       CASE WHEN o.name = labels(o)[0] + '_' + toString(o.id) THEN null ELSE o.name END AS name,
       CASE WHEN o.`type` IN labels(o) THEN null ELSE o.`type` END AS type,
       local_partners, external_partners, local_partners * external_partners AS brokerage
ORDER BY brokerage DESC, external_partners DESC, organisation
LIMIT $limit
