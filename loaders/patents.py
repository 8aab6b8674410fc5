"""Patent loader: region x technology counts as ``(:Region)-[:PATENTS]->(:Technology)``.

Layouts
-------
``long``
    One row per region, technology and year: ``region, technology, year, count`` (other names
    through the ``*_col`` options; a file without a year column takes ``year=``). A table of
    totals: its codes must all be at one level (totals at two levels would count the same
    patents twice); codes finer than ``level`` are summed up to it.
``regpat``
    OECD REGPAT as distributed: ``|``-separated text files (the separator is sniffed from the
    header; ``sep="|"`` forces it). The inventor file (``*_EPO_Inv_reg.txt`` /
    ``*_REGPAT_Inv_reg.txt``: ``appln_id|reg_code|ctry_code|reg_share|inv_share``, optionally
    ``person_id`` ...) and the IPC file (``*_EPO_IPC.txt``: ``appln_id|prio_year|app_year|IPC``,
    one code per row, written ``H01L  21/00``) are joined on ``appln_id``: pass the IPC file
    as ``classes=``, or give one joined file holding an ``IPC`` column (then each inventor
    row repeats once per code; the inventor rows are the file's rows without the code column,
    duplicates removed, so keep ``person_id`` in such a file to tell apart two inventors of one
    application in one region with the same share). The year is ``prio_year``
    (``year_col=``) from either file.
``patentsview``
    PatentsView-style patent-level tables: ``patent_id``, an inventor location column
    (``location``; e.g. a county FIPS or CBSA code prepared from ``g_location_disambiguated``)
    and CPC codes (``cpc``, else ``cpc_group`` or ``cpc_subclass``; several codes in one cell
    separated by ``;``, ``,`` or ``|``), in one file or with the codes in ``classes=`` (as
    ``g_cpc_current``: ``patent_id, cpc_group``). The year is ``year``, else the year of
    ``patent_date`` (or ``filing_date``). Inventor rows are told apart by ``inventor_id`` or
    ``inventor_sequence`` when present, else each distinct (patent, location) is one inventor.

Counting (patent-level layouts)
-------------------------------
``counting="fractional"`` (default; the OECD and Balland practice) gives each application one
patent in total, split by inventor region and by class:

``count_rct = sum_p [year_p = t] * w_pr * (1 / k_p) * [c in classes_p]``

where ``w_pr`` is the region's share of the application's inventors and ``k_p`` the number of
*distinct* classes of the application at the chosen level (``H01L 21/00`` and ``H01L 23/00``
are one subclass ``H01L``). REGPAT: ``w_pr = sum over the application's inventor rows in r of
inv_share * reg_share`` (``reg_share`` taken as 1 when absent); the shares of every application
must sum to 1 within ``tolerance`` (default 0.01, REGPAT rounds them) or the file is refused,
naming the applications; within the tolerance they are divided by their sum, so each
application counts exactly 1. PatentsView: ``w_pr`` is the region's number of inventors over
the patent's. ``counting="whole"`` counts 1 for every (application, inventor region, class).
Applications without a class (or without an inventor region) are left out and counted.

Codes (:mod:`smartspec.loaders.codes`): IPC or CPC codes are normalised to ``level`` (section
``H``, class ``H01``, subclass ``H01L`` - the default -, or main group ``H01L 21/00``); codes of
unknown form, and codes coarser than ``level``, refuse the file, naming lines. Every
Technology node records its ``classification`` and ``level``, and the hierarchy up to the
section is written as ``(:Technology)-[:PART_OF]->(:Technology)``. Codes already in the graph
under another classification are refused (``code_prefix``, e.g. ``"CPC:"``, keeps IPC and CPC
apart). Region codes are kept as written (stripped).

WIPO technology fields (``technology_fields=``): with the WIPO IPC -> technology concordance
(Schmoch 2008; PatentsView's ``ipc_technology.csv``, read as published: UTF-8 BOM, CRLF, SQL
``LIKE`` patterns such as ``F21H%`` and ``H04N   3/%``), a patent-level file is counted in the
35 named fields (``WIPO:1`` "Electrical machinery, apparatus, energy" ... ``WIPO:35``, each
``PART_OF`` one of the five sectors ``WIPO:I`` ... ``WIPO:V``) instead of IPC classes: ``k_p``
is then the number of distinct fields of the application; codes in no field are left out and
counted.

The knowledge space (:func:`knowledge_space`): from a patent-level layout, the co-occurrence of
classes on the same application, normalised by association strength (van Eck & Waltman 2009, as
Balland's EconGeo does), written as ``(:Technology)-[:PROXIMITY {year, phi, method:
'cooccurrence:association', cooccurrences}]-(:Technology)``.

Region codes are normalised as every loader does (:func:`~smartspec.loaders._io.
normalise_codes`: stripped of surrounding and zero-width spaces, upper-cased, so ``deu``, ``DEU``
and `` Deu `` are one region; a NUL refuses the file); years outside 1800-2100 refuse the file.
``duplicates="sum"`` (long layout) adds up counts only, and refuses a sum that overflows.
"""

from __future__ import annotations

from collections.abc import Callable
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
    parse_numeric,
    parse_year,
    read_table,
    require_codes,
    require_columns,
)

__all__ = [
    "PATENT_LAYOUTS",
    "WIPO_FIELDS",
    "read_technology_fields",
    "COUNTING",
    "PatentTable",
    "read_patents",
    "write_patents",
    "knowledge_space",
    "write_knowledge_space",
]

PATENT_LAYOUTS = ("long", "regpat", "patentsview")
COUNTING = ("fractional", "whole")
_SPLIT = r"[;,|]"

_DEFAULTS = {
    "long": {"region": "region", "technology": "technology", "year": "year", "count": "count"},
    "regpat": {"patent": "appln_id", "region": "reg_code", "share": "inv_share",
               "class": "IPC", "year": "prio_year"},
    "patentsview": {"patent": "patent_id", "region": "location", "class": "cpc",
                    "year": "year"},
}
_PV_CLASS_FALLBACK = ("cpc", "cpc_group", "cpc_subclass", "cpc_code")
_PV_DATE_FALLBACK = ("patent_date", "filing_date", "application_date")
_PV_INVENTOR = ("inventor_id", "inventor_sequence")
#: ``classification`` of the Technology nodes of the WIPO technology fields and their codes'
#: prefix (``WIPO:1`` ... ``WIPO:35``; the five sectors ``WIPO:I`` ... ``WIPO:V``).
WIPO_FIELDS = "WIPO"
_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


@dataclass
class PatentTable:
    """A validated patent table: ``region, technology, year, count`` plus what reading found.

    ``classes`` (patent-level layouts only) lists the distinct classes of every counted
    application at the chosen level: ``patent, technology, year`` (for the knowledge space).
    """

    data: pd.DataFrame
    path: Path
    layout: str
    classification: str
    level: str
    rows_read: int
    counting: str | None = None
    classes: pd.DataFrame | None = None
    fields: pd.DataFrame | None = None
    patents: int | None = None
    code_prefix: str = ""
    missing_values: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted(self.data["year"].unique().tolist())


def _col(given: str | None, layout: str, role: str) -> str:
    return given if given else _DEFAULTS[layout][role]


def read_patents(
    path: str | Path,
    *,
    layout: str = "long",
    classes: str | Path | None = None,
    classification: str | None = None,
    level: str = "subclass",
    region_col: str | None = None,
    technology_col: str | None = None,
    year_col: str | None = None,
    count_col: str | None = None,
    patent_col: str | None = None,
    share_col: str | None = None,
    class_col: str | None = None,
    year: int | None = None,
    counting: str = "fractional",
    tolerance: float = 0.01,
    code_prefix: str = "",
    duplicates: str = "reject",
    encoding: str = "utf-8",
    sep: str | None = None,
    technology_fields: str | Path | None = None,
    progress: Callable[[int], None] | None = None,
) -> PatentTable:
    """Read and validate a patent file; nothing is written.

    Parameters
    ----------
    path : path-like
        CSV or TSV, optionally gzip-compressed.
    layout : {"long", "regpat", "patentsview"}
        File layout (see the module docstring).
    classes : path-like, optional
        The class file of a patent-level layout (REGPAT IPC file, PatentsView
        ``g_cpc_current``), joined to ``path`` on the patent id.
    classification : {"IPC", "CPC"}, optional
        Default IPC (long, regpat) or CPC (patentsview).
    level : {"section", "class", "subclass", "group"}
        Level the codes are normalised to (default subclass, e.g. ``H01L``).
    region_col, technology_col, year_col, count_col, patent_col, share_col, class_col : str
        Column names when they differ from the layout's (see the module docstring).
    year : int, optional
        Year of a file without a year column (required then); otherwise keeps only that year.
    counting : {"fractional", "whole"}
        Patent-level layouts: split each application by inventor region and class (default)
        or count it once for each.
    tolerance : float
        REGPAT: how far an application's inventor shares may sum from 1.
    code_prefix : str
        Put before every technology code (e.g. ``"CPC:"``).
    duplicates : {"reject", "sum"}
        Long layout: several rows for one region, code and year.
    encoding : str
        Text encoding of the files.
    sep : str, optional
        Column separator of the files; default sniffed from each header (REGPAT's ``|``,
        comma, semicolon, tab).
    technology_fields : path-like, optional
        Patent-level layouts: the WIPO IPC -> 35 technology fields concordance (Schmoch 2008;
        PatentsView's ``ipc_technology.csv``); applications are then counted in the fields
        (``level="field"``, codes ``WIPO:1`` ... ``WIPO:35`` named after the fields) instead of
        IPC classes. See :func:`read_technology_fields`.

    Returns
    -------
    PatentTable

    Examples
    --------
    >>> t = read_patents("202001_EPO_Inv_reg.txt", layout="regpat",
    ...                  classes="202001_EPO_IPC.txt")  # doctest: +SKIP
    """
    path = Path(path)
    if layout not in PATENT_LAYOUTS:
        raise LoaderError(f"unknown layout {layout!r}; choose one of {', '.join(PATENT_LAYOUTS)}")
    if counting not in COUNTING:
        raise LoaderError(f"counting must be one of {', '.join(COUNTING)}, got {counting!r}")
    if duplicates not in ("reject", "sum"):
        raise LoaderError(f"duplicates must be 'reject' or 'sum', got {duplicates!r}")
    if not 0 <= tolerance < 1:
        raise LoaderError(f"tolerance must be in [0, 1), got {tolerance!r}")
    if classification is None:
        classification = "CPC" if layout == "patentsview" else "IPC"
    sch = code_mod.scheme(classification, label="Technology")
    code_mod.resolve_level(sch, level)
    raw = read_table(path, encoding=encoding, sep=sep, progress=progress)
    if layout == "long":
        if classes is not None:
            raise LoaderError("classes= is for the patent-level layouts (regpat, patentsview)")
        if technology_fields is not None:
            raise LoaderError("technology_fields= is for the patent-level layouts (regpat, "
                              "patentsview): a table of totals cannot be split into fields")
        table = _from_long(raw, path, sch.name, level, region_col, technology_col, year_col,
                           count_col, year, duplicates)
    else:
        if count_col or technology_col:
            raise LoaderError(
                f"the {layout} layout has no count or technology column; name the class "
                "column with --class-col"
            )
        class_raw = (read_table(classes, encoding=encoding, sep=sep) if classes is not None
                     else None)
        fields = (read_technology_fields(technology_fields, encoding=encoding)
                  if technology_fields is not None else None)
        table = _from_patent_level(
            raw, class_raw, path, Path(classes) if classes else None, layout, sch.name, level,
            region_col=region_col, year_col=year_col, patent_col=patent_col,
            share_col=share_col, class_col=class_col, year=year, counting=counting,
            tolerance=tolerance, fields=fields,
        )
    table.notes[:0] = raw.attrs.get("notes", [])  # what the reader did (e.g. the encoding)
    if code_prefix:
        table.data["technology"] = code_prefix + table.data["technology"]
        if table.classes is not None:
            table.classes["technology"] = code_prefix + table.classes["technology"]
    table.code_prefix = code_prefix
    return table


def _from_long(raw, path, classification, level, region_col, technology_col, year_col,
               count_col, year, duplicates) -> PatentTable:
    cols = {role: _col(given, "long", role) for role, given in
            (("region", region_col), ("technology", technology_col), ("year", year_col),
             ("count", count_col))}
    require_columns(raw, [cols["region"], cols["technology"], cols["count"]], path=path)
    frame = pd.DataFrame({
        "region": require_codes(raw, cols["region"], path=path, upper=True),
        "code": require_codes(raw, cols["technology"], path=path),
        "count": parse_numeric(raw, cols["count"], path=path),
    })
    keep_lines(frame, raw)
    frame["year"] = _years(raw, cols["year"], path, year)
    notes: list[str] = []
    if year is not None:
        frame = frame[frame["year"] == year]
        if frame.empty:
            raise LoaderError(f"{path}: no rows for year {year}")
    frame["technology"], level = code_mod.normalise(
        frame["code"], classification, level, path=path, column=cols["technology"],
        single_level=True)
    frame = check_duplicates(frame, ["region", "code", "year"], path=path, how=duplicates,
                             values=["count"])
    n_missing = int(frame["count"].isna().sum())
    frame = frame[frame["count"].notna()]
    before = frame["code"].nunique()
    data = (frame.groupby(["region", "technology", "year"], as_index=False, sort=True)["count"]
            .sum())
    if data["technology"].nunique() < before:
        notes.append(f"summed {before:,} codes up to {data['technology'].nunique():,} at {level}")
    if n_missing:
        notes.append(f"skipped {n_missing:,} rows without a count (missing, not zero)")
    data["technology"] = data["technology"].astype(str)
    return PatentTable(data=data[["region", "technology", "year", "count"]], path=path,
                       layout="long", classification=classification, level=level,
                       rows_read=len(raw), missing_values=n_missing, notes=notes)


def _years(raw: pd.DataFrame, column: str, path, year: int | None) -> pd.Series:
    if column in raw.columns:
        return parse_year(raw, column, path=path)
    if year is None:
        raise LoaderError(
            f"{path}: no year column {column!r} (found: {', '.join(raw.columns)}); pass --year "
            "for a file of one year or --year-col to name the column"
        )
    return pd.Series(np.int64(year), index=raw.index)


def _patent_years(frames: list[tuple[pd.DataFrame, Path]], patent_col: str, year_col: str,
                  layout: str, year: int | None) -> pd.DataFrame | None:
    """``patent, year`` from the first file holding the year (or a date) column."""
    for frame, where in frames:
        col = year_col if year_col in frame.columns else None
        if col is None and layout == "patentsview" and year_col == "year":
            col = next((c for c in _PV_DATE_FALLBACK if c in frame.columns), None)
            if col is not None:
                text = frame[col].str.strip()
                yr = pd.to_datetime(text, errors="coerce").dt.year
                bad = yr.isna()
                if bad.any():
                    raise LoaderError(f"{where}: column {col!r} has dates that cannot be read at "
                                      f"line(s) {_lines(bad.to_numpy(), frame=frame)}")
                years = yr.astype("int64")
                return _one_year_per_patent(frame[patent_col].str.strip(), years, where, col)
        if col is not None:
            years = parse_year(frame, col, path=where)
            return _one_year_per_patent(frame[patent_col].str.strip(), years, where, col)
    if year is None:
        names = " or ".join(str(w) for _, w in frames)
        raise LoaderError(f"no year column {year_col!r} in {names}; pass --year for a file of one "
                          "year or --year-col to name the column")
    return None


def _one_year_per_patent(patent: pd.Series, years: pd.Series, where, column) -> pd.DataFrame:
    py = pd.DataFrame({"patent": patent.to_numpy(), "year": years.to_numpy()}).drop_duplicates()
    dup = py["patent"].duplicated(keep=False)
    if dup.any():
        first = py.loc[dup, "patent"].iloc[0]
        raise LoaderError(f"{where}: column {column!r} gives application {first} more than one "
                          f"year ({', '.join(map(str, py.loc[py.patent == first, 'year']))})")
    return py


def _split_codes(frame: pd.DataFrame, patent_col: str, class_col: str, where) -> pd.DataFrame:
    """``patent, code, line`` with multi-code cells split; empty cells dropped."""
    sub = pd.DataFrame({"patent": frame[patent_col].str.strip(), "code": frame[class_col],
                        "line": np.arange(len(frame))})
    sub = sub[sub["code"].notna()]
    if sub["code"].str.contains(_SPLIT, regex=True).any():
        sub = sub.assign(code=sub["code"].str.split(_SPLIT)).explode("code")
    sub["code"] = sub["code"].str.strip()
    return sub[sub["code"] != ""].set_index("line")


def _from_patent_level(raw, class_raw, path, class_path, layout, classification, level, *,
                       region_col, year_col, patent_col, share_col, class_col, year, counting,
                       tolerance, fields=None) -> PatentTable:
    notes: list[str] = []
    patent_col = _col(patent_col, layout, "patent")
    region_col = _col(region_col, layout, "region")
    year_col = _col(year_col, layout, "year")
    class_src, class_where = (class_raw, class_path) if class_raw is not None else (raw, path)
    if class_col is None:
        if layout == "patentsview":
            class_col = next((c for c in _PV_CLASS_FALLBACK if c in class_src.columns), "cpc")
        else:
            class_col = _DEFAULTS[layout]["class"]
    require_columns(raw, [patent_col, region_col], path=path)
    require_codes(raw, patent_col, path=path)
    require_columns(class_src, [patent_col, class_col], path=class_where)
    require_codes(class_src, patent_col, path=class_where)
    # -- inventors: patent, region, weight ------------------------------------------------------
    inv = pd.DataFrame({"patent": raw[patent_col].str.strip(),
                        "region": require_codes(raw, region_col, path=path, upper=True)})
    if layout == "regpat":
        share_col = _col(share_col, layout, "share")
        require_columns(raw, [share_col], path=path)
        share = parse_numeric(raw, share_col, path=path)
        if share.isna().any():
            raise LoaderError(f"{path}: column {share_col!r} is empty at line(s) "
                              f"{_lines(share.isna().to_numpy(), frame=raw)}")
        inv["share"] = share
        if "reg_share" in raw.columns and share_col != "reg_share":
            reg = parse_numeric(raw, "reg_share", path=path)
            inv["share"] = inv["share"] * reg.fillna(1.0)
            inv["reg_share"] = reg
        ident = [c for c in ("person_id",) if c in raw.columns]
    else:
        ident = [c for c in _PV_INVENTOR if c in raw.columns][:1]
    for c in ident:
        inv[c] = raw[c].str.strip()
    joined = class_raw is None
    if joined:  # the file repeats every inventor row once per code: take its inventor rows
        inv = inv.drop_duplicates()
    elif layout == "patentsview" and not ident:
        inv = inv.drop_duplicates(["patent", "region"])
    if layout == "regpat":
        sums = inv.groupby("patent", sort=False)["share"].sum()
        off = (sums - 1.0).abs() > tolerance
        if off.any():
            bad = sums[off]
            examples = ", ".join(f"{p} ({s:.4g})" for p, s in bad.head(3).items())
            hint = (" (a joined file without person_id merges two inventors of one application in"
                    " one region with the same share)" if joined and not ident else "")
            raise LoaderError(
                f"{path}: the inventor shares ({share_col}) of {int(off.sum())} application(s) "
                f"do not sum to one within {tolerance:g}, e.g. {examples}{hint}"
            )
        inv["weight"] = inv["share"] / inv["patent"].map(sums)
    else:
        inv["weight"] = 1.0 / inv.groupby("patent")["patent"].transform("size")
    weights = inv.groupby(["patent", "region"], as_index=False, sort=False)["weight"].sum()
    # -- classes: patent, technology (distinct at the level) ------------------------------------
    cls = _split_codes(class_src, patent_col, class_col, class_where)
    if cls.empty:
        raise LoaderError(f"{class_where}: column {class_col!r} holds no codes")
    cls["technology"], level = code_mod.normalise(cls["code"], classification, level,
                                                  path=class_where, column=class_col)
    if fields is not None:
        cls["technology"] = field_of(cls["code"], fields)
        none = cls["technology"].isna().to_numpy()
        if none.all():
            raise LoaderError(f"{class_where}: no code of column {class_col!r} is in a WIPO "
                              "technology field of the concordance")
        if none.any():
            notes.append(f"left out {int(none.sum()):,} class rows whose code is in no WIPO "
                         f"technology field (e.g. {cls['code'][none].iloc[0]!r}, line "
                         f"{_lines(cls.index[none][:1], frame=class_src)})")
        cls = cls[~none]
        classification, level = WIPO_FIELDS, "field"
    cls = cls[["patent", "technology"]].drop_duplicates()
    cls["technology"] = cls["technology"].astype(str)
    # -- years --------------------------------------------------------------------------------
    files = [(class_src, class_where)] + ([(raw, path)] if not joined else [])
    py = _patent_years(files, patent_col, year_col, layout, year)
    if py is None:
        py = pd.DataFrame({"patent": pd.unique(inv["patent"]), "year": np.int64(year)})
    elif year is not None:
        py = py[py["year"] == year]
        if py.empty:
            raise LoaderError(f"{path}: no applications of year {year}")
    # -- counting ------------------------------------------------------------------------------
    have_inv = set(weights["patent"])
    have_cls = set(cls["patent"])
    no_class = len(have_inv - have_cls)
    no_inv = len(have_cls - have_inv)
    cls = cls.merge(py, on="patent", how="inner")
    cls = cls[cls["patent"].isin(have_inv)]
    if counting == "fractional":
        cls["frac"] = 1.0 / cls.groupby("patent")["patent"].transform("size")
        both = cls.merge(weights, on="patent")
        both["count"] = both["frac"] * both["weight"]
    else:
        both = cls.merge(weights, on="patent")
        both["count"] = 1.0
    if both.empty:
        raise LoaderError(f"{path}: no application has both an inventor region and a class"
                          + (f" in year {year}" if year is not None else ""))
    data = both.groupby(["region", "technology", "year"], as_index=False, sort=True)["count"].sum()
    if no_class:
        notes.append(f"left out {no_class:,} application(s) without a class")
    if no_inv:
        notes.append(f"left out {no_inv:,} application(s) of the class file without inventors")
    n_patents = int(cls["patent"].nunique())
    notes.append(f"{n_patents:,} applications, {counting} counting")
    return PatentTable(data=data[["region", "technology", "year", "count"]], path=path,
                       layout=layout, classification=classification, level=level,
                       rows_read=len(raw), counting=counting,
                       classes=cls[["patent", "technology", "year"]].reset_index(drop=True),
                       patents=n_patents, fields=fields, notes=notes)


# -- WIPO technology fields ---------------------------------------------------------------------


def read_technology_fields(path: str | Path, *, encoding: str = "utf-8",
                           sep: str | None = None) -> pd.DataFrame:
    """The WIPO IPC -> technology field concordance (Schmoch 2008, 35 fields in 5 sectors).

    Reads PatentsView's ``ipc_technology.csv`` as published (UTF-8 BOM, CRLF; columns
    ``Field_number, Sector_en, Field_en, IPC_code``; ``IPC_code`` a SQL ``LIKE`` pattern: a
    subclass ``F21H%`` or a main group ``H04N   3/%``). Returns one row per pattern:
    ``pattern`` (spaces and ``%`` removed: ``F21H``, ``H04N3/``), ``field`` (``WIPO:1``),
    ``field_name``, ``sector`` (``WIPO:I`` ... ``WIPO:V``, numbered in the order of the
    fields) and ``sector_name``. Patterns that are not a subclass or main group, a pattern
    given twice, or a field with two names refuse the file, naming lines.

    >>> f = read_technology_fields("ipc_technology.csv")  # doctest: +SKIP
    >>> f.loc[f.pattern == "H04N3/", ["field", "field_name"]].values.tolist()  # doctest: +SKIP
    [['WIPO:2', 'Audio-visual technology']]
    """
    raw = read_table(path, encoding=encoding, sep=sep)
    require_columns(raw, ["Field_number", "Sector_en", "Field_en", "IPC_code"], path=path)
    number = parse_numeric(raw, "Field_number", path=path)
    bad = (number.isna() | (number != np.round(number)) | (number < 1)).to_numpy()
    if bad.any():
        raise LoaderError(f"{path}: column 'Field_number' is not a field number 1, 2, ... at "
                          f"line(s) {_lines(bad, frame=raw)}")
    text = require_codes(raw, "IPC_code", path=path)
    pattern = text.str.replace(r"\s+", "", regex=True).str.upper()
    ok = pattern.str.fullmatch(r"[A-H]\d{2}[A-Z](?:\d{1,4}/)?%").to_numpy(dtype=bool)
    if not ok.all():
        pos = np.flatnonzero(~ok)
        raise LoaderError(
            f"{path}: column 'IPC_code' has {len(pos)} pattern(s) that are not an IPC subclass "
            f"or main group followed by % at line(s) {_lines(pos, frame=raw)} (e.g. "
            f"{text.iloc[pos[0]]!r}; expected e.g. 'F21H%' or 'H04N   3/%')")
    out = pd.DataFrame({"pattern": pattern.str.rstrip("%"), "number": number.astype("int64"),
                        "field_name": raw["Field_en"].str.strip(),
                        "sector_name": raw["Sector_en"].str.strip()})
    dup = out["pattern"].duplicated(keep=False).to_numpy()
    if dup.any():
        pos = np.flatnonzero(dup)
        raise LoaderError(f"{path}: pattern {text.iloc[pos[0]]!r} given more than once (lines "
                          f"{_lines(pos, frame=raw)})")
    for col, source in (("field_name", "Field_en"), ("sector_name", "Sector_en")):
        names = out.groupby("number")[col].transform("nunique")
        if (names > 1).any():
            first = out.index[(names > 1).to_numpy()][0]
            number = int(out["number"].loc[first])
            rows = (out["number"] == number).to_numpy()
            raise LoaderError(f"{path}: column {source!r} names field {number} in more than one "
                              f"way (lines {_lines(rows, frame=raw)})")
    order = out.sort_values("number").drop_duplicates("sector_name")["sector_name"].tolist()
    if len(order) > len(_ROMAN):
        raise LoaderError(f"{path}: more than {len(_ROMAN)} sectors")
    out["field"] = f"{WIPO_FIELDS}:" + out["number"].astype(str)
    out["sector"] = out["sector_name"].map(
        {name: f"{WIPO_FIELDS}:{_ROMAN[i]}" for i, name in enumerate(order)})
    return out[["pattern", "field", "field_name", "sector", "sector_name"]]


def field_of(codes: pd.Series, fields: pd.DataFrame) -> pd.Series:
    """The WIPO technology field (``WIPO:n``) of IPC / CPC codes; missing when none matches.

    A code matches the pattern of its main group (``H04N 3/10`` -> ``H04N3/``) or of its
    subclass (``F21H``); the concordance's patterns do not overlap.

    >>> fields = pd.DataFrame({"pattern": ["H04N3/", "F21H"], "field": ["WIPO:2", "WIPO:1"]})
    >>> field_of(pd.Series(["H04N   3/10", "F21H 1/00", "H04N 5/00"]), fields).tolist()
    ['WIPO:2', 'WIPO:1', nan]
    """
    by_pattern = dict(zip(fields["pattern"], fields["field"], strict=True))
    key = codes.astype(str).str.replace(r"\s+", "", regex=True).str.upper()
    group = key.str.extract(r"^([A-Z]\d{2}[A-Z]\d+/)", expand=False)
    return group.map(by_pattern).fillna(key.str.slice(0, 4).map(by_pattern)).astype("object")


def _write_fields(store: Store, techs, fields: pd.DataFrame, prefix: str) -> dict[str, int]:
    """Technology nodes of the WIPO fields used (named) with PART_OF their sectors."""
    used = fields.drop_duplicates("field")
    used = used[(prefix + used["field"]).isin(set(techs))]
    nodes = pd.concat([
        pd.DataFrame({"code": prefix + used["field"], "name": used["field_name"],
                      "level": "field"}),
        pd.DataFrame({"code": prefix + used["sector"], "name": used["sector_name"],
                      "level": "sector"}).drop_duplicates("code"),
    ], ignore_index=True)
    nodes["classification"] = WIPO_FIELDS
    store.upsert_nodes("Technology", nodes[["code", "name", "level", "classification"]])
    links = pd.DataFrame({"start": prefix + used["field"], "end": prefix + used["sector"]})
    n = store.upsert_relationships("PART_OF", links, start="Technology", end="Technology")
    return {"nodes": len(nodes), "links": n}


# -- writing ------------------------------------------------------------------------------------


def write_patents(
    store: Store,
    table: PatentTable,
    *,
    region_level: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a validated patent table: Region and Technology nodes (with the classification's
    hierarchy as PART_OF) and one PATENTS {year, count} per row.

    Idempotent: nodes merge on their codes and PATENTS on (region, technology, year), so
    writing the same table twice leaves the same graph. Returns counts written.
    """
    data = table.data
    store.create_schema()
    techs = pd.unique(data["technology"])
    if table.classification == WIPO_FIELDS:
        hier = _write_fields(store, techs, table.fields, table.code_prefix)
    else:
        hier = code_mod.write_hierarchy(store, "Technology", techs, table.classification,
                                        prefix=table.code_prefix, path=table.path)
    regions = pd.DataFrame({"code": pd.unique(data["region"])})
    if region_level:
        regions["level"] = region_level
    store.upsert_nodes("Region", regions)
    rels = data.rename(columns={"region": "start", "technology": "end"})
    n = store.upsert_relationships("PATENTS", rels, start="Region", end="Technology",
                                   progress=progress)
    return {"regions": len(regions), "technologies": len(techs),
            "hierarchy_nodes": hier["nodes"], "part_of": hier["links"], "patents": n}


def knowledge_space(table: PatentTable, *, measure: str = "association") -> pd.DataFrame:
    """The knowledge space of a patent-level table: co-classification counts and relatedness.

    Returns ``activity_a, activity_b, year, cooccurrences, proximity`` (one row per unordered
    pair of classes co-listed on at least one application of the year), from
    :func:`smartspec.algorithms.clusters.knowledge_space` (co-occurrence counts normalised
    by association strength by default).
    """
    from ..algorithms.clusters import knowledge_space as space_of

    if table.classes is None:
        raise LoaderError(f"{table.path}: the knowledge space needs a patent-level layout "
                          "(regpat or patentsview), not a table of totals")
    return space_of(table.classes, item="patent", activity="technology", measure=measure)


def write_knowledge_space(store: Store, space: pd.DataFrame, *, measure: str = "association",
                          label: str = "Technology") -> int:
    """Write a knowledge space as ``PROXIMITY {year, phi, method, cooccurrences}``, once per pair,
    with ``method = 'cooccurrence:<measure>'``. Idempotent. Returns relationships written."""
    if space.empty:
        return 0
    rows = pd.DataFrame({
        "start": space["activity_a"].astype(str), "end": space["activity_b"].astype(str),
        "year": space["year"].astype("int64"), "method": f"cooccurrence:{measure}",
        "phi": space["proximity"].astype(float),
        "cooccurrences": space["cooccurrences"].astype(float),
    })
    return store.upsert_relationships("PROXIMITY", rows, start=label, end=label)
