// name: cluster_bridging_projects
// description: Projects joining two clusters. Projects with participants among the members of both
//   clusters, listing those participants on each side (ids, and names in the same order).
// param: cluster_a string required -- first cluster id
// param: cluster_b string required -- second cluster id
// mode: read
// stores: neo4j, embedded
// columns: project, title, programme, start, members_a, members_a_names, members_b,
//   members_b_names
// example: cluster_a=C1 cluster_b=C2

MATCH (ka:Cluster {id: $cluster_a}), (kb:Cluster {id: $cluster_b})
MATCH (ma:Organisation)-[:MEMBER_OF]->(ka)
MATCH (ma)-[:PARTICIPATES_IN]->(p:Project)<-[:PARTICIPATES_IN]-(mb:Organisation)
WHERE (mb)-[:MEMBER_OF]->(kb) AND ma <> mb
WITH p, ma, mb ORDER BY ma.id, mb.id
WITH p, collect(DISTINCT ma) AS side_a, collect(DISTINCT mb) AS side_b
RETURN p.id AS project,
       CASE WHEN p.title = 'Project_' + p.id THEN null ELSE p.title END AS title,
       p.programme AS programme, p.`start` AS start,
       [m IN side_a | m.id] AS members_a,
       [m IN side_a | CASE WHEN m.name = 'Organisation_' + m.id THEN null ELSE m.name END]
         AS members_a_names,
       [m IN side_b | m.id] AS members_b,
       [m IN side_b | CASE WHEN m.name = 'Organisation_' + m.id THEN null ELSE m.name END]
         AS members_b_names
ORDER BY project
