"""Reading observed activity out of a store as tables, and writing computed measures back.

This is the bridge between the graph and the pure algorithms: the algorithms never see a store,
and the stores never compute. Computed values are written where DESIGN.md puts them, with the
parameters that made them:

- pair measures (``rca``, ``m``, ...) on the observed relationship (``EXPORTS`` for products),
  with ``rca_method`` and ``rca_threshold``;
- per-year scores of regions and activities on ``(:Region|:Product)-[:SCORED {year, ...}]->
  (:Measure {id})``, where the Measure node (``"Product:specialisation"``,
  ``"Product:complexity"``, ``"Product:relatedness"``) records the parameters as JSON;
- proximities as ``(:Product)-[:PROXIMITY {year, method, phi, backbone}]-(:Product)``, stored
  once per unordered pair (lower code first), replacing those of the same years and method.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

import pandas as pd

from . import schema
from .store import Store, canonical_pairs, frame_to_rows

__all__ = [
    "read_activity",
    "read_names",
    "add_names",
    "insert_names",
    "NO_NAME",
    "write_pair_measures",
    "write_scores",
    "clear_pair_measures",
    "write_measure",
    "write_proximity",
    "delete_proximity",
    "measure_id",
]


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


#: What a table shows for a code whose node has no name (never ``NaN`` or ``None``).
NO_NAME = ""


def read_names(
    store: Store, label: str, codes: Sequence[str] | None = None, *, short: bool = False
) -> pd.Series:
    """Names of ``label`` nodes by their key (``code``, or ``id`` for organisations, projects).

    Returns a Series indexed by key; nodes without a name are left out. ``codes`` limits the
    read to those keys (one parameterised query either way). With ``short``, a node's
    ``short_name`` is preferred where it has one.

    >>> # read_names(store, "Region", ["DEU"])  ->  DEU    Germany
    """
    key = schema.quote(schema.node(label).key)
    params: dict[str, Any] = {}
    conditions = ["(n.name IS NOT NULL OR n.short_name IS NOT NULL)" if short
                  else "n.name IS NOT NULL"]
    if codes is not None:
        conditions.insert(0, f"n.{key} IN $codes")
        params["codes"] = [str(c) for c in dict.fromkeys(codes)]
    # the embedded store (kglite) answers an unset name with '<Label>_<id>': not a name
    name = "CASE WHEN n.name = labels(n)[0] + '_' + toString(n.id) THEN null ELSE n.name END"
    if short:
        name = f"CASE WHEN n.short_name <> '' THEN n.short_name ELSE {name} END"
    query = (f"MATCH (n:{schema.quote(label)}) WHERE {' AND '.join(conditions)} "
             f"RETURN n.{key} AS key, {name} AS name")
    table = store.run(query, params)
    if not table.empty:
        table = table[table["name"].notna()]
    if table.empty:
        return pd.Series(dtype="object", name="name")
    return pd.Series(table["name"].to_numpy(), index=table["key"].astype(str), name="name")


def add_names(
    store: Store,
    frame: pd.DataFrame,
    column: str,
    label: str,
    *,
    name_column: str | None = None,
    short: bool = False,
) -> pd.DataFrame:
    """``frame`` with the names of the codes in ``column`` right after it.

    The new column is ``name_column`` (default ``<column>_name``, e.g. ``region_name``); a code
    whose node has no name shows :data:`NO_NAME`. With ``short``, a node's ``short_name`` is
    used where it has one (the Atlas's short product names, e.g. "Photographic film in rolls"
    for 3702). The frame's ``attrs`` are kept.

    >>> # add_names(store, table, "region", "Region")  ->  region, region_name, ...
    """
    codes = frame[column].astype(str).unique().tolist() if len(frame) else []
    names = read_names(store, label, codes, short=short) if codes else pd.Series(dtype=object)
    return insert_names(frame, column, names, name_column=name_column)


def insert_names(
    frame: pd.DataFrame,
    column: str,
    names: pd.Series,
    *,
    name_column: str | None = None,
) -> pd.DataFrame:
    """``frame`` with ``names`` (code -> name, e.g. from :func:`read_names`) of the codes in
    ``column`` right after it, as ``name_column`` (default ``<column>_name``); a code without a
    name shows :data:`NO_NAME`. The frame's ``attrs`` are kept.

    >>> t = pd.DataFrame({"region": ["DEU", "XXX"], "eci": [1.9, 0.1]})
    >>> insert_names(t, "region", pd.Series({"DEU": "Germany"})).columns.tolist()
    ['region', 'region_name', 'eci']
    >>> insert_names(t, "region", pd.Series({"DEU": "Germany"}))["region_name"].tolist()
    ['Germany', '']
    """
    name_column = name_column or f"{column}_name"
    out = frame.copy()
    if name_column in out.columns:
        out = out.drop(columns=name_column)
    codes = out[column].astype(str) if len(out) else out[column]
    values = codes.map(names).astype(object).fillna(NO_NAME) if len(out) else []
    out.insert(out.columns.get_loc(column) + 1, name_column, values)
    out.attrs = dict(frame.attrs)
    return out


def measure_id(activity: str, family: str) -> str:
    """Key of the Measure node of a family of measures, e.g. ``Product:complexity``."""
    return f"{activity}:{family}"


def write_measure(
    store: Store, activity: str, family: str, parameters: Mapping[str, Any]
) -> str:
    """Create or update the Measure node of a family, recording ``parameters`` as JSON.

    Returns its id (:func:`measure_id`).
    """
    key = measure_id(activity, family)
    node = pd.DataFrame(
        {
            "id": [key],
            "family": [family],
            "activity_label": [activity],
            "parameters": [json.dumps(dict(parameters), sort_keys=True, default=_json_default)],
            "computed_at": [datetime.now(timezone.utc).isoformat(timespec="seconds")],
        }
    )
    store.upsert_nodes("Measure", node)
    return key


def _json_default(value: Any) -> Any:
    """numpy scalars and arrays in the parameters JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


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
    and ``year``. The scores of the table's years become those of ``table``: relationships of
    those years to the same Measure from ``label`` nodes the table lacks (left out by this
    run's filters) are deleted after the new ones are written. Returns the number of
    relationships written.
    """
    key_col = "region" if label == "Region" else "activity"
    measure = write_measure(store, activity, family, parameters or {})
    rows = table[[key_col, "year", *scores]].rename(columns={key_col: "start"})
    rows = rows.assign(end=measure)
    rows["year"] = rows["year"].astype("int64")
    written = store.upsert_relationships("SCORED", rows, start=label, end="Measure")
    years = sorted(int(y) for y in pd.unique(rows["year"]))
    if years:
        _delete_stale_scores(store, rows, label=label, measure=measure, years=years)
    return written


def _delete_stale_scores(
    store: Store,
    rows: pd.DataFrame,
    *,
    label: str,
    measure: str,
    years: Sequence[int],
    batch_size: int = 10_000,
) -> int:
    """Delete the SCORED relationships of ``label`` nodes to ``measure`` in ``years`` that
    ``rows`` (``start, year``) lacks: scores of an earlier run on regions or activities this
    run left out (e.g. by a filter). Runs after the new scores are written, so a failure leaves
    the earlier scores, never none. Returns the number deleted."""
    stored = store.read_relationships(
        "SCORED", start=label, end="Measure", properties=["year"],
        where={"year": [int(y) for y in years]},
    )
    stored = stored[stored["end"] == measure]
    if stored.empty:
        return 0
    stored = stored.assign(start=stored["start"].astype(str),
                           year=stored["year"].astype("int64"))
    keys = ["start", "year"]
    new = rows[keys].assign(start=rows["start"].astype(str))
    both = stored[keys].merge(new, on=keys, how="left", indicator=True)
    stale = both[both["_merge"] == "left_only"][keys].rename(columns={"start": "_start"})
    if stale.empty:
        return 0
    key = schema.quote(schema.node(label).key)
    query = (
        f"UNWIND $rows AS row MATCH (n:{schema.quote(label)} {{{key}: row._start}})"
        "-[s:SCORED {year: row.year}]->(:Measure {id: $measure}) DELETE s"
    )
    payload = frame_to_rows(stale)
    for i in range(0, len(payload), batch_size):
        store.run(query, {"rows": payload[i : i + batch_size], "measure": measure}, write=True)
    return len(stale)


def clear_pair_measures(
    store: Store,
    table: pd.DataFrame,
    *,
    activity: str = "Product",
    measures: Sequence[str],
    years: Sequence[int],
    batch_size: int = 10_000,
) -> int:
    """Remove ``measures`` from the observed relationships of ``years`` that ``table`` lacks.

    After a recompute wrote ``measures`` on the pairs of ``table`` (``region, activity,
    year``), the pairs an earlier run covered and this one left out (e.g. regions dropped by a
    filter) would keep the earlier values; this sets those properties to null on them. Returns
    the number of relationships cleared.
    """
    rel, _ = _activity_rel(activity)
    if not measures or not years:
        return 0
    first = measures[0]
    stored = store.read_relationships(
        rel, start="Region", end=activity, properties=["year", first],
        where={"year": [int(y) for y in years]},
    )
    stored = stored[stored[first].notna()]
    if stored.empty:
        return 0
    keys = ["start", "end", "year"]
    stored = stored.assign(start=stored["start"].astype(str), end=stored["end"].astype(str),
                           year=stored["year"].astype("int64"))
    new = pd.DataFrame({"start": table["region"].astype(str).to_numpy(),
                        "end": table["activity"].astype(str).to_numpy(),
                        "year": table["year"].astype("int64").to_numpy()})
    both = stored[keys].merge(new, on=keys, how="left", indicator=True)
    stale = both[both["_merge"] == "left_only"][keys].rename(
        columns={"start": "_start", "end": "_end"})
    if stale.empty:
        return 0
    r_key = schema.quote(schema.node("Region").key)
    a_key = schema.quote(schema.node(activity).key)
    sets = ", ".join(f"r.{schema.quote(m)} = null" for m in measures)
    query = (
        f"UNWIND $rows AS row MATCH (:Region {{{r_key}: row._start}})-[r:{rel} {{year: row.year}}]"
        f"->(:{schema.quote(activity)} {{{a_key}: row._end}}) SET {sets}"
    )
    payload = frame_to_rows(stale)
    for i in range(0, len(payload), batch_size):
        store.run(query, {"rows": payload[i : i + batch_size]}, write=True)
    return len(stale)


def delete_proximity(
    store: Store,
    *,
    activity: str = "Product",
    years: Sequence[int],
    method: str,
    batch_size: int = 50_000,
) -> int:
    """Delete the PROXIMITY relationships of ``activity`` nodes of these years and method.

    Runs in slices of ``batch_size`` relationships (one transaction each on Neo4j). Returns the
    number deleted.
    """
    schema.node(activity)
    query = (
        f"MATCH (:{activity})-[r:PROXIMITY]->(:{activity}) "
        "WHERE r.year IN $years AND r.method = $method "
        "WITH r LIMIT $limit DELETE r RETURN count(*) AS n"
    )
    params = {"years": [int(y) for y in years], "method": method, "limit": int(batch_size)}
    total = 0
    while True:
        out = store.run(query, params, write=True)
        n = int(out["n"].iloc[0]) if len(out) else 0
        total += n
        if n < batch_size:
            return total


def write_proximity(
    store: Store,
    table: pd.DataFrame,
    *,
    activity: str = "Product",
    method: str,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 10_000,
) -> int:
    """Make the proximities of the table's years and ``method`` in the graph those of ``table``.

    ``table`` has ``activity_a, activity_b, year, proximity`` and optionally ``backbone``
    (bool: the pair belongs to the product-space backbone). Each unordered pair is stored once,
    ``(:activity {code: lower})-[:PROXIMITY {year, method, phi, backbone}]->(:activity)``;
    the direction carries no meaning. Stored pairs of those years and method that are not in
    ``table`` (e.g. below a new threshold) are deleted; the others are merged, so writing the
    same table twice leaves the same graph. Returns the number of relationships written.
    """
    rows = pd.DataFrame(
        {
            "start": table["activity_a"].to_numpy(),
            "end": table["activity_b"].to_numpy(),
            "year": table["year"].astype("int64").to_numpy(),
            "method": method,
            "phi": table["proximity"].astype("float64").to_numpy(),
        }
    )
    if "backbone" in table.columns:
        rows["backbone"] = table["backbone"].astype(bool).to_numpy()
    spec = schema.relationship("PROXIMITY")
    rows = canonical_pairs(spec, rows, activity, activity, "start", "end")
    years = sorted(pd.unique(rows["year"]).tolist())
    if years:
        _delete_stale_proximity(store, rows, activity=activity, years=years, method=method,
                                batch_size=batch_size)
    return store.upsert_relationships(
        "PROXIMITY", rows, start=activity, end=activity, progress=progress
    )


def _delete_stale_proximity(
    store: Store,
    rows: pd.DataFrame,
    *,
    activity: str,
    years: Sequence[int],
    method: str,
    batch_size: int,
) -> int:
    """Delete the stored PROXIMITY pairs of these years and method that ``rows`` lacks."""
    stored = store.read_relationships(
        "PROXIMITY", start=activity, end=activity, properties=["year", "method"],
        where={"year": [int(y) for y in years], "method": [method]},
    )
    if stored.empty:
        return 0
    stored["year"] = stored["year"].astype("int64")
    keys = ["start", "end", "year"]
    both = stored[keys].merge(rows[keys], on=keys, how="left", indicator=True)
    stale = both[both["_merge"] == "left_only"][keys].rename(
        columns={"start": "_start", "end": "_end"})
    if stale.empty:
        return 0
    key = schema.quote(schema.node(activity).key)
    query = (
        f"UNWIND $rows AS row MATCH (a:{activity} {{{key}: row._start}})"
        f"-[r:PROXIMITY {{year: row.year, method: $method}}]->(b:{activity} {{{key}: row._end}}) "
        "DELETE r"
    )
    payload = frame_to_rows(stale)
    for i in range(0, len(payload), batch_size):
        store.run(query, {"rows": payload[i : i + batch_size], "method": method}, write=True)
    return len(stale)


_upsert_measure = write_measure  # the name used before write_measure was public
