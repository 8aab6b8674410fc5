"""``smartspec load``: validated files into the graph."""

from __future__ import annotations

from pathlib import Path

import click

from ..graph_models.bulk import first_load
from ..loaders import trade as trade_loader
from ..loaders._io import LoaderError
from ..workflows import load as load_workflow
from ._common import fail, sep_option, store_from

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
@click.option(
    "--level",
    type=click.IntRange(1, 6),
    help="Product level in digits (HS: 2, 4 or 6): longer codes are summed to it. Default: "
    "BACI 4, other layouts as in the file (a file mixing code lengths is refused).",
)
@click.option(
    "--region-level", default="country", show_default=True, help="Region level recorded."
)
@click.option(
    "--convert-to",
    help="Convert other HS vintages (HS96 ... HS22, Comtrade H1 ... H6) to HS92, or SITC "
    "rev. 1 / 3 to SITC2, with the Growth Lab conversion weights (totals kept).",
)
@click.option(
    "--concordance",
    "concordance_file",
    type=click.Path(path_type=Path),
    help="Convert with this conversion table instead (UNSD HS workbook .xlsx/.xls, WITS "
    "concordance CSV); --convert-to then names its target (default: from its header).",
)
@click.option(
    "--country-codes",
    type=click.Path(path_type=Path),
    help="BACI: the release's country_codes_V*.csv (default: found beside FILE, else the "
    "built-in table).",
)
@click.option(
    "--flow",
    type=click.Choice(list(trade_loader.TRADE_FLOWS)),
    default="export",
    show_default=True,
    help="Comtrade: the flow read (X / 2 / Export; RX / 3 / Re-Export; DX). Re-exports are "
    "never counted as exports.",
)
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
@click.option(
    "--encoding",
    default="utf-8",
    show_default=True,
    help="Text encoding of FILE (UTF-8 falls back to Windows-1252 when the bytes are not UTF-8).",
)
@click.option(
    "--bulk",
    is_flag=True,
    help="First load into the empty database of the local Neo4j server (smartspec db start): "
    "CSV files imported offline by neo4j-admin, the server stopped and started again.",
)
@sep_option()
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
    level: int | None,
    region_level: str,
    convert_to: str | None,
    concordance_file: Path | None,
    country_codes: Path | None,
    flow: str,
    duplicates: str,
    missing: str,
    encoding: str,
    bulk: bool,
    sep: str | None,
) -> None:
    """Load export values into (:Region)-[:EXPORTS {year, value}]->(:Product).

    Product codes stay text with their leading zeros (0011 stays 0011); region codes are
    upper-cased. Codes stored under another classification are refused (--code-prefix, e.g.
    SITC2:, keeps two classifications apart). A missing value is not a zero export: such rows
    are skipped and counted (--missing error refuses the file). Loading the same file twice
    leaves the same graph.

    BACI: numeric exporter codes become ISO alpha-3 (the release's country_codes_V*.csv beside
    FILE, else a built-in table; 490 'Other Asia, nes' is stored as TWN), values in thousands
    of USD are multiplied by 1,000, HS6 is summed to HS4 (--level 6 keeps HS6), the vintage
    comes from the file name. Comtrade (legacy and Comtrade+): only total rows, the World row
    per reporter, year and product (else the sum over partners), aggregates such as EU-28 left
    out; rows of several HS vintages need --convert-to HS92. What is left out is reported.

    \b
    Examples:
      smartspec load trade world_trade_2017.csv.gz --year 2017 --classification HS12
      smartspec load trade exports.csv --region-col iso3 --product-col hs4 --value-col usd
      smartspec load trade BACI_HS92_Y2017_V202401.csv --layout baci
      smartspec load trade TradeData.csv --layout comtrade --convert-to HS92 --level 4
    """
    kind = (ctx.find_root().obj or {}).get("store")
    bulk_store = first_load(kind=kind, say=click.echo) if bulk else None  # refused before reading
    try:
        table = load_workflow.read_trade(
            file, layout=layout, region_col=region_col, product_col=product_col,
            year_col=year_col, value_col=value_col, year=year, classification=classification,
            code_prefix=code_prefix, duplicates=duplicates, missing=missing, encoding=encoding,
            sep=sep, level=level, country_codes=country_codes, convert_to=convert_to,
            concordance_file=concordance_file, flow=flow)
    except LoaderError as exc:
        fail(str(exc))
    with bulk_store or store_from(ctx) as store:
        try:
            done = load_workflow.write_trade(store, table, region_level=region_level)
        except LoaderError as exc:
            fail(str(exc))
    written, where = done.iloc[0], done.attrs["store"]
    years = table.years
    years = (
        ", ".join(map(str, years))
        if len(years) <= 5
        else f"{years[0]}-{years[-1]} ({len(years)} years)"
    )
    what = ", ".join(
        x
        for x in (
            f"{table.layout} layout",
            table.classification,
            f"{table.level}-digit products" if table.level else None,
            f"years {years}" if len(table.years) > 1 else f"year {years}",
        )
        if x
    )
    click.echo(
        f"loaded {file} ({what}) into {where}: "
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
    try:
        with store_from(ctx) as store:
            done = load_workflow.load_classification(store, name, code_prefix=code_prefix)
    except LoaderError as exc:
        fail(str(exc))
    click.echo(f"loaded into {done.attrs['store']}: {done.attrs['summary']}")
