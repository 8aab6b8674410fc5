// name: segment_members
// description: The activities of a segment, most central first. Code, name and centrality (mean
//   proximity to the other members) of each activity in the segment; segment ids look like
//   Product:leiden:2017:0 (see `smartspec compute segments`).
// param: segment string required -- segment id, e.g. Product:leiden:2017:0
// mode: read
// stores: neo4j, embedded
// columns: code, name, centrality
// example: segment=Product:leiden:2017:0

MATCH (a)-[r:IN_SEGMENT]->(:Segment {id: $segment})
RETURN a.code AS code,
       CASE WHEN a.name = labels(a)[0] + '_' + toString(a.id) THEN null ELSE a.name END AS name,
       r.centrality AS centrality
ORDER BY centrality DESC, code
