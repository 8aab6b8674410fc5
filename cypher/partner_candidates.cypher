// name: partner_candidates
// description: Partner candidates for an organisation (simple version). Organisations it does not
//   collaborate with yet that are partners of its partners or members of its clusters, scored by
//   common partners + shared clusters + shared activities (ACTIVE_IN).
// param: organisation string required -- organisation id
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j, embedded
// columns: candidate, name, common_partners, shared_clusters, shared_activities, score
// example: organisation=O1

MATCH (o:Organisation {id: $organisation})-[:COLLABORATES_WITH|MEMBER_OF*2]-(c:Organisation)
WHERE c <> o AND NOT (o)-[:COLLABORATES_WITH]-(c)
WITH DISTINCT o, c
WITH o, c,
     COUNT { (o)-[:COLLABORATES_WITH]-(:Organisation)-[:COLLABORATES_WITH]-(c) } AS common,
     COUNT { (o)-[:MEMBER_OF]->(:Cluster)<-[:MEMBER_OF]-(c) } AS clusters,
     COUNT { (o)-[:ACTIVE_IN]->()<-[:ACTIVE_IN]-(c) } AS activities
RETURN c.id AS candidate,
       CASE WHEN c.name = labels(c)[0] + '_' + toString(c.id) THEN null ELSE c.name END AS name,
       common AS common_partners,
       clusters AS shared_clusters, activities AS shared_activities,
       common + clusters + activities AS score
ORDER BY score DESC, common_partners DESC, candidate
LIMIT $limit
