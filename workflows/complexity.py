"""Economic complexity on the graph (or a file): ECI, Fitness, COI of regions; PCI, complexity and
ubiquity of activities, every year at once, written back as ``SCORED`` relationships.

ECI/PCI are the eigenvector form (Hausmann et al. 2011), fitness and complexity the Tacchella et
al. (2012) map with a fixed number of updates, COI the Growth Lab's complexity outlook
(z-scored); the defaults follow the Atlas / Growth Lab, and the conventions used are recorded
with the scores (the ``parameters`` of ``(:Measure {id: 'Product:complexity'})``) and returned in
``DataFrame.attrs["parameters"]``.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ..graph_models import results
from ..graph_models.store import Store
from ._base import Say, activity_label, silent
from .engine import engine_data, filters, run_engine
from .specialisation import years_list
from .tables import named, ranked

__all__ = ["complexity", "write_complexity"]


def complexity(
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
    activities: bool = False,
    top: int = 0,
    write: bool = True,
    input_file: str | Path | None = None,
    region_col: str = "region",
    activity_col: str = "activity",
    value_col: str = "value",
    year_col: str | None = None,
    encoding: str = "utf-8",
    say: Say = silent,
) -> pd.DataFrame:
    """ECI, Fitness, COI and diversity of regions (or, with ``activities``, PCI, complexity and
    ubiquity of activities) for every year (or ``year``), written back unless ``write=False``.

    Region rows: region, region_name, year, diversity, eci, fitness, coi, component (0 = the
    largest component of the region-activity network; ECI is empty outside it unless
    ``components="each"``), by year and highest ECI first; activity rows: activity,
    activity_name, year, ubiquity, pci, complexity, component, highest PCI first. ``top`` keeps
    that many rows per year. With ``input_file`` (a CSV/TSV ``region_col, activity_col,
    value_col[, year_col]``; ``store`` may be None) nothing is written and region_name is the
    ISO 3166 name of country codes. ``method``: balassa, additive or given (values are M);
    ``ddof=1, standardise="own", sign="ubiquity"`` give the R / OEC conventions. The filters
    keep regions / activities whose total in a period is at least ``min_region_total`` /
    ``min_activity_total`` and leave out ``exclude_activities``.

    ``attrs``: ``parameters`` (every convention, as recorded on the graph, plus ``source``),
    ``notes`` (warnings, e.g. a disconnected network) and ``rows`` (regions and activities
    computed). ``smartspec compute complexity`` prints the same table.

    >>> import smartspec
    >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
    >>> _ = g.load_trade(trade_csv, year=2017, classification="HS92")
    >>> g.complexity(year=2017)[["region", "region_name", "diversity", "eci"]].round(3)
      region region_name  diversity    eci
    0    DEU     Germany          2  1.387
    1    FRA      France          2  0.470
    2    ITA       Italy          2 -0.674
    3    ESP       Spain          1 -1.183
    >>> pci = g.complexity(activities=True)
    >>> pci[["activity", "activity_name", "ubiquity", "pci"]].round(3)
      activity                  activity_name  ubiquity    pci
    0     3004          Medicaments, packaged         1  1.670
    1     8802  Other aircraft and spacecraft         2  1.105
    2     8703                           Cars         2 -0.165
    3     0101                         Horses         2 -1.183
    >>> pci.attrs["parameters"]["rca_method"], pci.attrs["parameters"]["ddof"]
    ('balassa', 0)
    >>> g.close()
    """
    label = activity_label(activity)
    chosen = filters(min_region_total, min_activity_total, exclude_activities)
    from_file = input_file is not None
    source = None if from_file else store
    data = engine_data(source, activity=activity, years=years_list(year), input_file=input_file,
                       region_col=region_col, activity_col=activity_col, value_col=value_col,
                       year_col=year_col, encoding=encoding, chosen=chosen, say=say)
    tables, params, notes = run_engine(
        data, method=method, threshold=threshold, standardise=standardise, ddof=ddof, sign=sign,
        components=components, fitness_iterations=fitness_iterations,
        proximity_measure=proximity_measure, diagonal=diagonal, density_scale=density_scale,
        cog_normaliser=cog_normaliser, pair_table=False)
    params.update(chosen)
    params["source"] = str(input_file) if from_file else store.describe()
    if source is not None and write:
        write_complexity(source, tables, label, params, say=say)
    which, score = ("activities", "pci") if activities else ("regions", "eci")
    frame = named(source, ranked(tables[which], score, top), label)
    frame.attrs = {"parameters": params, "notes": notes,
                   "rows": {k: len(v) for k, v in tables.items() if k != "pairs"}}
    return frame


def write_complexity(store: Store, tables: dict[str, pd.DataFrame], label: str,
                     params: dict[str, Any], say: Say = silent) -> None:
    """Write the region and activity scores of :func:`~smartspec.workflows.engine.run_engine`
    as ``SCORED`` relationships to ``(:Measure {id: '<label>:complexity'})``, with the
    conventions (``params`` but ``source``)."""
    t0 = time.perf_counter()
    stored = {k: v for k, v in params.items() if k != "source"}
    n_r = results.write_scores(store, tables["regions"], label="Region", activity=label,
                               family="complexity",
                               scores=["diversity", "eci", "fitness", "coi"], parameters=stored)
    n_a = results.write_scores(store, tables["activities"], label=label, activity=label,
                               family="complexity",
                               scores=["ubiquity", "pci", "complexity"], parameters=stored)
    say(f"wrote {n_r:,} region and {n_a:,} {label.lower()} scores to "
        f"(:Measure {{id: '{results.measure_id(label, 'complexity')}'}}) in "
        f"{time.perf_counter() - t0:.1f} s")
