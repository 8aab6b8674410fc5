// name: cluster_international_partners
// description: A cluster's international partners by country. Organisations outside the cluster's
//   country that collaborate (COLLABORATES_WITH) with its members, grouped by their country, with
//   how many members they reach and the joint projects.
// param: cluster string required -- cluster id
// mode: read
// stores: neo4j, embedded
// columns: country, name, partners, members, projects
// example: cluster=C1

MATCH (k:Cluster {id: $cluster})-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(home:Region)
WHERE home.level = 'country'
MATCH (m:Organisation)-[:MEMBER_OF]->(k)
MATCH (m)-[w:COLLABORATES_WITH]-(p:Organisation)
WHERE NOT (p)-[:MEMBER_OF]->(k)
MATCH (p)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(c:Region)
WHERE c.level = 'country' AND c <> home
WITH c, count(DISTINCT p) AS partners, count(DISTINCT m) AS members,
     sum(coalesce(w.projects, 1)) AS projects
RETURN c.code AS country,
       CASE WHEN c.name = labels(c)[0] + '_' + toString(c.id) THEN null ELSE c.name END AS name,
       partners, members, projects
ORDER BY partners DESC, projects DESC, country
