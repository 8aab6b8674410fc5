// name: related_unconnected_clusters
// description: Pairs of clusters that are related but whose members do not collaborate yet. Two
//   cluster organisations are related when activities they specialise in are linked by PROXIMITY
//   (phi at least min_phi in the year; the strongest link and the number of links are given);
//   ties counts member pairs, one of each cluster, joined by COLLABORATES_WITH. By default only
//   the pairs without ties (cross-innovation opportunities); see `smartspec compute intercluster`.
// param: year int required -- year of the proximities
// param: min_phi float default 0.5 min 0 -- weakest proximity that relates two activities
// param: method string default conditional -- proximity method, e.g. conditional
// param: unconnected_only bool default true -- only the pairs whose members have no tie
// mode: read
// stores: neo4j, embedded
// columns: cluster_a, cluster_a_name, cluster_b, cluster_b_name, phi, links, ties
// example: year=2017 unconnected_only=false

MATCH (c1:Cluster)-[:SPECIALISES_IN]->(a1)-[p:PROXIMITY]-(a2)<-[:SPECIALISES_IN]-(c2:Cluster)
WHERE c1.id < c2.id AND p.year = $year AND p.method = $method AND p.phi >= $min_phi
WITH c1, c2, max(p.phi) AS phi, count(p) AS links
WITH c1, c2, phi, links,
     COUNT { (c1)<-[:MEMBER_OF]-(:Organisation)-[:COLLABORATES_WITH]-(:Organisation)-[:MEMBER_OF]->(c2) } AS ties
WHERE ties = 0 OR NOT $unconnected_only
RETURN c1.id AS cluster_a,
       CASE WHEN c1.name = labels(c1)[0] + '_' + toString(c1.id) THEN null ELSE c1.name END AS cluster_a_name,
       c2.id AS cluster_b,
       CASE WHEN c2.name = labels(c2)[0] + '_' + toString(c2.id) THEN null ELSE c2.name END AS cluster_b_name,
       phi, links, ties
ORDER BY ties, phi DESC, cluster_a, cluster_b
