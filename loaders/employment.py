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
    Eurostat structural business statistics, regional (``sbs_r_nuts06_r2``,
    ``sbs_r_nuts2021``) in either download format: the TSV (first column
    ``nace_r2,indic_sb,geo\\time``, one column per year, ``:`` for missing, flags after the
    number) or SDMX-CSV (``nace_r2, indic_sb(s), geo, TIME_PERIOD, OBS_VALUE, OBS_FLAG``). The
    indicator kept is ``indicator=`` (default: persons employed, ``V16110`` or ``EMP_NR``).
    Aggregates that are not one NACE code (``B-N_S95_X_K``, ``B-E``, ``TOTAL``) are left out,
    and so are the EU / euro-area totals; NUTS codes give the region level (2 characters
    country, 3 NUTS 1, 4 NUTS 2, 5 NUTS 3).

CBP and SBS files hold every level of the classification (and SBS several region levels) at
once: the loader keeps the rows at ``level`` (default: the finest industry level in the file)
and ``region_level`` (SBS; default the finest), and says how many rows it left out.

Suppressed cells (``suppressed=``)
----------------------------------
CBP withholds employment to avoid disclosing single firms: ``emp`` is 0 and ``empflag`` gives
the size class (A 0-19, B 20-99, C 100-249, E 250-499, F 500-999, G 1,000-2,499, H 2,500-4,999,
I 5,000-9,999, J 10,000-24,999, K 25,000-49,999, L 50,000-99,999, M 100,000 or more), or
``emp_nf`` is ``D`` (withheld) / ``S`` (below publication standards) / ``N`` (not available).
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
apart).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..graph_models.store import Store
from . import codes as code_mod
from ._io import (
    LoaderError,
    check_duplicates,
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
    """Guess the layout from a header (see the module docstring)."""
    cols = {c.lower() for c in columns}
    if "naics" in cols and "emp" in cols:
        return "cbp"
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
    encoding: str = "utf-8",
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
    encoding : str
        Text encoding of the file.

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
    raw = read_table(path, encoding=encoding, progress=progress)
    if layout == "auto":
        layout = detect_layout(list(raw.columns))
    if layout == "cbp":
        if classification and classification.upper() != "NAICS":
            raise LoaderError(f"County Business Patterns use NAICS codes, not {classification}")
        table = _from_cbp(raw, path, level, region_level, year, suppressed)
    elif layout == "sbs":
        if classification and classification.upper() != "NACE":
            raise LoaderError(f"Eurostat SBS uses NACE Rev. 2 codes, not {classification}")
        table = _from_sbs(raw, path, level, region_level, year, indicator, suppressed)
    else:
        if classification is None:
            raise LoaderError(f"{path}: pass --classification NACE or NAICS for a long file")
        sch = code_mod.scheme(classification, label="Industry")
        table = _from_long(raw, path, sch.name, level, region_level, region_col, industry_col,
                           year_col, jobs_col, year)
    before = len(table.data)
    industry_of = table.data.drop_duplicates("code").set_index("code")["industry"]
    table.data = check_duplicates(table.data[["region", "code", "year", "jobs"]],
                                  ["region", "code", "year"], path=path, how=duplicates)
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


def _at_level(frame: pd.DataFrame, classification: str, level: str | None, path: Path,
              column: str, notes: list[str]) -> tuple[pd.DataFrame, str]:
    """Keep the rows whose code is at ``level`` (files holding every level); drop aggregates."""
    agg = code_mod.is_aggregate(frame["code"]).to_numpy()
    if agg.any():
        notes.append(f"left out {int(agg.sum()):,} aggregate rows (e.g. "
                     f"{frame.loc[agg, 'code'].iloc[0]!r})")
        frame = frame[~agg]
    sch = code_mod.scheme(classification)
    parsed = code_mod.parse_codes(frame["code"], classification)
    depth = parsed["depth"].reindex(frame["code"].str.strip().to_numpy()).to_numpy()
    if (depth < 0).any():  # let normalise name the unknown codes and their lines
        code_mod.normalise(frame["code"], classification, None, path=path, column=column)
    level = code_mod.resolve_level(sch, level) if level else sch.levels[int(depth.max())]
    keep = depth == sch.level_index(level)
    if not keep.any():
        raise LoaderError(f"{path}: no rows at the {sch.name} level {level}")
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
        "region": require_codes(raw, region_col, path=path),
        "code": require_codes(raw, industry_col, path=path),
        "jobs": parse_numeric(raw, jobs_col, path=path),
    })
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


def _lines(mask: np.ndarray, limit: int = 5) -> str:
    return ", ".join(map(str, np.flatnonzero(mask)[:limit] + 2))


def _from_cbp(raw, path, level, region_level, year, suppressed) -> EmploymentTable:
    cols = {c.lower(): c for c in raw.columns}
    raw = raw.rename(columns={v: k for k, v in cols.items()})
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
    jobs = parse_numeric(raw, "emp", path=path)
    empflag = (raw["empflag"].str.strip().str.upper() if "empflag" in raw.columns
               else pd.Series(pd.NA, index=raw.index, dtype="string"))
    noise = (raw["emp_nf"].str.strip().str.upper() if "emp_nf" in raw.columns
             else pd.Series(pd.NA, index=raw.index, dtype="string"))
    unknown_flag = empflag.notna() & ~empflag.isin(list(CBP_SIZE_CLASSES))
    if unknown_flag.any():
        raise LoaderError(
            f"{path}: column 'empflag' has unknown size classes at line(s) "
            f"{_lines(unknown_flag.to_numpy())} (e.g. {empflag[unknown_flag].iloc[0]!r}); "
            f"expected one of {', '.join(CBP_SIZE_CLASSES)}")
    frame = pd.DataFrame({"region": region, "code": require_codes(raw, "naics", path=path),
                          "jobs": jobs, "flag": empflag, "noise": noise})
    frame["year"] = _years(raw, "year", path, year, from_name=True)
    if "lfo" in raw.columns:
        frame = frame[raw["lfo"].str.strip() == "-"]
    frame = _keep_year(frame, year, path)
    frame, level = _at_level(frame, "NAICS", level, path, "naics", notes)
    is_supp = (frame["flag"].notna() | frame["noise"].isin(list(_CBP_WITHHELD))).to_numpy()
    n_supp = int(is_supp.sum())
    estimated = 0
    if n_supp:
        if suppressed == "error":
            where = ", ".join(map(str, frame.index[is_supp][:5] + 2))
            raise LoaderError(
                f"{path}: {n_supp} suppressed employment cell(s) (empflag / emp_nf) at line(s) "
                f"{where}; pass --suppressed midpoint or drop")
        mid = frame["flag"].map(
            {k: (lo if hi is None else (lo + hi) / 2) for k, (lo, hi) in
             CBP_SIZE_CLASSES.items()}).astype("float64").to_numpy()
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


def _sbs_value(text: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Eurostat cells ``'1234 '``, ``'12.5 p'``, ``':'``, ``': c'`` -> value and flag."""
    t = text.fillna(":").str.strip()
    m = t.str.extract(r"^(?P<num>-?[0-9]+(?:\.[0-9]+)?|:)\s*(?P<flag>[a-z ]*)$")
    return m["num"], m["flag"].str.strip()


def _from_sbs(raw, path, level, region_level, year, indicator, suppressed) -> EmploymentTable:
    notes: list[str] = []
    first = raw.columns[0]
    if "\\" in first:  # Eurostat TSV: "nace_r2,indic_sb,geo\time", then one column per year
        dims = first.split("\\")[0].split(",")
        keys = raw[first].str.split(",", expand=True)
        if keys.shape[1] != len(dims):
            raise LoaderError(f"{path}: the first column does not hold {len(dims)} comma-"
                              f"separated keys ({', '.join(dims)})")
        keys.columns = dims
        year_cols = [c for c in raw.columns[1:] if re.fullmatch(r"\d{4}", c.strip())]
        if not year_cols:
            raise LoaderError(f"{path}: no year columns after {first!r}")
        wide = pd.concat([keys, raw[year_cols]], axis=1)
        wide["_line"] = np.arange(len(raw))
        long = wide.melt(id_vars=[*dims, "_line"], value_vars=year_cols, var_name="TIME_PERIOD",
                         value_name="cell")
        num, flag = _sbs_value(long["cell"])
        bad = num.isna()
        if bad.any():
            raise LoaderError(f"{path}: cells that are not numbers at line(s) "
                              f"{_lines(bad.to_numpy())} (e.g. {long['cell'][bad].iloc[0]!r})")
        long["OBS_VALUE"] = num.where(num != ":")
        long["OBS_FLAG"] = flag
        frame = long.set_index("_line")
        frame.index.name = None
    else:
        require_columns(raw, ["nace_r2", "geo", "TIME_PERIOD", "OBS_VALUE"], path=path)
        frame = raw.copy()
        if "OBS_FLAG" not in frame.columns:
            frame["OBS_FLAG"] = pd.NA
    ind_col = next((c for c in ("indic_sb", "indic_sbs") if c in frame.columns), None)
    if ind_col is not None:
        available = sorted(frame[ind_col].dropna().str.strip().unique())
        if indicator is None:
            indicator = next((i for i in _SBS_INDICATORS if i in available), None)
            if indicator is None and len(available) == 1:
                indicator = available[0]
            if indicator is None:
                raise LoaderError(f"{path}: several indicators ({', '.join(available[:8])}); "
                                  "pass --indicator (persons employed: V16110 or EMP_NR)")
        if indicator not in available:
            raise LoaderError(f"{path}: no rows of indicator {indicator!r}; found: "
                              f"{', '.join(available[:8])}")
        frame = frame[frame[ind_col].str.strip() == indicator]
        notes.append(f"indicator {indicator}")
    frame = pd.DataFrame({
        "region": frame["geo"].str.strip().str.upper(), "code": frame["nace_r2"].str.strip(),
        "OBS_VALUE": frame["OBS_VALUE"], "flag": frame["OBS_FLAG"],
        "TIME_PERIOD": frame["TIME_PERIOD"],
    }, index=frame.index)
    frame["jobs"] = parse_numeric(frame, "OBS_VALUE", path=path)  # negative jobs refuse the file
    frame["year"] = parse_year(frame, "TIME_PERIOD", path=path)
    frame = _keep_year(frame, year, path)
    # regions: NUTS codes of one level; EU / euro-area totals left out
    totals = frame["region"].str.match(r"^(EU|EA|EFTA|EEA)\d*(_\d+)?$") | \
        ~frame["region"].str.match(r"^[A-Z]{2}[0-9A-Z]{0,3}$")
    if totals.any():
        notes.append(f"left out {int(totals.sum()):,} rows of EU / euro-area totals")
        frame = frame[~totals]
    nuts = frame["region"].str.len().map(_NUTS_LEVELS)
    if region_level is None:
        region_level = _NUTS_LEVELS[int(frame["region"].str.len().max())]
    keep = (nuts == region_level).to_numpy()
    if not keep.any():
        raise LoaderError(f"{path}: no regions at level {region_level}; found "
                          f"{', '.join(sorted(nuts.dropna().unique()))}")
    if (~keep).any():
        notes.append(f"kept the regions at {region_level}; left out {int((~keep).sum()):,} rows "
                     "of other NUTS levels")
    frame = frame[keep]
    frame, level = _at_level(frame, "NACE", level, path, "nace_r2", notes)
    miss = frame["jobs"].isna().to_numpy()
    n_supp = int(miss.sum())
    if n_supp and suppressed == "error":
        raise LoaderError(f"{path}: {n_supp} confidential or missing cell(s) at line(s) "
                          f"{', '.join(map(str, frame.index[miss][:5] + 2))}; pass --suppressed "
                          "drop to skip them")
    if n_supp:
        conf = int(frame["flag"].fillna("").str.contains("c").to_numpy()[miss].sum())
        notes.append(f"skipped {n_supp:,} missing cells ({conf:,} confidential)")
    frame = frame[~miss]
    return EmploymentTable(data=frame[["region", "code", "industry", "year", "jobs"]], path=path,
                           layout="sbs", classification="NACE", level=level, rows_read=len(raw),
                           region_level=region_level, suppressed=n_supp, notes=notes)


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
