"""Employment loader: jobs by region, industry and year as ``(:Region)-[:EMPLOYS]->(:Industry)``.

Layouts
-------
``long``
    One row per region, industry and year: ``region, industry, year, jobs`` (other names
    through the ``*_col`` options; a file without a year column takes ``year=``); NACE or NAICS
    codes (``classification=`` is required). A table of totals: its codes must all be at one
    level (two levels would count the same jobs twice); codes finer than ``level`` are summed.
``cbp``
    US Census County Business Patterns (``fipstate, fipscty, naics, emp`` with ``empflag`` up
    to 2016 and the noise flag ``emp_nf``; state files ``fipstate, naics, ...``; metro files
    ``msa, naics, ...``). The region is the 5-digit county FIPS code (``fipstate`` + ``fipscty``;
    ``999`` is CBP's "statewide", kept as its own region), the state FIPS code, or the MSA code.
    Only the rows of ``lfo == "-"`` (all legal forms) are used when that column exists. The
    year is a ``year`` column, else ``year=``, else the file name (``cbp17co.txt`` -> 2017).
    NAICS notation ``31----``, ``3113//`` is read; the total ``------`` is left out.
``sbs``
    Eurostat regional tables (``sbs_r_nuts06_r2``, ``sbs_r_nuts2021``, ``nama_10r_3empers``
    and any table of the same shape) in either download format: the bulk TSV (first column
    the comma-joined keys and ``geo\\TIME_PERIOD`` - older files ``geo\\time`` -, one column per
    year, header years may end in a space; cells ``value flag``: ``:`` missing, flags ``e``
    estimated, ``b`` break, ``u`` low reliability, ``p`` provisional, ``c`` or ``@C``
    confidential ...) or SDMX-CSV (``nace_r2, <dimensions>, geo, TIME_PERIOD, OBS_VALUE,
    OBS_FLAG``). Every key besides ``nace_r2`` and ``geo`` (``freq``, ``unit``, ``c_resid``,
    ``wstatus``, ``indic_sb`` ...) must hold one value after ``select={"unit": "NR"}``
    (``--select unit=NR``): a key with several values and none chosen refuses the file, listing
    them. The indicator (``indic_sb`` / ``indic_sbs``) defaults to persons employed (``V16110``
    or ``EMP_NR``; ``indicator=``). Values in thousands (unit ``THS...``) are multiplied by
    1,000; percentages, rates and indices (units ``PC...``, ``PCH...``, ``RT...``, ``I15`` ...)
    are refused. Aggregates that are not one NACE code (``B-N_S95_X_K``, ``I551-I553``,
    ``I552_I553``, ``TOTAL``) and codes that are not NACE are left out and reported, and so are
    geographic aggregates that are not regions (``EU27_2020``, ``EU28``, ``EA20`` ...). NUTS
    codes give the region level (2 characters country - ``nuts0`` -, 3 NUTS 1, 4 NUTS 2, 5
    NUTS 3); one file mixes them, so only ``region_level`` (default the finest) is kept and the
    rows of the other levels are counted in the notes. Flags are counted in the notes (the
    graph's EMPLOYS holds only ``year`` and ``jobs``).

CBP and SBS files hold every level of the classification (and SBS several region levels) at
once: the loader keeps the rows at ``level`` (default: the finest industry level in the file)
and ``region_level`` (SBS; default the finest), and says how many rows it left out.

A ZIP Code Business Patterns totals file (``zbpYYtotals.txt``: ``zip, emp, ...`` without
``naics``) holds no industries and is refused with that reason; ZBP detail files hold
establishment counts by size, not employment, and are refused too.

Suppressed cells (``suppressed=``)
----------------------------------
CBP withholds employment to avoid disclosing single firms: ``emp`` is 0 and ``empflag`` gives
the size class (A 0-19, B 20-99, C 100-249, E 250-499, F 500-999, G 1,000-2,499, H 2,500-4,999,
I 5,000-9,999, J 10,000-24,999, K 25,000-49,999, L 50,000-99,999, M 100,000 or more), or
``emp_nf`` is ``D`` (withheld) / ``S`` (below publication standards) / ``N`` (not available);
the noise flags ``G`` (low), ``H`` (moderate) and ``J`` (high noise) mark published values. The
ZIP Code files follow the same conventions (``zbp16totals.txt``: every ``emp_nf D`` row has
``emp`` 0 and a size class A-L).
``"midpoint"`` (default) takes the midpoint of the size class (``(low + high) / 2``; the lower
bound 100,000 for M) and skips the suppressed rows without a class; ``"drop"`` skips every
suppressed row; ``"error"`` refuses the file, naming the lines. SBS confidential or missing
cells (``:``, ``:c``, empty ``OBS_VALUE``) have no class: they are skipped (``"error"``
refuses). Skipped rows are counted and reported; a missing value is never a zero.

Negative jobs refuse the file. Codes (:mod:`smartspec.loaders.codes`) are normalised to the
chosen level; unknown codes refuse the file, naming lines; the hierarchy (NAICS sector ... 6
digits, NACE section / division / group / class) is written as ``(:Industry)-[:PART_OF]->
(:Industry)`` with ``classification`` and ``level`` on every node. Codes already in the graph
under the other classification are refused (``code_prefix`` keeps NACE ``11`` and NAICS ``11``
apart). Region codes are normalised as every loader does (:func:`~smartspec.loaders._io.
normalise_codes`: stripped of surrounding and zero-width spaces, upper-cased, so ``deu``, ``DEU``
and `` Deu `` are one region; a NUL refuses the file); years outside 1800-2100 refuse it.
``duplicates="sum"`` adds up jobs only, and refuses a sum that overflows.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..graph_models.store import Store
from . import codes as code_mod
from ._io import (
    LoaderError,
    _lines,
    check_duplicates,
    keep_lines,
    normalise_codes,
    parse_numeric,
    parse_year,
    read_table,
    require_codes,
    require_columns,
)

__all__ = [
    "EMPLOYMENT_LAYOUTS",
    "SUPPRESSED_RULES",
    "CBP_SIZE_CLASSES",
    "EmploymentTable",
    "read_employment",
    "write_employment",
    "detect_layout",
    "cbp_cells",
]

EMPLOYMENT_LAYOUTS = ("auto", "long", "cbp", "sbs")
SUPPRESSED_RULES = ("midpoint", "drop", "error")
#: CBP employment size classes of suppressed cells: letter -> (low, high); M has no upper bound.
CBP_SIZE_CLASSES: dict[str, tuple[float, float | None]] = {
    "A": (0, 19), "B": (20, 99), "C": (100, 249), "E": (250, 499), "F": (500, 999),
    "G": (1000, 2499), "H": (2500, 4999), "I": (5000, 9999), "J": (10000, 24999),
    "K": (25000, 49999), "L": (50000, 99999), "M": (100000, None),
}
_CBP_WITHHELD = {"D", "S", "N"}
_SBS_INDICATORS = ("V16110", "EMP_NR")
_NUTS_LEVELS = {2: "country", 3: "nuts1", 4: "nuts2", 5: "nuts3"}
_REGION_LEVEL_ALIASES = {"nuts0": "country", "nuts_0": "country", "nuts_1": "nuts1",
                         "nuts_2": "nuts2", "nuts_3": "nuts3"}


@dataclass
class EmploymentTable:
    """A validated employment table: ``region, industry, year, jobs`` plus what reading found."""

    data: pd.DataFrame
    path: Path
    layout: str
    classification: str
    level: str
    rows_read: int
    region_level: str | None = None
    suppressed: int = 0
    estimated: int = 0
    missing_values: int = 0
    code_prefix: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(self.data["year"].unique().tolist())


def detect_layout(columns: list[str]) -> str:
    r"""Guess the layout from a header (see the module docstring).

    >>> detect_layout(["freq,unit,nace_r2,geo\\TIME_PERIOD", "2020"])
    'sbs'
    """
    cols = {c.lower() for c in columns}
    if ("naics" in cols and "emp" in cols) or ("zip" in cols and ("emp" in cols or "est" in cols)):
        return "cbp"  # ZIP Code Business Patterns are refused by the cbp reader, with the reason
    if any("\\" in c for c in columns) or ("nace_r2" in cols and "obs_value" in cols):
        return "sbs"
    return "long"


def read_employment(
    path: str | Path,
    *,
    layout: str = "auto",
    classification: str | None = None,
    level: str | None = None,
    region_level: str | None = None,
    region_col: str = "region",
    industry_col: str = "industry",
    year_col: str = "year",
    jobs_col: str = "jobs",
    year: int | None = None,
    indicator: str | None = None,
    suppressed: str = "midpoint",
    code_prefix: str = "",
    duplicates: str = "reject",
    select: Mapping[str, str] | None = None,
    encoding: str = "utf-8",
    sep: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> EmploymentTable:
    """Read and validate an employment file; nothing is written.

    Parameters
    ----------
    path : path-like
        CSV or TSV, optionally gzip-compressed.
    layout : {"auto", "long", "cbp", "sbs"}
        File layout; ``auto`` recognises the others from the header.
    classification : {"NACE", "NAICS"}, optional
        Required for ``long``; CBP is NAICS and SBS is NACE.
    level : str, optional
        Industry level: NACE section / division / group / class; NAICS sector / subsector /
        industry_group / industry / national_industry (or ``2`` ... ``6``). Default: the level
        of a long file's codes, the finest level of a CBP or SBS file.
    region_level : str, optional
        Level recorded on Region nodes (SBS: which NUTS level to keep; default the finest).
    region_col, industry_col, year_col, jobs_col : str
        Column names of the ``long`` layout.
    year : int, optional
        Year of a file without a year column; otherwise keeps only that year.
    indicator : str, optional
        SBS indicator (default persons employed: ``V16110`` or ``EMP_NR``).
    suppressed : {"midpoint", "drop", "error"}
        Rule for suppressed cells (see the module docstring).
    code_prefix : str
        Put before every industry code (e.g. ``"NAICS:"``).
    duplicates : {"reject", "sum"}
        Several rows for one region, industry and year: refuse the file or add them up.
    select : mapping, optional
        SBS (Eurostat): the value kept of each key besides ``nace_r2`` and ``geo``, e.g.
        ``{"unit": "NR", "c_resid": "TOTAL"}``; required for every key holding several values.
    encoding : str
        Text encoding of the file.
    sep : str, optional
        Column separator; default sniffed from the header (comma, semicolon, tab, pipe).

    Examples
    --------
    >>> t = read_employment("tour_occ_arn2.tsv.gz", select={"unit": "NR", "c_resid": "TOTAL"},
    ...                     region_level="nuts2")  # doctest: +SKIP

    Returns
    -------
    EmploymentTable
    """
    path = Path(path)
    if layout not in EMPLOYMENT_LAYOUTS:
        raise LoaderError(
            f"unknown layout {layout!r}; choose one of {', '.join(EMPLOYMENT_LAYOUTS)}")
    if suppressed not in SUPPRESSED_RULES:
        raise LoaderError(f"suppressed must be one of {', '.join(SUPPRESSED_RULES)}, "
                          f"got {suppressed!r}")
    if duplicates not in ("reject", "sum"):
        raise LoaderError(f"duplicates must be 'reject' or 'sum', got {duplicates!r}")
    raw = read_table(path, encoding=encoding, sep=sep, progress=progress)
    if layout == "auto":
        layout = detect_layout(list(raw.columns))
    if select and layout != "sbs":
        raise LoaderError(f"{path}: --select chooses dimensions of a Eurostat file (sbs "
                          f"layout); this file has the {layout} layout")
    if layout == "cbp":
        if classification and classification.upper() != "NAICS":
            raise LoaderError(f"County Business Patterns use NAICS codes, not {classification}")
        table = _from_cbp(raw, path, level, region_level, year, suppressed)
    elif layout == "sbs":
        if classification and classification.upper() != "NACE":
            raise LoaderError(f"Eurostat SBS uses NACE Rev. 2 codes, not {classification}")
        table = _from_sbs(raw, path, level, region_level, year, indicator, suppressed,
                          dict(select or {}))
    else:
        if classification is None:
            raise LoaderError(f"{path}: pass --classification NACE or NAICS for a long file")
        sch = code_mod.scheme(classification, label="Industry")
        table = _from_long(raw, path, sch.name, level, region_level, region_col, industry_col,
                           year_col, jobs_col, year)
    table.notes[:0] = raw.attrs.get("notes", [])  # what the reader did (e.g. the encoding)
    before = len(table.data)
    industry_of = table.data.drop_duplicates("code").set_index("code")["industry"]
    table.data = check_duplicates(
        keep_lines(table.data[["region", "code", "year", "jobs"]], raw),
        ["region", "code", "year"], path=path, how=duplicates, values=["jobs"])
    table.data["industry"] = table.data["code"].map(industry_of)
    if len(table.data) < before:
        table.notes.append(f"summed {before - len(table.data):,} duplicate rows")
    data = table.data.groupby(["region", "industry", "year"], as_index=False, sort=True)[
        "jobs"].sum()
    if data["industry"].nunique() < table.data["code"].nunique():
        table.notes.append(f"summed {table.data['code'].nunique():,} codes up to "
                           f"{data['industry'].nunique():,} at {table.level}")
    data["industry"] = code_prefix + data["industry"].astype(str)
    table.data = data[["region", "industry", "year", "jobs"]]
    table.code_prefix = code_prefix
    if table.data.empty:
        raise LoaderError(f"{path}: no employment rows left to load")
    return table


def _years(raw: pd.DataFrame, column: str, path: Path, year: int | None,
           from_name: bool = False) -> pd.Series:
    if column in raw.columns:
        years = parse_year(raw, column, path=path)
        return years
    if year is None and from_name:
        m = re.search(r"cbp(\d{2}|\d{4})(co|st|msa|us|zbp|cty)?", path.name.lower())
        if m:
            yy = int(m.group(1))
            year = yy if yy > 1900 else (2000 + yy if yy < 80 else 1900 + yy)
    if year is None:
        raise LoaderError(
            f"{path}: no year column {column!r} (found: {', '.join(raw.columns)}); pass --year "
            "for a file of one year or --year-col to name the column"
        )
    return pd.Series(np.int64(year), index=raw.index)


def _keep_year(frame: pd.DataFrame, year: int | None, path: Path) -> pd.DataFrame:
    if year is not None:
        frame = frame[frame["year"] == year]
        if frame.empty:
            raise LoaderError(f"{path}: no rows for year {year}")
    return frame


def _finest(codes: pd.Series, classification: str) -> str:
    sch = code_mod.scheme(classification)
    parsed = code_mod.parse_codes(codes, classification)
    depth = parsed["depth"][parsed["depth"] >= 0]
    if depth.empty:
        raise LoaderError("no industry code of a known form in the file")
    return sch.levels[int(depth.max())]


def _examples(codes: pd.Series, limit: int = 6) -> str:
    found = sorted(pd.unique(codes.astype(str)))
    return ", ".join(found[:limit]) + (", ..." if len(found) > limit else "")


def _at_level(frame: pd.DataFrame, classification: str, level: str | None, path: Path,
              column: str, notes: list[str], *, unknown: str = "raise"
              ) -> tuple[pd.DataFrame, str]:
    """Keep the rows whose code is at ``level`` (files holding every level); drop aggregates.

    Codes of unknown form refuse the file (``unknown="raise"``) or are left out and reported
    (``"report"``: publisher files such as Eurostat's, whose pseudo-codes are aggregates).
    """
    agg = code_mod.is_aggregate(frame["code"]).to_numpy()
    if agg.any():
        notes.append(f"left out {int(agg.sum()):,} rows of aggregate codes that are not one "
                     f"{classification} code ({_examples(frame.loc[agg, 'code'])})")
        frame = frame[~agg]
    if frame.empty:
        raise LoaderError(f"{path}: column {column!r} holds only aggregates, no "
                          f"{classification} code")
    sch = code_mod.scheme(classification)
    parsed = code_mod.parse_codes(frame["code"], classification)
    depth = parsed["depth"].reindex(frame["code"].str.strip().to_numpy()).to_numpy()
    if (depth < 0).any() and unknown == "report":
        bad = depth < 0
        notes.append(f"left out {int(bad.sum()):,} rows of codes that are not {classification} "
                     f"({_examples(frame.loc[bad, 'code'])}; first at line "
                     f"{_lines(frame.index[bad][:1], frame=frame)})")
        frame, depth = frame[~bad], depth[~bad]
        if frame.empty:
            raise LoaderError(f"{path}: column {column!r} holds no {classification} code")
    if (depth < 0).any():  # let normalise name the unknown codes and their lines
        code_mod.normalise(frame["code"], classification, None, path=path, column=column)
    level = code_mod.resolve_level(sch, level) if level else sch.levels[int(depth.max())]
    keep = depth == sch.level_index(level)
    if not keep.any():
        have = ", ".join(f"{sch.levels[d]} (e.g. {frame['code'][depth == d].iloc[0]})"
                         for d in sorted(set(depth.tolist())))
        raise LoaderError(f"{path}: no rows at the {sch.name} level {level} in column "
                          f"{column!r}; the file's codes are at {have}")
    if (~keep).any():
        notes.append(f"kept the {int(keep.sum()):,} rows at {level}; left out "
                     f"{int((~keep).sum()):,} rows at other levels (the file holds every level)")
    frame = frame[keep].copy()
    frame["industry"], level = code_mod.normalise(frame["code"], classification, level,
                                                  path=path, column=column)
    return frame, level


def _from_long(raw, path, classification, level, region_level, region_col, industry_col,
               year_col, jobs_col, year) -> EmploymentTable:
    require_columns(raw, [region_col, industry_col, jobs_col], path=path)
    frame = pd.DataFrame({
        "region": require_codes(raw, region_col, path=path, upper=True),
        "code": require_codes(raw, industry_col, path=path),
        "jobs": parse_numeric(raw, jobs_col, path=path),
    })
    keep_lines(frame, raw)
    frame["year"] = _years(raw, year_col, path, year)
    frame = _keep_year(frame, year, path)
    frame["industry"], level = code_mod.normalise(
        frame["code"], classification, level, path=path, column=industry_col, single_level=True)
    n_missing = int(frame["jobs"].isna().sum())
    notes = [f"skipped {n_missing:,} rows without jobs (missing, not zero)"] if n_missing else []
    frame = frame[frame["jobs"].notna()]
    return EmploymentTable(data=frame, path=path, layout="long", classification=classification,
                           level=level, rows_read=len(raw), region_level=region_level,
                           missing_values=n_missing, notes=notes)




def cbp_cells(raw: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """The employment cells of a County / ZIP Code Business Patterns table.

    ``raw`` is the file as read (:func:`~smartspec.loaders._io.read_table`, lower-case column
    names). Returns, in file order, ``jobs`` (``emp``), ``flag`` (``empflag`` size class),
    ``noise`` (``emp_nf``), ``suppressed`` (a size class, or ``emp_nf`` D / S / N) and
    ``midpoint`` (of the size class; NaN without one). Unknown size classes and negative
    ``emp`` refuse the file, naming the lines.

    >>> raw = pd.DataFrame({"emp": ["0", "12"], "empflag": ["B", None], "emp_nf": ["D", "G"]})
    >>> cbp_cells(raw, "zbp16totals.txt")[["suppressed", "midpoint"]].values.tolist()
    [[True, 59.5], [False, nan]]
    """
    jobs = parse_numeric(raw, "emp", path=path)
    empflag = (raw["empflag"].str.strip().str.upper() if "empflag" in raw.columns
               else pd.Series(pd.NA, index=raw.index, dtype="string"))
    noise = (raw["emp_nf"].str.strip().str.upper() if "emp_nf" in raw.columns
             else pd.Series(pd.NA, index=raw.index, dtype="string"))
    unknown_flag = empflag.notna() & ~empflag.isin(list(CBP_SIZE_CLASSES))
    if unknown_flag.any():
        raise LoaderError(
            f"{path}: column 'empflag' has unknown size classes at line(s) "
            f"{_lines(unknown_flag.to_numpy(), frame=raw)} "
            f"(e.g. {empflag[unknown_flag].iloc[0]!r}); "
            f"expected one of {', '.join(CBP_SIZE_CLASSES)}")
    mid = empflag.map({k: (lo if hi is None else (lo + hi) / 2)
                       for k, (lo, hi) in CBP_SIZE_CLASSES.items()}).astype("float64")
    supp = (empflag.notna() | noise.isin(list(_CBP_WITHHELD))).astype(bool)
    return pd.DataFrame({"jobs": jobs, "flag": empflag, "noise": noise, "suppressed": supp,
                         "midpoint": mid}, index=raw.index)


def _refuse_zbp(raw: pd.DataFrame, path: Path) -> None:
    """ZIP Code Business Patterns files hold no region x industry employment: say why."""
    if "zip" not in raw.columns:
        return
    if "naics" not in raw.columns:
        raise LoaderError(
            f"{path}: ZIP Code Business Patterns totals (columns zip, emp, ... and no naics "
            "column): employment of all industries per ZIP code, not regions x industries; load "
            "a County Business Patterns file (cbpYYco.txt, cbpYYst.txt or cbpYYmsa.txt) instead")
    if "emp" not in raw.columns:
        raise LoaderError(
            f"{path}: ZIP Code Business Patterns detail (zip, naics, est, n1_4 ...) counts "
            "establishments by size class and has no employment column (emp); load a County "
            "Business Patterns file (cbpYYco.txt) for employment by industry")


def _from_cbp(raw, path, level, region_level, year, suppressed) -> EmploymentTable:
    cols = {c.lower(): c for c in raw.columns}
    raw = raw.rename(columns={v: k for k, v in cols.items()})
    _refuse_zbp(raw, path)
    require_columns(raw, ["naics", "emp"], path=path)
    notes: list[str] = []
    if "fipstate" in raw.columns and "fipscty" in raw.columns:
        region = (require_codes(raw, "fipstate", path=path).str.zfill(2)
                  + require_codes(raw, "fipscty", path=path).str.zfill(3))
        default_level = "county"
        statewide = region.str.endswith("999")
        if statewide.any():
            notes.append(f"{int(statewide.sum()):,} rows of CBP's statewide county 999 kept as "
                         "their own regions (SS999)")
    elif "msa" in raw.columns:
        region, default_level = require_codes(raw, "msa", path=path), "metro"
    elif "fipstate" in raw.columns:
        region, default_level = require_codes(raw, "fipstate", path=path).str.zfill(2), "state"
    else:
        raise LoaderError(f"{path}: a County Business Patterns file needs fipstate and fipscty "
                          f"(county), msa or fipstate (state) columns; found: "
                          f"{', '.join(raw.columns)}")
    cells = cbp_cells(raw, path)
    frame = pd.DataFrame({"region": region, "code": require_codes(raw, "naics", path=path),
                          "jobs": cells["jobs"], "suppressed": cells["suppressed"],
                          "midpoint": cells["midpoint"]})
    keep_lines(frame, raw)
    frame["year"] = _years(raw, "year", path, year, from_name=True)
    if "lfo" in raw.columns:
        frame = frame[raw["lfo"].str.strip() == "-"]
    frame = _keep_year(frame, year, path)
    frame, level = _at_level(frame, "NAICS", level, path, "naics", notes)
    is_supp = frame["suppressed"].to_numpy(dtype=bool)
    n_supp = int(is_supp.sum())
    estimated = 0
    if n_supp:
        if suppressed == "error":
            where = _lines(frame.index[is_supp], frame=frame)
            raise LoaderError(
                f"{path}: {n_supp} suppressed employment cell(s) (empflag / emp_nf) at line(s) "
                f"{where}; pass --suppressed midpoint or drop")
        mid = frame["midpoint"].to_numpy(dtype="float64")
        if suppressed == "midpoint":
            use = is_supp & ~np.isnan(mid)
            frame.loc[use, "jobs"] = mid[use]
            estimated = int(use.sum())
            drop = is_supp & np.isnan(mid)
            if estimated:
                notes.append(f"estimated {estimated:,} suppressed cell(s) at the midpoint of "
                             "their size class")
            if drop.any():
                notes.append(f"skipped {int(drop.sum()):,} suppressed cell(s) without a size "
                             "class")
        else:
            drop = is_supp
            notes.append(f"skipped {n_supp:,} suppressed cells")
        frame = frame[~drop]
    n_missing = int(frame["jobs"].isna().sum())
    frame = frame[frame["jobs"].notna()]
    if n_missing:
        notes.append(f"skipped {n_missing:,} rows without jobs (missing, not zero)")
    return EmploymentTable(data=frame[["region", "code", "industry", "year", "jobs"]], path=path,
                           layout="cbp", classification="NAICS", level=level,
                           rows_read=len(raw), region_level=region_level or default_level,
                           suppressed=n_supp, estimated=estimated, missing_values=n_missing,
                           notes=notes)


#: Eurostat observation flags (https://ec.europa.eu/eurostat/data/database/information).
EUROSTAT_FLAGS = {
    "b": "break in time series", "c": "confidential", "d": "definition differs",
    "e": "estimated", "f": "forecast", "n": "not significant", "p": "provisional",
    "r": "revised", "s": "Eurostat estimate", "u": "low reliability", "z": "not applicable",
}
#: SDMX-CSV columns that are not dimensions.
_SDMX_NOT_DIMS = {"DATAFLOW", "LAST UPDATE", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG",
                  "CONF_STATUS"}
_INDICATOR_DIMS = ("indic_sb", "indic_sbs")
_NOT_COUNT_UNIT = re.compile(r"^(PC|PCH|RT|I\d{2}|PM|PER_)", re.IGNORECASE)
_GEO_AGGREGATE = re.compile(r"^(EU|EA|EFTA|EEA|EMU)\d*(_\d+)?$")
_NUTS = re.compile(r"^[A-Z]{2}[0-9A-Z]{0,3}$")


def _sbs_value(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Eurostat cells ``'1234 '``, ``'12.5 p'``, ``':'``, ``': c'``, ``': @C'``, ``'5 be'`` ->
    value text (``:`` when missing; NaN when unreadable) and flag letters (``@C`` -> ``c``).

    >>> v, f = _sbs_value(pd.Series(["420931 e", ": @C", "-3.2 ", "5 be"]))
    >>> v.tolist(), f.tolist()
    (['420931', ':', '-3.2', '5'], ['e', 'c', '', 'be'])
    """
    t = text.fillna(":").str.strip()
    m = t.str.extract(r"^(?P<num>-?[0-9]+(?:\.[0-9]+)?|:)\s*(?P<flag>[a-z]*)\s*(?P<conf>@C)?$")
    flag = m["flag"].fillna("") + m["conf"].notna().map({True: "c", False: ""})
    return m["num"], flag.where(m["num"].notna())


def _choose_dimensions(frame: pd.DataFrame, dims: list[str], select: dict[str, str],
                       indicator: str | None, path: Path, notes: list[str]
                       ) -> tuple[pd.DataFrame, dict[str, str]]:
    """Keep one value of every dimension besides nace_r2 and geo (see the module docstring).

    Returns the rows kept and the value of every such dimension.
    """
    chosen: dict[str, str] = {}
    unknown = [k for k in select if k not in dims]
    if unknown:
        raise LoaderError(f"{path}: --select {unknown[0]}=...: the file has no dimension "
                          f"{unknown[0]!r}; its dimensions are {', '.join(dims)}")
    ind_dim = next((d for d in _INDICATOR_DIMS if d in dims), None)
    if ind_dim is not None and indicator is not None:
        select.setdefault(ind_dim, indicator)
    for dim in dims:
        values = frame[dim].str.strip()
        found = sorted(values.dropna().unique())
        want = select.get(dim)
        if want is None and dim == ind_dim:
            want = next((i for i in _SBS_INDICATORS if i in found), None)
            if want is None and len(found) > 1:
                raise LoaderError(
                    f"{path}: several indicators ({', '.join(found[:12])}); pass --indicator "
                    "(persons employed: V16110 or EMP_NR)")
        if want is None:
            if dim in ("nace_r2", "geo") or len(found) <= 1:
                if found and dim not in ("nace_r2", "geo"):
                    chosen[dim] = found[0]
                continue
            raise LoaderError(
                f"{path}: dimension {dim!r} holds {len(found)} values ({', '.join(found[:12])}"
                f"{', ...' if len(found) > 12 else ''}); choose one with --select {dim}=VALUE "
                "(one value of every dimension besides nace_r2 and geo)")
        if want not in found:
            raise LoaderError(f"{path}: no rows with {dim} = {want!r}; {dim} holds: "
                              f"{', '.join(found[:12])}{', ...' if len(found) > 12 else ''}")
        frame = frame[values == want]
        chosen[dim] = want
        notes.append(f"{'indicator' if dim == ind_dim else dim} {want}")
    return frame, chosen


def _from_sbs(raw, path, level, region_level, year, indicator, suppressed,
              select) -> EmploymentTable:
    notes: list[str] = []
    first = raw.columns[0]
    if "\\" in first:  # Eurostat TSV: "freq,unit,nace_r2,geo\TIME_PERIOD", one column per year
        dims = [d.strip() for d in first.split("\\")[0].split(",")]
        require_columns(pd.DataFrame(columns=dims), ["nace_r2", "geo"], path=path)
        keys = raw[first].str.split(",", expand=True)
        n_keys = raw[first].str.count(",") + 1
        bad = (n_keys != len(dims)).to_numpy()
        if bad.any():
            raise LoaderError(f"{path}: column 1 ({first!r}) does not hold {len(dims)} comma-"
                              f"separated keys ({', '.join(dims)}) at line(s) "
                              f"{_lines(bad, frame=raw)} "
                              f"(e.g. {raw[first][bad].iloc[0]!r})")
        keys.columns = dims
        year_cols = [c for c in raw.columns[1:] if re.fullmatch(r"\d{4}", c.strip())]
        if not year_cols:
            raise LoaderError(f"{path}: no year columns after {first!r} (found: "
                              f"{', '.join(raw.columns[1:6])}); the loader reads annual data")
        other = [c for c in raw.columns[1:] if c not in year_cols]
        if other:
            raise LoaderError(f"{path}: columns that are not years ({', '.join(other[:5])}); "
                              "the loader reads annual data (--select freq=A on a file of "
                              "annual columns)")
        keys, chosen = _choose_dimensions(keys, dims, select, indicator, path, notes)
        wide = pd.concat([keys[["nace_r2", "geo"]], raw.loc[keys.index, year_cols]], axis=1)
        wide["_line"] = keys.index.to_numpy()
        long = wide.melt(id_vars=["nace_r2", "geo", "_line"], value_vars=year_cols,
                         var_name="TIME_PERIOD", value_name="cell")
        num, flag = _sbs_value(long["cell"])
        bad = num.isna().to_numpy()
        if bad.any():
            at = long[bad].iloc[0]
            raise LoaderError(f"{path}: {int(bad.sum())} cell(s) that are neither a number with "
                              f"flags nor ':' , first at line "
                              f"{_lines(np.array([at['_line']]), frame=raw)}, column "
                              f"{at['TIME_PERIOD'].strip()!r}: {at['cell']!r}")
        long["OBS_VALUE"] = num.where(num != ":")
        long["OBS_FLAG"] = flag
        frame = long.set_index("_line")
        frame.index.name = None
        column_of = frame["TIME_PERIOD"].str.strip()
    else:
        require_columns(raw, ["nace_r2", "geo", "TIME_PERIOD", "OBS_VALUE"], path=path)
        dims = [c for c in raw.columns if c not in _SDMX_NOT_DIMS]
        frame, chosen = _choose_dimensions(raw, dims, select, indicator, path, notes)
        flag = (frame["OBS_FLAG"].fillna("").str.strip() if "OBS_FLAG" in frame.columns
                else pd.Series("", index=frame.index))
        if "CONF_STATUS" in frame.columns:
            flag = flag + frame["CONF_STATUS"].fillna("").str.strip().str.upper().eq(
                "C").map({True: "c", False: ""})
        frame = frame.assign(OBS_FLAG=flag)
        column_of = pd.Series("OBS_VALUE", index=frame.index)
    unit = chosen.get("unit")
    if unit is not None and _NOT_COUNT_UNIT.match(unit):
        raise LoaderError(f"{path}: unit {unit} is a percentage, rate or index, not a count; "
                          "choose a unit of counts with --select unit=... (NR, THS ...)")
    frame = keep_lines(pd.DataFrame({  # the index holds the file's record numbers
        "region": normalise_codes(frame["geo"], path=path, column="geo", upper=True),
        "code": frame["nace_r2"].str.strip(),
        "value": frame["OBS_VALUE"], "flag": frame["OBS_FLAG"].fillna(""),
        "TIME_PERIOD": frame["TIME_PERIOD"], "column": column_of,
    }, index=frame.index), raw)
    values = pd.to_numeric(frame["value"].str.strip(), errors="coerce")
    bad = (values.isna() & frame["value"].notna()).to_numpy()
    if bad.any():
        at = frame[bad].iloc[0]
        raise LoaderError(f"{path}: {int(bad.sum())} value(s) that are not numbers, first at line "
                          f"{_lines(frame.index[bad][:1], frame=frame)}, "
                          f"column {at['column']!r}: "
                          f"{at['value']!r}")
    neg = (values < 0).to_numpy()
    if neg.any():
        at = frame[neg].iloc[0]
        raise LoaderError(f"{path}: {int(neg.sum())} negative value(s), first at line "
                          f"{_lines(frame.index[neg][:1], frame=frame)}, "
                          f"column {at['column']!r}: "
                          f"{at['value']!r}; "
                          "jobs cannot be negative (a change or a rate? choose a unit of counts "
                          "with --select unit=...)")
    frame["jobs"] = values.astype("float64")
    if unit is not None and unit.upper().startswith("THS"):
        frame["jobs"] = frame["jobs"] * 1000.0
        notes.append(f"unit {unit}: values in thousands, multiplied by 1,000")
    frame["year"] = parse_year(frame, "TIME_PERIOD", path=path)
    frame = _keep_year(frame, year, path)
    frame, region_level = _nuts_level(frame, path, region_level, notes)
    frame, level = _at_level(frame, "NACE", level, path, "nace_r2", notes, unknown="report")
    miss = frame["jobs"].isna().to_numpy()
    n_supp = int(miss.sum())
    if n_supp and suppressed == "error":
        at = frame[miss].iloc[0]
        raise LoaderError(f"{path}: {n_supp} confidential or missing cell(s), first at line "
                          f"{_lines(frame.index[miss][:1], frame=frame)}, column {at['column']!r}; "
                          "pass "
                          "--suppressed drop to skip them")
    if n_supp:
        conf = int(frame["flag"].str.contains("c").to_numpy()[miss].sum())
        notes.append(f"skipped {n_supp:,} missing cells ({conf:,} confidential)")
    frame = frame[~miss]
    counts = _flag_counts(frame["flag"])
    if counts:
        notes.append("flags on the values kept: " + ", ".join(
            f"{n:,} {f} ({EUROSTAT_FLAGS.get(f, 'unknown flag')})" for f, n in counts.items()))
    return EmploymentTable(data=frame[["region", "code", "industry", "year", "jobs"]], path=path,
                           layout="sbs", classification="NACE", level=level, rows_read=len(raw),
                           region_level=region_level, suppressed=n_supp,
                           estimated=counts.get("e", 0), notes=notes)


def _flag_counts(flags: pd.Series) -> dict[str, int]:
    """Count of values carrying each flag letter (``be`` counts for ``b`` and ``e``)."""
    letters = flags[flags != ""].str.split("").explode()
    letters = letters[letters != ""]
    return {k: int(v) for k, v in letters.value_counts().sort_index().items()}


def _nuts_level(frame: pd.DataFrame, path: Path, region_level: str | None,
                notes: list[str]) -> tuple[pd.DataFrame, str]:
    """Keep the regions of one NUTS level; report aggregates, non-NUTS codes and other levels."""
    regions = frame["region"]
    agg = regions.str.match(_GEO_AGGREGATE).to_numpy(dtype=bool)
    if agg.any():
        notes.append(f"left out {int(agg.sum()):,} rows of aggregates that are not regions "
                     f"({_examples(regions[agg])})")
    other = ~agg & ~regions.str.match(_NUTS).to_numpy(dtype=bool)
    if other.any():
        notes.append(f"left out {int(other.sum()):,} rows of geo codes that are not NUTS "
                     f"({_examples(regions[other])})")
    frame = frame[~agg & ~other]
    if frame.empty:
        raise LoaderError(f"{path}: no NUTS region in column 'geo'")
    nuts = frame["region"].str.len().map(_NUTS_LEVELS)
    if region_level is None:
        region_level = _NUTS_LEVELS[int(frame["region"].str.len().max())]
    region_level = _REGION_LEVEL_ALIASES.get(region_level.lower(), region_level.lower())
    if region_level not in _NUTS_LEVELS.values():
        raise LoaderError(f"unknown region level {region_level!r} for a Eurostat file; choose "
                          "nuts0 (country), nuts1, nuts2 or nuts3")
    keep = (nuts == region_level).to_numpy()
    found = nuts.value_counts()
    if not keep.any():
        raise LoaderError(f"{path}: no regions at level {region_level}; found "
                          f"{', '.join(f'{lv} ({n:,} rows)' for lv, n in found.items())}")
    if (~keep).any():
        rest = "; ".join(
            f"{found[lv]:,} at {lv} (e.g. {frame['region'][nuts == lv].iloc[0]})"
            for lv in _NUTS_LEVELS.values() if lv != region_level and lv in found.index)
        notes.append(f"kept the {int(keep.sum()):,} rows of {region_level} regions; left out "
                     f"{rest} (the file mixes NUTS levels; --region-level chooses)")
    return frame[keep], region_level


def write_employment(
    store: Store,
    table: EmploymentTable,
    *,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a validated employment table: Region and Industry nodes (with the classification's
    hierarchy as PART_OF) and one EMPLOYS {year, jobs} per row.

    Idempotent: nodes merge on their codes and EMPLOYS on (region, industry, year). Returns
    counts written.
    """
    data = table.data
    store.create_schema()
    inds = pd.unique(data["industry"])
    hier = code_mod.write_hierarchy(store, "Industry", inds, table.classification,
                                    prefix=table.code_prefix, path=table.path)
    regions = pd.DataFrame({"code": pd.unique(data["region"])})
    if table.region_level:
        regions["level"] = table.region_level
    store.upsert_nodes("Region", regions)
    rels = data.rename(columns={"region": "start", "industry": "end"})
    n = store.upsert_relationships("EMPLOYS", rels, start="Region", end="Industry",
                                   progress=progress)
    return {"regions": len(regions), "industries": len(inds), "hierarchy_nodes": hier["nodes"],
            "part_of": hier["links"], "employs": n}
