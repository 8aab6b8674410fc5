"""Trade loader: export values by region, product and year as ``(:Region)-[:EXPORTS]->(:Product)``.

Layouts
-------
``long``
    One row per region, product and year: columns ``region, product, year, value`` (other names
    through ``region_col`` ... ``value_col``); a file without a year column takes ``year=``.
``shared``
    The world-trade tables shipped with smartspec (``reporter_iso, product_code,
    export_value_usd`` or ``country, product, value``; no year column, so ``year=`` is required).
``baci``
    CEPII BACI (``t, i, j, k, v, q``): exporter ``i``, HS6 product ``k`` (left-padded to six
    digits, since some BACI releases write it as a number), value ``v`` in thousands of USD
    (multiplied by 1,000), summed over importers ``j``.
``comtrade``
    UN Comtrade bulk CSV, legacy (``Trade Flow Code``, ``Reporter ISO``, ``Commodity Code``,
    ``Trade Value (US$)``) or current (``flowCode``, ``reporterISO``, ``cmdCode``,
    ``primaryValue``): export rows only; the partner "World" row when present, else the sum over
    partners; the ``TOTAL`` commodity dropped.

Rules (also in ``smartspec load trade --help``): product codes stay text with their leading
zeros, and codes of two classifications never merge (the loader refuses a code stored under
another classification; ``code_prefix`` keeps them apart); region codes are stripped and
upper-cased (ISO 3166 alpha-3 as the Atlas writes them);
missing values are missing, not zero: such rows are skipped and counted (``missing="error"``
refuses the file instead); duplicate keys are rejected unless ``duplicates="sum"``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..graph_models.store import Store
from ._io import (
    LoaderError,
    check_duplicates,
    parse_numeric,
    parse_year,
    read_table,
    require_codes,
    require_columns,
)

__all__ = ["TRADE_LAYOUTS", "TradeTable", "read_trade", "write_trade", "detect_layout"]

TRADE_LAYOUTS = ("auto", "long", "shared", "baci", "comtrade")

_SHARED_LAYOUTS = (
    {"region": "reporter_iso", "product": "product_code", "value": "export_value_usd"},
    {"region": "country", "product": "product", "value": "value"},
)
_BACI = ("t", "i", "j", "k", "v")
_COMTRADE_LEGACY = {
    "year": "Year",
    "flow": "Trade Flow Code",
    "region": "Reporter ISO",
    "partner": "Partner Code",
    "product": "Commodity Code",
    "value": "Trade Value (US$)",
    "classification": "Classification",
}
_COMTRADE_CURRENT = {
    "year": "refYear",
    "flow": "flowCode",
    "region": "reporterISO",
    "partner": "partnerCode",
    "product": "cmdCode",
    "value": "primaryValue",
    "classification": "classificationCode",
}


@dataclass
class TradeTable:
    """A validated trade table: ``region, product, year, value`` plus what reading it found."""

    data: pd.DataFrame
    path: Path
    layout: str
    classification: str | None
    rows_read: int
    missing_values: int
    duplicates_summed: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(self.data["year"].unique().tolist())


def detect_layout(columns: list[str]) -> str:
    """Guess the layout from a header (see the module docstring)."""
    cols = set(columns)
    if cols.issuperset(_BACI):
        return "baci"
    if {"Trade Value (US$)", "Commodity Code"} <= cols or {"primaryValue", "cmdCode"} <= cols:
        return "comtrade"
    if any(set(m.values()) <= cols for m in _SHARED_LAYOUTS) and "year" not in cols:
        return "shared"
    return "long"


def read_trade(
    path: str | Path,
    *,
    layout: str = "auto",
    region_col: str = "region",
    product_col: str = "product",
    year_col: str = "year",
    value_col: str = "value",
    year: int | None = None,
    classification: str | None = None,
    code_prefix: str = "",
    duplicates: str = "reject",
    missing: str = "skip",
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> TradeTable:
    """Read and validate a trade file; nothing is written.

    Parameters
    ----------
    path : path-like
        CSV or TSV, optionally gzip-compressed.
    layout : {"auto", "long", "shared", "baci", "comtrade"}
        File layout; ``auto`` recognises the others from the header.
    region_col, product_col, year_col, value_col : str
        Column names of the ``long`` layout.
    year : int, optional
        Period of a file without a year column (required then); with a year column, keeps only
        that year.
    classification : str, optional
        Product classification recorded on Product nodes (e.g. ``HS92``, ``SITC2``); BACI implies
        ``HS``, Comtrade files name theirs. Writing refuses product codes that the graph already
        holds under another classification.
    code_prefix : str
        Text put before every product code (e.g. ``"SITC2:"``), to keep codes of two
        classifications that look alike (SITC ``0111`` and HS ``0111``) apart in one graph.
    duplicates : {"reject", "sum"}
        Several rows for one region, product and year: refuse the file (default) or add them up.
    missing : {"skip", "error"}
        Rows with an empty value: skip and count them (default) or refuse the file.
    encoding : str
        Text encoding of the file.

    Returns
    -------
    TradeTable
    """
    path = Path(path)
    if layout not in TRADE_LAYOUTS:
        raise LoaderError(f"unknown layout {layout!r}; choose one of {', '.join(TRADE_LAYOUTS)}")
    if duplicates not in ("reject", "sum"):
        raise LoaderError(f"duplicates must be 'reject' or 'sum', got {duplicates!r}")
    if missing not in ("skip", "error"):
        raise LoaderError(f"missing must be 'skip' or 'error', got {missing!r}")
    raw = read_table(path, encoding=encoding, progress=progress)
    if layout == "auto":
        layout = detect_layout(list(raw.columns))
    notes: list[str] = []
    if layout == "baci":
        frame, classification = _from_baci(raw, path, classification)
        notes.append("BACI values in thousands of USD multiplied by 1,000; summed over importers")
    elif layout == "comtrade":
        frame, classification = _from_comtrade(raw, path, classification)
    else:
        if layout == "shared":
            mapping = next(
                (m for m in _SHARED_LAYOUTS if set(m.values()) <= set(raw.columns)), None
            )
            if mapping is None:
                raise LoaderError(
                    f"{path}: not the shared world-trade layout (expected columns "
                    f"{' / '.join(', '.join(m.values()) for m in _SHARED_LAYOUTS)}); "
                    f"found: {', '.join(raw.columns)}"
                )
            cols = {**mapping, "year": year_col}
        else:
            cols = {
                "region": region_col,
                "product": product_col,
                "year": year_col,
                "value": value_col,
            }
        require_columns(raw, [cols["region"], cols["product"], cols["value"]], path=path)
        frame = pd.DataFrame(
            {
                "region": require_codes(raw, cols["region"], path=path).str.upper(),
                "product": require_codes(raw, cols["product"], path=path),
                "value": parse_numeric(raw, cols["value"], path=path),
            }
        )
        if cols["year"] in raw.columns:
            frame["year"] = parse_year(raw, cols["year"], path=path)
        elif year is None:
            raise LoaderError(
                f"{path}: no year column {cols['year']!r} (found: {', '.join(raw.columns)}); "
                "pass --year for a file of one year or --year-col to name the column"
            )
    if "year" not in frame.columns:
        frame["year"] = np.int64(year)
    elif year is not None:
        frame = frame[frame["year"] == year]
        if frame.empty:
            raise LoaderError(f"{path}: no rows for year {year}")
    n_missing = int(frame["value"].isna().sum())
    if n_missing and missing == "error":
        where = np.flatnonzero(frame["value"].isna().to_numpy())[:5] + 2
        raise LoaderError(
            f"{path}: {n_missing} row(s) without a value, e.g. at line(s) "
            f"{', '.join(map(str, where))}; pass --missing skip to leave them out"
        )
    before = len(frame)
    frame = check_duplicates(frame, ["region", "product", "year"], path=path, how=duplicates)
    summed = before - len(frame)
    n_missing = int(frame["value"].isna().sum())
    frame = frame[frame["value"].notna()]
    frame = frame[["region", "product", "year", "value"]].reset_index(drop=True)
    if code_prefix:
        frame["product"] = code_prefix + frame["product"]
    return TradeTable(
        data=frame,
        path=path,
        layout=layout,
        classification=classification,
        rows_read=len(raw),
        missing_values=n_missing,
        duplicates_summed=summed,
        notes=notes,
    )


def _from_baci(raw: pd.DataFrame, path: Path, classification: str | None):
    require_columns(raw, list(_BACI), path=path)
    products = require_codes(raw, "k", path=path)
    short = products.str.len() < 6
    products = products.where(~short, products.str.zfill(6))
    frame = pd.DataFrame(
        {
            "region": require_codes(raw, "i", path=path).str.upper(),
            "product": products,
            "year": parse_year(raw, "t", path=path),
            "value": parse_numeric(raw, "v", path=path) * 1000.0,
        }
    )
    # one exporter, product and year over all importers: summing is the layout's rule
    frame = frame.groupby(["region", "product", "year"], sort=False, as_index=False)["value"].sum(
        min_count=1
    )
    return frame, classification or "HS"


def _from_comtrade(raw: pd.DataFrame, path: Path, classification: str | None):
    cols = _COMTRADE_CURRENT if "primaryValue" in raw.columns else _COMTRADE_LEGACY
    year_col = cols["year"] if cols["year"] in raw.columns else "period"
    require_columns(
        raw, [year_col, cols["flow"], cols["region"], cols["product"], cols["value"]], path=path
    )
    flow = raw[cols["flow"]].str.strip().str.upper()
    exports = flow.isin(["X", "2", "EXPORT", "EXPORTS"])
    if not exports.any():
        raise LoaderError(f"{path}: no export rows (column {cols['flow']!r} has no X / 2 / Export)")
    product = raw[cols["product"]].str.strip()
    keep = exports & (product.str.upper() != "TOTAL")
    partner_col = cols["partner"]
    if partner_col in raw.columns:
        world = raw[partner_col].str.strip().isin(["0", "WLD", "World"])
        has_world = (keep & world).any()
        if has_world:
            keep &= world
    sub = raw[keep]
    frame = pd.DataFrame(
        {
            "region": require_codes(sub, cols["region"], path=path).str.upper(),
            "product": require_codes(sub, cols["product"], path=path),
            "year": parse_year(sub, year_col, path=path),
            "value": parse_numeric(sub, cols["value"], path=path),
        }
    )
    frame = frame.groupby(["region", "product", "year"], sort=False, as_index=False)["value"].sum(
        min_count=1
    )
    if classification is None and cols["classification"] in raw.columns:
        names = raw.loc[keep, cols["classification"]].dropna().unique()
        classification = str(names[0]) if len(names) == 1 else None
    return frame, classification


def _check_classification(store: Store, table: TradeTable) -> None:
    """Refuse codes already stored under another classification (SITC 0111 is not HS 0111)."""
    codes = pd.unique(table.data["product"]).tolist()
    clash = store.run(
        "MATCH (p:Product) WHERE p.code IN $codes AND p.classification IS NOT NULL "
        "AND p.classification <> $classification "
        "RETURN p.code AS code, p.classification AS classification ORDER BY code LIMIT 3",
        {"codes": codes, "classification": table.classification},
    )
    if not clash.empty:
        first = clash.iloc[0]
        raise LoaderError(
            f"{table.path}: product code {first['code']} is already in the graph as "
            f"{first['classification']}, and this file is {table.classification}; load it with "
            f"--code-prefix {table.classification}: to keep the two classifications apart"
        )


def write_trade(
    store: Store,
    table: TradeTable,
    *,
    level: str = "country",
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a validated trade table: Region and Product nodes, one EXPORTS per row.

    Idempotent: regions and products merge on their codes and exports on (region, product,
    year), so writing the same table twice leaves the same graph. Products of HS92/HS12/HS22/
    SITC2 and countries get names, parents and groups from the shipped reference tables
    (:func:`smartspec.loaders.classifications.write_trade_references`, which says in
    ``table.notes`` what they do not know). Returns counts written.
    """
    data = table.data
    store.create_schema()
    if table.classification:
        _check_classification(store, table)
    from .classifications import write_trade_references  # names, hierarchy, country groups

    write_trade_references(store, table, level=level)
    regions = pd.DataFrame({"code": pd.unique(data["region"])}).assign(level=level)
    products = pd.DataFrame({"code": pd.unique(data["product"])})
    if table.classification:
        products["classification"] = table.classification
    store.upsert_nodes("Region", regions)
    store.upsert_nodes("Product", products)
    rels = data.rename(columns={"region": "start", "product": "end"})
    n = store.upsert_relationships(
        "EXPORTS", rels, start="Region", end="Product", progress=progress
    )
    return {"regions": len(regions), "products": len(products), "exports": n}
