"""``smartspec compute``: measures computed from the graph (or a file) and written back to it."""

from __future__ import annotations

import functools
import json
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ..algorithms import specialisation as spec
from ..algorithms._validation import ValidationError
from ..graph_models import results
from ..graph_models.schema import SchemaError
from ..graph_models.store import StoreError
from ..loaders._io import (
    LoaderError,
    parse_numeric,
    parse_year,
    read_table,
    require_codes,
    require_columns,
)
from ..loaders.countries import country_name
from ._common import (
    emit,
    fail,
    format_option,
    output_option,
    progress_bar,
    render,
    store_from,
)

__all__ = ["compute", "run_specialisation", "run_engine", "read_input", "DEFAULT_MIN_PROXIMITY"]

#: PROXIMITY relationships written to the graph: phi at least this, plus the backbone.
DEFAULT_MIN_PROXIMITY = 0.3

ACTIVITY_CHOICE = click.Choice(["product", "technology", "industry"])


@click.group()
def compute() -> None:
    """Compute measures on the stored data and write them back to the graph."""


def run_specialisation(
    store,
    *,
    activity: str = "Product",
    method: str = "balassa",
    threshold: float | None = None,
    years=None,
) -> tuple[pd.DataFrame, dict]:
    """Read observed activity, compute RCA / M / diversity / ubiquity, write them back.

    Returns the pair table and a summary per year.
    """
    data = results.read_activity(store, activity=activity, years=years)
    if data.empty:
        what = f" for year(s) {', '.join(map(str, years))}" if years else ""
        raise click.ClickException(
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
        results.write_pair_measures(
            store,
            pairs,
            activity=activity,
            measures=["rca", "m"],
            parameters=params,
            progress=advance,
        )
    results.write_scores(
        store,
        div,
        label="Region",
        activity=activity,
        family="specialisation",
        scores=["diversity"],
        parameters=params,
    )
    results.write_scores(
        store,
        ubi,
        label=activity,
        activity=activity,
        family="specialisation",
        scores=["ubiquity"],
        parameters=params,
    )
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


@compute.command("specialisation")
@click.option(
    "--activity",
    type=ACTIVITY_CHOICE,
    default="product",
    show_default=True,
    help="Which activities: products (EXPORTS), technologies, industries.",
)
@click.option(
    "--method",
    type=click.Choice(spec.RCA_METHODS),
    default="balassa",
    show_default=True,
    help="RCA formula.",
)
@click.option("--threshold", type=float, help="M = 1 when RCA >= threshold [1; 0 for additive].")
@click.option("--year", "years", type=int, multiple=True, help="Only this year (repeatable).")
@click.option(
    "--table",
    type=click.Choice(["summary", "pairs", "regions", "activities"]),
    default="summary",
    show_default=True,
    help="Which table to print or write.",
)
@format_option()
@output_option()
@click.pass_context
def specialisation(
    ctx: click.Context,
    activity: str,
    method: str,
    threshold: float | None,
    years: tuple[int, ...],
    table: str,
    fmt: str,
    output: Path | None,
) -> None:
    """RCA, binary specialisation M, diversity and ubiquity for every year, written back.

    RCA and M land on each observed relationship (with rca_method and rca_threshold);
    diversity and ubiquity on (:Region|:Product)-[:SCORED {year}]->(:Measure
    {id: 'Product:specialisation'}), for the regions and activities with data in the year
    (replacing earlier scores of the years computed). The summary's mean_diversity averages
    the regions with data in each year. The pairs, regions and activities tables carry
    region_name and activity_name right after the codes (empty where a node has no name).

    \b
    Examples:
      smartspec compute specialisation
      smartspec compute specialisation --table pairs --format csv --output rca.csv
      smartspec compute specialisation --method additive --year 2017
    """
    label = activity.capitalize()
    if threshold is not None and threshold < 0 and method == "balassa":
        fail("--threshold must be >= 0 for Balassa RCA")
    with store_from(ctx) as store:
        pairs, info = run_specialisation(
            store, activity=label, method=method, threshold=threshold, years=list(years) or None
        )
        frames = {
            "summary": info["summary"],
            "pairs": pairs,
            "regions": info["diversity"],
            "activities": info["ubiquity"],
        }
        frame = with_names(store, frames[table], label)
    emit(frame, fmt, output)


# -- complexity and relatedness ------------------------------------------------------------------

ENGINE_METHODS = ("balassa", "additive", "given")
REGION_COLUMNS = ["region", "year", "diversity", "eci", "fitness", "coi", "component"]
ACTIVITY_COLUMNS = ["activity", "year", "ubiquity", "pci", "complexity", "component"]
PAIR_COLUMNS = ["region", "activity", "year", "rca", "m", "density", "cog"]
PROXIMITY_COLUMNS = ["activity_a", "activity_b", "year", "proximity"]


def read_input(
    path: Path,
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
    disconnected region-activity network).
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


def _engine_options(command: Callable) -> Callable:
    """The options shared by ``compute complexity`` and ``compute relatedness``."""
    options = [
        click.option("--input", "input_file", type=click.Path(path_type=Path),
                     help="Compute from this CSV/TSV (optionally .gz) or Parquet file instead "
                          "of the store; nothing is written to the graph."),
        click.option("--region-col", default="region", show_default=True,
                     help="Region column of --input."),
        click.option("--activity-col", default="activity", show_default=True,
                     help="Activity column of --input."),
        click.option("--value-col", default="value", show_default=True,
                     help="Value column of --input."),
        click.option("--year-col", default="year", show_default=True,
                     help="Year column of --input (absent: the file is one period)."),
        click.option("--encoding", default="utf-8", show_default=True,
                     help="Text encoding of --input."),
        click.option("--activity", type=ACTIVITY_CHOICE, default="product", show_default=True,
                     help="Which stored activities: products (EXPORTS), technologies, "
                          "industries."),
        click.option("--year", "years", type=int, multiple=True,
                     help="Only this year (repeatable)."),
        click.option("--method", type=click.Choice(ENGINE_METHODS), default="balassa",
                     show_default=True,
                     help="RCA formula; 'given' when the values already are M (0/1)."),
        click.option("--threshold", type=float,
                     help="M = 1 when RCA >= threshold [1; 0 for additive]."),
        click.option("--standardise", type=click.Choice(["eci", "own"]), default="eci",
                     show_default=True,
                     help="PCI scaled with ECI's mean and sd (Growth Lab) or z-scored by its own."),
        click.option("--ddof", type=click.Choice(["0", "1"]), default="0", show_default=True,
                     help="Degrees of freedom of the sd of ECI/PCI/COI (0 Growth Lab, 1 R/OEC)."),
        click.option("--sign", type=click.Choice(["diversity", "ubiquity", "none"]),
                     default="diversity", show_default=True,
                     help="Sign rule: ECI correlates + with diversity; PCI - with ubiquity; none."),
        click.option("--components", type=click.Choice(["largest", "each"]), default="largest",
                     show_default=True,
                     help="Disconnected region-activity network: ECI/PCI on the largest "
                          "component or on each."),
        click.option("--fitness-iterations", type=click.IntRange(min=1), default=200,
                     show_default=True, help="Updates of the Fitness-Complexity map."),
        click.option("--proximity-measure",
                     type=click.Choice(["conditional", "cosine", "jaccard", "association",
                                        "correlation"]),
                     default="conditional", show_default=True,
                     help="Proximity: minimum conditional probability (Hidalgo et al. 2007) or "
                          "an alternative."),
        click.option("--diagonal", type=click.Choice(["1", "0"]), default="1",
                     show_default=True,
                     help="Proximity diagonal in density: 1 (Growth Lab, R) or 0 (OEC, "
                          "EconGeo)."),
        click.option("--density-scale", type=click.Choice(["unit", "percent"]), default="unit",
                     show_default=True, help="Density on 0-1 or 0-100 (EconGeo)."),
        click.option("--cog-normaliser", type=click.Choice(["activity", "target"]),
                     default="activity", show_default=True,
                     help="COG divides phi by the gained activity's proximity sum (Growth Lab) "
                          "or the target's (OEC)."),
        click.option("--no-write", is_flag=True,
                     help="Do not write the results back to the graph."),
        click.option("--min-region-total", type=click.FloatRange(min=0),
                     help="Keep a region in a period only when its total value is at least this "
                          "(the Atlas keeps countries exporting >= 1e9 USD); off by default."),
        click.option("--min-activity-total", type=click.FloatRange(min=0),
                     help="Keep an activity in a period only when its total is at least this."),
        click.option("--exclude-activity", "exclude_activities", multiple=True,
                     help="Leave this activity code out (repeatable; e.g. IPPR's erratic items)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _engine_kwargs(opts: dict[str, Any]) -> dict[str, Any]:
    return {
        "method": opts["method"],
        "threshold": opts["threshold"],
        "standardise": opts["standardise"],
        "ddof": int(opts["ddof"]),
        "sign": opts["sign"],
        "components": opts["components"],
        "fitness_iterations": opts["fitness_iterations"],
        "proximity_measure": opts["proximity_measure"],
        "diagonal": float(opts["diagonal"]),
        "density_scale": opts["density_scale"],
        "cog_normaliser": opts["cog_normaliser"],
    }


def _one_line_errors(command: Callable) -> Callable:
    """Turn the library's expected errors into one-line click errors."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (LoaderError, ValidationError, SchemaError, StoreError) as exc:
            raise click.ClickException(str(exc).strip().splitlines()[0]) from exc

    return wrapper


def _explicit(ctx: click.Context, name: str) -> bool:
    """Whether option ``name`` was given on the command line (not its default)."""
    return ctx.get_parameter_source(name) == click.core.ParameterSource.COMMANDLINE


def _check_options(ctx: click.Context, opts: dict[str, Any]) -> None:
    if opts["threshold"] is not None and opts["method"] == "balassa" and opts["threshold"] < 0:
        fail("--threshold must be >= 0 for Balassa RCA")
    if opts["method"] == "given" and opts["threshold"] is not None:
        fail("--threshold does not apply to --method given (the values already are M)")
    if opts["input_file"] is None:
        for name in ("region_col", "activity_col", "value_col", "year_col", "encoding"):
            if _explicit(ctx, name):
                fail(f"--{name.replace('_', '-')} applies to --input only")
    elif _explicit(ctx, "activity"):
        fail("--activity chooses stored activities; with --input name the column "
             "(--activity-col)")


def _data_from(ctx: click.Context, opts: dict[str, Any], store) -> pd.DataFrame:
    """The long table to compute on, from --input or the store."""
    years = list(opts["years"]) or None
    if opts["input_file"] is not None:
        explicit_year = _explicit(ctx, "year_col")
        data = read_input(
            opts["input_file"],
            region_col=opts["region_col"],
            activity_col=opts["activity_col"],
            value_col=opts["value_col"],
            year_col=opts["year_col"],
            year_required=explicit_year or bool(years),
            encoding=opts["encoding"],
        )
        where = str(opts["input_file"])
        if years:
            data = data[data["year"].isin(years)]
    else:
        label = opts["activity"].capitalize()
        data = results.read_activity(store, activity=label, years=years)
        where = store.describe()
    data = data[data["value"].notna()]
    data = _apply_filters(data, opts)
    if data.empty or not (data["value"] > 0).any():
        what = f" for year(s) {', '.join(map(str, years))}" if years else ""
        if opts["input_file"] is not None:
            fail(f"no positive values{what} in {where}")
        fail(f"no {opts['activity'].capitalize()} data{what} in {where}; load some first "
             "(smartspec load trade FILE)")
    return data


#: The region and activity filters of compute complexity|relatedness, as recorded.
FILTER_KEYS = ("min_region_total", "min_activity_total", "exclude_activities")


def _filters(opts: dict[str, Any]) -> dict[str, Any]:
    """The region and activity filters asked for, as recorded with the results."""
    chosen = {
        "min_region_total": opts.get("min_region_total"),
        "min_activity_total": opts.get("min_activity_total"),
        "exclude_activities": sorted(opts.get("exclude_activities") or []) or None,
    }
    return {k: v for k, v in chosen.items() if v is not None}


def _apply_filters(data: pd.DataFrame, opts: dict[str, Any]) -> pd.DataFrame:
    """Apply --min-region-total, --min-activity-total and --exclude-activity, saying what went."""
    chosen = _filters(opts)
    if not chosen:
        return data
    kept = spec.filter_totals(data, **chosen)
    for key, what in (("region", "regions"), ("activity", "activities")):
        before = data[key].nunique()
        after = kept[key].nunique()
        if after < before:
            click.echo(f"filters: left out {before - after:,} of {before:,} {what}", err=True)
    return kept


def _report(params: dict[str, Any], notes: list[str], output: Path | None,
            counts: dict[str, int], extra: dict[str, Any] | None = None) -> None:
    """Say which conventions made the result (standard error) and, with --output, write them
    next to it as ``<output>.meta.json``."""
    for note in notes:
        click.echo(f"warning: {note}", err=True)
    shown = {k: v for k, v in params.items() if k not in ("years",)}
    click.echo("conventions: " + ", ".join(f"{k}={v}" for k, v in shown.items()), err=True)
    if output is not None:
        meta = {"parameters": params, "rows": counts, **(extra or {})}
        path = output.with_name(output.name + ".meta.json")
        path.write_text(json.dumps(meta, indent=2, default=str) + "\n")
        click.echo(f"wrote the conventions to {path}", err=True)


def ranked(frame: pd.DataFrame, score: str, top: int = 0) -> pd.DataFrame:
    """``frame`` by year, highest ``score`` first (missing scores last, ties by code), keeping
    ``top`` rows per year (0: all)."""
    key = "region" if "region" in frame.columns else "activity"
    by = ["year"] if "year" in frame.columns else []
    out = frame.sort_values([*by, score, key], ascending=[*([True] * len(by)), False, True],
                            na_position="last", kind="stable")
    if top:
        out = out.groupby(by, sort=False).head(top) if by else out.head(top)
    return out.reset_index(drop=True)


#: Code columns of the tables and the label whose nodes name them (None: the activity label).
NAMED_COLUMNS = {"region": "Region", "activity": None, "activity_a": None, "activity_b": None}


def with_names(store, frame: pd.DataFrame, activity: str = "Product") -> pd.DataFrame:
    """``frame`` with ``<code column>_name`` right after each code column (``region``,
    ``activity``, ``activity_a``, ``activity_b``), read from the graph's nodes: the short name
    where a node has one (the Atlas's short product names), else its name, else empty."""
    out = frame
    for column, label in NAMED_COLUMNS.items():
        if column in out.columns:
            out = results.add_names(store, out, column, label or activity, short=True)
    return out


def file_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` computed from a file (no graph): ``region_name`` after ``region`` with the
    ISO 3166 English name where the code is an ISO alpha-3 / alpha-2 (or EU: UK, EL) country
    code, else empty. Activities of a file have no names (their classification is unknown)."""
    if "region" not in frame.columns:
        return frame
    codes = frame["region"].astype(str)
    names = {c: country_name(c) or results.NO_NAME for c in codes.unique()}
    out = frame.copy()
    out.insert(out.columns.get_loc("region") + 1, "region_name", codes.map(names).to_numpy())
    return out


@compute.command("complexity")
@_engine_options
@click.option("--activities", "show_activities", is_flag=True,
              help="Print the activity rows (activity, year, ubiquity, pci, complexity) instead "
                   "of the region rows.")
@click.option("--top", type=click.IntRange(min=0), default=0, show_default=True,
              help="Rows per year, highest ECI (PCI with --activities) first (0: all).")
@format_option()
@output_option()
@click.pass_context
@_one_line_errors
def complexity_command(ctx: click.Context, show_activities: bool, top: int, fmt: str,
                       output: Path | None, **opts: Any) -> None:
    """ECI, Fitness, COI and diversity of regions; PCI, complexity and ubiquity of activities.

    Every year at once. ECI/PCI are the eigenvector form (Hausmann et al. 2011), fitness and
    complexity the Tacchella et al. (2012) map with a fixed number of updates, COI the Growth
    Lab's complexity outlook (z-scored). Defaults follow the Atlas / Growth Lab; the conventions
    used are printed on standard error and, with --output, written to OUTPUT.meta.json.

    Region rows: region, region_name, year, diversity, eci, fitness, coi, component (0 = the
    largest component of the region-activity network; ECI is left empty outside it unless
    --components each), by year and highest ECI first. With --activities: activity,
    activity_name, year, ubiquity, pci, complexity, component, highest PCI first. --top N keeps
    N rows per year. Names come from the graph's nodes; with --input, region_name is the
    ISO 3166 country name of ISO codes (empty for other codes) and activities have no names.
    A file without a year column gives rows without year.

    On the store (after smartspec load trade) the scores are also written back as
    (:Region|:Product)-[:SCORED {year, ...}]->(:Measure {id: 'Product:complexity'}), whose
    `parameters` property holds the conventions as JSON (--no-write skips it).

    \b
    Examples:
      smartspec compute complexity
      smartspec compute complexity --activities --format csv --output pci.csv
      smartspec compute complexity --input trade.csv --region-col iso3 --activity-col hs4 \\
          --value-col usd --year-col year --format csv
      smartspec compute complexity --ddof 1 --standardise own --sign ubiquity   # R / OEC style
    """
    _check_options(ctx, opts)
    from_file = opts["input_file"] is not None
    which = "activities" if show_activities else "regions"
    score = "pci" if show_activities else "eci"
    if from_file:
        data = _data_from(ctx, opts, None)
        tables, params, notes = run_engine(data, pair_table=False, **_engine_kwargs(opts))
        params.update(_filters(opts))
        params["source"] = str(opts["input_file"])
        frame = file_names(ranked(tables[which], score, top))
    else:
        label = opts["activity"].capitalize()
        with store_from(ctx) as store:
            data = _data_from(ctx, opts, store)
            tables, params, notes = run_engine(data, pair_table=False, **_engine_kwargs(opts))
            params.update(_filters(opts))
            params["source"] = store.describe()
            if not opts["no_write"]:
                _write_complexity(store, tables, label, params)
            frame = with_names(store, ranked(tables[which], score, top), label)
    emit(frame, fmt, output)
    _report(params, notes, output, {k: len(v) for k, v in tables.items() if k != "pairs"})


def _write_complexity(store, tables: dict[str, pd.DataFrame], label: str,
                      params: dict[str, Any]) -> None:
    t0 = time.perf_counter()
    stored = {k: v for k, v in params.items() if k != "source"}
    n_r = results.write_scores(store, tables["regions"], label="Region", activity=label,
                               family="complexity",
                               scores=["diversity", "eci", "fitness", "coi"], parameters=stored)
    n_a = results.write_scores(store, tables["activities"], label=label, activity=label,
                               family="complexity",
                               scores=["ubiquity", "pci", "complexity"], parameters=stored)
    click.echo(
        f"wrote {n_r:,} region and {n_a:,} {label.lower()} scores to "
        f"(:Measure {{id: '{results.measure_id(label, 'complexity')}'}}) in "
        f"{time.perf_counter() - t0:.1f} s", err=True)


@compute.command("relatedness")
@_engine_options
@click.option("--proximity", "show_proximity", is_flag=True,
              help="Print the proximity pairs (activity_a, activity_b, year, proximity; one row "
                   "per unordered pair, zeros left out) instead of the region-activity rows.")
@click.option("--min-proximity", type=click.FloatRange(min=0), default=DEFAULT_MIN_PROXIMITY,
              show_default=True,
              help="PROXIMITY relationships written to the graph: phi >= this, plus the "
                   "backbone. Given explicitly, it also filters the --proximity table.")
@click.option("--backbone-threshold", type=click.FloatRange(min=0), default=0.55,
              show_default=True,
              help="Backbone: the maximum spanning tree plus every pair with phi >= this "
                   "(Hidalgo et al. 2007).")
@click.option("--all", "show_all", is_flag=True,
              help="Print every row as a table (by default the table format prints a summary "
                   "and the top rows; csv, json and --output always carry every row).")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Rows in the summary: highest density among pairs not yet specialised "
                   "(m = 0), or highest proximity with --proximity.")
@format_option()
@output_option()
@click.pass_context
@_one_line_errors
def relatedness_command(ctx: click.Context, show_proximity: bool, min_proximity: float,
                        backbone_threshold: float, show_all: bool, top: int, fmt: str,
                        output: Path | None, **opts: Any) -> None:
    """Density, COG, RCA and M of every region and activity; proximity between activities.

    Every year at once. Density is Hidalgo et al.'s (2007) omega (0-1; --density-scale percent
    and --diagonal 0 give Balland's relatedness density), COG the Growth Lab's complexity
    outlook gain. Pair rows: region, region_name, activity, activity_name, year, rca, m,
    density, cog for every region and activity present in the year (rca is 0 for a pair
    without a value). With --proximity: activity_a, activity_a_name, activity_b,
    activity_b_name, year, proximity, one row per unordered pair, zeros left out. Names come
    from the graph's nodes (with --input: ISO country names of regions, no activity names).
    The tables are large (663,490 pairs for the 2017 world trade): the table format prints a
    summary and the --top rows; --all prints every row, and csv, json and --output carry every
    row. The conventions used are printed on standard error and, with --output, written to
    OUTPUT.meta.json.

    On the store (after smartspec load trade) the results are also written back (--no-write
    skips it): rca, m, density and cog with their conventions on the observed EXPORTS
    relationships (pairs without a value have no relationship to carry them), and
    (:Product)-[:PROXIMITY {year, method, phi, backbone}]-(:Product), once per unordered pair,
    for pairs with phi >= --min-proximity plus the backbone (backbone = true), replacing earlier
    ones of the same years and method. The default 0.3 keeps 64k of the 703k non-zero pairs of
    the 1,222 HS products of 2017 (0.1 would keep 499k, a write of minutes on the embedded
    store); --min-proximity 0 writes them all.

    \b
    Examples:
      smartspec compute relatedness
      smartspec compute relatedness --proximity --format csv --output proximity.csv
      smartspec compute relatedness --min-proximity 0.55 --year 2017
      smartspec compute relatedness --input patents.csv --region-col nuts2 \\
          --activity-col ipc --value-col count --diagonal 0 --density-scale percent
    """
    _check_options(ctx, opts)
    explicit_min = _explicit(ctx, "min_proximity")
    from_file = opts["input_file"] is not None
    write = not from_file and not opts["no_write"]
    need_pairs = show_proximity or write
    extra: dict[str, Any] = {}
    summary = fmt == "table" and output is None and not show_all

    def shown(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
        if show_proximity:
            frame = tables["proximity"]
            if explicit_min:
                frame = frame[frame["proximity"] >= min_proximity].reset_index(drop=True)
            return frame
        return tables["pairs"]

    if from_file:
        data = _data_from(ctx, opts, None)
        tables, params, notes = run_engine(data, pairs=need_pairs, **_engine_kwargs(opts))
        params.update(_filters(opts))
        params["source"] = str(opts["input_file"])
        frame = shown(tables)
        head = file_names(_top_related(frame, top)) if summary else None
        frame = frame if summary else file_names(frame)
        label = "activity"
    else:
        label = opts["activity"].capitalize()
        with store_from(ctx) as store:
            data = _data_from(ctx, opts, store)
            tables, params, notes = run_engine(data, pairs=need_pairs, **_engine_kwargs(opts))
            params.update(_filters(opts))
            params["source"] = store.describe()
            if write:
                extra = _write_relatedness(store, tables, data, label, params,
                                           min_proximity, backbone_threshold)
            frame = shown(tables)
            head = with_names(store, _top_related(frame, top), label) if summary else None
            frame = frame if summary else with_names(store, frame, label)
    if summary:
        click.echo(_related_summary(frame, head, label.lower(), show_proximity), nl=False)
    else:
        emit(frame, fmt, output)
    _report(params, notes, output, {k: len(v) for k, v in tables.items()}, extra)


def _top_related(frame: pd.DataFrame, top: int) -> pd.DataFrame:
    """The rows a summary shows: highest proximity, or highest density among pairs with m = 0
    (the region's candidate activities), ties by code."""
    if "proximity" in frame.columns:
        keys, score = ["activity_a", "activity_b"], "proximity"
        rows = frame
    else:
        keys, score = ["region", "activity"], "density"
        rows = frame[frame["m"] == 0]
    by = [score, *keys] + (["year"] if "year" in frame.columns else [])
    return rows.sort_values(by, ascending=[False, *([True] * (len(by) - 1))],
                            kind="stable").head(top).reset_index(drop=True)


def _related_summary(frame: pd.DataFrame, head: pd.DataFrame, noun: str,
                     proximity: bool) -> str:
    """What the table format prints instead of every row of ``compute relatedness``."""
    nouns = {"product": "products", "technology": "technologies", "industry": "industries"}
    plural = nouns.get(noun, "activities")
    years = ""
    if "year" in frame.columns and len(frame):
        per_year = frame.groupby("year").size()
        years = " (" + ", ".join(f"{y}: {n:,}" for y, n in per_year.items()) + ")"
    if proximity:
        acts = pd.unique(pd.concat([frame["activity_a"], frame["activity_b"]])).size
        lines = [f"{len(frame):,} proximity pairs{years} between {acts:,} {plural}\n",
                 f"\nHighest proximity, top {len(head)}:\n"]
    else:
        lines = [f"{len(frame):,} region-{noun} pairs{years}: {frame['region'].nunique():,} "
                 f"regions, {frame['activity'].nunique():,} {plural}, "
                 f"{int((frame['m'] == 1).sum()):,} with m = 1\n",
                 f"\nHighest density among pairs not yet specialised (m = 0), top {len(head)}:\n"]
    lines.append(render(head.round(4), "table"))
    lines.append(f"\nAll {len(frame):,} rows: --output FILE (with --format csv or json), "
                 "or --all to print them here.\n")
    return "".join(lines)


def _write_relatedness(store, tables: dict[str, pd.DataFrame], data: pd.DataFrame, label: str,
                       params: dict[str, Any], min_proximity: float,
                       backbone_threshold: float) -> dict[str, Any]:
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
    click.echo(
        f"wrote rca, m, density, cog on {n_pairs:,} observed relationships in {t_pairs:.1f} s; "
        f"{n_prox:,} of {len(prox):,} non-zero PROXIMITY pairs (phi >= {min_proximity:g} or "
        f"in the backbone: {written['backbone_pairs']:,}) in {t_prox:.1f} s", err=True)
    return {"graph": written}
