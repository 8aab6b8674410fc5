"""smartspec: economic complexity, relatedness and cluster collaboration on a Neo4j graph."""

__version__ = "0.1.0"
