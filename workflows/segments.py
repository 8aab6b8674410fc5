"""Cluster policy on research and innovation data: topic spaces, clusters of organisations.

The activities of organisations in collaboration data are the topics (programme parts) of their
projects: ``(:Organisation)-[:ACTIVE_IN {weight}]->(:Topic)``, the number of an organisation's
projects in each. From them:

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

from dataclasses import dataclass, field

import pandas as pd

from ..algorithms import segments as seg
from ..algorithms._validation import ValidationError, check_int
from ..algorithms.projection import backbone
from ..algorithms.relatedness import proximity as proximity_pairs
from ..graph_models import results

__all__ = [
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


def located_regions(store) -> pd.Series:
    """Regions with located organisations (their own or through ``PART_OF``): code -> name
    ('' without a name)."""
    found = store.run(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..5]->(r:Region) "
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
                           *, names: pd.Series | dict | None = None,
                           min_proximity: float = 0.3, resolution: float = 1.0,
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
