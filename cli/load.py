"""``smartspec load``: validated files into the graph."""

from __future__ import annotations

from pathlib import Path

import click

from ..loaders import trade as trade_loader
from ..loaders._io import LoaderError
from ._common import fail, progress_bar, store_from

__all__ = ["load"]


@click.group()
def load() -> None:
    """Load data files into the store (every file is validated before anything is written)."""


@load.command("trade")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--layout",
    type=click.Choice(trade_loader.TRADE_LAYOUTS),
    default="auto",
    show_default=True,
    help="File layout: long, shared (the shipped world-trade files), baci, comtrade.",
)
@click.option("--region-col", default="region", show_default=True, help="Region column (long).")
@click.option("--product-col", default="product", show_default=True, help="Product column (long).")
@click.option("--year-col", default="year", show_default=True, help="Year column (long).")
@click.option("--value-col", default="value", show_default=True, help="Value column (long).")
@click.option("--year", type=int, help="Year of a file without a year column (or keep only it).")
@click.option("--classification", help="Product classification, e.g. HS92 or SITC2.")
@click.option(
    "--code-prefix",
    default="",
    help="Put before every product code, e.g. 'SITC2:' to keep SITC and HS codes apart.",
)
@click.option("--level", default="country", show_default=True, help="Region level recorded.")
@click.option(
    "--duplicates",
    type=click.Choice(["reject", "sum"]),
    default="reject",
    show_default=True,
    help="Several rows for one region, product and year: refuse the file or add them up.",
)
@click.option(
    "--missing",
    type=click.Choice(["skip", "error"]),
    default="skip",
    show_default=True,
    help="Rows with an empty value: skip and count them, or refuse the file.",
)
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of FILE.")
@click.pass_context
def load_trade(
    ctx: click.Context,
    file: Path,
    layout: str,
    region_col: str,
    product_col: str,
    year_col: str,
    value_col: str,
    year: int | None,
    classification: str | None,
    code_prefix: str,
    level: str,
    duplicates: str,
    missing: str,
    encoding: str,
) -> None:
    """Load export values into (:Region)-[:EXPORTS {year, value}]->(:Product).

    Product codes stay text with their leading zeros (0011 stays 0011); region codes are
    upper-cased. Codes stored under another classification are refused (--code-prefix, e.g.
    SITC2:, keeps two classifications apart). A missing value is not a zero export: such rows
    are skipped and counted (--missing error refuses the file). Loading the same file twice
    leaves the same graph.

    \b
    Examples:
      smartspec load trade world_trade_2017.csv.gz --year 2017 --classification HS92
      smartspec load trade exports.csv --region-col iso3 --product-col hs4 --value-col usd
      smartspec load trade BACI_HS92_Y2017_V202401.csv --layout baci
    """
    try:
        with progress_bar(f"reading {file.name}") as advance:
            table = trade_loader.read_trade(
                file,
                layout=layout,
                region_col=region_col,
                product_col=product_col,
                year_col=year_col,
                value_col=value_col,
                year=year,
                classification=classification,
                code_prefix=code_prefix,
                duplicates=duplicates,
                missing=missing,
                encoding=encoding,
                progress=advance,
            )
    except LoaderError as exc:
        fail(str(exc))
    with store_from(ctx) as store:
        with progress_bar("writing exports", total=len(table.data)) as advance:
            try:
                written = trade_loader.write_trade(store, table, level=level, progress=advance)
            except LoaderError as exc:
                fail(str(exc))
        where = store.describe()
    years = ", ".join(map(str, table.years))
    click.echo(
        f"loaded {file} ({table.layout} layout, year {years}) into {where}: "
        f"{written['exports']:,} exports of {written['regions']:,} regions in "
        f"{written['products']:,} products"
    )
    if table.missing_values:
        click.echo(f"skipped {table.missing_values:,} rows without a value (missing, not zero)")
    if table.duplicates_summed:
        click.echo(f"summed {table.duplicates_summed:,} duplicate rows")
    for note in table.notes:
        click.echo(note)


@load.command("classification")
@click.argument("name", metavar="HS92|HS12|HS22|SITC2|countries")
@click.option(
    "--code-prefix",
    default="",
    help="Put before every product code, as the trade data were loaded (e.g. 'SITC2:').",
)
@click.pass_context
def load_classification(ctx: click.Context, name: str, code_prefix: str) -> None:
    """Load a whole reference classification: names and hierarchy, or countries and groups.

    HS92, HS12, HS22 and SITC2 write every code of the classification as a Product with its
    name, short name, level, Atlas cluster and flags, PART_OF its parent up to the sector or
    section; `countries` writes every country as a Region (level country) with name, iso2,
    iso3 and m49, PART_OF its continent, UN region and subregion, World Bank region and
    groups (EU27, G7, NAFTA, OPEC). `smartspec load trade --classification HS92` does this by
    itself for the codes it loads; this command is for data loaded in a long layout under
    another name, or to have the whole tree. Sources: Harvard Growth Lab atlas-common-data
    (Apache-2.0) and pycountry (ISO 3166). Loading twice leaves the same graph.

    \b
    Examples:
      smartspec load classification HS92
      smartspec load classification SITC2 --code-prefix SITC2:
      smartspec load classification countries
    """
    from ..loaders import classifications as ref

    try:
        if name.strip().lower() == "countries":
            if code_prefix:
                raise LoaderError("--code-prefix is for product classifications, not countries")
            canonical = None
        else:
            canonical = ref.product_classification(name)
            if canonical is None:
                raise LoaderError(
                    f"unknown classification {name!r}; choose one of "
                    f"{', '.join(ref.PRODUCT_CLASSIFICATIONS)} or countries"
                )
        with store_from(ctx) as store:
            store.create_schema()
            if canonical is None:
                done = ref.write_countries(store)
            else:
                done = ref.write_product_classification(store, None, canonical,
                                                        prefix=code_prefix)
            where = store.describe()
    except LoaderError as exc:
        fail(str(exc))
    click.echo(f"loaded into {where}: {done.summary()}")
