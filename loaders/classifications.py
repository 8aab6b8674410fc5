"""Reference classifications: product names and hierarchies (HS, SITC), countries and their groups.

The tables are shipped in ``loaders/data/classifications/``: the Harvard Growth Lab's
``atlas-common-data`` 1.1.1 (Apache-2.0; see the NOTICE there), read as they are. Country codes
and names that the Atlas tables lack come from :mod:`smartspec.loaders.countries`
(``pycountry``, the Debian ``iso-codes`` data).

Products
--------
HS 1992, HS 2012, HS 2022 and SITC rev. 2 (names ``HS92``, ``HS12``, ``HS22``, ``SITC2``;
Comtrade's ``H0``, ``H4``, ``H6``, ``S2`` and spellings such as ``HS1992``, ``sitc-2`` or
``SITC2:`` are accepted) at the Atlas levels:

===========  ===================================  ========================================
Atlas level  HS92 / HS12 / HS22 (``level``)        SITC2 (``level``)
===========  ===================================  ========================================
1            ``sector``: ``S01`` ... ``S10``      ``section``: ``0`` ... ``9``
2            ``chapter``: ``01`` ... ``97``       ``division``: ``00`` ... ``99``
4            ``heading``: ``0101`` ...            ``subgroup``: ``0011`` ...
6            ``subheading``: ``010111`` ...       (none)
===========  ===================================  ========================================

**Sector codes.** The Atlas's ten HS sectors (Textiles, Agriculture, Stone, Minerals, Metals,
Chemicals, Vehicles, Machinery, Electronics, Other) are not HS codes: the Atlas numbers them
``0``-``9`` in HS92 and ``1``-``10`` in HS12/HS22, where sector ``10`` ("Other") is also the
code of chapter 10 (Cereals). smartspec keys them ``S01`` ... ``S10`` in all three vintages
(the Atlas ``product_id`` 1-10, Textiles to Other), a code no HS or SITC code can take. SITC
sections are real SITC codes (one digit) and keep them. The Atlas's pseudo-codes for
unallocated trade (``XXXX``, ``XXXXXX``, ``9999AA``; SITC ``XX``, ``XXXX``) are kept as it
writes them.

**Prefixes.** Codes of two classifications never merge in one graph: a code stored under another
classification is refused, and ``--code-prefix SITC2:`` keeps SITC apart. Every ancestor then
carries the same prefix as the loaded codes: ``SITC2:0011`` is ``PART_OF`` ``SITC2:00``, which
is ``PART_OF`` ``SITC2:0``.

Each Product gets ``name`` (Atlas ``name_en``), ``short_name`` (``name_short_en``), ``level``,
``classification``, the flags ``natural_resource`` (HS92) and ``green_product`` (HS, where the
Atlas sets it), and where the Atlas draws it the product-space layout ``product_space_x``,
``product_space_y`` (HS92 headings; SITC subgroups: the legacy layout) and cluster
``cluster_id``, ``cluster`` (HS92 headings). A value the table lacks is never written, so a known
property is not removed.

Countries
---------
Country Regions (``level`` 'country', keyed by ISO alpha-3) get ``name``, ``iso2``, ``iso3`` and
``m49`` (UN M49 = ISO 3166-1 numeric, an integer). The name is the Atlas's English short name
(``South Korea``, ``Russia``, ``Iran``, ``Democratic Republic of the Congo``, ``East Germany``):
the name people read in the Atlas and the trade literature, and it also names former countries
of historical trade data (``SUN``, ``YUG``, ``CSK``, ``DDR``); countries the Atlas does not list
take pycountry's common name (``Liechtenstein``, ``Puerto Rico``), and the other withdrawn codes
of ISO 3166-3 pycountry's name. Codes and ``m49`` come from ISO (pycountry) first, the Atlas
second. Alpha-3 codes ISO replaced for the same country (``ROM`` Romania until 2002, ``ZAR``,
``TMP``: :data:`LEGACY_CODES`), still found in older trade tables, are named and grouped as the
country they became.

Each country is ``PART_OF`` its groups, Region nodes with these codes and levels:

=================  =========================================  ============================
level              codes                                      source (Atlas group type)
=================  =========================================  ============================
``continent``      ``AFRICA``, ``ASIA``, ``EUROPE``,          ``continent`` (its "Other"
                   ``NORTH_AMERICA``, ``SOUTH_AMERICA``,      -- Antarctica and the like --
                   ``OCEANIA``                                is left out)
``un_region``      ``M49_002`` Africa, ``M49_019`` Americas,  ``region`` (UN M49 codes)
                   ``M49_142`` Asia, ``M49_150`` Europe,
                   ``M49_009`` Oceania
``un_subregion``   ``M49_155`` Western Europe, ... (22),      ``subregion``
                   each ``PART_OF`` its UN region
``country_group``  ``EU27``, ``G7``, ``NAFTA``, ``OPEC``       ``political``, ``trade``
``wb_region``      ``WB_EAS``, ``WB_ECS``, ``WB_LCN``,        ``wdi_region`` (the World
                   ``WB_MEA``, ``WB_NAC``, ``WB_SAS``,        Bank's own region codes)
                   ``WB_SSF``
=================  =========================================  ============================

Memberships are the Atlas tables' (one snapshot, e.g. the EU of 27 after 2020), not per year.
Left out: World Bank income groups (reclassified every year, and the tables do not say which
year they hold), the Growth Lab's strategy typology (``rock_song``), the Atlas's own
"Services Partners"/"Other" pseudo-regions, and "world". None of these codes can be a country
(ISO alpha-3), NUTS (two letters and digits) or metro code.

>>> t = product_table("HS92").set_index("code")
>>> t.loc[["8703", "87", "S07"], ["level", "short_name", "parent"]].values.tolist()
[['heading', 'Cars', '87'], ['chapter', 'Vehicles', 'S07'], ['sector', 'Vehicles', None]]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..graph_models.store import Store
from ._io import LoaderError
from .countries import country_table

__all__ = [
    "PRODUCT_CLASSIFICATIONS",
    "PRODUCT_LEVELS",
    "GROUP_LEVELS",
    "LEGACY_CODES",
    "product_classification",
    "product_table",
    "product_space",
    "country_reference",
    "country_groups",
    "ClassificationWrite",
    "write_product_classification",
    "write_countries",
    "write_trade_references",
]

#: Product classifications with shipped reference tables.
PRODUCT_CLASSIFICATIONS = ("HS92", "HS12", "HS22", "SITC2")

#: Atlas level (digits) -> level name, per classification family.
PRODUCT_LEVELS: dict[str, dict[int, str]] = {
    "HS": {1: "sector", 2: "chapter", 4: "heading", 6: "subheading"},
    "SITC2": {1: "section", 2: "division", 4: "subgroup"},
}

#: Levels of the country-group Regions that :func:`write_countries` writes.
GROUP_LEVELS = ("continent", "un_region", "un_subregion", "country_group", "wb_region")

_FILES = {"HS92": "hs92", "HS12": "hs12", "HS22": "hs22", "SITC2": "sitc"}
_ALIASES = {
    # not HS4 / HS6: people write those for HS at 4 or 6 digits, of any vintage
    "HS92": "HS92", "HS1992": "HS92", "H0": "HS92",
    "HS12": "HS12", "HS2012": "HS12", "H4": "HS12",
    "HS22": "HS22", "HS2022": "HS22", "H6": "HS22",
    "SITC2": "SITC2", "SITCREV2": "SITC2", "SITCR2": "SITC2", "S2": "SITC2",
}

_WB_REGIONS = {
    "East Asia & Pacific": "WB_EAS",
    "Europe & Central Asia": "WB_ECS",
    "Latin America & Caribbean": "WB_LCN",
    "Middle East & North Africa": "WB_MEA",
    "North America": "WB_NAC",
    "South Asia": "WB_SAS",
    "Sub-Saharan Africa": "WB_SSF",
}
_NAMED_GROUPS = {"G7": "G7", "NAFTA": "NAFTA", "OPEC": "OPEC"}


def _data(name: str) -> Path:
    return Path(str(resources.files("smartspec.loaders") / "data" / "classifications" / name))


def _read(name: str) -> pd.DataFrame:
    """A shipped table, every column as text, empty cells as missing."""
    return pd.read_csv(_data(f"{name}.csv.gz"), dtype=str, keep_default_na=False,
                       na_values=[""])


def product_classification(classification: str | None) -> str | None:
    """The shipped classification a name means (``HS92``, ``HS12``, ``HS22``, ``SITC2``), or
    None. Case, spaces, dashes, dots and a trailing ``:`` (a code prefix) are ignored.

    >>> [product_classification(c) for c in ["hs92", "H4", "SITC2:", "SITC Rev. 2", "NACE", None]]
    ['HS92', 'HS12', 'SITC2', 'SITC2', None, None]
    """
    if classification is None:
        return None
    key = re.sub(r"[\s.\-_:]", "", str(classification)).upper()
    return _ALIASES.get(key)


def _resolve(classification: str) -> str:
    found = product_classification(classification)
    if found is None:
        raise LoaderError(
            f"no shipped reference table for product classification {classification!r}; "
            f"choose one of {', '.join(PRODUCT_CLASSIFICATIONS)}"
        )
    return found


def _flag(col: pd.Series) -> pd.Series:
    return col.map({"True": True, "False": False}).astype("boolean")


@lru_cache(maxsize=8)
def _product_table(classification: str) -> pd.DataFrame:
    raw = _read(_FILES[classification])
    digits = raw["product_level"].astype(int)
    family = "SITC2" if classification == "SITC2" else "HS"
    pid = raw["product_id"].astype(int)
    code = raw["code"].where(digits > 1 if family == "HS" else digits > 0)
    code = code.fillna(pd.Series("S", index=raw.index) + pid.map("{:02d}".format))
    by_id = dict(zip(pid, code, strict=True))
    parent_id = pd.to_numeric(raw["parent_id"]).astype("Int64")
    out = pd.DataFrame({
        "code": code.astype(object),
        "level": digits.map(PRODUCT_LEVELS[family]),
        "name": raw["name_en"],
        "short_name": raw["name_short_en"],
        "parent": parent_id.map(by_id).astype(object),
    })
    out["parent"] = out["parent"].where(out["parent"].notna(), None)
    for col in ("natural_resource", "green_product"):
        if col in raw.columns:
            out[col] = _flag(raw[col])
    if "product_space_x" in raw.columns:
        for axis in ("x", "y"):
            out[f"product_space_{axis}"] = pd.to_numeric(raw[f"product_space_{axis}"])
    if "cluster_id" in raw.columns:
        clusters = _read("hs92_ps_clusters")
        names = dict(zip(clusters["cluster_id"].astype(int), clusters["name_en"], strict=True))
        out["cluster_id"] = pd.to_numeric(raw["cluster_id"]).astype("Int64")
        out["cluster"] = out["cluster_id"].map(names).astype(object)
    out["product_id"] = pid
    if out["code"].duplicated().any():  # the tables have none; a new release might
        dup = out.loc[out["code"].duplicated(), "code"].iloc[0]
        raise LoaderError(f"shipped {classification} table has code {dup!r} twice")
    return out


def product_table(classification: str) -> pd.DataFrame:
    """The reference table of a product classification: one row per code.

    Columns ``code`` (as smartspec keys it, without prefix), ``level``, ``name``,
    ``short_name``, ``parent`` (code of the parent, None for sectors/sections) and, where the
    classification has them, ``natural_resource``, ``green_product``, ``product_space_x``,
    ``product_space_y``, ``cluster_id``, ``cluster``; ``product_id`` is the Atlas's id.

    >>> t = product_table("SITC2")
    >>> t.set_index("code").loc["0011", ["level", "parent"]].tolist()
    ['subgroup', '00']
    """
    return _product_table(_resolve(classification)).copy()


def product_space(classification: str = "HS92", *, prefix: str = "") -> tuple[
        pd.DataFrame, pd.DataFrame]:
    """The Atlas product space: HS92 headings with layout and cluster, and the edges it draws.

    Returns ``nodes`` (``code, name, short_name, x, y, cluster_id, cluster``; 865 headings
    placed by the Atlas) and ``edges`` (``source, target`` heading codes), codes with
    ``prefix`` put before them. Only HS92 has an Atlas product space.

    >>> nodes, edges = product_space()
    >>> len(nodes), len(edges), nodes.set_index("code").loc["8703", "cluster"]
    (865, 4316, 'Metalworking and Electrical Machinery and Parts')
    """
    if _resolve(classification) != "HS92":
        raise LoaderError(f"the Atlas draws a product space for HS92 only, not {classification}")
    t = _product_table("HS92")
    placed = t[t["product_space_x"].notna() & (t["level"] == "heading")]
    nodes = pd.DataFrame({
        "code": prefix + placed["code"],
        "name": placed["name"],
        "short_name": placed["short_name"],
        "x": placed["product_space_x"],
        "y": placed["product_space_y"],
        "cluster_id": placed["cluster_id"],
        "cluster": placed["cluster"],
    }).reset_index(drop=True)
    raw = _read("hs92_ps_edges").astype(int)
    by_id = dict(zip(t["product_id"], prefix + t["code"], strict=True))
    edges = pd.DataFrame({"source": raw["source"].map(by_id), "target": raw["target"].map(by_id)})
    edges = edges.dropna().reset_index(drop=True)
    return nodes, edges


# -- countries -----------------------------------------------------------------------------------


#: Alpha-3 codes that ISO replaced for the same country, still written in older trade tables
#: (the shipped 1998-2000 table has ROM): named and grouped as the country they became.
LEGACY_CODES = {"ROM": "ROU", "ZAR": "COD", "TMP": "TLS"}


@lru_cache(maxsize=1)
def _country_reference() -> pd.DataFrame:
    import pycountry

    atlas = _read("country")
    m49 = _read("country_m49_codes")
    iso = country_table()
    iso = iso.assign(numeric=pd.to_numeric(iso["numeric"]).astype("Int64"))
    old = pd.DataFrame(
        [(c.alpha_3, getattr(c, "alpha_2", None), c.name, int(c.numeric)) for c in
         pycountry.historic_countries if getattr(c, "numeric", None)],
        columns=["alpha3", "alpha2", "name", "numeric"],
    ).drop_duplicates("alpha3").astype({"numeric": "Int64"})
    codes = pd.Index(pd.unique(pd.concat([iso["alpha3"], atlas["iso3_code"], m49["iso3"]])))
    codes = codes.append(pd.Index(old["alpha3"]).difference(codes))
    out = pd.DataFrame(index=codes)
    atlas_i = atlas.set_index("iso3_code")
    m49_i = m49.drop_duplicates("iso3").set_index("iso3")
    iso_i = iso.set_index("alpha3")
    old_i = old.set_index("alpha3")
    out["name"] = (atlas_i["name_short_en"].reindex(codes)
                   .fillna(m49_i["name_short_en"].reindex(codes))
                   .fillna(iso_i["name"].reindex(codes))
                   .fillna(old_i["name"].reindex(codes)))
    out["iso2"] = (iso_i["alpha2"].reindex(codes).fillna(atlas_i["iso2_code"].reindex(codes))
                   .fillna(old_i["alpha2"].reindex(codes)))
    atlas_m49 = pd.to_numeric(m49_i["m49_code"]).reindex(codes).astype("Int64")
    out["m49"] = (iso_i["numeric"].reindex(codes).fillna(atlas_m49)
                  .fillna(old_i["numeric"].reindex(codes)).astype("Int64"))
    out["atlas_id"] = pd.to_numeric(atlas_i["country_id"]).reindex(codes).astype("Int64")
    out["iso3"] = out.index
    out["listed"] = ~out.index.isin(old["alpha3"]) | out.index.isin(m49["iso3"])
    legacy = out.loc[list(LEGACY_CODES.values())].set_axis(list(LEGACY_CODES), axis=0)
    legacy["listed"] = False
    out = pd.concat([out.drop(index=list(LEGACY_CODES), errors="ignore"), legacy])
    out = out.rename_axis("code").reset_index().sort_values("code", ignore_index=True)
    return out[["code", "name", "iso2", "iso3", "m49", "atlas_id", "listed"]]


def country_reference() -> pd.DataFrame:
    """Countries: ``code`` (ISO alpha-3 as Regions are keyed), ``name``, ``iso2``, ``iso3``,
    ``m49`` and the Atlas ``atlas_id``; ISO 3166-1, Kosovo ``XKX``, the former countries and
    pseudo-codes the Atlas lists (``SUN``, ``YUG``, ``ANS`` "Undeclared" ...), the rest of
    ISO 3166-3 (pycountry's historic countries), and the replaced codes of
    :data:`LEGACY_CODES` (``ROM`` is Romania, with ``iso3`` ``ROU``); ``listed`` is False for
    these last two kinds, which name codes found in data but are not written by default.

    >>> t = country_reference().set_index("code")
    >>> t.loc[["DEU", "KOR", "SUN"], ["name", "iso2", "m49"]].values.tolist()
    [['Germany', 'DE', 276], ['South Korea', 'KR', 410], ['Soviet Union', 'SU', 810]]
    """
    return _country_reference().copy()


@lru_cache(maxsize=1)
def _country_groups() -> tuple[pd.DataFrame, pd.DataFrame]:
    groups = _read("group")
    members = _read("group_member")
    m49 = _read("group_m49_codes")
    gid = groups["group_id"].astype(int)
    kind, name = groups["group_type"], groups["group_name"]
    code = pd.Series(None, index=groups.index, dtype=object)
    level = pd.Series(None, index=groups.index, dtype=object)

    continent = (kind == "continent") & (name != "Other")
    code[continent] = name[continent].str.upper().str.replace(" ", "_")
    level[continent] = "continent"

    un_codes = {(r.group_name, r.level): int(r.m49_code) for r in m49.itertuples()}
    for atlas_kind, lv in (("region", "un_region"), ("subregion", "un_subregion")):
        mask = kind == atlas_kind
        number = pd.Series([un_codes.get((n, atlas_kind)) for n in name[mask]],
                           index=name[mask].index, dtype="Int64")
        ok = number.notna()
        code[ok[ok].index] = "M49_" + number[ok].map("{:03d}".format)
        level[ok[ok].index] = lv

    n_eu = int((members["group_name"] == "European Union").sum())
    eu = (kind == "political") & (name == "European Union")
    code[eu] = f"EU{n_eu}"
    level[eu] = "country_group"
    named = kind.isin(["political", "trade"]) & name.isin(list(_NAMED_GROUPS))
    code[named] = name[named].map(_NAMED_GROUPS)
    level[named] = "country_group"
    wb = kind == "wdi_region"
    code[wb] = name[wb].map(_WB_REGIONS)
    level[wb] = "wb_region"

    table = pd.DataFrame({"group_id": gid, "code": code, "name": name, "level": level})
    parent_id = pd.to_numeric(groups["parent_id"]).astype("Int64")
    by_id = dict(zip(gid, code, strict=True))
    table["parent"] = parent_id.map(by_id).astype(object)
    table = table[table["code"].notna()].reset_index(drop=True)
    table["parent"] = table["parent"].where(table["parent"].notna(), None)

    ids = _read("country")[["country_id", "iso3_code"]]
    member = members.merge(ids, on="country_id").merge(
        table[["group_id", "code"]].assign(group_id=lambda t: t["group_id"].astype(str)),
        on="group_id",
    )
    member = pd.DataFrame({"country": member["iso3_code"], "group": member["code"]})
    legacy = pd.DataFrame({"country": list(LEGACY_CODES), "now": list(LEGACY_CODES.values())})
    legacy = legacy.merge(member, left_on="now", right_on="country", suffixes=("", "_now"))
    member = pd.concat([member, legacy[["country", "group"]]], ignore_index=True)
    member = member.drop_duplicates().sort_values(["country", "group"], ignore_index=True)
    return table.drop(columns="group_id"), member


def country_groups() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Country groups and memberships (see the module docstring for the codes).

    Returns ``groups`` (``code, name, level, parent``: a UN subregion's UN region) and
    ``members`` (``country`` alpha-3, ``group`` code).

    >>> groups, members = country_groups()
    >>> sorted(members.loc[members["country"] == "DEU", "group"])
    ['EU27', 'EUROPE', 'G7', 'M49_150', 'M49_155', 'WB_ECS']
    """
    groups, members = _country_groups()
    return groups.copy(), members.copy()


# -- writing -------------------------------------------------------------------------------------


@dataclass
class ClassificationWrite:
    """What a write of reference names did: nodes and ``PART_OF`` links written, how many of
    the given codes the reference knows, and the codes it does not know."""

    what: str
    related: str = "ancestors"
    nodes: int = 0
    links: int = 0
    named: int = 0
    unknown: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the user, naming up to ten unknown codes."""
        text = (f"{self.what}: named {self.named:,} code(s); {self.nodes:,} node(s) with their "
                f"{self.related}, {self.links:,} PART_OF")
        if self.unknown:
            shown = ", ".join(self.unknown[:10]) + (" ..." if len(self.unknown) > 10 else "")
            text += f"; {len(self.unknown):,} code(s) it does not know, left unnamed: {shown}"
        return text


def _upsert_present(store: Store, label: str, rows: pd.DataFrame, key: str = "code") -> None:
    """Upsert ``rows`` writing each property only where it has a value (a missing value must
    not remove a stored one): one upsert per pattern of present columns."""
    props = [c for c in rows.columns if c != key]
    if rows.empty:
        return
    present = rows[props].notna().to_numpy()
    patterns, inverse = np.unique(present, axis=0, return_inverse=True)
    for i, pattern in enumerate(patterns):
        cols = [key, *[c for c, keep in zip(props, pattern, strict=True) if keep]]
        store.upsert_nodes(label, rows.loc[np.asarray(inverse).ravel() == i, cols])


def _check_stored_classification(store: Store, codes: list[str], classification: str,
                                 path: str | Path) -> None:
    clash = store.run(
        "MATCH (p:Product) WHERE p.code IN $codes AND p.classification IS NOT NULL "
        "AND p.classification <> $classification "
        "RETURN p.code AS code, p.classification AS classification ORDER BY code LIMIT 3",
        {"codes": codes, "classification": classification},
    )
    if not clash.empty:
        first = clash.iloc[0]
        where = f"{path}: " if str(path) else ""
        raise LoaderError(
            f"{where}product code {first['code']} is already in the graph as "
            f"{first['classification']}, and these codes are {classification}; load them with "
            f"--code-prefix {product_classification(classification) or classification}: to "
            "keep the two classifications apart"
        )


def write_product_classification(
    store: Store,
    codes,
    classification: str,
    *,
    prefix: str = "",
    path: str | Path = "",
) -> ClassificationWrite:
    """Name Product nodes and link them to their ancestors (``PART_OF`` up to the sector).

    ``codes`` are Product codes as stored (with ``prefix``), or None for every code of the
    classification. Sets ``name``, ``short_name``, ``level``, ``classification`` and the
    Atlas properties of the codes the reference knows (see the module docstring) and creates
    their ancestors, with the same prefix and properties. ``classification`` is recorded as
    given (``H4`` stays ``H4``, as the trade loader records it) and chooses the reference table
    (:func:`product_classification`). Codes the reference does not know are counted and listed
    in the result, not written. Refuses, before writing anything, codes (or ancestors) stored
    under another classification. Idempotent.

    >>> from smartspec.graph_models.embedded_store import EmbeddedStore
    >>> import tempfile, os
    >>> store = EmbeddedStore(os.path.join(tempfile.mkdtemp(), "g.kgl"))
    >>> print(write_product_classification(store, ["0101", "0000"], "HS92").summary())
    HS92: named 1 code(s); 3 node(s) with their ancestors, 2 PART_OF; 1 code(s) it does \
not know, left unnamed: 0000
    """
    canonical = _resolve(classification)
    recorded = str(classification).strip()
    ref = _product_table(canonical)
    if codes is None:
        given = pd.Series(prefix + ref["code"], dtype=object)
    else:
        given = pd.Series(pd.unique(pd.Series(list(codes), dtype=object).dropna().astype(str)),
                          dtype=object)
    has_prefix = given.str.startswith(prefix) if prefix else pd.Series(True, index=given.index)
    plain = given.where(~has_prefix, given.str.slice(len(prefix)))
    known = has_prefix & plain.isin(ref["code"])
    result = ClassificationWrite(recorded, named=int(known.sum()),
                                 unknown=sorted(given[~known].tolist()))
    # the codes and all their ancestors: one merge per level, never more than four
    by_code = ref.set_index("code")
    wanted = set(plain[known])
    frontier = wanted
    while frontier:
        parents = set(by_code.loc[sorted(frontier), "parent"].dropna()) - wanted
        wanted |= parents
        frontier = parents
    if not wanted:
        return result
    nodes = ref[ref["code"].isin(wanted)].drop(columns="product_id").reset_index(drop=True)
    links = nodes.loc[nodes["parent"].notna(), ["code", "parent"]]
    links = pd.DataFrame({"start": prefix + links["code"], "end": prefix + links["parent"]})
    nodes = nodes.drop(columns="parent").assign(code=prefix + nodes["code"],
                                                classification=recorded)
    _check_stored_classification(store, nodes["code"].tolist(), recorded, path)
    _upsert_present(store, "Product", nodes)
    if not links.empty:
        result.links = store.upsert_relationships("PART_OF", links, start="Product",
                                                  end="Product")
    result.nodes = len(nodes)
    return result


def write_countries(store: Store, codes=None) -> ClassificationWrite:
    """Name country Regions and link them to their groups (``PART_OF``).

    ``codes`` are country Region codes (ISO alpha-3), or None for every ``listed`` country of
    :func:`country_reference` (ISO 3166-1 and the Atlas's countries and former countries).
    Known codes get ``level`` 'country', ``name``, ``iso2``, ``iso3``, ``m49`` and ``PART_OF``
    links to their groups, which are written with ``name`` and ``level`` (and UN subregions
    ``PART_OF`` their UN region); see the module docstring.
    Codes the reference does not know (``WLD``, ``EU2``) are counted and listed, not written.
    Idempotent.
    """
    ref = _country_reference()
    if codes is None:
        given = pd.Series(ref.loc[ref["listed"], "code"], dtype=object)
    else:
        given = pd.Series(pd.unique(pd.Series(list(codes), dtype=object).dropna().astype(str)),
                          dtype=object)
    known = given.isin(ref["code"])
    result = ClassificationWrite("countries", "groups", named=int(known.sum()),
                                 unknown=sorted(given[~known].tolist()))
    countries = ref[ref["code"].isin(given[known])].drop(columns=["atlas_id", "listed"])
    if countries.empty:
        return result
    groups, members = _country_groups()
    members = members[members["country"].isin(countries["code"])]
    used = set(members["group"])
    used |= set(groups.loc[groups["code"].isin(used), "parent"].dropna())
    groups = groups[groups["code"].isin(used)]
    _upsert_present(store, "Region", countries.assign(level="country"))
    _upsert_present(store, "Region", groups[["code", "name", "level"]])
    links = pd.concat([
        members.rename(columns={"country": "start", "group": "end"}),
        groups.loc[groups["parent"].notna(), ["code", "parent"]].set_axis(["start", "end"],
                                                                          axis=1),
    ], ignore_index=True)
    if not links.empty:
        result.links = store.upsert_relationships("PART_OF", links, start="Region", end="Region")
    result.nodes = len(countries) + len(groups)
    return result


def write_trade_references(store: Store, table, *, level: str = "country") -> dict[str, int]:
    """Reference names for a trade table (:class:`smartspec.loaders.trade.TradeTable`).

    Products are named when the table's classification is one of
    :data:`PRODUCT_CLASSIFICATIONS` (any spelling :func:`product_classification` accepts),
    countries when ``level`` is 'country'. The product codes' prefix is the table's
    ``code_prefix`` if it records one, else the ``XYZ:`` prefix all its codes share. What the
    references do not know is said in ``table.notes`` (once, however often the table is
    written). Returns counts: ``products_named``, ``product_nodes`` (with ancestors),
    ``regions_named``, ``region_groups``; a classification without a reference table (e.g.
    ``HS``) writes no names and no counts.
    """
    out: dict[str, int] = {}
    reports = []
    if product_classification(table.classification):
        codes = pd.Series(pd.unique(table.data["product"]), dtype=object)
        prefix = getattr(table, "code_prefix", None)
        if prefix is None:
            found = pd.unique(codes.str.extract(r"^(.*:)", expand=False).fillna(""))
            prefix = str(found[0]) if len(found) == 1 else ""
        done = write_product_classification(store, codes, table.classification,
                                            prefix=prefix, path=table.path)
        out.update(products_named=done.named, product_nodes=done.nodes)
        reports.append(done)
    if level == "country":
        done = write_countries(store, pd.unique(table.data["region"]))
        out.update(regions_named=done.named, region_groups=done.nodes - done.named)
        reports.append(done)
    for done in reports:
        if done.summary() not in table.notes:
            table.notes.append(done.summary())
    return out
