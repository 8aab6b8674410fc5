"""The demo chain on the shipped 2017 world-trade table: load, specialisation, complexity and
relatedness, each written to the store as ``smartspec load trade`` / ``compute ...`` write it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from ..graph_models import results
from ..graph_models.store import Store
from ..loaders import datasets
from ..loaders import trade as trade_loader
from ._base import Say, progress_bar, silent
from .complexity import write_complexity
from .engine import run_engine
from .relatedness import DEFAULT_BACKBONE_THRESHOLD, DEFAULT_MIN_PROXIMITY, write_relatedness
from .space import resolve_region
from .specialisation import run_specialisation

__all__ = ["run_demo"]


def run_demo(store: Store, *, region: str = "KOR", say: Say = silent,
             log: Say = silent) -> dict[str, Any]:
    """Load the shipped world trade of 2017 into ``store`` and compute everything on it.

    ``say`` tells the steps (the store, what was loaded), ``log`` what the writes took.

    Returns ``region`` (the code ``region`` means), ``data`` (the observed exports),
    ``specialisation`` (the summary, diversity and ubiquity of
    :func:`~smartspec.workflows.specialisation.run_specialisation`), ``tables`` (regions,
    activities, pairs and proximity of the engine), ``counts`` (nodes and relationships now in
    the graph) and the stored short names of regions and products (``region_names``,
    ``product_names``).
    """
    table = datasets.world_trade_2017()
    say(f"store: {store.describe()}")
    with progress_bar("loading world trade 2017", total=len(table.data)) as advance:
        written = trade_loader.write_trade(store, table, progress=advance)
    say(f"loaded {written['exports']:,} export values of {written['regions']} countries in "
        f"{written['products']:,} products (2017; {table.missing_values:,} missing values "
        "skipped)")
    region_names = results.read_names(store, "Region", short=True)
    data = results.read_activity(store, activity="Product")
    code = resolve_region(region, pd.unique(data["region"]).tolist(), region_names,
                          where="the 2017 data")
    _, info = run_specialisation(store, activity="Product")
    # complexity and relatedness, as `smartspec compute complexity|relatedness` writes them
    tables, params, _ = run_engine(data, pairs=True)
    write_complexity(store, tables, "Product", params, say=log)
    write_relatedness(store, tables, data, "Product", params, DEFAULT_MIN_PROXIMITY,
                      DEFAULT_BACKBONE_THRESHOLD, say=log)
    return {
        "region": code,
        "data": data,
        "specialisation": info,
        "tables": tables,
        "counts": store.counts(),
        "region_names": region_names,
        "product_names": results.read_names(store, "Product", short=True),
    }
