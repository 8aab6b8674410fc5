"""Collaboration on the graph: local buzz, global pipelines, brokerage and partner selection of
actor sets (clusters, regions, countries, organisation types), per period, written back as
``(:Region|:Cluster)-[:COLLABORATION_PROFILE {year, ...}]->(:Measure {id: 'collaboration'})``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..algorithms import collaboration as collab
from ..graph_models import schema
from ..graph_models.results import read_names
from ..graph_models.store import Store
from ..loaders.countries import to_alpha3
from ..loaders.localities import LOCATION_PRECISION
from ._base import WorkflowError

__all__ = [
    "ActorSetError",
    "read_network",
    "region_hierarchy",
    "resolve_actor_sets",
    "run_collaboration",
    "read_country_attributes",
    "set_names",
    "collaboration_tables",
    "collaboration",
]


class ActorSetError(WorkflowError):
    """An actor set written in a form that names no set (the command line's --actor-set)."""


def read_network(store: Store) -> dict[str, pd.DataFrame]:
    """Read what the measures need from the graph, once: ties, actors, profiles, clusters."""
    part = store.read_relationships("PARTICIPATES_IN", start="Organisation", end="Project")
    years = store.read_table("MATCH (p:Project) RETURN p.id AS project, p.start_year AS year")
    if not part.empty:
        part = part.rename(columns={"start": "actor", "end": "project"})
        part = part.merge(years, on="project", how="left")
        ties = collab.project_ties(part)
    else:
        ties = pd.DataFrame(columns=["source", "target", "year", "projects"])
    reported = store.read_relationships(
        "PARTNERS_WITH",
        start="Organisation",
        end="Organisation",
        properties=["year", "known_before"],
    )
    if not reported.empty:
        reported = reported.rename(columns={"start": "source", "end": "target"})
        reported = reported[reported["source"] != reported["target"]]
        ties = pd.concat([ties, reported.assign(projects=1)], ignore_index=True)
    orgs = store.read_table("MATCH (o:Organisation) RETURN o.id AS actor, o.`type` AS type")
    places = store.read_table(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(r:Region) "
        "RETURN o.id AS actor, r.code AS region, r.level AS level"
    )
    hierarchy = region_hierarchy(store)
    actors = (
        orgs.drop_duplicates("actor") if not orgs.empty else pd.DataFrame(columns=["actor", "type"])
    )
    if not places.empty:
        # the most precise location if a store holds several (loads before one-location rule)
        rank = places["level"].map(LOCATION_PRECISION).fillna(1)
        places = places.assign(_r=rank).sort_values("_r", ascending=False, kind="stable")
        places = places.drop_duplicates("actor")
        is_country = places["level"].eq("country").to_numpy()
        country = hierarchy.loc[hierarchy["level"] == "country"].drop_duplicates("code")
        country = country.set_index("code")["ancestor"]
        places["country"] = np.where(
            is_country, places["region"], places["region"].map(country).to_numpy()
        )
        # the locality of local buzz: the city or NUTS region an organisation is in
        places["city"] = np.where(is_country, None, places["region"])
        actors = actors.merge(
            places[["actor", "country", "city", "region"]], on="actor", how="left"
        )
    else:
        actors = actors.assign(country=None, city=None, region=None)
    profiles = store.read_relationships(
        "ACTIVE_IN", start="Organisation", end="Topic", properties=["weight"]
    ).rename(columns={"start": "actor", "end": "activity", "weight": "value"})
    members = store.read_relationships("MEMBER_OF", start="Organisation", end="Cluster").rename(
        columns={"start": "actor", "end": "actor_set"}
    )
    for frame in (ties,):
        frame["year"] = pd.to_numeric(frame["year"]).astype("Int64")
    return {
        "ties": ties,
        "actors": actors,
        "profiles": profiles,
        "clusters": members,
        "regions": hierarchy,
    }


def region_hierarchy(store: Store) -> pd.DataFrame:
    """Every Region with each Region it is ``PART_OF`` directly or not, itself included:
    ``code, ancestor, level`` (the ancestor's level), e.g. ``DE212`` with ``DE212``, ``DE21``,
    ``DE2`` and ``DEU``."""
    nodes = store.read_table("MATCH (r:Region) RETURN r.code AS code, r.level AS level")
    if nodes.empty:
        return pd.DataFrame(columns=["code", "ancestor", "level"])
    nodes = nodes.drop_duplicates("code")
    edges = store.read_relationships("PART_OF", start="Region", end="Region")
    levels = nodes.set_index("code")["level"]
    out = [pd.DataFrame({"code": nodes["code"], "ancestor": nodes["code"]})]
    step = out[0]
    parents = edges[["start", "end"]] if not edges.empty else pd.DataFrame(columns=["start", "end"])
    for _ in range(8):  # NUTS 3 -> 2 -> 1 -> country -> groups: a few steps at most
        step = step.merge(parents, left_on="ancestor", right_on="start")[["code", "end"]]
        step = step.rename(columns={"end": "ancestor"}).drop_duplicates()
        if step.empty:
            break
        out.append(step)
    table = pd.concat(out, ignore_index=True).drop_duplicates()
    return table.assign(level=table["ancestor"].map(levels).to_numpy())


def resolve_actor_sets(
    specs: list[str],
    actors: pd.DataFrame,
    clusters: pd.DataFrame,
    regions: pd.DataFrame | None = None,
):
    """Membership table and a kind per set from ``cluster:ID``, ``region:CODE``,
    ``country:CODE``, ``type:NAME`` (``country:all`` / ``region:all`` / ``cluster:all``).

    ``region:CODE`` takes the organisations located in that Region or in any Region ``PART_OF``
    it (``regions``: :func:`region_hierarchy`): a country, a city, or a NUTS region at any level
    (``region:DE21`` holds the organisations of DE211, DE212, ...)."""
    parts, kinds = [], {}
    for spec in specs:
        kind, _, code = spec.partition(":")
        kind = kind.strip().lower()
        if not code or kind not in ("cluster", "region", "country", "type"):
            raise ActorSetError(
                f"{spec!r}: use cluster:ID, region:CODE, country:CODE or type:NAME "
                "(or country:all)"
            )
        if kind == "country":
            if code.lower() == "all":
                m = collab.actor_sets(actors, "country")
            else:
                a3 = to_alpha3([code]).iloc[0]
                if not isinstance(a3, str):
                    raise ActorSetError(f"unknown country code {code!r}")
                m = actors.loc[actors["country"] == a3, ["actor"]].assign(actor_set=a3)
        elif kind == "region":
            if code.lower() == "all":
                m = collab.actor_sets(actors, "city")
            else:
                c = code.strip().upper()
                a3 = to_alpha3([c]).iloc[0]
                c = a3 if isinstance(a3, str) else c
                hit = (actors["city"] == c) | (actors["country"] == c)
                if regions is not None and len(regions) and "region" in actors.columns:
                    inside = set(regions.loc[regions["ancestor"] == c, "code"])
                    hit |= actors["region"].isin(inside)
                m = actors.loc[hit, ["actor"]].assign(actor_set=c)
        elif kind == "type":
            if code.lower() == "all":
                m = collab.actor_sets(actors, "type")
            else:
                m = actors.loc[actors["type"] == code.lower(), ["actor"]].assign(actor_set=code)
        else:
            m = clusters if code.lower() == "all" else clusters[clusters["actor_set"] == code]
        if m.empty:
            raise WorkflowError(f"actor set {spec!r} has no members in the store")
        parts.append(m[["actor", "actor_set"]])
        kinds.update(dict.fromkeys(m["actor_set"].unique().tolist(), kind))
    return pd.concat(parts, ignore_index=True).drop_duplicates(), kinds


def run_collaboration(
    store: Store,
    specs: list[str],
    *,
    locality: str | None = None,
    period_length: int = 1,
    country_attributes: pd.DataFrame | None = None,
    betweenness_sources: int | None = 200,
    write: bool = True,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Read the network, compute every measure for the actor sets, write profiles back."""
    net = read_network(store)
    if net["ties"].empty:
        raise WorkflowError(
            f"no collaborations in {store.describe()}; load some first "
            "(smartspec load collaborations FILE)"
        )
    membership, kinds = resolve_actor_sets(
        specs, net["actors"], net["clusters"], net["regions"]
    )
    if locality is None:
        locality = "country" if set(kinds.values()) == {"country"} else "city"
    ties = collab.assign_periods(net["ties"], period_length)
    result = collab.collaboration_measures(
        ties,
        net["actors"],
        membership,
        locality=locality,
        profiles=net["profiles"] if not net["profiles"].empty else None,
        country_attributes=country_attributes,
        betweenness_sources=betweenness_sources,
    )
    summary = result["summary"]
    summary.insert(1, "set_kind", summary["actor_set"].map(kinds))
    if write:
        _write_profiles(store, summary, period_length, betweenness_sources)
    return result, net["actors"]


def _write_profiles(store: Store, summary: pd.DataFrame, period_length, sources) -> None:
    props = [c for c in schema.relationship("COLLABORATION_PROFILE").properties if c != "year"]
    node = pd.DataFrame(
        {
            "id": ["collaboration"],
            "family": ["collaboration"],
            "parameters": [
                json.dumps({"period_length": period_length, "betweenness_sources": sources})
            ],
        }
    )
    store.upsert_nodes("Measure", node)
    for kind, label in (("country", "Region"), ("region", "Region"), ("cluster", "Cluster")):
        rows = summary[summary["set_kind"] == kind]
        if rows.empty:
            continue
        cols = [c for c in props if c in rows.columns]
        out = rows[["actor_set", "year", *cols]].rename(columns={"actor_set": "start"})
        out = out.assign(end="collaboration", year=out["year"].astype("int64"))
        store.upsert_relationships("COLLABORATION_PROFILE", out, start=label, end="Measure")


def set_names(store: Store, summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` with ``actor_set_name`` after ``actor_set``: the Region name of a country or
    region set (``DE21 (Germany)``, ``München``), the Cluster name of a cluster, the type of a
    type set; empty where the store has no name."""
    kind = summary["set_kind"].astype(str).to_numpy()
    codes = summary["actor_set"].astype(str)
    name = pd.Series("", index=summary.index, dtype=object)
    for label, kinds in (("Region", ("region", "country")), ("Cluster", ("cluster",))):
        rows = np.isin(kind, kinds)
        if rows.any():
            names = read_names(store, label, codes[rows].unique().tolist())
            name[rows] = codes[rows].map(names).astype(object).fillna("").to_numpy()
    name[kind == "type"] = codes[kind == "type"].to_numpy()
    out = summary.copy()
    out.insert(out.columns.get_loc("actor_set") + 1, "actor_set_name", name.to_numpy())
    out.attrs = dict(summary.attrs)
    return out


def read_country_attributes(path: str | Path) -> pd.DataFrame:
    """A CSV ``country,<attributes...>`` (e.g. group, language) for cultural proximity, with
    the countries as ISO alpha-3 (rows of unknown countries left out)."""
    try:
        attrs = pd.read_csv(path, dtype=str)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise WorkflowError(f"{path}: cannot read ({exc})") from None
    if "country" not in attrs.columns:
        raise WorkflowError(f"{path}: needs a 'country' column; found {', '.join(attrs)}")
    attrs["country"] = to_alpha3(attrs["country"])
    return attrs.dropna(subset=["country"])


def collaboration_tables(
    store: Store,
    actor_sets: str | Sequence[str],
    *,
    locality: str | None = None,
    period_length: int = 1,
    country_attributes: str | Path | pd.DataFrame | None = None,
    betweenness_sources: int | None = 200,
    write: bool = True,
) -> dict[str, Any]:
    """:func:`run_collaboration` with names: ``summary`` (actor_set_name after actor_set),
    ``actors`` (per member: actor_name, brokerage roles, betweenness), ``result`` (every
    table of :func:`~smartspec.algorithms.collaboration.collaboration_measures`) and
    ``network`` (the organisations with their places)."""
    specs = [actor_sets] if isinstance(actor_sets, str) else list(actor_sets)
    if isinstance(country_attributes, str | Path):
        country_attributes = read_country_attributes(country_attributes)
    result, actors = run_collaboration(
        store, specs, locality=locality, period_length=period_length,
        country_attributes=country_attributes, betweenness_sources=betweenness_sources or None,
        write=write)
    summary = set_names(store, result["summary"])
    members = result["actors"]
    if "actor" in members.columns and len(members):
        ids = members["actor"].astype(str)
        names = read_names(store, "Organisation", ids.unique().tolist())
        members = members.copy()
        members.insert(members.columns.get_loc("actor") + 1, "actor_name",
                       ids.map(names).astype(object).fillna("").to_numpy())
        result["actors"] = members
    return {"summary": summary, "actors": result["actors"], "result": result,
            "network": actors}


def collaboration(
    store: Store,
    actor_sets: str | Sequence[str],
    *,
    locality: str | None = None,
    period_length: int = 1,
    country_attributes: str | Path | pd.DataFrame | None = None,
    betweenness_sources: int | None = 200,
    write: bool = True,
    table: str = "summary",
) -> pd.DataFrame:
    """Local buzz, global pipelines, brokerage and partner selection of actor sets, per period.

    ``actor_sets``: ``cluster:ID``, ``region:CODE`` (a NUTS region at any level, a city or a
    country Region), ``country:CODE``, ``type:NAME`` or ``country:all`` (one or a list).
    ``locality``: what "local" means, ``city`` or ``country`` (default country for country
    sets, else city). ``period_length``: years per period. ``betweenness_sources``: sampled
    sources for betweenness (0 or None: exact). ``table``: ``summary`` (one row per set and
    period; ``smartspec compute collaboration --format csv`` prints it) or ``actors`` (per
    member, ``--actors-output``).
    """
    if table not in ("summary", "actors"):
        raise WorkflowError(f"unknown table {table!r}; choose summary or actors")
    return collaboration_tables(
        store, actor_sets, locality=locality, period_length=period_length,
        country_attributes=country_attributes, betweenness_sources=betweenness_sources,
        write=write)[table]
