"""``smartspec demo``: the chain on the shipped real data."""

from __future__ import annotations

import click

from ..algorithms.opportunities import opportunity_table
from ..graph_models import results
from ..workflows.demo import run_demo
from ._common import render, say, store_from

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
    with store_from(ctx) as store:
        done = run_demo(store, region=region, say=click.echo, log=say)
    code, data, info, tables = done["region"], done["data"], done["specialisation"], done["tables"]
    region_names, product_names, counts = (done["region_names"], done["product_names"],
                                           done["counts"])

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
