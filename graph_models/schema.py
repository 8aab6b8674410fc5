"""The smartspec graph model: labels, keys, properties and relationship types, as code.

This module is the one source of truth for the graph: the stores create their constraints and
indexes from it, the loaders write only what it declares, and every label, relationship type or
property name that appears in generated Cypher text is checked against it first (values always
travel as parameters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "NodeSpec",
    "RelSpec",
    "NODES",
    "RELATIONSHIPS",
    "ACTIVITY_LABELS",
    "ACTIVITY_RELATIONSHIPS",
    "SchemaError",
    "node",
    "relationship",
    "check_property",
    "quote",
    "schema_statements",
]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SchemaError(ValueError):
    """A label, relationship type or property that the graph model does not declare."""


@dataclass(frozen=True)
class NodeSpec:
    """A node label with its unique key and documented properties."""

    label: str
    key: str
    properties: dict[str, str]
    description: str
    indexed: tuple[str, ...] = ()


@dataclass(frozen=True)
class RelSpec:
    """A relationship type: its endpoints, identifying properties and documented properties.

    ``key`` names the properties that, together with the two endpoints, identify one relationship
    (e.g. ``year`` for ``EXPORTS``: one relationship per region, product and year); an empty key
    means at most one relationship of this type between two nodes.
    """

    type: str
    start: tuple[str, ...]
    end: tuple[str, ...]
    properties: dict[str, str]
    description: str
    key: tuple[str, ...] = ()
    indexed: tuple[str, ...] = ()
    directed: bool = True
    computed: tuple[str, ...] = field(default=())


_ACTIVITY = {"code": "str", "name": "str", "classification": "str", "level": "str"}

NODES: dict[str, NodeSpec] = {
    spec.label: spec
    for spec in [
        NodeSpec(
            "Region",
            "code",
            {"code": "str", "name": "str", "level": "str"},
            "A place: country (level 'country'), NUTS region, metro area or city.",
            indexed=("level",),
        ),
        NodeSpec("Product", "code", dict(_ACTIVITY), "A traded product (HS, SITC)."),
        NodeSpec("Technology", "code", dict(_ACTIVITY), "A technology class (IPC, CPC)."),
        NodeSpec("Industry", "code", dict(_ACTIVITY), "An industry (NACE, NAICS)."),
        NodeSpec("Topic", "code", dict(_ACTIVITY), "A programme part or research theme."),
        NodeSpec(
            "Organisation",
            "id",
            {"id": "str", "name": "str", "type": "str", "sme": "bool"},
            "A firm, university, research organisation, public body or cluster management.",
        ),
        NodeSpec("Cluster", "id", {"id": "str", "name": "str"}, "A cluster organisation."),
        NodeSpec(
            "Project",
            "id",
            {"id": "str", "title": "str", "start": "date", "end": "date", "programme": "str"},
            "A collaborative project.",
        ),
        NodeSpec(
            "Measure",
            "id",
            {"id": "str", "family": "str", "activity_label": "str", "parameters": "json"},
            "A computed family of measures (e.g. 'Product:specialisation') that SCORED "
            "relationships point to; 'parameters' records how they were computed.",
        ),
    ]
}

#: Labels of activity nodes (the columns of the region x activity matrices).
ACTIVITY_LABELS: tuple[str, ...] = ("Product", "Technology", "Industry", "Topic")

_ACTIVITY_COMPUTED = ("rca", "m", "rca_method", "rca_threshold", "density")

RELATIONSHIPS: dict[str, RelSpec] = {
    spec.type: spec
    for spec in [
        RelSpec(
            "PART_OF",
            ("Region", *ACTIVITY_LABELS),
            ("Region", *ACTIVITY_LABELS),
            {},
            "Hierarchy of regions and of classifications.",
        ),
        RelSpec(
            "EXPORTS",
            ("Region",),
            ("Product",),
            {"year": "int", "value": "float"},
            "Export value (USD) of a region in a product and year.",
            key=("year",),
            computed=_ACTIVITY_COMPUTED,
        ),
        RelSpec(
            "PATENTS",
            ("Region",),
            ("Technology",),
            {"year": "int", "count": "float"},
            "Patent count (possibly fractional) of a region in a technology and year.",
            key=("year",),
            computed=_ACTIVITY_COMPUTED,
        ),
        RelSpec(
            "EMPLOYS",
            ("Region",),
            ("Industry",),
            {"year": "int", "jobs": "float"},
            "Employment of a region in an industry and year.",
            key=("year",),
            computed=_ACTIVITY_COMPUTED,
        ),
        RelSpec(
            "ACTIVE_IN",
            ("Organisation",),
            ("Technology", "Topic"),
            {"weight": "float"},
            "Activity profile of an organisation.",
        ),
        RelSpec(
            "LOCATED_IN",
            ("Organisation", "Cluster"),
            ("Region",),
            {},
            "Where an organisation or cluster is.",
        ),
        RelSpec(
            "MEMBER_OF",
            ("Organisation",),
            ("Cluster",),
            {"since": "int"},
            "Cluster membership.",
        ),
        RelSpec(
            "SPECIALISES_IN",
            ("Cluster",),
            ("Technology", "Industry", "Product"),
            {"stars": "int", "lq": "float"},
            "A cluster's specialisation.",
        ),
        RelSpec(
            "PARTICIPATES_IN",
            ("Organisation",),
            ("Project",),
            {"role": "str", "contribution": "float"},
            "Participation of an organisation in a project.",
        ),
        RelSpec(
            "COLLABORATES_WITH",
            ("Organisation",),
            ("Organisation",),
            {"first_year": "int", "last_year": "int", "projects": "int"},
            "One-mode projection of joint projects (stored once per pair, lower id first).",
            directed=False,
        ),
        RelSpec(
            "PROXIMITY",
            ACTIVITY_LABELS,
            ACTIVITY_LABELS,
            {"year": "int", "phi": "float", "method": "str"},
            "Proximity of two activities (product or knowledge space), stored once per pair.",
            key=("year", "method"),
            directed=False,
        ),
        RelSpec(
            "SCORED",
            ("Region", *ACTIVITY_LABELS),
            ("Measure",),
            {
                "year": "int",
                "diversity": "int",
                "ubiquity": "int",
                "eci": "float",
                "pci": "float",
                "fitness": "float",
                "complexity": "float",
                "coi": "float",
            },
            "Per-year scores of a region or activity under one Measure family.",
            key=("year",),
        ),
    ]
}

#: Observed activity relationship for each activity label, and the property holding its amount.
ACTIVITY_RELATIONSHIPS: dict[str, tuple[str, str]] = {
    "Product": ("EXPORTS", "value"),
    "Technology": ("PATENTS", "count"),
    "Industry": ("EMPLOYS", "jobs"),
}


def node(label: str) -> NodeSpec:
    """The spec of a node label, or :class:`SchemaError` naming the declared labels."""
    try:
        return NODES[label]
    except KeyError:
        raise SchemaError(f"unknown node label {label!r}; declared: {', '.join(NODES)}") from None


def relationship(rel_type: str) -> RelSpec:
    """The spec of a relationship type, or :class:`SchemaError` naming the declared types."""
    try:
        return RELATIONSHIPS[rel_type]
    except KeyError:
        raise SchemaError(
            f"unknown relationship type {rel_type!r}; declared: {', '.join(RELATIONSHIPS)}"
        ) from None


def check_property(name: str) -> str:
    """Check that ``name`` is a plain identifier, safe to appear in Cypher text."""
    if not isinstance(name, str) or not _IDENTIFIER.match(name):
        raise SchemaError(f"{name!r} is not a valid property name")
    return name


def quote(name: str) -> str:
    """``name`` checked (:func:`check_property`) and backticked for Cypher text.

    Backticks let property names that are Cypher keywords (``end``, ``type``) appear in queries
    on both stores; kglite refuses them bare.

    >>> quote("end")
    '`end`'
    """
    return f"`{check_property(name)}`"


def schema_statements() -> list[str]:
    """Cypher statements (Neo4j 5 syntax) creating every constraint and index of the model.

    Each node key gets a uniqueness constraint, which also indexes it; declared ``indexed``
    properties of nodes get range indexes. All statements are idempotent.

    Relationship properties are deliberately not indexed: with an index on ``EXPORTS.year``,
    Neo4j 5.26 plans ``MERGE (a)-[r:EXPORTS {year: ...}]->(b)`` on freshly loaded data as a scan
    of that index instead of an expansion between the two bound nodes, which made a first load
    of 177k relationships take minutes instead of seconds.

    >>> any("FOR (n:Region) REQUIRE n.code IS UNIQUE" in s for s in schema_statements())
    True
    """
    statements = []
    for spec in NODES.values():
        statements.append(
            f"CREATE CONSTRAINT {spec.label.lower()}_{spec.key} IF NOT EXISTS "
            f"FOR (n:{spec.label}) REQUIRE n.{spec.key} IS UNIQUE"
        )
        for prop in spec.indexed:
            statements.append(
                f"CREATE INDEX {spec.label.lower()}_{prop} IF NOT EXISTS "
                f"FOR (n:{spec.label}) ON (n.{prop})"
            )
    for spec in RELATIONSHIPS.values():
        for prop in spec.indexed:
            statements.append(
                f"CREATE INDEX {spec.type.lower()}_{prop} IF NOT EXISTS "
                f"FOR ()-[r:{spec.type}]-() ON (r.{prop})"
            )
    return statements
