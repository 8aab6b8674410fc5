"""Specialisation on the graph: RCA, binary M, diversity and ubiquity, written back.

Reads the observed activity (``EXPORTS``, ``PATENTS`` or ``EMPLOYS``), computes with
:mod:`smartspec.algorithms.specialisation` and writes RCA and M on each observed relationship
(with ``rca_method`` and ``rca_threshold``), diversity and ubiquity as
``(:Region|:Product)-[:SCORED {year}]->(:Measure {id: 'Product:specialisation'})``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ..algorithms import specialisation as spec
from ..graph_models import results
from ..graph_models.store import Store
from ._base import WorkflowError, activity_label, progress_bar
from .tables import with_names

__all__ = ["SPECIALISATION_TABLES", "run_specialisation", "specialisation", "years_list"]

#: The tables :func:`specialisation` returns.
SPECIALISATION_TABLES = ("summary", "pairs", "regions", "activities")


def years_list(year: int | Sequence[int] | None) -> list[int] | None:
    """``year`` as a list of years, or None for every year.

    >>> years_list(2017), years_list([2000, 2010]), years_list(None), years_list(())
    ([2017], [2000, 2010], None, None)
    """
    if year is None:
        return None
    if isinstance(year, int | str):
        return [int(year)]
    return [int(y) for y in year] or None


def run_specialisation(
    store: Store,
    *,
    activity: str = "Product",
    method: str = "balassa",
    threshold: float | None = None,
    years: Sequence[int] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read observed activity, compute RCA / M / diversity / ubiquity, write them back.

    Returns the pair table and a dict of ``summary`` (per year), ``diversity`` and ``ubiquity``
    (for the regions and activities with data in each year) and ``parameters``.
    """
    activity = activity_label(activity)
    data = results.read_activity(store, activity=activity, years=years)
    if data.empty:
        what = f" for year(s) {', '.join(map(str, years))}" if years else ""
        raise WorkflowError(
            f"no {activity} data{what} in {store.describe()}; load some first "
            "(smartspec load trade FILE)"
        )
    if threshold is None:
        threshold = 1.0 if method == "balassa" else 0.0
    panel = spec.as_panel(data)
    pairs = spec.specialisation(panel, method=method, threshold=threshold)
    # the panel spans every region and activity of every year read; diversity and ubiquity
    # are kept (and written, and averaged) only where the region / activity has data that year
    div = _present(spec.diversity(panel, method=method, threshold=threshold), pairs, "region")
    ubi = _present(spec.ubiquity(panel, method=method, threshold=threshold), pairs, "activity")
    params = {"rca_method": method, "rca_threshold": float(threshold)}
    with progress_bar("writing rca and m", total=len(pairs)) as advance:
        results.write_pair_measures(store, pairs, activity=activity, measures=["rca", "m"],
                                    parameters=params, progress=advance)
    results.write_scores(store, div, label="Region", activity=activity,
                         family="specialisation", scores=["diversity"], parameters=params)
    results.write_scores(store, ubi, label=activity, activity=activity,
                         family="specialisation", scores=["ubiquity"], parameters=params)
    summary = (
        pairs.groupby("year")
        .agg(
            regions=("region", "nunique"),
            activities=("activity", "nunique"),
            pairs=("rca", "size"),
            specialisations=("m", "sum"),
        )
        .reset_index()
    )
    mean = div.groupby("year")["diversity"].mean().round(1)
    summary["mean_diversity"] = summary["year"].map(mean)
    return pairs, {"summary": summary, "diversity": div, "ubiquity": ubi, "parameters": params}


def _present(table: pd.DataFrame, pairs: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rows of ``table`` (``key, year, ...``) whose ``key`` has a value in ``pairs`` that year."""
    seen = pairs.loc[pairs["value"].notna(), [key, "year"]].drop_duplicates()
    return table.merge(seen, on=[key, "year"]).reset_index(drop=True)


def specialisation(
    store: Store,
    *,
    activity: str = "product",
    method: str = "balassa",
    threshold: float | None = None,
    year: int | Sequence[int] | None = None,
    table: str = "summary",
) -> pd.DataFrame:
    """RCA, M, diversity and ubiquity of every year (or ``year``), written back; one table.

    ``table``: ``summary`` (per year: regions, activities, pairs, specialisations,
    mean_diversity), ``pairs`` (region, activity, year, value, rca, m), ``regions``
    (diversity) or ``activities`` (ubiquity); codes carry their names (``region_name``,
    ``activity_name``). ``threshold``: M = 1 when RCA >= it (default 1, 0 for additive RCA).
    ``attrs["parameters"]`` holds ``rca_method`` and ``rca_threshold`` as written.
    ``smartspec compute specialisation`` prints the same table.

    >>> import smartspec
    >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
    >>> _ = g.load_trade(trade_csv, year=2017, classification="HS92")
    >>> g.specialisation()
       year  regions  activities  pairs  specialisations  mean_diversity
    0  2017        4           4     11                7             1.8
    >>> g.specialisation(table="pairs").attrs["parameters"]
    {'rca_method': 'balassa', 'rca_threshold': 1.0}
    >>> g.close()
    """
    if table not in SPECIALISATION_TABLES:
        raise WorkflowError(f"unknown table {table!r}; choose one of "
                            f"{', '.join(SPECIALISATION_TABLES)}")
    label = activity_label(activity)
    pairs, info = run_specialisation(store, activity=label, method=method, threshold=threshold,
                                     years=years_list(year))
    frames = {"summary": info["summary"], "pairs": pairs, "regions": info["diversity"],
              "activities": info["ubiquity"]}
    frame = with_names(store, frames[table], label)
    frame.attrs = {"parameters": dict(info["parameters"]), "activity": label, "table": table}
    return frame
