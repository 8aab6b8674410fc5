"""The whole chain in one pass: RCA, M, ECI/PCI, Fitness, proximity, density, COI and COG.

:func:`compute_all` shares the intermediate results (RCA and M once, one proximity matrix per
period used for density, COI and COG), so it is the fast way to fill a store or a report.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import ValidationError, check_choice, check_ddof
from .complexity import _degrees, _eigen, _fitness_arrays, _zscore_rows
from .panel import Panel, as_panel
from .relatedness import SCALES, _one_blas_thread, _related
from .specialisation import _threshold, _with_attrs, presence_matrices

__all__ = ["compute_all"]


def compute_all(
    data: pd.DataFrame | Panel,
    *,
    method: str = "balassa",
    threshold: float | None = None,
    population: pd.DataFrame | None = None,
    standardise: str = "eci",
    ddof: int = 0,
    sign: str = "diversity",
    components: str = "largest",
    fitness_iterations: int | None = None,
    measure: str = "conditional",
    diagonal: float = 1.0,
    scale: str = "unit",
    normaliser: str = "activity",
    min_proximity: float | None = 0.0,
    precision: str = "auto",
    columns: Mapping[str, str] | None = None,
    tables: Collection[str] | None = None,
    present_only: bool = False,
) -> dict[str, pd.DataFrame]:
    """Every standard measure for every period, sharing intermediate results.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    method, threshold, population
        How RCA and M are obtained (see :func:`~.specialisation.specialisation`).
    standardise, ddof, sign, components
        ECI / PCI conventions (see :func:`~.complexity.complexity`).
    fitness_iterations : int, optional
        Updates of the Fitness-Complexity map (default 200).
    measure, diagonal
        Proximity measure and its diagonal for density (see :func:`~.relatedness.density`).
    scale : {"unit", "percent"}
        Density on 0-1 (Growth Lab, default) or 0-100 (EconGeo); COI and COG always use 0-1.
    normaliser : {"activity", "target"}
        COG normaliser (see :func:`~.relatedness.cog`).
    min_proximity : float or None
        Pairs listed in the ``proximity`` table (those ``>= min_proximity`` and > 0); None
        skips the table (it has ``n_activities^2 / 2`` rows per period).
    precision : {"auto", "double", "single"}
        Floating point of the proximity products (see :func:`~.relatedness.density`).
    columns : mapping, optional
        Column names when they differ from the defaults.
    tables : collection of str, optional
        The tables to build (default: all of those below). Without ``density`` the dense
        region x activity matrices are held for one period at a time (COI needs them), so
        memory grows with the data, not with ``years x regions x activities``.
    present_only : bool
        Keep in ``regions`` and ``activities`` only the rows of regions and activities with a
        value in the period, and give the ``density`` table the ``rca`` of every pair: the
        observed RCA, else what a value of 0 gives (0 for Balassa RCA and M given; minus the
        activity's share of the period's total for additive RCA).

    Returns
    -------
    dict of DataFrame
        ``specialisation`` (observed pairs: ``value, rca, m``), ``regions`` (``diversity, eci,
        fitness, coi, component, connected``), ``activities`` (``ubiquity, pci, complexity,
        component, connected``), ``density`` (every present region x activity: ``m, density,
        cog``) and, unless skipped, ``proximity`` (pairs).

    Notes
    -----
    The same formulas as the single functions (Growth Lab conventions by default: PCI scaled
    with ECI's statistics, COI z-scored, COG normalised by the gained activity's proximity
    sum), so ``compute_all(d)["regions"]["eci"]`` equals ``eci(d)["eci"]``.

    References
    ----------
    .. [1] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity.
       MIT Press.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aaabbc"), "activity": list("xyzxyx"),
    ...                    "value": 1.0})
    >>> out = compute_all(df, method="given")
    >>> sorted(out)
    ['activities', 'density', 'proximity', 'regions', 'specialisation']
    >>> out["regions"]["diversity"].tolist()
    [3, 2, 1]
    """
    check_choice(scale, SCALES, name="scale")
    wanted = set(TABLES if tables is None else tables)
    unknown = wanted - set(TABLES)
    if unknown:
        raise ValidationError(f"unknown table(s) {sorted(unknown)}; choose from {TABLES}")
    if min_proximity is None:
        wanted.discard("proximity")
    panel = as_panel(data, columns=columns)
    r, m = presence_matrices(panel, method=method, threshold=threshold, population=population,
                             columns=columns)
    kr, ka = _degrees(panel, m)
    # every product below is small when phi is not formed (see relatedness._related): a
    # multithreaded BLAS only spins on them, which on a busy machine costs more than it gives
    small = measure == "conditional" and 2 * panel.n_regions <= panel.n_activities
    with _one_blas_thread() if small else contextlib.nullcontext(), ThreadPoolExecutor(1) as pool:
        # Fitness (hundreds of sparse products, which release the GIL) runs beside ECI/PCI and
        # density on a second core; on small panels a thread costs more than it gives
        fitness = functools.partial(_fitness_arrays, panel, m, iterations=fitness_iterations,
                                    tol=None, variant="tacchella", extremality=1.0)
        later = pool.submit(fitness) if m.nnz >= _THREAD_FROM else None
        eig = _eigen(panel, m, standardise=standardise, ddof=ddof, sign=sign, components=components)
        rel = _related(panel, r, m, measure=measure, continuous=False, diagonal=diagonal,
                       proximity_table=None, columns=columns, pci=eig.pci_eig,
                       keep_pairs=min_proximity if "proximity" in wanted else None,
                       precision=precision, normaliser=normaliser,
                       keep_dense="density" in wanted)
        fit, comp, used = later.result() if later is not None else fitness()
    present = np.asarray(panel.values.sum(axis=1)).ravel() > 0
    coi = np.where(present, rel.coi, np.nan)
    coi = _zscore_rows(coi.reshape(panel.n_years, panel.n_regions), check_ddof(ddof)).ravel()
    opts = dict(method=method, threshold=_threshold(method, threshold), standardise=standardise,
                ddof=ddof, sign=sign, components=components, fitness_iterations=used,
                measure=measure, diagonal=diagonal, scale=scale, normaliser=normaliser,
                precision=precision)
    out: dict[str, pd.DataFrame] = {}
    if "specialisation" in wanted:
        if method != "given":
            # M on the pattern of the observed values (as binary_matrix does it), so that the
            # table is read without looking entries up
            m_obs = r.copy()
            m_obs.data = (np.nan_to_num(r.data, nan=-np.inf) >= _threshold(method, threshold))
        else:
            m_obs = m
        out["specialisation"] = panel.to_frame({"value": panel.values, "rca": r, "m": m_obs},
                                               pattern=panel.values)
        out["specialisation"]["m"] = out["specialisation"]["m"].astype(np.int8)
    conn = eig.connected
    present_a = np.asarray((panel.year_indicator() @ panel.values).todense()) > 0
    if "regions" in wanted:
        out["regions"] = panel.region_frame({
            "diversity": kr, "eci": eig.eci, "fitness": fit, "coi": coi,
            "component": eig.comp_r, "connected": np.repeat(conn, panel.n_regions)})
        if present_only and not present.all():
            out["regions"] = out["regions"][present].reset_index(drop=True)
    if "activities" in wanted:
        out["activities"] = panel.activity_frame({
            "ubiquity": ka, "pci": eig.pci, "complexity": comp, "component": eig.comp_a,
            "connected": np.repeat(conn[:, None], panel.n_activities, axis=1)})
        if present_only and not present_a.all():
            out["activities"] = out["activities"][present_a.ravel()].reset_index(drop=True)
    if "density" in wanted:
        factor = 100.0 if scale == "percent" else 1.0
        dense = {"m": rel.m.astype(np.int8), "density": rel.density * factor, "cog": rel.cog}
        if present_only:
            dense["rca"] = _dense_rca(panel, r, method)
        dense = panel.dense_frame(dense)
        mask = (present[:, None] & present_a[panel.year_of_row()]).ravel()
        out["density"] = dense if mask.all() else dense[mask].reset_index(drop=True)
    if rel.pairs is not None:
        parts = []
        for year, (iu, ju, v) in rel.pairs:
            part = {"activity_a": panel.activities.take(iu),
                    "activity_b": panel.activities.take(ju)}
            if panel.has_year:
                part["year"] = np.repeat(year, len(v))
            part["proximity"] = v
            parts.append(pd.DataFrame(part))
        out["proximity"] = pd.concat(parts, ignore_index=True)
    for k in out:
        _with_attrs(out[k], panel, **opts)
    return out


#: Stored M entries from which Fitness runs in a thread of its own.
_THREAD_FROM = 200_000

#: The tables :func:`compute_all` can build.
TABLES = ("specialisation", "regions", "activities", "density", "proximity")


def _dense_rca(panel: Panel, r: sp.csr_matrix, method: str) -> np.ndarray:
    """RCA of every stacked region x activity cell: the observed RCA, else what a value of
    0 gives (additive: minus the activity's share of the period's total; otherwise 0)."""
    out = np.asarray(r.todense()) if r.nnz else np.zeros(r.shape)
    out = np.nan_to_num(out, nan=0.0) if method != "additive" else out
    observed = panel.values.copy()
    observed.data = np.ones_like(observed.data)
    seen = np.asarray(observed.todense()) > 0
    if method == "additive":
        by_year = np.asarray((panel.year_indicator() @ panel.values).todense())
        total = by_year.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.where(total > 0, by_year / total, 0.0)
        out = np.where(seen, out, -share[panel.year_of_row()])
    else:
        out = np.where(seen, out, 0.0)
    return out
