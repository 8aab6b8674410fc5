// name: organisation_pagerank
// description: Organisations ranked by PageRank in the collaboration network (Neo4j GDS).
//   PageRank of the COLLABORATES_WITH network, undirected and weighted by the number of joint
//   projects, run to convergence (at most 200 iterations, tolerance 1e-10; GDS's default of 20
//   iterations stops short); the score is scaled to sum to 1 over the organisations with a
//   collaboration, as networkx.pagerank gives it. With the organisation's name (its id where
//   it has none), its country (the country's name, or its code where it has none) and its
//   number of partners. Needs Neo4j Graph Data Science: the query projects the network into a
//   GDS in-memory graph under a random name and drops it again, in one read transaction.
// param: min_projects int default 1 min 1 -- only collaborations with at least this many projects
// param: damping float default 0.85 min 0 max 0.99 -- damping factor (networkx's alpha)
// param: limit int default 20 min 0 -- at most this many rows
// mode: read
// stores: neo4j
// requires: gds
// columns: rank, organisation, name, country, country_name, score, partners
// example: limit=10
// example: min_projects=2 damping=0.5

WITH 'smartspec-' + randomUUID() AS graph_name
MATCH (a:Organisation)-[w:COLLABORATES_WITH]->(b:Organisation)
WHERE a <> b AND coalesce(w.projects, 1) >= $min_projects
WITH gds.graph.project(graph_name, a, b,
                       {relationshipProperties: {projects: toFloat(coalesce(w.projects, 1))}},
                       {undirectedRelationshipTypes: ['*']}) AS g
WHERE g IS NOT NULL
CALL gds.pageRank.stream(g.graphName, {relationshipWeightProperty: 'projects',
                                       dampingFactor: $damping, maxIterations: 200,
                                       tolerance: 1e-10, concurrency: 1})
YIELD nodeId, score
WITH g, collect([nodeId, score]) AS found, sum(score) AS total
CALL gds.graph.drop(g.graphName, false) YIELD graphName
UNWIND found AS f
WITH gds.util.asNode(f[0]) AS o, f[1] / total AS score
ORDER BY round(score, 12) DESC, o.id
WITH collect({o: o, score: score}) AS ranked
UNWIND range(1, size(ranked)) AS rank
WITH rank, ranked[rank - 1].o AS o, ranked[rank - 1].score AS score
LIMIT $limit
OPTIONAL MATCH (o)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(c:Region {level: 'country'})
WITH rank, o, score, min(c.code) AS country
OPTIONAL MATCH (k:Region {code: country})
RETURN rank, o.id AS organisation,
       coalesce(o.name, toString(o.id)) AS name,
       country,
       coalesce(k.name, country) AS country_name,
       score,
       COUNT { (o)-[w:COLLABORATES_WITH]-(:Organisation)
               WHERE coalesce(w.projects, 1) >= $min_projects } AS partners
ORDER BY rank
