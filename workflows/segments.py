"""Cluster policy on the store: segments of an activity space, clusters and their activities.

The workflows of the commands, each returning the table the command prints:
:func:`segments` (``smartspec compute segments``), :func:`alignment` (``compute alignment``;
:func:`run_alignment` gives every table, the cluster names and the heatmap's title) and
:func:`intercluster` (``compute intercluster``; :func:`run_intercluster` gives every pair for the
cluster network). They tell what they wrote and found through ``say`` and refuse a request the
data cannot answer with :class:`~smartspec.workflows.WorkflowError` (or the
:class:`~smartspec.errors.ValidationError` /
:class:`~smartspec.loaders._io.LoaderError` of the step that found it). The steps:

Segments (``smartspec compute segments``): :func:`network` reads or computes the relatedness
network of a year, :func:`run_segments` finds the segments (or takes them from a definitions
file, :func:`read_definitions`), :func:`write_segments` writes them as
``(:Product|Technology|Industry)-[:IN_SEGMENT]->(:Segment)`` and :func:`region_profile` gives a
region's cluster profile; :func:`cluster_sets` and :func:`organisation_clusters` give the
activity sets of a region's clusters (its specialised segments, or loaded cluster
organisations) for :func:`smartspec.algorithms.segments.alignment` (priorities:
:func:`read_priorities`) and :func:`smartspec.algorithms.segments.intercluster`.

Collaboration data: the activities of organisations are the topics (programme parts) of their
projects, ``(:Organisation)-[:ACTIVE_IN {weight}]->(:Topic)`` with the number of an
organisation's projects in each. From them:

- :func:`topic_space`: the organisations' topic profiles and the relatedness of topics, the
  minimum conditional probability of Hidalgo et al. (2007) with organisations in place of
  countries (topics are related when the same organisations specialise in both, the research
  space of Guevara et al. 2016);
- :func:`topic_clusters`: the documented example of clusters built from the data, the
  organisations of one region grouped by their main topic (principal-activity rule), each
  profiled by the topics its members are specialised in (RCA >= 1 against all organisations);
- :func:`member_topic_clusters`: the same profiles for cluster organisations loaded with
  ``smartspec load clusters`` (members ``MEMBER_OF`` a ``Cluster``), from their members' topics;
- :func:`member_ties`: the collaboration ties (``COLLABORATES_WITH``, ``PARTNERS_WITH``) of a
  set of organisations, for :func:`smartspec.algorithms.segments.intercluster`;
- :func:`region_segment_profile`: a region's segment profile in an activity space, as
  ``smartspec report`` shows it.

Horizon 2020 programme parts are named from the regulation that set them up
(:data:`PROGRAMME_PARTS`) where the graph holds no name for them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from ..algorithms import segments as seg
from ..algorithms._validation import ValidationError, check_int
from ..algorithms.projection import backbone
from ..algorithms.relatedness import proximity as proximity_pairs
from ..graph_models import results
from ..loaders._io import LoaderError, _lines, read_table, require_codes, require_columns
from ._base import ACTIVITIES, Say, WorkflowError, activity_label, silent
from .relatedness import DEFAULT_MIN_PROXIMITY
from .space import Space, load_space, resolve_region

__all__ = [
    "ActivitySpace",
    "DEFINITION_COLUMNS",
    "PROFILE_COLUMNS",
    "read_definitions",
    "read_priorities",
    "network",
    "run_segments",
    "write_segments",
    "region_profile",
    "cluster_sets",
    "organisation_clusters",
    "PROGRAMME_PARTS",
    "TopicSpace",
    "TopicClusters",
    "topic_space",
    "topic_space_from",
    "located_regions",
    "region_organisations",
    "topic_clusters",
    "topic_clusters_from",
    "member_topic_clusters",
    "member_ties",
    "computed_network",
    "region_segment_profile",
    "CLUSTER_KINDS",
    "ALIGNMENT_TABLES",
    "segments",
    "Alignment",
    "run_alignment",
    "alignment",
    "ClusterPairs",
    "run_intercluster",
    "intercluster",
]

#: Horizon 2020 programme parts as the shipped CORDIS extract codes them, with the names of
#: Regulation (EU) No 1291/2013 establishing Horizon 2020, Annex I, and Council Regulation
#: (Euratom) No 1314/2013 (the Euratom programme).
PROGRAMME_PARTS: dict[str, str] = {
    "ERC": "European Research Council (frontier research)",
    "FET": "Future and Emerging Technologies",
    "MSCA": "Marie Skłodowska-Curie actions",
    "RI": "European research infrastructures",
    "LEIT": "Leadership in enabling and industrial technologies",
    "ARF": "Access to risk finance",
    "Innovation in SMEs": "Innovation in SMEs",
    "SC1": "Health, demographic change and wellbeing",
    "SC2": "Food security, sustainable agriculture and forestry, marine and maritime and "
           "inland water research, and the bioeconomy",
    "SC3": "Secure, clean and efficient energy",
    "SC4": "Smart, green and integrated transport",
    "SC5": "Climate action, environment, resource efficiency and raw materials",
    "SC6": "Europe in a changing world - inclusive, innovative and reflective societies",
    "SC7": "Secure societies - protecting freedom and security of Europe and its citizens",
    "SEWP": "Spreading excellence and widening participation",
    "SWAFS": "Science with and for society",
    "Euratom": "Euratom research and training programme",
}


#: Columns of the definitions table and of a region's cluster profile.
DEFINITION_COLUMNS = ["segment", "label", "activity", "activity_name", "centrality"]
PROFILE_COLUMNS = ["region", "region_name", "year", "segment", "label", "activities", "value",
                   "share", "lq", "size", "stars", "specialised", "opportunities",
                   "best_opportunity", "best_opportunity_name", "best_density", "since",
                   "base_share", "base_lq", "share_change", "trend"]


class ActivitySpace(Protocol):
    """What the segment workflows read of an activity space (one classification of products,
    technologies or industries; the CLI's ``Space`` is one)."""

    data: pd.DataFrame  # region, activity, year, value
    label: str  # Product, Technology or Industry
    classification: str | None
    prefix: str  # the classification prefix of the codes ('' without)
    activity_names: pd.Series  # code -> name

    def measures(self) -> dict[str, pd.DataFrame]:
        """``compute_all`` on the space: specialisation, density, proximity, ..."""
        ...

    def with_names(self, frame: pd.DataFrame, column: str, kind: str = "activity",
                   name_column: str | None = None) -> pd.DataFrame:
        """``frame`` with ``<column>_name`` after ``column``."""
        ...


@dataclass
class TopicSpace:
    """Organisations' topic profiles and the relatedness of topics."""

    #: ``organisation, activity, value``: projects of each organisation in each topic
    weights: pd.DataFrame
    #: ``activity_a, activity_b, proximity``: one row per related pair of topics
    proximity: pd.DataFrame
    #: topic code -> name
    names: pd.Series
    #: how the relatedness was computed, for messages
    source: str

    @property
    def activities(self) -> pd.Index:
        return pd.Index(pd.unique(self.weights["activity"]))


@dataclass
class TopicClusters:
    """Clusters of organisations with their topic profiles."""

    #: ``cluster, activity``: the topics each cluster is specialised in (its profile)
    profiles: pd.DataFrame
    #: ``organisation, cluster``
    members: pd.DataFrame
    #: cluster id -> name
    names: pd.Series
    #: ``cluster, activity, value, share, rca, specialised`` (every topic of the members)
    activities: pd.DataFrame = field(repr=False)
    #: one row per cluster: ``cluster, cluster_name, members, main, profile`` (codes and names)
    table: pd.DataFrame = field(repr=False)


def _stored_topic_names(store, codes) -> pd.Series:
    """The graph's names of the topics, where it holds real ones (not kglite's stand-in)."""
    stored = results.read_names(store, "Topic", [str(c) for c in codes])
    return stored[~stored.astype(str).str.fullmatch(r"Topic_\d+")].astype(object)


def topic_space(store) -> TopicSpace:
    """The organisations' topic profiles (``ACTIVE_IN``) and topic relatedness.

    Relatedness is the proximity of Hidalgo et al. (2007) with organisations in place of
    countries: ``M_ot = 1`` when organisation ``o`` has a revealed advantage in topic ``t``
    (Balassa RCA of its project counts >= 1) and ``phi_tu = sum_o M_ot M_ou / max(k_t, k_u)``,
    as Guevara et al. (2016) build the research space from researchers' fields
    (:func:`smartspec.algorithms.relatedness.proximity`).

    References: Hidalgo, Klinger, Barabasi & Hausmann (2007), Science 317, 482-487; Guevara,
    Hartmann, Aristaran, Mendoza & Hidalgo (2016), The research space, Scientometrics 109,
    1695-1709.
    """
    active = store.read_relationships("ACTIVE_IN", start="Organisation", end="Topic",
                                      properties=["weight"])
    if active.empty:
        raise ValidationError("the graph has no organisation active in a topic (ACTIVE_IN); "
                              "load project participations with smartspec load collaborations")
    weights = pd.DataFrame({"organisation": active["start"].astype(str).to_numpy(),
                            "activity": active["end"].astype(str).to_numpy(),
                            "value": active["weight"].astype(float).to_numpy()})
    return topic_space_from(weights, _stored_topic_names(store, pd.unique(weights["activity"])))


def topic_space_from(weights: pd.DataFrame, names: pd.Series | None = None) -> TopicSpace:
    """:func:`topic_space` from a table ``organisation, activity, value`` (projects of each
    organisation per topic) instead of the store; topics without a name in ``names`` get the
    :data:`PROGRAMME_PARTS` one."""
    weights = weights[["organisation", "activity", "value"]].copy()
    weights["organisation"] = weights["organisation"].astype(str)
    weights["activity"] = weights["activity"].astype(str)
    weights = weights[weights["value"].astype(float) > 0].reset_index(drop=True)
    if weights.empty:
        raise ValidationError("no organisation is active in a topic")
    prox = proximity_pairs(weights.rename(columns={"organisation": "region"}),
                           measure="conditional", method="balassa")
    prox = prox[["activity_a", "activity_b", "proximity"]].reset_index(drop=True)
    n_orgs = weights["organisation"].nunique()
    source = (f"topic space of {n_orgs:,} organisations (minimum conditional probability of "
              "RCA >= 1 in both topics)")
    codes = pd.unique(weights["activity"])
    given = pd.Series(dtype=object) if names is None else pd.Series(names, dtype=object)
    built = pd.Series({c: PROGRAMME_PARTS[c] for c in codes
                       if c in PROGRAMME_PARTS and c not in given.index}, dtype=object)
    return TopicSpace(weights, prox, pd.concat([given, built]), source)


def located_regions(store, label: str = "Organisation") -> pd.Series:
    """Regions with located organisations (or clusters, ``label="Cluster"``), their own or
    through ``PART_OF``: code -> name ('' without a name)."""
    if label not in ("Organisation", "Cluster"):
        raise ValueError(f"located_regions: label {label!r} is not Organisation or Cluster")
    found = store.run(
        f"MATCH (o:{label})-[:LOCATED_IN]->(:Region)-[:PART_OF*0..5]->(r:Region) "
        "RETURN DISTINCT r.code AS code, "
        "CASE WHEN r.name = labels(r)[0] + '_' + toString(r.id) THEN null ELSE r.name END "
        "AS name")
    if found.empty:
        return pd.Series(dtype=object)
    return pd.Series(found["name"].fillna("").astype(object).to_numpy(),
                     index=found["code"].astype(str).to_numpy())


def region_organisations(store, region: str) -> list[str]:
    """Ids of the organisations located in ``region`` or in one of its parts."""
    found = store.run(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..5]->(:Region {code: $r}) "
        "RETURN DISTINCT o.id AS organisation ORDER BY organisation", {"r": region})
    return found["organisation"].astype(str).tolist() if not found.empty else []


def _short(text: str, width: int = 50) -> str:
    return text if len(text) <= width else text[:width - 1].rstrip(" ,-") + "…"


def _cluster_table(activities: pd.DataFrame, members: pd.DataFrame, names: pd.Series,
                   topic: pd.Series, main: pd.Series) -> pd.DataFrame:
    """One row per cluster: its name, members, main topic and profile, with topic names."""
    spec = activities[activities["specialised"]]

    def text(code: str, rca: float) -> str:
        name = _short(str(topic.get(code, "")), 40)
        return f"{code}{f' {name}' if name else ''} (RCA {rca:.2f})"

    profile = pd.Series({c: "; ".join(text(a, r) for a, r in zip(g["activity"], g["rca"],
                                                                  strict=True))
                         for c, g in spec.groupby("cluster", sort=True)}, dtype=object)
    size = members.groupby("cluster")["organisation"].nunique()
    clusters = sorted(size.index)
    out = pd.DataFrame({"cluster": clusters,
                        "cluster_name": [str(names.get(c, "")) for c in clusters],
                        "members": [int(size[c]) for c in clusters]})
    if len(main):
        out["main"] = out["cluster"].map(main).astype(object).fillna("")
        out["main_name"] = out["main"].map(topic).astype(object).fillna("")
    out["profile"] = out["cluster"].map(profile).fillna("")
    return out


def topic_clusters(store, space: TopicSpace, region: str, *, min_members: int = 5,
                   region_name: str = "", threshold: float = 1.0) -> TopicClusters:
    """The documented example of clusters from collaboration data: the organisations located
    in ``region`` grouped by their main topic.

    Each organisation of the region with projects belongs to the cluster of its main topic
    (:func:`smartspec.algorithms.segments.main_activity`: most projects; a tie to the topic
    rarer over all organisations); clusters with at least ``min_members`` members are kept,
    with the id ``<region>:<topic>``. A cluster's profile is the topics its members together
    are specialised in, RCA >= ``threshold`` against all organisations
    (:func:`smartspec.algorithms.segments.cluster_activities`): its main topic and the others
    its members do more than organisations at large.
    """
    return topic_clusters_from(space, region_organisations(store, region), region,
                               min_members=min_members, region_name=region_name,
                               threshold=threshold)


def topic_clusters_from(space: TopicSpace, organisations, region: str, *,
                        min_members: int = 5, region_name: str = "",
                        threshold: float = 1.0) -> TopicClusters:
    """:func:`topic_clusters` for the given ``organisations`` of ``region`` (ids) instead of
    those the store locates there."""
    min_members = check_int(min_members, name="min_members", minimum=1)
    orgs = {str(o) for o in organisations}
    mine = space.weights[space.weights["organisation"].isin(orgs)]
    if mine.empty:
        raise ValidationError(f"no organisation located in {region} is active in a topic")
    main = seg.main_activity(mine)
    size = main.groupby("activity")["organisation"].size()
    kept = sorted(size[size >= min_members].index)
    if not kept:
        raise ValidationError(
            f"no topic is the main one of {min_members} or more organisations in {region} "
            f"(largest: {int(size.max())}); lower --min-members")
    main = main[main["activity"].isin(kept)]
    members = pd.DataFrame({"organisation": main["organisation"].to_numpy(),
                            "cluster": (region + ":" + main["activity"]).to_numpy()})
    acts = seg.cluster_activities(space.weights, members, threshold=threshold)
    place = region_name or region
    ids = pd.Index(pd.unique(members["cluster"]))
    topic_of = pd.Series([c.split(":", 1)[1] for c in ids], index=ids)
    names = pd.Series([f"{place}: {_short(str(space.names.get(t, t)))}" for t in topic_of],
                      index=ids, dtype=object)
    table = _cluster_table(acts, members, names, space.names, topic_of)
    profiles = acts.loc[acts["specialised"], ["cluster", "activity"]].reset_index(drop=True)
    return TopicClusters(profiles, members, names, acts, table)


def member_topic_clusters(store, space: TopicSpace, region: str | None = None, *,
                          threshold: float = 1.0) -> TopicClusters:
    """Cluster organisations (``load clusters``; located in ``region`` when given) profiled by
    their members' topics: RCA >= ``threshold`` against all organisations."""
    where = ("MATCH (c)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..5]->(:Region {code: $r}) "
             if region else "")
    found = store.run(
        f"MATCH (o:Organisation)-[:MEMBER_OF]->(c:Cluster) {where}"
        "RETURN DISTINCT o.id AS organisation, c.id AS cluster, "
        "CASE WHEN c.name = labels(c)[0] + '_' + toString(c.id) THEN null ELSE c.name END "
        "AS name ORDER BY cluster, organisation", {"r": region})
    if found.empty:
        raise ValidationError(f"no cluster{f' located in {region}' if region else ''} has "
                              "members; load them with smartspec load clusters")
    members = found[["organisation", "cluster"]].astype(str)
    acts = seg.cluster_activities(space.weights, members, threshold=threshold)
    if acts.empty:
        raise ValidationError("no member of these clusters is active in a topic (ACTIVE_IN)")
    named = found.dropna(subset=["name"]).drop_duplicates("cluster")
    names = pd.Series(named["name"].to_numpy(), index=named["cluster"].astype(str).to_numpy(),
                      dtype=object)
    members = members[members["cluster"].isin(set(acts["cluster"]))]
    table = _cluster_table(acts, members, names, space.names, pd.Series(dtype=object))
    profiles = acts.loc[acts["specialised"], ["cluster", "activity"]].reset_index(drop=True)
    return TopicClusters(profiles, members, names, acts, table)


def member_ties(store, organisations: list[str]) -> pd.DataFrame:
    """``source, target``: collaboration ties (``COLLABORATES_WITH`` projections of joint
    projects and reported ``PARTNERS_WITH``) of the given organisations, with every partner (so
    partners in common count)."""
    if not organisations:
        return pd.DataFrame(columns=["source", "target"])
    found = store.run(
        "MATCH (a:Organisation)-[:COLLABORATES_WITH|PARTNERS_WITH]-(b:Organisation) "
        "WHERE a.id IN $ids RETURN DISTINCT a.id AS source, b.id AS target",
        {"ids": sorted(set(map(str, organisations)))})
    if found.empty:
        return pd.DataFrame(columns=["source", "target"])
    return found.astype(str)


# -- input files of the segment workflows ----------------------------------------------------

def _known_codes(frame: pd.DataFrame, column: str, known: pd.Index, prefix: str, *,
                 path: Path) -> pd.Series:
    """Codes of ``column`` as stored (a classification prefix may be left out); unknown codes
    refuse the file, naming the lines (the file's, through the reader's line map)."""
    codes = require_codes(frame, column, path=path)
    with_prefix = prefix + codes
    codes = codes.where(codes.isin(known) | ~with_prefix.isin(known), with_prefix)
    bad = ~codes.isin(known)
    if bad.any():
        where = np.flatnonzero(bad.to_numpy())
        raise LoaderError(
            f"{path}: column {column!r} has {len(where)} code(s) not in the loaded data at "
            f"line(s) {_lines(where, frame=frame)} (e.g. {codes.iloc[where[0]]!r})")
    return codes


def read_definitions(path: Path, known: pd.Index, prefix: str = "") -> pd.DataFrame:
    """A segment definitions file ``activity, cluster[, label]`` as ``activity, segment[,
    label]``; an activity in two clusters or unknown to the data refuses it."""
    frame = read_table(path)
    require_columns(frame, ["activity", "cluster"], path=path)
    out = pd.DataFrame({"activity": _known_codes(frame, "activity", known, prefix, path=path),
                        "segment": require_codes(frame, "cluster", path=path)})
    dup = out["activity"].duplicated(keep=False).to_numpy()
    if dup.any():
        where = np.flatnonzero(dup)
        raise LoaderError(
            f"{path}: activity {out['activity'].iloc[where[0]]!r} is in more than one cluster "
            f"(lines {_lines(where, frame=frame)}); a definition gives each activity one "
            "cluster")
    if "label" in frame.columns:
        out["label"] = frame["label"].str.strip()
    return out


def read_priorities(path: Path, known: pd.Index, prefix: str = "",
                    region: str | None = None,
                    resolve: Callable[[str], str] | None = None) -> tuple[pd.DataFrame, str]:
    """A priorities file ``region, priority, activity``: the rows of ``region`` (or of the one
    region the file names) as ``priority, activity``, and the region.

    ``resolve`` (text -> the region's code as stored, e.g. :meth:`Space.region`, which refuses
    an unknown region suggesting close ones) lets ``region`` be a name or another spelling of
    the code (``Germany``, ``de``): the rows are those whose region resolves to the same stored
    code, and the stored code is returned. Without it, ``region`` is a code of the file (any
    case) and returned as the file has it."""
    frame = read_table(path)
    require_columns(frame, ["region", "priority", "activity"], path=path)
    regions = require_codes(frame, "region", path=path).str.upper()
    in_file = sorted(pd.unique(regions))
    if region is None:
        if len(in_file) > 1:
            raise LoaderError(f"{path}: priorities of {len(in_file)} regions "
                              f"({', '.join(in_file)}); choose one with --region")
        region = in_file[0]
    code = region.upper() if resolve is None else resolve(region)
    rows = regions == region.upper()
    if resolve is not None:
        stored = {r: _stored_region(r, resolve) for r in in_file}
        rows |= regions.map(stored) == code
    if not rows.any():
        named = repr(region) if code == region.upper() else f"{region!r} ({code})"
        raise LoaderError(f"{path}: no priorities of region {named}; the file has "
                          f"{', '.join(in_file)}")
    out = pd.DataFrame({"priority": require_codes(frame, "priority", path=path),
                        "activity": _known_codes(frame, "activity", known, prefix, path=path)})
    return out[rows.to_numpy()].drop_duplicates().reset_index(drop=True), code


def _stored_region(text: str, resolve: Callable[[str], str]) -> str | None:
    """The stored code of a region of a file, or None when the store does not know it."""
    try:
        return resolve(text)
    except WorkflowError:
        return None


# -- the relatedness network ---------------------------------------------------------------------

def network(store, space: ActivitySpace, year: int, min_proximity: float
            ) -> tuple[pd.DataFrame, str]:
    """The relatedness network of ``year``: the stored PROXIMITY pairs of the space's
    activities (the product-space method 'conditional' when several are stored), else the
    proximities computed from the data, kept when phi >= ``min_proximity`` or in the backbone
    (as ``compute relatedness`` writes them). Returns the pairs and where they came from."""
    stored = store.read_relationships("PROXIMITY", start=space.label, end=space.label,
                                      properties=["year", "phi", "method"],
                                      where={"year": [int(year)]})
    acts = set(space.data["activity"])
    if not stored.empty:
        stored = stored[stored["start"].isin(acts) & stored["end"].isin(acts)]
    if not stored.empty:
        methods = sorted(pd.unique(stored["method"].astype(str)))
        method = "conditional" if "conditional" in methods else methods[0]
        chosen = stored[stored["method"] == method]
        pairs = pd.DataFrame({"activity_a": chosen["start"].astype(str).to_numpy(),
                              "activity_b": chosen["end"].astype(str).to_numpy(),
                              "proximity": chosen["phi"].astype(float).to_numpy()})
        return pairs, f"stored PROXIMITY ({method}, {year})"
    keep = computed_network(space.measures()["proximity"], year, min_proximity)
    return keep, f"proximity computed from the data (phi >= {min_proximity:g} or backbone, {year})"


# -- segments ------------------------------------------------------------------------------------

def run_segments(store, space: ActivitySpace, *, year: int, definitions: Path | None = None,
                 algorithm: str = "leiden", resolution: float = 1.0, runs: int = 10,
                 seed: int = 0, min_proximity: float,
                 label_size: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Segments of the space in ``year``: ``members`` (activity, segment, size, centrality),
    ``labels`` (segment, label, size) and the parameters that made them."""
    edges, source = network(store, space, year, min_proximity)
    if definitions is not None:
        given = read_definitions(definitions, pd.Index(pd.unique(space.data["activity"])),
                                 space.prefix)
        members = seg.segment_centrality(given[["activity", "segment"]], edges)
        params: dict[str, Any] = {"method": "given", "definitions": str(definitions)}
    else:
        members = seg.segments(edges, algorithm=algorithm, resolution=resolution, runs=runs,
                               seed=seed, nodes=pd.unique(space.data["activity"]).tolist())
        params = {"method": algorithm, **{k: members.attrs[k] for k in (
            "resolution", "runs", "seed", "consensus", "rounds", "agreement", "modularity")}}
    params.update(network=source, year=int(year), pairs=int(len(edges)),
                  classification=space.classification)
    labels = seg.segment_labels(members, space.activity_names, top=label_size)
    if definitions is not None and "label" in given.columns:
        own = given.dropna(subset=["label"]).drop_duplicates("segment").set_index("segment")
        own = own["label"][own["label"] != ""]
        labels["label"] = labels["segment"].map(own).fillna(labels["label"])
    return members, labels, params


def _segment_ids(label: str, method: str, year: int, segments: pd.Series) -> pd.Series:
    """``Product:leiden:2017:0``; ``Product:given:<cluster>`` for user-given definitions."""
    if method == "given":
        return f"{label}:given:" + segments.astype(str)
    return f"{label}:{method}:{year}:" + segments.astype(str)


def write_segments(store, label: str, members: pd.DataFrame, labels: pd.DataFrame,
                   params: dict[str, Any]) -> int:
    """Write the segments as ``(:label)-[:IN_SEGMENT {centrality}]->(:Segment)``, replacing
    the segments of the same activity label, method and year (method 'given': of every year):
    the new ones are written first, then the stale memberships and segments are deleted."""
    store.create_schema()
    method, year = params["method"], int(params["year"])
    nodes = pd.DataFrame({
        "id": _segment_ids(label, method, year, labels["segment"]).to_numpy(),
        "segment": labels["segment"].astype(str).to_numpy(),
        "method": method,
        "label": labels["label"].astype(str).to_numpy(),
        "activity_label": label,
        "size": labels["size"].astype("int64").to_numpy(),
        "parameters": json.dumps(params, sort_keys=True, default=str),
    })
    if method != "given":
        nodes["year"] = year
    store.upsert_nodes("Segment", nodes)
    rels = pd.DataFrame({"start": members["activity"].astype(str).to_numpy(),
                         "end": _segment_ids(label, method, year, members["segment"]).to_numpy(),
                         "centrality": members["centrality"].astype(float).to_numpy()})
    store.upsert_relationships("IN_SEGMENT", rels, start=label, end="Segment")
    same = ("s.activity_label = $label AND s.method = $method"
            + ("" if method == "given" else " AND s.year = $year"))
    p = {"label": label, "method": method, "year": year}
    stored = store.run(f"MATCH (a:{label})-[:IN_SEGMENT]->(s:Segment) WHERE {same} "
                       "RETURN a.code AS start, s.id AS end", p)
    if not stored.empty:
        both = stored.merge(rels[["start", "end"]], on=["start", "end"], how="left",
                            indicator=True)
        stale = both[both["_merge"] == "left_only"]
        if len(stale):
            store.run(f"UNWIND $rows AS row MATCH (a:{label} {{code: row.a}})-[r:IN_SEGMENT]->"
                      "(s:Segment {id: row.s}) DELETE r",
                      {"rows": [{"a": a, "s": s} for a, s in zip(stale["start"], stale["end"],
                                                                   strict=True)]}, write=True)
    store.run(f"MATCH (s:Segment) WHERE {same} AND NOT s.id IN $ids DETACH DELETE s",
              {**p, "ids": nodes["id"].tolist()}, write=True)
    return len(nodes)


def region_profile(space: ActivitySpace, members: pd.DataFrame, labels: pd.DataFrame,
                   region: str, year: int, since: int | None) -> pd.DataFrame:
    """The cluster profile of ``region`` in ``year`` with names."""
    density = space.measures()["density"]
    table = seg.cluster_profile(space.data, members[["activity", "segment"]], since=since,
                                density=density)
    table = table[(table["region"] == region) & (table["year"] == year)]
    table = table.merge(labels[["segment", "label"]], on="segment", how="left")
    table = space.with_names(table, "region", kind="region")
    table = space.with_names(table, "best_opportunity")
    return table[[c for c in PROFILE_COLUMNS if c in table.columns]].reset_index(drop=True)


# -- clusters of a region ---------------------------------------------------------------------

def cluster_sets(store, space: ActivitySpace, clusters: str, region: str, year: int,
                  members: pd.DataFrame | None, labels: pd.DataFrame | None,
                  min_lq: float) -> tuple[pd.DataFrame, pd.Series]:
    """``cluster, activity`` of the region's clusters and their names."""
    if clusters == "organisations":
        found = store.run(
            f"MATCH (c:Cluster)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..5]->(:Region {{code: $r}}) "
            f"MATCH (c)-[:SPECIALISES_IN]->(a:{space.label}) "
            "RETURN DISTINCT c.id AS cluster, "
            "CASE WHEN c.name = labels(c)[0] + '_' + toString(c.id) THEN null ELSE c.name END "
            "AS name, a.code AS activity ORDER BY cluster, activity", {"r": region})
        if found.empty:
            raise ValidationError(
                f"no cluster located in {region} specialises in {space.label.lower()} codes; "
                "load them with smartspec load clusters (region and specialisation columns)")
        names = found.dropna(subset=["name"]).drop_duplicates("cluster")
        return (found[["cluster", "activity"]],
                pd.Series(names["name"].to_numpy(), index=names["cluster"].to_numpy()))
    table = seg.cluster_profile(space.data, members[["activity", "segment"]], year=year)
    mine = table[(table["region"] == region) & (table["lq"] >= min_lq)]
    if mine.empty:
        raise ValidationError(f"{region} has no segment with LQ >= {min_lq:g} in {year}")
    chosen = members[members["segment"].isin(set(mine["segment"]))]
    names = labels.set_index("segment")["label"]
    names = names.reindex(pd.unique(chosen["segment"]))
    return (chosen.rename(columns={"segment": "cluster"})[["cluster", "activity"]],
            pd.Series(names.to_numpy(), index=names.index.astype(str)))


def organisation_clusters(store, space: ActivitySpace, region: str | None) -> tuple[
        pd.DataFrame, pd.DataFrame, pd.Series]:
    """Cluster organisations (located in ``region`` when given): their activity profiles
    (SPECIALISES_IN), members (MEMBER_OF) and names."""
    where = ("MATCH (c)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..5]->(:Region {code: $r}) "
             if region else "")
    found = store.run(
        f"MATCH (c:Cluster)-[:SPECIALISES_IN]->(a:{space.label}) {where}"
        "RETURN DISTINCT c.id AS cluster, "
        "CASE WHEN c.name = labels(c)[0] + '_' + toString(c.id) THEN null ELSE c.name END "
        "AS name, a.code AS activity ORDER BY cluster, activity", {"r": region})
    if found.empty:
        raise ValidationError(
            f"no cluster{f' located in {region}' if region else ''} specialises in "
            f"{space.label.lower()} codes; load them with smartspec load clusters (region and "
            "specialisation columns)")
    members = store.run("MATCH (o:Organisation)-[:MEMBER_OF]->(c:Cluster) WHERE c.id IN $ids "
                        "RETURN o.id AS organisation, c.id AS cluster ORDER BY cluster, "
                        "organisation", {"ids": sorted(set(found["cluster"]))})
    names = found.dropna(subset=["name"]).drop_duplicates("cluster")
    return (found[["cluster", "activity"]], members,
            pd.Series(names["name"].to_numpy(), index=names["cluster"].astype(str).to_numpy()))




# -- segment profiles of an activity space (report) ---------------------------------------------

def computed_network(proximity: pd.DataFrame, year: int, min_proximity: float,
                     backbone_threshold: float = 0.55) -> pd.DataFrame:
    """The relatedness network ``compute relatedness`` writes: pairs of ``year`` with phi >=
    ``min_proximity`` or in the backbone (maximum spanning tree + phi >= ``backbone_threshold``)."""
    prox = proximity[proximity["year"] == year] if "year" in proximity.columns else proximity
    bb = backbone(prox, threshold=backbone_threshold)
    key = ["activity_a", "activity_b"]
    prox = prox.merge(bb[key].assign(_bb=True), on=key, how="left")
    keep = prox[(prox["proximity"] >= min_proximity) | prox["_bb"].eq(True)]
    return keep[[*key, "proximity"]].reset_index(drop=True)


def region_segment_profile(data: pd.DataFrame, proximity: pd.DataFrame, region: str, year: int,
                           *, min_proximity: float, names: pd.Series | dict | None = None,
                           resolution: float = 1.0,
                           runs: int = 10, seed: int = 0, label_size: int = 3,
                           since: int | None = None, density: pd.DataFrame | None = None,
                           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Segments of an activity space in ``year`` and ``region``'s profile over them.

    ``data`` is the space's long table (``region, activity, year, value``) and ``proximity``
    its pairs (``activity_a, activity_b, year, proximity``); the network and the segments are
    the ones ``smartspec compute segments`` finds with the same parameters. Returns the
    ``members`` (activity, segment, size, centrality), the ``labels`` (segment, label, size)
    and the region's profile (:func:`smartspec.algorithms.segments.cluster_profile`, with the
    label).
    """
    edges = computed_network(proximity, year, min_proximity)
    acts = pd.unique(data.loc[data["year"] == year, "activity"]).tolist()
    members = seg.segments(edges, resolution=resolution, runs=runs, seed=seed, nodes=acts)
    labels = seg.segment_labels(members, names, top=label_size)
    table = seg.cluster_profile(data, members[["activity", "segment"]], since=since,
                                density=density)
    table = table[(table["region"] == region) & (table["year"] == year)]
    table = table.merge(labels[["segment", "label"]], on="segment", how="left")
    table.attrs.update(members.attrs)
    return members, labels, table.reset_index(drop=True)


# -- the commands: segments, alignment, intercluster --------------------------------------------

#: What a cluster is (``--clusters``): the region's specialised segments, cluster organisations
#: (``load clusters``), or with ``activity="topic"`` the region's organisations grouped by main
#: topic.
CLUSTER_KINDS = ("segments", "organisations", "topics")
#: The tables :func:`alignment` returns.
ALIGNMENT_TABLES = ("priorities", "clusters", "matrix")
#: The activities of the alignment and intercluster workflows: an activity space, or the topics
#: of organisations' projects.
CLUSTER_ACTIVITIES = (*ACTIVITIES, "topic")


def _check_activity(activity: str, allowed: tuple[str, ...]) -> str:
    """The node label of ``activity``, one of ``allowed``."""
    if activity not in allowed:
        raise WorkflowError(f"unknown activity {activity!r}; choose one of {', '.join(allowed)}")
    return activity_label(activity)


def segments(
    store,
    *,
    activity: str = "product",
    classification: str | None = None,
    year: int | None = None,
    algorithm: str = "leiden",
    resolution: float = 1.0,
    runs: int = 10,
    seed: int = 0,
    min_proximity: float = DEFAULT_MIN_PROXIMITY,
    definitions: str | Path | None = None,
    label_size: int = 3,
    region: str | None = None,
    since: int | None = None,
    write: bool = True,
    say: Say = silent,
) -> pd.DataFrame:
    """Segments of an activity space in ``year`` (default the latest), written to the graph
    unless ``write=False``; the table ``smartspec compute segments`` prints.

    The relatedness network of the year (:func:`network`) is split into communities by
    ``algorithm`` (Leiden or Louvain) at ``resolution``, made stable by consensus over ``runs``
    seeds from ``seed``, each labelled by its ``label_size`` most central activities
    (:func:`run_segments`); ``definitions`` (a CSV ``activity, cluster[, label]``) gives them
    instead. Written as ``(:Product)-[:IN_SEGMENT {centrality}]->(:Segment)``
    (:func:`write_segments`).

    Without ``region``: the definitions (:data:`DEFINITION_COLUMNS`). With ``region`` (code or
    name): its cluster profile (:func:`region_profile`, :data:`PROFILE_COLUMNS`), compared with
    the year ``since`` when given. ``attrs``: year, region, segments (their number),
    parameters (what made them) and written (segments written, or None).

    >>> import smartspec
    >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
    >>> _ = g.load_trade(trade_csv, year=2017, classification="HS92")
    >>> g.segments()[["segment", "activity", "activity_name", "centrality"]]
       segment activity                  activity_name  centrality
    0        0     0101                         Horses         0.5
    1        0     8703                           Cars         0.5
    2        1     3004          Medicaments, packaged         0.5
    3        1     8802  Other aircraft and spacecraft         0.5
    >>> profile = g.segments(region="DEU", write=False)
    >>> profile[["segment", "activities", "share", "lq", "best_opportunity"]].round(3)
       segment  activities  share     lq best_opportunity
    0        1           2    0.6  2.323              NaN
    1        0           2    0.4  0.539             8703
    >>> g.close()
    """
    label = _check_activity(activity, ACTIVITIES)
    space = load_space(store, activity=label, classification=classification, year=year)
    year = space.year_or_latest(year)
    code = space.region(region, year) if region else None
    if since is not None:
        if code is None:
            raise WorkflowError("--since needs --region")
        space.year_or_latest(since)
    members, labels, params = run_segments(
        store, space, year=year, definitions=None if definitions is None else Path(definitions),
        algorithm=algorithm, resolution=resolution, runs=runs, seed=seed,
        min_proximity=min_proximity, label_size=label_size)
    written = None
    if write:
        written = write_segments(store, label, members, labels, params)
        say(f"wrote {written:,} segments of {len(members):,} {label.lower()} nodes "
            f"(method {params['method']}, {year}) to the graph")
    say(f"{len(labels):,} segments from the {params['network']}; "
        + (f"modularity {params['modularity']:.3f}" if "modularity" in params
           else "given definitions"))
    if code is None:
        frame = members.merge(labels[["segment", "label"]], on="segment")
        frame = space.with_names(frame, "activity")[DEFINITION_COLUMNS]
    else:
        frame = region_profile(space, members, labels, code, year, since)
    frame.attrs = {"year": int(year), "region": code, "segments": len(labels),
                   "parameters": params, "written": written}
    return frame


def _cluster_kind(kind: str | None, label: str, default: str) -> str:
    """The cluster kind, checked against the activity (``topics`` only with topics, no
    segments of topics)."""
    if kind is None:
        return "topics" if label == "Topic" else default
    if kind not in CLUSTER_KINDS:
        raise WorkflowError(f"unknown clusters {kind!r}; choose one of {', '.join(CLUSTER_KINDS)}")
    if label == "Topic" and kind == "segments":
        raise WorkflowError("--activity topic takes --clusters topics (organisations of --region "
                            "grouped by main topic) or organisations (loaded clusters)")
    if label != "Topic" and kind == "topics":
        raise WorkflowError("--clusters topics needs --activity topic")
    return kind


def _no_topic_options(year: int | None, definitions: object, classification: str | None) -> None:
    """Refuse the options of activity spaces that mean nothing for topics."""
    for name, value in (("year", year), ("definitions", definitions),
                        ("classification", classification)):
        if value is not None:
            raise WorkflowError(f"--{name} does not apply to --activity topic (the topic space "
                                "has no years, classifications or segment definitions)")


def _located(regions: pd.Series) -> Callable[[str], str]:
    """Text (a code or name) -> the region as stored among ``regions`` (the organisations'
    locations, :func:`located_regions`), as
    :func:`~smartspec.workflows.space.resolve_region` finds it (close ones suggested when
    unknown)."""
    return lambda text: resolve_region(text, regions.index.tolist(), regions,
                                       where="the organisations' locations")


def _topic_clusters(store, space: TopicSpace, kind: str, code: str | None, name: str,
                    min_members: int, save: Path | None, say: Say) -> TopicClusters:
    """Topic clusters of ``code`` (main-topic groups or loaded clusters), each told in a line
    and, with ``save``, written as a ``load clusters`` membership file."""
    if kind == "topics":
        if code is None:
            raise WorkflowError("--clusters topics needs --region (a city, NUTS region or "
                                "country)")
        found = topic_clusters(store, space, code, min_members=min_members, region_name=name)
    else:
        found = member_topic_clusters(store, space, code)
    for row in found.table.itertuples(index=False):
        say(f"  {row.cluster} {row.cluster_name} ({row.members} organisations): {row.profile}")
    if save is not None:
        save = Path(save)
        orgs = results.insert_names(found.members, "organisation",
                                    results.read_names(store, "Organisation",
                                                       found.members["organisation"]))
        orgs = results.insert_names(orgs, "cluster", found.names)
        orgs = orgs[["organisation", "cluster", "cluster_name", "organisation_name"]]
        save.parent.mkdir(parents=True, exist_ok=True)
        orgs.to_csv(save, index=False)
        say(f"wrote the {len(orgs):,} memberships to {save} (smartspec load clusters reads it)")
    return found


@dataclass
class _ClusterSpace:
    """The activity space :func:`run_alignment` and :func:`run_intercluster` compare clusters
    over: a loaded space of products, technologies, ... (``acts``, with its ``year``) or the
    topic space (``topics``, regions resolved among the organisations' locations)."""

    store: Any
    acts: Space | None = None
    topics: TopicSpace | None = None
    year: int | None = None

    @cached_property
    def located(self) -> pd.Series:
        """The organisations' locations (:func:`located_regions`), read once when needed."""
        return located_regions(self.store)

    @property
    def known(self) -> pd.Index:
        """The space's activity codes."""
        if self.topics is not None:
            return self.topics.activities
        return pd.Index(pd.unique(self.acts.data["activity"]))

    @property
    def prefix(self) -> str:
        return "" if self.topics is not None else self.acts.prefix

    def resolve(self, text: str) -> str:
        """A region (a code or name) as stored: among the organisations' locations for topics,
        in the space's data otherwise."""
        if self.topics is not None:
            return _located(self.located)(text)
        return self.acts.region(text)


def _cluster_space(store, label: str, *, classification: str | None, year: int | None,
                   definitions: object) -> _ClusterSpace:
    """The topic space (refusing the options of other spaces) or the loaded space of ``label``
    with its year (``year`` or the latest)."""
    if label == "Topic":
        _no_topic_options(year, definitions, classification)
        return _ClusterSpace(store, topics=topic_space(store))
    acts = load_space(store, activity=label, classification=classification, year=year)
    return _ClusterSpace(store, acts=acts, year=acts.year_or_latest(year))


@dataclass
class _RegionClusters:
    """Clusters and the relatedness they are compared on (:func:`_region_clusters`)."""

    #: ``cluster, activity``
    profiles: pd.DataFrame
    #: cluster id -> name
    names: pd.Series
    #: ``organisation, cluster`` (None for segments, and for loaded clusters of products etc.
    #: unless asked for)
    members: pd.DataFrame | None
    #: ``activity_a, activity_b, proximity``
    edges: pd.DataFrame
    #: where the relatedness came from
    source: str


def _region_clusters(store, space: _ClusterSpace, kind: str, code: str | None, *,
                     organisation_members: bool, min_lq: float, min_members: int,
                     save_clusters: str | Path | None, algorithm: str, resolution: float,
                     runs: int, seed: int, min_proximity: float,
                     definitions: str | Path | None, label_size: int,
                     say: Say) -> _RegionClusters:
    """The clusters of ``kind`` in the region ``code`` (as stored; None: everywhere, where the
    kind allows it) and the relatedness network of the space: topic clusters
    (:func:`_topic_clusters`), loaded cluster organisations (with their members when
    ``organisation_members``, :func:`organisation_clusters`; else :func:`cluster_sets`) or the
    region's segments with LQ >= ``min_lq`` (:func:`run_segments`, :func:`cluster_sets`)."""
    if space.topics is not None:
        place = str(space.located.get(code, "")) if code is not None else ""
        found = _topic_clusters(store, space.topics, kind, code, place, min_members,
                                None if save_clusters is None else Path(save_clusters), say)
        return _RegionClusters(found.profiles, found.names, found.members,
                               space.topics.proximity, space.topics.source)
    acts, year = space.acts, space.year
    edges, source = network(store, acts, year, min_proximity)
    if kind == "organisations":
        if organisation_members:
            profiles, members, names = organisation_clusters(store, acts, code)
            return _RegionClusters(profiles, names, members, edges, source)
        profiles, names = cluster_sets(store, acts, kind, code, year, None, None, min_lq)
        return _RegionClusters(profiles, names, None, edges, source)
    if code is None:
        raise WorkflowError("--clusters segments needs --region")
    seg_members, labels, _ = run_segments(
        store, acts, year=year, definitions=None if definitions is None else Path(definitions),
        algorithm=algorithm, resolution=resolution, runs=runs, seed=seed,
        min_proximity=min_proximity, label_size=label_size)
    profiles, names = cluster_sets(store, acts, "segments", code, year, seg_members, labels,
                                   min_lq)
    return _RegionClusters(profiles, names, None, edges, source)


@dataclass
class Alignment:
    """A region's clusters matched with its priorities (:func:`run_alignment`)."""

    #: one row per priority: priority, best_cluster, best_cluster_name, relatedness, served
    priorities: pd.DataFrame
    #: one row per cluster: cluster, cluster_name, best_priority, relatedness, matched
    clusters: pd.DataFrame
    #: every pair: cluster, cluster_name, priority, relatedness (both ways and their mean),
    #: shared, match
    matrix: pd.DataFrame
    #: cluster id -> name
    names: pd.Series
    #: what a cluster is (:data:`CLUSTER_KINDS`)
    kind: str
    #: ``<region> <year>`` (the region alone for topics)
    when: str
    #: where the relatedness came from
    source: str
    threshold: float

    @property
    def unserved(self) -> list:
        """The priorities no cluster serves."""
        return self.priorities.loc[~self.priorities["served"], "priority"].tolist()

    @property
    def unmatched(self) -> list:
        """The clusters matching no priority."""
        return self.clusters.loc[~self.clusters["matched"], "cluster"].tolist()

    @property
    def title(self) -> str:
        """The heatmap's title."""
        return f"{self.when}: clusters and priorities"

    def table(self, name: str) -> pd.DataFrame:
        """One of :data:`ALIGNMENT_TABLES` by name."""
        if name not in ALIGNMENT_TABLES:
            raise WorkflowError(f"unknown table {name!r}; choose one of "
                                f"{', '.join(ALIGNMENT_TABLES)}")
        return getattr(self, name)


def run_alignment(
    store,
    priorities: str | Path,
    *,
    region: str | None = None,
    clusters: str | None = None,
    min_lq: float = 1.0,
    threshold: float = 0.5,
    min_members: int = 5,
    save_clusters: str | Path | None = None,
    activity: str = "product",
    classification: str | None = None,
    year: int | None = None,
    algorithm: str = "leiden",
    resolution: float = 1.0,
    runs: int = 10,
    seed: int = 0,
    min_proximity: float = DEFAULT_MIN_PROXIMITY,
    definitions: str | Path | None = None,
    label_size: int = 3,
    say: Say = silent,
) -> Alignment:
    """:func:`alignment` with every table, the cluster names and what the command tells (the
    heatmap of ``smartspec compute alignment --figure`` is drawn from it)."""
    label = _check_activity(activity, CLUSTER_ACTIVITIES)
    kind = _cluster_kind(clusters, label, "segments")
    space = _cluster_space(store, label, classification=classification, year=year,
                           definitions=definitions)
    prio, code = read_priorities(Path(priorities), space.known, space.prefix, region,
                                 space.resolve)
    chosen = _region_clusters(
        store, space, kind, code, organisation_members=False, min_lq=min_lq,
        min_members=min_members, save_clusters=save_clusters, algorithm=algorithm,
        resolution=resolution, runs=runs, seed=seed, min_proximity=min_proximity,
        definitions=definitions, label_size=label_size, say=say)
    sets, names, edges, source = chosen.profiles, chosen.names, chosen.edges, chosen.source
    when = code if space.topics is not None else f"{code} {space.year}"
    out = seg.alignment(sets, prio, edges, threshold=threshold)
    named = names.astype(object)
    tables = {t: results.insert_names(out[t], column, named, name_column=f"{column}_name")
              for t, column in (("priorities", "best_cluster"), ("clusters", "cluster"),
                                ("matrix", "cluster"))}
    found = Alignment(tables["priorities"], tables["clusters"], tables["matrix"], names, kind,
                      when, source, threshold)
    say(f"{when}: {found.clusters.shape[0]} clusters ({kind}), "
        f"{found.priorities.shape[0]} priorities; relatedness on the {source}")
    say(f"priorities no cluster serves: {', '.join(map(str, found.unserved)) or 'none'}")
    say(f"clusters matching no priority: {', '.join(map(str, found.unmatched)) or 'none'}")
    return found


def alignment(
    store,
    priorities: str | Path,
    *,
    region: str | None = None,
    clusters: str | None = None,
    min_lq: float = 1.0,
    threshold: float = 0.5,
    table: str = "priorities",
    min_members: int = 5,
    save_clusters: str | Path | None = None,
    activity: str = "product",
    classification: str | None = None,
    year: int | None = None,
    algorithm: str = "leiden",
    resolution: float = 1.0,
    runs: int = 10,
    seed: int = 0,
    min_proximity: float = DEFAULT_MIN_PROXIMITY,
    definitions: str | Path | None = None,
    label_size: int = 3,
    say: Say = silent,
) -> pd.DataFrame:
    """Alignment of a region's clusters with its smart-specialisation (RIS3) priorities; the
    table ``smartspec compute alignment`` prints.

    ``priorities``: a CSV ``region, priority, activity`` (the rows of ``region``, a code or
    name, or of the one region the file names; :func:`read_priorities`). ``clusters``:
    ``segments`` (the region's segments with LQ >= ``min_lq``, found as :func:`segments` finds
    them with the same parameters, or ``definitions``; the default), ``organisations``
    (cluster organisations located in the region, ``load clusters``) or, with
    ``activity="topic"``, ``topics`` (the organisations located in the region grouped by main
    topic, clusters of at least ``min_members``; the default there). Relatedness of a cluster
    and a priority is the best-match average over the relatedness network of ``year``
    (:func:`smartspec.algorithms.segments.alignment`); they match at ``threshold`` or above.
    ``save_clusters``: write topic clusters' memberships as a ``load clusters`` file.

    ``table``: ``priorities`` (best cluster per priority, ``served``), ``clusters`` (best
    priority per cluster, ``matched``) or ``matrix`` (every pair); the gaps come first.
    ``attrs``: when (region and year), clusters (the kind), source (of the relatedness),
    threshold, unserved and unmatched.
    """
    if table not in ALIGNMENT_TABLES:
        raise WorkflowError(f"unknown table {table!r}; choose one of "
                            f"{', '.join(ALIGNMENT_TABLES)}")
    found = run_alignment(
        store, priorities, region=region, clusters=clusters, min_lq=min_lq, threshold=threshold,
        min_members=min_members, save_clusters=save_clusters, activity=activity,
        classification=classification, year=year, algorithm=algorithm, resolution=resolution,
        runs=runs, seed=seed, min_proximity=min_proximity, definitions=definitions,
        label_size=label_size, say=say)
    frame = found.table(table).copy()
    frame.attrs = {"when": found.when, "clusters": found.kind, "source": found.source,
                   "threshold": threshold, "unserved": found.unserved,
                   "unmatched": found.unmatched}
    return frame


def _starter_names(starters: pd.Series, names: pd.Series) -> list[str]:
    """``o1~o2 (k)`` as ``name 1 ~ name 2`` ('' where neither has a name)."""
    out = []
    for text in starters.astype(str):
        pair = text.rsplit(" (", 1)[0].split("~") if text else []
        named = [str(names.get(o, "")) for o in pair]
        out.append(" ~ ".join(n or o for n, o in zip(named, pair, strict=True))
                   if any(named) else "")
    return out


@dataclass
class ClusterPairs:
    """Pairs of clusters by cooperation opportunity (:func:`run_intercluster`)."""

    #: every pair, highest opportunity first, with cluster_a_name, cluster_b_name and
    #: starters_names
    pairs: pd.DataFrame
    #: the first ``top`` pairs (all with ``top`` 0): the table the command prints
    table: pd.DataFrame
    #: cluster id -> name
    names: pd.Series
    #: what a cluster is (:data:`CLUSTER_KINDS`)
    kind: str
    #: the region the clusters are located in (None: everywhere)
    region: str | None
    #: where the relatedness came from
    source: str

    @property
    def title(self) -> str:
        """The cluster network's title."""
        where = f" of {self.region}" if self.region else ""
        return f"Clusters{where}: relatedness and cooperation"


def run_intercluster(
    store,
    *,
    clusters: str | None = None,
    region: str | None = None,
    min_lq: float = 1.0,
    links: int = 3,
    top: int = 0,
    min_members: int = 5,
    save_clusters: str | Path | None = None,
    activity: str = "product",
    classification: str | None = None,
    year: int | None = None,
    algorithm: str = "leiden",
    resolution: float = 1.0,
    runs: int = 10,
    seed: int = 0,
    min_proximity: float = DEFAULT_MIN_PROXIMITY,
    definitions: str | Path | None = None,
    label_size: int = 3,
    say: Say = silent,
) -> ClusterPairs:
    """:func:`intercluster` with every pair and the cluster names (the cluster network of
    ``smartspec compute intercluster --figure`` is drawn from them)."""
    label = _check_activity(activity, CLUSTER_ACTIVITIES)
    kind = _cluster_kind(clusters, label, "organisations")
    space = _cluster_space(store, label, classification=classification, year=year,
                           definitions=definitions)
    if space.topics is not None:
        code = None if region is None else space.resolve(region)
    elif region and kind == "segments":
        code = space.resolve(region)
    else:  # loaded clusters: the region among their locations (a NUTS region, a country)
        located = located_regions(store, "Cluster") if region else pd.Series(dtype=object)
        code = _located(located)(region) if len(located) else region
    found = _region_clusters(
        store, space, kind, code, organisation_members=True, min_lq=min_lq,
        min_members=min_members, save_clusters=save_clusters, algorithm=algorithm,
        resolution=resolution, runs=runs, seed=seed, min_proximity=min_proximity,
        definitions=definitions, label_size=label_size, say=say)
    profiles, members, names = found.profiles, found.members, found.names
    edges, source = found.edges, found.source
    ties = None if members is None else member_ties(store, members["organisation"].tolist())
    if profiles["cluster"].nunique() < 2:
        raise WorkflowError("fewer than two clusters: no pair to compare")
    pairs = seg.intercluster(profiles, edges, members=members, ties=ties, links=links)
    org_names = pd.Series(dtype=object)
    if members is not None and len(members):
        starters = [p for t in pairs["starters"] if t for p in t.rsplit(" (", 1)[0].split("~")]
        if starters:
            org_names = results.read_names(store, "Organisation", starters)
    say(f"{profiles['cluster'].nunique()} clusters ({kind}), {len(pairs):,} pairs; "
        f"relatedness on the {source}")
    pairs = pairs.assign(starters_names=_starter_names(pairs["starters"], org_names))
    named = names.astype(object)
    pairs = results.insert_names(pairs, "cluster_a", named, name_column="cluster_a_name")
    pairs = results.insert_names(pairs, "cluster_b", named, name_column="cluster_b_name")
    table = pairs.head(top) if top else pairs
    return ClusterPairs(pairs, table, names, kind, code, source)


def intercluster(
    store,
    *,
    clusters: str | None = None,
    region: str | None = None,
    min_lq: float = 1.0,
    links: int = 3,
    top: int = 0,
    min_members: int = 5,
    save_clusters: str | Path | None = None,
    activity: str = "product",
    classification: str | None = None,
    year: int | None = None,
    algorithm: str = "leiden",
    resolution: float = 1.0,
    runs: int = 10,
    seed: int = 0,
    min_proximity: float = DEFAULT_MIN_PROXIMITY,
    definitions: str | Path | None = None,
    label_size: int = 3,
    say: Say = silent,
) -> pd.DataFrame:
    """Inter-cluster cooperation: related clusters whose members do not yet work together; the
    table ``smartspec compute intercluster`` prints.

    ``clusters``: ``organisations`` (cluster organisations, ``load clusters``, located in
    ``region`` when given; the default), ``segments`` (the segments of ``region`` with LQ >=
    ``min_lq``) or, with ``activity="topic"``, ``topics`` (the organisations of ``region``
    grouped by main topic; the default there, see :func:`alignment`). For every pair
    (:func:`smartspec.algorithms.segments.intercluster`): relatedness (best-match average of
    their activities), ties (member pairs that already collaborate), possible, cooperation =
    ties / possible and opportunity = relatedness x (1 - cooperation), highest first; links
    (the ``links`` most related activity pairs) and starters (the untied member pair with the
    most partners in common) with their names. ``top``: rows kept (0: all). ``attrs``:
    clusters (the kind), region, source (of the relatedness) and pairs (their number).
    """
    found = run_intercluster(
        store, clusters=clusters, region=region, min_lq=min_lq, links=links, top=top,
        min_members=min_members, save_clusters=save_clusters, activity=activity,
        classification=classification, year=year, algorithm=algorithm, resolution=resolution,
        runs=runs, seed=seed, min_proximity=min_proximity, definitions=definitions,
        label_size=label_size, say=say)
    frame = found.table.copy()
    frame.attrs = {"clusters": found.kind, "region": found.region, "source": found.source,
                   "pairs": len(found.pairs)}
    return frame
