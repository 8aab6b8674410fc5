"""``smartspec compute``: measures computed from the graph (or a file) and written back to it.

The commands parse options and print; the work is :mod:`smartspec.workflows` (specialisation,
complexity, relatedness), re-exported here under the names other commands import.
"""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
import pandas as pd

from ..algorithms import specialisation as spec
from ..algorithms._validation import ValidationError
from ..graph_models.schema import SchemaError
from ..graph_models.store import StoreError
from ..loaders._io import LoaderError
from ..workflows.complexity import complexity as complexity_workflow
from ..workflows.complexity import write_complexity
from ..workflows.engine import ENGINE_METHODS, FILTER_KEYS, read_input, run_engine
from ..workflows.relatedness import DEFAULT_MIN_PROXIMITY, write_relatedness
from ..workflows.relatedness import relatedness as relatedness_workflow
from ..workflows.specialisation import run_specialisation
from ..workflows.specialisation import specialisation as specialisation_workflow
from ..workflows.tables import file_names, named, ranked, with_names
from ._common import emit, fail, format_option, output_option, render, say, store_from

__all__ = [
    "compute",
    "run_specialisation",
    "run_engine",
    "read_input",
    "DEFAULT_MIN_PROXIMITY",
    "ENGINE_METHODS",
    "FILTER_KEYS",
    "with_names",
    "file_names",
    "ranked",
    "write_complexity",
    "write_relatedness",
]

ACTIVITY_CHOICE = click.Choice(["product", "technology", "industry"])


@click.group()
def compute() -> None:
    """Compute measures on the stored data and write them back to the graph."""


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
    if threshold is not None and threshold < 0 and method == "balassa":
        fail("--threshold must be >= 0 for Balassa RCA")
    with store_from(ctx) as store:
        frame = specialisation_workflow(store, activity=activity, method=method,
                                        threshold=threshold, year=years, table=table)
    emit(frame, fmt, output)


# -- complexity and relatedness ------------------------------------------------------------------


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


def _workflow_kwargs(ctx: click.Context, opts: dict[str, Any]) -> dict[str, Any]:
    """The options of the engine as the workflow's arguments."""
    return {
        "activity": opts["activity"],
        "year": list(opts["years"]) or None,
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
        "min_region_total": opts.get("min_region_total"),
        "min_activity_total": opts.get("min_activity_total"),
        "exclude_activities": list(opts.get("exclude_activities") or []) or None,
        "write": not opts["no_write"],
        "input_file": opts["input_file"],
        "region_col": opts["region_col"],
        "activity_col": opts["activity_col"],
        "value_col": opts["value_col"],
        "year_col": opts["year_col"] if _explicit(ctx, "year_col") else None,
        "encoding": opts["encoding"],
        "say": say,
    }


def _store_or_file(ctx: click.Context, opts: dict[str, Any]):
    """The store, or nothing when the command computes on --input."""
    return contextlib.nullcontext() if opts["input_file"] is not None else store_from(ctx)


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
    with _store_or_file(ctx, opts) as store:
        frame = complexity_workflow(store, activities=show_activities, top=top,
                                    **_workflow_kwargs(ctx, opts))
    emit(frame, fmt, output)
    _report(frame.attrs["parameters"], frame.attrs["notes"], output, frame.attrs["rows"])


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
    summary = fmt == "table" and output is None and not show_all
    with _store_or_file(ctx, opts) as store:
        frame = relatedness_workflow(
            store, proximity=show_proximity,
            min_proximity=min_proximity if _explicit(ctx, "min_proximity") else None,
            backbone_threshold=backbone_threshold, names=not summary,
            **_workflow_kwargs(ctx, opts))
        label = opts["activity"].capitalize() if store is not None else "activity"
        head = named(store, _top_related(frame, top), label) if summary else None
    if summary:
        click.echo(_related_summary(frame, head, label.lower(), show_proximity), nl=False)
    else:
        emit(frame, fmt, output)
    extra = {"graph": frame.attrs["graph"]} if "graph" in frame.attrs else {}
    _report(frame.attrs["parameters"], frame.attrs["notes"], output, frame.attrs["rows"], extra)


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
