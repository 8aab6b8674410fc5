"""Complexity: reflections, ECI/PCI (eigenvector form), Fitness-Complexity, PRODY/EXPY, nestedness.

Every function takes a long table (``region, activity[, year], value``) or a
:class:`~smartspec.algorithms.panel.Panel`, obtains M as :func:`~.specialisation.specialisation`
does (options ``method``, ``threshold``, ``continuous``, ``population``), and returns tables keyed
by region / activity codes and year. The conventions used (standardisation, ddof, sign rule,
how a disconnected network was handled) are recorded in ``DataFrame.attrs``.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.sparse.linalg import eigsh

from ._validation import ValidationError, check_choice, check_ddof, check_int
from .panel import Panel, as_panel
from .specialisation import _threshold, _with_attrs, presence_matrices

__all__ = [
    "Complexity",
    "STANDARDISE",
    "SIGN_RULES",
    "COMPONENTS",
    "FITNESS_VARIANTS",
    "reflections",
    "complexity",
    "eci",
    "pci",
    "fitness_complexity",
    "subnational_eci",
    "prody",
    "expy",
    "product_index",
    "nodf",
    "spectrograph",
    "connectivity",
]

#: How ECI and PCI are standardised: PCI with ECI's mean and sd (Growth Lab) or each by its own.
STANDARDISE = ("eci", "own")
#: Sign rules: ECI correlates + with diversity (PCI follows), PCI - with ubiquity, or no fix.
SIGN_RULES = ("diversity", "ubiquity", "none")
#: What to do with a disconnected region-activity network.
COMPONENTS = ("largest", "each")
#: Fitness-Complexity variants (see :func:`fitness_complexity`).
FITNESS_VARIANTS = ("tacchella", "economiccomplexity", "econcomplex")

#: Size of the symmetric problem up to which a dense eigensolver is used instead of ARPACK.
_DENSE_EIG_MAX = 64


class Complexity(NamedTuple):
    """A pair of tables: one keyed by region (and year), one keyed by activity (and year)."""

    regions: pd.DataFrame
    activities: pd.DataFrame


# -- shared machinery ----------------------------------------------------------------------------


def _prepare(
    data: pd.DataFrame | Panel,
    method: str,
    threshold: float | None,
    continuous: bool,
    population: pd.DataFrame | None,
    columns: Mapping[str, str] | None,
) -> tuple[Panel, sp.csr_matrix, sp.csr_matrix]:
    panel = as_panel(data, columns=columns)
    r, m = presence_matrices(panel, method=method, threshold=threshold, continuous=continuous,
                             population=population, columns=columns)
    return panel, r, m


def _degrees(panel: Panel, m: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
    """Diversity per stacked row and ubiquity as ``(n_years, n_activities)``."""
    kr = np.asarray(m.sum(axis=1)).ravel()
    ka = np.asarray((panel.year_indicator() @ m).todense())
    if np.all(m.data == 1):  # binary M: report counts
        return kr.astype(np.int64), ka.astype(np.int64)
    return kr, ka


def _components(mt: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, int]:
    """Components of the bipartite network of one period, ranked by size (0 = largest).

    Returns region labels, activity labels (-1 for nodes without links) and the number of
    components among linked nodes.
    """
    n_r, n_a = mt.shape
    adj = sp.bmat([[None, mt], [mt.T, None]], format="csr")
    _, labels = connected_components(adj, directed=False)
    deg = np.concatenate([np.diff(mt.indptr), np.bincount(mt.indices, minlength=n_a)])
    labels = np.where(deg > 0, labels, -1)
    linked = labels[labels >= 0]
    if linked.size == 0:
        return np.full(n_r, -1), np.full(n_a, -1), 0
    ids, sizes = np.unique(linked, return_counts=True)
    rank = np.empty(ids.max() + 1, dtype=np.int64)
    rank[ids[np.argsort(-sizes, kind="stable")]] = np.arange(len(ids))
    ranked = np.where(labels >= 0, rank[np.maximum(labels, 0)], -1)
    return ranked[:n_r], ranked[n_r:], len(ids)


def _second_eigenvector(msub: sp.csr_matrix) -> tuple[np.ndarray, np.ndarray, float]:
    """Raw ECI and PCI vectors of one connected bipartite network.

    Solves the symmetric problem on the smaller side (``S = A A^T`` or ``A^T A`` with
    ``A = D_r^-1/2 M D_a^-1/2``) and maps the eigenvector to the other side, so that
    ``kc = D_r^-1 M kp`` (ECI is the mean PCI of a region's activities, before standardising).
    """
    dr = np.asarray(msub.sum(axis=1)).ravel()
    da = np.asarray(msub.sum(axis=0)).ravel()
    a = sp.diags(1 / np.sqrt(dr)) @ msub @ sp.diags(1 / np.sqrt(da))
    region_side = msub.shape[0] <= msub.shape[1]
    s = (a @ a.T) if region_side else (a.T @ a)
    n = s.shape[0]
    if n <= _DENSE_EIG_MAX:
        vals, vecs = np.linalg.eigh(s.toarray())
        lam, u = vals[-2], vecs[:, -2]
    else:
        s = s.toarray() if n <= 4000 else s
        v0 = np.random.default_rng(0).random(n) + 0.5
        vals, vecs = eigsh(s, k=2, which="LA", v0=v0, tol=0)
        order = np.argsort(vals)
        lam, u = vals[order[0]], vecs[:, order[0]]
    if region_side:
        v = u / np.sqrt(dr)
        kp = (msub.T @ v) / da
    else:
        kp = u / np.sqrt(da)
    kc = (msub @ kp) / dr
    return kc, kp, float(lam)


def _corr(x: np.ndarray, y: np.ndarray) -> float:
    ok = np.isfinite(x) & np.isfinite(y)
    if ok.sum() < 2 or np.std(x[ok]) == 0 or np.std(y[ok]) == 0:
        return 0.0
    return float(np.corrcoef(x[ok], y[ok])[0, 1])


@dataclass
class _EigenResult:
    eci: np.ndarray  # (n_years * n_regions,)
    pci: np.ndarray  # (n_years, n_activities)
    pci_eig: np.ndarray  # raw PCI divided by ECI's sd (Growth Lab input of COI / COG)
    comp_r: np.ndarray
    comp_a: np.ndarray
    connected: np.ndarray  # (n_years,)
    n_components: np.ndarray
    eigenvalue: np.ndarray


def _eigen(
    panel: Panel,
    m: sp.csr_matrix,
    *,
    standardise: str,
    ddof: int,
    sign: str,
    components: str,
) -> _EigenResult:
    check_choice(standardise, STANDARDISE, name="standardise")
    check_choice(sign, SIGN_RULES, name="sign")
    check_choice(components, COMPONENTS, name="components")
    ddof = check_ddof(ddof)
    n_r, n_a, n_y = panel.n_regions, panel.n_activities, panel.n_years
    eci = np.full(n_y * n_r, np.nan)
    pci = np.full((n_y, n_a), np.nan)
    pci_eig = np.full((n_y, n_a), np.nan)
    comp_r = np.full(n_y * n_r, -1)
    comp_a = np.full((n_y, n_a), -1)
    connected = np.zeros(n_y, dtype=bool)
    n_comp = np.zeros(n_y, dtype=np.int64)
    eigenvalue = np.full(n_y, np.nan)
    for t in range(n_y):
        mt = panel.block(t, m)
        lr, la, nc = _components(mt)
        comp_r[t * n_r : (t + 1) * n_r] = lr
        comp_a[t] = la
        connected[t] = nc == 1
        n_comp[t] = nc
        if nc > 1:
            year = panel.years[t]
            where = f"period {year}: " if panel.has_year else ""
            warnings.warn(
                f"{where}the region-activity network has {nc} components; ECI/PCI "
                f"computed on {'the largest' if components == 'largest' else 'each'} "
                f"(see the 'component' column)", stacklevel=4)
        todo = [0] if components == "largest" else range(nc)
        for c in todo:
            ri, ai = np.flatnonzero(lr == c), np.flatnonzero(la == c)
            if len(ri) < 2 or len(ai) < 2:
                continue
            sub = mt[ri][:, ai]
            kc, kp, lam = _second_eigenvector(sub)
            if c == 0:
                eigenvalue[t] = lam
            dr = np.asarray(sub.sum(axis=1)).ravel()
            da = np.asarray(sub.sum(axis=0)).ravel()
            if sign == "diversity" and _corr(kc, dr) < 0:
                kc, kp = -kc, -kp
            elif sign == "ubiquity" and _corr(kp, da) > 0:
                kc, kp = -kc, -kp
            mu, sd = kc.mean(), kc.std(ddof=ddof)
            if not np.isfinite(sd) or sd <= 1e-12 * max(1.0, abs(mu)):
                continue
            eci[t * n_r + ri] = (kc - mu) / sd
            if standardise == "eci":
                pci[t, ai] = (kp - mu) / sd
            else:
                pci[t, ai] = (kp - kp.mean()) / kp.std(ddof=ddof)
            pci_eig[t, ai] = kp / sd
    return _EigenResult(eci, pci, pci_eig, comp_r, comp_a, connected, n_comp, eigenvalue)


def _zscore_rows(x: np.ndarray, ddof: int) -> np.ndarray:
    """Standardise each row of a ``(n_years, n)`` array over its finite entries."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        mu = np.nanmean(x, axis=1, keepdims=True)
        sd = np.nanstd(x, axis=1, ddof=ddof, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (x - mu) / sd


def _reflect(panel: Panel, m: sp.csr_matrix, order: int, simultaneous: bool):
    """All orders ``0..order`` of the method of reflections, every period at once."""
    b = panel.block_diagonal(m)
    kr0 = np.asarray(b.sum(axis=1)).ravel()
    ka0 = np.asarray(b.sum(axis=0)).ravel()
    kr, ka = [kr0], [ka0]
    with np.errstate(divide="ignore", invalid="ignore"):
        for _ in range(order):
            new_r = (b @ ka[-1]) / kr0
            new_a = (b.T @ (kr[-1] if simultaneous else new_r)) / ka0
            kr.append(new_r)
            ka.append(new_a)
    kr = [np.where(kr0 > 0, k, np.nan) for k in kr]
    ka = [np.where(ka0 > 0, k, np.nan) for k in ka]
    return kr, ka


# -- public API ----------------------------------------------------------------------------------


def reflections(
    data: pd.DataFrame | Panel,
    *,
    order: int = 2,
    simultaneous: bool = True,
    method: str = "balassa",
    threshold: float | None = None,
    continuous: bool = False,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> Complexity:
    """The method of reflections to any order, for every period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    order : int
        Highest order ``n`` computed.
    simultaneous : bool
        Both sides of order ``n`` from order ``n - 1`` (Hidalgo & Hausmann 2009, the OEC and R
        packages); if False the activity side uses the region side of the same order.
    method, threshold, continuous, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    Complexity
        ``regions``: ``region[, year], k_0 .. k_n``; ``activities``: ``activity[, year],
        k_0 .. k_n``. NaN where the diversity (ubiquity) is 0.

    Notes
    -----
    ``k_r,n = (1 / k_r,0) sum_a M_ra k_a,n-1`` and ``k_a,n = (1 / k_a,0) sum_r M_ra k_r,n-1``,
    with ``k_r,0`` the diversity and ``k_a,0`` the ubiquity. Computed as sparse products with the
    block-diagonal matrix of all periods. Odd orders of ``k_r`` correlate negatively with
    diversity (``k_r,1`` is the mean ubiquity of a region's activities).

    References
    ----------
    .. [1] Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity.
       PNAS 106(26), 10570-10575.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "value": [1.0, 1.0, 1.0]})
    >>> res = reflections(df, order=1, method="given")
    >>> res.regions[["k_0", "k_1"]].values.tolist()  # a: (2 + 1) / 2, b: 2 / 1
    [[2.0, 1.5], [1.0, 2.0]]
    >>> res.activities[["k_0", "k_1"]].values.tolist()  # x: (2 + 1) / 2, y: 2 / 1
    [[2.0, 1.5], [1.0, 2.0]]
    """
    order = check_int(order, name="order")
    panel, _, m = _prepare(data, method, threshold, continuous, population, columns)
    kr, ka = _reflect(panel, m, order, simultaneous)
    shape = (panel.n_years, panel.n_activities)
    regions = panel.region_frame({f"k_{i}": k for i, k in enumerate(kr)})
    activities = panel.activity_frame({f"k_{i}": k.reshape(shape) for i, k in enumerate(ka)})
    opts = dict(method=method, threshold=_threshold(method, threshold), order=order,
                simultaneous=simultaneous)
    return Complexity(_with_attrs(regions, panel, **opts), _with_attrs(activities, panel, **opts))


def complexity(
    data: pd.DataFrame | Panel,
    *,
    form: str = "eigenvector",
    standardise: str = "eci",
    ddof: int = 0,
    sign: str = "diversity",
    components: str = "largest",
    iterations: int = 20,
    method: str = "balassa",
    threshold: float | None = None,
    continuous: bool = False,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> Complexity:
    """Economic Complexity Index of regions and Product Complexity Index of activities.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    form : {"eigenvector", "reflections"}
        The eigenvector of the second largest eigenvalue (Hausmann et al. 2011, default), or
        the OEC's reflections: ECI from order ``iterations - 2`` and PCI from order
        ``iterations - 1`` (OEC ``complexity(iterations=20)``).
    standardise : {"eci", "own"}
        Growth Lab (default): PCI is shifted and scaled with ECI's mean and sd, so that a
        region's ECI is the mean PCI of its activities; or each z-scored by its own.
    ddof : {0, 1}
        Degrees of freedom of the sd (0 in the Growth Lab; 1 in R and the OEC).
    sign : {"diversity", "ubiquity", "none"}
        Sign rule: ECI correlates positively with diversity and PCI with the mean ECI of its
        regions (default); PCI correlates negatively with ubiquity; no fix.
    components : {"largest", "each"}
        When the region-activity network of a period has several components (with two, the
        "second" eigenvector only tells the components apart): compute on the largest one
        (others get NaN) or on each component of at least 2 regions and 2 activities,
        standardised within it. Either way a warning is issued and the output flags it.
    iterations : int
        Order used by ``form="reflections"``.
    method, threshold, continuous, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    Complexity
        ``regions``: ``region[, year], diversity, eci, component, connected``;
        ``activities``: ``activity[, year], ubiquity, pci, component, connected``.
        ``component`` ranks a node's component by size (0 = largest; -1 = no links);
        ``connected`` is whether the period's network is one component. Regions with zero
        diversity and activities with zero ubiquity get NaN. ``attrs`` holds the conventions
        and the second eigenvalue per period.

    Notes
    -----
    ``Mr = D_r^-1 M D_a^-1 M^T``; ECI is its eigenvector for the second largest eigenvalue;
    PCI likewise from ``Ma = D_a^-1 M^T D_r^-1 M``. Both come from the symmetric matrix
    ``D_r^-1/2 M D_a^-1 M^T D_r^-1/2`` (or its activity-side twin, whichever is smaller),
    solved with ``scipy.sparse.linalg.eigsh(k=2)`` (dense ``eigh`` below 64 nodes), and the
    eigenvector is mapped to the other side with ``kp = D_a^-1 M^T kc``. One solve per
    period. The Atlas reports ECI standardised with ddof 0 and PCI with ECI's statistics.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A., Bustos, S., Coscia, M., Chung, S., Jimenez, J.,
       Simoes, A. & Yildirim, M. (2011). The Atlas of Economic Complexity. Harvard CID / MIT.
    .. [2] Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity.
       PNAS 106(26), 10570-10575.

    Examples
    --------
    A nested 3 x 3 matrix: region a does x, y, z; b does x, y; c does x only.

    >>> df = pd.DataFrame({"region": list("aaabbc"), "activity": list("xyzxyx"),
    ...                    "value": 1.0})
    >>> res = complexity(df, method="given")
    >>> res.regions["eci"].round(4).tolist() == [1.2247, 0.0, -1.2247]  # most diverse first
    True

    PCI is scaled with ECI's mean and sd, so ECI is the mean PCI of a region's activities
    (a: (-1.2247 + 1.2247 + 3.6742) / 3 = 1.2247):

    >>> res.activities["pci"].round(4).tolist()  # x everywhere: least complex
    [-1.2247, 1.2247, 3.6742]
    >>> own = complexity(df, method="given", standardise="own").activities["pci"].round(4)
    >>> own.tolist() == [-1.2247, 0.0, 1.2247]
    True
    """
    check_choice(form, ("eigenvector", "reflections"), name="form")
    panel, _, m = _prepare(data, method, threshold, continuous, population, columns)
    kr, ka = _degrees(panel, m)
    opts = dict(form=form, standardise=standardise, ddof=ddof, sign=sign,
                method=method, threshold=_threshold(method, threshold), continuous=continuous)
    if form == "reflections":
        iterations = check_int(iterations, name="iterations", minimum=2)
        check_choice(standardise, STANDARDISE, name="standardise")
        check_choice(sign, SIGN_RULES, name="sign")
        ddof = check_ddof(ddof)
        rr, ra = _reflect(panel, m, iterations - 1, True)
        e = rr[iterations - 2].reshape(panel.n_years, panel.n_regions)
        p = ra[iterations - 1].reshape(panel.n_years, panel.n_activities)
        for t in range(panel.n_years):
            flip = (sign == "diversity" and _corr(e[t], kr.reshape(e.shape)[t]) < 0) or (
                sign == "ubiquity" and _corr(p[t], ka[t]) > 0)
            if flip:
                e[t], p[t] = -e[t], -p[t]
        if standardise == "eci":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mu = np.nanmean(e, axis=1, keepdims=True)
                sd = np.nanstd(e, axis=1, ddof=ddof, keepdims=True)
            # reflections of different orders live on different scales: shifting PCI by ECI's
            # mean is meaningless here, so PCI is z-scored by its own statistics
            eci_v, pci_v = (e - mu) / sd, _zscore_rows(p, ddof)
        else:
            eci_v, pci_v = _zscore_rows(e, ddof), _zscore_rows(p, ddof)
        regions = panel.region_frame({"diversity": kr, "eci": eci_v.ravel()})
        activities = panel.activity_frame({"ubiquity": ka, "pci": pci_v})
        opts["iterations"] = iterations
        return Complexity(_with_attrs(regions, panel, **opts),
                          _with_attrs(activities, panel, **opts))
    res = _eigen(panel, m, standardise=standardise, ddof=ddof, sign=sign, components=components)
    conn_r = np.repeat(res.connected, panel.n_regions)
    conn_a = np.repeat(res.connected[:, None], panel.n_activities, axis=1)
    regions = panel.region_frame({"diversity": kr, "eci": res.eci, "component": res.comp_r,
                                  "connected": conn_r})
    activities = panel.activity_frame({"ubiquity": ka, "pci": res.pci, "component": res.comp_a,
                                       "connected": conn_a})
    opts.update(components=components, connected=res.connected.tolist(),
                n_components=res.n_components.tolist(), eigenvalue=res.eigenvalue.tolist())
    return Complexity(_with_attrs(regions, panel, **opts), _with_attrs(activities, panel, **opts))


def eci(data: pd.DataFrame | Panel, **options: object) -> pd.DataFrame:
    """Economic Complexity Index: the ``regions`` table of :func:`complexity`.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    **options
        Any keyword option of :func:`complexity` (``form``, ``standardise``, ``ddof``, ``sign``,
        ``components``, ``method``, ``threshold``, ``columns`` ...).

    Returns
    -------
    DataFrame
        ``region[, year], diversity, eci, component, connected``.

    Notes
    -----
    See :func:`complexity`: ECI is the standardised eigenvector of the second largest
    eigenvalue of ``D_r^-1 M D_a^-1 M^T``.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2011). The Atlas of Economic Complexity.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aaabbc"), "activity": list("xyzxyx"),
    ...                    "value": 1.0})
    >>> eci(df, method="given")["eci"].round(4).tolist() == [1.2247, 0.0, -1.2247]
    True
    """
    return complexity(data, **options).regions  # type: ignore[arg-type]


def pci(data: pd.DataFrame | Panel, **options: object) -> pd.DataFrame:
    """Product Complexity Index: the ``activities`` table of :func:`complexity`.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    **options
        Any keyword option of :func:`complexity`.

    Returns
    -------
    DataFrame
        ``activity[, year], ubiquity, pci, component, connected``.

    Notes
    -----
    See :func:`complexity`: PCI is the standardised eigenvector of the second largest
    eigenvalue of ``D_a^-1 M^T D_r^-1 M``.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2011). The Atlas of Economic Complexity.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aaabbc"), "activity": list("xyzxyx"),
    ...                    "value": 1.0})
    >>> pci(df, method="given")["pci"].round(4).tolist()
    [-1.2247, 1.2247, 3.6742]
    """
    return complexity(data, **options).activities  # type: ignore[arg-type]


def _fitness_arrays(
    panel: Panel,
    m: sp.csr_matrix,
    *,
    iterations: int | None,
    tol: float | None,
    variant: str,
    extremality: float,
) -> tuple[np.ndarray, np.ndarray, int]:
    check_choice(variant, FITNESS_VARIANTS, name="variant")
    if iterations is None:
        iterations = {"tacchella": 200, "economiccomplexity": 20, "econcomplex": 10_000}[variant]
    iterations = check_int(iterations, name="iterations", minimum=1)
    if tol is None and variant == "econcomplex":
        tol = 1e-10
    updates = iterations - 1 if variant == "economiccomplexity" else iterations
    b = panel.block_diagonal(m)
    n_y, n_r, n_a = panel.n_years, panel.n_regions, panel.n_activities
    vr = np.asarray(b.sum(axis=1)).ravel() > 0
    va = np.asarray(b.sum(axis=0)).ravel() > 0
    cnt_r = np.maximum(vr.reshape(n_y, n_r).sum(axis=1), 1)
    cnt_a = np.maximum(va.reshape(n_y, n_a).sum(axis=1), 1)

    def _norm(x: np.ndarray, valid: np.ndarray, cnt: np.ndarray, n: int) -> np.ndarray:
        x = np.where(valid, x, 0.0)
        mean = x.reshape(n_y, n).sum(axis=1) / cnt
        with np.errstate(invalid="ignore", divide="ignore"):
            return x / np.repeat(mean, n)

    f = vr.astype(float)
    q = va.astype(float)
    bt = b.T.tocsr()
    g = float(extremality)
    used = 0
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        for used in range(1, updates + 1):  # noqa: B007
            f_new = _norm(b @ q, vr, cnt_r, n_r)
            f_for_q = f_new if variant == "econcomplex" else f
            inv = np.where(vr, f_for_q, np.inf) ** -g
            q_new = _norm(1.0 / (bt @ inv) ** (1.0 / g), va, cnt_a, n_a)
            change = max(np.nanmax(np.abs(f_new - f)), np.nanmax(np.abs(q_new - q)))
            f, q = f_new, q_new
            if tol is not None and change < tol:
                break
    f = np.where(vr, f, np.nan)
    q = np.where(va, q, np.nan).reshape(n_y, n_a)
    return f, q, used


def fitness_complexity(
    data: pd.DataFrame | Panel,
    *,
    iterations: int | None = None,
    tol: float | None = None,
    variant: str = "tacchella",
    extremality: float = 1.0,
    method: str = "balassa",
    threshold: float | None = None,
    continuous: bool = False,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> Complexity:
    """Fitness of regions and Complexity of activities (Tacchella et al. 2012), every period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    iterations : int, optional
        Number of updates (stopping rule: fixed count). Default 200 for ``"tacchella"``; for
        ``"economiccomplexity"`` it counts the starting state as R does (default 20, i.e. 19
        updates); the maximum for ``"econcomplex"``.
    tol : float, optional
        Stop earlier when no F or Q changes by more than ``tol`` (after mean normalisation);
        default 1e-10 for ``"econcomplex"``, otherwise no tolerance.
    variant : {"tacchella", "economiccomplexity", "econcomplex"}
        ``Q`` from the previous step's F (Tacchella; the R package economiccomplexity, whose
        ``iterations=20`` is 19 updates) or from the current F (Stata econcomplex).
    extremality : float
        ``gamma`` of the generalised map ``Q~_a = 1 / (sum_r M_ra F_r^-gamma)^(1/gamma)``.
    method, threshold, continuous, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    Complexity
        ``regions``: ``region[, year], fitness``; ``activities``: ``activity[, year],
        complexity``; NaN for zero diversity / ubiquity. ``attrs["iterations"]`` is the number
        of updates made (the same for every period: the loop runs on all periods at once).

    Notes
    -----
    Start ``F = Q = 1``; ``F~_r = sum_a M_ra Q_a``; ``Q~_a = 1 / sum_r (M_ra / F_r)``; divide
    each by its mean over the period's regions (activities); repeat. The map drives the
    least-fit values to zero, so the result depends on the stopping rule, which is reported.

    References
    ----------
    .. [1] Tacchella, A., Cristelli, M., Caldarelli, G., Gabrielli, A. & Pietronero, L. (2012).
       A new metrics for countries' fitness and products' complexity. Scientific Reports 2, 723.
    .. [2] Cristelli, M., Gabrielli, A., Tacchella, A., Caldarelli, G. & Pietronero, L. (2013).
       Measuring the intangibles. PLoS ONE 8(8), e70726.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aab"), "activity": list("xyx"), "value": 1.0})
    >>> res = fitness_complexity(df, iterations=1, method="given")
    >>> res.regions["fitness"].tolist()  # F~ = (2, 1), mean 1.5
    [1.3333333333333333, 0.6666666666666666]
    >>> res.activities["complexity"].tolist()  # Q~ = 1/(1/1 + 1/1), 1/(1/1); mean 0.75
    [0.6666666666666666, 1.3333333333333333]
    """
    panel, _, m = _prepare(data, method, threshold, continuous, population, columns)
    f, q, used = _fitness_arrays(panel, m, iterations=iterations, tol=tol, variant=variant,
                                 extremality=extremality)
    opts = dict(variant=variant, iterations=used, tol=tol, extremality=extremality,
                method=method, threshold=_threshold(method, threshold))
    regions = panel.region_frame({"fitness": f})
    activities = panel.activity_frame({"complexity": q})
    return Complexity(_with_attrs(regions, panel, **opts), _with_attrs(activities, panel, **opts))


def subnational_eci(
    data: pd.DataFrame | Panel,
    *,
    pci: pd.DataFrame,
    standardise: bool = False,
    ddof: int = 0,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """ECI of regions from an external PCI (e.g. national or world PCI for subnational regions).

    Parameters
    ----------
    data : DataFrame or Panel
        Long table of the regions: ``region``, ``activity``, ``value`` and optionally ``year``.
    pci : DataFrame
        ``activity[, year], pci`` computed elsewhere (e.g. :func:`pci` on world trade); without
        ``year`` it applies to every period.
    standardise : bool
        Z-score the result within each period.
    ddof : {0, 1}
        Degrees of freedom of the sd when standardising.
    method, threshold, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names of ``data`` (also used for ``activity`` and ``year`` of ``pci``).

    Returns
    -------
    DataFrame
        ``region[, year], diversity, eci`` (NaN where no specialised activity has a PCI).

    Notes
    -----
    ``ECI_r = sum_a M_ra PCI_a / sum_a M_ra [PCI_a known]``: the mean external PCI of the
    region's specialisations (the OEC's subnational method).

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity (the
       identity ECI = mean PCI). MIT Press.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aab"), "activity": list("xyx"), "value": 1.0})
    >>> ext = pd.DataFrame({"activity": ["x", "y"], "pci": [-1.0, 2.0]})
    >>> subnational_eci(df, pci=ext, method="given")["eci"].tolist()  # a: (-1 + 2) / 2
    [0.5, -1.0]
    """
    panel, _, m = _prepare(data, method, threshold, False, population, columns)
    ext = panel.activity_array(pci, "pci", columns=columns, name="pci")
    known = np.isfinite(ext)
    b = panel.block_diagonal(m)
    num = b @ np.where(known, ext, 0.0).ravel()
    den = b @ known.astype(float).ravel()
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den
    if standardise:
        value = _zscore_rows(value.reshape(panel.n_years, panel.n_regions),
                             check_ddof(ddof)).ravel()
    kr, _ = _degrees(panel, m)
    out = panel.region_frame({"diversity": kr, "eci": value})
    return _with_attrs(out, panel, standardise=standardise, method=method,
                       threshold=_threshold(method, threshold))


def _shares(panel: Panel) -> sp.csr_matrix:
    row_tot = np.asarray(panel.values.sum(axis=1)).ravel()
    with np.errstate(divide="ignore"):
        inv = np.where(row_tot > 0, 1 / row_tot, 0.0)
    return sp.csr_matrix(sp.diags(inv) @ panel.values)


def prody(
    data: pd.DataFrame | Panel,
    *,
    gdp: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """PRODY: the income level associated with each activity (Hausmann, Hwang & Rodrik 2007).

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    gdp : DataFrame
        GDP per capita, ``region[, year], value`` (column names as ``data``).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``activity[, year], prody``.

    Notes
    -----
    ``PRODY_a = sum_r (s_ra / sum_r' s_r'a) Y_r`` with ``s_ra = X_ra / X_r.`` the share of
    the activity in the region's total and ``Y_r`` GDP per capita. Regions without GDP are left
    out of both sums (shares are still of their full totals).

    References
    ----------
    .. [1] Hausmann, R., Hwang, J. & Rodrik, D. (2007). What you export matters. Journal of
       Economic Growth 12(1), 1-25.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aab"), "activity": list("xyx"), "value": 1.0})
    >>> gdp = pd.DataFrame({"region": ["a", "b"], "value": [10.0, 40.0]})
    >>> prody(df, gdp=gdp)["prody"].tolist()  # x: (0.5*10 + 1*40) / 1.5; y: 10
    [30.0, 10.0]
    """
    panel = as_panel(data, columns=columns)
    y = panel.region_vector(gdp, columns=columns, name="gdp")
    known = np.isfinite(y)
    s = sp.diags(known.astype(float)) @ _shares(panel)
    ind = panel.year_indicator()
    num = np.asarray((ind @ (sp.diags(np.where(known, y, 0.0)) @ s)).todense())
    den = np.asarray((ind @ s).todense())
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den
    return _with_attrs(panel.activity_frame({"prody": value}), panel)


def expy(
    data: pd.DataFrame | Panel,
    *,
    gdp: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """EXPY: the income level of a region's export basket (Hausmann, Hwang & Rodrik 2007).

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    gdp : DataFrame
        GDP per capita, ``region[, year], value``.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region[, year], expy`` (every region with values, with or without its own GDP).

    Notes
    -----
    ``EXPY_r = sum_a s_ra PRODY_a`` with ``s_ra = X_ra / X_r.``; activities without a PRODY
    contribute nothing.

    References
    ----------
    .. [1] Hausmann, R., Hwang, J. & Rodrik, D. (2007). What you export matters. Journal of
       Economic Growth 12(1), 1-25.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aab"), "activity": list("xyx"), "value": 1.0})
    >>> gdp = pd.DataFrame({"region": ["a", "b"], "value": [10.0, 40.0]})
    >>> expy(df, gdp=gdp)["expy"].tolist()  # a: 0.5*30 + 0.5*10; b: 30
    [20.0, 30.0]
    """
    panel = as_panel(data, columns=columns)
    p = prody(panel, gdp=gdp, columns=columns)["prody"].to_numpy()
    b = panel.block_diagonal(_shares(panel))
    value = b @ np.nan_to_num(p)
    value[np.asarray(panel.values.sum(axis=1)).ravel() == 0] = np.nan
    return _with_attrs(panel.region_frame({"expy": value}), panel)


def product_index(
    data: pd.DataFrame | Panel,
    *,
    measure: pd.DataFrame,
    name: str = "index",
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A region measure carried to activities: PGI (Gini), PEII (emissions) and the like.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    measure : DataFrame
        ``region[, year], value``: e.g. income Gini (for the PGI) or emission intensity (PEII).
    name : str
        Name of the output column (``"pgi"``, ``"peii"`` ...).
    method, threshold, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``activity[, year], <name>``.

    Notes
    -----
    ``PGI_a = sum_r M_ra s_ra G_r / sum_r M_ra s_ra`` with ``s_ra = X_ra / X_r.``: the average
    measure of the regions specialised in the activity, weighted by the activity's share in
    their totals. Regions without the measure are left out.

    References
    ----------
    .. [1] Hartmann, D., Guevara, M. R., Jara-Figueroa, C., Aristaran, M. & Hidalgo, C. A.
       (2017). Linking economic complexity, institutions, and income inequality. World
       Development 93, 75-93.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aab"), "activity": list("xyx"), "value": 1.0})
    >>> gini = pd.DataFrame({"region": ["a", "b"], "value": [0.3, 0.5]})
    >>> product_index(df, measure=gini, name="pgi", method="given")["pgi"].round(4).tolist()
    [0.4333, 0.3]
    """
    panel, _, m = _prepare(data, method, threshold, False, population, columns)
    g = panel.region_vector(measure, columns=columns, name="measure")
    known = np.isfinite(g)
    w = sp.diags(known.astype(float)) @ _shares(panel).multiply(m >= 1)
    ind = panel.year_indicator()
    num = np.asarray((ind @ (sp.diags(np.where(known, g, 0.0)) @ w)).todense())
    den = np.asarray((ind @ w).todense())
    with np.errstate(invalid="ignore", divide="ignore"):
        value = num / den
    return _with_attrs(panel.activity_frame({name: value}), panel, method=method,
                       threshold=_threshold(method, threshold))


def nodf(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """NODF nestedness of the binary region-activity matrix M, per period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method, threshold, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``[year,] nodf, nodf_regions, nodf_activities`` in 0-100.

    Notes
    -----
    For a pair of rows ``i, j`` with ``k_i > k_j``: ``N_ij = 100 * |i and j| / k_j``
    (0 when ``k_i = k_j`` or ``k_j = 0``); likewise for columns. NODF is the mean of ``N``
    over all ``n(n-1)/2`` row pairs and ``m(m-1)/2`` column pairs; ``nodf_regions`` and
    ``nodf_activities`` average each set alone. Independent of row and column order.
    Only regions and activities present in the period count.

    References
    ----------
    .. [1] Almeida-Neto, M., Guimaraes, P., Guimaraes, P. R., Loyola, R. D. & Ulrich, W.
       (2008). A consistent metric for nestedness analysis in ecological systems. Oikos 117,
       1227-1239.

    Examples
    --------
    A perfectly nested 3 x 3 triangle scores 100.

    >>> df = pd.DataFrame({"region": list("aaabbc"), "activity": list("xyzxyx"),
    ...                    "value": 1.0})
    >>> nodf(df, method="given")["nodf"].tolist()
    [100.0]
    """
    panel, _, m = _prepare(data, method, threshold, False, population, columns)
    rows = []
    for t in range(panel.n_years):
        mt = (panel.block(t, m) >= 1).astype(float)
        present_r = np.asarray(panel.block(t).sum(axis=1)).ravel() > 0
        present_a = np.asarray(panel.block(t).sum(axis=0)).ravel() > 0
        mt = mt[present_r][:, present_a]
        sr, nr = _nodf_side(mt)
        sa, na = _nodf_side(mt.T.tocsr())
        with np.errstate(invalid="ignore", divide="ignore"):
            rows.append((100 * (sr + sa) / (nr + na), 100 * sr / nr, 100 * sa / na))
    out = pd.DataFrame(rows, columns=["nodf", "nodf_regions", "nodf_activities"])
    if panel.has_year:
        out.insert(0, "year", np.asarray(panel.years))
    return _with_attrs(out, panel, method=method, threshold=_threshold(method, threshold))


def _nodf_side(mt: sp.csr_matrix) -> tuple[float, float]:
    """Sum of paired overlaps (as fractions) over the row pairs, and the number of pairs."""
    n = mt.shape[0]
    k = np.asarray(mt.sum(axis=1)).ravel()
    overlap = (mt @ mt.T).toarray()
    with np.errstate(invalid="ignore", divide="ignore"):
        frac = overlap / k[None, :]  # |i and j| / k_j
    use = (k[:, None] > k[None, :]) & (k[None, :] > 0)
    return float(frac[use].sum()), n * (n - 1) / 2


def spectrograph(
    data: pd.DataFrame | Panel,
    *,
    regions: Iterable[str] | None = None,
    order_by: str = "pci",
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """A region's values with its activities ordered by complexity (IPPR's spectrograph).

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    regions : iterable of str, optional
        The regions to list (default: all).
    order_by : {"pci", "complexity"}
        Order activities by PCI (eigenvector) or by Fitness-Complexity's complexity (log10).
    method, threshold, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity[, year], value, share, rca, m, <order_by>, rank`` for every
        observed pair, sorted by region, year and rank; ``rank`` 1 is the most complex activity
        of the period; ``share`` is the value over the region's total.

    Notes
    -----
    Plot ``value`` (or ``share``) against ``rank`` for one region to see whether its strengths
    sit among complex activities (IPPR 2014, figures 3.11-3.13, with Fitness-Complexity).

    References
    ----------
    .. [1] IPPR (2014). Manufacturing matters: the West Midlands, figures 3.11-3.13.
    .. [2] Tacchella, A. et al. (2012). A new metrics for countries' fitness and products'
       complexity. Scientific Reports 2, 723.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aaabbc"), "activity": list("xyzxyx"),
    ...                    "value": 1.0})
    >>> spectrograph(df, regions=["a"], method="given")[["activity", "rank"]].values.tolist()
    [['z', 1], ['y', 2], ['x', 3]]
    """
    check_choice(order_by, ("pci", "complexity"), name="order_by")
    panel, r, m = _prepare(data, method, threshold, False, population, columns)
    if order_by == "pci":
        res = _eigen(panel, m, standardise="eci", ddof=0, sign="diversity", components="largest")
        score = res.pci
    else:
        _, score, _ = _fitness_arrays(panel, m, iterations=None, tol=None, variant="tacchella",
                                      extremality=1.0)
        with np.errstate(divide="ignore"):
            score = np.log10(score)
    rank = pd.DataFrame(-score).rank(axis=1, method="min").to_numpy()
    out = panel.to_frame({"value": panel.values, "share": _shares(panel), "rca": r, "m": m},
                         pattern=panel.values)
    ai = panel.activities.get_indexer(out["activity"])
    ti = panel.years.get_indexer(out["year"]) if panel.has_year else np.zeros(len(out), int)
    out[order_by] = score[ti, ai]
    out["rank"] = pd.array(rank[ti, ai], dtype="Int64")
    if regions is not None:
        out = out[out["region"].isin(list(regions))]
    keys = ["region"] + (["year"] if panel.has_year else []) + ["rank", "activity"]
    out = out.sort_values(keys, na_position="last").reset_index(drop=True)
    return _with_attrs(out, panel, order_by=order_by, method=method,
                       threshold=_threshold(method, threshold))


def connectivity(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    continuous: bool = False,
    population: pd.DataFrame | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Whether the region-activity network of M is connected, per period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method, threshold, continuous, population
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``[year,] n_components, connected, largest_regions, largest_activities`` (regions and
        activities without any specialisation are not counted as components).

    Notes
    -----
    The bipartite graph has an edge ``r - a`` when ``M_ra > 0``. With several components the
    eigenvalue 1 of ``Mr`` is repeated and the "second" eigenvector separates components
    instead of ranking complexity; :func:`complexity` checks this for every period.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2011). The Atlas of Economic Complexity.

    Examples
    --------
    >>> df = pd.DataFrame({"region": ["a", "b"], "activity": ["x", "y"], "value": 1.0})
    >>> connectivity(df, method="given")[["n_components", "connected"]].values.tolist()
    [[2, False]]
    """
    panel, _, m = _prepare(data, method, threshold, continuous, population, columns)
    rows = []
    for t in range(panel.n_years):
        lr, la, nc = _components(panel.block(t, m))
        rows.append((nc, nc == 1, int((lr == 0).sum()), int((la == 0).sum())))
    out = pd.DataFrame(rows, columns=["n_components", "connected", "largest_regions",
                                      "largest_activities"])
    if panel.has_year:
        out.insert(0, "year", np.asarray(panel.years))
    if not len(out):
        raise ValidationError("no periods in the data")
    return _with_attrs(out, panel, method=method, threshold=_threshold(method, threshold))
