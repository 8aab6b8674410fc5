"""Relatedness: proximity (product / knowledge space), density, distance, complexity outlook.

Every function takes a long table (``region, activity[, year], value``) or a
:class:`~smartspec.algorithms.panel.Panel`, obtains M as :func:`~.specialisation.specialisation`
does (options ``method``, ``threshold``, ``continuous``, ``population``) and computes each period
on its own. Proximities come out as pair tables (``activity_a, activity_b[, year], proximity``,
one row per unordered pair, zeros left out); density, distance and COG as one row per region,
activity and period. The conventions used (proximity measure and diagonal, density scale, COG
normaliser) are recorded in ``DataFrame.attrs``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import (
    ValidationError,
    check_choice,
    check_ddof,
    check_frame,
    check_numeric,
    resolve_columns,
)
from .complexity import _eigen, _prepare
from .panel import Panel, as_panel
from .specialisation import _threshold, _with_attrs, presence_matrices

__all__ = [
    "MEASURES",
    "COOCCURRENCE_MEASURES",
    "SCALES",
    "NORMALISERS",
    "proximity",
    "region_proximity",
    "cooccurrence_proximity",
    "density",
    "distance",
    "relative_relatedness",
    "coi",
    "cog",
    "cross_proximity",
    "cross_density",
    "proximity_matrix",
]

#: Proximity measures computed from M (or from RCA with ``continuous=True``).
MEASURES = ("conditional", "cosine", "jaccard", "association", "correlation")
#: EconGeo's normalisations of a co-occurrence count matrix.
COOCCURRENCE_MEASURES = ("association", "prob", "cosine", "jaccard")
#: Density scales: 0-1 (Growth Lab, OEC, R) or percent (EconGeo, econcomplex).
SCALES = ("unit", "percent")
#: COG normalisers: the gained activity j's proximity sum (Growth Lab) or the target's.
NORMALISERS = ("activity", "target")
#: Floating point of the proximity products: "auto" is single from 1 M cells per period.
PRECISIONS = ("auto", "double", "single")
_SINGLE_FROM = 1_000_000


# -- proximity engine ----------------------------------------------------------------------------


def proximity_matrix(
    m: np.ndarray | sp.spmatrix,
    *,
    measure: str = "conditional",
    values: np.ndarray | sp.spmatrix | None = None,
    diagonal: float | None = None,
    dtype: type = np.float64,
) -> np.ndarray:
    """Dense ``n x n`` proximity between the columns of one period's ``regions x n`` matrix.

    Parameters
    ----------
    m : array or sparse matrix
        M of one period (rows are regions, columns the items to relate).
    measure : {"conditional", "cosine", "jaccard", "association", "correlation"}
        See :func:`proximity`.
    values : array or sparse matrix, optional
        Continuous values (RCA) used by ``"correlation"`` and, when given, by ``"cosine"``.
    diagonal : float, optional
        Value put on the diagonal (default: what the formula gives, 1 for a present item).
    dtype : numpy float type
        Precision of the result (co-occurrence counts of a 0/1 M are exact in either).

    Returns
    -------
    ndarray
        Symmetric proximity matrix (positions as in ``m``'s columns).

    Notes
    -----
    With ``C = M^T M`` and ``k = diag(C)``: conditional ``C_ij / max(k_i, k_j)``; cosine
    ``C_ij / sqrt(k_i k_j)``; Jaccard ``C_ij / (k_i + k_j - C_ij)``; association
    ``C_ij n_regions / (k_i k_j)`` (observed co-occurrence over its expectation under
    independence); correlation ``(1 + corr(RCA_i, RCA_j)) / 2`` over the regions. Items without
    any region get 0.

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
       conditions the development of nations. Science 317, 482-487.

    Examples
    --------
    >>> m = np.array([[1, 1], [1, 0], [1, 0]])
    >>> proximity_matrix(m).tolist()  # C_xy = 1, max(k) = 3
    [[1.0, 0.3333333333333333], [0.3333333333333333, 1.0]]
    """
    check_choice(measure, MEASURES, name="measure")
    if measure == "correlation" or (measure == "cosine" and values is not None):
        x = values if values is not None else m
        x = x.toarray() if sp.issparse(x) else np.asarray(x, dtype=float)
        x = np.nan_to_num(x.astype(float))
        if measure == "correlation":
            with np.errstate(invalid="ignore", divide="ignore"):
                phi = (1 + np.corrcoef(x.T)) / 2
        else:
            phi = _gram(x)
            norm = np.sqrt(np.diag(phi).copy())
            with np.errstate(invalid="ignore", divide="ignore"):
                phi /= norm[:, None]
                phi /= norm[None, :]
        phi = np.nan_to_num(phi)
    else:
        md = m.toarray() if sp.issparse(m) else np.asarray(m)
        phi = _gram(np.asarray(md), dtype)
        k = np.diag(phi).copy()
        safe = np.where(k > 0, k, 1.0)  # an absent item has C = 0 everywhere: 0 / 1 = 0
        buf = np.empty_like(phi)
        with np.errstate(invalid="ignore", divide="ignore"):
            if measure == "conditional":
                np.maximum(safe[:, None], safe[None, :], out=buf)
                np.divide(phi, buf, out=phi)
            elif measure == "cosine":
                s = 1 / np.sqrt(safe)
                phi *= s[:, None]
                phi *= s[None, :]
            elif measure == "jaccard":
                np.add(k[:, None], k[None, :], out=buf)
                buf -= phi
                buf[buf == 0] = 1.0
                np.divide(phi, buf, out=phi)
            else:  # association
                phi *= md.shape[0]
                phi /= safe[:, None]
                phi /= safe[None, :]
        del buf
    if diagonal is not None:
        np.fill_diagonal(phi, float(diagonal))
    return phi.astype(dtype, copy=False)


def _gram(x: np.ndarray, dtype: type = np.float64) -> np.ndarray:
    """``x^T x`` in ``dtype``; a 0/1 matrix goes through single precision, which is exact.

    Counts of co-occurrence are integers below 2^24 (the number of regions), so the float32
    product (twice as fast) gives them exactly.
    """
    if x.shape[1] == 0:
        return np.zeros((0, 0), dtype=dtype)
    if x.dtype == np.float32 or (x.shape[0] < 2**24 and not np.any((x != 0) & (x != 1))):
        x32 = x.astype(np.float32, copy=False)
        c = x32.T @ x32
        return c if dtype == np.float32 else c.astype(dtype)
    x = x.astype(np.float64, copy=False)
    return (x.T @ x).astype(dtype, copy=False)


def _pairs_frame(
    mats: Iterator[tuple[object, np.ndarray]],
    keys: pd.Index,
    names: tuple[str, str],
    has_year: bool,
    min_value: float,
    value_name: str = "proximity",
) -> pd.DataFrame:
    """Upper-triangle pairs with a value above ``min_value`` (and > 0) of per-period matrices."""
    parts = []
    for year, phi in mats:
        iu, ju = np.triu_indices(phi.shape[0], 1)
        v = phi[iu, ju]
        keep = (v > 0) & (v >= min_value)
        part = {names[0]: keys.take(iu[keep]), names[1]: keys.take(ju[keep])}
        if has_year:
            part["year"] = np.repeat(year, keep.sum())
        part[value_name] = v[keep]
        parts.append(pd.DataFrame(part))
    return pd.concat(parts, ignore_index=True)


def proximity(
    data: pd.DataFrame | Panel,
    *,
    measure: str = "conditional",
    continuous: bool = False,
    min_proximity: float = 0.0,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Proximity between activities from co-specialisation across regions, per period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    measure : {"conditional", "cosine", "jaccard", "association", "correlation"}
        Minimum conditional probability (Hidalgo et al. 2007, default), cosine, Jaccard,
        association strength, or the continuous ``(1 + corr(RCA)) / 2`` of the Growth Lab.
    continuous : bool
        Use RCA instead of M for ``"cosine"`` (``"correlation"`` always uses RCA).
    min_proximity : float
        Leave out pairs below this (zeros are always left out).
    method, threshold, population
        How M and RCA are obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``activity_a, activity_b[, year], proximity``: one row per unordered pair
        (``activity_a < activity_b``).

    Notes
    -----
    ``phi_ij = sum_r M_ri M_rj / max(k_i0, k_j0)``, the minimum of ``P(M_i | M_j)`` and
    ``P(M_j | M_i)``. Other measures: see :func:`proximity_matrix`. The diagonal (1 in the
    Growth Lab and R, 0 in the OEC and EconGeo) is not listed; it matters for density (see
    :func:`density`).

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
       conditions the development of nations. Science 317, 482-487.
    .. [2] van Eck, N. J. & Waltman, L. (2009). How to normalize cooccurrence data? JASIST
       60(8), 1635-1651.

    Examples
    --------
    Regions a, b, c all do x; only a also does y: ``phi_xy = 1 / max(3, 1)``.

    >>> df = pd.DataFrame({"region": list("aabc"), "activity": list("xyxx"), "value": 1.0})
    >>> proximity(df, method="given").values.tolist()
    [['x', 'y', 0.3333333333333333]]
    """
    panel, r, m = _prepare(data, method, threshold, False, population, columns)
    check_choice(measure, MEASURES, name="measure")
    use_values = measure == "correlation" or (continuous and measure == "cosine")

    def mats() -> Iterator[tuple[object, np.ndarray]]:
        for t, year in enumerate(panel.years):
            vals = panel.block(t, r) if use_values else None
            yield year, proximity_matrix(panel.block(t, m), measure=measure, values=vals)

    out = _pairs_frame(mats(), panel.activities, ("activity_a", "activity_b"), panel.has_year,
                       float(min_proximity))
    return _with_attrs(out, panel, measure=measure, continuous=use_values, method=method,
                       threshold=_threshold(method, threshold))


def region_proximity(
    data: pd.DataFrame | Panel,
    *,
    measure: str = "conditional",
    continuous: bool = False,
    min_proximity: float = 0.0,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Proximity between regions from the activities they share, per period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    measure, continuous, min_proximity
        As in :func:`proximity`, with the roles of regions and activities swapped.
    method, threshold, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region_a, region_b[, year], proximity``, one row per unordered pair.

    Notes
    -----
    ``phi_rs = sum_a M_ra M_sa / max(k_r0, k_s0)``; with ``measure="correlation"`` it is
    ``(1 + corr(RCA_r, RCA_s)) / 2`` over activities (Bahar et al. 2014 use the correlation of
    log RCA).

    References
    ----------
    .. [1] Bahar, D., Hausmann, R. & Hidalgo, C. A. (2014). Neighbors and the evolution of the
       comparative advantage of nations. Journal of International Economics 92(1), 111-123.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aabc"), "activity": list("xyxx"), "value": 1.0})
    >>> region_proximity(df, method="given").values.tolist()  # a, b share x: 1 / max(2, 1)
    [['a', 'b', 0.5], ['a', 'c', 0.5], ['b', 'c', 1.0]]
    """
    panel, r, m = _prepare(data, method, threshold, False, population, columns)
    check_choice(measure, MEASURES, name="measure")
    use_values = measure == "correlation" or (continuous and measure == "cosine")

    def mats() -> Iterator[tuple[object, np.ndarray]]:
        for t, year in enumerate(panel.years):
            vals = panel.block(t, r).T if use_values else None
            yield year, proximity_matrix(panel.block(t, m).T, measure=measure, values=vals)

    out = _pairs_frame(mats(), panel.regions, ("region_a", "region_b"), panel.has_year,
                       float(min_proximity))
    return _with_attrs(out, panel, measure=measure, continuous=use_values, method=method,
                       threshold=_threshold(method, threshold))


def cooccurrence_proximity(
    data: pd.DataFrame,
    *,
    measure: str = "association",
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Relatedness from a co-occurrence count table (e.g. classes co-listed on patents).

    Parameters
    ----------
    data : DataFrame
        ``activity_a, activity_b[, year], value``: co-occurrence counts. A pair may be listed
        once (either order) or in both orders with the same count; a row with
        ``activity_a == activity_b`` is ignored (the diagonal is set to 0 as EconGeo does).
    measure : {"association", "prob", "cosine", "jaccard"}
        EconGeo's ``relatedness(method=...)``.
    columns : mapping, optional
        Names of the ``year`` and ``value`` columns when they differ.

    Returns
    -------
    DataFrame
        ``activity_a, activity_b[, year], proximity``, one row per unordered pair with a
        positive count. Balland binarises at 1: values above 1 mean related.

    Notes
    -----
    With ``C`` the symmetric counts with a zero diagonal, ``s_i = sum_j C_ij`` and
    ``t = sum_ij C_ij`` (each pair counted in both orders), as in EconGeo:
    association ``(C_ij / t) / ((s_i / t)(s_j / t))``; prob
    ``C_ij / (((s_i / t)(s_j / (t - s_i)) + (s_j / t)(s_i / (t - s_j))) * t / 2)``;
    cosine ``C_ij / sqrt(s_i s_j)``; Jaccard ``C_ij / (s_i + s_j - C_ij)``.

    References
    ----------
    .. [1] van Eck, N. J. & Waltman, L. (2009). How to normalize cooccurrence data? JASIST
       60(8), 1635-1651.
    .. [2] Steijn, M. P. A. (2017). Improvement on the association strength. Working paper,
       Utrecht University (the "prob" measure).
    .. [3] Balland, P.-A. (2017). EconGeo: computing key indicators of the spatial
       distribution of economic activities. R package.

    Examples
    --------
    >>> c = pd.DataFrame({"activity_a": ["x", "x", "y"], "activity_b": ["y", "z", "z"],
    ...                   "value": [2.0, 1.0, 1.0]})
    >>> cooccurrence_proximity(c)["proximity"].tolist()  # t = 8; s = 3, 3, 2
    [1.7777777777777777, 1.3333333333333333, 1.3333333333333333]
    """
    check_choice(measure, COOCCURRENCE_MEASURES, name="measure")
    cols = resolve_columns(columns)
    check_frame(data, ["activity_a", "activity_b", cols["value"]], name="co-occurrence table")
    value = check_numeric(data[cols["value"]], name=cols["value"])
    has_year = cols["year"] in data.columns
    keep = ~np.isnan(value)
    a = data["activity_a"].to_numpy()[keep]
    b = data["activity_b"].to_numpy()[keep]
    value = value[keep]
    year = data[cols["year"]].to_numpy()[keep] if has_year else np.zeros(len(value), int)
    keys = pd.Index(np.unique(np.concatenate([a, b])))
    ia, ib = keys.get_indexer(a), keys.get_indexer(b)
    years = pd.Index(np.unique(year))
    n = len(keys)

    def mats() -> Iterator[tuple[object, np.ndarray]]:
        for yv in years:
            sel = (year == yv) & (ia != ib)
            c = sp.coo_matrix((value[sel], (ia[sel], ib[sel])), shape=(n, n)).toarray()
            both = (c > 0) & (c.T > 0)
            if np.any(both & ~np.isclose(c, c.T)):
                raise ValidationError("co-occurrence table lists a pair in both orders with "
                                      "different counts")
            c = np.maximum(c, c.T)
            s = c.sum(axis=0)
            t = c.sum()
            si, sj = s[None, :], s[:, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                if measure == "association":
                    phi = (c / t) / ((si / t) * (sj / t))
                elif measure == "prob":
                    phi = c / (((si / t) * (sj / (t - si)) + (sj / t) * (si / (t - sj))) * t / 2)
                elif measure == "cosine":
                    phi = c / np.sqrt(si * sj)
                else:
                    phi = c / (si + sj - c)
            phi[~np.isfinite(phi)] = 0.0
            np.fill_diagonal(phi, 0.0)
            yield yv, phi

    out = _pairs_frame(mats(), keys, ("activity_a", "activity_b"), has_year, 0.0)
    out.attrs.update(measure=measure, source="cooccurrence")
    return out


# -- density and the measures built on it --------------------------------------------------------


@dataclass
class _Related:
    """Dense per-period results on the stacked ``(n_years * n_regions, n_activities)`` rows."""

    m: np.ndarray
    density: np.ndarray
    cog: np.ndarray | None
    coi: np.ndarray | None
    pairs: list[tuple[object, np.ndarray]] | None = None


def _proximity_from_table(panel: Panel, table: pd.DataFrame, columns) -> list[np.ndarray]:
    cols = resolve_columns(columns)
    check_frame(table, ["activity_a", "activity_b", "proximity"], name="proximity table")
    use_year = panel.has_year and cols["year"] in table.columns
    ia = panel.activities.get_indexer(table["activity_a"].to_numpy())
    ib = panel.activities.get_indexer(table["activity_b"].to_numpy())
    v = check_numeric(table["proximity"], name="proximity")
    yi = (panel.years.get_indexer(table[cols["year"]].to_numpy()) if use_year
          else np.zeros(len(table), int))
    ok = (ia >= 0) & (ib >= 0) & (yi >= 0) & np.isfinite(v)
    n = panel.n_activities
    out = []
    for t in range(panel.n_years):
        sel = ok & ((yi == t) | (not use_year))
        phi = sp.coo_matrix((v[sel], (ia[sel], ib[sel])), shape=(n, n)).toarray()
        out.append(np.maximum(phi, phi.T))
    return out


def _one_blas_thread() -> contextlib.AbstractContextManager:
    """Limit BLAS to one thread (when threadpoolctl is installed) for many small products.

    The products of :func:`_conditional_products` are small (regions x a group of activities);
    a multithreaded BLAS gains nothing on them and, on a busy machine, its spinning threads made
    a 6 s run take 18 s. Without threadpoolctl this is a no-op.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        return contextlib.nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _conditional_products(md: np.ndarray, left: np.ndarray, diagonal: float) -> np.ndarray:
    """``left @ phi`` for the minimum conditional probability of a binary M, without ``phi``.

    ``phi_ja = sum_s M_sj M_sa / max(k_j, k_a)`` depends on the target ``a`` only through its
    ubiquity ``k_a``, of which there are at most ``n_regions + 1`` values. Hence
    ``(L phi)_la = sum_s M_sa F_ls(k_a)`` with
    ``F_ls(K) = (1 / K) sum_{j: k_j <= K} L_lj M_sj + sum_{j: k_j > K} L_lj M_sj / k_j``,
    built group by group of equal ubiquity in one ascending sweep: about
    ``4 n_left n_regions n_activities`` flops instead of ``n_activities^2 (n_regions + n_left)``.
    The diagonal of ``phi`` (1 for a present activity by the formula) is then set to
    ``diagonal``.
    """
    n_l = left.shape[0]
    k = md.sum(axis=0)
    order = np.argsort(k, kind="stable")
    ks = k[order]
    first = int(np.searchsorted(ks, 0.5))  # activities before it have k = 0 (no region)
    # activities as rows, so that each group of equal ubiquity is a contiguous block
    mt = np.ascontiguousarray(md[:, order[first:]].T)
    lt = np.ascontiguousarray(left[:, order[first:]].T)
    kp = ks[first:]
    out = np.zeros((n_l, len(k)))
    if len(kp):
        total = lt.T @ (mt / kp[:, None])  # sum_j L_lj M_sj / k_j over all present j
        below = np.zeros_like(total)  # sum_{k_j <= K} L_lj M_sj
        below_scaled = np.zeros_like(total)  # the same terms divided by k_j
        starts = np.flatnonzero(np.r_[True, kp[1:] != kp[:-1]])
        ends = np.r_[starts[1:], len(kp)]
        res = np.empty((len(kp), n_l))
        for b0, b1 in zip(starts, ends, strict=True):
            kk = kp[b0]
            g = lt[b0:b1].T @ mt[b0:b1]
            below += g
            below_scaled += g / kk
            f = below / kk + (total - below_scaled)
            res[b0:b1] = mt[b0:b1] @ f.T
        out[:, order[first:]] = res.T
    out += left * (float(diagonal) - (k > 0))[None, :]
    return out


def _conditional_pairs(
    md: np.ndarray, min_value: float, block: int = 512
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs ``i < j`` with minimum conditional probability ``>= min_value`` (and > 0).

    Works on the upper triangle only, in blocks of rows, with activities sorted by ubiquity so
    that ``max(k_i, k_j) = k_j`` for ``i < j``; a pair can reach ``min_value`` only when
    ``k_i >= min_value k_j`` (as ``C_ij <= k_i``), which bounds the columns of each block.
    Co-occurrence counts are exact in single precision; proximities are divided in double.
    """
    k = md.sum(axis=0)
    order = np.argsort(k, kind="stable")
    ks = k[order]
    ms = np.ascontiguousarray(md[:, order], dtype=np.float32)
    n = len(ks)
    tau = max(float(min_value), 0.0)
    loose = np.maximum(tau * ks * (1 - 1e-9), 0.5)  # counts are integers: > 0 means >= 1
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for i0 in range(0, n, block):
        i1 = min(i0 + block, n)
        if ks[i1 - 1] == 0:
            continue
        j1 = n if tau <= 0 else int(np.searchsorted(ks, ks[i1 - 1] / tau, side="right"))
        j1 = max(j1, i1)
        c = ms[:, i0:i1].T @ ms[:, i0:j1]  # rows i0..i1, columns i0..j1
        bi, bj = np.nonzero(c >= loose[None, i0:j1])
        up = bi < bj
        bi, bj = bi[up], bj[up]
        gi, gj = bi + i0, bj + i0
        v = c[bi, bj].astype(np.float64) / ks[gj]
        keep = v >= tau
        parts.append((gi[keep], gj[keep], v[keep]))
    if not parts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(0)
    si, sj, v = (np.concatenate(x) for x in zip(*parts, strict=True))
    a, b = order[si], order[sj]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    srt = np.lexsort((hi, lo))
    return lo[srt], hi[srt], v[srt]


def _related(
    panel: Panel,
    r: sp.csr_matrix,
    m: sp.csr_matrix,
    *,
    measure: str,
    continuous: bool,
    diagonal: float,
    proximity_table: pd.DataFrame | None,
    columns: Mapping[str, str] | None,
    pci: np.ndarray | None = None,
    normaliser: str = "activity",
    subtract_target: bool = False,
    keep_pairs: float | None = None,
    precision: str = "auto",
    keep_dense: bool = True,
) -> _Related:
    """Density (0-1) and, when ``pci`` is given, COG and raw COI, for every period.

    For the minimum conditional probability of a binary M on a panel with fewer regions than
    activities the products with ``phi`` are taken without forming ``phi`` (see
    :func:`_conditional_products`); otherwise ``phi`` is formed per period. Without
    ``keep_dense`` the dense M, density and COG of a period are dropped once its COI is taken
    (only one period's dense matrices are held; ``m``, ``density`` and ``cog`` come back None,
    and COG is not computed).
    """
    check_choice(measure, MEASURES, name="measure")
    check_choice(precision, PRECISIONS, name="precision")
    single = precision == "single" or (
        precision == "auto" and panel.n_regions * panel.n_activities >= _SINGLE_FROM)
    dt = np.float32 if single else np.float64
    check_choice(normaliser, NORMALISERS, name="normaliser")
    n_r, n_a = panel.n_regions, panel.n_activities
    tables = (_proximity_from_table(panel, proximity_table, columns)
              if proximity_table is not None else None)
    use_values = measure == "correlation" or (continuous and measure == "cosine")
    binary = m.data.size == 0 or bool(np.all(m.data == 1))
    fast = (tables is None and measure == "conditional" and not use_values and binary
            and 2 * n_r <= n_a)
    stacked = panel.n_years * n_r if keep_dense else n_r
    dens = np.empty((stacked, n_a))
    mm = np.empty_like(dens)
    cog = np.empty_like(dens) if pci is not None else None
    coi = np.empty(panel.n_years * n_r) if pci is not None else None
    pairs: list[tuple[object, np.ndarray]] | None = [] if keep_pairs is not None else None
    with _one_blas_thread() if fast else contextlib.nullcontext():
        for t in range(panel.n_years):
            rows = slice(t * n_r, (t + 1) * n_r) if keep_dense else slice(0, n_r)
            p = np.nan_to_num(pci[t]) if pci is not None else None
            if fast:
                md = panel.block(t, m).toarray()
                mm[rows] = md
                if pairs is not None:
                    pairs.append((panel.years[t], _conditional_pairs(md, keep_pairs)))
                prod = _conditional_products(md, np.vstack([md, np.ones((1, n_a))]), diagonal)
                colsum = prod[n_r]
                with np.errstate(invalid="ignore", divide="ignore"):
                    inv = np.where(colsum > 0, 1 / colsum, 0.0)
                dens[rows] = prod[:n_r] * inv[None, :]
                if p is None:
                    continue
                if not keep_dense:  # COI only: no COG products
                    coi[t * n_r : (t + 1) * n_r] = ((dens[rows] * (1 - md)) * p[None, :]).sum(1)
                    continue
                w = p * inv if normaliser == "activity" else p
                left = np.vstack([md * w[None, :], w[None, :]])
                extra = _conditional_products(md, left, diagonal)
                mw_phi, phi_w = extra[:n_r], extra[n_r]
            else:
                md = sp.csr_matrix(panel.block(t, m), dtype=dt).toarray()
                mm[rows] = md
                if tables is not None:
                    phi = tables[t].astype(dt)
                else:
                    vals = panel.block(t, r) if use_values else None
                    phi = proximity_matrix(md, measure=measure, values=vals, dtype=dt)
                if pairs is not None:
                    iu, ju = np.nonzero(phi >= max(keep_pairs, np.finfo(float).tiny))
                    upper = iu < ju
                    iu, ju = iu[upper], ju[upper]
                    pairs.append((panel.years[t], (iu, ju, phi[iu, ju])))
                np.fill_diagonal(phi, diagonal)
                colsum = phi.sum(axis=0, dtype=np.float64)
                with np.errstate(invalid="ignore", divide="ignore"):
                    inv = np.where(colsum > 0, 1 / colsum, 0.0)
                if p is None or not keep_dense:
                    dens[rows] = (md @ phi) * inv[None, :]
                    if p is not None:  # COI only: no COG products
                        coi[t * n_r : (t + 1) * n_r] = (
                            (dens[rows] * (1 - md)) * p[None, :]).sum(axis=1)
                    continue
                w = p * inv if normaliser == "activity" else p
                both = np.vstack([md, md * w[None, :].astype(dt)]) @ phi
                dens[rows] = both[:n_r] * inv[None, :]
                mw_phi = both[n_r:]
                phi_w = (phi @ w.astype(dt)).astype(np.float64)
            gain = phi_w[None, :] - mw_phi
            if normaliser == "target":
                gain = gain * inv[None, :]
            if subtract_target:
                gain = gain - dens[rows] * p[None, :]
            cog[rows] = (1 - md) * gain if not subtract_target else gain
            cog[rows] += 0.0  # no -0.0 where M = 1 and the gain is negative
            coi[t * n_r : (t + 1) * n_r] = ((dens[rows] * (1 - md)) * p[None, :]).sum(axis=1)
    if not keep_dense:
        return _Related(None, None, None, coi, pairs)
    return _Related(mm, dens, cog, coi, pairs)


def _dense_mask(panel: Panel) -> np.ndarray:
    """Rows of present regions x columns of present activities, per period (stacked)."""
    rows = np.asarray(panel.values.sum(axis=1)).ravel() > 0
    cols = np.asarray((panel.year_indicator() @ panel.values).todense()) > 0
    return rows[:, None] & cols[panel.year_of_row()]


def density(
    data: pd.DataFrame | Panel,
    *,
    proximity: pd.DataFrame | None = None,
    measure: str = "conditional",
    continuous: bool = False,
    diagonal: float = 1.0,
    scale: str = "unit",
    precision: str = "auto",
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Density (relatedness density) of every activity around every region, per period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    proximity : DataFrame, optional
        A pair table ``activity_a, activity_b[, year], proximity`` to use (e.g. from
        :func:`cooccurrence_proximity`); by default computed from M with ``measure``.
    measure, continuous
        Proximity measure when computed (see :func:`proximity`).
    diagonal : float
        ``phi_aa``: 1 (Growth Lab, R; default) or 0 (OEC, EconGeo: Balland's relatedness
        density leaves ``j = a`` out).
    scale : {"unit", "percent"}
        0-1 (Growth Lab, OEC, R) or 0-100 (EconGeo, econcomplex).
    precision : {"auto", "double", "single"}
        Floating point of the ``M phi`` products: "auto" uses single precision from 1 M
        region-activity cells per period (twice as fast; relative error about 1e-6). Not used
        for the minimum conditional probability of a binary M with at least twice as many
        activities as regions: those products are taken without forming ``phi``, in double
        precision, group by group of equal ubiquity (about ``n_activities / n_regions`` times
        fewer operations).
    method, threshold, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity[, year], m, density`` for every region and activity present in
        the period (a dense table).

    Notes
    -----
    ``omega_ra = sum_j M_rj phi_aj / sum_j phi_aj`` (Hidalgo et al. 2007); Balland et al. (2018)
    use ``diagonal=0, scale="percent"``. An activity without any proximity gets 0.

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
       conditions the development of nations. Science 317, 482-487.
    .. [2] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.

    Examples
    --------
    phi_xy = 1/3 (see :func:`proximity`). Region b has x only: density of y =
    (0 * 1 + 1 * 1/3) / (1 + 1/3) = 0.25.

    >>> df = pd.DataFrame({"region": list("aabc"), "activity": list("xyxx"), "value": 1.0})
    >>> d = density(df, method="given")
    >>> d[d.region == "b"][["activity", "density"]].values.tolist()
    [['x', 0.75], ['y', 0.25]]
    >>> d0 = density(df, method="given", diagonal=0, scale="percent")
    >>> d0[d0.region == "b"]["density"].tolist()  # leaving j = a out: x from y, y from x
    [0.0, 100.0]
    """
    check_choice(scale, SCALES, name="scale")
    panel, r, m = _prepare(data, method, threshold, False, population, columns)
    res = _related(panel, r, m, measure=measure, continuous=continuous, diagonal=diagonal,
                   proximity_table=proximity, columns=columns, precision=precision)
    factor = 100.0 if scale == "percent" else 1.0
    out = panel.dense_frame({"m": res.m, "density": res.density * factor})
    out = out[_dense_mask(panel).ravel()].reset_index(drop=True)
    out["m"] = out["m"].astype(np.int8) if np.all(np.isin(res.m, (0, 1))) else out["m"]
    return _with_attrs(out, panel, measure=measure if proximity is None else "given",
                       diagonal=diagonal, scale=scale, method=method,
                       threshold=_threshold(method, threshold))


def distance(data: pd.DataFrame | Panel, **options: object) -> pd.DataFrame:
    """Distance ``d_ra = 1 - omega_ra`` of every activity from every region, per period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    **options
        Any option of :func:`density` except ``scale`` (distance is on the 0-1 scale).

    Returns
    -------
    DataFrame
        ``region, activity[, year], m, distance``.

    Notes
    -----
    ``d_ra = 1 - sum_j M_rj phi_aj / sum_j phi_aj`` (Hausmann et al. 2014).

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity.
       MIT Press.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aabc"), "activity": list("xyxx"), "value": 1.0})
    >>> d = distance(df, method="given")
    >>> d[d.region == "b"]["distance"].tolist()
    [0.25, 0.75]
    """
    if "scale" in options:
        raise ValidationError("distance is on the 0-1 scale; do not pass scale")
    out = density(data, **options)  # type: ignore[arg-type]
    out["density"] = 1.0 - out["density"]
    return out.rename(columns={"density": "distance"})


def relative_relatedness(
    data: pd.DataFrame | Panel,
    *,
    ddof: int = 0,
    **options: object,
) -> pd.DataFrame:
    """Relative relatedness: density standardised among a region's non-specialisations.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    ddof : {0, 1}
        Degrees of freedom of the sd (the OEC's pandas code uses 1).
    **options
        Any option of :func:`density`.

    Returns
    -------
    DataFrame
        ``region, activity[, year], m, density, relative_relatedness``.

    Notes
    -----
    ``RR_ra = (omega_ra - mean_{a': M_ra' = 0} omega_ra') / sd_{a': M_ra' = 0} omega_ra'``,
    applied to every activity of the region (Pinheiro et al. 2022, as in the OEC package).

    References
    ----------
    .. [1] Pinheiro, F. L., Hartmann, D., Boschma, R. & Hidalgo, C. A. (2022). The time and
       frequency of unrelated diversification. Research Policy 51(8), 104323.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aabbbcc"), "activity": list("xyxyzxz"),
    ...                    "value": 1.0})
    >>> rr = relative_relatedness(df, method="given")
    >>> rr[rr.region == "a"]["relative_relatedness"].isna().tolist()  # a lacks only z: sd 0
    [True, True, True]
    """
    ddof = check_ddof(ddof)
    out = density(data, **options)  # type: ignore[arg-type]
    keys = ["region"] + (["year"] if "year" in out.columns else [])
    cand = out["density"].where(out["m"] == 0)
    g = cand.groupby([out[k] for k in keys])
    mean = g.transform("mean")
    sd = g.transform(lambda s: s.std(ddof=ddof))
    with np.errstate(invalid="ignore", divide="ignore"):
        out["relative_relatedness"] = (out["density"] - mean) / sd.where(sd > 0)
    out.attrs["ddof"] = ddof
    return out


def _outlook(
    data: pd.DataFrame | Panel,
    *,
    pci: pd.DataFrame | None,
    pci_form: str,
    normaliser: str,
    subtract_target: bool,
    measure: str,
    diagonal: float,
    proximity: pd.DataFrame | None,
    method: str,
    threshold: float | None,
    population: pd.DataFrame | None,
    columns: Mapping[str, str] | None,
) -> tuple[Panel, _Related, dict]:
    check_choice(pci_form, ("eigenvector", "standardised"), name="pci_form")
    panel, r, m = _prepare(data, method, threshold, False, population, columns)
    if pci is not None:
        p = panel.activity_array(pci, "pci", columns=columns, name="pci")
        source = "given"
    else:
        res = _eigen(panel, m, standardise="eci", ddof=0, sign="diversity", components="largest")
        p = res.pci_eig if pci_form == "eigenvector" else res.pci
        source = pci_form
    rel = _related(panel, r, m, measure=measure, continuous=False, diagonal=diagonal,
                   proximity_table=proximity, columns=columns, pci=p, normaliser=normaliser,
                   subtract_target=subtract_target)
    opts = dict(pci=source, normaliser=normaliser, subtract_target=subtract_target,
                measure=measure if proximity is None else "given", diagonal=diagonal,
                method=method, threshold=_threshold(method, threshold))
    return panel, rel, opts


def coi(
    data: pd.DataFrame | Panel,
    *,
    pci: pd.DataFrame | None = None,
    pci_form: str = "eigenvector",
    standardise: bool = True,
    ddof: int = 0,
    measure: str = "conditional",
    diagonal: float = 1.0,
    proximity: pd.DataFrame | None = None,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Complexity Outlook Index: how much complexity lies near a region's capabilities.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    pci : DataFrame, optional
        ``activity[, year], pci`` to use instead of computing PCI from the data.
    pci_form : {"eigenvector", "standardised"}
        The PCI used when computed: the Growth Lab's (eigenvector scaled by ECI's sd, not
        centred; default) or the reported standardised PCI.
    standardise : bool
        Z-score COI within each period (the Growth Lab does).
    ddof : {0, 1}
        Degrees of freedom of the sd when standardising.
    measure, diagonal, proximity
        How proximity is obtained (see :func:`density`).
    method, threshold, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region[, year], coi``.

    Notes
    -----
    ``COI_r = sum_a (1 - d_ra)(1 - M_ra) PCI_a`` with ``1 - d_ra`` the density (0-1).

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity.
       MIT Press.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aabc"), "activity": list("xyxx"), "value": 1.0})
    >>> ext = pd.DataFrame({"activity": ["x", "y"], "pci": [0.0, 1.0]})
    >>> coi(df, pci=ext, standardise=False, method="given")["coi"].tolist()  # b, c: 0.25 * 1
    [0.0, 0.25, 0.25]
    """
    panel, rel, opts = _outlook(
        data, pci=pci, pci_form=pci_form, normaliser="activity", subtract_target=False,
        measure=measure, diagonal=diagonal, proximity=proximity, method=method,
        threshold=threshold, population=population, columns=columns)
    value = rel.coi.copy()
    present = np.asarray(panel.values.sum(axis=1)).ravel() > 0
    value[~present] = np.nan
    if standardise:
        from .complexity import _zscore_rows

        value = _zscore_rows(value.reshape(panel.n_years, panel.n_regions),
                             check_ddof(ddof)).ravel()
    return _with_attrs(panel.region_frame({"coi": value}), panel, standardise=standardise,
                       **opts)


def cog(
    data: pd.DataFrame | Panel,
    *,
    pci: pd.DataFrame | None = None,
    pci_form: str = "eigenvector",
    normaliser: str = "activity",
    subtract_target: bool = False,
    measure: str = "conditional",
    diagonal: float = 1.0,
    proximity: pd.DataFrame | None = None,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Complexity Outlook Gain: the outlook a region would gain by adding each activity.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    pci, pci_form
        As in :func:`coi`.
    normaliser : {"activity", "target"}
        Divide ``phi_aj`` by the proximity sum of the activity ``j`` that would be gained
        (Growth Lab, default) or by that of the target ``a`` (the OEC's opportunity gain).
    subtract_target : bool
        Subtract ``(1 - d_ra) PCI_a`` and drop the ``(1 - M_ra)`` factor (the Atlas 2014 book
        formula and the OEC package) instead of the Growth Lab code's form.
    measure, diagonal, proximity
        How proximity is obtained (see :func:`density`).
    method, threshold, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity[, year], m, density, cog`` for every present region and activity.

    Notes
    -----
    Growth Lab: ``COG_ra = (1 - M_ra) sum_j (1 - M_rj) (phi_aj / sum_k phi_kj) PCI_j``.
    Computed for all regions of a period with one matrix product ``[M; M diag(w)] phi``.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity.
       MIT Press.

    Examples
    --------
    Only a has y; for b, gaining y brings x's neighbour y: ``(1/3) / (1 + 1/3) * 1``.

    >>> df = pd.DataFrame({"region": list("aabc"), "activity": list("xyxx"), "value": 1.0})
    >>> ext = pd.DataFrame({"activity": ["x", "y"], "pci": [0.0, 1.0]})
    >>> out = cog(df, pci=ext, method="given")
    >>> out[out.region == "b"]["cog"].tolist()  # x held: 0; y: phi_yy / sum_k phi_ky * 1
    [0.0, 0.75]
    """
    panel, rel, opts = _outlook(
        data, pci=pci, pci_form=pci_form, normaliser=normaliser,
        subtract_target=subtract_target, measure=measure, diagonal=diagonal,
        proximity=proximity, method=method, threshold=threshold, population=population,
        columns=columns)
    out = panel.dense_frame({"m": rel.m, "density": rel.density, "cog": rel.cog})
    out = out[_dense_mask(panel).ravel()].reset_index(drop=True)
    out["m"] = out["m"].astype(np.int8)
    return _with_attrs(out, panel, **opts)


# -- cross-space relatedness ---------------------------------------------------------------------


def _aligned_m(
    data: pd.DataFrame | Panel,
    other: pd.DataFrame | Panel,
    method: str,
    threshold: float | None,
    columns: Mapping[str, str] | None,
) -> tuple[Panel, Panel, list[tuple[object, sp.csr_matrix, sp.csr_matrix]], pd.Index]:
    pa, pb = as_panel(data, columns=columns), as_panel(other, columns=columns)
    _, ma = presence_matrices(pa, method=method, threshold=threshold)
    _, mb = presence_matrices(pb, method=method, threshold=threshold)
    regions = pa.regions.union(pb.regions)
    years = [y for y in pa.years if y in pb.years]
    if not years:
        raise ValidationError("data and other share no period")
    ra, rb = regions.get_indexer(pa.regions), regions.get_indexer(pb.regions)
    blocks = []
    for y in years:
        ba = pa.block(pa.years.get_loc(y), ma).tocoo()
        bb = pb.block(pb.years.get_loc(y), mb).tocoo()
        xa = sp.csr_matrix((ba.data, (ra[ba.row], ba.col)), shape=(len(regions), pa.n_activities))
        xb = sp.csr_matrix((bb.data, (rb[bb.row], bb.col)), shape=(len(regions), pb.n_activities))
        blocks.append((y, xa, xb))
    return pa, pb, blocks, regions


def _cross_phi(xa: sp.csr_matrix, xb: sp.csr_matrix) -> np.ndarray:
    c = (xa.T @ xb).toarray()
    ka = np.asarray(xa.sum(axis=0)).ravel()
    kb = np.asarray(xb.sum(axis=0)).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        phi = c / np.maximum(ka[:, None], kb[None, :])
    return np.nan_to_num(phi)


def cross_proximity(
    data: pd.DataFrame | Panel,
    *,
    other: pd.DataFrame | Panel,
    min_proximity: float = 0.0,
    method: str = "balassa",
    threshold: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Proximity between the activities of two spaces observed in the same regions.

    Parameters
    ----------
    data, other : DataFrame or Panel
        Two long tables over the same kind of regions (e.g. science fields and technologies).
    min_proximity : float
        Leave out pairs below this (zeros are always left out).
    method, threshold
        How M is obtained in each space (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names, the same in both tables.

    Returns
    -------
    DataFrame
        ``activity_a`` (of ``data``), ``activity_b`` (of ``other``)``[, year], proximity``.

    Notes
    -----
    ``phi_ij = sum_r M^A_ri M^B_rj / max(k_i, k_j)`` (Catalan et al. 2020), over the union of
    regions and the periods both tables have.

    References
    ----------
    .. [1] Catalan, P., Navarrete, C. & Figueroa, F. (2020). The scientific and technological
       cross-space. Research Policy 51(8), 104016.

    Examples
    --------
    >>> sci = pd.DataFrame({"region": ["a", "b"], "activity": ["s", "s"], "value": 1.0})
    >>> tech = pd.DataFrame({"region": ["a"], "activity": ["t"], "value": 1.0})
    >>> cross_proximity(sci, other=tech, method="given").values.tolist()  # 1 / max(2, 1)
    [['s', 't', 0.5]]
    """
    pa, pb, blocks, _ = _aligned_m(data, other, method, threshold, columns)
    parts = []
    for y, xa, xb in blocks:
        phi = _cross_phi(xa, xb)
        i, j = np.nonzero((phi > 0) & (phi >= float(min_proximity)))
        part = {"activity_a": pa.activities.take(i), "activity_b": pb.activities.take(j)}
        if pa.has_year:
            part["year"] = np.repeat(y, len(i))
        part["proximity"] = phi[i, j]
        parts.append(pd.DataFrame(part))
    out = pd.concat(parts, ignore_index=True)
    return _with_attrs(out, pa, method=method, threshold=_threshold(method, threshold))


def cross_density(
    data: pd.DataFrame | Panel,
    *,
    other: pd.DataFrame | Panel,
    scale: str = "unit",
    method: str = "balassa",
    threshold: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Cross-space relatedness: density of ``other``'s activities given ``data``'s specialisations.

    Parameters
    ----------
    data : DataFrame or Panel
        The space whose specialisations are held (e.g. science fields).
    other : DataFrame or Panel
        The space whose activities are targets (e.g. technologies).
    scale : {"unit", "percent"}
        0-1 or 0-100.
    method, threshold
        How M is obtained in each space.
    columns : mapping, optional
        Column names, the same in both tables.

    Returns
    -------
    DataFrame
        ``region, activity`` (of ``other``)``[, year], density`` for every region of either
        table and every activity of ``other``.

    Notes
    -----
    ``omega_rb = sum_i M^A_ri phi_ib / sum_i phi_ib`` with the cross-proximity of
    :func:`cross_proximity` (the OEC's ``cross_relatedness``).

    References
    ----------
    .. [1] Catalan, P., Navarrete, C. & Figueroa, F. (2020). The scientific and technological
       cross-space. Research Policy 51(8), 104016.

    Examples
    --------
    >>> sci = pd.DataFrame({"region": ["a", "b"], "activity": ["s", "s"], "value": 1.0})
    >>> tech = pd.DataFrame({"region": ["a"], "activity": ["t"], "value": 1.0})
    >>> cross_density(sci, other=tech, method="given")["density"].tolist()
    [1.0, 1.0]
    """
    check_choice(scale, SCALES, name="scale")
    pa, pb, blocks, regions = _aligned_m(data, other, method, threshold, columns)
    factor = 100.0 if scale == "percent" else 1.0
    parts = []
    for y, xa, xb in blocks:
        phi = _cross_phi(xa, xb)
        col = phi.sum(axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.asarray(xa @ phi) / np.where(col > 0, col, np.nan)
        n_r, n_b = d.shape
        part = {"region": regions.take(np.repeat(np.arange(n_r), n_b)),
                "activity": pb.activities.take(np.tile(np.arange(n_b), n_r))}
        if pa.has_year:
            part["year"] = np.repeat(y, n_r * n_b)
        part["density"] = np.nan_to_num(d).ravel() * factor
        parts.append(pd.DataFrame(part))
    out = pd.concat(parts, ignore_index=True)
    return _with_attrs(out, pa, scale=scale, method=method, threshold=_threshold(method, threshold))
