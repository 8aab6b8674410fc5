"""The smartspec graph model: labels, keys, properties and relationship types, as code.

This module is the one source of truth for the graph: the stores create their constraints and
indexes from it, the loaders write only what it declares, and every label, relationship type or
property name that appears in generated Cypher text is checked against it first (values always
travel as parameters).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import SmartspecError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "NodeSpec",
    "RelSpec",
    "NODES",
    "RELATIONSHIPS",
    "ACTIVITY_LABELS",
    "ORGANISATION_TYPES",
    "ACTIVITY_RELATIONSHIPS",
    "SchemaError",
    "node",
    "relationship",
    "check_property",
    "quote",
    "relationship_key",
    "relationship_key_values",
    "schema_statements",
    "relationship_key_index",
]

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class SchemaError(SmartspecError, ValueError):
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
            # additions (issue 15): ISO 3166 / UN M49 codes of countries
            {"code": "str", "name": "str", "level": "str", "iso2": "str", "iso3": "str",
             "m49": "int"},
            "A place: country (level 'country'), NUTS region, metro area or city; or a group of "
            "countries (levels continent, un_region, un_subregion, country_group, wb_region; "
            "codes such as EUROPE, M49_155, EU27, WB_ECS: smartspec.loaders.classifications).",
            indexed=("level",),
        ),
        NodeSpec(
            "Product",
            "code",
            # additions (issue 15): the Atlas reference (smartspec.loaders.classifications)
            {**_ACTIVITY, "short_name": "str", "cluster_id": "int", "cluster": "str",
             "product_space_x": "float", "product_space_y": "float",
             "natural_resource": "bool", "green_product": "bool"},
            "A traded product (HS, SITC). HS/SITC codes named from the shipped reference "
            "tables are PART_OF their parent up to the sector (HS: S01-S10) or SITC section.",
        ),
        NodeSpec("Technology", "code", dict(_ACTIVITY), "A technology class (IPC, CPC)."),
        NodeSpec("Industry", "code", dict(_ACTIVITY), "An industry (NACE, NAICS)."),
        NodeSpec("Topic", "code", dict(_ACTIVITY), "A programme part or research theme."),
        NodeSpec(
            "Organisation",
            "id",
            {
                "id": "str",
                "name": "str",
                "type": "str",
                "sme": "bool",
                # additions (issue 3): the type code as the source wrote it, e.g. CORDIS 'PRC'
                "type_code": "str",
                "short_name": "str",
            },
            "A firm, university, research organisation, public body or cluster management. "
            "`type` is one of ORGANISATION_TYPES; `type_code` keeps the source's code.",
        ),
        NodeSpec(
            "Cluster",
            "id",
            # addition (issue 7): `method` is 'star rating' for the clusters that
            # `smartspec compute clusters` maps from employment or patents
            {"id": "str", "name": "str", "method": "str"},
            "A cluster organisation, or a mapped (statistical) cluster: a region's activity "
            "with cluster stars (method 'star rating').",
        ),
        NodeSpec(
            "Project",
            "id",
            {
                "id": "str",
                "title": "str",
                "start": "date",
                "end": "date",
                "programme": "str",
                # additions (issue 3): the years the collaboration measures use
                "start_year": "int",
                "end_year": "int",
            },
            "A collaborative project.",
        ),
        # addition (issue 17): segments of an economy, communities of related activities
        NodeSpec(
            "Segment",
            "id",
            {
                "id": "str",
                "segment": "str",
                "method": "str",
                "year": "int",
                "label": "str",
                "activity_label": "str",
                "size": "int",
                "parameters": "json",
            },
            "A segment (cluster definition): related activities grouped by community detection "
            "in a relatedness network (method 'leiden' or 'louvain', of `year`) or given by the "
            "user (method 'given'); `label` names its most central activities.",
        ),
        NodeSpec(
            "Measure",
            "id",
            {
                "id": "str",
                "family": "str",
                "activity_label": "str",
                "parameters": "json",
                "computed_at": "str",
            },
            "A computed family of measures (e.g. 'Product:specialisation') that SCORED "
            "relationships point to; 'parameters' records how they were computed.",
        ),
    ]
}

#: Values of ``Organisation.type`` (issue 3); loaders map source codes onto them.
ORGANISATION_TYPES: tuple[str, ...] = (
    "firm",
    "university",
    "research organisation",
    "public body",
    "cluster management",
    "other",
)

#: Properties of a COLLABORATION_PROFILE relationship (collaboration measures of an actor set).
_COLLABORATION_PROFILE = {
    "year": "int",
    "locality": "str",
    "actors": "int",
    "ties": "int",
    "local_ties": "int",
    "national_ties": "int",
    "international_ties": "int",
    "local_share": "float",
    "national_share": "float",
    "international_share": "float",
    "ei_index": "float",
    "partner_countries": "int",
    "partner_country_diversity": "float",
    "internal_density": "float",
    "internal_clustering": "float",
    "internal_components": "int",
    "internal_avg_degree": "float",
    "pipeline_actor_share": "float",
    "pipeline_gini": "float",
    "pipeline_top5_share": "float",
    "new_partner_share": "float",
    "tech_proximity_chosen": "float",
    "tech_proximity_available": "float",
    "cultural_proximity_chosen": "float",
    "cultural_proximity_available": "float",
}

#: Labels of activity nodes (the columns of the region x activity matrices).
ACTIVITY_LABELS: tuple[str, ...] = ("Product", "Technology", "Industry", "Topic")

_ACTIVITY_COMPUTED = (
    "rca",
    "m",
    "rca_method",
    "rca_threshold",
    "density",
    "cog",
    "proximity_method",
    "density_diagonal",
    "density_scale",
    "cog_normaliser",
)

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
            {
                "stars": "int",
                "lq": "float",
                # additions (issue 7): the star rating's measures and how it was computed
                "year": "int",
                "value": "float",
                "size": "float",
                "focus": "float",
                "method": "str",
                "parameters": "json",
            },
            "A cluster's specialisation; for mapped clusters the star rating (0-3: size, "
            "specialisation LQ, focus) of `year`, with its cut-offs in `parameters`.",
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
            # addition (issue 7): `cooccurrences`, the count behind a co-classification phi
            {
                "year": "int",
                "phi": "float",
                "method": "str",
                "backbone": "bool",
                "cooccurrences": "float",
            },
            "Proximity of two activities (product or knowledge space), stored once per pair; "
            "method 'cooccurrence:association' for classes co-listed on patents.",
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
                "component": "int",
            },
            "Per-year scores of a region or activity under one Measure family.",
            key=("year",),
        ),
        # addition (issue 17): the segment an activity belongs to
        RelSpec(
            "IN_SEGMENT",
            ("Product", "Technology", "Industry"),
            ("Segment",),
            {"centrality": "float"},
            "An activity's segment; `centrality` is its mean proximity to the other members.",
        ),
        # -- additions (issue 3: collaboration networks) ----------------------------------------
        RelSpec(
            "ADDRESSES",
            ("Project",),
            ("Topic",),
            {},
            "The programme part or research theme of a project (CORDIS programme parts).",
        ),
        RelSpec(
            "PARTNERS_WITH",
            ("Organisation",),
            ("Organisation",),
            {"year": "int", "known_before": "bool", "channel": "str"},
            "A reported partnership (survey, CRM export): the reporting organisation to its "
            "partner, one per year; `known_before` says whether they had worked together before.",
            key=("year",),
        ),
        RelSpec(
            "COLLABORATION_PROFILE",
            ("Region", "Cluster"),
            ("Measure",),
            dict(_COLLABORATION_PROFILE),
            "Per-period collaboration measures of an actor set (a country, city or cluster) "
            "with locality level `locality` (city or country), to the Measure 'collaboration'.",
            key=("year", "locality"),
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


def relationship_key(
    spec: RelSpec, start: str, end: str, ref: Callable[[str], str] | None = None
) -> str:
    """Cypher expression of the ``key`` of a keyed relationship: ``Label:code|Label:code|k1|k2``.

    Computed by the store in the write query itself (no string building in Python), from the
    endpoint codes (columns ``_start`` and ``_end`` of a row) and the key properties. ``ref``
    gives the Cypher expression of a row's column (default: ``row.<column>``, for
    ``UNWIND $rows AS row``). Labels are part of the key because one type may join labels whose
    codes look alike (a Product and a Technology ``0101``); they come from the schema, never
    from data.

    >>> relationship_key(relationship("EXPORTS"), "Region", "Product")
    "'Region:' + row._start + '|Product:' + row._end + '|' + toString(row.`year`)"
    """
    node(start), node(end)
    if ref is None:
        ref = row_ref
    parts = [f"'{start}:' + {ref('_start')}", f"'|{end}:' + {ref('_end')}"]
    parts += [f"'|' + toString({ref(k)})" for k in spec.key]
    return " + ".join(parts)


def relationship_key_values(
    spec: RelSpec, start: str, end: str, rows: pd.DataFrame
) -> pd.Series | None:
    """The ``key`` of each row as :func:`relationship_key` computes it in Cypher, in pandas.

    For stores that write without Cypher (the embedded store's first load of a type). Key
    properties must be integers or text, whose Cypher ``toString`` is Python's ``str``; for
    any other dtype this returns None and the caller writes through Cypher.

    >>> import pandas as pd
    >>> rows = pd.DataFrame({"_start": ["DEU"], "_end": ["0101"], "year": [2017]})
    >>> relationship_key_values(relationship("EXPORTS"), "Region", "Product", rows).tolist()
    ['Region:DEU|Product:0101|2017']
    """
    import pandas as pd

    node(start), node(end)
    columns = [rows[c] for c in ("_start", "_end", *spec.key)]
    if any(c.isna().any() for c in columns) or not all(
        pd.api.types.is_string_dtype(c) or i >= 2 and pd.api.types.is_integer_dtype(c)
        for i, c in enumerate(columns)
    ):
        return None
    # str.format over lists: 2-3x faster than adding string Series; labels come from the schema
    template = f"{start}:{{}}|{end}:{{}}" + "|{}" * len(spec.key)
    key = list(map(template.format, *(c.tolist() for c in columns)))
    return pd.Series(key, index=rows.index, dtype=object)


def row_ref(column: str) -> str:
    """``row.<column>``: a column of the rows of ``UNWIND $rows AS row``."""
    return f"row.{quote(column) if not column.startswith('_') else column}"


def relationship_key_index(spec: RelSpec) -> str:
    """Name of the index on the ``key`` of a keyed relationship type.

    Databases made by earlier versions of smartspec hold a uniqueness constraint of this name
    instead, which :meth:`smartspec.graph_models.store.Store.create_schema` replaces.

    >>> relationship_key_index(relationship("EXPORTS"))
    'exports_key'
    """
    return f"{spec.type.lower()}_key"


def schema_statements() -> list[str]:
    """Cypher statements (Neo4j 5 syntax) creating every constraint and index of the model.

    Each node key gets a uniqueness constraint, which also indexes it; declared ``indexed``
    properties of nodes get range indexes. All statements are idempotent.

    A relationship type with key properties (``EXPORTS`` by ``year``) gets a range index on
    ``key`` (:func:`relationship_key`: both endpoints and the key values), by which Neo4j finds
    a stored relationship with an index seek instead of expanding a dense node. It is a plain
    index, not a uniqueness constraint: the constraint's check of every new relationship (a
    fresh index seek each) took 18% of Neo4j's write time, and loads with it were 1.28 times
    slower (world trade 2017 on one warm server, loads alternating: medians 4.06 s and 3.17 s).
    Loads cannot create a relationship twice all the same: they write by difference, and loads
    of one relationship type into one database take turns
    (:meth:`smartspec.graph_models.store.Store.load_lock`). Other relationship properties are
    deliberately not indexed: with a plain index on ``EXPORTS.year``, Neo4j 5.26 planned the
    MERGE of a fresh load as a scan of that index, and a first load of 177k relationships took
    minutes instead of seconds.

    >>> any("FOR (n:Region) REQUIRE n.code IS UNIQUE" in s for s in schema_statements())
    True
    >>> [s for s in schema_statements() if "r:EXPORTS" in s]
    ['CREATE INDEX exports_key IF NOT EXISTS FOR ()-[r:EXPORTS]-() ON (r.key)']
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
        if spec.key:
            statements.append(
                f"CREATE INDEX {relationship_key_index(spec)} IF NOT EXISTS "
                f"FOR ()-[r:{spec.type}]-() ON (r.key)"
            )
        for prop in spec.indexed:
            statements.append(
                f"CREATE INDEX {spec.type.lower()}_{prop} IF NOT EXISTS "
                f"FOR ()-[r:{spec.type}]-() ON (r.{prop})"
            )
    return statements
