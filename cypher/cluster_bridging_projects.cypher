// name: cluster_bridging_projects
// description: Projects joining two clusters. Projects with participants among the members of both
//   clusters, listing those participants on each side.
// param: cluster_a string required -- first cluster id
// param: cluster_b string required -- second cluster id
// mode: read
// stores: neo4j, embedded
// columns: project, title, programme, start, members_a, members_b
// example: cluster_a=C1 cluster_b=C2

MATCH (ka:Cluster {id: $cluster_a}), (kb:Cluster {id: $cluster_b})
MATCH (ma:Organisation)-[:MEMBER_OF]->(ka)
MATCH (ma)-[:PARTICIPATES_IN]->(p:Project)<-[:PARTICIPATES_IN]-(mb:Organisation)
WHERE (mb)-[:MEMBER_OF]->(kb) AND ma <> mb
WITH p, ma, mb ORDER BY ma.id, mb.id
WITH p, collect(DISTINCT ma.id) AS members_a, collect(DISTINCT mb.id) AS members_b
RETURN p.id AS project,
       CASE WHEN p.title = 'Project_' + p.id THEN null ELSE p.title END AS title,
       p.programme AS programme, p.`start` AS start,
       members_a, members_b
ORDER BY project
