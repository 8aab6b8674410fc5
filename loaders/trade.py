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
    CEPII BACI (``t, i, j, k, v, q``), as CEPII distributes it: exporter ``i`` as a numeric
    country code, mapped to ISO 3166 alpha-3 with the release's ``country_codes_V*.csv`` found
    beside the file (or ``country_codes=``), else a built-in table (ISO 3166 numeric codes, the
    former countries of ISO 3166-3, and BACI's own codes: 58 Belgium-Luxembourg -> BEL, 251
    France -> FRA, 280 former West Germany -> DEU, 381 Italy -> ITA, 579 Norway -> NOR, 699
    India -> IND, 711 Southern African Customs Union -> ZAF, 736 former Sudan -> SDN, 757
    Switzerland -> CHE, 842 USA -> USA); ``490`` "Other Asia, nes", which is Taiwan in
    practice, is stored as ``TWN`` as the Atlas of Economic Complexity does, and the notes say
    so. Codes that map to no country (697 Europe EFTA nes, 849 US Misc. Pacific Islands, ...)
    are left out and reported with their share of the value. HS6 product ``k`` (left-padded to
    six digits, since some releases write it as a number), aggregated to 4 digits unless
    ``level=6``; codes that are not HS codes (``9999AA``) are left out and reported. Value
    ``v`` in thousands of USD (multiplied by 1,000, space-padded numbers read), summed over
    importers ``j``; quantities ``q`` (``NA`` when missing) are not used. The classification
    comes from the file name (``BACI_HS92_...`` -> HS92, ``BACI_HS17_...`` -> HS17).
``comtrade``
    UN Comtrade CSV, legacy (``Trade Flow Code``, ``Reporter ISO``, ``Commodity Code``,
    ``Trade Value (US$)``) or Comtrade+ (``flowCode``, ``reporterISO``, ``cmdCode``,
    ``primaryValue``; Latin-1 with a trailing comma, read by :func:`~smartspec.loaders._io.
    read_table`). Only total rows count: customs procedure ``C00``, mode of transport ``0``
    and second partner ``0``/``W00`` where those columns exist (the other rows break a total
    down and would count it twice). Flows as words or codes (``Export``, ``2``, ``X``);
    ``flow="export"`` takes exports (``X``), ``"re-export"`` re-exports (``RX``, ``3``) and
    ``"domestic-export"`` domestic exports (``DX``): re-exports are not a country's exports
    and are never mixed in. For each reporter, year and product the partner World row
    (partner ``0``, ``WLD`` or ``W00``) is used when there is one, else the sum over partners,
    so no reporter is dropped. Reporters are ISO alpha-3 codes (a code the ISO column lacks is
    taken from the numeric reporter code: 490 -> TWN, SACU ``ZA1`` -> ZAF); aggregates (EU-28
    as ``EU2``/``EUR``, ``S19`` ... and anything else that is no country) are not countries:
    left out and reported with their value. The commodity ``TOTAL`` is dropped. Each row's
    classification (``H0`` ... ``H6``, ``S1`` ... ``S4``) is read: rows of several vintages are
    refused unless converted (``convert_to=``) or loaded as one (``classification=``).

Product levels: ``level`` is the number of digits products are stored at (HS 2, 4 or 6;
SITC 1 to 5). Longer codes are summed to it; for one region, year and heading, a row of the
heading itself is used rather than the sum of its longer codes (files that carry both would
count twice). Without ``level`` (BACI: 4), a file whose product codes have several lengths is
refused, naming lines: levels are never mixed silently.

HS vintages: ``convert_to="HS92"`` converts HS96 ... HS22 values to HS92 (``"SITC2"``: SITC1
and SITC3 to SITC2) with :mod:`smartspec.loaders.concordance`; totals are kept, the notes say
what was converted, and every EXPORTS relationship of the load gets ``converted_from``, the
classification the value was reported in (equal to the target when it was not converted).

Rules (also in ``smartspec load trade --help``): product codes stay text with their leading
zeros, and codes of two classifications never merge (the loader refuses a code stored under
another classification; ``code_prefix`` keeps them apart); region codes are stripped and
upper-cased (ISO 3166 alpha-3 as the Atlas writes them);
missing values are missing, not zero: such rows are skipped and counted (``missing="error"``
refuses the file instead); duplicate keys are rejected unless ``duplicates="sum"``. What a
load leaves out is in :attr:`TradeTable.left_out` and its notes, never dropped silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pycountry

from ..graph_models.store import Store
from . import concordance
from ._io import (
    LoaderError,
    _lines,
    check_duplicates,
    file_lines,
    keep_lines,
    parse_numeric,
    parse_year,
    read_table,
    require_codes,
    require_columns,
)
from .countries import country_table

__all__ = [
    "TRADE_LAYOUTS",
    "TRADE_FLOWS",
    "TradeTable",
    "read_trade",
    "write_trade",
    "detect_layout",
    "numeric_country_codes",
    "baci_country_codes",
]

TRADE_LAYOUTS = ("auto", "long", "shared", "baci", "comtrade")
#: ``flow`` choices of the Comtrade layout -> Comtrade+ flow code.
TRADE_FLOWS = {"export": "X", "re-export": "RX", "domestic-export": "DX"}

_SHARED_LAYOUTS = (
    {"region": "reporter_iso", "product": "product_code", "value": "export_value_usd"},
    {"region": "country", "product": "product", "value": "value"},
)
_BACI = ("t", "i", "j", "k", "v")
_COMTRADE_LEGACY = {
    "year": "Year",
    "flow": "Trade Flow Code",
    "flow_text": "Trade Flow",
    "region": "Reporter ISO",
    "reporter_code": "Reporter Code",
    "reporter_name": "Reporter",
    "partner": "Partner Code",
    "partner_iso": "Partner ISO",
    "partner2": "2nd Partner Code",
    "customs": "Customs Proc. Code",
    "mot": "Mode of Transport Code",
    "product": "Commodity Code",
    "value": "Trade Value (US$)",
    "classification": "Classification",
}
_COMTRADE_CURRENT = {
    "year": "refYear",
    "flow": "flowCode",
    "flow_text": "flowDesc",
    "region": "reporterISO",
    "reporter_code": "reporterCode",
    "reporter_name": "reporterDesc",
    "partner": "partnerCode",
    "partner_iso": "partnerISO",
    "partner2": "partner2Code",
    "customs": "customsCode",
    "mot": "motCode",
    "mos": "mosCode",
    "product": "cmdCode",
    "value": "primaryValue",
    "classification": "classificationCode",
    "freq": "freqCode",
}
#: Flow words and legacy codes -> Comtrade+ flow codes.
_FLOW_CODES = {
    "1": "M", "2": "X", "3": "RX", "4": "RM",
    "IMPORT": "M", "IMPORTS": "M", "EXPORT": "X", "EXPORTS": "X",
    "RE-EXPORT": "RX", "RE-EXPORTS": "RX", "RE-IMPORT": "RM", "RE-IMPORTS": "RM",
    "DOMESTIC EXPORT": "DX", "FOREIGN IMPORT": "FM",
}
#: Values that mark a total in Comtrade's breakdown columns (empty: the column is not used).
_TOTAL_MARKS = {
    "partner2": {"", "0", "W00", "WLD"},
    "customs": {"", "C00"},
    "mot": {"", "0"},
    "mos": {"", "0"},
}
_WORLD = {"WLD", "W00"}

#: BACI / Comtrade numeric codes that are not ISO 3166 numeric codes -> alpha-3.
NON_ISO_CODES: dict[str, str] = {
    "58": "BEL",  # Belgium-Luxembourg (to 1998), stored as Belgium as the Atlas does
    "251": "FRA",  # France and Monaco
    "280": "DEU",  # former Federal Republic of Germany
    "381": "ITA",  # Italy (older BACI releases)
    "490": "TWN",  # "Other Asia, nes": Taiwan in practice (the Atlas uses TWN)
    "579": "NOR",  # Norway with Svalbard and Jan Mayen
    "699": "IND",  # India
    "711": "ZAF",  # Southern African Customs Union (to 1999), stored as South Africa
    "736": "SDN",  # former Sudan (to 2011)
    "757": "CHE",  # Switzerland and Liechtenstein
    "842": "USA",  # USA, Puerto Rico and US Virgin Islands
    "890": "YUG",  # former Yugoslavia (ISO 3166-3; its ISO number 891 is now SCG's)
}
#: Former countries of ISO 3166-3 that trade data still carry (pycountry gives their numbers).
_FORMER = ("ANT", "CSK", "DDR", "SCG", "SUN", "YMD")
#: Names for codes that map to no country, for the notes (the codes file has them too).
_KNOWN_NAMES = {
    "0": "World", "97": "EU-28", "490": "Other Asia, nes", "568": "Other Europe, nes",
    "577": "Other Africa, nes", "636": "Rest of America, nes", "697": "Europe EFTA, nes",
    "837": "Bunkers", "838": "Free Zones", "839": "Special Categories",
    "849": "US Misc. Pacific Isds", "899": "Areas, nes",
}
_TAIWAN_NOTE = (
    "reporter 490 'Other Asia, nes' (Taiwan in practice) stored as TWN, as the Atlas does"
)


@dataclass
class TradeTable:
    """A validated trade table: ``region, product, year, value`` plus what reading it found.

    ``left_out`` lists what was read but not kept (``reason, code, name, rows, value``), e.g.
    BACI exporters without a country code or Comtrade aggregates; ``notes`` say it in words.
    """

    data: pd.DataFrame
    path: Path
    layout: str
    classification: str | None
    rows_read: int
    missing_values: int
    duplicates_summed: int = 0
    notes: list[str] = field(default_factory=list)
    level: int | None = None
    converted_from: list[str] = field(default_factory=list)
    left_out: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["reason", "code", "name", "rows", "value"])
    )

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


# -- countries by number ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _numeric_table() -> dict[str, str]:
    table = country_table()
    out = {str(int(n)): a for n, a in zip(table["numeric"], table["alpha3"], strict=True) if n}
    for code in _FORMER:
        former = pycountry.historic_countries.get(alpha_3=code)
        out.setdefault(str(int(former.numeric)), code)
    out.update(NON_ISO_CODES)
    return out


@lru_cache(maxsize=1)
def _country_alpha3() -> frozenset[str]:
    return frozenset(country_table()["alpha3"]) | frozenset(_FORMER) | {"YUG"}


def numeric_country_codes() -> dict[str, str]:
    """The built-in table of numeric country codes (as text, no leading zeros) -> ISO alpha-3.

    ISO 3166-1 numeric codes, former countries (ISO 3166-3: ``200`` CSK, ``278`` DDR, ``530``
    ANT, ``810`` SUN, ``891`` SCG, ``720`` YMD) and the non-ISO codes of BACI and Comtrade
    (:data:`NON_ISO_CODES`). Codes for groups of countries (``697`` Europe EFTA nes, ``97``
    EU-28, ``0`` World) are not in it.

    >>> t = numeric_country_codes()
    >>> t["276"], t["842"], t["251"], t["490"], "697" in t
    ('DEU', 'USA', 'FRA', 'TWN', False)
    """
    return dict(_numeric_table())


def baci_country_codes(path: str | Path) -> tuple[dict[str, str], dict[str, str], list[str]]:
    """Read a BACI ``country_codes_V*.csv``: ``(alpha-3 by code, name by code, notes)``.

    Both column sets CEPII has used are read (``country_code, country_name_abbreviation, ...,
    iso_3digit_alpha`` and ``country_code, country_name, country_iso2, country_iso3``), quoted
    or not. ``N/A`` or empty alpha-3 codes map to nothing, except 490 (Taiwan, stored as TWN).
    An ISO 3166 numeric code keeps its ISO alpha-3 when the file disagrees (the V202001 file
    gives Antigua and Barbuda, 28, as ``ATA``, Antarctica's code), and a note says so.
    """
    path = Path(path)
    raw = read_table(path)
    iso_col = next((c for c in ("iso_3digit_alpha", "country_iso3") if c in raw.columns), None)
    name_col = next(
        (c for c in ("country_name_abbreviation", "country_name") if c in raw.columns), None
    )
    if "country_code" not in raw.columns or iso_col is None:
        raise LoaderError(
            f"{path}: not a BACI country-codes file (expected country_code and "
            f"iso_3digit_alpha or country_iso3); found: {', '.join(raw.columns)}"
        )
    codes = require_codes(raw, "country_code", path=path).str.lstrip("0").replace("", "0")
    iso = raw[iso_col].fillna("").str.strip().str.upper()
    names = raw[name_col].fillna("").str.strip() if name_col else pd.Series("", index=raw.index)
    builtin = _numeric_table()
    iso_numeric = {str(int(n)) for n in country_table()["numeric"] if n}
    alpha3: dict[str, str] = {}
    notes: list[str] = []
    for code, a3 in zip(codes, iso, strict=True):  # a few hundred rows
        if code in iso_numeric and a3 and a3 != "N/A" and a3 != builtin[code]:
            notes.append(
                f"{path.name}: code {code} is given as {a3}, but ISO 3166 {code} is "
                f"{builtin[code]}; {builtin[code]} used"
            )
            alpha3[code] = builtin[code]
        elif code == "490":
            alpha3[code] = "TWN"
        elif re.fullmatch(r"[A-Z]{3}", a3):
            alpha3[code] = a3
    return alpha3, dict(zip(codes, names, strict=True)), notes


def _find_codes_file(path: Path) -> Path | None:
    """The release's country-codes file beside a BACI file (same version when several)."""
    found = sorted(path.parent.glob("country_codes_V*.csv"))
    if len(found) <= 1:
        return found[0] if found else None
    version = re.search(r"_V(\d+)", path.name)
    same = [f for f in found if version and f"_V{version.group(1)}" in f.name]
    return same[0] if same else found[-1]


# -- reading ---------------------------------------------------------------------------------


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
    sep: str | None = None,
    level: int | None = None,
    country_codes: str | Path | None = None,
    convert_to: str | None = None,
    concordance_file: str | Path | None = None,
    flow: str = "export",
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
        Product classification recorded on Product nodes (e.g. ``HS92``, ``SITC2``; Comtrade's
        ``H0`` ... ``H6`` are read as ``HS92`` ... ``HS22``). BACI files name theirs in the
        file name, Comtrade files in a column. Writing refuses product codes that the graph
        already holds under another classification.
    code_prefix : str
        Text put before every product code (e.g. ``"SITC2:"``), to keep codes of two
        classifications that look alike (SITC ``0111`` and HS ``0111``) apart in one graph.
    duplicates : {"reject", "sum"}
        Several rows for one region, product and year: refuse the file (default) or add them up.
    missing : {"skip", "error"}
        Rows with an empty value: skip and count them (default) or refuse the file.
    encoding, sep : str, optional
        Text encoding (default UTF-8, falling back to Windows-1252) and separator (sniffed).
    level : int, optional
        Product level in digits (HS: 2, 4, 6); longer codes are summed to it. Default: BACI 4,
        other layouts as in the file (one level only).
    country_codes : path-like, optional
        BACI: the release's ``country_codes_V*.csv`` (default: found beside the file, else the
        built-in table).
    convert_to : {"HS92", "SITC2"}, optional
        Convert the values of other HS vintages (SITC revisions) to this one.
    concordance_file : path-like, optional
        A conversion table to use instead of the shipped weights (UNSD workbook, WITS CSV:
        :func:`~smartspec.loaders.concordance.read_concordance`); ``convert_to`` then names any
        target and defaults to the table's.
    flow : {"export", "re-export", "domestic-export"}
        Comtrade: the trade flow read.

    Returns
    -------
    TradeTable

    Examples
    --------
    >>> from smartspec.loaders.datasets import data_path
    >>> t = read_trade(data_path("world_trade_2017.csv.gz"), year=2017, level=2)
    >>> t.level, t.data["product"].str.len().unique().tolist()
    (2, [2])
    """
    path = Path(path)
    if layout not in TRADE_LAYOUTS:
        raise LoaderError(f"unknown layout {layout!r}; choose one of {', '.join(TRADE_LAYOUTS)}")
    if duplicates not in ("reject", "sum"):
        raise LoaderError(f"duplicates must be 'reject' or 'sum', got {duplicates!r}")
    if missing not in ("skip", "error"):
        raise LoaderError(f"missing must be 'skip' or 'error', got {missing!r}")
    if flow not in TRADE_FLOWS:
        raise LoaderError(f"flow must be one of {', '.join(TRADE_FLOWS)}, got {flow!r}")
    if level is not None and not 1 <= int(level) <= 6:
        raise LoaderError(f"level is a number of digits from 1 to 6, got {level!r}")
    user_table = None
    if concordance_file is not None:
        table, what, (source_label, target_label) = concordance.read_concordance(
            concordance_file
        )
        user_table = (table, what, source_label)
        convert_to = convert_to or target_label
    if convert_to is not None:
        convert_to = concordance.classification_name(convert_to)
        if user_table is None and convert_to not in concordance.CONVERSION_TARGETS:
            raise LoaderError(
                f"cannot convert to {convert_to}; --convert-to takes "
                f"{', '.join(concordance.CONVERSION_TARGETS)}"
            )
    classification = concordance.classification_name(classification)
    given = classification
    def baci_columns(header: list[str]) -> list[str] | None:
        # a BACI year has ~10 M rows: importers j and quantities q are not read, and the
        # codes t, i, k come as categoricals (a few bytes a row)
        baci = layout == "baci" or (layout == "auto" and detect_layout(header) == "baci")
        return ["t", "i", "k", "v"] if baci else None

    raw = read_table(path, encoding=encoding, sep=sep, progress=progress, usecols=baci_columns,
                     categorical=["t", "i", "k"] if layout in ("auto", "baci") else (),
                     numeric=["v"] if layout in ("auto", "baci") else ())
    if layout == "auto":
        layout = detect_layout(raw.attrs.get("header") or list(raw.columns))
    notes: list[str] = list(raw.attrs.get("notes", []))
    left: list[pd.DataFrame] = []
    if layout == "baci":
        level = 4 if level is None else int(level)
        frame, classification = _from_baci(
            raw, path, classification, country_codes, level, notes, left
        )
    elif layout == "comtrade":
        frame, found = _from_comtrade(raw, path, classification, level, flow, notes, left)
        classification = classification or found
    else:
        frame = keep_lines(
            _from_long(raw, path, layout, region_col, product_col, year_col, value_col, year),
            raw,
        )
        _check_levels(frame["product"], level, path, file_lines(raw))
    if "year" not in frame.columns:
        frame["year"] = np.int64(year)
    elif year is not None:
        frame = frame[frame["year"] == year]
        if frame.empty:
            raise LoaderError(f"{path}: no rows for year {year}")
    n_missing = int(frame["value"].isna().sum())
    if n_missing and missing == "error":
        where = frame.index[frame["value"].isna().to_numpy()]
        raise LoaderError(
            f"{path}: {n_missing} row(s) without a value, e.g. at line(s) "
            f"{_lines(where, frame=raw)}; pass --missing skip to leave them out"
        )
    before = len(frame)
    keys = ["region", "product", "year"]
    if "vintage" in frame.columns:
        keys.append("vintage")
    frame = check_duplicates(frame, keys, path=path, how=duplicates)
    summed = before - len(frame)
    n_missing = int(frame["value"].isna().sum())
    frame = frame[frame["value"].notna()]
    if "vintage" not in frame.columns:
        frame = frame.assign(vintage=classification)
    converted: list[str] = []
    if convert_to is not None:
        frame = _apply_level(frame, level, notes, summing=False)
        frame, converted = _convert(frame, path, convert_to, notes, user_table)
        _check_converted_levels(frame, level, path)
        classification = convert_to
    else:
        _refuse_mixed_vintages(frame, path, given, notes)
    frame = _apply_level(frame, level, notes, drop_covered=convert_to is None)
    overflow = ~np.isfinite(frame["value"].to_numpy(dtype="float64"))
    if overflow.any():  # sums over importers, partners or longer codes are values too
        row = frame[overflow].iloc[0]
        raise LoaderError(
            f"{path}: the value of region {row['region']}, product {row['product']}, year "
            f"{row['year']} sums to {row['value']} (too large); {int(overflow.sum())} such "
            "key(s)"
        )
    cols = ["region", "product", "year", "value"]
    if convert_to is not None:
        cols.append("converted_from")
    frame = frame[cols].reset_index(drop=True)
    if code_prefix:
        frame["product"] = code_prefix + frame["product"]
    left_out = (
        pd.concat(left, ignore_index=True)
        if left
        else pd.DataFrame(columns=["reason", "code", "name", "rows", "value"])
    )
    return TradeTable(
        data=frame,
        path=path,
        layout=layout,
        classification=classification,
        rows_read=len(raw),
        missing_values=n_missing,
        duplicates_summed=summed,
        notes=notes,
        level=level,
        converted_from=converted,
        left_out=left_out,
    )


def _from_long(raw, path, layout, region_col, product_col, year_col, value_col, year):
    if layout == "shared":
        mapping = next((m for m in _SHARED_LAYOUTS if set(m.values()) <= set(raw.columns)), None)
        if mapping is None:
            raise LoaderError(
                f"{path}: not the shared world-trade layout (expected columns "
                f"{' / '.join(', '.join(m.values()) for m in _SHARED_LAYOUTS)}); "
                f"found: {', '.join(raw.columns)}"
            )
        cols = {**mapping, "year": year_col}
    else:
        cols = {"region": region_col, "product": product_col, "year": year_col, "value": value_col}
    require_columns(raw, [cols["region"], cols["product"], cols["value"]], path=path)
    frame = pd.DataFrame(
        {
            "region": require_codes(raw, cols["region"], path=path, upper=True),
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
    return frame


# -- product levels --------------------------------------------------------------------------


def _check_levels(
    products: pd.Series, level: int | None, path: Path, lines: np.ndarray | None = None
) -> None:
    """Refuse digit codes of several lengths without ``level``, and codes shorter than it.

    ``products`` carries the file row positions in its index (row 0 = line 2; ``lines``: the
    file line of each row when blank lines or quoted newlines shift them).
    """
    lengths = products.str.len().to_numpy()
    if level is None and (len(lengths) == 0 or (lengths == lengths[0]).all()):
        return  # one length: nothing mixed (the common case, without a regex over every row)
    digits = products.str.isdigit().fillna(False).to_numpy(bool)
    pos = np.asarray(products.index)
    if level is None:
        seen = np.unique(lengths[digits])
        if len(seen) > 1:
            examples = []
            for n in seen[:3]:
                i = np.flatnonzero(digits & (lengths == n))[0]
                examples.append(
                    f"{products.iloc[i]!r} ({n} digits) at line {_lines(pos[i:i + 1], frame=lines)}"
                )
            raise LoaderError(
                f"{path}: product codes of {', '.join(map(str, seen))} digits are mixed, e.g. "
                f"{', '.join(examples)}; pass --level with the number of digits to sum every "
                f"code to (e.g. --level {int(seen[0])})"
            )
        return
    short = digits & (lengths < level)
    if short.any():
        where = np.flatnonzero(short)
        raise LoaderError(
            f"{path}: {len(where)} product code(s) have fewer than {level} digits (e.g. "
            f"{products.iloc[where[0]]!r}) at line(s) {_lines(pos[where], frame=lines)}; "
            "choose a --level of at most "
            f"{int(lengths[where].min())} digits"
        )


def _apply_level(
    frame: pd.DataFrame,
    level: int | None,
    notes: list[str],
    *,
    drop_covered: bool = True,
    summing: bool = True,
) -> pd.DataFrame:
    """Sum digit codes longer than ``level`` to it, preferring a heading's own row.

    ``drop_covered`` leaves out longer codes whose ``level``-digit heading has its own row (for
    the same region and year); ``summing`` sums the rest to ``level`` digits. A conversion runs
    between the two (the first on the file's codes, the second on the converted ones). String
    work is done once per distinct product code (``pandas.factorize``).
    """
    if level is None:
        return frame
    p_codes, p_uniq = pd.factorize(frame["product"])
    p_uniq = pd.Series(np.asarray(p_uniq, dtype=object))
    digits_u = p_uniq.str.isdigit().fillna(False).to_numpy(bool)
    len_u = p_uniq.str.len().to_numpy()
    longer = (digits_u & (len_u > level))[p_codes]
    if not longer.any():
        return frame
    if not digits_u.all() and summing:
        odd = p_uniq[~digits_u]
        notes.append(
            f"{len(odd)} product code(s) are not digit codes and were kept as they are: "
            f"{', '.join(map(str, odd[:5]))}"
        )
    shorter_u = digits_u & (len_u < level)
    if shorter_u.any() and summing:  # only after a conversion: the file's own codes were checked
        notes.append(
            f"{int(shorter_u.sum())} product code(s) have fewer than {level} digits and were "
            f"kept as they are: {', '.join(map(str, p_uniq[shorter_u][:5]))}"
        )
    h_of_u, h_names = pd.factorize(p_uniq.where(~digits_u, p_uniq.str[:level]))
    heading = h_of_u[p_codes]
    exact = (digits_u & (len_u == level))[p_codes]
    dropped = np.zeros(len(frame), dtype=bool)
    if exact.any() and drop_covered:
        keys = [frame["region"].to_numpy(), frame["year"].to_numpy(), heading]
        has_exact = pd.Series(exact).groupby(keys).transform("any").to_numpy(bool)
        dropped = longer & has_exact
    if dropped.any():
        notes.append(
            f"{int(dropped.sum()):,} rows of codes longer than {level} digits left out where "
            f"the file also has the {level}-digit heading's own row (not counted twice)"
        )
    if not summing:
        return frame[~dropped]
    notes.append(f"{int((longer & ~dropped).sum()):,} product rows summed to {level} digits")
    extra = [c for c in ("converted_from",) if c in frame.columns]
    out = frame[["region", "year", *extra, "value"]].assign(h=heading)[~dropped]
    out = out.groupby(["region", "h", "year", *extra], sort=False, as_index=False)["value"].sum()
    out.insert(1, "product", np.asarray(h_names, dtype=object)[out["h"].to_numpy()])
    return out.drop(columns="h")


# -- HS vintages -----------------------------------------------------------------------------


def _refuse_mixed_vintages(frame, path, classification, notes) -> None:
    """Several vintages and no conversion: refuse, unless ``--classification`` was given."""
    vintages = frame["vintage"].dropna().unique()
    if len(vintages) <= 1:
        return
    counts = frame["vintage"].value_counts()
    listed = ", ".join(f"{v} ({n:,} rows)" for v, n in counts.items())
    if classification is not None:
        notes.append(f"rows reported in {listed} loaded as {classification} (--classification)")
        return
    raise LoaderError(
        f"{path}: rows of several classifications ({listed}) would mix product spaces; pass "
        "--convert-to HS92 (or SITC2) to convert them to one, or --classification NAME to "
        "load them as one anyway"
    )


def _check_converted_levels(frame, level, path) -> None:
    """A concordance may give target codes of several lengths (WITS SITC: 3, 4, 5 digits)."""
    lengths = frame["product"].str.len()
    if level is None and lengths.nunique() > 1:
        seen = ", ".join(map(str, sorted(lengths.unique())))
        raise LoaderError(
            f"{path}: the conversion gives product codes of {seen} digits; pass --level with "
            "the number of digits to sum them to"
        )


def _convert(frame, path, target, notes, user_table=None) -> tuple[pd.DataFrame, list[str]]:
    """Convert every vintage of ``frame`` to ``target``; adds ``converted_from``.

    ``user_table`` is ``(table, description, source label)`` from a ``--concordance`` file:
    every row is converted with it.
    """
    parts = []
    converted = []
    if user_table is not None:
        table, what, label = user_table
        source_len = table["from"].str.len().unique()
        data_len = frame["product"].str.len().unique()
        if len(source_len) == 1 and set(data_len) != set(source_len):
            raise LoaderError(
                f"{path}: the concordance converts {source_len[0]}-digit codes, the file has "
                f"{', '.join(map(str, sorted(data_len)))}-digit codes; convert codes of the "
                "concordance's length (and sum them with --level afterwards)"
            )
        sources = sorted({v for v in frame["vintage"].dropna().unique() if v}) or [label]
        known = set(concordance.HS_VINTAGES.values()) | set(concordance.SITC_REVISIONS.values())
        if label in known and set(sources) != {label}:
            raise LoaderError(
                f"{path}: the concordance converts {label} codes, the rows are "
                f"{', '.join(sources)}; use a concordance from {', '.join(sources)}"
            )
        source = "+".join(sources)
        before = float(frame["value"].sum())
        out, _ = concordance.convert(
            frame[["region", "product", "year", "value"]], source, target, path=path,
            table=table,
        )
        notes.append(
            f"{len(frame):,} values reported in {source} converted to {target} with {what} "
            f"(total {before:,.0f} kept)"
        )
        return out.assign(converted_from=source), sources
    for source, part in frame.groupby("vintage", sort=True, dropna=False):
        if not isinstance(source, str) or not source:
            raise LoaderError(
                f"{path}: the classification of the rows is not known; pass --classification "
                f"(e.g. HS17) with --convert-to {target}"
            )
        if source == target:
            parts.append(part[["region", "product", "year", "value"]].assign(
                converted_from=source))
            continue
        converted.append(source)
        # each code length on its own: 6-digit codes exactly, 4- or 2-digit ones with
        # aggregated weights (a file with both is summed to --level afterwards)
        for digits, piece in part.groupby(part["product"].str.len(), sort=True):
            before = float(piece["value"].sum())
            out, moved = concordance.convert(
                piece[["region", "product", "year", "value"]], source, target, path=path
            )
            note = (
                f"{len(piece):,} values reported in {source} converted to {target} "
                f"(Growth Lab conversion weights; total {before:,.0f} kept)"
            )
            if moved:
                note += (
                    f"; {digits}-digit codes converted with aggregated weights (their value "
                    f"spread equally over the heading's 6-digit codes): {moved:.1%} of the "
                    "value is in headings that change"
                )
            notes.append(note)
            parts.append(out.assign(converted_from=source))
    out = pd.concat(parts, ignore_index=True)
    n_src = out.groupby(["region", "product", "year"])["converted_from"].transform("nunique")
    several = (n_src > 1).to_numpy()
    if several.any():  # a region and year reported in two vintages (rare): name both
        sub = out[several]
        joined = sub.groupby(["region", "product", "year"])["converted_from"].transform(
            lambda s: "+".join(sorted(set(s)))
        )
        out.loc[several, "converted_from"] = joined
    out = out.groupby(
        ["region", "product", "year", "converted_from"], sort=False, as_index=False
    )["value"].sum()
    return out, converted


# -- BACI ------------------------------------------------------------------------------------


def _share(value: float, total: float) -> str:
    return f"{value / total:.2%}" if total > 0 else "0%"


def _left_out_frame(reason: str, codes: pd.Series, names: pd.Series, values: pd.Series):
    """Rows left out, summed by code: ``reason, code, name, rows, value``."""
    grouped = (
        pd.DataFrame({"code": codes, "name": names, "value": values})
        .groupby(["code", "name"], sort=True, dropna=False)["value"]
        .agg(["size", "sum"])
        .reset_index()
        .rename(columns={"size": "rows", "sum": "value"})
    )
    grouped.insert(0, "reason", reason)
    return grouped


def _numeric(raw: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """:func:`parse_numeric` without its per-cell strip when every cell parses as it is
    (``pandas.to_numeric`` reads space-padded numbers); otherwise its checks and messages."""
    values = pd.to_numeric(raw[column], errors="coerce")
    if values.isna().sum() != raw[column].isna().sum() or (values < 0).any():
        return parse_numeric(raw, column, path=path)
    values = values.astype("float64")
    if np.isinf(values).any():
        return parse_numeric(raw, column, path=path)
    return values


def _factorize_codes(raw: pd.DataFrame, column: str, path: Path):
    """``(row codes, stripped unique values)`` of a code column; empty cells raise.

    Text work is then done once per distinct code (a BACI year has ~10 million rows but a few
    thousand codes), and the rows take the result with ``numpy.take``.
    """
    codes, uniques = pd.factorize(raw[column])
    uniq = pd.Series(np.asarray(uniques, dtype=object)).str.strip()
    empty = np.append((uniq.isna() | (uniq == "")).to_numpy(bool), True)  # -1: missing
    bad = empty[codes]
    if bad.any():
        require_codes(raw, column, path=path)  # raises, naming the lines
    return codes, uniq.astype(object)


def _from_baci(raw, path, classification, country_codes, level, notes, left):
    require_columns(raw, ["t", "i", "k", "v"], path=path)  # j and q are not read
    with np.errstate(over="ignore"):  # a value past the float range is refused after summing
        values = _numeric(raw, "v", path).to_numpy() * 1000.0
    total = float(values.sum())
    ex_codes, ex_uniq = _factorize_codes(raw, "i", path)
    ex_uniq = ex_uniq.str.lstrip("0").replace("", "0")
    codes_file = Path(country_codes) if country_codes is not None else _find_codes_file(path)
    if codes_file is not None:
        alpha3, names, file_notes = baci_country_codes(codes_file)
        notes.extend(file_notes)
        how = "given" if country_codes is not None else "found beside the file"
        notes.append(f"exporter codes mapped to ISO 3166 alpha-3 with {codes_file.name} ({how})")
    else:
        alpha3, names = _numeric_table(), {}
        notes.append(
            "exporter codes mapped to ISO 3166 alpha-3 with the built-in table (no "
            "country_codes_V*.csv beside the file; pass --country-codes to use the release's)"
        )
    if codes_file is not None:  # codes the release's file lacks (V202001: Namibia, 516)
        absent = [c for c in ex_uniq if c not in names and c in _numeric_table()]
        if absent:
            alpha3 = {**alpha3, **{c: _numeric_table()[c] for c in absent}}
            notes.append(
                f"exporter code(s) {', '.join(sorted(absent, key=int))} are not in "
                f"{codes_file.name}: taken from the built-in table"
            )
    ex_region = ex_uniq.map(alpha3)
    ex_value = np.bincount(ex_codes, weights=values, minlength=len(ex_uniq))
    ex_rows = np.bincount(ex_codes, minlength=len(ex_uniq))
    unmapped_u = ex_region.isna().to_numpy()
    if unmapped_u.any():
        lo = pd.DataFrame(
            {
                "reason": "exporter code without a country",
                "code": ex_uniq[unmapped_u].to_numpy(),
                "name": [names.get(c) or _KNOWN_NAMES.get(c, "") for c in ex_uniq[unmapped_u]],
                "rows": ex_rows[unmapped_u],
                "value": ex_value[unmapped_u],
            }
        ).sort_values("code", ignore_index=True)
        left.append(lo)
        for row in lo.itertuples():
            notes.append(
                f"left out: exporter {row.code} {row.name!r} without an ISO 3166 code, "
                f"{row.rows:,} rows, {row.value:,.0f} USD ({_share(row.value, total)} of the "
                "file's value)"
            )
    taiwan_u = (ex_uniq == "490").to_numpy() & ~unmapped_u
    if taiwan_u.any():
        notes.append(
            f"exporter 490 'Other Asia, nes' (Taiwan in practice) stored as TWN, as the Atlas "
            f"does: {_share(float(ex_value[taiwan_u].sum()), total)} of the file's value"
        )
    pr_codes, pr_uniq = _factorize_codes(raw, "k", path)
    digits_u = pr_uniq.str.isdigit().fillna(False).to_numpy(bool)
    short = digits_u & (pr_uniq.str.len() < 6).to_numpy(bool)
    pr_uniq = pr_uniq.where(~short, pr_uniq.str.zfill(6))
    if (~digits_u).any():
        pr_value = np.bincount(pr_codes, weights=values, minlength=len(pr_uniq))
        pr_rows = np.bincount(pr_codes, minlength=len(pr_uniq))
        lo = pd.DataFrame(
            {
                "reason": "product code that is not an HS code",
                "code": pr_uniq[~digits_u].to_numpy(),
                "name": "",
                "rows": pr_rows[~digits_u],
                "value": pr_value[~digits_u],
            }
        ).sort_values("code", ignore_index=True)
        left.append(lo)
        odd_value = float(lo["value"].sum())
        notes.append(
            f"left out: {int(lo['rows'].sum()):,} rows of product codes that are not HS codes "
            f"({', '.join(lo['code'][:5])}), {odd_value:,.0f} USD "
            f"({_share(odd_value, total)} of the file's value)"
        )
    yr_codes, yr_uniq = _factorize_codes(raw, "t", path)
    try:
        years_u = parse_year(pd.DataFrame({"t": yr_uniq}), "t", path=path).to_numpy()
    except LoaderError:
        parse_year(raw, "t", path=path)  # raises again, naming the file lines
        raise
    keep = ~unmapped_u[ex_codes] & digits_u[pr_codes]
    rows_kept = np.flatnonzero(keep)
    first = np.full(len(pr_uniq), -1, dtype=np.int64)
    first[pr_codes[rows_kept[::-1]]] = rows_kept[::-1]  # each code's first kept row (O(n))
    present = np.flatnonzero(first >= 0)
    kept_codes = pr_uniq.iloc[present]
    kept_codes.index = first[present]  # file rows, for the messages
    _check_levels(kept_codes, level, path, file_lines(raw))
    # distinct regions (58 and 56 are both BEL) and products after padding, as integer keys
    reg_of_u, reg_names = pd.factorize(ex_region.fillna(""))
    prod_of_u, prod_names = pd.factorize(pr_uniq)
    stored_as = pd.DataFrame({"region": ex_region, "code": ex_uniq})[~unmapped_u]
    stored_as = stored_as[ex_rows[~unmapped_u] > 0]
    merged = stored_as.groupby("region")["code"].agg(list)
    for iso3, nums in merged[merged.str.len() > 1].items():
        notes.append(f"exporter codes {', '.join(nums)} are all stored as {iso3} (summed)")
    # one exporter, product and year over all importers: summing is the layout's rule
    # (groups in order of first appearance; a group whose values are all missing is missing),
    # on one integer key: the three codes are small, so no multi-column hashing
    n_p, n_y = max(len(prod_names), 1), max(len(years_u), 1)
    flat = (reg_of_u.astype(np.int64)[ex_codes[rows_kept]] * n_p
            + prod_of_u[pr_codes[rows_kept]]) * n_y + yr_codes[rows_kept]
    group, firsts = pd.factorize(flat)
    value = values[rows_kept]
    seen = ~np.isnan(value)
    summed = np.bincount(group, weights=np.where(seen, value, 0.0), minlength=len(firsts))
    summed[np.bincount(group, weights=seen, minlength=len(firsts)) == 0] = np.nan
    r_g, rest = np.divmod(firsts, n_p * n_y)
    p_g, y_g = np.divmod(rest, n_y)
    frame = pd.DataFrame(
        {
            "region": np.asarray(reg_names, dtype=object)[r_g],
            "product": np.asarray(prod_names, dtype=object)[p_g],
            "year": years_u[y_g].astype("int64"),
            "value": summed,
        }
    )
    notes.append("BACI values in thousands of USD multiplied by 1,000; summed over importers")
    if classification is None:
        m = re.search(r"BACI_(HS\d{2})", path.name, flags=re.IGNORECASE)
        classification = concordance.classification_name(m.group(1)) if m else "HS"
    return frame, classification


# -- UN Comtrade -----------------------------------------------------------------------------


def _from_comtrade(raw, path, classification, level, flow, notes, left):
    cols = _COMTRADE_CURRENT if "primaryValue" in raw.columns else _COMTRADE_LEGACY
    cols = {k: c for k, c in cols.items() if c in raw.columns}
    year_col = cols.get("year", "period")
    require_columns(raw, [year_col], path=path)
    missing_cols = [k for k in ("region", "product", "value") if k not in cols]
    if missing_cols or not ({"flow", "flow_text"} & set(cols)):
        names = _COMTRADE_CURRENT if "primaryValue" in raw.columns else _COMTRADE_LEGACY
        need = [names[k] for k in (*missing_cols, "flow") if k not in cols]
        raise LoaderError(
            f"{path}: Comtrade column(s) {', '.join(map(repr, need))} not found; "
            f"found: {', '.join(raw.columns)}"
        )

    def text(key: str) -> pd.Series:
        if key not in cols:
            return pd.Series("", index=raw.index)
        return raw[cols[key]].fillna("").str.strip().str.upper()

    if "freq" in cols and (text("freq") != "A").any():
        where = np.flatnonzero((text("freq") != "A").to_numpy())
        first = raw[cols["freq"]].iloc[where[0]]
        raise LoaderError(
            f"{path}: {len(where):,} row(s) are not annual (freqCode {first!r} at line "
            f"{_lines(where[:1], frame=raw)}); download annual data"
        )
    flows = text("flow")
    if "flow_text" in cols:
        flows = flows.where(~flows.isin(["", "0"]), text("flow_text"))
    flows = flows.replace(_FLOW_CODES)
    wanted = TRADE_FLOWS[flow]
    chosen = flows == wanted
    if not chosen.any():
        found = ", ".join(f"{f} ({n:,} rows)" for f, n in flows.value_counts().items())
        raise LoaderError(
            f"{path}: no {flow} rows (flow {wanted}); the file has flows {found}"
            + ("; exports are X, 2 or Export" if flow == "export" else "")
        )
    product = raw[cols["product"]].fillna("").str.strip()
    every = product.str.upper() == "TOTAL"
    keep = chosen & ~every
    if not keep.any():
        raise LoaderError(
            f"{path}: the {flow} rows are all the commodity TOTAL (all products together); "
            "download the values by product code (e.g. HS 4 or 6 digits)"
        )
    if every.any() and chosen[every].any():
        notes.append(f"{int((chosen & every).sum()):,} rows of the commodity TOTAL dropped")
    years = parse_year(raw, year_col, path=path)
    values = parse_numeric(raw, cols["value"], path=path)
    iso = text("region")
    code = text("reporter_code").str.lstrip("0")
    reporter = iso + "|" + code
    names = (
        raw[cols["reporter_name"]].fillna("").str.strip()
        if "reporter_name" in cols
        else pd.Series("", index=raw.index)
    )
    # totals: customs C00, transport 0, second partner 0/W00 (other rows break a total down)
    total_row = pd.Series(True, index=raw.index)
    for key, marks in _TOTAL_MARKS.items():
        total_row &= text(key).isin(marks)
    breakdown = keep & ~total_row
    if breakdown.any():
        key = reporter + "|" + years.astype(str) + "|" + product
        orphan = breakdown & ~key.isin(set(key[keep & total_row]))
        n_break = int((breakdown & ~orphan).sum())
        if n_break:
            notes.append(
                f"{n_break:,} rows breaking a total down (customs procedure, mode of "
                "transport, second partner) left out: their totals are counted"
            )
        if orphan.any():
            lo = _left_out_frame(
                "breakdown rows without a total row", iso[orphan], names[orphan], values[orphan]
            )
            left.append(lo)
            notes.append(
                f"left out: {int(orphan.sum()):,} breakdown rows of "
                f"{', '.join(lo['code'].unique()[:5])} without a total row "
                f"({float(values[orphan].sum()):,.0f} USD): no total to count"
            )
        keep &= total_row
    # the World row per reporter, year and product; else the sum over partners
    if "partner" in cols or "partner_iso" in cols:
        world = (text("partner") == "0") | text("partner_iso").isin(_WORLD)
        groups = [reporter[keep], years[keep], product[keep]]
        has_world = world[keep].groupby(groups).transform("any")
        summed = keep.copy()
        summed[keep] = ~has_world
        if summed.any():
            who = sorted(set(iso[summed].replace("", np.nan).dropna()) | set())
            notes.append(
                f"{int(summed.sum()):,} partner rows summed for reporter(s) without a World row "
                f"({', '.join(who[:8])}{', ...' if len(who) > 8 else ''})"
            )
        keep &= world | summed
    # reporters: ISO alpha-3, else the numeric code; aggregates are not countries
    region = iso.where(iso.isin(_country_alpha3()), code.map(_numeric_table()))
    aggregate = keep & region.isna()
    total = float(values[keep].sum())
    if aggregate.any():
        lo = _left_out_frame(
            "aggregate or unknown reporter (not a country)",
            iso[aggregate].where(iso[aggregate] != "", code[aggregate]),
            names[aggregate],
            values[aggregate],
        )
        left.append(lo)
        for row in lo.itertuples():
            notes.append(
                f"left out: reporter {row.code} {row.name!r} is not a country (an aggregate), "
                f"{row.rows:,} rows, {row.value:,.0f} USD ({_share(row.value, total)} of the "
                "value)"
            )
        keep &= ~aggregate
        if not keep.any():
            raise LoaderError(
                f"{path}: every reporter is an aggregate, not a country "
                f"({', '.join(f'{c} {n}' for c, n in zip(lo['code'], lo['name'], strict=True))})"
                "; smartspec loads countries' exports"
            )
    pairs = pd.DataFrame({"region": region[keep], "year": years[keep], "rep": reporter[keep]})
    several = pairs.drop_duplicates().groupby(["region", "year"])["rep"].nunique()
    for (iso3, yr) in several[several > 1].index[:5]:
        notes.append(f"several reporters are stored as {iso3} in {yr} (summed)")
    taiwan = keep & (code == "490")
    if taiwan.any():
        notes.append(f"{_TAIWAN_NOTE}: {_share(float(values[taiwan].sum()), total)} of the value")
    if "classification" in cols:
        vintage = text("classification").map(concordance.classification_name)
    else:
        vintage = pd.Series(classification, index=raw.index, dtype="object")
    _check_levels(product[keep], level, path, file_lines(raw))
    frame = pd.DataFrame(
        {
            "region": region[keep],
            "product": product[keep],
            "year": years[keep],
            "value": values[keep],
            "vintage": vintage[keep].fillna(""),
        }
    )
    frame = frame.groupby(
        ["region", "product", "year", "vintage"], sort=False, as_index=False
    )["value"].sum(min_count=1)
    frame["vintage"] = frame["vintage"].replace("", None)
    found = frame["vintage"].dropna().unique()
    return frame, (str(found[0]) if len(found) == 1 else None)


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
