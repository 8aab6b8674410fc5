"""Reading observed activity out of a store as tables, and writing computed measures back.

This is the bridge between the graph and the pure algorithms: the algorithms never see a store,
and the stores never compute. Computed values are written where DESIGN.md puts them, with the
parameters that made them:

- pair measures (``rca``, ``m``, ...) on the observed relationship (``EXPORTS`` for products),
  with ``rca_method`` and ``rca_threshold``;
- per-year scores of regions and activities on ``(:Region|:Product)-[:SCORED {year, ...}]->
  (:Measure {id})``, where the Measure node (``"Product:specialisation"``, ...) records the
  parameters as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from . import schema
from .store import Store

__all__ = ["read_activity", "write_pair_measures", "write_scores", "measure_id"]


def _activity_rel(activity: str) -> tuple[str, str]:
    try:
        return schema.ACTIVITY_RELATIONSHIPS[activity]
    except KeyError:
        raise schema.SchemaError(
            f"no observed activity relationship for {activity!r}; "
            f"choose one of {', '.join(schema.ACTIVITY_RELATIONSHIPS)}"
        ) from None


def read_activity(
    store: Store, *, activity: str = "Product", years: Sequence[int] | None = None
) -> pd.DataFrame:
    """Observed activity as a long table ``region, activity, year, value``.

    Parameters
    ----------
    store : Store
    activity : {"Product", "Technology", "Industry"}
        Which activity label (and so which relationship: EXPORTS, PATENTS, EMPLOYS).
    years : sequence of int, optional
        Only these years.
    """
    rel, amount = _activity_rel(activity)
    where = {"year": list(years)} if years else None
    table = store.read_relationships(
        rel, start="Region", end=activity, properties=["year", amount], where=where
    )
    table = table.rename(columns={"start": "region", "end": "activity", amount: "value"})
    if not table.empty:
        table["year"] = table["year"].astype("int64")
        table["value"] = pd.to_numeric(table["value"]).astype("float64")
    return table


def measure_id(activity: str, family: str) -> str:
    """Key of the Measure node of a family of measures, e.g. ``Product:complexity``."""
    return f"{activity}:{family}"


def _upsert_measure(store: Store, activity: str, family: str, parameters: Mapping[str, Any]) -> str:
    key = measure_id(activity, family)
    node = pd.DataFrame(
        {
            "id": [key],
            "family": [family],
            "activity_label": [activity],
            "parameters": [json.dumps(dict(parameters), sort_keys=True)],
            "computed_at": [datetime.now(timezone.utc).isoformat(timespec="seconds")],
        }
    )
    store.upsert_nodes("Measure", node)
    return key


def write_pair_measures(
    store: Store,
    table: pd.DataFrame,
    *,
    activity: str = "Product",
    measures: Sequence[str],
    parameters: Mapping[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Set computed pair measures on the observed relationships (one per region, activity, year).

    ``table`` has ``region, activity, year`` and the ``measures`` columns; ``parameters`` (e.g.
    ``{"rca_method": "balassa", "rca_threshold": 1.0}``) are written on every relationship too.
    Returns the number of relationships written.
    """
    rel, _ = _activity_rel(activity)
    cols = ["region", "activity", "year", *measures]
    rows = table[cols].rename(columns={"region": "start", "activity": "end"})
    for name, value in (parameters or {}).items():
        rows[name] = value
    return store.upsert_relationships(rel, rows, start="Region", end=activity, progress=progress)


def write_scores(
    store: Store,
    table: pd.DataFrame,
    *,
    label: str,
    activity: str,
    family: str,
    scores: Sequence[str],
    parameters: Mapping[str, Any] | None = None,
) -> int:
    """Write per-year scores of regions or activities as SCORED relationships to a Measure node.

    ``table`` is keyed by ``region`` (``label="Region"``) or ``activity`` (``label=activity``)
    and ``year``. Returns the number of relationships written.
    """
    key_col = "region" if label == "Region" else "activity"
    measure = _upsert_measure(store, activity, family, parameters or {})
    rows = table[[key_col, "year", *scores]].rename(columns={key_col: "start"})
    rows = rows.assign(end=measure)
    return store.upsert_relationships("SCORED", rows, start=label, end="Measure")
