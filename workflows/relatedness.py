"""Relatedness on the graph (or a file): proximity between activities, density, COG, RCA and M
of every region and activity, every year at once, written back.

Density is Hidalgo et al.'s (2007) omega (0-1; ``density_scale="percent"`` and ``diagonal=0``
give Balland's relatedness density), COG the Growth Lab's complexity outlook gain. On the graph,
rca, m, density and cog land on the observed relationships, and
``(:Product)-[:PROXIMITY {year, method, phi, backbone}]-(:Product)`` once per unordered pair with
phi >= ``min_proximity`` plus the backbone (the maximum spanning tree and every pair with phi >=
``backbone_threshold``, Hidalgo et al. 2007).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..graph_models import results
from ..graph_models.store import Store
from ._base import Say, activity_label, progress_bar, silent
from .engine import FILTER_KEYS, engine_data, filters, run_engine
from .specialisation import years_list
from .tables import named

__all__ = [
    "DEFAULT_MIN_PROXIMITY",
    "DEFAULT_BACKBONE_THRESHOLD",
    "relatedness",
    "write_relatedness",
]

#: PROXIMITY relationships written to the graph: phi at least this, plus the backbone.
DEFAULT_MIN_PROXIMITY = 0.3
#: The backbone: the maximum spanning tree plus every pair with phi at least this.
DEFAULT_BACKBONE_THRESHOLD = 0.55


def relatedness(
    store: Store | None,
    *,
    activity: str = "product",
    year: int | Sequence[int] | None = None,
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
    min_region_total: float | None = None,
    min_activity_total: float | None = None,
    exclude_activities: Sequence[str] | None = None,
    proximity: bool = False,
    min_proximity: float | None = None,
    backbone_threshold: float = DEFAULT_BACKBONE_THRESHOLD,
    write: bool = True,
    names: bool = True,
    input_file: str | Path | None = None,
    region_col: str = "region",
    activity_col: str = "activity",
    value_col: str = "value",
    year_col: str | None = None,
    encoding: str = "utf-8",
    say: Say = silent,
) -> pd.DataFrame:
    """Density, COG, RCA and M of every region and activity present in each year (or, with
    ``proximity``, the proximity pairs), written back unless ``write=False``.

    Pair rows: region, region_name, activity, activity_name, year, rca, m, density, cog (rca is
    0 for a pair without a value). With ``proximity``: activity_a, activity_a_name, activity_b,
    activity_b_name, year, proximity, one row per unordered pair, zeros left out, and only
    pairs with proximity >= ``min_proximity`` when it is given. ``min_proximity`` (default
    :data:`DEFAULT_MIN_PROXIMITY`) also chooses the PROXIMITY relationships written. With
    ``input_file`` nothing is written (see :func:`~smartspec.workflows.complexity.complexity`
    for the file and engine arguments, which are the same). ``names=False`` leaves the name
    columns out (faster on the 663,490 pairs of the world trade).

    ``attrs``: ``parameters``, ``notes``, ``rows`` (pairs, proximity pairs, regions and
    activities computed) and, when written, ``graph`` (what was written: pairs_written,
    proximity_written, backbone_pairs, min_proximity, backbone_threshold).
    ``smartspec compute relatedness --format csv`` prints the same table.

    >>> import smartspec
    >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
    >>> _ = g.load_trade(trade_csv, year=2017, classification="HS92")
    >>> g.relatedness(proximity=True)[["activity_a", "activity_b", "proximity"]]
      activity_a activity_b  proximity
    0       0101       8703        0.5
    1       3004       8802        0.5
    2       8703       8802        0.5
    >>> g.relatedness().attrs["graph"]["proximity_written"]
    3
    >>> g.close()
    """
    label = activity_label(activity)
    chosen = filters(min_region_total, min_activity_total, exclude_activities)
    from_file = input_file is not None
    source = None if from_file else store
    write = write and source is not None
    data = engine_data(source, activity=activity, years=years_list(year), input_file=input_file,
                       region_col=region_col, activity_col=activity_col, value_col=value_col,
                       year_col=year_col, encoding=encoding, chosen=chosen, say=say)
    tables, params, notes = run_engine(
        data, method=method, threshold=threshold, standardise=standardise, ddof=ddof, sign=sign,
        components=components, fitness_iterations=fitness_iterations,
        proximity_measure=proximity_measure, diagonal=diagonal, density_scale=density_scale,
        cog_normaliser=cog_normaliser, pairs=proximity or write)
    params.update(chosen)
    params["source"] = str(input_file) if from_file else store.describe()
    extra: dict[str, Any] = {}
    if write:
        extra = write_relatedness(
            source, tables, data, label, params,
            DEFAULT_MIN_PROXIMITY if min_proximity is None else min_proximity,
            backbone_threshold, say=say)
    if proximity:
        frame = tables["proximity"]
        if min_proximity is not None:
            frame = frame[frame["proximity"] >= min_proximity].reset_index(drop=True)
    else:
        frame = tables["pairs"]
    if names:
        frame = named(source, frame, label)
    frame.attrs = {"parameters": params, "notes": notes,
                   "rows": {k: len(v) for k, v in tables.items()}, **extra}
    return frame


def write_relatedness(store: Store, tables: dict[str, pd.DataFrame], data: pd.DataFrame,
                      label: str, params: dict[str, Any], min_proximity: float,
                      backbone_threshold: float, say: Say = silent) -> dict[str, Any]:
    """Write rca, m, density and cog on the observed relationships and the PROXIMITY pairs of
    :func:`~smartspec.workflows.engine.run_engine` (run with ``pairs=True``); returns
    ``{"graph": what was written}``."""
    from ..algorithms.projection import backbone

    keys = ["region", "activity", "year"]
    observed = tables["pairs"].merge(data[keys].drop_duplicates(), on=keys)
    on_rel = {
        "rca_method": params["rca_method"],
        "rca_threshold": params["rca_threshold"],
        "proximity_method": params["proximity_measure"],
        "density_diagonal": params["proximity_diagonal"],
        "density_scale": params["density_scale"],
        "cog_normaliser": params["cog_normaliser"],
    }
    t0 = time.perf_counter()
    with progress_bar("writing rca, m, density, cog", total=len(observed)) as advance:
        n_pairs = results.write_pair_measures(store, observed, activity=label,
                                              measures=["rca", "m", "density", "cog"],
                                              parameters=on_rel, progress=advance)
    if any(k in params for k in FILTER_KEYS):
        # pairs of these years that this run's filters left out lose an earlier run's density
        # and COG (without filters every observed pair was written just now)
        results.clear_pair_measures(store, observed, activity=label,
                                    measures=["density", "cog", "proximity_method",
                                              "density_diagonal", "density_scale",
                                              "cog_normaliser"],
                                    years=params["years"] or [])
    t_pairs = time.perf_counter() - t0
    prox = tables["proximity"]
    if len(prox):
        bb = backbone(prox, threshold=backbone_threshold)
        key = ["activity_a", "activity_b", "year"]
        prox = prox.merge(bb[key].assign(backbone=True), on=key, how="left")
        prox["backbone"] = prox["backbone"].fillna(False).astype(bool)
        keep = prox[(prox["proximity"] >= min_proximity) | prox["backbone"]]
    else:
        keep = prox.assign(backbone=pd.Series(dtype=bool))
    t0 = time.perf_counter()
    with progress_bar("writing proximity", total=len(keep)) as advance:
        n_prox = results.write_proximity(store, keep, activity=label,
                                         method=params["proximity_measure"], progress=advance)
    t_prox = time.perf_counter() - t0
    written = {
        "pairs_written": int(n_pairs),
        "proximity_written": int(n_prox),
        "proximity_pairs": int(len(prox)),
        "backbone_pairs": int(prox["backbone"].sum()) if len(prox) else 0,
        "min_proximity": float(min_proximity),
        "backbone_threshold": float(backbone_threshold),
    }
    stored = {k: v for k, v in params.items() if k != "source"}
    results.write_measure(store, label, "relatedness", {**stored, **written})
    say(f"wrote rca, m, density, cog on {n_pairs:,} observed relationships in {t_pairs:.1f} s; "
        f"{n_prox:,} of {len(prox):,} non-zero PROXIMITY pairs (phi >= {min_proximity:g} or "
        f"in the backbone: {written['backbone_pairs']:,}) in {t_prox:.1f} s")
    return {"graph": written}
