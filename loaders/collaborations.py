"""Collaboration loader: organisations, projects, participations and reported partnerships.

Layouts
-------
``cordis-shared``
    The Horizon 2020 participations shipped in ``loaders/data/h2020.csv.gz`` (``rcn, role, pic,
    type, contribution, country, start_date, end_date, ...``). Names and cities come from the
    organisation file (``odfest2017_h2020_org_nodes.csv.gz``: ``orgId, name, shortName, city,
    country, activityType``) and programme parts from ``programme_parts.csv.gz`` (``rcn,
    programme_part``); both are picked up from the folder of FILE when they sit next to it, or
    named with ``organisations=`` / ``programme_parts=``. ``NA`` in a number or date column is
    missing; in the country column it is Namibia.
``cordis``
    The CORDIS open-data organisation table of H2020 and Horizon Europe, as downloaded
    (``organization.csv``: ``projectID;projectAcronym;organisationID;vatNumber;name;shortName;
    SME;activityType;street;postCode;city;country;nutsCode;geolocation;...;role;ecContribution;
    ...``, ``;``-separated, every field quoted; the required columns are ``projectID,
    organisationID, name, country, activityType, role``). Project dates come from the CORDIS
    project table (``id, startDate, endDate``, optionally ``frameworkProgramme``), picked up as
    ``project.csv`` next to FILE or named with ``projects=``; programme parts from
    ``legalBasis.csv`` (or ``topics.csv``) next to it or named with ``programme_parts=``.
``partners``
    A plain partner list as a cluster management's survey or CRM export gives it: ``organisation,
    partner, year`` and optionally ``partner_name, partner_country, partner_type, partner_city,
    known_before, channel`` and the reporting organisation's own ``name, country, type, city``.
    An organisation without a name column has no name (its id is not a name).

Rules (also in ``smartspec load collaborations --help``)
----------------------------------------------------------
- Countries are normalised to ISO 3166 alpha-3 (:mod:`smartspec.loaders.countries`; CORDIS's UK
  and EL become GBR and GRC). An unknown code refuses the file, naming the lines. A missing
  country refuses the file unless ``missing_country="unlocated"``: such organisations are loaded
  without ``LOCATED_IN`` and the measures count their ties as of unknown geography.
- Location: each organisation has ONE ``LOCATED_IN``: its NUTS 3 region when ``nutsCode`` is
  usable (``PART_OF`` NUTS 2, NUTS 1, country; extra-regio ``..ZZZ`` codes and codes of another
  country are not used, and counted), else its city (one Region per city however it is spelt,
  :mod:`smartspec.loaders.localities`), else its country. A load replaces a stored location only
  with one at least as precise (country < NUTS 1 < NUTS 2 < city < NUTS 3).
- A load never replaces a stored value with a missing one: names, short names, types an
  organisation's row does not give keep what the store has. Mojibake in names and cities is
  repaired where ftfy is sure, and counted in the notes.
- Organisation types map onto firm / university / research organisation / public body / cluster
  management / other (:data:`TYPE_CODES`); the source's code is kept as ``type_code``. An unknown
  type refuses the file unless ``unknown_types="other"``; an empty type is ``other``.
- An organisation listed with different names, types or places keeps its most frequent one
  (first seen on a tie); the number of such organisations is reported.
- Duplicate participations (one organisation twice in a project) refuse the file unless
  ``duplicates="merge"``: contributions are added up and the role is ``coordinator`` if any row
  says so. Duplicate partner-list rows (organisation, partner, year) likewise.
- Self-ties (an organisation listed as its own partner) refuse the file, naming the lines.
- A project that ends before it starts refuses the file, naming the lines. A project without a
  start year keeps its participations but has no year: its ties count in ``projects`` of
  ``COLLABORATES_WITH`` but not in ``first_year`` / ``last_year`` or any per-period measure.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from ..algorithms.collaboration import collaboration_pairs, project_ties
from ..graph_models.store import Store
from ._io import LoaderError, parse_numeric, read_table, require_codes, require_columns
from .countries import country_table, to_alpha3
from .localities import LOCATION_PRECISION, city_localities, nuts_chain, repair_text, valid_nuts

__all__ = [
    "COLLABORATION_LAYOUTS",
    "TYPE_CODES",
    "CollaborationTable",
    "detect_layout",
    "map_types",
    "city_code",
    "read_collaborations",
    "read_programme_names",
    "write_collaborations",
    "upsert_organisations",
    "place_organisations",
    "located_in",
    "locations",
]

COLLABORATION_LAYOUTS = ("auto", "cordis-shared", "cordis", "partners")

#: Source type codes (upper-cased) -> Organisation.type. CORDIS codes first, then plain words.
TYPE_CODES: dict[str, str] = {
    "PRC": "firm",
    "HES": "university",
    "REC": "research organisation",
    "PUB": "public body",
    "OTH": "other",
    "FIRM": "firm",
    "COMPANY": "firm",
    "ENTERPRISE": "firm",
    "SME": "firm",
    "LARGE FIRM": "firm",
    "PRIVATE COMPANY": "firm",
    "INDUSTRY": "firm",
    "UNIVERSITY": "university",
    "HIGHER EDUCATION": "university",
    "HEI": "university",
    "RESEARCH ORGANISATION": "research organisation",
    "RESEARCH ORGANIZATION": "research organisation",
    "RESEARCH INSTITUTE": "research organisation",
    "RTO": "research organisation",
    "PUBLIC BODY": "public body",
    "PUBLIC AUTHORITY": "public body",
    "GOVERNMENT": "public body",
    "CLUSTER MANAGEMENT": "cluster management",
    "CLUSTER ORGANISATION": "cluster management",
    "CLUSTER ORGANIZATION": "cluster management",
    "OTHER": "other",
}

_SHARED_COLS = ("rcn", "pic", "role", "type", "country")
_CORDIS_COLS = ("projectID", "organisationID", "country", "activityType", "role")
_PARTNER_COLS = ("organisation", "partner", "year")
_SHARED_ORGS = "odfest2017_h2020_org_nodes.csv.gz"
_SHARED_PARTS = "programme_parts.csv.gz"
_TRUE = {"TRUE", "YES", "Y", "1", "T"}
_FALSE = {"FALSE", "NO", "N", "0", "F"}


@dataclass
class CollaborationTable:
    """A validated collaboration file, as tables ready to write.

    ``organisations``: ``id, name, short_name, type, type_code, sme, country, city, latitude,
    longitude`` (country alpha-3 or missing); ``projects``: ``id, start, end, start_year,
    end_year, programme``; ``participations``: ``organisation, project, role, contribution``;
    ``topics``: ``project, topic``; ``partnerships``: ``organisation, partner, year,
    known_before, channel``. Tables a layout does not have are empty.
    """

    organisations: pd.DataFrame
    projects: pd.DataFrame
    participations: pd.DataFrame
    topics: pd.DataFrame
    partnerships: pd.DataFrame
    path: Path
    layout: str
    rows_read: int
    notes: list[str] = field(default_factory=list)
    topic_names: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["code", "name"])
    )

    def ties(self) -> pd.DataFrame:
        """Pair-year ties from shared projects (``source, target, year, projects``)."""
        if self.participations.empty:
            return pd.DataFrame(columns=["source", "target", "year", "projects"])
        years = self.projects.set_index("id")["start_year"]
        part = self.participations.assign(year=self.participations["project"].map(years))
        return project_ties(part, actor="organisation", project="project", year="year")


def detect_layout(columns: list[str]) -> str:
    """Guess the layout from a header (see the module docstring)."""
    cols = set(columns)
    if cols.issuperset(_SHARED_COLS):
        return "cordis-shared"
    if cols.issuperset(("projectID", "organisationID")):
        return "cordis"
    if cols.issuperset(_PARTNER_COLS):
        return "partners"
    raise LoaderError(
        f"unrecognised collaboration layout; expected the columns of cordis-shared "
        f"({', '.join(_SHARED_COLS)}), cordis ({', '.join(_CORDIS_COLS)}) or partners "
        f"({', '.join(_PARTNER_COLS)}); found: {', '.join(columns)}"
    )


def _lines(mask: np.ndarray, limit: int = 5) -> str:
    return ", ".join(str(i + 2) for i in np.flatnonzero(mask)[:limit])


def map_types(codes: pd.Series, *, path, column: str, unknown: str = "error") -> pd.Series:
    """Organisation.type for source type codes (see :data:`TYPE_CODES`); empty -> ``other``.

    >>> map_types(pd.Series(["PRC", "hes", None]), path="f", column="type").tolist()
    ['firm', 'university', 'other']
    """
    key = codes.str.strip().str.upper().str.replace(r"[\s_-]+", " ", regex=True)
    mapped = key.map(TYPE_CODES)
    bad = (mapped.isna() & key.notna() & (key != "")).to_numpy()
    if bad.any():
        if unknown == "other":
            mapped = mapped.where(~bad, "other")
        else:
            values = ", ".join(sorted(map(repr, pd.unique(codes[bad])))[:5])
            raise LoaderError(
                f"{path}: column {column!r} has {int(bad.sum())} unknown organisation type(s) "
                f"at line(s) {_lines(bad)} ({values}); known: {', '.join(sorted(TYPE_CODES))}; "
                "pass --unknown-types other to load them as 'other'"
            )
    return mapped.fillna("other")


def _countries(codes: pd.Series, *, path, column: str, missing: str) -> pd.Series:
    """Alpha-3 codes; unknown codes raise; missing ones raise unless ``missing='unlocated'``."""
    text = codes.str.strip()
    out = to_alpha3(text)
    empty = (text.isna() | (text == "")).to_numpy()
    bad = out.isna().to_numpy() & ~empty
    if bad.any():
        values = ", ".join(sorted(map(repr, pd.unique(text[bad])))[:5])
        raise LoaderError(
            f"{path}: column {column!r} has {int(bad.sum())} unknown country code(s) at line(s) "
            f"{_lines(bad)} ({values}); expected ISO 3166 alpha-2 or alpha-3 (UK, EL accepted)"
        )
    if empty.any() and missing != "unlocated":
        raise LoaderError(
            f"{path}: column {column!r} is empty at {int(empty.sum())} line(s): {_lines(empty)}; "
            "pass --missing-country unlocated to load those organisations without a location"
        )
    return out


def city_code(country: pd.Series, city: pd.Series) -> pd.Series:
    """The Region code of a city: ``<alpha-3>-<KEY>``, one per city however it is spelt
    (:func:`smartspec.loaders.localities.city_localities`).

    >>> city_code(pd.Series(["DEU", "DEU"]), pd.Series([" München ", "MUENCHEN"])).tolist()
    ['DEU-MUNICH', 'DEU-MUNICH']
    """
    return city_localities(country, city)[0]


def _dates(frame: pd.DataFrame, column: str, *, path) -> pd.Series:
    raw = frame[column].str.strip()
    raw = raw.where(~raw.isin(["", "NA"]))
    out = pd.to_datetime(raw, errors="coerce", format="mixed")
    bad = (out.isna() & raw.notna()).to_numpy()
    if bad.any():
        examples = ", ".join(repr(v) for v in raw[bad].head(3))
        raise LoaderError(
            f"{path}: column {column!r} has {int(bad.sum())} unreadable date(s) at line(s) "
            f"{_lines(bad)} (e.g. {examples})"
        )
    return out


def _numbers(frame: pd.DataFrame, column: str, *, path) -> pd.Series:
    """Numbers where ``NA`` is missing and a decimal comma is accepted (``1234,5``)."""
    text = frame[column].str.strip()
    text = text.where(~text.isin(["NA", ""]))
    text = text.str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True)
    return parse_numeric(pd.DataFrame({column: text}), column, path=path)


def _first_most_frequent(frame: pd.DataFrame, key: str, column: str) -> tuple[pd.Series, int]:
    """Per ``key``, the most frequent non-missing value of ``column`` (first seen on a tie)."""
    sub = frame[[key, column]].dropna()
    if sub.empty:
        return pd.Series(dtype="object"), 0
    counts = sub.groupby([key, column], sort=False).size().rename("n").reset_index()
    n_values = counts.groupby(key)[column].transform("size")
    conflicts = int(counts.loc[n_values > 1, key].nunique())
    best = counts.sort_values("n", ascending=False, kind="stable").drop_duplicates(key)
    return best.set_index(key)[column], conflicts


def _organisations(rows: pd.DataFrame, notes: list[str]) -> pd.DataFrame:
    """One row per organisation from per-participation rows (see the module rules)."""
    ids = pd.unique(rows["id"])
    out = pd.DataFrame({"id": ids})
    conflicts = {}
    for col in (
        "name",
        "short_name",
        "type",
        "type_code",
        "sme",
        "country",
        "city",
        "nuts",
        "latitude",
        "longitude",
    ):
        if col not in rows.columns:
            out[col] = pd.NA if col not in ("type",) else "other"
            continue
        values, n = _first_most_frequent(rows, "id", col)
        out[col] = out["id"].map(values)
        if n and col in ("name", "type", "country", "city"):
            conflicts[col] = n
    out["type"] = out["type"].fillna("other")
    # whether the source gave a type: an untyped organisation keeps a type stored before
    if "type_code" in rows.columns:
        code = rows["type_code"]
        typed = set(rows.loc[(code.notna() & (code.astype(str).str.strip() != "")), "id"])
        out["_typed"] = out["id"].isin(typed)
    else:
        out["_typed"] = False
    for col, n in conflicts.items():
        notes.append(
            f"{n:,} organisation(s) listed with different {col} values: kept the most frequent"
        )
    _repair_names(out, notes)
    return out


def _repair_names(orgs: pd.DataFrame, notes: list[str]) -> None:
    """Repair mojibake in ``name``, ``short_name`` and ``city`` in place; count it in the notes."""
    repaired = 0
    for col in ("name", "short_name", "city"):
        if col in orgs.columns and orgs[col].notna().any():
            orgs[col], n = repair_text(orgs[col])
            repaired += n
    if repaired:
        notes.append(
            f"repaired {repaired:,} name(s) or cit(ies) with mojibake (UTF-8 read as another "
            "encoding, e.g. 'MÃ¼nchen' -> 'München')"
        )


def _participations(frame: pd.DataFrame, *, path, duplicates: str, notes: list[str]):
    key = ["project", "organisation"]
    dup = frame.duplicated(key, keep=False).to_numpy()
    if not dup.any():
        return frame
    if duplicates != "merge":
        first = frame[dup].sort_values(key).head(2)
        n = int(frame.duplicated(key).sum())
        raise LoaderError(
            f"{path}: {n} duplicate participation(s) (one organisation twice in a project), e.g. "
            f"organisation {first.iloc[0]['organisation']} in project {first.iloc[0]['project']} "
            f"at lines {', '.join(str(i + 2) for i in first.index)}; pass --duplicates merge to "
            "add their contributions up"
        )
    before = len(frame)
    coord = frame["role"].str.lower().eq("coordinator")
    frame = frame.assign(_coord=coord)
    merged = frame.groupby(key, sort=False, as_index=False).agg(
        role=("role", "first"),
        _coord=("_coord", "any"),
        contribution=("contribution", lambda s: s.sum(min_count=1)),
    )
    merged.loc[merged["_coord"], "role"] = "coordinator"
    notes.append(f"merged {before - len(merged):,} duplicate participation row(s)")
    return merged.drop(columns="_coord")


def _check_dates(projects: pd.DataFrame, *, path, lines: np.ndarray) -> None:
    bad = (projects["end"] < projects["start"]).to_numpy()
    if bad.any():
        first = projects[bad].iloc[0]
        raise LoaderError(
            f"{path}: {int(bad.sum())} project(s) end before they start, e.g. project "
            f"{first['id']} ({first['start'].date()} to {first['end'].date()}) at line(s) "
            f"{', '.join(str(i + 2) for i in lines[bad][:5])}"
        )


def _sibling(path: Path, name: str, given) -> Path | None:
    if given is not None:
        return Path(given)
    candidate = path.parent / name
    return candidate if candidate.exists() else None


def read_collaborations(
    path: str | Path,
    *,
    layout: str = "auto",
    organisations: str | Path | None = None,
    programme_parts: str | Path | None = None,
    projects: str | Path | None = None,
    programme_names: str | Path | None = None,
    duplicates: str = "reject",
    unknown_types: str = "error",
    missing_country: str = "error",
    sep: str | None = None,
    encoding: str = "utf-8",
    progress: Callable[[int], None] | None = None,
) -> CollaborationTable:
    """Read and validate a collaboration file; nothing is written.

    Parameters
    ----------
    path : path-like
        CSV (``,`` ``;`` or tab separated, detected), optionally gzip-compressed.
    layout : {"auto", "cordis-shared", "cordis", "partners"}
        File layout (module docstring); ``auto`` recognises it from the header.
    organisations, programme_parts, projects : path-like, optional
        Companion files of the CORDIS layouts; by default the shipped names next to ``path``
        (``legalBasis.csv`` and ``project.csv`` for the CORDIS layout). Programme parts may be
        the shipped ``rcn, programme_part`` table, CORDIS ``legalBasis.csv`` or ``topics.csv``.
    programme_names : path-like, optional
        Titles for the programme parts / topics (:func:`read_programme_names`): CORDIS
        ``cordisref-H2020programmes.csv`` or ``cordisref-H2020topics.csv``.
    duplicates : {"reject", "merge"}
        Duplicate participations or partner-list rows: refuse the file, or merge them.
    unknown_types : {"error", "other"}
        An organisation type that :data:`TYPE_CODES` does not know: refuse, or load as other.
    missing_country : {"error", "unlocated"}
        An organisation without a country: refuse, or load it without a location.
    sep, encoding : str, optional
        Field separator (detected when omitted) and text encoding.

    Returns
    -------
    CollaborationTable
    """
    path = Path(path)
    for name, value, allowed in (
        ("layout", layout, COLLABORATION_LAYOUTS),
        ("duplicates", duplicates, ("reject", "merge")),
        ("unknown_types", unknown_types, ("error", "other")),
        ("missing_country", missing_country, ("error", "unlocated")),
    ):
        if value not in allowed:
            raise LoaderError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    raw = read_table(path, encoding=encoding, sep=sep, progress=progress)
    if layout == "auto":
        layout = detect_layout(list(raw.columns))
    opts = dict(duplicates=duplicates, unknown_types=unknown_types, missing=missing_country)
    notes: list[str] = []
    if layout == "cordis-shared":
        tables = _from_shared(raw, path, organisations, programme_parts, encoding, notes, **opts)
    elif layout == "cordis":
        tables = _from_cordis(raw, path, projects, programme_parts, encoding, notes, **opts)
    else:
        tables = _from_partners(raw, path, notes, **opts)
    if programme_names is not None:
        named = read_programme_names(programme_names)
        topics = tables.get("topics")
        have = set(topics["topic"]) if topics is not None else set()
        named = named[named["code"].isin(have)]
        known = tables.get("topic_names", _empty_tables()["topic_names"])
        tables["topic_names"] = pd.concat([known, named]).drop_duplicates("code", keep="first")
        notes.append(
            f"programme names from {Path(programme_names).name}: {len(named):,} of "
            f"{len(have):,} programme parts named"
            + ("" if len(named) else " (none of its codes is a programme part of the file)")
        )
    return CollaborationTable(path=path, layout=layout, rows_read=len(raw), notes=notes, **tables)


def _empty_tables() -> dict[str, pd.DataFrame]:
    return {
        "projects": pd.DataFrame(
            columns=["id", "start", "end", "start_year", "end_year", "programme"]
        ),
        "participations": pd.DataFrame(columns=["organisation", "project", "role", "contribution"]),
        "topics": pd.DataFrame(columns=["project", "topic"]),
        "topic_names": pd.DataFrame(columns=["code", "name"]),
        "partnerships": pd.DataFrame(
            columns=["organisation", "partner", "year", "known_before", "channel"]
        ),
    }


def _projects(frame: pd.DataFrame, *, path, notes: list[str]) -> pd.DataFrame:
    """One row per project from per-participation rows with ``project, start, end``."""
    projects = frame.drop_duplicates("project").rename(columns={"project": "id"})
    lines = projects.index.to_numpy()
    projects = projects.reset_index(drop=True)
    _check_dates(projects, path=path, lines=lines)
    projects["start_year"] = projects["start"].dt.year.astype("Int64")
    projects["end_year"] = projects["end"].dt.year.astype("Int64")
    undated = int(projects["start_year"].isna().sum())
    if undated:
        notes.append(
            f"{undated:,} project(s) without a start date: kept, but their ties have no year"
        )
    cols = ["id", "start", "end", "start_year", "end_year"]
    if "programme" in projects.columns:
        cols.append("programme")
    else:
        projects["programme"] = pd.NA
        cols.append("programme")
    return projects[cols]


def _from_shared(
    raw,
    path,
    organisations,
    programme_parts,
    encoding,
    notes,
    *,
    duplicates,
    unknown_types,
    missing,
):
    require_columns(raw, [*_SHARED_COLS, "start_date", "end_date", "contribution"], path=path)
    rows = pd.DataFrame(
        {
            "project": require_codes(raw, "rcn", path=path),
            "organisation": require_codes(raw, "pic", path=path),
            "role": raw["role"].str.strip().str.lower(),
            "contribution": _numbers(raw, "contribution", path=path),
            "type_code": raw["type"].str.strip().str.upper(),
            "type": map_types(raw["type"], path=path, column="type", unknown=unknown_types),
            "country": _countries(raw["country"], path=path, column="country", missing=missing),
            "start": _dates(raw, "start_date", path=path),
            "end": _dates(raw, "end_date", path=path),
            "programme": "H2020",
        }
    )
    participations = _participations(
        rows[["organisation", "project", "role", "contribution"]],
        path=path,
        duplicates=duplicates,
        notes=notes,
    )
    projects = _projects(rows[["project", "start", "end", "programme"]], path=path, notes=notes)
    org_rows = rows[["organisation", "type", "type_code", "country"]].rename(
        columns={"organisation": "id"}
    )
    orgs = _organisations(org_rows, notes)
    org_path = _sibling(path, _SHARED_ORGS, organisations)
    if org_path is not None:
        names = read_table(org_path, encoding=encoding)
        require_columns(names, ["orgId", "name", "city", "country"], path=org_path)
        names = names[names["orgId"].notna()]
        names = names.assign(orgId=names["orgId"].str.strip()).drop_duplicates("orgId")
        names = names.set_index("orgId")
        orgs["name"] = orgs["id"].map(names["name"].str.strip())
        if "shortName" in names.columns:
            orgs["short_name"] = orgs["id"].map(names["shortName"].str.strip())
        orgs["city"] = orgs["id"].map(names["city"].str.strip())
        _repair_names(orgs, notes)
        covered = rows["organisation"].isin(names.index).mean()
        notes.append(
            f"names and cities from {org_path.name}: {orgs['name'].notna().sum():,} of "
            f"{len(orgs):,} organisations ({covered:.0%} of participations)"
        )
    topics, names = _read_programme_parts(
        _sibling(path, _SHARED_PARTS, programme_parts), projects, encoding, notes
    )
    out = _empty_tables()
    out.update(organisations=orgs, projects=projects, participations=participations, topics=topics,
               topic_names=names)
    return out


def _read_programme_parts(parts_path, projects, encoding, notes):
    """``topics (project, topic)`` and ``topic_names (code, name)`` from a programme-parts file.

    Three shapes: the shipped ``rcn, programme_part``; CORDIS Horizon Europe ``legalBasis.csv``
    (``projectID, legalBasis, title, uniqueProgrammePart``: the row marked ``true`` is the
    project's programme part, the other rows are further legal bases and are left out); and
    CORDIS ``topics.csv`` (``projectID, topic, title``: the call topic).
    """
    empty = _empty_tables()
    if parts_path is None:
        return empty["topics"], empty["topic_names"]
    parts = read_table(parts_path, encoding=encoding)
    cols = set(parts.columns)
    if {"rcn", "programme_part"} <= cols:
        project, code, title = "rcn", "programme_part", None
    elif {"projectID", "legalBasis"} <= cols:
        project, code, title = "projectID", "legalBasis", "title"
        if "uniqueProgrammePart" in cols:
            main = parts["uniqueProgrammePart"].str.strip().str.lower().eq("true")
            # projects whose file marks no row keep all their rows
            marked = set(parts.loc[main, "projectID"])
            parts = parts[main | ~parts["projectID"].isin(marked)]
    elif {"projectID", "topic"} <= cols:
        project, code, title = "projectID", "topic", "title"
    else:
        raise LoaderError(
            f"{parts_path}: not a programme-parts file; expected the columns rcn, programme_part "
            "(shipped), projectID, legalBasis, title (CORDIS legalBasis.csv) or projectID, "
            f"topic, title (CORDIS topics.csv); found: {', '.join(parts.columns)}"
        )
    topics = pd.DataFrame(
        {
            "project": require_codes(parts, project, path=parts_path),
            "topic": require_codes(parts, code, path=parts_path),
        }
    )
    names = empty["topic_names"]
    if title is not None and title in cols:
        names = pd.DataFrame({"code": topics["topic"], "name": _titles(parts[title])})
        names = names.dropna().drop_duplicates("code").reset_index(drop=True)
    topics = topics.drop_duplicates()
    topics = topics[topics["project"].isin(projects["id"])].reset_index(drop=True)
    names = names[names["code"].isin(topics["topic"])].reset_index(drop=True)
    notes.append(
        f"programme parts from {parts_path.name}: {topics['project'].nunique():,} of "
        f"{len(projects):,} projects"
        + (f", {len(names):,} programme part(s) named" if len(names) else "")
    )
    return topics, names


def _titles(values: pd.Series) -> pd.Series:
    """Titles with inner newlines and tabs collapsed to single spaces, empty ones missing."""
    text = values.str.replace(r"\s+", " ", regex=True).str.strip()
    return text.where(text != "")


def read_programme_names(path: str | Path, *, encoding: str = "utf-8",
                         sep: str | None = None) -> pd.DataFrame:
    """Topic names (``code, name``) from a CORDIS reference table.

    Accepted: ``cordisref-H2020programmes.csv`` (``rcn;code;title;shortTitle;language``: a
    programme or topic code and its title; rows in other languages than English are dropped
    when a ``language`` column says so) and ``cordisref-H2020topics.csv`` (``title;topicRcn;
    topicCode;...``). A code listed twice keeps its first title. Titles lose inner newlines.
    """
    table = read_table(path, encoding=encoding, sep=sep)
    cols = set(table.columns)
    if {"code", "title"} <= cols:
        code = "code"
    elif {"topicCode", "title"} <= cols:
        code = "topicCode"
    else:
        raise LoaderError(
            f"{path}: not a CORDIS programme or topic reference table; expected the columns "
            "code, title (cordisref-H2020programmes.csv) or topicCode, title "
            f"(cordisref-H2020topics.csv); found: {', '.join(table.columns)}"
        )
    if "language" in cols:
        lang = table["language"].str.strip().str.lower()
        if lang.eq("en").any():
            table = table[lang.eq("en") | lang.isna()]
    out = pd.DataFrame({"code": table[code].str.strip(), "name": _titles(table["title"])})
    return out.dropna().drop_duplicates("code").reset_index(drop=True)


def _from_cordis(
    raw, path, projects_path, parts_path, encoding, notes, *, duplicates, unknown_types, missing
):
    require_columns(raw, [*_CORDIS_COLS, "name"], path=path)
    contribution = (
        _numbers(raw, "ecContribution", path=path)
        if "ecContribution" in raw.columns
        else pd.Series(np.nan, index=raw.index)
    )
    rows = pd.DataFrame(
        {
            "project": require_codes(raw, "projectID", path=path),
            "id": require_codes(raw, "organisationID", path=path),
            "name": raw["name"].str.strip(),
            "role": raw["role"].str.strip().str.lower(),
            "contribution": contribution,
            "type_code": raw["activityType"].str.strip().str.upper(),
            "type": map_types(
                raw["activityType"], path=path, column="activityType", unknown=unknown_types
            ),
            "country": _countries(raw["country"], path=path, column="country", missing=missing),
        }
    )
    if "city" in raw.columns:
        rows["city"] = raw["city"].str.strip()
    if "nutsCode" in raw.columns:
        rows["nuts"] = _nuts(raw["nutsCode"], rows["country"], notes)
    if "shortName" in raw.columns:
        rows["short_name"] = raw["shortName"].str.strip()
    if "SME" in raw.columns:
        sme = raw["SME"].str.strip().str.upper()
        rows["sme"] = sme.map(lambda v: True if v in _TRUE else False if v in _FALSE else None)
    if "geolocation" in raw.columns:
        geo = raw["geolocation"].str.extract(r"^\s*\(?\s*(-?[\d.]+)\s*,\s*(-?[\d.]+)")
        rows["latitude"] = pd.to_numeric(geo[0], errors="coerce")
        rows["longitude"] = pd.to_numeric(geo[1], errors="coerce")
    participations = _participations(
        rows.rename(columns={"id": "organisation"})[
            ["organisation", "project", "role", "contribution"]
        ],
        path=path,
        duplicates=duplicates,
        notes=notes,
    )
    orgs = _organisations(rows, notes)
    proj = pd.DataFrame({"project": pd.unique(rows["project"])})
    proj["start"] = pd.NaT
    proj["end"] = pd.NaT
    proj_path = _sibling(path, "project.csv", projects_path)
    if proj_path is not None:
        ptab = read_table(proj_path, encoding=encoding)
        require_columns(ptab, ["id", "startDate", "endDate"], path=proj_path)
        ptab = ptab.assign(
            id=require_codes(ptab, "id", path=proj_path),
            start=_dates(ptab, "startDate", path=proj_path),
            end=_dates(ptab, "endDate", path=proj_path),
        ).drop_duplicates("id")
        _check_dates(
            ptab.rename(columns={"id": "id"})[["id", "start", "end"]].reset_index(drop=True),
            path=proj_path,
            lines=np.arange(len(ptab)),
        )
        ptab = ptab.set_index("id")
        proj["start"] = proj["project"].map(ptab["start"])
        proj["end"] = proj["project"].map(ptab["end"])
        if "frameworkProgramme" in ptab.columns:
            proj["programme"] = proj["project"].map(ptab["frameworkProgramme"])
    else:
        notes.append("no project table (project.csv) next to the file: projects have no dates")
    projects = _projects(proj, path=path, notes=notes)
    topics, names = _read_programme_parts(
        _sibling(path, "legalBasis.csv", parts_path), projects, encoding, notes
    )
    out = _empty_tables()
    out.update(organisations=orgs, projects=projects, participations=participations,
               topics=topics, topic_names=names)
    return out


def _nuts(codes: pd.Series, country: pd.Series, notes: list[str]) -> pd.Series:
    """Valid NUTS codes whose country prefix agrees with the organisation's country.

    Empty codes and extra-regio codes (``DEZZZ``) are missing; a malformed code, or one in
    another country than the organisation's, is not used (the organisation is located by its
    city or country instead) and counted in the notes.
    """
    nuts = valid_nuts(codes)
    given = codes.notna() & (codes.astype(str).str.strip() != "")
    extra = given & codes.astype(str).str.strip().str.upper().str.fullmatch(r"[A-Z]{2}Z+")
    bad = given & nuts.isna() & ~extra.fillna(False).astype(bool)
    prefix = to_alpha3(nuts.str[:2])
    other = nuts.notna() & country.notna() & (prefix.to_numpy() != country.to_numpy())
    if bad.any():
        notes.append(f"{int(bad.sum()):,} row(s) with a malformed nutsCode (e.g. "
                     f"{codes[bad].iloc[0]!r}): located by city or country instead")
    if other.any():
        notes.append(f"{int(other.sum()):,} row(s) whose nutsCode lies in another country than "
                     f"the organisation (e.g. {nuts[other].iloc[0]!r} for "
                     f"{country[other].iloc[0]}): located by city or country instead")
    return nuts.where(~other)


def _bools(raw: pd.DataFrame, column: str, *, path) -> pd.Series:
    text = raw[column].str.strip().str.upper()
    out = text.map(lambda v: True if v in _TRUE else False if v in _FALSE else None)
    bad = (out.isna() & text.notna() & (text != "")).to_numpy()
    if bad.any():
        raise LoaderError(
            f"{path}: column {column!r} has {int(bad.sum())} value(s) that are not yes/no at "
            f"line(s) {_lines(bad)} (e.g. {raw[column][bad].iloc[0]!r}); use true/false, yes/no "
            "or 1/0"
        )
    return out.astype("boolean")


def _from_partners(raw, path, notes, *, duplicates, unknown_types, missing):
    from ._io import parse_year

    require_columns(raw, list(_PARTNER_COLS), path=path)
    org = require_codes(raw, "organisation", path=path)
    partner = require_codes(raw, "partner", path=path)
    year = parse_year(raw, "year", path=path)
    self_tie = (org.str.upper() == partner.str.upper()).to_numpy()
    if self_tie.any():
        raise LoaderError(
            f"{path}: {int(self_tie.sum())} self-tie(s) (organisation listed as its own partner) "
            f"at line(s) {_lines(self_tie)}, e.g. {org[self_tie].iloc[0]!r}"
        )
    ties = pd.DataFrame(
        {
            "organisation": org,
            "partner": partner,
            "year": year,
            "known_before": _bools(raw, "known_before", path=path)
            if "known_before" in raw.columns
            else pd.Series(pd.NA, index=raw.index, dtype="boolean"),
            "channel": raw["channel"].str.strip() if "channel" in raw.columns else pd.NA,
        }
    )
    key = ["organisation", "partner", "year"]
    dup = ties.duplicated(key, keep=False).to_numpy()
    if dup.any():
        if duplicates != "merge":
            first = ties[dup].sort_values(key).head(2)
            raise LoaderError(
                f"{path}: {int(ties.duplicated(key).sum())} duplicate (organisation, partner, "
                f"year) row(s), e.g. ({', '.join(map(str, first.iloc[0][key]))}) at lines "
                f"{', '.join(str(i + 2) for i in first.index)}; pass --duplicates merge to keep "
                "one"
            )
        before = len(ties)
        ties = ties.groupby(key, sort=False, as_index=False).agg(
            known_before=("known_before", "max"), channel=("channel", "first")
        )
        notes.append(f"merged {before - len(ties):,} duplicate partner-list row(s)")

    def side(prefix: str, ids: pd.Series) -> pd.DataFrame:
        # a name only where the file gives one (``name`` / ``partner_name``): an id is no name
        ncol = f"{prefix}name"
        names = raw[ncol].str.strip() if ncol in raw.columns else pd.Series(np.nan, index=ids.index)
        out = pd.DataFrame({"id": ids, "name": names.where(names != "")})
        tcol, ccol, citycol = f"{prefix}type", f"{prefix}country", f"{prefix}city"
        if tcol in raw.columns:
            out["type_code"] = raw[tcol].str.strip()
            out["type"] = map_types(raw[tcol], path=path, column=tcol, unknown=unknown_types)
        if ccol in raw.columns:
            out["country"] = _countries(raw[ccol], path=path, column=ccol, missing=missing)
        if citycol in raw.columns:
            out["city"] = raw[citycol].str.strip()
        return out

    both = pd.concat([side("", org), side("partner_", partner)], ignore_index=True)
    orgs = _organisations(both, notes)
    if "country" not in both.columns or both["country"].isna().all():
        notes.append("no country columns: organisations are loaded without a location")
    out = _empty_tables()
    out.update(organisations=orgs, partnerships=ties)
    return out


# -- writing -------------------------------------------------------------------------------


def located_in(orgs: pd.DataFrame):
    """Region rows, ``PART_OF`` rows and ``LOCATED_IN`` rows (``start, end, level``) for
    organisations (see :func:`locations`)."""
    return _regions(orgs)


def locations(orgs: pd.DataFrame) -> pd.DataFrame:
    """The one location of each organisation: ``id, region, level, name``.

    Its NUTS region when the source has a usable ``nuts`` code, else its city (one Region per
    city however it is spelt: :func:`smartspec.loaders.localities.city_localities`), else its
    country; organisations without a country have none.
    """
    names = country_table().set_index("alpha3")["name"]
    located = orgs[orgs["country"].notna()]
    country = located["country"]
    city = located["city"] if "city" in located.columns else pd.Series(np.nan, index=country.index)
    city_codes, city_names = city_localities(country, city)
    out = pd.DataFrame(
        {
            "id": located["id"].to_numpy(copy=True),
            "region": country.to_numpy(dtype=object, copy=True),
            "level": "country",
            "name": country.map(names).to_numpy(dtype=object, copy=True),
        }
    )
    has_city = city_codes.notna().to_numpy()
    out.loc[has_city, "region"] = city_codes.to_numpy()[has_city]
    out.loc[has_city, "level"] = "city"
    out.loc[has_city, "name"] = city_names.to_numpy()[has_city]
    if "nuts" in located.columns:
        nuts = located["nuts"].to_numpy()
        has = pd.notna(nuts)
        lengths = pd.Series(nuts[has], dtype="object").str.len().to_numpy()
        out.loc[has, "region"] = nuts[has]
        out.loc[has, "level"] = np.where(lengths >= 5, "nuts3", "nuts" + (lengths - 2).astype(str))
        out.loc[has, "name"] = np.nan  # named by nuts_chain
    return out


def _regions(orgs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Region rows (``code, name, level``), ``PART_OF`` rows (city -> country, NUTS 3 -> NUTS 2
    -> NUTS 1 -> country) and ``LOCATED_IN`` rows (``start, end, level``)."""
    loc = locations(orgs)
    names = country_table().set_index("alpha3")["name"]
    countries = pd.DataFrame({"code": pd.unique(orgs["country"].dropna())})
    countries["name"] = countries["code"].map(names)
    countries["level"] = "country"
    cities = loc[loc["level"] == "city"].drop_duplicates("region")
    city_part = pd.DataFrame(
        {"start": cities["region"], "end": cities["region"].str.split("-", n=1).str[0]}
    )
    cities = cities.rename(columns={"region": "code"})[["code", "name", "level"]]
    nuts_regions, nuts_part = nuts_chain(loc.loc[loc["level"].str.startswith("nuts"), "region"])
    regions = pd.concat([countries, cities, nuts_regions], ignore_index=True)
    part_of = pd.concat([city_part, nuts_part], ignore_index=True)
    # a NUTS chain may reach a country no organisation of the file is in (EL -> GRC): add it
    missing = sorted(set(part_of["end"]) - set(regions["code"]))
    if missing:
        extra = pd.DataFrame({"code": missing, "level": "country"})
        extra["name"] = extra["code"].map(names)
        regions = pd.concat([regions, extra[["code", "name", "level"]]], ignore_index=True)
    located_in = loc.rename(columns={"id": "start", "region": "end"})[["start", "end", "level"]]
    return regions.reset_index(drop=True), part_of.reset_index(drop=True), located_in


_ORG_PROPERTIES = ["name", "short_name", "type", "type_code", "sme"]


def _stored_organisations(store: Store) -> pd.DataFrame:
    cols = ", ".join(f"o.`{c}` AS {c}" for c in _ORG_PROPERTIES)
    stored = store.read_table(f"MATCH (o:Organisation) RETURN o.id AS id, {cols}")
    if stored.empty:
        return pd.DataFrame(columns=["id", *_ORG_PROPERTIES]).set_index("id")
    return stored.drop_duplicates("id").set_index("id")


def upsert_organisations(store: Store, orgs: pd.DataFrame) -> int:
    """Merge Organisation nodes without losing what the store knows.

    A load never replaces a known value with a missing one: a property the file does not give
    for an organisation (no name, no short name, ...) keeps its stored value, and an
    organisation whose source gave no type (``_typed`` false) keeps its stored type; only
    organisations new to the store get ``type='other'``. Returns the number of rows.
    """
    nodes = orgs[["id", *[c for c in _ORG_PROPERTIES if c in orgs.columns]]].copy()
    stored = _stored_organisations(store)
    known = nodes["id"].isin(stored.index).to_numpy()
    typed = (
        orgs["_typed"].to_numpy(dtype=bool)
        if "_typed" in orgs.columns
        else np.ones(len(orgs), dtype=bool)
    )
    if known.any():
        before = stored.reindex(nodes["id"])
        for col in nodes.columns.drop("id"):
            if col not in before.columns:
                continue
            keep = np.array(nodes[col].isna(), dtype=bool)
            if col in ("type", "type_code"):
                keep |= ~typed
            old = before[col].to_numpy()
            keep &= np.asarray(pd.notna(old), dtype=bool)
            if keep.any():
                values = nodes[col].astype("object").to_numpy().copy()
                values[keep] = old[keep]
                nodes[col] = values
    if "type" in nodes.columns:
        nodes["type"] = nodes["type"].fillna("other")
    nodes = nodes.loc[:, [c for c in nodes.columns if c == "id" or nodes[c].notna().any()]]
    store.upsert_nodes("Organisation", nodes)
    return len(nodes)


def place_organisations(store: Store, orgs: pd.DataFrame) -> dict[str, int]:
    """Write Regions, their ``PART_OF`` chain and each organisation's ONE ``LOCATED_IN``.

    A location from the file replaces a stored one only when it is at least as precise
    (:data:`~smartspec.loaders.localities.LOCATION_PRECISION`: country < NUTS 1 < NUTS 2 < city
    < NUTS 3); otherwise the stored one stays. Any other ``LOCATED_IN`` of an organisation of
    the file is removed, so an organisation has one location. Returns ``regions``, ``located``
    (organisations with a location from the file) and ``moved`` (stored locations replaced).
    """
    regions, part_of, located = _regions(orgs)
    rank = LOCATION_PRECISION
    stored = store.read_table(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(r:Region) "
        "RETURN o.id AS id, r.code AS region, r.level AS level"
    )
    moved = 0
    if not stored.empty:
        stored = stored[stored["id"].isin(orgs["id"])]
        stored["rank"] = stored["level"].map(rank).fillna(1).to_numpy()
        best = stored.groupby("id")["rank"].max()
        new_rank = located["level"].map(rank).fillna(1)
        old_rank = located["start"].map(best)
        keep_new = (old_rank.isna() | (new_rank >= old_rank)).to_numpy()
        located = located[keep_new]
        # the one location: the file's where it wins, else the most precise stored one
        final = dict(zip(located["start"], located["end"], strict=True))
        kept = stored[~stored["id"].isin(final)].sort_values("rank", ascending=False, kind="stable")
        final.update(kept.drop_duplicates("id").set_index("id")["region"].to_dict())
        stale = stored[stored["region"].to_numpy() != stored["id"].map(final).to_numpy()]
        if len(stale):
            rows = stale[["id", "region"]].to_dict("records")
            for i in range(0, len(rows), 10_000):
                store.run(
                    "UNWIND $rows AS row MATCH (o:Organisation {id: row.id})"
                    "-[l:LOCATED_IN]->(r:Region {code: row.region}) DELETE l",
                    {"rows": rows[i : i + 10_000]},
                    write=True,
                )
            moved = int(stale["id"].nunique())
    used = set(located["end"])
    frontier = used
    while frontier:  # the regions the kept locations need, with their chains
        frontier = set(part_of.loc[part_of["start"].isin(frontier), "end"]) - used
        used |= frontier
    regions = regions[regions["code"].isin(used)].copy()
    part_of = part_of[part_of["start"].isin(used)]
    nuts = regions["level"].str.startswith("nuts").to_numpy()
    if nuts.any():  # "DE212 (Germany)" names a NUTS region only until a source names it
        named = store.read_table(
            "MATCH (r:Region) WHERE r.code IN $codes AND r.name IS NOT NULL "
            "RETURN r.code AS code, r.name AS name",
            {"codes": regions.loc[nuts, "code"].tolist()},
        )
        if not named.empty:
            known = named.drop_duplicates("code").set_index("code")["name"]
            regions.loc[nuts, "name"] = (
                regions.loc[nuts, "code"].map(known).fillna(regions.loc[nuts, "name"])
            )
    if len(regions):
        store.upsert_nodes("Region", regions)
    if len(part_of):
        store.upsert_relationships("PART_OF", part_of, start="Region", end="Region")
    if len(located):
        store.upsert_relationships(
            "LOCATED_IN", located[["start", "end"]], start="Organisation", end="Region"
        )
    return {"regions": len(regions), "located": len(located), "moved": moved}


def _with_stored_dates(store: Store, table: CollaborationTable) -> CollaborationTable:
    """The table with the stored dates of projects the file gives none for (a CORDIS file
    loaded without its project table keeps the dates an earlier load stored, and so do the
    years of ``COLLABORATES_WITH``)."""
    proj = table.projects
    undated = proj["start_year"].isna()
    if proj.empty or not undated.any():
        return table
    stored = store.read_table(
        "MATCH (p:Project) WHERE p.id IN $ids AND p.start_year IS NOT NULL "
        "RETURN p.id AS id, p.start AS start, p.`end` AS end, p.start_year AS start_year, "
        "p.end_year AS end_year",
        {"ids": proj.loc[undated, "id"].tolist()},
    )
    if stored.empty:
        return table
    stored = stored.drop_duplicates("id").set_index("id")
    proj = proj.copy()
    for col in ("start_year", "end_year"):
        proj[col] = proj[col].fillna(proj["id"].map(stored[col])).astype("Int64")
    for col in ("start", "end"):
        proj[col] = proj[col].fillna(pd.to_datetime(proj["id"].map(stored[col]), errors="coerce"))
    table.notes.append(f"{int(proj['start_year'].notna().sum() - (~undated).sum()):,} project(s) "
                       "without dates in the file keep the dates stored before")
    return replace(table, projects=proj)


def write_collaborations(
    store: Store,
    table: CollaborationTable,
    *,
    pairs: bool = True,
    progress: Callable[[int], None] | None = None,
) -> dict[str, int]:
    """Write a validated collaboration table; idempotent (everything merges on its keys).

    Writes Region (countries with their ISO alpha-3 code and name, cities as ``<alpha-3>-<CITY>``
    with ``PART_OF`` their country), Organisation with ``LOCATED_IN`` (city when known, else
    country), Project, Topic (programme parts) with ``ADDRESSES``, ``PARTICIPATES_IN {role,
    contribution}``, ``ACTIVE_IN {weight}`` (projects of an organisation in a programme part),
    the ``COLLABORATES_WITH {first_year, last_year, projects}`` projection (unless ``pairs`` is
    false) and ``PARTNERS_WITH {year, known_before, channel}`` for partner lists.

    Organisations of a partner list without a type column get ``type='other'`` only when they
    are new to the store, so a survey never overwrites a type loaded from CORDIS.
    Returns the counts written.
    """
    store.create_schema()
    table = _with_stored_dates(store, table)
    orgs = table.organisations
    counts: dict[str, int] = {}
    upsert_organisations(store, orgs)
    counts["organisations"] = len(orgs)
    placed = place_organisations(store, orgs)
    counts["regions"] = placed["regions"]
    counts["located"] = placed["located"]
    counts["moved"] = placed["moved"]
    if len(table.projects):
        # a column the file does not have (no project table: no dates) keeps the stored values
        proj = table.projects
        proj = proj.loc[:, [c for c in proj.columns if c == "id" or proj[c].notna().any()]]
        store.upsert_nodes("Project", proj)
    counts["projects"] = len(table.projects)
    if len(table.topics):
        topics = pd.DataFrame({"code": pd.unique(table.topics["topic"])})
        topics["classification"] = "programme part"
        if len(table.topic_names):  # names only where known: a missing one keeps the stored
            names = table.topic_names.drop_duplicates("code").set_index("code")["name"]
            topics["name"] = topics["code"].map(names)
            named = topics["name"].notna()
            if (~named).any():
                store.upsert_nodes("Topic", topics.loc[~named, ["code", "classification"]])
            topics = topics[named]
        if len(topics):
            store.upsert_nodes("Topic", topics)
        store.upsert_relationships(
            "ADDRESSES",
            table.topics.rename(columns={"project": "start", "topic": "end"}),
            start="Project",
            end="Topic",
        )
        active = table.participations.merge(table.topics, on="project")
        active = active.groupby(["organisation", "topic"], as_index=False).size()
        active = active.rename(columns={"organisation": "start", "topic": "end", "size": "weight"})
        active["weight"] = active["weight"].astype("float64")
        store.upsert_relationships("ACTIVE_IN", active, start="Organisation", end="Topic")
    counts["topics"] = len(table.topics)
    if len(table.participations):
        store.upsert_relationships(
            "PARTICIPATES_IN",
            table.participations.rename(columns={"organisation": "start", "project": "end"}),
            start="Organisation",
            end="Project",
            progress=progress,
        )
    counts["participations"] = len(table.participations)
    counts["pairs"] = 0
    if pairs and len(table.participations):
        summary = collaboration_pairs(table.ties())
        store.upsert_relationships(
            "COLLABORATES_WITH",
            summary.rename(columns={"source": "start", "target": "end"}),
            start="Organisation",
            end="Organisation",
            progress=progress,
        )
        counts["pairs"] = len(summary)
    if len(table.partnerships):
        rows = table.partnerships.rename(columns={"organisation": "start", "partner": "end"})
        store.upsert_relationships(
            "PARTNERS_WITH", rows, start="Organisation", end="Organisation", progress=progress
        )
    counts["partnerships"] = len(table.partnerships)
    return counts
