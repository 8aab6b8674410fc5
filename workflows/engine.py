"""The data complexity and relatedness are computed on, and the engine that computes them.

Both read a long table ``region, activity, year, value`` (from the store's observed activity or
from a CSV/TSV file), apply the region and activity filters, and run
:func:`smartspec.algorithms.pipeline.compute_all` with the Growth Lab / Atlas conventions by
default, recording every convention used with the results.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..algorithms import specialisation as spec
from ..graph_models import results
from ..graph_models.store import Store
from ..loaders._io import parse_numeric, parse_year, read_table, require_codes, require_columns
from ._base import Say, WorkflowError, activity_label, silent

__all__ = [
    "ENGINE_METHODS",
    "FILTER_KEYS",
    "read_input",
    "engine_data",
    "filters",
    "apply_filters",
    "run_engine",
]

#: ``method``: the RCA formula, or ``given`` when the values already are M (0/1).
ENGINE_METHODS = ("balassa", "additive", "given")
REGION_COLUMNS = ["region", "year", "diversity", "eci", "fitness", "coi", "component"]
ACTIVITY_COLUMNS = ["activity", "year", "ubiquity", "pci", "complexity", "component"]
PAIR_COLUMNS = ["region", "activity", "year", "rca", "m", "density", "cog"]
PROXIMITY_COLUMNS = ["activity_a", "activity_b", "year", "proximity"]

#: The region and activity filters of complexity and relatedness, as recorded.
FILTER_KEYS = ("min_region_total", "min_activity_total", "exclude_activities")


def read_input(
    path: str | Path,
    *,
    region_col: str = "region",
    activity_col: str = "activity",
    value_col: str = "value",
    year_col: str = "year",
    year_required: bool = False,
    encoding: str = "utf-8",
) -> pd.DataFrame:
    """Read a long table ``region, activity[, year], value`` from a CSV/TSV (maybe gzipped) or
    Parquet file.

    Codes stay text; an empty value is missing (left out, not a zero); without the year column
    the file is one period (unless ``year_required``). Errors name the file, column and lines.
    """
    path = Path(path)
    cols = [region_col, activity_col, year_col, value_col]
    frame = read_table(path, encoding=encoding, keep_numbers=True, categorical=cols[:2],
                       numeric=cols[2:], usecols=lambda header: [c for c in cols if c in header]
                       if set(cols[:2] + cols[3:]) <= set(header) else None)
    need = [region_col, activity_col, value_col] + ([year_col] if year_required else [])
    require_columns(frame, need, path=path)
    out = pd.DataFrame(
        {
            "region": require_codes(frame, region_col, path=path),
            "activity": require_codes(frame, activity_col, path=path),
        }
    )
    if year_col in frame.columns:
        out["year"] = parse_year(frame, year_col, path=path)
    out["value"] = parse_numeric(frame, value_col, path=path)
    return out


def filters(
    min_region_total: float | None = None,
    min_activity_total: float | None = None,
    exclude_activities: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The region and activity filters asked for, as recorded with the results.

    >>> filters(min_region_total=1e9, exclude_activities=["9999", "0101"])
    {'min_region_total': 1000000000.0, 'exclude_activities': ['0101', '9999']}
    """
    chosen = {
        "min_region_total": min_region_total,
        "min_activity_total": min_activity_total,
        "exclude_activities": sorted(exclude_activities or []) or None,
    }
    return {k: v for k, v in chosen.items() if v is not None}


def apply_filters(data: pd.DataFrame, chosen: dict[str, Any], say: Say = silent) -> pd.DataFrame:
    """Apply the :func:`filters` chosen, saying how many regions and activities went."""
    if not chosen:
        return data
    kept = spec.filter_totals(data, **chosen)
    for key, what in (("region", "regions"), ("activity", "activities")):
        before = data[key].nunique()
        after = kept[key].nunique()
        if after < before:
            say(f"filters: left out {before - after:,} of {before:,} {what}")
    return kept


def engine_data(
    store: Store | None,
    *,
    activity: str = "product",
    years: Sequence[int] | None = None,
    input_file: str | Path | None = None,
    region_col: str = "region",
    activity_col: str = "activity",
    value_col: str = "value",
    year_col: str | None = None,
    encoding: str = "utf-8",
    chosen: dict[str, Any] | None = None,
    say: Say = silent,
) -> pd.DataFrame:
    """The long table to compute on: from ``input_file`` when given (``year_col`` named: the
    file must have it; else ``year`` when present), else the store's observed ``activity``;
    only ``years``, positive values and what the filters ``chosen`` keep."""
    years = list(years or []) or None
    if input_file is not None:
        data = read_input(
            input_file,
            region_col=region_col,
            activity_col=activity_col,
            value_col=value_col,
            year_col=year_col or "year",
            year_required=year_col is not None or bool(years),
            encoding=encoding,
        )
        where = str(input_file)
        if years:
            data = data[data["year"].isin(years)]
    else:
        if store is None:
            raise WorkflowError("give a store or an input file to compute on")
        data = results.read_activity(store, activity=activity_label(activity), years=years)
        where = store.describe()
    data = data[data["value"].notna()]
    data = apply_filters(data, chosen or {}, say)
    if data.empty or not (data["value"] > 0).any():
        what = f" for year(s) {', '.join(map(str, years))}" if years else ""
        if input_file is not None:
            raise WorkflowError(f"no positive values{what} in {where}")
        raise WorkflowError(f"no {activity_label(activity)} data{what} in {where}; load some "
                            "first (smartspec load trade FILE)")
    return data


def run_engine(
    data: pd.DataFrame,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    standardise: str = "eci",
    ddof: int = 0,
    sign: str = "diversity",
    components: str = "largest",
    fitness_iterations: int = 200,
    proximity_measure: str = "conditional",
    diagonal: float = 1.0,
    density_scale: str = "unit",
    cog_normaliser: str = "activity",
    pairs: bool = False,
    pair_table: bool = True,
) -> tuple[dict[str, pd.DataFrame], dict[str, Any], list[str]]:
    """Run :func:`~smartspec.algorithms.pipeline.compute_all` with the CLI's conventions.

    Returns the tables (``regions``, ``activities`` and ``pairs`` restricted to regions and
    activities present in their period; ``proximity`` with every non-zero pair when ``pairs``),
    the parameters that made them (recorded with every result) and the warnings raised (e.g. a
    disconnected region-activity network). ``pair_table=False`` skips the region x activity
    table (density, COG): COI is then computed from density one period at a time and ``pairs``
    is empty, which is what ``compute complexity`` needs.
    """
    from ..algorithms.pipeline import compute_all

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = compute_all(
            data,
            method=method,
            threshold=threshold,
            standardise=standardise,
            ddof=ddof,
            sign=sign,
            components=components,
            fitness_iterations=fitness_iterations,
            measure=proximity_measure,
            diagonal=diagonal,
            scale=density_scale,
            normaliser=cog_normaliser,
            min_proximity=0.0 if pairs else None,
            tables=["regions", "activities", "proximity", *(["density"] if pair_table else [])],
            present_only=True,
        )
    notes = [str(w.message) for w in caught if issubclass(w.category, UserWarning)]
    has_year = "year" in data.columns
    keys = ["year"] if has_year else []
    regions, activities = out["regions"], out["activities"]  # present in their period
    dens = out.get("density", pd.DataFrame(columns=PAIR_COLUMNS))
    attrs = out["regions"].attrs
    threshold_used = attrs.get("threshold")
    params: dict[str, Any] = {
        "rca_method": method,
        "rca_threshold": threshold_used,
        "pci_standardise": standardise,
        "ddof": int(ddof),
        "sign": sign,
        "components": components,
        "fitness_variant": "tacchella",
        "fitness_iterations": int(attrs.get("fitness_iterations", fitness_iterations)),
        "fitness_stopping": "fixed count",
        "proximity_measure": proximity_measure,
        "proximity_diagonal": float(diagonal),
        "density_scale": density_scale,
        "cog_normaliser": cog_normaliser,
        "coi": f"z-scored per period (ddof {int(ddof)})",
        "years": sorted(int(y) for y in regions["year"].unique()) if has_year else None,
    }
    conn = out["regions"].groupby(keys)["connected"].first() if has_year else None
    if conn is not None and not conn.all():
        params["disconnected_years"] = [int(y) for y in conn.index[~conn.to_numpy()]]
    elif conn is None and not out["regions"]["connected"].all():
        params["disconnected_years"] = [None]
    tables = {
        "regions": regions[[c for c in REGION_COLUMNS if c in regions.columns]],
        "activities": activities[[c for c in ACTIVITY_COLUMNS if c in activities.columns]],
        "pairs": dens[[c for c in PAIR_COLUMNS if c in dens.columns]],
    }
    if pairs:
        prox = out["proximity"]
        tables["proximity"] = prox[[c for c in PROXIMITY_COLUMNS if c in prox.columns]]
    return tables, params, notes
