"""Knowledge bases and cluster mapping on the graph: the European Cluster Observatory star rating
of every region-activity pair (industries from EMPLOYS, technologies from PATENTS), written as
Cluster nodes, with Hoover, Krugman and related / unrelated variety of the regions."""

from __future__ import annotations

import json
from collections.abc import Sequence

import pandas as pd

from ..algorithms import clusters as clu
from ..graph_models import results, schema
from ..graph_models.store import Store
from ._base import WorkflowError, activity_label
from .tables import with_names

__all__ = ["CLUSTER_METHOD", "CLUSTER_TABLES", "run_clusters", "clusters"]

#: ``Cluster.method`` and ``SPECIALISES_IN.method`` of the clusters mapped by the star rating.
CLUSTER_METHOD = "star rating"
#: The tables :func:`clusters` returns.
CLUSTER_TABLES = ("clusters", "pairs", "regions")


def _activity_levels(store: Store, label: str) -> pd.DataFrame:
    out = store.run(f"MATCH (a:{label}) RETURN a.code AS activity, a.level AS level, "
                    "a.name AS name")
    if out.empty:
        return pd.DataFrame(columns=["activity", "level", "name"])
    # kglite answers a missing `name` with a made-up '<Label>_<id>': not a name
    made_up = out["name"].astype("string").str.fullmatch(rf"{label}_\d+").fillna(False)
    out["name"] = out["name"].where(~made_up.to_numpy(dtype=bool), None)
    return out


def _ancestors(store: Store, label: str, level: str, activities: Sequence[str],
               levels: pd.DataFrame) -> pd.Series:
    """The ancestor at ``level`` of each activity, walking PART_OF."""
    links = store.read_relationships("PART_OF", start=label, end=label)
    parent = dict(zip(links["start"], links["end"], strict=True))
    level_of = dict(zip(levels["activity"], levels["level"], strict=True))
    out = {}
    for a in activities:
        node, seen = a, 0
        while node is not None and level_of.get(node) != level and seen < 10:
            node, seen = parent.get(node), seen + 1
        out[a] = node if node is not None and level_of.get(node) == level else None
    return pd.Series(out, dtype="object")


def run_clusters(
    store: Store,
    *,
    activity: str = "Industry",
    year: int | None = None,
    level: str | None = None,
    size_top: float = 0.10,
    lq_min: float = 2.0,
    focus_top: float = 0.10,
    min_value: float = 0.0,
    min_stars: int = 1,
    variety_level: str | None = None,
    write: bool = True,
) -> dict[str, pd.DataFrame]:
    """Star-rate every region-activity pair of one year and write the mapped clusters.

    Reads EMPLOYS (industries) or PATENTS (technologies) of ``year`` (default the latest) at
    ``level`` (required when the graph holds activities of several levels), computes
    :func:`~smartspec.algorithms.clusters.star_rating`, and writes every pair with at least
    ``min_stars`` stars as ``(:Cluster {id: '<label>:<region>:<code>', method: 'star rating'})
    -[:LOCATED_IN]->(:Region)`` and ``-[:SPECIALISES_IN {stars, lq, size, focus, value, year,
    method, parameters}]->(activity)``. Mapped clusters of the same activity label that no
    longer qualify are deleted, so the graph holds the current mapping and a rerun leaves it
    unchanged. Returns ``pairs`` (every pair), ``clusters`` (the mapped ones) and ``regions``
    (Hoover, Krugman and, with the hierarchy, related / unrelated variety).
    """
    data = results.read_activity(store, activity=activity)
    rel = schema.ACTIVITY_RELATIONSHIPS[activity][0]
    if data.empty:
        raise WorkflowError(
            f"no {rel} data in {store.describe()}; load some first (smartspec load "
            f"{'employment' if activity == 'Industry' else 'patents'} FILE)")
    levels = _activity_levels(store, activity)
    data = data.merge(levels[["activity", "level"]], on="activity", how="left")
    found = sorted(data["level"].dropna().unique().tolist())
    if level is not None:
        data = data[data["level"] == level]
        if data.empty:
            raise WorkflowError(f"no {rel} data at level {level}; levels with data: "
                                       f"{', '.join(found) or 'none recorded'}")
    elif len(found) > 1:
        raise WorkflowError(f"{rel} data at several levels ({', '.join(found)}); pass "
                                   "--level (totals at two levels count the same jobs twice)")
    years = sorted(data["year"].unique().tolist())
    if year is None:
        year = years[-1]
    elif year not in years:
        raise WorkflowError(f"no {rel} data for {year}; years: "
                                   f"{', '.join(map(str, years))}")
    data = data[data["year"] == year][["region", "activity", "year", "value"]]
    pairs = clu.star_rating(data, size_top=size_top, lq_min=lq_min, focus_top=focus_top,
                            min_value=min_value)
    params = {"size_top": size_top, "lq_min": lq_min, "focus_top": focus_top,
              "min_value": min_value, "min_stars": min_stars, "level": level}
    mapped = pairs[pairs["stars"] >= min_stars].copy()
    names = levels.set_index("activity")["name"]
    mapped["cluster"] = (activity.lower() + ":" + mapped["region"].astype(str) + ":"
                         + mapped["activity"].astype(str))
    mapped = mapped.sort_values(["stars", "lq", "cluster"], ascending=[False, False, True],
                                ignore_index=True)
    if write:
        _write_clusters(store, activity, mapped, names, params)
    regions = clu.hoover(data).merge(clu.krugman(data), on=["region", "year"])
    if variety_level is not None:
        groups = _ancestors(store, activity, variety_level, pd.unique(data["activity"]), levels)
        if groups.isna().any():
            raise WorkflowError(
                f"{int(groups.isna().sum())} {activity.lower()} code(s) have no ancestor at "
                f"level {variety_level} (e.g. {groups.index[groups.isna()][0]})")
        regions = regions.merge(clu.variety(data, groups), on=["region", "year"])
    cols = ["cluster", "region", "activity", "year", "value", "size", "lq", "focus", "stars"]
    return {"pairs": pairs, "clusters": mapped[cols], "regions": regions}


def _write_clusters(store: Store, activity: str, mapped: pd.DataFrame, names: pd.Series,
                    params: dict) -> None:
    store.create_schema()
    label_name = mapped["activity"].map(names)
    what = label_name.where(label_name.notna(), mapped["activity"]).astype(str)
    nodes = pd.DataFrame({"id": mapped["cluster"], "name": what + " in " + mapped["region"],
                          "method": CLUSTER_METHOD})
    stale = store.run(
        f"MATCH (c:Cluster)-[s:SPECIALISES_IN]->(:{activity}) WHERE c.method = $method "
        "RETURN DISTINCT c.id AS id", {"method": CLUSTER_METHOD})
    gone = sorted(set(stale["id"]) - set(nodes["id"])) if not stale.empty else []
    if gone:
        store.run("MATCH (c:Cluster) WHERE c.id IN $ids DETACH DELETE c", {"ids": gone},
                  write=True)
    if mapped.empty:
        return
    store.upsert_nodes("Cluster", nodes)
    store.upsert_relationships("LOCATED_IN", pd.DataFrame({"start": mapped["cluster"],
                                                           "end": mapped["region"]}),
                               start="Cluster", end="Region")
    rels = pd.DataFrame({
        "start": mapped["cluster"], "end": mapped["activity"],
        "stars": mapped["stars"].astype("int64"), "lq": mapped["lq"],
        "year": mapped["year"].astype("int64"), "value": mapped["value"],
        "size": mapped["size"], "focus": mapped["focus"], "method": CLUSTER_METHOD,
        "parameters": json.dumps(params, sort_keys=True),
    })
    store.upsert_relationships("SPECIALISES_IN", rels, start="Cluster", end=activity)


def clusters(
    store: Store,
    *,
    activity: str = "industry",
    year: int | None = None,
    level: str | None = None,
    size_top: float = 0.10,
    lq_min: float = 2.0,
    focus_top: float = 0.10,
    min_value: float = 0.0,
    min_stars: int = 1,
    variety_level: str | None = None,
    table: str = "clusters",
    write: bool = True,
) -> pd.DataFrame:
    """Cluster mapping by the star rating (:func:`run_clusters`), written to the graph unless
    ``write=False``; one table with region_name and activity_name next to the codes.

    ``table``: ``clusters`` (the mapped ones: cluster, region, activity, year, value, size, lq,
    focus, stars), ``pairs`` (every rated pair) or ``regions`` (Hoover, Krugman and, with
    ``variety_level``, related / unrelated variety). ``attrs``: ``mapped`` (clusters with at
    least ``min_stars`` stars), ``year`` and ``parameters``. ``smartspec compute clusters``
    prints the same table.
    """
    if table not in CLUSTER_TABLES:
        raise WorkflowError(f"unknown table {table!r}; choose one of {', '.join(CLUSTER_TABLES)}")
    for name, v in (("size_top", size_top), ("focus_top", focus_top)):
        if not 0 <= v <= 1:
            raise WorkflowError(f"{name} must be a share in [0, 1], got {v}")
    if lq_min < 0 or min_value < 0:
        raise WorkflowError("lq_min and min_value must be >= 0")
    label = activity_label(activity)
    out = run_clusters(store, activity=label, year=year, level=level, size_top=size_top,
                       lq_min=lq_min, focus_top=focus_top, min_value=min_value,
                       min_stars=min_stars, variety_level=variety_level, write=write)
    frame = with_names(store, out[table], label)  # region_name, activity_name
    frame.attrs = {
        "mapped": len(out["clusters"]),
        "year": int(out["pairs"]["year"].iloc[0]) if len(out["pairs"]) else year,
        "parameters": {"size_top": size_top, "lq_min": lq_min, "focus_top": focus_top,
                       "min_value": min_value, "min_stars": min_stars, "level": level,
                       "variety_level": variety_level},
        "written": write,
    }
    return frame
