// name: product_space_communities
// description: Communities of the product space (Louvain or Leiden, Neo4j GDS). Activities
//   grouped by modularity (GDS Louvain, or Leiden, whose communities are always connected) on
//   the PROXIMITY network of one year and method, weighted by phi and undirected; communities
//   numbered by size (1 the largest, ties by their first code). Only activities with a link at
//   or above min_phi take part. Needs Neo4j Graph Data Science: the query projects the links
//   into a GDS in-memory graph under a random name, runs the algorithm on one thread (Leiden with
//   a fixed seed, so the answer is reproducible) and drops the graph, in one read transaction.
// param: year int required -- year of the proximity
// param: method string default conditional -- proximity method recorded on PROXIMITY
// param: activity string default Product choices Product,Technology,Industry,Topic -- label
// param: classification string optional -- only activities of this classification, e.g. HS92
// param: min_phi float default 0 min 0 -- only links with phi >= this
// param: algorithm string default louvain choices louvain,leiden -- community detection
// param: backbone bool default false -- only the backbone links (PROXIMITY.backbone = true)
// mode: read
// stores: neo4j
// requires: gds
// columns: community, size, code, name
// example: year=2017
// example: year=2017 min_phi=0.3 classification=HS92 algorithm=leiden

WITH 'smartspec-' + randomUUID() AS graph_name
MATCH (a)-[p:PROXIMITY]->(b)
WHERE $activity IN labels(a) AND $activity IN labels(b) AND a <> b
  AND p.year = $year AND p.method = $method AND p.phi >= $min_phi
  AND (NOT $backbone OR p.backbone = true)
  AND ($classification IS NULL
       OR (a.classification = $classification AND b.classification = $classification))
WITH gds.graph.project(graph_name, a, b, {relationshipProperties: {phi: toFloat(p.phi)}},
                       {undirectedRelationshipTypes: ['*']}) AS g
WHERE g IS NOT NULL
CALL (g) {
  WITH g WHERE $algorithm = 'louvain'
  CALL gds.louvain.stream(g.graphName, {relationshipWeightProperty: 'phi', concurrency: 1})
  YIELD nodeId, communityId
  RETURN nodeId, communityId
  UNION
  WITH g WHERE $algorithm = 'leiden'
  CALL gds.leiden.stream(g.graphName, {relationshipWeightProperty: 'phi', concurrency: 1,
                                       randomSeed: 42})
  YIELD nodeId, communityId
  RETURN nodeId, communityId
}
WITH g, collect([nodeId, communityId]) AS found
CALL gds.graph.drop(g.graphName, false) YIELD graphName
UNWIND found AS f
WITH f[1] AS cid, gds.util.asNode(f[0]) AS a ORDER BY a.code
WITH cid, collect(a) AS members
WITH members ORDER BY size(members) DESC, members[0].code
WITH collect(members) AS communities
UNWIND range(1, size(communities)) AS community
UNWIND communities[community - 1] AS a
RETURN community, size(communities[community - 1]) AS size, a.code AS code,
       a.name AS name
ORDER BY community, code
