"""``smartspec recommend``: what a region or an actor could do next (a group of recommenders)."""

from __future__ import annotations

from pathlib import Path

import click

from ..algorithms.opportunities import COMPLEXITY_MEASURES, QUADRANT_STRATEGY, QUADRANTS
from ..workflows.opportunities import STRATEGY_CHOICES, region_opportunities
from ._common import emit, format_option, output_option, store_from
from ._space import ACTIVITY_CHOICE, classification_option

__all__ = ["recommend"]


@click.group()
def recommend() -> None:
    """Recommendations: new activities for a region, international partners for an actor."""


@recommend.command("activities")
@click.option("--region", required=True,
              help="Region code (e.g. DEU; UK and EL work) or name (e.g. Germany).")
@click.option("--year", type=int, help="Period [the latest of the classification].")
@click.option("--top", type=int, default=20, show_default=True, help="Rows to show (0: all).")
@click.option("--strategy", type=click.Choice(STRATEGY_CHOICES), default=QUADRANT_STRATEGY,
              show_default=True,
              help="Ranking: the smart specialisation quadrants, or an Atlas of Economic "
              "Complexity preset weighing distance, PCI and COG.")
@click.option("--fixed-weights", is_flag=True,
              help="balanced: always 0.50/0.15/0.35 [by default, as the Atlas, the weights "
              "of the region's strategic approach].")
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
    strategy: str,
    fixed_weights: bool,
    activity: str,
    complexity: str,
    quadrant: str | None,
    density_cut: float | None,
    complexity_cut: float | None,
    classification: str | None,
    fmt: str,
    output: Path | None,
) -> None:
    """Diversification opportunities of a region, with market context and strategic approach.

    Every activity the region is not specialised in (RCA < 1) with its current RCA, relatedness
    density (0-1, proximity diagonal 1), distance (1 - density), complexity, complexity outlook
    gain (COG) and quadrant (Balland et al. 2018): high density = low risk, high complexity =
    high gain, split at the medians of the region's candidates unless cut-offs are given.

    --strategy quadrant (default) sorts by quadrant (low risk, high gain; low risk, low gain;
    high risk, high gain; high risk, low gain), then by score (mean percentile rank of density
    and complexity), then by code. The Atlas of Economic Complexity presets score each candidate
    as w_d * nearness + w_p * PCI + w_c * COG, each rescaled to 0-1 among the region's
    candidates: low-hanging 0.60/0.15/0.25, long-jumps 0.45/0.20/0.35, balanced 0.50/0.15/0.35
    (strategic bets), 0.55/0.20/0.25 (parsimonious industrial policy) or 0.60/0.20/0.20 (light
    touch) by the region's strategic approach. Ratings 1-10 are deciles among the candidates
    (distance_decile 10 = the nearest tenth).

    Market context: world_value (sum over all regions in the year, e.g. USD), market_growth
    (compound annual growth of world_value from the first loaded period of the classification
    to --year; growth_period says which), region_value (the region's current value) and
    world_share. The header line gives the region's strategic approach: its place on COI
    against ECI among all regions (split at 0; light touch, parsimonious industrial policy,
    strategic bets, technological frontier).

    Computed within one classification (HS and SITC codes are different products).
    --region takes a code (DEU, de, UK, EL) or a name (Germany, south korea).

    \b
    Examples:
      smartspec recommend activities --region DEU
      smartspec recommend activities --region KOR --strategy balanced --top 10
      smartspec recommend activities --region KOR --year 1980 --complexity fitness --top 10
      smartspec recommend activities --region Germany --quadrant "low risk, high gain" \\
          --format csv --output deu.csv
    """
    with store_from(ctx) as store:
        found = region_opportunities(
            store, region, year=year, top=top, strategy=strategy, fixed_weights=fixed_weights,
            activity=activity, complexity=complexity, quadrant=quadrant,
            density_cut=density_cut, complexity_cut=complexity_cut,
            classification=classification)
    table = found.table
    if fmt == "table":
        click.echo(found.header())
        # whole units on screen (CSV and JSON keep the values as computed)
        for col in ("world_value", "region_value"):
            if col in table:
                table[col] = table[col].round().astype("Int64")
    emit(table, fmt, output)
