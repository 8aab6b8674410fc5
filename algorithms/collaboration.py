"""Collaboration networks: local buzz and global pipelines, brokerage and partner selection.

Pure functions on tables (ALGORITHMS.md section 5). The vocabulary:

``ties``
    Undirected collaboration ties, one row per pair and year: ``source, target, year`` and
    optionally ``projects`` (joint projects that year, default 1) and ``known_before`` (a
    reported flag that overrides the "earlier joint project" rule). :func:`project_ties` builds it
    from participations.
``actors``
    One row per actor: ``actor, type, country`` and optionally ``city`` (any locality code below
    the country, e.g. ``DEU-MUNICH``), ``latitude, longitude``. Missing countries are allowed.
``membership``
    Which actors form each actor set: ``actor, actor_set`` (a cluster, city, country or
    organisation type; an actor may belong to several sets). :func:`actor_sets` builds the common
    ones from ``actors``.
``locality``
    ``"city"`` or ``"country"``: the place a tie is local to. A tie of a member is *local* when
    the partner is in the member's locality, *national* when in the same country but not shown
    to be in the same city (a missing city is never local), *international* when in another
    country, *unknown* when either country is missing (left out of the shares).

Periods: ``year`` is the period; :func:`assign_periods` bins years into longer periods first.
Every output keeps its keys (``actor_set, year`` or ``actor, year``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import ValidationError, check_choice, check_frame, check_int

__all__ = [
    "LOCALITIES",
    "TIE_KINDS",
    "ROLES",
    "EU_GROUPS",
    "project_ties",
    "collaboration_pairs",
    "assign_periods",
    "actor_sets",
    "member_ties",
    "tie_geography",
    "local_buzz",
    "global_pipelines",
    "gini",
    "brokerage_roles",
    "betweenness",
    "brokerage",
    "cosine_profiles",
    "cultural_proximity",
    "partner_selection",
    "collaboration_measures",
]

LOCALITIES = ("city", "country")
TIE_KINDS = ("local", "national", "international", "unknown")
#: Gould-Fernandez brokerage roles, in the order of their paper.
ROLES = ("coordinator", "consultant", "gatekeeper", "representative", "liaison")

_EU15 = "AUT BEL DEU DNK ESP FIN FRA GBR GRC IRL ITA LUX NLD PRT SWE"
_EU13 = "BGR CYP CZE EST HRV HUN LTU LVA MLT POL ROU SVK SVN"
_ASSOCIATED = "ALB ARM BIH CHE FRO GEO ISL ISR MDA MKD MNE NOR SRB TUN TUR UKR"
#: Default country groups for cultural proximity (alpha-3 -> group): the EU-15, the EU-13 that
#: joined from 2004, and the countries associated to Horizon 2020 (the grouping of the CORDIS
#: data). Other countries have no group: only the same country makes them culturally close.
EU_GROUPS: dict[str, str] = {
    **dict.fromkeys(_EU15.split(), "EU15"),
    **dict.fromkeys(_EU13.split(), "EU13"),
    **dict.fromkeys(_ASSOCIATED.split(), "H2020 associated"),
}


# -- building ties ---------------------------------------------------------------------------


def project_ties(
    participations: pd.DataFrame,
    *,
    actor: str = "actor",
    project: str = "project",
    year: str = "year",
) -> pd.DataFrame:
    """One-mode projection of participations: one row per pair of actors and year.

    Parameters
    ----------
    participations : DataFrame
        ``actor, project, year`` (names configurable); ``year`` is the project's year (its start)
        and may be missing. Repeated rows of an actor in a project count once.
    actor, project, year : str
        Column names.

    Returns
    -------
    DataFrame
        ``source, target, year, projects``: each unordered pair once (``source < target`` as
        text), ``year`` as ``Int64`` (missing for undated projects), ``projects`` the number of
        projects of that year the two share.

    Notes
    -----
    With the 0/1 incidence matrix ``B_y`` (actors x projects of year ``y``) the shared projects
    are the upper triangle of ``B_y B_y^T`` (scipy.sparse, one product per year); no Python loop
    runs over pairs.

    Examples
    --------
    Project p (2015) has a, b, c; project q (2016) has a, b.

    >>> df = pd.DataFrame({"actor": list("abcab"), "project": list("pppqq"),
    ...                    "year": [2015, 2015, 2015, 2016, 2016]})
    >>> project_ties(df).values.tolist()
    [['a', 'b', 2015, 1], ['a', 'b', 2016, 1], ['a', 'c', 2015, 1], ['b', 'c', 2015, 1]]
    """
    check_frame(participations, [actor, project, year], name="participations")
    codes, a = np.unique(participations[actor].astype(str).to_numpy(), return_inverse=True)
    _, p = np.unique(participations[project].astype(str).to_numpy(), return_inverse=True)
    years = pd.to_numeric(participations[year]).to_numpy(dtype="float64", na_value=np.nan)
    # a project's year is its first non-missing year
    proj_year = pd.Series(years).groupby(p).first().reindex(range(p.max() + 1)).to_numpy()
    b = sp.csr_matrix((np.ones(len(a)), (a, p)), shape=(len(codes), len(proj_year)))
    b.data[:] = 1.0
    b.sum_duplicates()
    b.data[:] = 1.0
    bc = b.tocsc()
    parts = []
    keys = np.where(np.isnan(proj_year), -1, proj_year).astype("int64")
    for y in np.unique(keys):
        cols = np.flatnonzero(keys == y)
        by = bc[:, cols]
        c = sp.triu(by @ by.T, k=1).tocoo()
        if c.nnz:
            parts.append((c.row, c.col, np.full(c.nnz, y), c.data))
    if not parts:
        return pd.DataFrame(
            {"source": [], "target": [], "year": pd.array([], "Int64"), "projects": []}
        )
    rows = np.concatenate([x[0] for x in parts])
    cols = np.concatenate([x[1] for x in parts])
    out = pd.DataFrame(
        {
            "source": codes[rows],
            "target": codes[cols],
            "year": pd.array(np.concatenate([x[2] for x in parts]), dtype="Int64"),
            "projects": np.concatenate([x[3] for x in parts]).astype("int64"),
        }
    )
    out.loc[out["year"] == -1, "year"] = pd.NA
    return out.sort_values(["source", "target", "year"], ignore_index=True)


def collaboration_pairs(ties: pd.DataFrame) -> pd.DataFrame:
    """Summary of pair-year ties: ``source, target, first_year, last_year, projects``.

    Undated ties count in ``projects`` only; a pair with only undated ties has missing years.

    >>> ties = pd.DataFrame({"source": ["a", "a"], "target": ["b", "b"],
    ...                      "year": [2015, 2017], "projects": [1, 2]})
    >>> collaboration_pairs(ties).values.tolist()
    [['a', 'b', 2015, 2017, 3]]
    """
    check_frame(ties, ["source", "target", "year"], name="ties")
    if "projects" not in ties.columns:
        ties = ties.assign(projects=1)
    out = ties.groupby(["source", "target"], as_index=False, sort=True).agg(
        first_year=("year", "min"), last_year=("year", "max"), projects=("projects", "sum")
    )
    for c in ("first_year", "last_year"):
        out[c] = out[c].astype("Int64")
    out["projects"] = out["projects"].astype("int64")
    return out


def assign_periods(ties: pd.DataFrame, length: int = 1, *, start: int | None = None):
    """Replace ``year`` by the first year of its period of ``length`` years.

    Periods start at ``start`` (default: the first year). Undated ties are dropped.

    >>> t = pd.DataFrame({"source": list("aaa"), "target": list("bcd"), "year": [2014, 2015, 2017]})
    >>> assign_periods(t, 2)["year"].tolist()
    [2014, 2014, 2016]
    """
    length = check_int(length, name="length", minimum=1)
    ties = ties[ties["year"].notna()].copy()
    years = ties["year"].astype("int64")
    if ties.empty:
        return ties
    first = int(years.min()) if start is None else int(start)
    ties["year"] = first + ((years - first) // length) * length
    return ties


def actor_sets(actors: pd.DataFrame, by: str) -> pd.DataFrame:
    """Membership table ``actor, actor_set`` grouping actors by ``country``, ``city`` or ``type``.

    >>> a = pd.DataFrame({"actor": ["x", "y"], "country": ["DEU", None], "type": ["firm"] * 2})
    >>> actor_sets(a, "country").values.tolist()
    [['x', 'DEU']]
    """
    check_choice(by, ("country", "city", "type"), name="by")
    check_frame(actors, ["actor", by], name="actors")
    out = actors[["actor", by]].dropna().rename(columns={by: "actor_set"})
    return out.reset_index(drop=True)


# -- the member-tie table everything else uses ------------------------------------------------


def _check_inputs(ties, actors, membership, locality):
    check_frame(ties, ["source", "target", "year"], name="ties")
    check_frame(actors, ["actor", "country"], name="actors")
    check_frame(membership, ["actor", "actor_set"], name="membership")
    check_choice(locality, LOCALITIES, name="locality")
    if locality == "city" and "city" not in actors.columns:
        raise ValidationError("locality 'city' needs a 'city' column in actors")
    if actors["actor"].duplicated().any():
        dup = actors.loc[actors["actor"].duplicated(), "actor"].head(3).tolist()
        raise ValidationError(f"actors must list each actor once; repeated: {dup}")
    self_ties = ties["source"] == ties["target"]
    if self_ties.any():
        raise ValidationError(
            f"ties has {int(self_ties.sum())} self-tie(s), e.g. {ties.loc[self_ties].iloc[0, 0]!r}"
        )


def _canonical(source: pd.Series, target: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Each unordered pair as (lower, higher): numerically for integer codes, else as text."""
    if pd.api.types.is_integer_dtype(source) and pd.api.types.is_integer_dtype(target):
        a, b = source.to_numpy(), target.to_numpy()
        return np.minimum(a, b), np.maximum(a, b)
    a, b = source.astype(str).to_numpy(), target.astype(str).to_numpy()
    swap = a > b
    return np.where(swap, b, a), np.where(swap, a, b)


def _period_ties(ties: pd.DataFrame) -> pd.DataFrame:
    """Dated ties, one row per unordered pair and period, with ``projects`` and ``new``."""
    t = ties[ties["year"].notna()]
    lo, hi = _canonical(t["source"], t["target"])
    t = pd.DataFrame(
        {
            "source": lo,
            "target": hi,
            "year": t["year"].astype("int64").to_numpy(),
            "projects": t["projects"].to_numpy() if "projects" in t.columns else 1,
        }
    )
    if "known_before" in ties.columns:
        known = ties.loc[ties["year"].notna(), "known_before"].astype("boolean")
        t["known_before"] = known.to_numpy()
    keys = ["source", "target"]
    agg = {"projects": ("projects", "sum")}
    if "known_before" in t.columns:
        agg["known_before"] = ("known_before", "first")
    out = t.groupby([*keys, "year"], as_index=False, sort=False).agg(**agg)
    first = out.groupby(keys, sort=False)["year"].transform("min").to_numpy()
    # InterSpiN: a tie is new when the pair had no earlier joint project (or reports so)
    new = out["year"].to_numpy() <= first
    if "known_before" in out.columns:
        known = out["known_before"].astype("boolean")
        new = np.where(known.isna().to_numpy(), new, ~known.fillna(False).to_numpy(dtype=bool))
        out = out.drop(columns="known_before")
    out["new"] = new
    return out


def member_ties(
    ties: pd.DataFrame,
    actors: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    locality: str = "city",
) -> pd.DataFrame:
    """Ties seen from each actor set: one row per set, member, partner and period.

    Parameters
    ----------
    ties, actors, membership, locality
        See the module docstring.

    Returns
    -------
    DataFrame
        ``actor_set, year, actor, partner, internal, kind, new, projects, partner_country``:
        ``actor`` is the member; a tie between two members of the set is one row with
        ``internal=True`` (``actor`` the lower id); ``kind`` is local / national / international
        / unknown relative to ``actor``; ``new`` says whether the pair first worked together in
        this period.

    Examples
    --------
    >>> actors = pd.DataFrame({"actor": list("abc"), "country": ["DEU", "DEU", "FRA"],
    ...                        "city": ["DEU-B", "DEU-M", "FRA-P"]})
    >>> ties = pd.DataFrame({"source": ["a", "a"], "target": ["b", "c"], "year": [2015, 2015]})
    >>> m = pd.DataFrame({"actor": ["a"], "actor_set": ["S"]})
    >>> member_ties(ties, actors, m)[["actor", "partner", "kind"]].values.tolist()
    [['a', 'b', 'national'], ['a', 'c', 'international']]
    """
    _check_inputs(ties, actors, membership, locality)
    pt = _period_ties(ties)
    mem = membership[["actor", "actor_set"]].drop_duplicates()
    set_codes, set_names = pd.factorize(mem["actor_set"])
    # membership keys as one int64: actor position x n_sets + set code
    ids = pd.Index(
        pd.unique(pd.concat([pt["source"], pt["target"], mem["actor"]], ignore_index=True))
    )
    n_sets = max(len(set_names), 1)
    mem_actor = ids.get_indexer(mem["actor"])
    mem_keys = np.unique(mem_actor.astype("int64") * n_sets + set_codes)
    src = ids.get_indexer(pt["source"]).astype("int64")
    tgt = ids.get_indexer(pt["target"]).astype("int64")
    by_actor = pd.DataFrame({"_a": mem_actor, "_set": set_codes})
    left = pd.DataFrame({"_a": src, "_row": np.arange(len(pt))}).merge(by_actor, on="_a")
    right = pd.DataFrame({"_a": tgt, "_row": np.arange(len(pt))}).merge(by_actor, on="_a")
    l_set, l_row = left["_set"].to_numpy(), left["_row"].to_numpy()
    r_set, r_row = right["_set"].to_numpy(), right["_row"].to_numpy()
    internal = np.isin(tgt[l_row] * n_sets + l_set, mem_keys)
    keep_r = ~np.isin(src[r_row] * n_sets + r_set, mem_keys)
    r_set, r_row = r_set[keep_r], r_row[keep_r]
    rows = np.concatenate([l_row, r_row])
    actor = np.concatenate([pt["source"].to_numpy()[l_row], pt["target"].to_numpy()[r_row]])
    partner = np.concatenate([pt["target"].to_numpy()[l_row], pt["source"].to_numpy()[r_row]])
    out = pd.DataFrame(
        {
            "_set": np.concatenate([l_set, r_set]),
            "year": pt["year"].to_numpy()[rows],
            "actor": actor,
            "partner": partner,
            "internal": np.concatenate([internal, np.zeros(len(r_row), dtype=bool)]),
            "new": pt["new"].to_numpy()[rows],
            "projects": pt["projects"].to_numpy()[rows],
        }
    )
    place = actors.drop_duplicates("actor").set_index("actor")
    a_pos = place.index.get_indexer(out["actor"])
    p_pos = place.index.get_indexer(out["partner"])
    country = np.append(place["country"].astype("object").to_numpy(), None)
    a_country, p_country = country[a_pos], country[p_pos]  # -1 -> the trailing None
    a_na, p_na = pd.isna(a_country), pd.isna(p_country)
    same_country = ~a_na & ~p_na & (a_country == p_country)
    kind = np.where(a_na | p_na, "unknown", "international").astype(object)
    if locality == "country":
        kind[same_country] = "local"
    else:
        city = np.append(place["city"].astype("object").to_numpy(), None)
        a_city, p_city = city[a_pos], city[p_pos]
        same_city = ~pd.isna(a_city) & ~pd.isna(p_city) & (a_city == p_city)
        kind[same_country] = np.where(same_city[same_country], "local", "national")
    out["kind"] = kind
    out["partner_country"] = p_country
    out["_order"] = ids.get_indexer(out["actor"])
    out["_order2"] = ids.get_indexer(out["partner"])
    order = np.lexsort(
        (
            out["_order2"].to_numpy(),
            out["_order"].to_numpy(),
            out["year"].to_numpy(),
            out["_set"].to_numpy(),
        )
    )
    out = out.iloc[order].reset_index(drop=True)
    out.insert(0, "actor_set", set_names.take(out["_set"].to_numpy()))
    cols = [
        "actor_set",
        "year",
        "actor",
        "partner",
        "internal",
        "kind",
        "new",
        "projects",
        "partner_country",
    ]
    return out[cols]


def _counts_by_kind(mt: pd.DataFrame, prefix: str = "") -> pd.DataFrame:
    counts = (
        mt.groupby(["actor_set", "year", "kind"])
        .size()
        .unstack("kind", fill_value=0)
        .reindex(columns=list(TIE_KINDS), fill_value=0)
    )
    counts.columns = [f"{prefix}{k}_ties" for k in counts.columns]
    return counts


def _shannon(counts: pd.Series) -> float:
    p = counts.to_numpy(dtype=float)
    p = p[p > 0] / p.sum() if p.sum() > 0 else p[:0]
    return float(-(p * np.log(p)).sum()) if len(p) else 0.0


_BANDS = (0.0, 50.0, 250.0, 1000.0, np.inf)


def tie_geography(
    ties: pd.DataFrame,
    actors: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    locality: str = "city",
    member_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Where the ties of an actor set go: local, national, international; E-I; partner countries.

    Parameters
    ----------
    ties, actors, membership, locality
        See the module docstring.
    member_table : DataFrame, optional
        The result of :func:`member_ties` when already computed.

    Returns
    -------
    DataFrame
        Per ``actor_set, year``: ``ties`` (distinct member-partner pairs), ``local_ties``,
        ``national_ties``, ``international_ties``, ``unknown_ties``, their ``*_share`` among
        the ties of known geography, ``ei_index``, ``membership_ei_index``,
        ``partner_countries`` and ``partner_country_diversity``; with coordinates in
        ``actors`` (``latitude, longitude``) also ``ties_0_50km`` ... ``ties_1000km_plus``.

    Notes
    -----
    E-I index (Krackhardt & Stern 1988) with the locality as the group:
    ``EI = (E - I) / (E + I)``, ``I`` the local ties, ``E`` the national and international ones
    (-1: all ties local, +1: none). ``membership_ei_index`` uses the set itself as the group
    (``I`` the ties between members). Partner countries count the foreign countries reached by
    international ties; their diversity is the Shannon entropy ``H = -sum_c p_c ln p_c`` of the
    international ties' shares by partner country (0 when all go to one country). Distances are
    great-circle (haversine, 6,371 km Earth radius) in bands 0-50, 50-250, 250-1,000 and over
    1,000 km, between ties whose two ends have coordinates.

    References
    ----------
    .. [1] Krackhardt, D., Stern, R. N. (1988). Informal networks and organizational crises: an
       experimental simulation. Social Psychology Quarterly 51(2), 123-140.
    .. [2] Bathelt, H., Malmberg, A., Maskell, P. (2004). Clusters and knowledge: local buzz,
       global pipelines and the process of knowledge creation. Progress in Human Geography
       28(1), 31-56.

    Examples
    --------
    Member a (Berlin) has ties to b (Berlin), c (Munich) and d (Paris):

    >>> actors = pd.DataFrame({"actor": list("abcd"), "country": ["DEU"] * 3 + ["FRA"],
    ...                        "city": ["B", "B", "M", "P"]})
    >>> ties = pd.DataFrame({"source": ["a"] * 3, "target": list("bcd"), "year": [2015] * 3})
    >>> g = tie_geography(ties, actors, pd.DataFrame({"actor": ["a"], "actor_set": ["S"]}))
    >>> g[["local_ties", "national_ties", "international_ties", "ei_index"]].values.tolist()
    [[1.0, 1.0, 1.0, 0.3333333333333333]]
    """
    mt = (
        member_ties(ties, actors, membership, locality=locality)
        if member_table is None
        else (member_table)
    )
    if mt.empty:
        return pd.DataFrame(columns=["actor_set", "year", "ties"])
    out = _counts_by_kind(mt)
    out.insert(0, "ties", out.sum(axis=1))
    known = out["ties"] - out["unknown_ties"]
    with np.errstate(divide="ignore", invalid="ignore"):
        for k in TIE_KINDS[:3]:
            out[f"{k}_share"] = out[f"{k}_ties"] / known.where(known > 0)
        local = out["local_ties"]
        out["ei_index"] = (known - 2 * local) / known.where(known > 0)
    internal = mt.groupby(["actor_set", "year"])["internal"].sum()
    total = mt.groupby(["actor_set", "year"]).size()
    out["membership_ei_index"] = (total - 2 * internal) / total
    intl = mt[mt["kind"] == "international"]
    by_country = intl.groupby(["actor_set", "year", "partner_country"]).size()
    out["partner_countries"] = by_country.groupby(["actor_set", "year"]).size()
    out["partner_country_diversity"] = by_country.groupby(["actor_set", "year"]).agg(_shannon)
    out[["partner_countries", "partner_country_diversity"]] = out[
        ["partner_countries", "partner_country_diversity"]
    ].fillna(0)
    out["partner_countries"] = out["partner_countries"].astype("int64")
    if {"latitude", "longitude"} <= set(actors.columns):
        out = out.join(_distance_bands(mt, actors))
    return out.reset_index()


def _distance_bands(mt: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    place = actors.set_index("actor")
    lat1 = np.radians(mt["actor"].map(place["latitude"]).astype(float).to_numpy())
    lon1 = np.radians(mt["actor"].map(place["longitude"]).astype(float).to_numpy())
    lat2 = np.radians(mt["partner"].map(place["latitude"]).astype(float).to_numpy())
    lon2 = np.radians(mt["partner"].map(place["longitude"]).astype(float).to_numpy())
    h = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    km = 2 * 6371.0 * np.arcsin(np.sqrt(np.clip(h, 0, 1)))
    names = ["ties_0_50km", "ties_50_250km", "ties_250_1000km", "ties_1000km_plus"]
    band = pd.cut(pd.Series(km), list(_BANDS), right=False, labels=names)
    frame = mt[["actor_set", "year"]].assign(band=band.to_numpy())
    frame = frame[frame["band"].notna()]
    counts = frame.groupby(["actor_set", "year", "band"], observed=False).size()
    return counts.unstack("band", fill_value=0).reindex(columns=names, fill_value=0)


# -- local buzz ------------------------------------------------------------------------------


def local_buzz(
    ties: pd.DataFrame,
    actors: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    locality: str = "city",
    member_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Structure of the network inside an actor set: density, clustering, components, degree.

    Parameters
    ----------
    ties, actors, membership, locality, member_table
        See :func:`tie_geography`.

    Returns
    -------
    DataFrame
        Per ``actor_set, year``: ``actors`` (members with any tie in the period),
        ``internal_ties``, ``internal_density``, ``internal_clustering`` (global transitivity),
        ``internal_avg_clustering`` (mean local clustering, 0 for degree < 2),
        ``internal_components`` (isolated members count as components),
        ``largest_component_share`` and ``internal_avg_degree``.

    Notes
    -----
    On the graph of the ``n`` active members and the ``m`` ties between them:
    density ``2m / (n (n - 1))``, average degree ``2m / n``, transitivity
    ``3 x triangles / connected triples``.

    Examples
    --------
    Members a, b, c, d: a triangle a-b-c and d tied only to an outsider x.

    >>> actors = pd.DataFrame({"actor": list("abcdx"), "country": ["DEU"] * 4 + ["FRA"]})
    >>> ties = pd.DataFrame({"source": list("aabd"), "target": list("bccx"), "year": [2015] * 4})
    >>> m = pd.DataFrame({"actor": list("abcd"), "actor_set": "S"})
    >>> b = local_buzz(ties, actors, m, locality="country")
    >>> cols = ["actors", "internal_ties", "internal_density", "internal_components"]
    >>> b[cols].astype(object).values.tolist()
    [[4, 3, 0.5, 2]]
    """
    import igraph as ig

    mt = (
        member_ties(ties, actors, membership, locality=locality)
        if member_table is None
        else (member_table)
    )
    rows = []
    internal = mt[mt["internal"]]
    groups = dict(iter(internal.groupby(["actor_set", "year"], sort=False)))
    members_active = pd.concat(
        [
            mt[["actor_set", "year", "actor"]],
            internal[["actor_set", "year", "partner"]].rename(columns={"partner": "actor"}),
        ]
    ).drop_duplicates()
    for (aset, year), active in members_active.groupby(["actor_set", "year"], sort=True):
        names = active["actor"].to_numpy()
        n = len(names)
        edges = groups.get((aset, year))
        m = 0 if edges is None else len(edges)
        if m:
            index = pd.Index(names)
            pairs = np.column_stack(
                [index.get_indexer(edges["actor"]), index.get_indexer(edges["partner"])]
            )
            g = ig.Graph(n=n, edges=pairs.tolist())
            trans = g.transitivity_undirected(mode="zero")
            avg_cl = g.transitivity_avglocal_undirected(mode="zero")
            comp = g.connected_components()
            n_comp, largest = len(comp), max(comp.sizes())
        else:
            trans, avg_cl, n_comp, largest = 0.0, 0.0, n, 1 if n else 0
        rows.append(
            (
                aset,
                year,
                n,
                m,
                2 * m / (n * (n - 1)) if n > 1 else np.nan,
                trans,
                avg_cl,
                n_comp,
                largest / n if n else np.nan,
                2 * m / n if n else np.nan,
            )
        )
    return pd.DataFrame(
        rows,
        columns=[
            "actor_set",
            "year",
            "actors",
            "internal_ties",
            "internal_density",
            "internal_clustering",
            "internal_avg_clustering",
            "internal_components",
            "largest_component_share",
            "internal_avg_degree",
        ],
    )


# -- global pipelines ------------------------------------------------------------------------


def gini(values) -> float:
    """Gini coefficient of non-negative values (0: equal, towards 1: one holds everything).

    ``G = sum_i (2 i - n - 1) x_(i) / (n sum_i x_i)`` with the values sorted ascending.

    >>> gini([1, 1, 1, 1]), gini([0, 0, 0, 4])
    (0.0, 0.75)
    """
    x = np.sort(np.asarray(values, dtype=float))
    n, total = len(x), x.sum()
    if n == 0 or total == 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(((2 * i - n - 1) * x).sum() / (n * total))


def global_pipelines(
    ties: pd.DataFrame,
    actors: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    locality: str = "city",
    top: int = 5,
    member_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """International ties of an actor set's members and how concentrated they are.

    Parameters
    ----------
    ties, actors, membership, locality, member_table
        See :func:`tie_geography`.
    top : int
        How many leading actors the top share counts (default 5).

    Returns
    -------
    DataFrame
        Per ``actor_set, year``: ``actors`` (active members), ``pipeline_actors`` (members with
        at least one international tie), ``international_ties_per_actor``,
        ``pipeline_actor_share``, ``pipeline_gini`` (over all active members, zeros included)
        and ``pipeline_top5_share`` (share of the international ties held by the ``top``
        members with most).

    References
    ----------
    .. [1] Bathelt, H., Malmberg, A., Maskell, P. (2004), see :func:`tie_geography`.

    Examples
    --------
    Members a, b, c; a has two partners abroad, b one, c none.

    >>> actors = pd.DataFrame({"actor": list("abcxy"), "country": ["DEU"] * 3 + ["FRA"] * 2})
    >>> ties = pd.DataFrame({"source": list("aabc"), "target": list("xyxb"), "year": [2015] * 4})
    >>> m = pd.DataFrame({"actor": list("abc"), "actor_set": "S"})
    >>> p = global_pipelines(ties, actors, m, locality="country")
    >>> cols = ["pipeline_actors", "international_ties_per_actor", "pipeline_gini"]
    >>> p[cols].round(4).astype(object).values.tolist()  # Gini(0, 1, 2) = 4 / 9
    [[2, 1.0, 0.4444]]
    """
    top = check_int(top, name="top", minimum=1)
    mt = (
        member_ties(ties, actors, membership, locality=locality)
        if member_table is None
        else (member_table)
    )
    per_actor = pd.concat(
        [
            mt[["actor_set", "year", "actor", "kind"]],
            mt.loc[mt["internal"], ["actor_set", "year", "partner", "kind"]].rename(
                columns={"partner": "actor"}
            ),
        ]
    )
    per_actor = per_actor.assign(intl=per_actor["kind"].eq("international").astype("int64"))
    counts = per_actor.groupby(["actor_set", "year", "actor"])["intl"].sum()

    def summary(x: pd.Series) -> pd.Series:
        v = x.to_numpy(dtype=float)
        total = v.sum()
        top_v = np.sort(v)[::-1][:top].sum()
        return pd.Series(
            {
                "actors": len(v),
                "pipeline_actors": float((v > 0).sum()),
                "international_ties_per_actor": total / len(v),
                "pipeline_actor_share": (v > 0).mean(),
                "pipeline_gini": gini(v),
                "pipeline_top5_share": top_v / total if total else np.nan,
            }
        )

    if counts.empty:
        return pd.DataFrame(columns=["actor_set", "year", "actors"])
    out = counts.groupby(["actor_set", "year"]).apply(summary).unstack()
    out["actors"] = out["actors"].astype("int64")
    out["pipeline_actors"] = out["pipeline_actors"].astype("int64")
    return out.reset_index()


# -- brokerage -------------------------------------------------------------------------------


def _adjacency(edges: pd.DataFrame, index: pd.Index, directed: bool) -> sp.csr_matrix:
    i = index.get_indexer(edges["source"])
    j = index.get_indexer(edges["target"])
    n = len(index)
    a = sp.csr_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    if not directed:
        a = a + a.T
    a.setdiag(0)
    a.eliminate_zeros()
    a.data[:] = 1.0
    return a


def brokerage_roles(
    ties: pd.DataFrame,
    groups: pd.Series,
    *,
    directed: bool = False,
) -> pd.DataFrame:
    """Gould-Fernandez brokerage roles of every actor, per period.

    Parameters
    ----------
    ties : DataFrame
        ``source, target, year``; with ``directed=True`` a tie goes from source to target.
    groups : Series
        Group of each actor (index: actor), e.g. its locality. Actors without a group are each
        their own group.
    directed : bool
        Whether ties are directed (default: undirected collaboration ties).

    Returns
    -------
    DataFrame
        ``actor, year, coordinator, consultant, gatekeeper, representative, liaison, brokerage``
        (the sum of the five) for every actor with a tie in the period.

    Notes
    -----
    ``b`` brokers the path ``a -> b -> c`` when ``a != c`` and ``a -> c`` is absent. With
    ``g(.)`` the groups: coordinator ``g(a) = g(b) = g(c)``; consultant ``g(a) = g(c) != g(b)``;
    gatekeeper ``g(a) != g(b) = g(c)``; representative ``g(a) = g(b) != g(c)``; liaison all
    three different. Counted with sparse products and no loop over actors: the paths through
    ``b`` by group combination from its in- and out-neighbours per group, minus the closed ones,
    ``colsum(L1 o (L3 @ L2^T))`` with ``L`` the same- and different-group parts of the adjacency.

    Undirected ties can carry knowledge either way. Each open triad ``a - b - c`` counts once as
    coordinator, consultant or liaison; a triad where ``b`` shares its group with exactly one
    end counts once as gatekeeper *and* once as representative (the two readings of the same
    path), so the two are equal; pass directed ties (e.g. coordinator -> participant) to tell
    them apart.

    References
    ----------
    .. [1] Gould, R. V., Fernandez, R. M. (1989). Structures of mediation: a formal approach to
       brokerage in transaction networks. Sociological Methodology 19, 89-126.

    Examples
    --------
    A directed chain through ``b``, with groups chosen so that each path shows one role:

    >>> ties = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "year": [2015, 2015]})
    >>> def role(ga, gb, gc):
    ...     g = pd.Series({"a": ga, "b": gb, "c": gc})
    ...     r = brokerage_roles(ties, g, directed=True).set_index("actor").loc["b"]
    ...     return [k for k in ROLES if r[k] > 0]
    >>> role(1, 1, 1), role(1, 2, 1), role(1, 2, 2), role(1, 1, 2), role(1, 2, 3)
    (['coordinator'], ['consultant'], ['gatekeeper'], ['representative'], ['liaison'])
    """
    check_frame(ties, ["source", "target", "year"], name="ties")
    parts = []
    for year, edges in ties[ties["year"].notna()].groupby("year", sort=True):
        index = pd.Index(pd.unique(pd.concat([edges["source"], edges["target"]])))
        a = _adjacency(edges, index, directed)
        g = groups.reindex(index)
        codes = pd.factorize(g)[0]
        missing = codes < 0
        codes[missing] = codes.max() + 1 + np.arange(missing.sum())  # own group each
        counts = _role_counts(a, codes, symmetric=not directed)
        if not directed:
            for k in ("coordinator", "consultant", "liaison"):
                counts[k] = counts[k] / 2
        frame = pd.DataFrame(counts)
        frame.insert(0, "year", year)
        frame.insert(0, "actor", index)
        parts.append(frame)
    if not parts:
        return pd.DataFrame(columns=["actor", "year", *ROLES, "brokerage"])
    out = pd.concat(parts, ignore_index=True)
    out["brokerage"] = out[list(ROLES)].sum(axis=1)
    return out


def _role_counts(
    a: sp.csr_matrix, codes: np.ndarray, symmetric: bool = False
) -> dict[str, np.ndarray]:
    n = a.shape[0]
    k = int(codes.max()) + 1 if n else 0
    member = sp.csr_matrix((np.ones(n), (np.arange(n), codes)), shape=(n, k))
    a = a.tocoo()
    same = codes[a.row] == codes[a.col]
    a_s = sp.csr_matrix((np.ones(same.sum()), (a.row[same], a.col[same])), shape=(n, n))
    a_d = sp.csr_matrix((np.ones((~same).sum()), (a.row[~same], a.col[~same])), shape=(n, n))
    a = a.tocsr()
    indeg = np.asarray(a.sum(axis=0)).ravel()
    outdeg = np.asarray(a.sum(axis=1)).ravel()
    in_g = (a.T @ member).tocsr()  # in-neighbours of b per group
    out_g = (a @ member).tocsr()
    in_own = np.asarray(a_s.sum(axis=0)).ravel()  # in-neighbours in b's own group
    out_own = np.asarray(a_s.sum(axis=1)).ravel()
    cross = np.asarray(in_g.multiply(out_g).sum(axis=1)).ravel()  # sum_g in_g out_g
    mutual = a.multiply(a.T).tocsr()
    mutual_own = np.asarray(mutual.multiply(a_s).sum(axis=1)).ravel()
    mutual_all = np.asarray(mutual.sum(axis=1)).ravel()
    # all two-paths a -> b -> c by group combination (a == c included, removed next)
    coord = in_own * out_own - mutual_own
    consult = cross - in_own * out_own - (mutual_all - mutual_own)
    gate = (indeg - in_own) * out_own
    rep = in_own * (outdeg - out_own)
    liaison = (indeg - in_own) * (outdeg - out_own) - (cross - in_own * out_own)

    def closed(l1, product) -> np.ndarray:
        # sum over a, c of l1[a, b] l2[b, c] l3[a, c], with product = l3 @ l2.T
        return np.asarray(l1.multiply(product).sum(axis=0)).ravel()

    a_st, a_dt = a_s.T.tocsr(), a_d.T.tocsr()
    dd = a_d @ a_dt  # the largest product, used twice
    ds = a_d @ a_st
    sd = ds.T if symmetric else a_s @ a_dt
    coord = coord - closed(a_s, a_s @ a_st)
    gate = gate - closed(a_d, ds)
    rep = rep - closed(a_s, dd)
    consult = consult - closed(a_d, sd)
    liaison = liaison - closed(a_d, dd)
    return {
        "coordinator": coord,
        "consultant": consult,
        "gatekeeper": gate,
        "representative": rep,
        "liaison": liaison,
    }


def betweenness(
    ties: pd.DataFrame,
    *,
    sources: int | None = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Normalised betweenness centrality of every actor in each period's tie network.

    Parameters
    ----------
    ties : DataFrame
        ``source, target, year`` (undirected).
    sources : int or None
        Exact when a period's network has at most this many actors or when None; otherwise
        estimated from this many randomly drawn source actors (Brandes & Pich 2007): the
        betweenness over shortest paths from the sample, scaled by ``n / sources``.
    seed : int
        Seed of the sample.

    Returns
    -------
    DataFrame
        ``actor, year, betweenness``, normalised by ``(n - 1)(n - 2) / 2``, in [0, 1].

    References
    ----------
    .. [1] Brandes, U., Pich, C. (2007). Centrality estimation in large networks. International
       Journal of Bifurcation and Chaos 17(7), 2303-2318.

    Examples
    --------
    In the path a - b - c, b lies on the one shortest path between a and c.

    >>> t = pd.DataFrame({"source": ["a", "b"], "target": ["b", "c"], "year": [2015, 2015]})
    >>> betweenness(t)["betweenness"].tolist()
    [0.0, 1.0, 0.0]
    """
    import igraph as ig

    rng = np.random.default_rng(seed)
    parts = []
    for year, edges in ties[ties["year"].notna()].groupby("year", sort=True):
        s, t = edges["source"], edges["target"]
        index = pd.Index(pd.unique(pd.concat([s, t])))
        pairs = np.column_stack([index.get_indexer(s), index.get_indexer(t)])
        g = ig.Graph(n=len(index), edges=pairs.tolist())
        g.simplify()
        n = g.vcount()
        if sources is None or n <= sources:
            b = np.asarray(g.betweenness(directed=False))
        else:
            sample = rng.choice(n, size=sources, replace=False).tolist()
            b = np.asarray(g.betweenness(directed=False, sources=sample)) * n / sources
        norm = (n - 1) * (n - 2) / 2
        parts.append(
            pd.DataFrame({"actor": index, "year": year, "betweenness": b / norm if norm else 0.0})
        )
    if not parts:
        return pd.DataFrame(columns=["actor", "year", "betweenness"])
    return pd.concat(parts, ignore_index=True)


def _localities(actors: pd.DataFrame, locality: str) -> pd.Series:
    place = actors.set_index("actor")
    if locality == "city" and "city" in place.columns:
        return place["city"].fillna(place["country"])
    return place["country"]


def brokerage(
    ties: pd.DataFrame,
    actors: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    locality: str = "city",
    betweenness_sources: int | None = 200,
    roles: pd.DataFrame | None = None,
    centrality: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Brokerage of an actor set's members, with the locality as the Gould-Fernandez group.

    Parameters
    ----------
    ties, actors, membership, locality
        See the module docstring; actors without a city fall back to their country as group.
    betweenness_sources : int or None
        See :func:`betweenness`.
    roles, centrality : DataFrame, optional
        Results of :func:`brokerage_roles` and :func:`betweenness` when already computed (they
        do not depend on the actor sets).

    Returns
    -------
    summary : DataFrame
        Per ``actor_set, year``: the members' role totals (``coordinator`` ... ``liaison``),
        ``mean_betweenness``, ``max_betweenness``, and ``brokerage_share_<type>``: the share of
        the set's brokerage (all five roles) carried by members of each actor type.
    per_actor : DataFrame
        ``actor_set, year, actor, type``, the five roles, ``brokerage`` and ``betweenness``.

    References
    ----------
    .. [1] Gould, R. V., Fernandez, R. M. (1989), see :func:`brokerage_roles`.
    .. [2] Dohse, D., Fornahl, D., Vehrke, J. (2018). Fostering place-based innovation and
       national industrial policy: the InterSpiN project. (InterSpiN: which actor types carry
       the diffusion function in cluster networks.)

    Examples
    --------
    b in Berlin links a (Berlin) with c (Paris), and a with d (Munich):

    >>> actors = pd.DataFrame({"actor": list("abcd"), "country": ["DEU", "DEU", "FRA", "DEU"],
    ...                        "city": ["B", "B", "P", "M"], "type": ["firm"] * 4})
    >>> ties = pd.DataFrame({"source": ["a", "b", "b"], "target": ["b", "c", "d"],
    ...                      "year": [2015] * 3})
    >>> s, per = brokerage(ties, actors, pd.DataFrame({"actor": ["b"], "actor_set": ["S"]}))
    >>> per[["actor", "gatekeeper", "representative", "liaison"]].values.tolist()
    [['b', 2.0, 2.0, 1.0]]
    """
    _check_inputs(ties, actors, membership, locality)
    groups = _localities(actors, locality)
    if roles is None:
        roles = brokerage_roles(ties, groups)
    if centrality is None:
        centrality = betweenness(ties, sources=betweenness_sources)
    per = roles.merge(centrality, on=["actor", "year"], how="left")
    mem = membership[["actor", "actor_set"]].drop_duplicates()
    per = mem.merge(per, on="actor")
    types = actors.set_index("actor")["type"] if "type" in actors.columns else None
    per["type"] = per["actor"].map(types) if types is not None else "other"
    per = per[["actor_set", "year", "actor", "type", *ROLES, "brokerage", "betweenness"]]
    per = per.sort_values(["actor_set", "year", "actor"], ignore_index=True)
    keys = ["actor_set", "year"]
    summary = per.groupby(keys)[list(ROLES)].sum()
    summary["mean_betweenness"] = per.groupby(keys)["betweenness"].mean()
    summary["max_betweenness"] = per.groupby(keys)["betweenness"].max()
    by_type = per.groupby([*keys, "type"])["brokerage"].sum().unstack("type", fill_value=0.0)
    total = by_type.sum(axis=1)
    shares = by_type.div(total.where(total > 0), axis=0)
    shares.columns = [f"brokerage_share_{str(c).replace(' ', '_')}" for c in shares.columns]
    summary = summary.join(shares)
    return summary.reset_index(), per


# -- partner selection -----------------------------------------------------------------------


def cosine_profiles(profiles: pd.DataFrame) -> tuple[pd.Index, sp.csr_matrix]:
    """Row-normalised activity profiles: ``actor, activity, value`` -> (actors, unit rows).

    The cosine similarity of two actors is the dot product of their rows,
    ``cos(i, j) = sum_k p_ik p_jk / (|p_i| |p_j|)``.

    >>> idx, m = cosine_profiles(pd.DataFrame({"actor": ["a", "a", "b"],
    ...                                        "activity": ["x", "y", "x"], "value": [1, 1, 2]}))
    >>> round(float((m[0] @ m[1].T).toarray()[0, 0]), 4)
    0.7071
    """
    check_frame(profiles, ["actor", "activity", "value"], name="profiles")
    i, actors = pd.factorize(profiles["actor"], sort=True)
    j, _ = pd.factorize(profiles["activity"].astype(str), sort=True)
    v = pd.to_numeric(profiles["value"]).to_numpy(dtype=float)
    m = sp.csr_matrix((v, (i, j)), shape=(len(actors), j.max() + 1 if len(j) else 0))
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    m = sp.diags(np.where(norms > 0, 1 / np.where(norms > 0, norms, 1), 0.0)) @ m
    return pd.Index(actors), m.tocsr()


def cultural_proximity(country_attributes: pd.DataFrame | None = None) -> pd.DataFrame:
    """Cultural proximity of country pairs from a country-attribute table.

    Parameters
    ----------
    country_attributes : DataFrame, optional
        ``country`` and any attribute columns (e.g. ``group``, ``language``; several values in
        one cell separated by ``;``). Default: ``group`` from :data:`EU_GROUPS`.

    Returns
    -------
    DataFrame
        Square table (countries x countries) of proximities in [0, 1].

    Notes
    -----
    ``prox(c, d) = (1[c = d] + sum_a 1[c and d share a value of attribute a]) / (1 + A)`` with
    ``A`` attribute columns; a country pair is fully close only with itself. With the default
    table: same country 1, same EU group 0.5, otherwise 0 (countries outside the EU-15, EU-13
    and Horizon 2020 associated countries form no group).

    Examples
    --------
    >>> p = cultural_proximity(pd.DataFrame({"country": ["DEU", "AUT", "FRA"],
    ...                                      "language": ["de", "de", "fr"]}))
    >>> p.loc["DEU", ["DEU", "AUT", "FRA"]].tolist()
    [1.0, 0.5, 0.0]
    """
    if country_attributes is None:
        country_attributes = pd.DataFrame(
            {"country": list(EU_GROUPS), "group": list(EU_GROUPS.values())}
        )
    check_frame(country_attributes, ["country"], name="country_attributes")
    table = country_attributes.drop_duplicates("country").set_index("country")
    names = table.index.astype(str)
    score = np.eye(len(names))
    for col in table.columns:
        values = table[col].astype("string").str.split(";")
        long = values.explode().str.strip().dropna()
        long = long[long != ""]
        if long.empty:
            continue
        rows = names.get_indexer(long.index)
        _, vcode = np.unique(long.to_numpy(dtype=str), return_inverse=True)
        inc = sp.csr_matrix(
            (np.ones(len(rows)), (rows, vcode)), shape=(len(names), vcode.max() + 1)
        )
        score += ((inc @ inc.T).toarray() > 0).astype(float)
    score /= 1 + len(table.columns)
    return pd.DataFrame(score, index=names, columns=names)


def partner_selection(
    ties: pd.DataFrame,
    actors: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    locality: str = "city",
    profiles: pd.DataFrame | None = None,
    country_attributes: pd.DataFrame | None = None,
    member_table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """InterSpiN-style partner selection: new or known partners, and how close the new ones are.

    Parameters
    ----------
    ties, actors, membership, locality, member_table
        See :func:`tie_geography`.
    profiles : DataFrame, optional
        Activity profiles ``actor, activity, value`` (e.g. projects per programme part or
        patents per technology class) for technological proximity.
    country_attributes : DataFrame, optional
        See :func:`cultural_proximity` (default: EU groups).

    Returns
    -------
    DataFrame
        Per ``actor_set, year``: ``partners`` (member-partner pairs), ``new_partners``,
        ``known_partners``, ``new_partner_share``; ``new_local_share``, ``new_national_share``,
        ``new_international_share`` (the mix of new partners of known geography);
        ``tech_proximity_chosen`` / ``tech_proximity_available`` and
        ``cultural_proximity_chosen`` / ``cultural_proximity_available``.

    Notes
    -----
    A partner is *new* in a period when the pair had no joint project in an earlier period (or,
    for reported ties, when ``known_before`` is false). *Chosen* are a member's new partners of
    the period; *available but not chosen* are all other actors active in the period (with a
    tie in it) that are not the member's partners in it. Technological proximity is the cosine
    of activity profiles (:func:`cosine_profiles`), computed for every member at once:
    ``mean_avail(m) = p_m . (S - p_m - sum_{c in partners(m)} p_c) / (n - 1 - deg(m))`` with
    ``S`` the sum of the unit profiles of the ``n`` active actors that have one. Cultural
    proximity is :func:`cultural_proximity` between the two countries, averaged the same way
    from country counts. The set's ``*_chosen`` is the mean over its (member, new partner)
    pairs; ``*_available`` the mean of the members' availability means weighted by their
    number of new partners, so both sides weigh members alike.

    References
    ----------
    .. [1] Dohse, D., Fornahl, D., Vehrke, J. (2018), see :func:`brokerage`.
    .. [2] Nooteboom, B., Van Haverbeke, W., Duysters, G., Gilsing, V., van den Oord, A. (2007).
       Optimal cognitive distance and absorptive capacity. Research Policy 36(7), 1016-1034.

    Examples
    --------
    a and b worked together in 2015 and again in 2016; a picks new partner c in 2016.

    >>> actors = pd.DataFrame({"actor": list("abc"), "country": ["DEU", "DEU", "FRA"]})
    >>> ties = pd.DataFrame({"source": ["a", "a", "a"], "target": ["b", "b", "c"],
    ...                      "year": [2015, 2016, 2016]})
    >>> s = partner_selection(ties, actors, pd.DataFrame({"actor": ["a"], "actor_set": ["S"]}),
    ...                       locality="country")
    >>> cols = ["year", "partners", "new_partners", "new_international_share"]
    >>> s[cols].astype(object).values.tolist()
    [[2015, 1, 1, 0.0], [2016, 2, 1, 1.0]]
    """
    mt = (
        member_ties(ties, actors, membership, locality=locality)
        if member_table is None
        else (member_table)
    )
    keys = ["actor_set", "year"]
    if mt.empty:
        return pd.DataFrame(columns=[*keys, "partners"])
    out = mt.groupby(keys).agg(partners=("new", "size"), new_partners=("new", "sum"))
    out["new_partners"] = out["new_partners"].astype("int64")
    out["known_partners"] = out["partners"] - out["new_partners"]
    out["new_partner_share"] = out["new_partners"] / out["partners"]
    new = mt[mt["new"] & (mt["kind"] != "unknown")]
    mix = new.groupby([*keys, "kind"]).size().unstack("kind", fill_value=0)
    mix = mix.reindex(columns=list(TIE_KINDS[:3]), fill_value=0)
    total = mix.sum(axis=1)
    for k in TIE_KINDS[:3]:
        out[f"new_{k}_share"] = (mix[k] / total.where(total > 0)).reindex(out.index)
    # both ends of each (member, partner) pair as choosers: internal ties were stored once
    pairs = pd.concat(
        [
            mt[[*keys, "actor", "partner", "new"]],
            mt.loc[mt["internal"], [*keys, "partner", "actor", "new"]].rename(
                columns={"partner": "actor", "actor": "partner"}
            ),
        ],
        ignore_index=True,
    )
    active = _active_actors(ties)
    if profiles is not None:
        idx, unit = cosine_profiles(profiles)
        out = out.join(_proximity_tech(pairs, active, idx, unit, mt))
    country = actors.set_index("actor")["country"]
    prox = cultural_proximity(country_attributes)
    out = out.join(_proximity_cultural(pairs, active, country, prox))
    return out.reset_index()


def _active_actors(ties: pd.DataFrame) -> pd.DataFrame:
    t = ties[ties["year"].notna()]
    both = pd.concat(
        [
            t[["source", "year"]].rename(columns={"source": "actor"}),
            t[["target", "year"]].rename(columns={"target": "actor"}),
        ]
    )
    both["year"] = both["year"].astype("int64")
    return both.drop_duplicates().reset_index(drop=True)


def _weighted_available(pairs, avail: dict) -> tuple[pd.Series, pd.Series]:
    """(chosen mean, weighted available mean) per set and year from per-pair/per-member values."""
    keys = ["actor_set", "year"]
    new = pairs[pairs["new"].to_numpy(dtype=bool) & pairs["value"].notna().to_numpy()]
    chosen = new.groupby(keys)["value"].mean()
    weights = new.groupby([*keys, "actor"]).size().rename("w").reset_index()
    table = pd.DataFrame(
        {
            "actor": [k[0] for k in avail],
            "year": np.array([k[1] for k in avail], dtype="int64"),
            "avail": np.array(list(avail.values()), dtype=float),
        }
    )
    weights = weights.merge(table, on=["actor", "year"], how="inner")
    weights = weights[weights["avail"].notna()]
    weights["wa"] = weights["w"] * weights["avail"]
    g = weights.groupby(keys)
    available = g["wa"].sum() / g["w"].sum()
    return chosen, available


def _proximity_tech(pairs, active, idx, unit, mt):
    ia = idx.get_indexer(pairs["actor"])
    ip = idx.get_indexer(pairs["partner"])
    ok = (ia >= 0) & (ip >= 0)
    value = np.full(len(pairs), np.nan)
    if ok.any():
        value[ok] = np.asarray(unit[ia[ok]].multiply(unit[ip[ok]]).sum(axis=1)).ravel()
    pairs = pairs.assign(value=value)
    avail = {}
    for year, act in active.groupby("year"):
        rows = idx.get_indexer(act["actor"])
        rows = rows[rows >= 0]
        has = np.asarray(unit[rows].sum(axis=1)).ravel() != 0
        rows = rows[has]
        total = np.asarray(unit[rows].sum(axis=0)).ravel()
        n = len(rows)
        mem = pairs[pairs["year"] == year]
        members = pd.unique(mem["actor"])
        mi = idx.get_indexer(members)
        keep = mi >= 0
        members, mi = members[keep], mi[keep]
        if not len(members):
            continue
        # all partners of each member this period (chosen or not)
        pm = mem[mem["actor"].isin(members)].drop_duplicates(["actor", "partner"])
        pi = idx.get_indexer(pm["partner"])
        pos = pd.Index(members).get_indexer(pm["actor"])
        valid = pi >= 0
        inc = sp.csr_matrix(
            (np.ones(valid.sum()), (pos[valid], pi[valid])), shape=(len(members), unit.shape[0])
        )
        partner_sum = inc @ unit
        deg = np.asarray(inc.sum(axis=1)).ravel()
        own = unit[mi]
        rest = sp.csr_matrix(np.broadcast_to(total, (len(members), len(total)))) - own - partner_sum
        dots = np.asarray(own.multiply(rest).sum(axis=1)).ravel()
        n_avail = n - 1 - deg
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(n_avail > 0, dots / n_avail, np.nan)
        avail.update({(m, year): v for m, v in zip(members, mean, strict=True)})
    chosen, available = _weighted_available(pairs, avail)
    return pd.DataFrame({"tech_proximity_chosen": chosen, "tech_proximity_available": available})


def _proximity_cultural(pairs, active, country: pd.Series, prox: pd.DataFrame):
    countries = pd.Index(sorted(set(country.dropna().astype(str)) | set(prox.index)))
    k = prox.reindex(index=countries, columns=countries)
    same = np.eye(len(countries))
    k = np.where(np.isnan(k.to_numpy()), same, k.to_numpy())
    ca = countries.get_indexer(pairs["actor"].map(country).astype("object"))
    cp = countries.get_indexer(pairs["partner"].map(country).astype("object"))
    ok = (ca >= 0) & (cp >= 0)
    value = np.full(len(pairs), np.nan)
    value[ok] = k[ca[ok], cp[ok]]
    pairs = pairs.assign(value=value)
    active = active.assign(c=countries.get_indexer(active["actor"].map(country).astype("object")))
    active = active[active["c"] >= 0]
    avail = {}
    for year, act in active.groupby("year"):
        counts = np.bincount(act["c"], minlength=len(countries)).astype(float)
        mem = pairs[(pairs["year"] == year)].drop_duplicates(["actor", "partner"])
        mem = mem.assign(
            ca=countries.get_indexer(mem["actor"].map(country).astype("object")),
            cp=countries.get_indexer(mem["partner"].map(country).astype("object")),
        )
        mem = mem[mem["ca"] >= 0]
        if mem.empty:
            continue
        pos, members = pd.factorize(mem["actor"], sort=True)
        valid = mem["cp"].to_numpy() >= 0
        pc = sp.csr_matrix(
            (np.ones(valid.sum()), (pos[valid], mem["cp"].to_numpy()[valid])),
            shape=(len(members), len(countries)),
        ).toarray()
        own_c = mem.groupby("actor")["ca"].first().reindex(members).to_numpy(dtype="int64")
        rest = counts[None, :] - pc
        rest[np.arange(len(members)), own_c] -= 1  # not oneself
        rest = np.clip(rest, 0, None)
        num = (k[own_c] * rest).sum(axis=1)
        den = rest.sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(den > 0, num / den, np.nan)
        avail.update({(m, year): v for m, v in zip(members, mean, strict=True)})
    chosen, available = _weighted_available(pairs, avail)
    return pd.DataFrame(
        {"cultural_proximity_chosen": chosen, "cultural_proximity_available": available}
    )


# -- everything at once ----------------------------------------------------------------------


def collaboration_measures(
    ties: pd.DataFrame,
    actors: pd.DataFrame,
    membership: pd.DataFrame,
    *,
    locality: str = "city",
    profiles: pd.DataFrame | None = None,
    country_attributes: pd.DataFrame | None = None,
    betweenness_sources: int | None = 200,
) -> dict[str, pd.DataFrame]:
    """All collaboration measures of every actor set and period, in one pass.

    Parameters
    ----------
    ties, actors, membership, locality
        See the module docstring (``ties`` already binned with :func:`assign_periods` if
        periods longer than a year are wanted).
    profiles, country_attributes
        See :func:`partner_selection`.
    betweenness_sources : int or None
        See :func:`betweenness`.

    Returns
    -------
    dict of DataFrame
        ``"summary"``: one row per ``actor_set, year`` with the columns of
        :func:`tie_geography`, :func:`local_buzz`, :func:`global_pipelines`,
        :func:`brokerage` and :func:`partner_selection`; ``"actors"``: per member brokerage
        and betweenness; ``"member_ties"``: :func:`member_ties`.

    Examples
    --------
    >>> actors = pd.DataFrame({"actor": list("abc"), "country": ["DEU", "DEU", "FRA"],
    ...                        "type": ["firm", "university", "firm"]})
    >>> ties = pd.DataFrame({"source": ["a", "a"], "target": ["b", "c"], "year": [2015, 2015]})
    >>> r = collaboration_measures(ties, actors, actor_sets(actors, "country"),
    ...                            locality="country")
    >>> r["summary"][["actor_set", "ties", "international_share"]].values.tolist()
    [['DEU', 2, 0.5], ['FRA', 1, 1.0]]
    """
    _check_inputs(ties, actors, membership, locality)
    # integer codes for actor ids: every join and group below runs on int64, not text
    ids = pd.Index(
        pd.unique(
            pd.concat(
                [actors["actor"], ties["source"], ties["target"], membership["actor"]],
                ignore_index=True,
            )
        )
    )
    dated = ties[ties["year"].notna()]
    dated = dated.assign(
        source=ids.get_indexer(dated["source"]), target=ids.get_indexer(dated["target"])
    )
    actors = actors.assign(actor=ids.get_indexer(actors["actor"]))
    membership = membership.assign(actor=ids.get_indexer(membership["actor"]))
    if profiles is not None:
        profiles = profiles.assign(actor=ids.get_indexer(profiles["actor"]))
        profiles = profiles[profiles["actor"] >= 0]
    mt = member_ties(dated, actors, membership, locality=locality)
    geo = tie_geography(dated, actors, membership, locality=locality, member_table=mt)
    buzz = local_buzz(dated, actors, membership, locality=locality, member_table=mt)
    pipes = global_pipelines(dated, actors, membership, locality=locality, member_table=mt)
    brok, per_actor = brokerage(
        dated, actors, membership, locality=locality, betweenness_sources=betweenness_sources
    )
    sel = partner_selection(
        dated,
        actors,
        membership,
        locality=locality,
        profiles=profiles,
        country_attributes=country_attributes,
        member_table=mt,
    )
    keys = ["actor_set", "year"]
    summary = geo.merge(buzz, on=keys, how="outer")
    summary = summary.merge(pipes.drop(columns=["actors"]), on=keys, how="outer")
    summary = summary.merge(brok, on=keys, how="left").merge(sel, on=keys, how="left")
    summary["ties"] = summary["ties"].fillna(0).astype("int64")
    summary.insert(2, "locality", locality)
    per_actor["actor"] = ids.take(per_actor["actor"].to_numpy())
    mt["actor"] = ids.take(mt["actor"].to_numpy())
    mt["partner"] = ids.take(mt["partner"].to_numpy())
    return {
        "summary": summary.sort_values(keys, ignore_index=True),
        "actors": per_actor,
        "member_ties": mt,
    }
