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
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Revealed comparative advantage of every observed region-activity pair, for every period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method : {"balassa", "additive"}
        Balassa's ratio (default) or the additive difference of shares (IPPR 2014).
    columns : mapping, optional
        Column names when they differ from ``region``, ``activity``, ``year``, ``value``.

    Returns
    -------
    DataFrame
        ``region, activity[, year], value, rca``, one row per pair with a positive value.

    Notes
    -----
    Balassa: ``RCA_ra = (X_ra / X_r.) / (X_.a / X_..)``; additive: ``X_ra / X_r. - X_.a / X_..``,
    totals taken within each period. Missing values are dropped before totals are formed.
    Called RTA for patents and location quotient for employment: the formula is the same.

    References
    ----------
    .. [1] Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage.
       The Manchester School 33(2), 99-123.
    .. [2] IPPR (2014). Manufacturing matters: the West Midlands, footnote 11 (additive RCA).

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [1.0, 1.0, 2.0]})
    >>> rca(df)["rca"].round(4).tolist()  # a: (1/2)/(3/4), (1/2)/(1/4); b: (2/2)/(3/4)
    [0.6667, 2.0, 1.3333]
    """
    panel = as_panel(data, columns=columns)
    r = rca_matrix(panel, method=method)
    return panel.to_frame({"value": panel.values, "rca": r}, pattern=panel.values)


def specialisation(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """RCA and binary specialisation ``M`` of every observed pair, for every period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method : {"balassa", "additive"}
        RCA formula (see :func:`rca`).
    threshold : float, optional
        ``M_ra = 1`` when ``RCA_ra >= threshold``; default 1 for Balassa and 0 for additive RCA.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity[, year], value, rca, m`` (``m`` is 0 or 1).

    Notes
    -----
    ``M_ra = 1 if RCA_ra >= threshold else 0`` (Hidalgo et al. 2007; the Atlas uses ``>= 1``,
    EconGeo ``> 1``).

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
    """
    panel = as_panel(data, columns=columns)
    if threshold is None:
        threshold = 1.0 if method == "balassa" else 0.0
    r = rca_matrix(panel, method=method)
    m = binary_matrix(r, threshold=threshold)
    out = panel.to_frame({"value": panel.values, "rca": r, "m": m}, pattern=panel.values)
    out["m"] = out["m"].astype(np.int8)
    return out


def diversity(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Diversity ``k_r0 = sum_a M_ra``: how many activities each region is specialised in.

    Returns ``region[, year], diversity`` for every region and period of the panel (0 for a region
    with no values in a period).

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [1.0, 1.0, 2.0]})
    >>> diversity(df)["diversity"].tolist()
    [1, 1]
    """
    panel = as_panel(data, columns=columns)
    m = _m(panel, method, threshold)
    k = np.asarray(m.sum(axis=1)).ravel().astype(np.int64)
    return panel.region_frame({"diversity": k})


def ubiquity(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Ubiquity ``k_a0 = sum_r M_ra``: how many regions are specialised in each activity.

    Returns ``activity[, year], ubiquity`` for every activity and period.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [1.0, 1.0, 2.0]})
    >>> ubiquity(df)["ubiquity"].tolist()
    [1, 1]
    """
    panel = as_panel(data, columns=columns)
    m = _m(panel, method, threshold)
    k = np.asarray((panel.year_indicator() @ m).todense()).astype(np.int64)
    return panel.activity_frame({"ubiquity": k})


def _m(panel: Panel, method: str, threshold: float | None) -> sp.csr_matrix:
    if threshold is None:
        threshold = 1.0 if method == "balassa" else 0.0
    return binary_matrix(rca_matrix(panel, method=method), threshold=threshold)
