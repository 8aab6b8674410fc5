"""Specialisation: revealed comparative advantage, binary specialisation, diversity and ubiquity.

Every function takes a long table (``region, activity, year, value``; other names through
``columns=``) or a :class:`~smartspec.algorithms.panel.Panel`, and computes all periods in one
vectorised pass over the stacked sparse matrix.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import (
    ValidationError,
    check_choice,
    check_int,
    check_threshold,
    resolve_columns,
)
from .panel import Panel, as_panel

__all__ = [
    "RCA_METHODS",
    "M_METHODS",
    "rca_matrix",
    "binary_matrix",
    "presence_matrices",
    "rca",
    "specialisation",
    "diversity",
    "ubiquity",
    "smooth",
    "filter_totals",
    "trim",
    "entries_exits",
    "rca_trend",
]

#: Formulas of revealed comparative advantage.
RCA_METHODS = ("balassa", "additive", "rpop")
#: Ways to obtain M: any RCA formula, or ``"given"`` when the values already are M.
M_METHODS = RCA_METHODS + ("given",)


def rca_matrix(
    panel: Panel,
    *,
    method: str = "balassa",
    population: pd.DataFrame | np.ndarray | None = None,
    columns: Mapping[str, str] | None = None,
) -> sp.csr_matrix:
    """RCA of every stored entry of ``panel``, as a stacked sparse matrix of the panel's shape.

    Entries where ``X_ra = 0`` are not stored: their Balassa RCA is 0 and their additive RCA is
    ``-X_.a / X_..`` (never a specialisation); tables list only observed pairs.
    ``population`` (a ``region[, year], value`` table or an aligned stacked vector) is needed for
    ``method="rpop"``. See :func:`rca` for the formulas.
    """
    check_choice(method, RCA_METHODS, name="method")
    x = panel.values.tocoo()
    row_tot = np.asarray(panel.values.sum(axis=1)).ravel()  # X_r. per (year, region)
    col_tot = np.asarray((panel.year_indicator() @ panel.values).todense())  # X_.a per year
    grand = col_tot.sum(axis=1)  # X_.. per year
    t = x.row // panel.n_regions
    if method == "rpop":
        pop = _population_vector(panel, population, columns)
        active = (row_tot > 0) & np.isfinite(pop)
        pop_tot = np.bincount(
            panel.year_of_row()[active], weights=pop[active], minlength=panel.n_years
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "rpop":
            data = (x.data / pop[x.row]) / (col_tot[t, x.col] / pop_tot[t])
        else:
            region_share = x.data / row_tot[x.row]
            world_share = col_tot[t, x.col] / grand[t]
            if method == "balassa":
                data = region_share / world_share
            else:
                data = region_share - world_share
    out = sp.csr_matrix((data, (x.row, x.col)), shape=panel.values.shape)
    out.sort_indices()
    return out


def binary_matrix(
    rca: sp.csr_matrix, *, threshold: float = 1.0, continuous: bool = False
) -> sp.csr_matrix:
    """Specialisation ``M = [RCA >= threshold]`` as a sparse 0/1 matrix (zeros dropped).

    With ``continuous=True`` M is the capped ratio ``min(RCA / threshold, 1)`` in ``[0, 1]``:
    1 where the binary M is 1, and the share of the threshold reached below it (needs a
    threshold > 0). NaN RCA (e.g. a region without population) gives 0.
    """
    threshold = check_threshold(threshold) if threshold >= 0 else float(threshold)
    m = rca.copy()
    data = np.nan_to_num(m.data, nan=-np.inf)
    if continuous:
        if threshold <= 0:
            raise ValidationError(f"a continuous M needs a threshold > 0, got {threshold!r}")
        m.data = np.clip(data / threshold, 0.0, 1.0)
    else:
        m.data = (data >= threshold).astype(np.float64)
    m.eliminate_zeros()
    return m


def presence_matrices(
    panel: Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    continuous: bool = False,
    population: pd.DataFrame | np.ndarray | None = None,
    columns: Mapping[str, str] | None = None,
) -> tuple[sp.csr_matrix, sp.csr_matrix]:
    """RCA and M of a panel as stacked sparse matrices: the shared first step of every measure.

    ``method`` is an RCA formula (:data:`RCA_METHODS`) or ``"given"`` when the panel's values
    already are M (binary, or continuous in ``[0, 1]``); then RCA is the values themselves.
    ``threshold`` defaults to 1 (0 for additive RCA).
    """
    check_choice(method, M_METHODS, name="method")
    if method == "given":
        m = panel.values.copy()
        if m.data.size and m.data.max() > 1:
            raise ValidationError(
                "method='given' expects M values in [0, 1]; got a maximum of "
                f"{m.data.max()!r} (pass values with method='balassa' to compute RCA first)"
            )
        return m, m
    if threshold is None:
        threshold = 0.0 if method == "additive" else 1.0
    r = rca_matrix(panel, method=method, population=population, columns=columns)
    return r, binary_matrix(r, threshold=threshold, continuous=continuous)


def rca(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Revealed comparative advantage of every observed region-activity pair, for every period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method : {"balassa", "additive", "rpop"}
        Balassa's ratio (default), the additive difference of shares (IPPR 2014), or the
        population-based RCA of the Atlas ("rpop").
    population : DataFrame, optional
        ``region[, year], value`` (same column names as ``data``), needed for ``"rpop"``; a
        table without ``year`` applies to every period.
    columns : mapping, optional
        Column names when they differ from ``region``, ``activity``, ``year``, ``value``.

    Returns
    -------
    DataFrame
        ``region, activity[, year], value, rca``, one row per pair with a positive value.

    Notes
    -----
    Balassa: ``RCA_ra = (X_ra / X_r.) / (X_.a / X_..)``; additive: ``X_ra / X_r. - X_.a / X_..``;
    rpop: ``(X_ra / P_r) / (X_.a / P_.)`` with ``P_.`` the population of the regions that have
    values in the period. Totals are taken within each period; missing values are dropped
    before totals are formed. A region without population gets NaN rpop (and M = 0), with a
    warning. Called RTA for patents and location quotient for employment.

    References
    ----------
    .. [1] Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage.
       The Manchester School 33(2), 99-123.
    .. [2] IPPR (2014). Manufacturing matters: the West Midlands, footnote 11 (additive RCA).
    .. [3] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity.
       MIT Press (RPOP).

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [1.0, 1.0, 2.0]})
    >>> rca(df)["rca"].round(4).tolist()  # a: (1/2)/(3/4), (1/2)/(1/4); b: (2/2)/(3/4)
    [0.6667, 2.0, 1.3333]
    >>> pop = pd.DataFrame({"region": ["a", "b"], "value": [1.0, 3.0]})
    >>> rca(df, method="rpop", population=pop)["rca"].round(4).tolist()  # (1/1)/(3/4), ...
    [1.3333, 4.0, 0.8889]
    """
    panel = as_panel(data, columns=columns)
    r = rca_matrix(panel, method=method, population=population, columns=columns)
    out = panel.to_frame({"value": panel.values, "rca": r}, pattern=panel.values)
    return _with_attrs(out, panel, method=method)


def specialisation(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    continuous: bool = False,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """RCA and specialisation ``M`` of every observed pair, for every period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method : {"balassa", "additive", "rpop", "given"}
        RCA formula (see :func:`rca`), or ``"given"`` when the values already are M.
    threshold : float, optional
        ``M_ra = 1`` when ``RCA_ra >= threshold``; default 1 (0 for additive RCA).
    continuous : bool
        Report the continuous ``M = min(RCA / threshold, 1)`` instead of 0/1.
    population : DataFrame, optional
        ``region[, year], value``; needed for ``method="rpop"``.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity[, year], value, rca, m`` (``m`` is 0 or 1 unless continuous).

    Notes
    -----
    ``M_ra = 1 if RCA_ra >= threshold else 0`` (Hidalgo et al. 2007; the Atlas uses ``>= 1``,
    EconGeo ``> 1``). The options used are stored in ``DataFrame.attrs``.

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
       conditions the development of nations. Science 317, 482-487.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [1.0, 1.0, 2.0]})
    >>> specialisation(df)["m"].tolist()
    [0, 1, 1]
    >>> specialisation(df, continuous=True)["m"].round(4).tolist()  # min(RCA, 1)
    [0.6667, 1.0, 1.0]
    """
    panel = as_panel(data, columns=columns)
    r, m = presence_matrices(
        panel, method=method, threshold=threshold, continuous=continuous,
        population=population, columns=columns,
    )
    out = panel.to_frame({"value": panel.values, "rca": r, "m": m}, pattern=panel.values)
    if not continuous:
        out["m"] = out["m"].astype(np.int8)
    return _with_attrs(out, panel, method=method, threshold=_threshold(method, threshold),
                       continuous=continuous)


def diversity(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    continuous: bool = False,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Diversity ``k_r0 = sum_a M_ra``: how many activities each region is specialised in.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method, threshold, continuous, population
        How M is obtained (see :func:`specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region[, year], diversity`` for every region and period of the panel (0 for a region
        with no values in a period).

    Notes
    -----
    ``k_r0 = sum_a M_ra`` (Hidalgo & Hausmann 2009).

    References
    ----------
    .. [1] Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity.
       PNAS 106(26), 10570-10575.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [1.0, 1.0, 2.0]})
    >>> diversity(df)["diversity"].tolist()
    [1, 1]
    """
    panel = as_panel(data, columns=columns)
    _, m = presence_matrices(panel, method=method, threshold=threshold, continuous=continuous,
                             population=population, columns=columns)
    k = np.asarray(m.sum(axis=1)).ravel()
    out = panel.region_frame({"diversity": k if continuous else k.astype(np.int64)})
    return _with_attrs(out, panel, method=method, threshold=_threshold(method, threshold))


def ubiquity(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    continuous: bool = False,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Ubiquity ``k_a0 = sum_r M_ra``: how many regions are specialised in each activity.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method, threshold, continuous, population
        How M is obtained (see :func:`specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``activity[, year], ubiquity`` for every activity and period.

    Notes
    -----
    ``k_a0 = sum_r M_ra`` (Hidalgo & Hausmann 2009).

    References
    ----------
    .. [1] Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity.
       PNAS 106(26), 10570-10575.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [1.0, 1.0, 2.0]})
    >>> ubiquity(df)["ubiquity"].tolist()
    [1, 1]
    """
    panel = as_panel(data, columns=columns)
    _, m = presence_matrices(panel, method=method, threshold=threshold, continuous=continuous,
                             population=population, columns=columns)
    k = np.asarray((panel.year_indicator() @ m).todense())
    out = panel.activity_frame({"ubiquity": k if continuous else k.astype(np.int64)})
    return _with_attrs(out, panel, method=method, threshold=_threshold(method, threshold))


# -- transformations of the values ---------------------------------------------------------------


def smooth(
    data: pd.DataFrame | Panel,
    *,
    window: int = 3,
    center: bool = False,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame | Panel:
    """Average the values of each region-activity pair over a moving window of periods.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``year``, ``value``.
    window : int
        Number of periods averaged (positions in the sorted list of periods).
    center : bool
        Centre the window on the period (default: trailing, the period and the ones before).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame or Panel
        The same kind as ``data``: a table keeps the caller's column names.

    Notes
    -----
    ``X~_ra,t = (1 / |W_t|) sum_{s in W_t} X_ra,s`` where ``W_t`` holds the periods of the window
    that exist in the panel (fewer at the edges); a pair absent in a period counts as 0. Computed
    as one sparse product ``(W kron I_regions) X`` for all periods. Smoothing erratic yearly
    values before RCA is the Atlas and IPPR practice (e.g. 3-year averages).

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
       conditions the development of nations. Science 317, 482-487 (averaged periods).

    Examples
    --------
    >>> df = pd.DataFrame({"region": "a", "activity": "x", "year": [2000, 2001, 2002],
    ...                    "value": [1.0, 2.0, 6.0]})
    >>> smooth(df, window=2)["value"].tolist()  # 1, (1+2)/2, (2+6)/2
    [1.0, 1.5, 4.0]
    """
    panel = as_panel(data, columns=columns)
    window = check_int(window, name="window", minimum=1)
    n = panel.n_years
    pos = np.arange(n)
    lo = pos - (window // 2 if center else window - 1)
    hi = lo + window - 1
    s = np.arange(n)
    inside = (s[None, :] >= lo[:, None]) & (s[None, :] <= hi[:, None])
    w = inside / inside.sum(axis=1, keepdims=True)
    values = sp.kron(sp.csr_matrix(w), sp.identity(panel.n_regions, format="csr")) @ panel.values
    out = panel.with_values(values, meta={"smooth": {"window": window, "center": center}})
    return _like_input(data, out, columns)


def filter_totals(
    data: pd.DataFrame | Panel,
    *,
    min_region_total: float | None = None,
    min_activity_total: float | None = None,
    exclude_activities: Iterable[str] | None = None,
    exclude_prefixes: Iterable[str] | None = None,
    population: pd.DataFrame | None = None,
    min_population: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame | Panel:
    """Drop small regions and activities, and excluded activities, period by period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    min_region_total, min_activity_total : float, optional
        Keep a region (activity) in a period when its total value is at least this.
    exclude_activities : iterable of str, optional
        Activity codes to drop (e.g. IPPR's erratic items: precious stones, metals, art).
    exclude_prefixes : iterable of str, optional
        Drop every activity whose code starts with one of these (e.g. a chapter ``"97"``).
    population : DataFrame, optional
        ``region[, year], value``; with ``min_population`` keeps regions at least that large
        (regions without a population are dropped).
    min_population : float, optional
        Minimum population (the Atlas keeps countries with >= 1 million people).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame or Panel
        The same kind as ``data`` without the dropped values. What was dropped is never silent:
        ``attrs["filtered"]`` (tables) or ``meta["filtered"]`` (panels) lists the dropped
        regions and activities per period, and the number of dropped rows.

    Notes
    -----
    Region totals are taken before activity totals, both on the values after the exclusions;
    filters are applied once (not iterated; see :func:`trim` for iterative trimming of M). The
    Atlas keeps countries with exports >= 1 bn USD and population >= 1 M.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity.
       MIT Press (country filters).
    .. [2] IPPR (2014). Manufacturing matters: the West Midlands (excluded erratic items).

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [5.0, 1.0, 2.0]})
    >>> out = filter_totals(df, min_region_total=3)
    >>> out["region"].tolist(), out.attrs["filtered"]["regions"]
    (['a', 'a'], {None: ['b']})
    """
    panel = as_panel(data, columns=columns)
    x = panel.values.tocsr().copy()
    report: dict[str, object] = {"regions": {}, "activities": {}}
    # activity exclusions (all periods)
    codes = panel.activities.astype(str)
    drop_a = np.zeros(panel.n_activities, dtype=bool)
    if exclude_activities is not None:
        drop_a |= codes.isin([str(c) for c in exclude_activities])
    if exclude_prefixes is not None:
        for prefix in exclude_prefixes:
            drop_a |= codes.str.startswith(str(prefix))
    report["excluded_activities"] = panel.activities[drop_a].tolist()
    if drop_a.any():
        x = x @ sp.diags((~drop_a).astype(float))
    drop_rows = np.zeros(x.shape[0], dtype=bool)
    if min_population is not None:
        pop = _population_vector(panel, population, columns)
        drop_rows |= ~(pop >= float(min_population))
    if min_region_total is not None:
        drop_rows |= np.asarray(x.sum(axis=1)).ravel() < float(min_region_total)
    drop_rows &= np.asarray(panel.values.sum(axis=1)).ravel() > 0  # only report present regions
    x = sp.diags((~drop_rows).astype(float)) @ x
    drop_cols = np.zeros((panel.n_years, panel.n_activities), dtype=bool)
    if min_activity_total is not None:
        tot = np.asarray((panel.year_indicator() @ x).todense())
        present = np.asarray((panel.year_indicator() @ panel.values).todense()) > 0
        drop_cols = (tot < float(min_activity_total)) & present & ~drop_a[None, :]
        keep = sp.csr_matrix(~drop_cols[panel.year_of_row()].astype(bool))
        x = x.multiply(keep).tocsr()
    for t, year in enumerate(panel.years):
        rows = drop_rows[t * panel.n_regions : (t + 1) * panel.n_regions]
        if rows.any():
            report["regions"][year] = panel.regions[rows].tolist()
        if drop_cols[t].any():
            report["activities"][year] = panel.activities[drop_cols[t]].tolist()
    x.eliminate_zeros()
    report["rows_dropped"] = int(panel.values.nnz - x.nnz)
    out = panel.with_values(x, meta={"filtered": report})
    return _like_input(data, out, columns)


def trim(
    data: pd.DataFrame | Panel,
    *,
    min_diversity: int = 1,
    min_ubiquity: int = 1,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    max_rounds: int = 100,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame | Panel:
    """Iteratively drop regions and activities below a minimum diversity and ubiquity.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    min_diversity, min_ubiquity : int
        Keep a region with ``k_r0 >= min_diversity`` and an activity with
        ``k_a0 >= min_ubiquity``.
    method, threshold, population
        How M is obtained (see :func:`specialisation`).
    max_rounds : int
        Safety bound on the rounds.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame or Panel
        The same kind as ``data`` with the values of dropped region-periods and
        activity-periods removed; ``attrs["trimmed"]`` / ``meta["trimmed"]`` gives the rounds
        and the dropped keys per period.

    Notes
    -----
    Each round recomputes RCA and M on the remaining values (dropping a region changes every
    activity's world share), then drops every region-period with ``k_r0 < min_diversity`` and
    activity-period with ``k_a0 < min_ubiquity``; it stops when a round drops nothing. All
    periods are trimmed together, each on its own M.

    References
    ----------
    .. [1] Tacchella, A., Cristelli, M., Caldarelli, G., Gabrielli, A. & Pietronero, L. (2012).
       A new metrics for countries' fitness and products' complexity. Scientific Reports 2, 723.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b", "b", "c"],
    ...                    "activity": ["x", "y", "x", "y", "z"],
    ...                    "value": [1.0, 1.0, 1.0, 1.0, 1.0]})
    >>> out = trim(df, min_ubiquity=2)  # z has ubiquity 1, then c has diversity 0
    >>> sorted(set(out["activity"])), sorted(set(out["region"]))
    (['x', 'y'], ['a', 'b'])
    """
    panel = as_panel(data, columns=columns)
    min_diversity = check_int(min_diversity, name="min_diversity")
    min_ubiquity = check_int(min_ubiquity, name="min_ubiquity")
    x = panel.values.copy()
    ind = panel.year_indicator()
    dropped_rows = np.zeros(x.shape[0], dtype=bool)
    dropped_cols = np.zeros((panel.n_years, panel.n_activities), dtype=bool)
    rounds = 0
    for rounds in range(1, check_int(max_rounds, name="max_rounds", minimum=1) + 1):  # noqa: B007
        current = panel.with_values(x)
        _, m = presence_matrices(current, method=method, threshold=threshold,
                                 population=population, columns=columns)
        present_rows = np.asarray(x.sum(axis=1)).ravel() > 0
        present_cols = np.asarray((ind @ x).todense()) > 0
        div = np.asarray(m.sum(axis=1)).ravel()
        ubi = np.asarray((ind @ m).todense())
        bad_rows = present_rows & (div < min_diversity)
        bad_cols = present_cols & (ubi < min_ubiquity)
        if not bad_rows.any() and not bad_cols.any():
            break
        dropped_rows |= bad_rows
        dropped_cols |= bad_cols
        keep = sp.csr_matrix(~bad_cols[panel.year_of_row()])
        x = (sp.diags((~bad_rows).astype(float)) @ x).multiply(keep).tocsr()
        x.eliminate_zeros()
    report: dict[str, object] = {"rounds": rounds, "regions": {}, "activities": {},
                                 "min_diversity": min_diversity, "min_ubiquity": min_ubiquity}
    for t, year in enumerate(panel.years):
        rows = dropped_rows[t * panel.n_regions : (t + 1) * panel.n_regions]
        if rows.any():
            report["regions"][year] = panel.regions[rows].tolist()
        if dropped_cols[t].any():
            report["activities"][year] = panel.activities[dropped_cols[t]].tolist()
    out = panel.with_values(x, meta={"trimmed": report})
    return _like_input(data, out, columns)


# -- changes over time ---------------------------------------------------------------------------


def entries_exits(
    data: pd.DataFrame | Panel,
    *,
    start: object,
    end: object,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Specialisations gained (M 0 -> 1, entry) and lost (1 -> 0, exit) between two periods.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``year``, ``value``.
    start, end : year
        The two periods compared (both must be in the data).
    method, threshold, population
        How M is obtained (see :func:`specialisation`); M is computed within each period.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity, m_start, m_end, status`` for every pair with M = 1 in either
        period; ``status`` is ``"entry"``, ``"exit"`` or ``"kept"``. Pairs with M = 0 in both
        periods (the other candidates for entry) are left out: they are every other pair.

    Notes
    -----
    ``entry_ra = 1 if M_ra(start) = 0 and M_ra(end) = 1``; ``exit_ra = 1 if M_ra(start) = 1 and
    M_ra(end) = 0`` (Balland et al. 2018; Neffke, Henning & Boschma 2011). Two-point
    comparisons of erratic series mislead; see :func:`rca_trend`.

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b", "a", "b", "b"],
    ...                    "activity": ["x", "y", "x", "x", "x", "y"],
    ...                    "year": [1, 1, 1, 2, 2, 2], "value": [1.0, 3.0, 1.0, 1.0, 1.0, 3.0]})
    >>> entries_exits(df, start=1, end=2)[["region", "activity", "status"]].values.tolist()
    [['a', 'x', 'entry'], ['a', 'y', 'exit'], ['b', 'x', 'exit'], ['b', 'y', 'entry']]
    """
    panel = as_panel(data, columns=columns)
    ts = []
    for label, year in (("start", start), ("end", end)):
        if year not in panel.years:
            raise ValidationError(f"{label}={year!r} is not a period of the data; "
                                  f"periods: {list(panel.years)}")
        ts.append(panel.years.get_loc(year))
    _, m = presence_matrices(panel, method=method, threshold=threshold, population=population,
                             columns=columns)
    m0 = (panel.block(ts[0], m) >= 1).astype(np.int8)
    m1 = (panel.block(ts[1], m) >= 1).astype(np.int8)
    union = (m0 + m1).tocoo()
    order = np.lexsort((union.col, union.row))
    rows, cols = union.row[order], union.col[order]
    from .panel import _values_at

    a = _values_at(sp.csr_matrix(m0, dtype=float), rows, cols).astype(np.int8)
    b = _values_at(sp.csr_matrix(m1, dtype=float), rows, cols).astype(np.int8)
    status = np.where(a < b, "entry", np.where(a > b, "exit", "kept"))
    out = pd.DataFrame({
        "region": panel.regions.take(rows),
        "activity": panel.activities.take(cols),
        "m_start": a, "m_end": b, "status": status,
    })
    return _with_attrs(out, panel, method=method, threshold=_threshold(method, threshold),
                       start=start, end=end)


def rca_trend(
    data: pd.DataFrame | Panel,
    *,
    years: Iterable[object] | None = None,
    method: str = "balassa",
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """OLS trend of RCA over several periods, with its standard error, per region-activity.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, numeric ``year``, ``value``.
    years : iterable, optional
        The periods used (default: all); at least 3.
    method : {"balassa", "rpop"}
        RCA formula; a pair without value in a period has RCA 0 there.
    population : DataFrame, optional
        For ``method="rpop"``.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity, n_years, mean_rca, slope, se`` for every pair with a value in at
        least one of the periods; ``slope`` is RCA change per unit of ``year``.

    Notes
    -----
    For each pair, ``slope = sum_t (t - tbar) y_t / Sxx`` with ``Sxx = sum_t (t - tbar)^2``, and
    ``se = sqrt(SSE / (n - 2) / Sxx)`` with ``SSE = sum y^2 - n ybar^2 - slope^2 Sxx``. All
    sums are sparse products over the stacked panel, so every pair is fitted at once. Trends
    rather than two-point comparisons (IPPR 2014, figures 3.3-3.4).

    References
    ----------
    .. [1] IPPR (2014). Manufacturing matters: the West Midlands, figures 3.3-3.4.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "b"] * 3, "activity": "x",
    ...                    "year": [1, 1, 2, 2, 3, 3], "value": [1.0] * 6})
    >>> rca_trend(df)[["slope", "se"]].values.tolist()  # RCA 1 every year: flat, exact
    [[0.0, 0.0], [0.0, 0.0]]
    """
    check_choice(method, ("balassa", "rpop"), name="method")
    panel = as_panel(data, columns=columns)
    if years is None:
        use = np.arange(panel.n_years)
    else:
        years = list(years)
        missing = [y for y in years if y not in panel.years]
        if missing:
            raise ValidationError(f"years {missing} are not periods of the data")
        use = np.array([panel.years.get_loc(y) for y in years])
    if len(use) < 3:
        raise ValidationError(f"a trend needs at least 3 periods, got {len(use)}")
    try:
        tval = np.asarray(panel.years[use], dtype=float)
    except (TypeError, ValueError):
        raise ValidationError("rca_trend needs numeric years") from None
    r = rca_matrix(panel, method=method, population=population, columns=columns)
    r.data = np.nan_to_num(r.data)
    n = len(use)
    tc = tval - tval.mean()
    sxx = float((tc**2).sum())

    def _sum(weights: np.ndarray, mat: sp.csr_matrix) -> sp.csr_matrix:
        w = np.zeros(panel.n_years)
        w[use] = weights
        return sp.kron(sp.csr_matrix(w), sp.identity(panel.n_regions, format="csr")) @ mat

    sy = _sum(np.ones(n), r)
    sy2 = _sum(np.ones(n), r.multiply(r).tocsr())
    sty = _sum(tc / sxx, r)
    pattern = sp.csr_matrix(_sum(np.ones(n), panel.values) > 0)
    coo = pattern.tocoo()
    order = np.lexsort((coo.col, coo.row))
    rows, cols = coo.row[order], coo.col[order]
    from .panel import _values_at

    mean = _values_at(sp.csr_matrix(sy), rows, cols) / n
    slope = _values_at(sp.csr_matrix(sty), rows, cols)
    sse = _values_at(sp.csr_matrix(sy2), rows, cols) - n * mean**2 - slope**2 * sxx
    se = np.sqrt(np.clip(sse, 0.0, None) / (n - 2) / sxx)
    out = pd.DataFrame({
        "region": panel.regions.take(rows), "activity": panel.activities.take(cols),
        "n_years": n, "mean_rca": mean, "slope": slope, "se": se,
    })
    return _with_attrs(out, panel, method=method, years=list(panel.years[use]))


# -- helpers -------------------------------------------------------------------------------------


def _threshold(method: str, threshold: float | None) -> float | None:
    if method == "given":
        return None
    if threshold is None:
        return 0.0 if method == "additive" else 1.0
    return float(threshold)


def _population_vector(
    panel: Panel, population: pd.DataFrame | np.ndarray | None, columns: Mapping[str, str] | None
) -> np.ndarray:
    if population is None:
        raise ValidationError("method='rpop' and min_population need a population table "
                              "(region[, year], value)")
    if isinstance(population, np.ndarray):
        if population.shape != (panel.n_years * panel.n_regions,):
            raise ValidationError(f"population vector of shape {population.shape} does not fit "
                                  f"{panel.n_years * panel.n_regions} stacked rows")
        return population.astype(float)
    pop = panel.region_vector(population, columns=columns, name="population")
    present = np.asarray(panel.values.sum(axis=1)).ravel() > 0
    missing = present & ~np.isfinite(pop)
    if missing.any():
        names = sorted(set(panel.regions[np.flatnonzero(missing) % panel.n_regions]))
        warnings.warn(f"{len(names)} region(s) have values but no population, e.g. "
                      f"{names[:5]}; their rpop is NaN (M = 0)", stacklevel=3)
    return pop


def _with_attrs(out: pd.DataFrame, panel: Panel, **options: object) -> pd.DataFrame:
    """Record the options (conventions) and the panel's notes with a result."""
    out.attrs.update({k: v for k, v in options.items()})
    if panel.meta:
        out.attrs["panel"] = dict(panel.meta)
    return out


def _like_input(
    data: pd.DataFrame | Panel, panel: Panel, columns: Mapping[str, str] | None
) -> pd.DataFrame | Panel:
    """Return ``panel`` as a Panel, or as a long table in the caller's column names."""
    if isinstance(data, Panel):
        return panel
    cols = resolve_columns(columns)
    out = panel.to_frame()
    out = out.rename(columns={k: cols[k] for k in ("region", "activity", "year", "value")})
    out.attrs.update(panel.meta)
    return out
