"""``smartspec compute``: measures computed from the graph and written back to it."""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from ..algorithms import specialisation as spec
from ..graph_models import results
from ._common import emit, fail, format_option, output_option, progress_bar, store_from

__all__ = ["compute", "run_specialisation"]

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
    div = spec.diversity(panel, method=method, threshold=threshold)
    ubi = spec.ubiquity(panel, method=method, threshold=threshold)
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
    summary["mean_diversity"] = div.groupby("year")["diversity"].mean().round(1).to_numpy()
    return pairs, {"summary": summary, "diversity": div, "ubiquity": ubi, "parameters": params}


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
    {id: 'Product:specialisation'}).

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
    emit(frames[table], fmt, output)
