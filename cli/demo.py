"""``smartspec demo``: the chain on the shipped real data."""

from __future__ import annotations

import click
import pandas as pd

from ..algorithms.opportunities import opportunity_table
from ..graph_models import results
from ..loaders import datasets
from ..loaders import trade as trade_loader
from ._common import progress_bar, render, store_from
from ._space import resolve_region
from .compute import (
    DEFAULT_MIN_PROXIMITY,
    _write_complexity,
    _write_relatedness,
    run_engine,
    run_specialisation,
)

__all__ = ["demo"]


@click.command()
@click.option("--top", type=int, default=10, show_default=True, help="Rows in each ranking.")
@click.option("--region", default="KOR", show_default=True,
              help="Country whose diversification opportunities are listed (code or name).")
@click.pass_context
def demo(ctx: click.Context, top: int, region: str) -> None:
    """The chain on the shipped 2017 world-trade table, written to the store as it goes.

    Loads it, computes specialisation (RCA, M, diversity, ubiquity), complexity (ECI, PCI,
    Fitness, COI) and relatedness (proximity, density, COG), and prints a summary: the most
    diversified and most complex countries, and one country's smart-specialisation opportunities,
    each ranking with the names of its countries and products (where the graph has them).
    The data (UN Comtrade via Open Trade Statistics, 224 countries x 1,222 HS12 4-digit
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
        region_names = results.read_names(store, "Region", short=True)
        data = results.read_activity(store, activity="Product")
        code = resolve_region(region, pd.unique(data["region"]).tolist(), region_names,
                              where="the 2017 data")
        pairs, info = run_specialisation(store, activity="Product")
        # complexity and relatedness, as `smartspec compute complexity|relatedness` writes them
        tables, params, _ = run_engine(data, pairs=True)
        _write_complexity(store, tables, "Product", params)
        _write_relatedness(store, tables, data, "Product", params, DEFAULT_MIN_PROXIMITY, 0.55)
        counts = store.counts()
        product_names = results.read_names(store, "Product", short=True)

    def regions(frame):
        return results.insert_names(frame, "region", region_names)

    def products(frame):
        return results.insert_names(frame, "activity", product_names)

    click.echo("\nSpecialisation (Balassa RCA, M = RCA >= 1):")
    click.echo(render(info["summary"], "table"), nl=False)
    div = info["diversity"].sort_values(["diversity", "region"], ascending=[False, True])
    click.echo(f"\nMost diversified countries (number of products with RCA >= 1), top {top}:")
    click.echo(render(regions(div.head(top)[["region", "diversity"]]), "table"), nl=False)
    ubi = info["ubiquity"]
    ubi = ubi[ubi["ubiquity"] > 0].sort_values(["ubiquity", "activity"])
    click.echo(f"\nLeast ubiquitous products (fewest countries with RCA >= 1), top {top}:")
    click.echo(render(products(ubi.head(top)[["activity", "ubiquity"]]), "table"), nl=False)
    totals = data.groupby("region")["value"].sum()
    big = set(totals[totals >= 1e9].index)
    eci = tables["regions"][tables["regions"]["region"].isin(big)]
    eci = eci.sort_values(["eci", "region"], ascending=[False, True])
    click.echo("\nMost complex economies (ECI of all countries; listed: exporters of >= 1 bn USD), "
               f"top {top}:")
    click.echo(render(regions(eci.head(top)[["region", "eci", "fitness", "diversity"]].round(3)),
                      "table"), nl=False)
    name = region_names.get(code, "")
    activities = tables["activities"]
    opp = opportunity_table(tables["pairs"], activities, region=code)
    click.echo(f"\nSmart-specialisation opportunities of {code}{f' ({name})' if name else ''} "
               f"(not yet RCA >= 1; low risk / high gain first), top {top}:")
    cols = ["activity", "density", "complexity", "cog", "quadrant"]
    click.echo(render(products(opp.head(top)[cols].round(3)), "table"), nl=False)
    click.echo("\nGraph now holds:")
    click.echo(render(counts, "table"), nl=False)
