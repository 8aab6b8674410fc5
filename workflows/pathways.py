"""Pathways: how a region could reach a target activity through the proximity network, from
its specialisations (RCA >= 1), computed within one classification of the stored activity."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ..algorithms.opportunities import pathways as k_paths
from ..algorithms.opportunities import related_specialisations
from ..graph_models.store import Store
from ._base import WorkflowError, activity_label
from .space import Space, load_space

__all__ = ["Pathways", "find_pathways", "pathways"]


@dataclass
class Pathways:
    """What :func:`find_pathways` found: the region's specialisations most related to the
    target, and the k shortest paths to it."""

    region: str
    target: str
    year: int
    specialisations: list[str]
    related: pd.DataFrame
    paths: pd.DataFrame
    space: Space


def find_pathways(
    store: Store,
    region: str,
    target: str,
    *,
    year: int | None = None,
    k: int = 3,
    top: int = 10,
    min_proximity: float = 0.0,
    activity: str = "product",
    classification: str | None = None,
) -> Pathways:
    """The region's specialisations most related to ``target`` (by proximity phi, ``top`` of
    them; 0 for all) and the ``k`` shortest paths from any specialisation to ``target`` through
    the proximity network of ``year`` (default the latest), each link weighted by 1 - phi
    (Yen's k shortest simple paths), using only links with phi >= ``min_proximity``. Codes carry
    their names (``activity_name``); ``region`` takes a code or a name."""
    label = activity_label(activity)
    space = load_space(store, activity=label, classification=classification, year=year)
    year = space.year_or_latest(year)
    code = space.region(region, year)
    goal = space.activity(target)
    spec = space.specialisations(code, year)
    if goal in spec:
        raise WorkflowError(f"{code} is already specialised in {goal} in {year}")
    prox = space.measures()["proximity"]
    prox = prox[prox["year"] == year]
    if goal not in set(prox["activity_a"]) | set(prox["activity_b"]):
        raise WorkflowError(f"{goal} has no proximity to any activity in {year} "
                            "(no region is specialised in it)")
    related = related_specialisations(prox, specialised=spec, activity=goal, top=top or None)
    paths = k_paths(prox, specialised=spec, activity=goal, k=k, min_proximity=min_proximity)
    related = space.with_names(related.round({"proximity": 4, "distance": 4}), "activity")
    paths = space.with_names(paths.round({"proximity": 4, "distance": 4, "length": 4}),
                             "activity")
    return Pathways(code, goal, year, spec, related, paths, space)


def pathways(
    store: Store,
    region: str,
    target: str,
    *,
    year: int | None = None,
    k: int = 3,
    top: int = 10,
    min_proximity: float = 0.0,
    activity: str = "product",
    classification: str | None = None,
    table: str = "paths",
) -> pd.DataFrame:
    """One table of :func:`find_pathways`: ``paths`` (path, step, activity, activity_name,
    specialised, proximity, distance, length, hops) or ``related`` (the specialisations most
    related to the target). ``attrs``: region, target, year, classification.
    ``smartspec pathways --table paths --format csv`` prints the same table.

    >>> import smartspec
    >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
    >>> _ = g.load_trade(trade_csv, year=2017, classification="HS92")
    >>> g.pathways("Spain", "8802")[["path", "step", "activity", "specialised"]]
       path  step activity  specialised
    0     1     0     0101         True
    1     1     1     8703        False
    2     1     2     8802        False
    >>> g.close()
    """
    if table not in ("paths", "related"):
        raise WorkflowError(f"unknown table {table!r}; choose paths or related")
    found = find_pathways(store, region, target, year=year, k=k, top=top,
                          min_proximity=min_proximity, activity=activity,
                          classification=classification)
    frame = found.related if table == "related" else found.paths
    frame.attrs = {"region": found.region, "target": found.target, "year": found.year,
                   "classification": found.space.classification}
    return frame
