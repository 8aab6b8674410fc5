// name: collaboration_path
// description: Shortest collaboration paths between two organisations. Every shortest path over
//   COLLABORATES_WITH (at most 10 steps), in the order of the ids along it, with its weakest link
//   (fewest joint projects on one step).
// param: source string required -- organisation id
// param: target string required -- organisation id
// mode: read
// stores: neo4j, embedded
// columns: path, names, hops, weakest
// example: source=O1 target=O2

MATCH (a:Organisation {id: $source}), (b:Organisation {id: $target})
WITH a, b WHERE a <> b
MATCH p = allShortestPaths((a)-[:COLLABORATES_WITH*..10]-(b))
WITH [n IN nodes(p) | n.id] AS path, [n IN nodes(p) |
       CASE WHEN n.name = 'Organisation_' + n.id THEN null ELSE n.name END] AS names,
     length(p) AS hops, [r IN relationships(p) | coalesce(r.projects, 1)] AS links
RETURN path, names, hops,
       reduce(w = links[0], x IN links | CASE WHEN x < w THEN x ELSE w END) AS weakest
ORDER BY path
