"""ISO 3166-1 country codes: alpha-2 <-> alpha-3 <-> numeric <-> name, from ``pycountry``.

Every loader that reads a country normalises it here, to the upper-case alpha-3 code that keys
country Regions (``DEU``, the key the trade loader writes). The codes and names are those of
`pycountry <https://pypi.org/project/pycountry/>`_, which ships the Debian ``iso-codes`` data
(LGPL-2.1), using each country's common name where it has one (``South Korea`` rather than
``Korea, Republic of``). Besides the 249 ISO codes, the table accepts the codes the European
Commission writes instead (CORDIS, Eurostat): ``UK`` for the United Kingdom (ISO ``GB``/``GBR``),
``EL`` for Greece (ISO ``GR``/``GRC``), and ``XK`` for Kosovo, a user-assigned code (not ISO)
that the EU uses, mapped to ``XKX`` as the World Bank and the Atlas do.

Numeric codes (ISO 3166-1 numeric = UN M49 for countries, as BACI and Comtrade write them) map
to alpha-3 with :func:`numeric_to_alpha3`.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

__all__ = [
    "ALIASES",
    "country_table",
    "to_alpha3",
    "to_alpha2",
    "country_name",
    "numeric_to_alpha3",
]

#: Non-ISO codes accepted in input files: the EU's alpha-2 variants and Kosovo (alpha-2 -> alpha-3).
ALIASES: dict[str, str] = {"UK": "GBR", "EL": "GRC", "XK": "XKX"}


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    import pycountry

    rows = [
        (c.alpha_2, c.alpha_3, c.numeric, getattr(c, "common_name", None) or c.name)
        for c in pycountry.countries
    ]
    rows.append(("XK", "XKX", "", "Kosovo"))
    table = pd.DataFrame(rows, columns=["alpha2", "alpha3", "numeric", "name"])
    return table.sort_values("alpha2", ignore_index=True)


def country_table() -> pd.DataFrame:
    """The table: ``alpha2, alpha3, numeric, name`` (ISO 3166-1 plus Kosovo ``XK``/``XKX``).

    ``numeric`` is the three-digit text of ISO 3166-1 (``"276"``, ``"004"``; empty for Kosovo).

    >>> t = country_table()
    >>> t.loc[t.alpha2 == "DE", ["alpha3", "numeric", "name"]].values.tolist()
    [['DEU', '276', 'Germany']]
    """
    return _table().copy()


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    t = _table()
    out = dict(zip(t["alpha2"], t["alpha3"], strict=True))
    out.update(zip(t["alpha3"], t["alpha3"], strict=True))
    out.update(ALIASES)
    return out


def to_alpha3(codes) -> pd.Series:
    """Alpha-3 codes for alpha-2, alpha-3 or EU-variant codes (case and spaces ignored).

    Unknown or missing codes give missing values; the loaders turn those into errors that name
    the file lines.

    >>> to_alpha3(["de", "UK", "EL", "GRC", "ZZ", None]).tolist()
    ['DEU', 'GBR', 'GRC', 'GRC', nan, nan]
    """
    s = pd.Series(codes, dtype="object")
    key = s.where(s.isna(), s.astype(str).str.strip().str.upper())
    return pd.Series(key.map(_lookup()).to_numpy(), index=s.index, dtype="object")


def to_alpha2(codes) -> pd.Series:
    """ISO alpha-2 codes (``GB``, not ``UK``) for any accepted code.

    >>> to_alpha2(["GBR", "EL"]).tolist()
    ['GB', 'GR']
    """
    t = _table()
    back = dict(zip(t["alpha3"], t["alpha2"], strict=True))
    return to_alpha3(codes).map(back)


def numeric_to_alpha3(codes) -> pd.Series:
    """Alpha-3 codes for ISO 3166-1 numeric codes, written as numbers or text, with or without
    leading zeros or spaces (``276``, ``"004"``, ``" 4"``, ``4.0``).

    Codes that are not ISO numeric codes (BACI's 251 for France, 842 for the USA, 490 "Other
    Asia", ...) give missing values: a loader that knows such codes maps them first.

    >>> numeric_to_alpha3([276, "004", " 4", 4.0, "842", None]).tolist()
    ['DEU', 'AFG', 'AFG', 'AFG', nan, nan]
    """
    s = pd.Series(codes, dtype="object")
    number = pd.to_numeric(s.astype("string").str.strip(), errors="coerce").astype("float64")
    number = number.where(number == number.round())
    t = _table()
    t = t[t["numeric"] != ""]
    back = dict(zip(t["numeric"].astype(int), t["alpha3"], strict=True))
    return pd.Series(number.map(back).to_numpy(dtype=object), index=s.index, dtype="object")


def country_name(code: str) -> str | None:
    """The English name of a country given any accepted code, or None.

    >>> country_name("EL")
    'Greece'
    """
    if not isinstance(code, str):
        return None
    a3 = _lookup().get(code.strip().upper())
    return _names().get(a3) if a3 is not None else None


@lru_cache(maxsize=1)
def _names() -> dict[str, str]:
    t = _table()
    return {a3: str(name) for a3, name in zip(t["alpha3"], t["name"], strict=True)}
