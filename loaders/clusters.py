"""Cluster loader: cluster membership and cluster attributes.

Layouts (recognised from the header)
------------------------------------
``membership``
    ``organisation, cluster`` and optionally ``since`` (year of joining), ``cluster_name``,
    ``organisation_name``, ``type``, ``country``, ``city``: one row per member and cluster.
``attributes``
    ``cluster`` and at least one of ``name``, ``region``, ``specialisation``: one row per
    cluster. ``region`` is a country (ISO alpha-2 or alpha-3, normalised to alpha-3), a NUTS code
    (``DE21``: level by length, nuts1 to nuts3) or a city Region code (``DEU-MUNICH``, as the
    collaboration loader writes them); ``specialisation`` holds activity codes separated by ``;``
    or ``|`` (their label is ``activity``: Industry, Technology or Product).

Rules: organisation and cluster ids are text; members unknown to the store are created with
``type='other'`` unless the file has a ``type`` column (mapped as in the collaboration loader);
an empty or non-integer ``since`` refuses the file (an empty one is allowed: unknown); one
organisation listed twice for one cluster refuses the file unless ``duplicates="merge"`` (the
earliest ``since`` is kept); a cluster listed twice in an attributes file refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..graph_models.store import Store
from ._io import LoaderError, read_table, require_codes, require_columns
from .collaborations import _countries, map_types, place_organisations, upsert_organisations
from .countries import to_alpha3
from .localities import city_localities, nuts_chain

__all__ = ["ClusterTable", "read_clusters", "write_clusters", "region_level"]

_ACTIVITIES = ("Industry", "Technology", "Product")


@dataclass
class ClusterTable:
    """A validated cluster file: ``clusters (id, name, region, level)``, ``memberships
    (organisation, cluster, since)``, ``specialisations (cluster, code)`` and the member
    ``organisations`` it names."""

    clusters: pd.DataFrame
    memberships: pd.DataFrame
    specialisations: pd.DataFrame
    organisations: pd.DataFrame
    path: Path
    layout: str
    activity: str
    notes: list[str] = field(default_factory=list)


def region_level(codes: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Normalised Region codes and levels for cluster regions (see the module docstring).

    >>> c, lv = region_level(pd.Series(["de", "DE21", "DEU-MUNICH", "FRA"]))
    >>> c.tolist(), lv.tolist()
    (['DEU', 'DE21', 'DEU-MUNICH', 'FRA'], ['country', 'nuts2', 'city', 'country'])
    """
    text = codes.str.strip().str.upper()
    letters = text.str.fullmatch(r"[A-Z]{2,3}").fillna(False)
    alpha3 = to_alpha3(text.where(letters))
    nuts = text.str.fullmatch(r"[A-Z]{2}[0-9A-Z]{1,3}").fillna(False) & ~letters
    level = pd.Series(np.where(nuts, "nuts" + (text.str.len() - 2).astype(str), "city"),
                      index=text.index)
    level = level.where(~letters, "country")
    code = text.where(~letters, alpha3)
    # a city as <country>-<name>: one code per city however it is spelt (DEU-MÜNCHEN -> DEU-MUNICH)
    parts = text.str.extract(r"^([A-Z]{3})-(.+)$")
    city = parts[0].notna() & (level == "city")
    if city.any():
        codes_, _ = city_localities(parts.loc[city, 0], parts.loc[city, 1])
        code = code.where(~city, codes_.reindex(code.index))
    return code, level.where(code.notna())


def read_clusters(
    path: str | Path,
    *,
    activity: str = "Industry",
    duplicates: str = "reject",
    unknown_types: str = "error",
    encoding: str = "utf-8",
    sep: str | None = None,
) -> ClusterTable:
    """Read and validate a cluster membership or attributes file; nothing is written.

    Parameters
    ----------
    path : path-like
        CSV (``,`` ``;`` or tab separated), optionally gzip-compressed.
    activity : {"Industry", "Technology", "Product"}
        Label of the specialisation codes of an attributes file.
    duplicates : {"reject", "merge"}
        An organisation listed twice for a cluster: refuse the file, or keep the earliest since.
    unknown_types : {"error", "other"}
        As in :func:`smartspec.loaders.collaborations.read_collaborations`.
    encoding : str
        Text encoding.
    sep : str, optional
        Field separator; sniffed from the header when omitted.
    """
    path = Path(path)
    if activity not in _ACTIVITIES:
        raise LoaderError(f"activity must be one of {', '.join(_ACTIVITIES)}; got {activity!r}")
    if duplicates not in ("reject", "merge"):
        raise LoaderError(f"duplicates must be reject or merge; got {duplicates!r}")
    raw = read_table(path, encoding=encoding, sep=sep)
    cols = set(raw.columns)
    empty_orgs = pd.DataFrame(columns=["id", "name", "type", "country", "city"])
    notes: list[str] = []
    if {"organisation", "cluster"} <= cols:
        layout = "membership"
        members = pd.DataFrame(
            {
                "organisation": require_codes(raw, "organisation", path=path),
                "cluster": require_codes(raw, "cluster", path=path),
                "since": _since(raw, path),
            }
        )
        key = ["organisation", "cluster"]
        dup = members.duplicated(key, keep=False).to_numpy()
        if dup.any():
            if duplicates != "merge":
                first = members[dup].sort_values(key).head(2)
                raise LoaderError(
                    f"{path}: {int(members.duplicated(key).sum())} duplicate (organisation, "
                    f"cluster) row(s), e.g. ({first.iloc[0]['organisation']}, "
                    f"{first.iloc[0]['cluster']}) at lines "
                    f"{', '.join(str(i + 2) for i in first.index)}; pass --duplicates merge to "
                    "keep the earliest since"
                )
            members = members.groupby(key, as_index=False, sort=False)["since"].min()
            notes.append(f"merged {int(dup.sum())} duplicate membership row(s)")
        orgs = pd.DataFrame({"id": require_codes(raw, "organisation", path=path)})
        orgs["name"] = raw["organisation_name"].str.strip() if "organisation_name" in cols else (
            pd.NA
        )
        if "type" in cols:
            orgs["type_code"] = raw["type"].str.strip()
            orgs["type"] = map_types(raw["type"], path=path, column="type", unknown=unknown_types)
            orgs["_typed"] = raw["type"].notna().to_numpy()
        else:
            orgs["type"] = "other"
            orgs["_typed"] = False
        orgs["country"] = (
            _countries(raw["country"], path=path, column="country", missing="unlocated")
            if "country" in cols
            else pd.NA
        )
        orgs["city"] = raw["city"].str.strip() if "city" in cols else pd.NA
        orgs = orgs.drop_duplicates("id").reset_index(drop=True)
        clusters = pd.DataFrame({"id": pd.unique(members["cluster"])})
        if "cluster_name" in cols:
            names = raw.assign(_c=members["cluster"]).drop_duplicates("_c").set_index("_c")
            clusters["name"] = clusters["id"].map(names["cluster_name"].str.strip())
        specs = pd.DataFrame(columns=["cluster", "code"])
    elif "cluster" in cols and cols & {"name", "region", "specialisation"}:
        layout = "attributes"
        ids = require_codes(raw, "cluster", path=path)
        dup = ids.duplicated(keep=False).to_numpy()
        if dup.any():
            raise LoaderError(
                f"{path}: cluster {ids[dup].iloc[0]!r} is listed more than once (lines "
                f"{', '.join(str(i + 2) for i in np.flatnonzero(dup)[:5])}); an attributes "
                "file has one row per cluster"
            )
        clusters = pd.DataFrame({"id": ids})
        if "name" in cols:
            clusters["name"] = raw["name"].str.strip()
        if "region" in cols:
            code, level = region_level(raw["region"])
            given = raw["region"].notna().to_numpy() & (raw["region"].str.strip() != "").to_numpy()
            bad = given & code.isna().to_numpy()
            if bad.any():
                raise LoaderError(
                    f"{path}: column 'region' has {int(bad.sum())} code(s) that are neither an "
                    f"ISO country nor a NUTS or city code at line(s) "
                    f"{', '.join(str(i + 2) for i in np.flatnonzero(bad)[:5])} "
                    f"(e.g. {raw['region'][bad].iloc[0]!r})"
                )
            clusters["region"], clusters["level"] = code, level
        if "specialisation" in cols:
            long = raw["specialisation"].str.split(r"[;|]").explode().str.strip()
            long = long[long.notna() & (long != "")]
            specs = pd.DataFrame({"cluster": ids.loc[long.index].to_numpy(), "code": long})
            specs = specs.drop_duplicates().reset_index(drop=True)
        else:
            specs = pd.DataFrame(columns=["cluster", "code"])
        members = pd.DataFrame(columns=["organisation", "cluster", "since"])
        orgs = empty_orgs
    else:
        require_columns(raw, ["cluster"], path=path)
        raise LoaderError(
            f"{path}: neither a membership file (organisation, cluster[, since]) nor an "
            f"attributes file (cluster and name / region / specialisation); found: "
            f"{', '.join(raw.columns)}"
        )
    return ClusterTable(
        clusters=clusters,
        memberships=members,
        specialisations=specs,
        organisations=orgs,
        path=path,
        layout=layout,
        activity=activity,
        notes=notes,
    )


def _since(raw: pd.DataFrame, path) -> pd.Series:
    if "since" not in raw.columns:
        return pd.Series(pd.NA, index=raw.index, dtype="Int64")
    text = raw["since"].str.strip()
    years = pd.to_numeric(text, errors="coerce")
    bad = (text.notna() & (text != "") & (years.isna() | (years != np.round(years)))).to_numpy()
    if bad.any():
        raise LoaderError(
            f"{path}: column 'since' has {int(bad.sum())} value(s) that are not a year at "
            f"line(s) {', '.join(str(i + 2) for i in np.flatnonzero(bad)[:5])} "
            f"(e.g. {raw['since'][bad].iloc[0]!r})"
        )
    return years.astype("Int64")


def write_clusters(store: Store, table: ClusterTable) -> dict[str, int]:
    """Write a validated cluster table; idempotent (everything merges on its keys).

    Cluster nodes; for membership files Organisation nodes (new ones only typed 'other' when the
    file has no type), their ``LOCATED_IN`` when the file names a country, and ``MEMBER_OF
    {since}``; for attributes files the cluster's ``LOCATED_IN`` Region and ``SPECIALISES_IN``
    activity nodes (created with their code when new). Returns the counts written.
    """
    store.create_schema()
    counts = {"clusters": 0, "members": 0, "specialisations": 0}
    cols = [c for c in ("id", "name") if c in table.clusters.columns]
    store.upsert_nodes("Cluster", table.clusters[cols])
    counts["clusters"] = len(table.clusters)
    if len(table.memberships):
        orgs = table.organisations
        upsert_organisations(store, orgs)
        if orgs["country"].notna().any():
            place_organisations(store, orgs)
        rows = table.memberships.rename(columns={"organisation": "start", "cluster": "end"})
        store.upsert_relationships("MEMBER_OF", rows, start="Organisation", end="Cluster")
        counts["members"] = len(rows)
    if "region" in table.clusters.columns:
        located = table.clusters.dropna(subset=["region"])
        regions = pd.DataFrame({"code": located["region"], "level": located["level"]})
        store.upsert_nodes("Region", regions.drop_duplicates("code"))
        nuts = located.loc[located["level"].str.startswith("nuts"), "region"]
        if len(nuts):  # NUTS regions PART_OF their parents up to the country
            chain, part_of = nuts_chain(nuts)
            above = chain[~chain["code"].isin(set(nuts))]
            if len(above):
                store.upsert_nodes("Region", above)
            countries = pd.DataFrame({"code": sorted(set(part_of["end"]) - set(chain["code"]))})
            store.upsert_nodes("Region", countries.assign(level="country"))
            store.upsert_relationships("PART_OF", part_of, start="Region", end="Region")
        store.upsert_relationships(
            "LOCATED_IN",
            pd.DataFrame({"start": located["id"], "end": located["region"]}),
            start="Cluster",
            end="Region",
        )
    if len(table.specialisations):
        codes = pd.DataFrame({"code": pd.unique(table.specialisations["code"])})
        store.upsert_nodes(table.activity, codes)
        rows = table.specialisations.rename(columns={"cluster": "start", "code": "end"})
        store.upsert_relationships("SPECIALISES_IN", rows, start="Cluster", end=table.activity)
        counts["specialisations"] = len(rows)
    return counts
