"""How regions diversify: entry and growth models of relatedness and complexity (H1-H6).

:func:`transitions` turns a panel into one row per region, activity and origin period with the
outcome ``horizon`` later (entry, growth) and the explanatory measures at the origin (relatedness
density, complexity). :func:`fit_entry` and :func:`fit_growth` estimate the linear probability or
logit models of Balland, Boschma, Crespo & Rigby (2018) with region, activity and period fixed
effects and standard errors clustered by region (the growth model optionally with the usual
controls of growth regressions, :data:`CONTROLS`: the initial size and initial RCA, in levels or
logs); :func:`hypotheses` states which of H1-H6 the estimates support.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import ValidationError, check_choice, check_frame
from .panel import Panel, as_panel

__all__ = [
    "HYPOTHESES",
    "TERMS",
    "CONTROLS",
    "ModelResult",
    "transitions",
    "fit_entry",
    "fit_growth",
    "hypotheses",
]

#: The regressors: standardised density, standardised complexity and their product.
TERMS = ("density", "complexity", "density_x_complexity")

#: Controls of the growth model (columns of :func:`transitions` at the origin period):
#: ``size`` = ``X_ra(t)``, ``log_size`` = ``ln X_ra(t)``, ``rca`` = ``RCA_ra(t)``, ``log_rca`` =
#: ``ln RCA_ra(t)``. The origin level picks up mean reversion (small activities grow faster in
#: relative terms), which relatedness density, correlated with the level, would otherwise take.
CONTROLS = ("size", "log_size", "rca", "log_rca")

#: H1-H6 as this library states them: (hypothesis, model, term, expected sign, statement).
HYPOTHESES = (
    ("H1", "entry", "density", 1,
     "relatedness density raises the probability of entering an activity"),
    ("H2", "growth", "density", 1,
     "relatedness density raises the growth of an activity in the region"),
    ("H3", "entry", "complexity", -1,
     "complex activities are harder to enter"),
    ("H4", "growth", "complexity", 1,
     "complex activities, once present, grow faster (they are attractive)"),
    ("H5", "entry", "density_x_complexity", 1,
     "relatedness matters more for entering complex activities"),
    ("H6", "growth", "density_x_complexity", 1,
     "relatedness matters more for growing in complex activities"),
)


@dataclass
class ModelResult:
    """Estimates of one entry or growth model.

    Attributes
    ----------
    model : str
        ``"lpm"`` (linear probability / OLS) or ``"logit"``.
    outcome : str
        ``"entry"`` or ``"growth"``.
    coefficients : DataFrame
        ``term, coef, se, stat, p_value, ci_low, ci_high`` for the terms that are identified.
    absorbed : list of str
        Terms left out because the fixed effects absorb them (e.g. complexity with activity
        fixed effects and a single origin period).
    n_obs, n_clusters : int
        Observations used and clusters.
    fixed_effects : tuple of str
    dropped : int
        Observations dropped (singletons; for the logit also groups whose outcome never varies).
    info : dict
        Anything else (outcome mean, iterations, convergence).
    controls : tuple of str
        Controls in the model (:data:`CONTROLS`; their coefficients follow the terms', those
        the fixed effects absorb are in ``absorbed``).
    """

    model: str
    outcome: str
    coefficients: pd.DataFrame
    absorbed: list[str]
    n_obs: int
    n_clusters: int
    fixed_effects: tuple[str, ...]
    dropped: int = 0
    info: dict = field(default_factory=dict)
    controls: tuple[str, ...] = ()


# -- the estimation table ------------------------------------------------------------------------


def transitions(
    data: pd.DataFrame | Panel,
    *,
    horizon: int | None = None,
    complexity: str = "pci",
    diagonal: float = 1.0,
    method: str = "balassa",
    threshold: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One row per region, activity and origin period with the outcome ``horizon`` later.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``year``, ``value`` (two periods at least).
    horizon : int, optional
        Years between origin and outcome; each period ``t`` with a period ``t + horizon`` is an
        origin. Default: each period and the next one in the data.
    complexity : {"pci", "fitness"}
        Complexity measure at the origin (PCI, or log10 of Fitness-Complexity's complexity).
    diagonal : float
        Proximity diagonal of the density (see :func:`~.relatedness.density`).
    method, threshold
        How M is obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity, year, year_to, m, density, complexity, value, rca, value_to, m_to,
        entry, growth`` for the regions with values in both periods and the activities present
        in both. ``value`` and ``rca`` are ``X_ra(t)`` and ``RCA_ra(t)`` at the origin (0 where
        the region does not have the activity); ``entry`` is ``M(t+h)`` where ``M(t) = 0`` (else
        NA); ``growth`` is ``log X(t+h) - log X(t)`` where both values are positive (else NaN).

    Notes
    -----
    ``E_ra = 1`` when ``M_ra(t) = 0`` and ``M_ra(t + h) = 1`` (Balland et al. 2018).

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.

    Examples
    --------
    In period 1, a does x and y, b does y and z, c does x and z; in period 2 a adds z and c
    drops z:

    >>> df = pd.DataFrame({"region": list("aabbcc") + list("aaabbc"),
    ...                    "activity": list("xyyzxz") + list("xyzyzx"),
    ...                    "year": [1] * 6 + [2] * 6, "value": 1.0})
    >>> t = transitions(df, method="given")
    >>> t[t["m"] == 0][["region", "activity", "entry"]].values.tolist()
    [['a', 'z', 1], ['b', 'x', 0], ['c', 'y', 0]]
    """
    from .pipeline import compute_all

    check_choice(complexity, ("pci", "fitness"), name="complexity")
    panel = as_panel(data, columns=columns)
    if not panel.has_year or panel.n_years < 2:
        raise ValidationError("transitions need a year column with at least two periods")
    years = list(panel.years)
    if horizon is None:
        pairs = list(zip(years[:-1], years[1:], strict=True))
    else:
        pairs = [(y, y + horizon) for y in years if y + horizon in years]
        if not pairs:
            gaps = sorted({b - a for i, a in enumerate(years) for b in years[i + 1:]})
            raise ValidationError(
                f"no two periods are {horizon} years apart (periods: "
                f"{', '.join(map(str, years))}; possible horizons: {', '.join(map(str, gaps))})")
    res = compute_all(panel, method=method, threshold=threshold, diagonal=diagonal,
                      min_proximity=None)
    dens = res["density"][["region", "activity", "year", "m", "density"]]
    acts = res["activities"]
    if complexity == "pci":
        comp = acts[["activity", "year", "pci"]].rename(columns={"pci": "complexity"})
    else:
        with np.errstate(divide="ignore"):
            comp = acts[["activity", "year"]].assign(complexity=np.log10(acts["complexity"]))
    values = res["specialisation"][["region", "activity", "year", "value", "rca"]]
    base = dens.merge(comp, on=["activity", "year"], how="left")
    base = base.merge(values, on=["region", "activity", "year"], how="left")
    base["value"] = base["value"].fillna(0.0)
    base["rca"] = base["rca"].fillna(0.0)
    parts = []
    for y0, y1 in pairs:
        a = base[base["year"] == y0]
        b = base[base["year"] == y1][["region", "activity", "m", "value"]]
        b = b.rename(columns={"m": "m_to", "value": "value_to"})
        part = a.merge(b, on=["region", "activity"], how="inner")  # present in both periods
        part.insert(3, "year_to", y1)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)
    out["m"] = out["m"].astype(np.int8)
    out["m_to"] = out["m_to"].astype(np.int8)
    out["entry"] = pd.array(np.where(out["m"] == 0, out["m_to"], 0), dtype="Int8")
    out.loc[out["m"] == 1, "entry"] = pd.NA
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.log(out["value_to"].to_numpy()) - np.log(out["value"].to_numpy())
    both = (out["value"] > 0) & (out["value_to"] > 0)
    out["growth"] = np.where(both, growth, np.nan)
    cols = ["region", "activity", "year", "year_to", "m", "density", "complexity", "value",
            "rca", "value_to", "m_to", "entry", "growth"]
    out = out[cols]
    out.attrs.update(res["density"].attrs)
    out.attrs.update(horizon=horizon, complexity=complexity,
                     periods=[(int(a), int(b)) for a, b in pairs])
    return out


# -- fixed effects machinery ---------------------------------------------------------------------


def _codes(frame: pd.DataFrame, names: Iterable[str]) -> list[np.ndarray]:
    return [pd.factorize(frame[n], sort=True)[0] for n in names]


def _drop_singletons(codes: list[np.ndarray]) -> np.ndarray:
    """Mask of observations kept after iteratively dropping singleton fixed-effect groups."""
    keep = np.ones(len(codes[0]) if codes else 0, dtype=bool)
    changed = True
    while changed and codes:
        changed = False
        for c in codes:
            cnt = np.bincount(c[keep], minlength=c.max() + 1 if len(c) else 0)
            bad = keep & (cnt[c] == 1)
            if bad.any():
                keep &= ~bad
                changed = True
    return keep


def _demean(x: np.ndarray, codes: list[np.ndarray], tol: float = 1e-12,
            max_iter: int = 10_000) -> np.ndarray:
    """Residuals of ``x`` (columns) on the fixed effects, by alternating projections."""
    x = np.array(x, dtype=float, copy=True)
    if not codes:
        return x - x.mean(axis=0)
    counts = [np.bincount(c).astype(float) for c in codes]
    scale = max(float(np.abs(x).max()), 1.0)
    for _ in range(max_iter):
        biggest = 0.0
        for c, n in zip(codes, counts, strict=True):
            for j in range(x.shape[1]):
                means = np.bincount(c, weights=x[:, j]) / n
                x[:, j] -= means[c]
                biggest = max(biggest, float(np.abs(means).max()))
        if biggest < tol * scale:
            break
    return x


def _standardised_terms(frame: pd.DataFrame) -> pd.DataFrame:
    d = frame["density"].to_numpy(dtype=float)
    c = frame["complexity"].to_numpy(dtype=float)
    zd = (d - d.mean()) / (d.std() or 1.0)
    zc = (c - c.mean()) / (c.std() or 1.0)
    return pd.DataFrame({"density": zd, "complexity": zc, "density_x_complexity": zd * zc},
                        index=frame.index)


def _absorbed(x: np.ndarray, xd: np.ndarray) -> np.ndarray:
    """Columns whose variation the fixed effects absorb (residual variance ~ 0), and columns
    that, once the fixed effects are removed, are linear combinations of earlier columns (e.g.
    ``log_rca`` next to ``log_size`` with region, activity and period fixed effects and one
    origin period: ``ln RCA_ra = ln X_ra - ln X_r - ln X_a + ln X``)."""
    total = np.var(x, axis=0)
    resid = np.var(xd, axis=0)
    gone = (total == 0) | (resid <= 1e-9 * np.maximum(total, 1e-300))
    kept: list[int] = []
    for j in range(xd.shape[1]):
        if gone[j]:
            continue
        col = xd[:, j]
        if kept:
            basis = xd[:, kept]
            col = col - basis @ np.linalg.lstsq(basis, col, rcond=None)[0]
        if np.var(col) <= 1e-9 * resid[j]:
            gone[j] = True
        else:
            kept.append(j)
    return gone


def _table(names: list[str], coef: np.ndarray, cov: np.ndarray, df: int,
           alpha: float = 0.05) -> pd.DataFrame:
    from scipy import stats  # imported here: scipy.stats takes ~1 s to import, on every command

    se = np.sqrt(np.maximum(np.diag(cov), 0.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        stat = coef / se
    p = 2 * stats.t.sf(np.abs(stat), df)
    q = stats.t.ppf(1 - alpha / 2, df)
    return pd.DataFrame({"term": names, "coef": coef, "se": se, "stat": stat, "p_value": p,
                         "ci_low": coef - q * se, "ci_high": coef + q * se})


def _prepare_sample(
    table: pd.DataFrame, outcome: str, fixed_effects: tuple[str, ...], cluster: str,
) -> tuple[pd.DataFrame, int]:
    need = ["density", "complexity", outcome, cluster, *fixed_effects]
    check_frame(table, list(dict.fromkeys(need)), name="table")
    sub = table.dropna(subset=["density", "complexity", outcome])
    sub = sub[np.isfinite(sub["complexity"].to_numpy(dtype=float))]
    n0 = len(sub)
    if n0 == 0:
        raise ValidationError(f"no observations with {outcome}, density and complexity")
    return sub, n0


def _check_fe(fixed_effects: Iterable[str]) -> tuple[str, ...]:
    fe = tuple(fixed_effects)
    for f in fe:
        check_choice(f, ("region", "activity", "year"), name="fixed effect")
    return fe


def _ols_fe(y: np.ndarray, x: pd.DataFrame, codes: list[np.ndarray], groups: np.ndarray,
            n_fe_params: int) -> tuple[list[str], np.ndarray, np.ndarray, list[str], int]:
    import statsmodels.api as sm

    xv = x.to_numpy()
    yd = _demean(y[:, None], codes)[:, 0]
    xd = _demean(xv, codes)
    gone = _absorbed(xv, xd)
    names = [n for n, g in zip(x.columns, gone, strict=True) if not g]
    absorbed = [n for n, g in zip(x.columns, gone, strict=True) if g]
    if not names:
        return [], np.zeros(0), np.zeros((0, 0)), absorbed, len(np.unique(groups))
    res = sm.OLS(yd, xd[:, ~gone]).fit(cov_type="cluster", cov_kwds={"groups": groups},
                                       use_t=True)
    n, k = len(y), int((~gone).sum())
    # statsmodels corrects with (N - 1) / (N - k); the fixed effects and the intercept that
    # demeaning removed are parameters too
    factor = (n - k) / max(n - k - n_fe_params - 1, 1)
    return names, np.asarray(res.params), np.asarray(res.cov_params()) * factor, absorbed, \
        len(np.unique(groups))


def _n_fe_params(codes: list[np.ndarray]) -> int:
    """Fixed-effect parameters besides the intercept: levels minus one per dimension."""
    return int(sum(c.max() for c in codes)) if codes else 0


# -- models --------------------------------------------------------------------------------------


def fit_entry(
    table: pd.DataFrame,
    *,
    model: str = "lpm",
    fixed_effects: Iterable[str] = ("region", "activity", "year"),
    cluster: str = "region",
    max_iter: int = 50,
) -> ModelResult:
    """Entry model: probability of a new specialisation on relatedness, complexity and both.

    Parameters
    ----------
    table : DataFrame
        Rows with ``entry`` (0/1; NA rows, i.e. already specialised, are left out),
        ``density``, ``complexity`` and the fixed-effect and cluster columns (as from
        :func:`transitions`).
    model : {"lpm", "logit"}
        Linear probability model (OLS, fixed effects absorbed) or logit (fixed effects as
        dummies, estimated by Newton's method on a sparse design).
    fixed_effects : iterable of {"region", "activity", "year"}
        Fixed effects (default all three).
    cluster : str
        Column whose groups the standard errors are clustered by.
    max_iter : int
        Newton iterations of the logit.

    Returns
    -------
    ModelResult

    Notes
    -----
    ``E_rat = b1 z(density_rat) + b2 z(complexity_at) + b3 z(density) z(complexity) + mu_r +
    mu_a + mu_t + e``, with ``z`` the z-score over the estimation sample (so ``b1`` is the
    effect at mean complexity). LPM: the fixed effects are absorbed by alternating projections
    (singleton groups dropped first) and OLS is run on the residuals (statsmodels). Logit: FE
    groups whose outcome never varies are dropped (they are perfectly predicted), then
    ``P(E = 1) = Lambda(X b + D mu)`` with dummies ``D``. Standard errors are clustered by
    region: ``V = H^-1 (sum_g s_g s_g') H^-1 * G / (G - 1) * (N - 1) / (N - K)`` with ``K``
    counting the fixed effects, as statsmodels does with explicit dummies; p-values and
    intervals use the t distribution with ``G - 1`` degrees of freedom. A regressor the fixed
    effects absorb (complexity varies only by activity and period, so with activity fixed
    effects and one origin period it is not identified) is reported in ``absorbed``.

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.
    .. [2] Cameron, A. C. & Miller, D. L. (2015). A practitioner's guide to cluster-robust
       inference. Journal of Human Resources 50(2), 317-372.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> t = pd.DataFrame({"region": np.repeat(np.arange(40), 50),
    ...                   "activity": np.tile(np.arange(50), 40), "year": 2000,
    ...                   "density": rng.random(2000), "complexity": rng.normal(size=2000)})
    >>> t["entry"] = (rng.random(2000) < 0.05 + 0.4 * t["density"]).astype(int)
    >>> res = fit_entry(t, fixed_effects=("region", "year"))
    >>> row = res.coefficients.set_index("term").loc["density"]
    >>> bool(row["coef"] > 0 and row["p_value"] < 0.001)
    True
    """
    check_choice(model, ("lpm", "logit"), name="model")
    fe = _check_fe(fixed_effects)
    sub, n0 = _prepare_sample(table, "entry", fe, cluster)
    y = sub["entry"].to_numpy(dtype=float)
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValidationError("entry must be 0 or 1")
    if model == "lpm":
        codes = _codes(sub, fe)
        keep = _drop_singletons(codes)
        sub, y = sub[keep], y[keep]
        codes = _codes(sub, fe)
        x = _standardised_terms(sub)
        groups = pd.factorize(sub[cluster])[0]
        names, coef, cov, absorbed, g = _ols_fe(y, x, codes, groups, _n_fe_params(codes))
        coefs = _table(names, coef, cov, g - 1)
        info = {"mean_outcome": float(y.mean()) if len(y) else np.nan}
    else:
        sub, y = _drop_constant_groups(sub, y, fe)
        x = _standardised_terms(sub)
        codes = _codes(sub, fe)
        groups = pd.factorize(sub[cluster])[0]
        names, coef, cov, absorbed, g, info = _logit_fe(y, x, codes, groups, max_iter)
        coefs = _table(names, coef, cov, g - 1)
        info["mean_outcome"] = float(y.mean()) if len(y) else np.nan
    return ModelResult(model, "entry", coefs, absorbed, len(sub), g, fe, n0 - len(sub), info)


def _control_columns(sub: pd.DataFrame, controls: tuple[str, ...]) -> pd.DataFrame:
    """The control variables of :data:`CONTROLS` from the origin ``value`` and ``rca``."""
    out = {}
    with np.errstate(divide="ignore", invalid="ignore"):
        for c in controls:
            base = sub["value" if c.endswith("size") else "rca"].to_numpy(dtype=float)
            out[c] = np.log(np.where(base > 0, base, np.nan)) if c.startswith("log_") else base
    return pd.DataFrame(out, index=sub.index)


def _check_controls(controls: Iterable[str]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(controls))
    for c in out:
        check_choice(c, CONTROLS, name="control")
    if len({c.removeprefix("log_") for c in out}) < len(out):
        raise ValidationError(f"controls {list(out)}: a variable and its log together are "
                              "almost collinear; choose one of each")
    return out


def fit_growth(
    table: pd.DataFrame,
    *,
    fixed_effects: Iterable[str] = ("region", "activity", "year"),
    cluster: str = "region",
    controls: Iterable[str] = (),
) -> ModelResult:
    """Growth model: growth of an activity in a region on relatedness, complexity and both.

    Parameters
    ----------
    table : DataFrame
        Rows with ``growth`` (``log X(t+h) - log X(t)``; NaN rows are left out), ``density``,
        ``complexity`` and the fixed-effect and cluster columns (as from :func:`transitions`).
    fixed_effects : iterable of {"region", "activity", "year"}
        Fixed effects (default all three).
    cluster : str
        Column whose groups the standard errors are clustered by.
    controls : iterable of {"size", "log_size", "rca", "log_rca"}
        Controls at the origin period (:data:`CONTROLS`; ``value`` and ``rca`` columns of the
        table): the initial size ``X_ra(t)`` and the initial RCA, in levels or logs. None by
        default; ``("log_size",)`` is the usual growth-regression control.

    Returns
    -------
    ModelResult
        ``coefficients`` lists the terms, then the controls (in their own units: a coefficient
        of ``log_size`` is an elasticity); ``controls`` says which were used.

    Notes
    -----
    ``g_rat = b1 z(density) + b2 z(complexity) + b3 z(density) z(complexity) + c' w_rat + mu_r
    + mu_a + mu_t + e`` by OLS with the fixed effects absorbed, standard errors clustered by
    region (see :func:`fit_entry`); ``w`` are the controls. With region and activity fixed
    effects, the growth of the region's total and of the activity worldwide are absorbed, so
    ``g`` behaves like the change in log RCA; with one origin period ``ln RCA`` and ``ln X`` then
    differ only by fixed effects, so a second one of them is reported in ``absorbed``. Rows
    whose control is not finite (the log of 0) are dropped and counted in ``dropped``. H2 is
    tested on ``b1``: the growth model of Balland et al. (2018) with the origin level as control,
    so that density is not credited with mean reversion.

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> t = pd.DataFrame({"region": np.repeat(np.arange(30), 40),
    ...                   "activity": np.tile(np.arange(40), 30), "year": 2000,
    ...                   "density": rng.random(1200), "complexity": rng.normal(size=1200)})
    >>> t["growth"] = 2.0 * t["density"] + rng.normal(scale=0.2, size=1200)
    >>> res = fit_growth(t)
    >>> round(float(res.coefficients.set_index("term").loc["density", "coef"]), 1)  # 2 * sd
    0.6
    """
    fe = _check_fe(fixed_effects)
    ctrl = _check_controls(controls)
    if ctrl:  # size controls read the origin value, RCA controls the origin RCA
        check_frame(table, sorted({"value" if c.endswith("size") else "rca" for c in ctrl}),
                    name="table")
    sub, n0 = _prepare_sample(table, "growth", fe, cluster)
    if ctrl:
        w = _control_columns(sub, ctrl)
        sub = sub[np.isfinite(w.to_numpy()).all(axis=1)]
        if sub.empty:
            raise ValidationError(f"no observations with finite controls {list(ctrl)}")
    codes = _codes(sub, fe)
    keep = _drop_singletons(codes)
    sub = sub[keep]
    codes = _codes(sub, fe)
    y = sub["growth"].to_numpy(dtype=float)
    x = _standardised_terms(sub)
    if ctrl:
        x = pd.concat([x, _control_columns(sub, ctrl)], axis=1)
    groups = pd.factorize(sub[cluster])[0]
    names, coef, cov, absorbed, g = _ols_fe(y, x, codes, groups, _n_fe_params(codes))
    coefs = _table(names, coef, cov, g - 1)
    return ModelResult("lpm", "growth", coefs, absorbed, len(sub), g, fe, n0 - len(sub),
                       {"mean_outcome": float(y.mean()) if len(y) else np.nan}, ctrl)


def _drop_constant_groups(sub: pd.DataFrame, y: np.ndarray, fe: tuple[str, ...]):
    """Drop FE groups whose outcome never varies (perfect prediction in a logit), iteratively."""
    keep = np.ones(len(y), dtype=bool)
    codes = _codes(sub, fe)
    changed = True
    while changed:
        changed = False
        for c in codes:
            n = np.bincount(c[keep], minlength=c.max() + 1)
            s = np.bincount(c[keep], weights=y[keep], minlength=c.max() + 1)
            const = (s == 0) | (s == n)
            bad = keep & const[c]
            if bad.any():
                keep &= ~bad
                changed = True
    if not keep.any():
        raise ValidationError("the outcome never varies within the fixed-effect groups")
    return sub[keep], y[keep]


def _logit_fe(y, x: pd.DataFrame, codes, groups, max_iter):
    """Logit with dummy fixed effects on a sparse design; clustered sandwich covariance."""
    xv = x.to_numpy()
    xd = _demean(xv, codes)
    gone = _absorbed(xv, xd)
    names = [n for n, g_ in zip(x.columns, gone, strict=True) if not g_]
    absorbed = [n for n, g_ in zip(x.columns, gone, strict=True) if g_]
    n = len(y)
    blocks = [sp.csr_matrix(np.column_stack([np.ones(n), xv[:, ~gone]]))]
    for c in codes:  # dummies, first level left out
        rows = np.flatnonzero(c > 0)
        blocks.append(sp.csr_matrix((np.ones(len(rows)), (rows, c[rows] - 1)),
                                    shape=(n, int(c.max()))))
    a = sp.hstack(blocks, format="csr")
    p = a.shape[1]
    beta = np.zeros(p)
    mean = y.mean()
    beta[0] = np.log(mean / (1 - mean))
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007
        eta = a @ beta
        mu = 1 / (1 + np.exp(-eta))
        w = mu * (1 - mu)
        grad = a.T @ (y - mu)
        hess = (a.T @ sp.diags(w) @ a).toarray()
        step = np.linalg.solve(hess + 1e-12 * np.eye(p), grad)
        beta += step
        if np.max(np.abs(step)) < 1e-9:
            converged = True
            break
    mu = 1 / (1 + np.exp(-(a @ beta)))
    hess = (a.T @ sp.diags(mu * (1 - mu)) @ a).toarray()
    g = int(groups.max()) + 1
    cl = sp.csr_matrix((np.ones(n), (groups, np.arange(n))), shape=(g, n))
    scores = np.asarray((cl @ sp.diags(y - mu) @ a).todense())
    meat = scores.T @ scores
    h_inv = np.linalg.inv(hess)
    cov = h_inv @ meat @ h_inv * (g / (g - 1)) * ((n - 1) / (n - p))
    k = len(names)
    info = {"iterations": it, "converged": converged}
    return names, beta[1:k + 1], cov[1:k + 1, 1:k + 1], absorbed, g, info


def hypotheses(
    entry: ModelResult | None = None,
    growth: ModelResult | None = None,
    *,
    alpha: float = 0.05,
) -> pd.DataFrame:
    """Which of H1-H6 the estimates support.

    Parameters
    ----------
    entry, growth : ModelResult, optional
        Results of :func:`fit_entry` (H1, H3, H5) and :func:`fit_growth` (H2, H4, H6).
    alpha : float
        Significance level.

    Returns
    -------
    DataFrame
        ``hypothesis, model, term, expected, coef, p_value, verdict, statement``, one row per
        hypothesis of the models given.

    Notes
    -----
    The hypotheses (Balland et al. 2018: diversifying into complex activities is attractive but
    difficult; relatedness helps to overcome the difficulty), as signs of the terms of
    :data:`TERMS`: H1 density + (entry); H2 density + (growth); H3 complexity - (entry); H4
    complexity + (growth); H5 interaction + (entry); H6 interaction + (growth). Verdict:
    ``supported`` when the coefficient has the expected sign and ``p < alpha``; ``rejected``
    when it has the opposite sign and ``p < alpha``; ``not supported`` when ``p >= alpha``;
    ``not identified`` when the fixed effects absorb the term.

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.

    Examples
    --------
    >>> coefs = pd.DataFrame({"term": list(TERMS), "coef": [0.1, -0.2, 0.0],
    ...                       "p_value": [0.001, 0.01, 0.9]})
    >>> r = ModelResult("lpm", "entry", coefs, [], 100, 10, ("region",))
    >>> hypotheses(entry=r)[["hypothesis", "verdict"]].values.tolist()
    [['H1', 'supported'], ['H3', 'supported'], ['H5', 'not supported']]
    """
    rows = []
    models = {"entry": entry, "growth": growth}
    for hyp, outcome, term, sign, statement in HYPOTHESES:
        res = models[outcome]
        if res is None:
            continue
        coefs = res.coefficients.set_index("term")
        if term not in coefs.index:
            rows.append((hyp, outcome, term, "+" if sign > 0 else "-", np.nan, np.nan,
                         "not identified", statement))
            continue
        b, p = float(coefs.loc[term, "coef"]), float(coefs.loc[term, "p_value"])
        if not np.isfinite(p) or p >= alpha:
            verdict = "not supported"
        elif np.sign(b) == sign:
            verdict = "supported"
        else:
            verdict = "rejected"
        rows.append((hyp, outcome, term, "+" if sign > 0 else "-", b, p, verdict, statement))
    out = pd.DataFrame(rows, columns=["hypothesis", "model", "term", "expected", "coef",
                                      "p_value", "verdict", "statement"])
    out.attrs.update(alpha=alpha)
    return out
