// name: check_relationship_endpoints
// description: Check: relationships that the graph model does not declare. Relationships whose
//   type, or whose start and end labels, smartspec.graph_models.schema does not declare, counted by
//   pattern. An empty result means every relationship fits the model.
// mode: read
// stores: neo4j, embedded
// columns: type, start_label, end_label, count
// example:

MATCH (a)-[r]->(b)
WITH type(r) AS type, labels(a)[0] AS start_label, labels(b)[0] AS end_label, count(*) AS count
WITH type, start_label, end_label, count, [
  {type: 'PART_OF', starts: ['Region', 'Product', 'Technology', 'Industry', 'Topic'],
   ends: ['Region', 'Product', 'Technology', 'Industry', 'Topic']},
  {type: 'EXPORTS', starts: ['Region'], ends: ['Product']},
  {type: 'PATENTS', starts: ['Region'], ends: ['Technology']},
  {type: 'EMPLOYS', starts: ['Region'], ends: ['Industry']},
  {type: 'ACTIVE_IN', starts: ['Organisation'], ends: ['Technology', 'Topic']},
  {type: 'LOCATED_IN', starts: ['Organisation', 'Cluster'], ends: ['Region']},
  {type: 'MEMBER_OF', starts: ['Organisation'], ends: ['Cluster']},
  {type: 'SPECIALISES_IN', starts: ['Cluster'], ends: ['Technology', 'Industry', 'Product']},
  {type: 'PARTICIPATES_IN', starts: ['Organisation'], ends: ['Project']},
  {type: 'COLLABORATES_WITH', starts: ['Organisation'], ends: ['Organisation']},
  {type: 'PROXIMITY', starts: ['Product', 'Technology', 'Industry', 'Topic'],
   ends: ['Product', 'Technology', 'Industry', 'Topic']},
  {type: 'SCORED', starts: ['Region', 'Product', 'Technology', 'Industry', 'Topic'],
   ends: ['Measure']},
  {type: 'ADDRESSES', starts: ['Project'], ends: ['Topic']},
  {type: 'PARTNERS_WITH', starts: ['Organisation'], ends: ['Organisation']},
  {type: 'COLLABORATION_PROFILE', starts: ['Region', 'Cluster'], ends: ['Measure']},
  {type: 'IN_SEGMENT', starts: ['Product', 'Technology', 'Industry'], ends: ['Segment']}
] AS model
WHERE none(m IN model WHERE m.type = type AND start_label IN m.starts AND end_label IN m.ends)
RETURN type, start_label, end_label, count
ORDER BY type, start_label, end_label
