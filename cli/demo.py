"""``smartspec demo``: the chain on the shipped real data."""

from __future__ import annotations

import click

from ..loaders import datasets
from ..loaders import trade as trade_loader
from ._common import progress_bar, render, store_from
from .compute import run_specialisation

__all__ = ["demo"]


@click.command()
@click.option("--top", type=int, default=10, show_default=True, help="Rows in each ranking.")
@click.pass_context
def demo(ctx: click.Context, top: int) -> None:
    """Load the shipped 2017 world-trade table, compute specialisation, print a summary.

    The data (UN Comtrade via Open Trade Statistics, 224 countries x 1,222 HS92 4-digit
    products) ships with smartspec; see smartspec/loaders/data/NOTICE.md.
    """
    table = datasets.world_trade_2017()
    with store_from(ctx) as store:
        click.echo(f"store: {store.describe()}")
        with progress_bar("loading world trade 2017", total=len(table.data)) as advance:
            written = trade_loader.write_trade(store, table, progress=advance)
        click.echo(
            f"loaded {written['exports']:,} export values of {written['regions']} countries in "
            f"{written['products']:,} products (2017; {table.missing_values:,} missing values "
            "skipped)"
        )
        pairs, info = run_specialisation(store, activity="Product")
        counts = store.counts()
    click.echo("\nSpecialisation (Balassa RCA, M = RCA >= 1):")
    click.echo(render(info["summary"], "table"), nl=False)
    div = info["diversity"].sort_values(["diversity", "region"], ascending=[False, True])
    click.echo(f"\nMost diversified countries (number of products with RCA >= 1), top {top}:")
    click.echo(render(div.head(top)[["region", "diversity"]], "table"), nl=False)
    ubi = info["ubiquity"]
    ubi = ubi[ubi["ubiquity"] > 0].sort_values(["ubiquity", "activity"])
    click.echo(f"\nLeast ubiquitous products (fewest countries with RCA >= 1), top {top}:")
    click.echo(render(ubi.head(top)[["activity", "ubiquity"]], "table"), nl=False)
    click.echo("\nGraph now holds:")
    click.echo(render(counts, "table"), nl=False)
