"""``smartspec recommend``: what a region or an actor could do next (a group of recommenders)."""

from __future__ import annotations

from pathlib import Path

import click

from ..algorithms.opportunities import COMPLEXITY_MEASURES, QUADRANTS, opportunity_table
from ._common import emit, format_option, output_option, store_from
from ._space import ACTIVITY_CHOICE, activity_label, classification_option, load_space

__all__ = ["recommend"]


@click.group()
def recommend() -> None:
    """Recommendations: new activities for a region, international partners for an actor."""


@recommend.command("activities")
@click.option("--region", required=True,
              help="Region code (e.g. DEU; UK and EL work) or name (e.g. Germany).")
@click.option("--year", type=int, help="Period [the latest of the classification].")
@click.option("--top", type=int, default=20, show_default=True, help="Rows to show (0: all).")
@click.option("--activity", type=ACTIVITY_CHOICE, default="product", show_default=True,
              help="Which activities: products (EXPORTS), technologies, industries.")
@click.option("--complexity", type=click.Choice(COMPLEXITY_MEASURES), default="pci",
              show_default=True, help="Gain axis: PCI or Fitness-Complexity's complexity.")
@click.option("--quadrant", type=click.Choice(QUADRANTS), help="Only this quadrant.")
@click.option("--density-cut", type=float, help="Relatedness cut-off [the region's median].")
@click.option("--complexity-cut", type=float, help="Complexity cut-off [the region's median].")
@classification_option()
@format_option()
@output_option()
@click.pass_context
def activities(
    ctx: click.Context,
    region: str,
    year: int | None,
    top: int,
    activity: str,
    complexity: str,
    quadrant: str | None,
    density_cut: float | None,
    complexity_cut: float | None,
    classification: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Diversification opportunities of a region: the smart specialisation framework.

    Every activity the region is not specialised in (RCA < 1) with its current RCA, relatedness
    density (0-1, proximity diagonal 1), complexity, complexity outlook gain (COG) and quadrant
    (Balland et al. 2018): high density = low risk, high complexity = high gain, split at the
    medians of the region's candidates unless cut-offs are given.

    Sorted by quadrant (low risk, high gain; low risk, low gain; high risk, high gain; high
    risk, low gain), then by score (mean percentile rank of density and complexity among the
    region's candidates), then by code. Computed within one classification (HS and SITC codes
    are different products). Columns: region, activity, activity_name (the name stored on the
    activity's node; empty when it has none), year, rca, density, complexity, cog, quadrant,
    score, rank. --region takes a code (DEU, de, UK, EL) or a name (Germany, south korea).

    \b
    Examples:
      smartspec recommend activities --region DEU
      smartspec recommend activities --region KOR --year 1980 --complexity fitness --top 10
      smartspec recommend activities --region Germany --quadrant "low risk, high gain" \\
          --format csv --output deu.csv
    """
    label = activity_label(activity)
    with store_from(ctx) as store:
        space = load_space(store, activity=label, classification=classification, year=year)
    year = space.year_or_latest(year)
    code = space.region(region, year)
    space.specialisations(code, year)  # a region without any has nothing to relate to
    res = space.measures()
    table = opportunity_table(res["density"], res["activities"], complexity=complexity,
                              specialisation=res["specialisation"], region=code, year=year,
                              x_cut=density_cut, y_cut=complexity_cut)
    if quadrant:
        table = table[table["quadrant"] == quadrant]
    if top:
        table = table.head(top)
    table = table.copy()
    table["quadrant"] = table["quadrant"].astype(str)
    for col, digits in (("rca", 3), ("density", 4), ("complexity", 4), ("cog", 4),
                        ("score", 3)):
        table[col] = table[col].round(digits)
    table = space.with_names(table, "activity")
    if fmt == "table":
        click.echo(f"{space.named(code)} {year}, {space.classification or label}: "
                   f"complexity = {'PCI' if complexity == 'pci' else 'Fitness-Complexity'}")
    emit(table, fmt, output)
