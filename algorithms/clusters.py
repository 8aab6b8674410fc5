"""Cluster mapping and knowledge bases: LQ, Hoover, Krugman, variety, star ratings, co-occurrence.

Every function takes a long table (``region, activity[, year], value``; other names through
``columns=``) or a :class:`~smartspec.algorithms.panel.Panel` of employment (or patent counts)
and computes every period in one pass; results keep their keys. The conventions used are stored
in ``DataFrame.attrs``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import ValidationError, check_choice, check_frame
from .panel import Panel, as_panel
from .specialisation import _with_attrs, rca

__all__ = [
    "REFERENCES",
    "location_quotient",
    "hoover",
    "krugman",
    "variety",
    "star_rating",
    "cooccurrence_counts",
    "knowledge_space",
]

#: What a region's (or activity's) distribution is compared with: all regions, or the others.
REFERENCES = ("all", "rest")


def location_quotient(
    data: pd.DataFrame | Panel, *, columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Location quotient of every observed region-activity pair, for every period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` (e.g. jobs) and optionally ``year``.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity[, year], value, lq``, one row per pair with a positive value.

    Notes
    -----
    ``LQ_ra = (X_ra / X_r.) / (X_.a / X_..)``: Balassa's RCA
    (:func:`~smartspec.algorithms.specialisation.rca`) on employment; totals within each period.

    References
    ----------
    .. [1] Isard, W. (1960). Methods of Regional Analysis. MIT Press.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [10.0, 30.0, 60.0]})
    >>> location_quotient(df)["lq"].round(4).tolist()  # a,y: (30/40) / (30/100)
    [0.3571, 2.5, 1.4286]
    """
    out = rca(data, columns=columns).rename(columns={"rca": "lq"})
    out.attrs["measure"] = "location quotient"
    return out


def _dissimilarity(panel: Panel, by: str, reference: str) -> np.ndarray:
    """``sum_j |s_ij - ref_ij|`` for every unit i (stacked regions, or (year, activity))."""
    x = panel.values.tocoo()
    t = x.row // panel.n_regions
    row_tot = np.asarray(panel.values.sum(axis=1)).ravel()
    col_tot = np.asarray((panel.year_indicator() @ panel.values).todense())
    grand = col_tot.sum(axis=1)
    if by == "region":
        unit, n_units = x.row, panel.n_years * panel.n_regions
        unit_tot, cat_tot = row_tot[x.row], col_tot[t, x.col]
        totals = row_tot
    else:
        unit, n_units = t * panel.n_activities + x.col, panel.n_years * panel.n_activities
        unit_tot, cat_tot = col_tot[t, x.col], row_tot[x.row]
        totals = col_tot.ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        share = x.data / unit_tot
        if reference == "all":
            ref = cat_tot / grand[t]
        else:
            ref = (cat_tot - x.data) / (grand[t] - unit_tot)
        stored = np.bincount(unit, weights=np.abs(share - ref), minlength=n_units)
        ref_sum = np.bincount(unit, weights=ref, minlength=n_units)
    # categories where the unit has nothing contribute |0 - ref|: all of ref's mass not yet seen
    out = stored + (1.0 - ref_sum)
    unit_year = np.arange(n_units) // (panel.n_regions if by == "region" else panel.n_activities)
    if reference == "rest":
        rest = grand[unit_year] - totals
        out = np.where(rest > 0, out, np.nan)
    return np.where(totals > 0, out, np.nan)


def hoover(
    data: pd.DataFrame | Panel,
    *,
    by: str = "region",
    reference: str = "all",
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Hoover index: how far a region's activity mix (or an activity's map) is from the reference.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    by : {"region", "activity"}
        ``"region"``: Hoover's coefficient of specialisation of each region (its activity
        shares against the reference's); ``"activity"``: Hoover's coefficient of localisation
        of each activity (its regional shares against the regions' shares of all activity).
    reference : {"all", "rest"}
        Compare with all regions (default, Hoover 1936) or with all regions but the one (or all
        activities but the one) measured.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region[, year], hoover`` (or ``activity[, year], hoover``), in [0, 1]; NaN for a
        region (activity) without values in the period, or a "rest" that is empty.

    Notes
    -----
    By region: ``H_r = 1/2 sum_a |X_ra / X_r. - X_.a / X_..|``; by activity:
    ``H_a = 1/2 sum_r |X_ra / X_.a - X_r. / X_..|``; ``reference="rest"`` replaces the
    reference shares by those of the other regions, ``(X_.a - X_ra) / (X_.. - X_r.)``
    (activities: ``(X_r. - X_ra) / (X_.. - X_.a)``). 0 means the same distribution as the
    reference, 1 none of it in common. Sums run over every activity of the period, also those
    where the region has nothing.

    References
    ----------
    .. [1] Hoover, E. M. (1936). The measurement of industrial localization. Review of
       Economics and Statistics 18(4), 162-171.
    .. [2] Balland, P.-A. (2017). EconGeo: computing key indicators of the spatial
       distribution of economic activities (``Hoover.index``). R package.

    Examples
    --------
    Region a: shares (x, y) = (0.25, 0.75); all regions: (0.7, 0.3); b: (1, 0).

    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [10.0, 30.0, 60.0]})
    >>> hoover(df)["hoover"].round(4).tolist()  # a: (0.45 + 0.45) / 2; b: (0.3 + 0.3) / 2
    [0.45, 0.3]
    >>> hoover(df, by="activity")["hoover"].round(4).tolist()  # x: (|1/7 - .4| + |6/7 - .6|) / 2
    [0.2571, 0.6]
    """
    check_choice(by, ("region", "activity"), name="by")
    check_choice(reference, REFERENCES, name="reference")
    panel = as_panel(data, columns=columns)
    h = 0.5 * _dissimilarity(panel, by, reference)
    if by == "region":
        out = panel.region_frame({"hoover": h})
    else:
        out = panel.activity_frame({"hoover": h.reshape(panel.n_years, panel.n_activities)})
    return _with_attrs(out, panel, measure="hoover", by=by, reference=reference)


def krugman(
    data: pd.DataFrame | Panel,
    *,
    reference: str = "rest",
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Krugman specialisation index of every region: distance of its mix from the reference.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    reference : {"rest", "all"}
        Compare with the other regions (default; Krugman 1991 and EconGeo's
        ``Krugman.index``) or with all regions including the region itself.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region[, year], krugman`` in [0, 2]; NaN for a region without values in the period
        (or the only region, with ``reference="rest"``).

    Notes
    -----
    ``K_r = sum_a |X_ra / X_r. - (X_.a - X_ra) / (X_.. - X_r.)|`` (``"rest"``) or
    ``sum_a |X_ra / X_r. - X_.a / X_..|`` (``"all"``, twice the Hoover coefficient of
    specialisation). 0: the same mix as the reference; 2: nothing in common.

    References
    ----------
    .. [1] Krugman, P. (1991). Geography and Trade. MIT Press.
    .. [2] Balland, P.-A. (2017). EconGeo (``Krugman.index``). R package.

    Examples
    --------
    Region a (0.25, 0.75) against b (1, 0): |0.25 - 1| + |0.75 - 0| = 1.5, and the other way.

    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [10.0, 30.0, 60.0]})
    >>> krugman(df)["krugman"].tolist()
    [1.5, 1.5]
    >>> krugman(df, reference="all")["krugman"].round(4).tolist()
    [0.9, 0.6]
    """
    check_choice(reference, REFERENCES, name="reference")
    panel = as_panel(data, columns=columns)
    out = panel.region_frame({"krugman": _dissimilarity(panel, "region", reference)})
    return _with_attrs(out, panel, measure="krugman", reference=reference)


def _group_map(groups: Mapping | pd.Series | pd.DataFrame, activities: pd.Index) -> np.ndarray:
    if isinstance(groups, pd.DataFrame):
        check_frame(groups, ["activity", "group"], name="groups")
        groups = pd.Series(groups["group"].to_numpy(), index=groups["activity"].to_numpy())
    elif not isinstance(groups, pd.Series):
        groups = pd.Series(dict(groups))
    mapped = groups.reindex(activities)
    missing = mapped.isna().to_numpy()
    if missing.any():
        examples = ", ".join(map(repr, activities[missing][:3]))
        raise ValidationError(
            f"groups give no group for {int(missing.sum())} activit(y/ies), e.g. {examples}; "
            "expected a group for every activity"
        )
    return mapped.to_numpy()


def variety(
    data: pd.DataFrame | Panel,
    groups: Mapping | pd.Series | pd.DataFrame,
    *,
    base: float = 2.0,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Related and unrelated variety: the entropy of a region's mix, decomposed over groups.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``; the
        activities at the fine level (e.g. NACE classes, NAICS 5-digit).
    groups : mapping, Series or DataFrame
        The group (coarser code) of every activity: ``{activity: group}``, a Series indexed by
        activity, or a table ``activity, group`` (e.g. the ``PART_OF`` parents at the 2-digit
        level).
    base : float
        Base of the logarithm (2 as Frenken et al.; ``math.e`` for nats).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region[, year], entropy, unrelated_variety, related_variety, activities, groups``;
        NaN measures for a region without values in the period.

    Notes
    -----
    With ``p_i = X_ri / X_r.`` and ``P_g = sum_{i in g} p_i``: unrelated variety
    ``UV = sum_g P_g log(1 / P_g)``, related variety ``RV = sum_g P_g H_g`` with
    ``H_g = sum_{i in g} (p_i / P_g) log(P_g / p_i)``; the entropy decomposition theorem gives
    ``H = sum_i p_i log(1 / p_i) = UV + RV`` (Theil 1972).

    References
    ----------
    .. [1] Frenken, K., Van Oort, F. & Verburg, T. (2007). Related variety, unrelated variety
       and regional economic growth. Regional Studies 41(5), 685-697.
    .. [2] Theil, H. (1972). Statistical Decomposition Analysis. North-Holland.

    Examples
    --------
    Region a: 4 activities, two groups; shares 1/4 each: UV = log2(2) = 1, RV = 1/2 * 1 +
    1/2 * 1 = 1, entropy = log2(4) = 2.

    >>> df = pd.DataFrame({"region": "a", "activity": ["x1", "x2", "y1", "y2"],
    ...                    "value": 5.0})
    >>> g = {"x1": "x", "x2": "x", "y1": "y", "y2": "y"}
    >>> variety(df, g)[["entropy", "unrelated_variety", "related_variety"]].values.tolist()
    [[2.0, 1.0, 1.0]]
    """
    if not (isinstance(base, (int, float)) and base > 0 and base != 1):
        raise ValidationError(f"base must be a positive number other than 1, got {base!r}")
    panel = as_panel(data, columns=columns)
    group_of = _group_map(groups, panel.activities)
    g_codes, g_index = pd.factorize(group_of)
    x = panel.values.tocoo()
    row_tot = np.asarray(panel.values.sum(axis=1)).ravel()
    n_rows = panel.n_years * panel.n_regions
    p = x.data / row_tot[x.row]
    gm = sp.csr_matrix((p, (x.row, g_codes[x.col])), shape=(n_rows, len(g_index)))
    big_p = np.asarray(gm[x.row, g_codes[x.col]]).ravel()  # P_g of each entry's group
    log = np.log(base)
    h = np.bincount(x.row, weights=-p * np.log(p) / log, minlength=n_rows)
    rv = np.bincount(x.row, weights=-p * np.log(p / big_p) / log, minlength=n_rows)
    gm = gm.tocoo()
    uv = np.bincount(gm.row, weights=-gm.data * np.log(gm.data) / log, minlength=n_rows)
    present = row_tot > 0
    n_act = np.bincount(x.row, minlength=n_rows)
    n_grp = np.bincount(gm.row, minlength=n_rows)
    nan = np.nan
    out = panel.region_frame({
        "entropy": np.where(present, h, nan),
        "unrelated_variety": np.where(present, uv, nan),
        "related_variety": np.where(present, rv, nan),
        "activities": n_act,
        "groups": n_grp,
    })
    return _with_attrs(out, panel, measure="variety", base=float(base))


def _top_star(values: np.ndarray, year_pos: np.ndarray, top: float) -> np.ndarray:
    """True for the ``ceil(top * n)`` largest values of each period (ties at the cut included)."""
    out = np.zeros(len(values), dtype=bool)
    if top <= 0:
        return out
    frame = pd.DataFrame({"v": values, "t": year_pos})
    rank = frame.groupby("t")["v"].rank(method="min", ascending=False).to_numpy()
    n = frame.groupby("t")["v"].transform("size").to_numpy()
    return rank <= np.ceil(top * n - 1e-9)


def star_rating(
    data: pd.DataFrame | Panel,
    *,
    size_top: float = 0.10,
    lq_min: float = 2.0,
    focus_top: float = 0.10,
    min_value: float = 0.0,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The European Cluster Observatory star rating of every region-activity pair.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table of employment with ``region``, ``activity``, ``value`` and optionally
        ``year`` (the activities are the cluster categories).
    size_top : float
        Size star for the pairs among the top ``size_top`` share (default 10 %) of all the
        period's observed pairs by size.
    lq_min : float
        Specialisation star when ``LQ >= lq_min`` (default 2).
    focus_top : float
        Focus star for the pairs among the top ``focus_top`` share (default 10 %) by focus.
    min_value : float
        Pairs with a value below this get no star (0: every observed pair may).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity[, year], value, size, lq, focus, size_star, specialisation_star,
        focus_star, stars`` for every observed pair; ``stars`` is 0-3.

    Notes
    -----
    Size ``X_ra / X_.a`` (the region's share of the activity's employment in all regions),
    specialisation ``LQ_ra = (X_ra / X_r.) / (X_.a / X_..)``, focus ``X_ra / X_r.`` (the
    activity's share of the region's employment). A "top share" star goes to the
    ``ceil(top * n)`` largest of the ``n`` pairs of the period, and to every pair tied with the
    last of them. The Observatory's cut-offs are the defaults; each is a parameter, recorded in
    ``attrs``.

    References
    ----------
    .. [1] Ketels, C. & Sölvell, Ö. (2006). Clusters in the EU-10 new member countries.
       Europe INNOVA / European Cluster Observatory.
    .. [2] European Cluster Observatory (2011). Star rating methodology
       (size, specialisation and focus), Center for Strategy and Competitiveness, Stockholm.

    Examples
    --------
    Region a (10 x, 30 y), b (60 x); 3 pairs, so a top-10 % star goes to ceil(0.3) = 1 pair.
    a,y: size 30/30 = 1 (largest), LQ (30/40)/(30/100) = 2.5, focus 0.75; b,x: focus 1.

    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [10.0, 30.0, 60.0]})
    >>> s = star_rating(df)
    >>> s[["region", "activity", "stars"]].values.tolist()
    [['a', 'x', 0], ['a', 'y', 2], ['b', 'x', 1]]
    """
    for name, v in (("size_top", size_top), ("focus_top", focus_top)):
        if not (isinstance(v, (int, float)) and 0 <= v <= 1):
            raise ValidationError(f"{name} must be a share in [0, 1], got {v!r}")
    for name, v in (("lq_min", lq_min), ("min_value", min_value)):
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0):
            raise ValidationError(f"{name} must be a number >= 0, got {v!r}")
    panel = as_panel(data, columns=columns)
    x = panel.values.tocoo()
    t = x.row // panel.n_regions
    row_tot = np.asarray(panel.values.sum(axis=1)).ravel()
    col_tot = np.asarray((panel.year_indicator() @ panel.values).todense())
    grand = col_tot.sum(axis=1)
    size = x.data / col_tot[t, x.col]
    focus = x.data / row_tot[x.row]
    lq = focus / (col_tot[t, x.col] / grand[t])
    order = np.lexsort((x.col, x.row))  # the (year, region, activity) order of the tables
    rows, cols, tt = x.row[order], x.col[order], t[order]
    value, size, focus, lq = x.data[order], size[order], focus[order], lq[order]
    eligible = value >= min_value
    size_star = _top_star(size, tt, size_top) & eligible
    spec_star = (lq >= lq_min) & eligible
    focus_star = _top_star(focus, tt, focus_top) & eligible
    out = {"region": panel.regions.take(rows % panel.n_regions),
           "activity": panel.activities.take(cols)}
    if panel.has_year:
        out["year"] = panel.years.take(tt)
    out.update(value=value, size=size, lq=lq, focus=focus, size_star=size_star,
               specialisation_star=spec_star, focus_star=focus_star,
               stars=(size_star.astype(np.int8) + spec_star + focus_star).astype(np.int8))
    return _with_attrs(pd.DataFrame(out), panel, measure="star rating", size_top=size_top,
                       lq_min=lq_min, focus_top=focus_top, min_value=min_value)


def cooccurrence_counts(
    items: pd.DataFrame,
    *,
    item: str = "item",
    activity: str = "activity",
    year: str = "year",
) -> pd.DataFrame:
    """How often two activities are listed on the same item (e.g. classes on one patent).

    Parameters
    ----------
    items : DataFrame
        One row per item and activity listed on it (repeats count once), optionally with the
        item's period in ``year``.
    item, activity, year : str
        Column names.

    Returns
    -------
    DataFrame
        ``activity_a, activity_b[, year], value`` with ``activity_a < activity_b``: the number
        of items listing both; pairs never listed together are left out. Ready for
        :func:`~smartspec.algorithms.relatedness.cooccurrence_proximity`.

    Notes
    -----
    With ``B`` the binary items x activities incidence matrix of a period,
    ``C = B^T B`` off the diagonal (an item with k distinct activities adds 1 to each of its
    ``k (k - 1) / 2`` pairs; an item with one activity adds nothing). Balland's knowledge space
    normalises ``C`` by association strength.

    References
    ----------
    .. [1] Balland, P.-A. (2017). EconGeo (``co.occurrence``). R package.
    .. [2] Boschma, R., Balland, P.-A. & Kogler, D. F. (2015). Relatedness and technological
       change in cities. Industrial and Corporate Change 24(1), 223-250.

    Examples
    --------
    >>> p = pd.DataFrame({"item": [1, 1, 1, 2, 2], "activity": ["x", "y", "z", "x", "y"]})
    >>> cooccurrence_counts(p).values.tolist()
    [['x', 'y', 2], ['x', 'z', 1], ['y', 'z', 1]]
    """
    codes = _cooccurrence(items, item, activity, year)
    return _label_pairs(codes, year, {"value": codes["value"]})


def _cooccurrence(items: pd.DataFrame, item: str, activity: str, year: str) -> dict:
    """Integer-coded co-occurrence counts of every period in one sparse product."""
    check_frame(items, [item, activity], name="items")
    has_year = year in items.columns
    cols = [item, activity] + ([year] if has_year else [])
    frame = items[cols].dropna()
    act, acts = pd.factorize(frame[activity].to_numpy(), sort=True)
    if has_year:
        yr, years = pd.factorize(frame[year].to_numpy(), sort=True)
    else:
        yr, years = np.zeros(len(frame), dtype=np.int64), pd.Index([0])
    n, n_years = len(acts), len(years)
    # the unit is an item in a period (an item listed under two periods counts in each)
    unit, _ = pd.factorize(pd.factorize(frame[item].to_numpy())[0].astype(np.int64) * n_years
                           + yr)
    col = yr.astype(np.int64) * n + act
    key = np.sort(unit.astype(np.int64) * (n_years * n) + col)
    # repeats count once (sort and compare: numpy 2's hash-based unique is slow on many values)
    key = key[np.concatenate(([True], key[1:] != key[:-1]))] if len(key) else key
    unit, col = np.divmod(key, n_years * n)
    b = sp.csr_matrix((np.ones(len(key)), (unit, col)),
                      shape=(int(unit.max(initial=-1)) + 1, n_years * n))
    c = sp.triu(b.T @ b, k=1).tocoo()  # blocks per period: an item has one period
    t, ia = np.divmod(c.row, n)
    ib = c.col % n
    order = np.lexsort((ib, ia, t))
    return {"t": t[order], "a": ia[order], "b": ib[order],
            "value": c.data[order].astype(np.int64), "acts": acts, "years": years,
            "has_year": has_year}


def _label_pairs(codes: dict, year: str, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    out = {"activity_a": codes["acts"].take(codes["a"]),
           "activity_b": codes["acts"].take(codes["b"])}
    if codes["has_year"]:
        out[year] = codes["years"].take(codes["t"])
    out.update(columns)
    frame = pd.DataFrame(out)
    frame.attrs.update(measure="cooccurrence")
    return frame


def knowledge_space(
    items: pd.DataFrame,
    *,
    item: str = "item",
    activity: str = "activity",
    year: str = "year",
    measure: str = "association",
) -> pd.DataFrame:
    """The knowledge space: co-occurrence counts of activities on items, and their relatedness.

    Parameters
    ----------
    items : DataFrame
        One row per item and activity listed on it (e.g. patent and class), optionally with
        the item's period in ``year``.
    item, activity, year : str
        Column names.
    measure : {"association", "prob", "cosine", "jaccard"}
        Normalisation of the counts (see
        :func:`~smartspec.algorithms.relatedness.cooccurrence_proximity`); association
        strength by default, as Balland's knowledge space.

    Returns
    -------
    DataFrame
        ``activity_a, activity_b[, year], cooccurrences, proximity``, one row per unordered
        pair listed together at least once in the period (``activity_a < activity_b``).

    Notes
    -----
    :func:`cooccurrence_counts` then
    :func:`~smartspec.algorithms.relatedness.cooccurrence_proximity` on integer codes (which
    keeps long code lists fast). Association strength of the symmetric count matrix ``C``
    with zero diagonal, ``s_i = sum_j C_ij`` and ``t = sum_ij C_ij``:
    ``(C_ij / t) / ((s_i / t)(s_j / t))``; above 1 means related.

    References
    ----------
    .. [1] van Eck, N. J. & Waltman, L. (2009). How to normalize cooccurrence data? JASIST
       60(8), 1635-1651.
    .. [2] Balland, P.-A. (2017). EconGeo (``relatedness``). R package.

    Examples
    --------
    Counts xy 2, xz 1, yz 1: s = (3, 3, 2), t = 8; xy: 2 * 8 / (3 * 3) = 1.7778.

    >>> p = pd.DataFrame({"item": [1, 1, 1, 2, 2], "activity": ["x", "y", "z", "x", "y"]})
    >>> knowledge_space(p)["proximity"].round(4).tolist()
    [1.7778, 1.3333, 1.3333]
    """
    from .relatedness import cooccurrence_proximity

    codes = _cooccurrence(items, item, activity, year)
    coded = pd.DataFrame({"activity_a": codes["a"], "activity_b": codes["b"],
                          "year": codes["t"], "value": codes["value"].astype(np.float64)})
    if coded.empty:
        return _label_pairs(codes, year, {"cooccurrences": codes["value"],
                                          "proximity": np.zeros(0)})
    phi = cooccurrence_proximity(coded, measure=measure)
    key = (coded["year"].to_numpy() * len(codes["acts"]) + coded["activity_a"].to_numpy()) * len(
        codes["acts"]) + coded["activity_b"].to_numpy()
    pkey = (phi["year"].to_numpy() * len(codes["acts"]) + phi["activity_a"].to_numpy()) * len(
        codes["acts"]) + phi["activity_b"].to_numpy()
    values = pd.Series(phi["proximity"].to_numpy(), index=pkey).reindex(key).fillna(0.0)
    out = _label_pairs(codes, year, {"cooccurrences": codes["value"],
                                     "proximity": values.to_numpy()})
    out.attrs.update(measure=measure, source="cooccurrence")
    return out
