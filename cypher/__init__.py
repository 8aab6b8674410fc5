"""The Cypher query library: ``.cypher`` files with a header, and their runner (:mod:`.library`)."""
