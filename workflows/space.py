"""One activity space (one classification) read out of the store, for opportunities, pathways,
reports and models, and the checks of the region, activity and year a user typed.

A store may hold several product classifications: the shipped world-trade tables are HS (1980,
2017) and SITC rev. 2 (the 1998-2000 average, loaded with ``code_prefix="SITC2:"``). Codes of two
classifications are different products, so every measure is computed within one classification:
the one of the requested year, else the one of the latest year, unless ``classification`` names
it.
"""

from __future__ import annotations

import difflib
import unicodedata
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NoReturn

import pandas as pd

from ..algorithms.pipeline import compute_all
from ..graph_models import results
from ..loaders.countries import country_name, to_alpha3
from ._base import WorkflowError, activity_label

__all__ = [
    "Space",
    "load_space",
    "load_spaces",
    "activity_label",
    "resolve_region",
]


def fail(message: str) -> NoReturn:
    """Stop with a :class:`WorkflowError` (one line)."""
    raise WorkflowError(message)


@dataclass
class Space:
    """Observed activity of one classification, all its years, and the measures computed on it."""

    data: pd.DataFrame
    label: str
    classification: str | None
    years: list[int]
    all_years: dict[int, list[str]]
    prefix: str = ""
    _measures: dict | None = field(default=None, repr=False)
    #: names of the regions and activities as stored on their nodes (code -> name)
    region_names: pd.Series = field(default_factory=lambda: pd.Series(dtype=object), repr=False)
    activity_names: pd.Series = field(default_factory=lambda: pd.Series(dtype=object),
                                      repr=False)

    @property
    def title(self) -> str:
        years = ", ".join(map(str, self.years))
        return f"{self.classification or self.label} ({years})"

    def measures(self) -> dict[str, pd.DataFrame]:
        """``compute_all`` on the space (cached): specialisation, regions, activities, density,
        proximity."""
        if self._measures is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # components: flagged in the tables
                self._measures = compute_all(self.data, min_proximity=0.0)
        return self._measures

    # -- checks of what the user typed -----------------------------------------------------------
    def year_or_latest(self, year: int | None) -> int:
        if year is None:
            return self.years[-1]
        if year not in self.years:
            fail(f"year {year} is not in {self.title}; loaded years: {_years_text(self.all_years)}")
        return year

    def region(self, code: str, year: int | None = None) -> str:
        """The region's code as stored, from a code (any case; ISO alpha-2 and the EU's UK and
        EL work for countries) or a name (the stored name or the ISO 3166 name,
        case- and accent-insensitive)."""
        regions = pd.unique(self.data["region"]).tolist()
        found = resolve_region(code, regions, self.region_names, where=self.title)
        if year is not None:
            have = self.data.loc[self.data["region"] == found, "year"].unique().tolist()
            if year not in have:
                fail(f"region {found} has no {self.classification or self.label} data in "
                     f"{year}; it has data in {', '.join(map(str, sorted(have)))}")
        return found

    def region_name(self, code: str) -> str:
        """The stored name of a region, or '' (:data:`~smartspec.graph_models.results.NO_NAME`)."""
        return str(self.region_names.get(code, results.NO_NAME))

    def activity_name(self, code: str) -> str:
        """The stored name of an activity, or ''."""
        return str(self.activity_names.get(code, results.NO_NAME))

    def named(self, region: str) -> str:
        """``KOR (South Korea)``, or the bare code when the region has no name."""
        name = self.region_name(region)
        return f"{region} ({name})" if name else region

    def with_names(self, frame: pd.DataFrame, column: str, kind: str = "activity",
                   name_column: str | None = None) -> pd.DataFrame:
        """``frame`` with ``<column>_name`` right after ``column`` (``kind`` says whether the
        codes are regions or activities); '' where a node has no name."""
        names = self.region_names if kind == "region" else self.activity_names
        return results.insert_names(frame, column, names, name_column=name_column)

    def activity(self, code: str) -> str:
        """The activity's code as stored (the classification prefix may be left out)."""
        acts = pd.unique(self.data["activity"]).tolist()
        wanted = code.strip()
        for cand in (wanted, self.prefix + wanted):
            if cand in acts:
                return cand
        close = difflib.get_close_matches(self.prefix + wanted, acts, n=5, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        fail(f"unknown {self.label.lower()} {code!r} in {self.title}{hint}")

    def specialisations(self, region: str, year: int) -> list[str]:
        spec = self.measures()["specialisation"]
        rows = spec[(spec["region"] == region) & (spec["year"] == year) & (spec["m"] == 1)]
        if rows.empty:
            fail(f"region {region} has no specialisation (RCA >= 1) in {year} "
                 f"({self.classification or self.label}): nothing to build on")
        return rows["activity"].tolist()


def _plain(text: str) -> str:
    """Case- and accent-free text for comparing names (``Côte d'Ivoire`` = ``cote d'ivoire``)."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def resolve_region(text: str, regions: Sequence[str], names: pd.Series | None = None, *,
                   where: str) -> str:
    """The code among ``regions`` that ``text`` means, or a one-line error with suggestions.

    Tried in order: the code as typed or upper-cased; a country code through
    :func:`smartspec.loaders.countries.to_alpha3` (ISO alpha-2 ``de``, the EU's ``UK`` and
    ``EL``); a name, the stored one (``names``: code -> name) or the ISO 3166 one, ignoring
    case and accents (``germany``, ``Cote d'Ivoire``). Only then are close codes and names
    suggested, so ``UK`` is the United Kingdom (GBR), never a suggestion of ``UKR``.

    >>> resolve_region("uk", ["GBR", "UKR"], where="HS92")
    'GBR'
    >>> resolve_region("ukraine", ["GBR", "UKR"], where="HS92")
    'UKR'
    """
    wanted = str(text).strip()
    present = set(regions)
    for cand in (wanted, wanted.upper()):
        if cand in present:
            return cand
    alpha3 = to_alpha3([wanted]).iloc[0]
    if isinstance(alpha3, str) and alpha3 in present:
        return alpha3
    by_name: dict[str, str] = {}
    for code in regions:  # ISO names first, so a stored name overrides them
        iso = country_name(code) if len(str(code)) == 3 else None
        if iso:
            by_name.setdefault(_plain(iso), code)
    if names is not None and len(names):
        stored = names[names.index.isin(present)]
        by_name.update({_plain(n): c for c, n in stored.items() if isinstance(n, str) and n})
    if _plain(wanted) in by_name:
        return by_name[_plain(wanted)]
    if isinstance(alpha3, str):  # a country code that has no data here
        fail(f"region {wanted!r} is {alpha3} ({country_name(alpha3)}), which is not in {where}")
    by_code = difflib.get_close_matches(wanted.upper(), list(regions), n=3, cutoff=0.5)
    by_names = [by_name[n] for n in difflib.get_close_matches(
        _plain(wanted), list(by_name), n=3, cutoff=0.6)]
    close = by_names + by_code if len(wanted) > 3 else by_code + by_names  # a name, or a code
    hint = f"; did you mean {', '.join(dict.fromkeys(close))}?" if close else ""
    fail(f"unknown region {text!r} in {where}{hint}")


def _years_text(all_years: dict[int, list[str]]) -> str:
    return ", ".join(f"{y} ({'/'.join(c)})" for y, c in sorted(all_years.items()))


def _prefix(codes: pd.Series) -> str:
    """A shared ``XXX:`` prefix of the codes (as ``--code-prefix`` writes it), else ''."""
    if codes.empty:
        return ""
    first = str(codes.iloc[0])
    if ":" not in first:
        return ""
    pre = first.split(":", 1)[0] + ":"
    return pre if codes.astype(str).str.startswith(pre).all() else ""


def load_space(
    store,
    *,
    activity: str = "Product",
    classification: str | None = None,
    year: int | None = None,
    min_years: int = 1,
) -> Space:
    """Read one classification's observed activity (all its years) from the store."""
    data = results.read_activity(store, activity=activity)
    if data.empty:
        fail(f"no {activity} data in {store.describe()}; load some first "
             "(smartspec load trade FILE --year Y)")
    nodes = store.run(f"MATCH (p:{activity}) RETURN p.code AS activity, "
                      "p.classification AS classification")
    cls = dict(zip(nodes["activity"], nodes["classification"].fillna(""), strict=True))
    data["classification"] = data["activity"].map(cls).fillna("")
    by_year = data.groupby("year")["classification"].unique()
    all_years = {int(y): sorted(c or "unclassified" for c in v) for y, v in by_year.items()}
    if year is not None and year not in all_years:
        fail(f"year {year} is not loaded; loaded years: {_years_text(all_years)}")
    known = sorted({c for v in by_year for c in v})
    if classification is not None:
        if classification not in known:
            close = difflib.get_close_matches(classification, known, n=3, cutoff=0.3)
            hint = f"; did you mean {', '.join(close)}?" if close else ""
            fail(f"unknown classification {classification!r}; loaded: "
                 f"{', '.join(c or 'unclassified' for c in known)}{hint}")
        chosen = classification
    else:
        if year is not None:
            options = list(by_year[year])
        elif min_years > 1:
            counts = data.groupby("classification")["year"].nunique()
            options = counts[counts >= min_years].index.tolist() or list(by_year.iloc[-1])
        else:
            options = list(by_year.iloc[-1])
        if len(options) > 1:
            fail(f"several classifications ({', '.join(options)}) hold this data; choose one "
                 "with --classification")
        chosen = options[0]
    sub = data[data["classification"] == chosen].drop(columns="classification")
    years = sorted(sub["year"].unique().tolist())
    if year is not None and year not in years:
        fail(f"year {year} has no {chosen} data; loaded years: {_years_text(all_years)}")
    if len(years) < min_years:
        fail(f"{chosen or activity} has {len(years)} period(s) ({', '.join(map(str, years))}); "
             f"this needs {min_years} at least; loaded years: {_years_text(all_years)}")
    return Space(sub.reset_index(drop=True), activity, chosen or None, years, all_years,
                 _prefix(sub["activity"]), **_names(store, sub, activity))


def _names(store, data: pd.DataFrame, activity: str) -> dict[str, pd.Series]:
    """The stored names of the regions and activities of ``data`` (short names where the
    nodes have them)."""
    return {
        "region_names": results.read_names(store, "Region", pd.unique(data["region"]).tolist(),
                                           short=True),
        "activity_names": results.read_names(store, activity,
                                             pd.unique(data["activity"]).tolist(), short=True),
    }


def load_spaces(store, *, activity: str = "Product") -> list[Space]:
    """Every classification of the store as a :class:`Space`, the most recent first."""
    data = results.read_activity(store, activity=activity)
    if data.empty:
        fail(f"no {activity} data in {store.describe()}; load some first "
             "(smartspec load trade FILE --year Y)")
    nodes = store.run(f"MATCH (p:{activity}) RETURN p.code AS activity, "
                      "p.classification AS classification")
    cls = dict(zip(nodes["activity"], nodes["classification"].fillna(""), strict=True))
    data["classification"] = data["activity"].map(cls).fillna("")
    by_year = data.groupby("year")["classification"].unique()
    all_years = {int(y): sorted(c or "unclassified" for c in v) for y, v in by_year.items()}
    spaces = []
    for name, sub in data.groupby("classification"):
        sub = sub.drop(columns="classification").reset_index(drop=True)
        years = sorted(sub["year"].unique().tolist())
        spaces.append(Space(sub, activity, name or None, years, all_years,
                            _prefix(sub["activity"]), **_names(store, sub, activity)))
    return sorted(spaces, key=lambda s: -s.years[-1])
