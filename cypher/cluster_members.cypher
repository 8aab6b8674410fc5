// name: cluster_members
// description: A cluster's members, their place and their collaboration. Type, region, membership
//   year, and the number of collaboration partners and projects of each member; the region is
//   the member's location (the lowest code when it has several) with its name.
// param: cluster string required -- cluster id
// mode: read
// stores: neo4j, embedded
// columns: organisation, name, type, region, region_name, since, partners, projects
// example: cluster=C1

MATCH (o:Organisation)-[s:MEMBER_OF]->(:Cluster {id: $cluster})
OPTIONAL MATCH (o)-[:LOCATED_IN]->(r:Region)
WITH o, s, min(r.code) AS region
OPTIONAL MATCH (l:Region {code: region})
RETURN o.id AS organisation,
       CASE WHEN o.name = labels(o)[0] + '_' + toString(o.id) THEN null ELSE o.name END AS name,
       CASE WHEN o.`type` IN labels(o) THEN null ELSE o.`type` END AS type, region,
       CASE WHEN l.name = labels(l)[0] + '_' + toString(l.id) THEN null ELSE l.name END AS region_name,
       s.since AS since,
       COUNT { (o)-[:COLLABORATES_WITH]-(:Organisation) } AS partners,
       COUNT { (o)-[:PARTICIPATES_IN]->(:Project) } AS projects
ORDER BY organisation
