"""The data of a partner report for one organisation or a cluster (``smartspec report
--organisation|--cluster``): current partners by country, the local-buzz / global-pipeline profile
over time, the ego network's strongest ties, and the recommended partners with their reasons.

Everything is computed from the recommender's tables
(:class:`~smartspec.workflows.partner_data.PartnerData`) with the existing measures: the list and
its evidence are :func:`smartspec.workflows.partners.recommend`'s (the method ``smartspec recommend
partners`` uses by default, or the one given); the profile comes from
:func:`~smartspec.algorithms.collaboration.member_ties`,
:func:`~smartspec.algorithms.collaboration.tie_geography`,
:func:`~smartspec.algorithms.collaboration.global_pipelines` and
:func:`~smartspec.algorithms.collaboration.local_buzz`. The locality is the city
(or NUTS 3 region) where the store places organisations there (:func:`read_localities`): a tie is
local when the partner is in the member's city, national when in its country but not shown to be
in its city (a partner located only by country is never local), international when abroad;
without cities, the locality is the country.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..algorithms import collaboration as collab
from ..algorithms import recommendation as rec
from ..loaders.countries import country_table
from . import partners as flows
from .partner_data import NO_NAME

__all__ = ["PartnerReport", "partner_report_data", "reasons_in_words", "learned_reasons",
           "country_names", "read_localities"]


def read_localities(store) -> pd.DataFrame:
    """``organisation, city``: the organisations the store places below the country level (a
    city or NUTS region, ``LOCATED_IN``), with that region's code."""
    table = store.read_table(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(r:Region) WHERE r.level <> 'country' "
        "RETURN o.id AS organisation, r.code AS city")
    if table.empty:
        return pd.DataFrame({"organisation": pd.Series(dtype=str), "city": pd.Series(dtype=str)})
    table["organisation"] = table["organisation"].astype(str)
    return table.drop_duplicates("organisation")


def country_names() -> dict[str, str]:
    """ISO 3166 alpha-3 -> English (common) name."""
    table = country_table()
    return dict(zip(table["alpha3"], table["name"], strict=True))


@dataclass
class PartnerReport:
    """What the page shows; every table carries names next to ids and codes."""

    kind: str  # "organisation" or "cluster"
    label: str
    focal: list[str]
    members: pd.DataFrame
    method: str
    weights: dict
    top: int
    until: int | None
    candidates: int
    note: str
    recommendations: pd.DataFrame
    evidence: pd.DataFrame
    partners: pd.DataFrame
    countries: pd.DataFrame
    profile: pd.DataFrame
    ego_nodes: pd.DataFrame
    ego_edges: pd.DataFrame
    ego_left_out: dict = field(default_factory=dict)
    source: str = ""
    locality: str = "country"
    #: distinct projects of the members (up to the index's year, undated ones included)
    projects: int = 0
    cluster_size: int | None = None

    @property
    def home(self) -> set[str]:
        """The members' countries."""
        return {c for c in self.members["country"] if isinstance(c, str)}


def _attributes(index: rec.PartnerIndex, pos: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"organisation": index.organisations[pos].astype(str),
                         "name": index.name[pos], "country": index.country[pos],
                         "type": index.type[pos]})


def _partners(index: rec.PartnerIndex, members: np.ndarray, years: pd.DataFrame):
    """Current partners of the members (those of the index: a joint project up to its year)."""
    joint = index.joint[members]
    total = np.asarray(joint.sum(axis=0)).ravel()
    with_members = np.asarray((joint > 0).sum(axis=0)).ravel()
    total[members] = 0
    pos = np.flatnonzero(total > 0)
    out = _attributes(index, pos)
    out["joint_projects"] = total[pos].astype("int64")
    out["members"] = with_members[pos].astype("int64")
    out["partners"] = index.degree[pos]
    out = out.merge(years, left_on="organisation", right_on="partner", how="left")
    out = out.drop(columns=["partner"])
    return out.sort_values(["joint_projects", "organisation"], ascending=[False, True],
                           ignore_index=True)


def _profile(mt: pd.DataFrame, ties: pd.DataFrame, actors: pd.DataFrame,
             membership: pd.DataFrame, projects_per_year: pd.Series, cluster: bool,
             locality: str):
    geo = collab.tie_geography(ties, actors, membership, locality=locality, member_table=mt)
    keep = ["year", "ties", "local_ties", "national_ties", "international_ties", "unknown_ties",
            "international_share", "ei_index", "partner_countries", "partner_country_diversity"]
    out = geo[[c for c in keep if c in geo.columns]].copy()
    if locality == "country":
        out = out.drop(columns=["national_ties"], errors="ignore")
    new = mt.groupby("year")["new"].mean().rename("new_partner_share")
    out = out.merge(new, left_on="year", right_index=True, how="left")
    if cluster:
        pipes = collab.global_pipelines(ties, actors, membership, locality=locality,
                                        member_table=mt)
        cols = ["year", "pipeline_actors", "international_ties_per_actor",
                "pipeline_actor_share", "pipeline_gini"]
        out = out.merge(pipes[[c for c in cols if c in pipes.columns]], on="year", how="left")
        buzz = collab.local_buzz(ties, actors, membership, locality=locality, member_table=mt)
        out = out.merge(buzz[["year", "actors", "internal_ties", "internal_density"]],
                        on="year", how="left")
    out.insert(1, "projects", out["year"].map(projects_per_year).fillna(0).astype("int64"))
    return out.sort_values("year", ignore_index=True)


def _ego(index: rec.PartnerIndex, members: np.ndarray, partners: pd.DataFrame, *,
         max_partners: int, max_members: int, max_partner_ties: int):
    """Nodes and edges of the ego network drawn in the report: the members (a cluster's most
    connected ones), their ``max_partners`` partners with most joint projects, every
    member-partner and member-member tie among them and the ``max_partner_ties`` strongest
    partner-partner ties; members left without any drawn tie (outlying components) are left
    out and counted."""
    import networkx as nx

    joint = index.joint
    shown_p = partners.head(max_partners)
    ppos = index.positions(shown_p["organisation"])
    sub = joint[members][:, ppos].toarray()
    order = np.argsort(-(sub.sum(axis=1) + np.asarray(joint[members][:, members].sum(axis=1))
                         .ravel()), kind="stable")
    mpos = members[order[:max_members]]
    nodes = np.concatenate([mpos, ppos])
    w = joint[nodes][:, nodes].toarray()
    nm = len(mpos)
    edges = []
    for i in range(len(nodes)):
        for j in range(i + 1, len(nodes)):
            if w[i, j] > 0:
                kind = ("member-member" if j < nm else "member-partner" if i < nm
                        else "partner-partner")
                edges.append((str(index.organisations[nodes[i]]),
                              str(index.organisations[nodes[j]]), int(w[i, j]), kind))
    edges = pd.DataFrame(edges, columns=["source", "target", "joint_projects", "kind"])
    edges["joint_projects"] = edges["joint_projects"].astype("int64")
    pp = edges[edges["kind"] == "partner-partner"].nlargest(max_partner_ties, "joint_projects",
                                                           keep="first")
    edges = pd.concat([edges[edges["kind"] != "partner-partner"], pp], ignore_index=True)
    g = nx.Graph()
    g.add_nodes_from(str(index.organisations[n]) for n in nodes)
    g.add_edges_from(zip(edges["source"], edges["target"], strict=True))
    comps = sorted(nx.connected_components(g), key=len, reverse=True)
    keep = set().union(*[c for c in comps if len(c) > 1]) if comps else set()
    if not keep and comps:
        keep = set(comps[0])
    node_table = _attributes(index, nodes)
    node_table["role"] = ["member"] * nm + ["partner"] * len(ppos)
    node_table["joint_projects"] = np.concatenate(
        [np.asarray(joint[mpos][:, ppos].sum(axis=1)).ravel(),
         shown_p["joint_projects"].to_numpy()]).astype("int64")
    dropped = node_table[~node_table["organisation"].isin(keep)]
    node_table = node_table[node_table["organisation"].isin(keep)].reset_index(drop=True)
    edges = edges[edges["source"].isin(keep) & edges["target"].isin(keep)]
    left_out = {"members_not_drawn": int(len(members) - nm + (dropped["role"] == "member").sum()),
                "partners_not_drawn": int(len(partners) - len(shown_p)
                                          + (dropped["role"] == "partner").sum()),
                "partner_ties_not_drawn": int((w[nm:, nm:] > 0).sum() // 2 - len(pp))}
    return node_table, edges.reset_index(drop=True), left_out


def _experience(row) -> str:
    """A candidate's experience in words: ``5 projects, 1 coordinated``."""
    n = int(row.projects)
    return f"{n:,} project{'s' if n != 1 else ''}, {int(row.coordinated):,} coordinated"


def reasons_in_words(table: pd.DataFrame, evidence: pd.DataFrame, *, cluster: bool,
                     names: dict[str, str] | None = None) -> dict[str, str]:
    """Each recommended organisation's evidence said in words: shared partners (with names),
    topics it works in like the focal, related topics it brings, the partner country or type it
    adds, its experience.

    >>> t = pd.DataFrame({"organisation": ["x"], "common_partners": [2], "projects": [5],
    ...                   "coordinated": [1], "basis": ["network+content"]})
    >>> ev = pd.DataFrame({"organisation": ["x", "x", "x"], "evidence": ["shared partner",
    ...     "shared topic", "new country"], "item": ["b", "LEIT", "JPN"], "name": ["B", None,
    ...     None], "value": [1.0, 0.5, 1.0], "detail": ["", "", ""]})
    >>> reasons_in_words(t, ev, cluster=False, names={"JPN": "Japan"})["x"].split("; ")
    ['2 shared partners (B, ...)', 'works in LEIT like you', 'adds a partner country: Japan',
     '5 projects, 1 coordinated']
    """
    names = names or {}
    you = "the cluster" if cluster else "you"
    out = {}
    for row in table.itertuples(index=False):
        ev = evidence[evidence["organisation"] == row.organisation]
        parts = []
        cp = int(row.common_partners)
        if cp:
            shared = ev.loc[ev["evidence"] == "shared partner", ["item", "name"]]
            named = shared["name"].map(lambda n: isinstance(n, str) and n != NO_NAME)
            # named partners first (a reader knows them), ids for the unnamed
            who = [n if ok else str(i) for (i, n), ok in
                   zip(shared.itertuples(index=False), named, strict=True) if ok][:3]
            who += [str(i) for (i, _), ok in zip(shared.itertuples(index=False), named,
                                                 strict=True) if not ok][: 3 - len(who)]
            more = ", ..." if cp > len(who) else ""
            parts.append(f"{cp:,} shared partner{'s' if cp != 1 else ''}"
                         + (f" ({', '.join(who)}{more})" if who else ""))
        topics = ev.loc[ev["evidence"] == "shared topic", "item"].astype(str).tolist()
        if topics:
            parts.append(f"works in {', '.join(topics)} like {you}")
        related = ev.loc[ev["evidence"] == "related topic", "item"].astype(str).tolist()
        if related:
            parts.append(f"brings related topic{'s' if len(related) > 1 else ''} "
                         f"{', '.join(related)}")
        for c in ev.loc[ev["evidence"] == "new country", "item"]:
            parts.append(f"adds a partner country: {names.get(c, c)}")
        for t in ev.loc[ev["evidence"] == "new type", "item"]:
            parts.append(f"adds a partner type: {t}")
        parts.append(_experience(row))
        if row.basis == "content only":
            parts.append("no shared partner: ranked on content only")
        out[row.organisation] = "; ".join(parts)
    return out


def learned_reasons(table: pd.DataFrame, evidence: pd.DataFrame) -> dict[str, str]:
    """The learned ranker's reasons (:func:`~smartspec.algorithms.link_prediction.explain_learned`:
    the strongest positive feature contributions in words), strongest first, then the
    candidate's experience.

    >>> t = pd.DataFrame({"organisation": ["x"], "projects": [5], "coordinated": [1]})
    >>> ev = pd.DataFrame({"organisation": ["x", "x", "x"], "reason": ["works in LEIT like you",
    ...     "", "2 shared partners: A, B"], "reason_contribution": [0.2, 0.0, 0.9]})
    >>> learned_reasons(t, ev)["x"]
    '2 shared partners: A, B; works in LEIT like you; 5 projects, 1 coordinated'
    """
    out = {}
    for row in table.itertuples(index=False):
        ev = evidence[(evidence["organisation"] == row.organisation) & (evidence["reason"] != "")]
        ev = ev.sort_values("reason_contribution", ascending=False, kind="stable")
        parts = ev["reason"].tolist()
        parts.append(_experience(row))
        out[row.organisation] = "; ".join(parts)
    return out


def partner_report_data(
    data,
    index: rec.PartnerIndex,
    focal: str | list[str],
    label: str,
    *,
    method: str = flows.DEFAULT_METHOD,
    top: int = 20,
    ego_partners: int = 20,
    ego_members: int = 12,
    ego_partner_ties: int = 30,
    cluster_size: int | None = None,
    localities: pd.DataFrame | None = None,
    cache_dir=None,
) -> PartnerReport:
    """Everything the partner report shows, for an organisation id or a cluster's member ids.

    ``data`` is a :class:`~smartspec.workflows.partner_data.PartnerData` (participations,
    topics, organisations); ``index`` the recommender's index built from it; ``label`` how the
    focal is named. The list is :func:`smartspec.workflows.partners.recommend` with ``method``
    and ``top`` (as ``smartspec recommend partners`` ranks it), with its evidence in words
    (:func:`learned_reasons` or :func:`reasons_in_words`). ``cache_dir`` is where the learned
    model is cached (default ``$SMARTSPEC_HOME/models``). ``localities``
    (:func:`read_localities`) makes the city the locality of the profile; without it (or
    when it places none of the members) the locality is the country.
    """
    cluster = not isinstance(focal, str)
    ids = [focal] if not cluster else [str(f) for f in focal]
    members = index.positions(ids)
    table, evidence = flows.recommend(data.participations, data.topics, data.organisations,
                                      ids if cluster else ids[0], method=method,
                                      until=index.until, index=index, explain=True, top=top,
                                      cache_dir=cache_dir)
    method = table.attrs.get("method", method)
    names = country_names()
    said = (learned_reasons(table, evidence) if "reason" in evidence.columns
            else reasons_in_words(table, evidence, cluster=cluster, names=names))
    table["reasons"] = table["organisation"].map(said)
    # the members' projects and everybody in them, up to the index's year
    part = data.participations.assign(organisation=data.participations["organisation"]
                                      .astype(str), project=data.participations["project"]
                                      .astype(str))
    years = pd.to_numeric(part["year"], errors="coerce")
    if index.until is not None:
        part, years = part[years <= index.until], years[years <= index.until]
    mine = part["organisation"].isin(ids)
    projects = pd.unique(part.loc[mine, "project"])
    sub = part[part["project"].isin(projects)]
    per_year = (part.loc[mine].assign(y=years[mine]).dropna(subset=["y"])
                .drop_duplicates("project").groupby("y").size())
    per_year.index = per_year.index.astype("int64")
    ties = collab.project_ties(sub.rename(columns={"organisation": "actor"}))
    ties = ties[ties["year"].notna()]
    orgs = data.organisations.assign(organisation=data.organisations["organisation"].astype(str))
    orgs = orgs.drop_duplicates("organisation")
    everyone = pd.unique(pd.concat([ties["source"], ties["target"], pd.Series(ids)]))
    actors = pd.DataFrame({"actor": everyone}).merge(
        orgs.rename(columns={"organisation": "actor"})[["actor", "country", "type"]],
        on="actor", how="left")
    actors["country"] = actors["country"].astype(object).where(actors["country"].notna(), None)
    locality = "country"
    if localities is not None and localities["organisation"].astype(str).isin(ids).any():
        city = localities.assign(organisation=localities["organisation"].astype(str))
        city = city.drop_duplicates("organisation").set_index("organisation")["city"]
        actors["city"] = actors["actor"].map(city).astype(object)
        actors["city"] = actors["city"].where(actors["city"].notna(), None)
        locality = "city"
    membership = pd.DataFrame({"actor": ids, "actor_set": "focal"})
    mt = collab.member_ties(ties, actors, membership, locality=locality)
    external = mt[~mt["internal"]]
    spans = external.groupby("partner")["year"].agg(first_year="min", last_year="max")
    spans = spans.reset_index()
    partners = _partners(index, members, spans)
    by_country = partners.groupby("country").agg(
        partners=("organisation", "size"), joint_projects=("joint_projects", "sum"))
    shown = [n if isinstance(n, str) and n != NO_NAME else f"{o} (no name)"
             for o, n in zip(table["organisation"], table["name"], strict=True)]
    recs = table.assign(shown=shown).groupby("country")["shown"].agg(list)
    countries = by_country.join(recs.rename("recommended_names"), how="outer").reset_index()
    countries = countries.rename(columns={"index": "country"})
    countries["partners"] = countries["partners"].fillna(0).astype("int64")
    countries["joint_projects"] = countries["joint_projects"].fillna(0).astype("int64")
    countries["recommended"] = countries["recommended_names"].map(
        lambda v: len(v) if isinstance(v, list) else 0)
    countries["recommended_names"] = countries["recommended_names"].map(
        lambda v: v if isinstance(v, list) else [])
    countries.insert(1, "country_name", countries["country"].map(names))
    countries = countries.sort_values(["partners", "recommended", "country"],
                                      ascending=[False, False, True], ignore_index=True)
    profile = _profile(mt, ties, actors, membership, per_year, cluster, locality)
    nodes, edges, left_out = _ego(index, members, partners, max_partners=ego_partners,
                                  max_members=ego_members, max_partner_ties=ego_partner_ties)
    member_table = _attributes(index, members)
    member_table["projects"] = index.projects[members].astype("int64")
    member_table["coordinated"] = index.coordinated[members].astype("int64")
    member_table["partners"] = index.degree[members]
    return PartnerReport(
        kind="cluster" if cluster else "organisation", label=label, focal=ids,
        members=member_table, method=method, weights=dict(table.attrs.get("weights") or {}),
        top=top, until=index.until, candidates=int(table.attrs.get("candidates", 0)),
        note=str(table.attrs.get("note") or ""), recommendations=table, evidence=evidence,
        partners=partners, countries=countries, profile=profile, ego_nodes=nodes,
        ego_edges=edges, ego_left_out=left_out, source=str(getattr(data, "source", "")),
        locality=locality, projects=int(len(projects)),
        cluster_size=cluster_size,
    )
