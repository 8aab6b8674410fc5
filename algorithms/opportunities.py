"""Smart specialisation: diversification opportunities (Balland et al. 2018) and related pathways.

:func:`opportunities` lists the activities a region is not yet specialised in with their
relatedness density, complexity (PCI or Fitness-Complexity) and complexity outlook gain, placed in
the four quadrants of the smart specialisation framework; :func:`quadrants` does the placement on
any such table. :func:`related_specialisations` and :func:`pathways` answer "how could the region
reach activity A": its specialisations closest to A, and the shortest routes to A through the
proximity network weighted by the distance ``1 - phi``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from ._validation import ValidationError, check_choice, check_frame, check_int, check_numeric
from .panel import Panel, as_panel

__all__ = [
    "QUADRANTS",
    "COMPLEXITY_MEASURES",
    "quadrants",
    "opportunity_table",
    "opportunities",
    "related_specialisations",
    "pathways",
]

#: Quadrant names (Balland et al. 2018): relatedness is the risk side, complexity the gain side.
#: The order is the sort order of :func:`opportunities` (feasible first, then by gain).
QUADRANTS = (
    "low risk, high gain",
    "low risk, low gain",
    "high risk, high gain",
    "high risk, low gain",
)
#: Complexity measures of the framework's y axis.
COMPLEXITY_MEASURES = ("pci", "fitness")


def quadrants(
    table: pd.DataFrame,
    *,
    x: str = "density",
    y: str = "complexity",
    x_cut: float | None = None,
    y_cut: float | None = None,
    by: Iterable[str] | None = ("region", "year"),
) -> pd.DataFrame:
    """Place candidate activities in the four quadrants of the smart specialisation framework.

    Parameters
    ----------
    table : DataFrame
        One row per candidate (region, activity[, year]) with columns ``x`` and ``y``.
    x, y : str
        Relatedness (risk side) and complexity (gain side) columns.
    x_cut, y_cut : float, optional
        Cut-offs; by default the medians of ``x`` and ``y`` within each group of ``by``.
    by : iterable of str, optional
        Groups whose medians are used (the columns of ``by`` that the table has; by default each
        region and period on its own). None: one median over the whole table.

    Returns
    -------
    DataFrame
        A copy of ``table`` with ``x_cut``, ``y_cut`` and ``quadrant`` (one of
        :data:`QUADRANTS`); ``attrs`` records the cut rule.

    Notes
    -----
    High relatedness (``x >= x_cut``) is low risk, high complexity (``y >= y_cut``) is high
    gain (Balland, Boschma, Crespo & Rigby 2018, figure 5): *low risk, high gain* is the ideal
    case, *high risk, low gain* the least interesting. A value on a cut counts as high. Rows
    with a missing ``x`` or ``y`` get a missing quadrant.

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union: relatedness, knowledge complexity and regional
       diversification. Regional Studies 53(9), 1252-1268 (online 2018).

    Examples
    --------
    Medians 0.25 (x) and 0.5 (y):

    >>> t = pd.DataFrame({"activity": list("abcd"), "density": [0.1, 0.2, 0.3, 0.4],
    ...                   "complexity": [1.0, 0.0, 1.0, 0.0]})
    >>> quadrants(t, by=None)["quadrant"].tolist()
    ['high risk, high gain', 'high risk, low gain', 'low risk, high gain', 'low risk, low gain']
    """
    check_frame(table, [x, y], name="table")
    out = table.copy()
    xv = pd.Series(check_numeric(out[x], name=x, allow_negative=True), index=out.index)
    yv = pd.Series(check_numeric(out[y], name=y, allow_negative=True), index=out.index)
    keys = [k for k in (by or []) if k in out.columns]
    if keys:
        groups = [out[k] for k in keys]
        out["x_cut"] = xv.groupby(groups).transform("median") if x_cut is None else float(x_cut)
        out["y_cut"] = yv.groupby(groups).transform("median") if y_cut is None else float(y_cut)
    else:
        out["x_cut"] = xv.median() if x_cut is None else float(x_cut)
        out["y_cut"] = yv.median() if y_cut is None else float(y_cut)
    low_risk = (xv >= out["x_cut"]).to_numpy()
    high_gain = (yv >= out["y_cut"]).to_numpy()
    names = np.array(QUADRANTS, dtype=object)
    idx = np.where(low_risk, np.where(high_gain, 0, 1), np.where(high_gain, 2, 3))
    quad = names[idx]
    quad[(xv.isna() | yv.isna()).to_numpy()] = None
    out["quadrant"] = pd.Categorical(quad, categories=list(QUADRANTS), ordered=True)
    out.attrs.update(table.attrs)
    out.attrs.update(quadrant_x=x, quadrant_y=y,
                     cut="median" if x_cut is None and y_cut is None else "given",
                     cut_groups=keys)
    return out


def _percentile(values: pd.Series, groups: list[pd.Series]) -> pd.Series:
    if groups:
        return values.groupby(groups).rank(pct=True, method="average")
    return values.rank(pct=True, method="average")


def opportunity_table(
    density: pd.DataFrame,
    activity_scores: pd.DataFrame,
    *,
    complexity: str = "pci",
    specialisation: pd.DataFrame | None = None,
    region: str | Iterable[str] | None = None,
    year: object | None = None,
    x_cut: float | None = None,
    y_cut: float | None = None,
) -> pd.DataFrame:
    """The framework table from precomputed measures (e.g. the outputs of ``compute_all``).

    Parameters
    ----------
    density : DataFrame
        ``region, activity[, year], m, density`` and optionally ``cog`` (as returned by
        :func:`~.relatedness.cog` or ``compute_all(...)["density"]``).
    activity_scores : DataFrame
        ``activity[, year]`` with ``pci`` (``complexity="pci"``) or ``complexity``
        (``complexity="fitness"``, the Fitness-Complexity of :func:`~.complexity.fitness_complexity`).
    complexity : {"pci", "fitness"}
        Which complexity is the gain axis.
    specialisation : DataFrame, optional
        ``region, activity[, year], rca``: the candidates' current RCA (0 where not exported).
    region : str or iterable of str, optional
        Only these regions.
    year : optional
        Only this period.
    x_cut, y_cut : float, optional
        Quadrant cut-offs (default: medians per region and period; see :func:`quadrants`).

    Returns
    -------
    DataFrame
        ``region, activity[, year], rca, density, complexity, cog, quadrant, score, rank``,
        candidates only (``m = 0``), sorted by region, year and ``rank``.

    Notes
    -----
    Sort rule: by quadrant in the order of :data:`QUADRANTS` (low risk first: relatedness is
    what predicts entry), then by ``score`` descending, then by activity code. ``score`` is the
    mean of the percentile ranks of density and complexity among the region's candidates of the
    period (in ``(0, 1]``). ``rank`` numbers the sorted rows from 1 within each region and period.
    Candidates with an unknown complexity (activities outside the main component) come last.

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.

    Examples
    --------
    >>> d = pd.DataFrame({"region": "r", "activity": list("abcde"), "m": [1, 0, 0, 0, 0],
    ...                   "density": [0.9, 0.1, 0.2, 0.3, 0.4]})
    >>> p = pd.DataFrame({"activity": list("abcde"), "pci": [0.0, 1.0, 0.0, 1.0, 0.0]})
    >>> opportunity_table(d, p)[["activity", "quadrant", "rank"]].values.tolist()
    [['d', 'low risk, high gain', 1], ['e', 'low risk, low gain', 2], ['b', 'high risk, high gain', 3], ['c', 'high risk, low gain', 4]]
    """  # noqa: E501
    check_choice(complexity, COMPLEXITY_MEASURES, name="complexity")
    check_frame(density, ["region", "activity", "m", "density"], name="density")
    score_col = "pci" if complexity == "pci" else "complexity"
    check_frame(activity_scores, ["activity", score_col], name="activity_scores")
    has_year = "year" in density.columns
    akeys = ["activity"] + (["year"] if has_year and "year" in activity_scores.columns else [])
    cand = density[density["m"] == 0]
    if region is not None:
        regions = [region] if isinstance(region, str) else list(region)
        cand = cand[cand["region"].isin(regions)]
    if year is not None and has_year:
        cand = cand[cand["year"] == year]
    cols = ["region", "activity"] + (["year"] if has_year else []) + ["density"]
    cols += ["cog"] if "cog" in cand.columns else []
    out = cand[cols].copy()
    scores = activity_scores[akeys + [score_col]].rename(columns={score_col: "complexity"})
    out = out.merge(scores, on=akeys, how="left")
    keys = ["region", "activity"] + (["year"] if has_year else [])
    if specialisation is not None:
        check_frame(specialisation, keys + ["rca"], name="specialisation")
        out = out.merge(specialisation[keys + ["rca"]], on=keys, how="left")
        out["rca"] = out["rca"].fillna(0.0)
    else:
        out["rca"] = np.nan
    if "cog" not in out.columns:
        out["cog"] = np.nan
    group_keys = ["region"] + (["year"] if has_year else [])
    out = quadrants(out, x_cut=x_cut, y_cut=y_cut, by=group_keys)
    groups = [out[k] for k in group_keys]
    out["score"] = (_percentile(out["density"], groups)
                    + _percentile(out["complexity"], groups)) / 2
    out = out.sort_values(group_keys + ["quadrant", "score", "activity"],
                          ascending=[True] * len(group_keys) + [True, False, True],
                          na_position="last", kind="mergesort")
    out["rank"] = out.groupby(group_keys, sort=False).cumcount() + 1
    order = keys + ["rca", "density", "complexity", "cog", "quadrant", "score", "rank"]
    out = out[order].reset_index(drop=True)
    out.attrs.update(density.attrs)
    out.attrs.update(complexity=complexity, sort="quadrant, score desc, activity",
                     cut="median" if x_cut is None and y_cut is None else "given")
    return out


def opportunities(
    data: pd.DataFrame | Panel,
    *,
    region: str | Iterable[str] | None = None,
    year: object | None = None,
    complexity: str = "pci",
    x_cut: float | None = None,
    y_cut: float | None = None,
    diagonal: float = 1.0,
    method: str = "balassa",
    threshold: float | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Diversification opportunities: the smart specialisation framework of a region.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region``, ``activity``, ``value`` and optionally ``year``.
    region : str or iterable of str, optional
        Only these regions (measures are still computed on all regions).
    year : optional
        Only this period.
    complexity : {"pci", "fitness"}
        Gain axis: PCI (eigenvector, Growth Lab scaling) or Fitness-Complexity's complexity.
    x_cut, y_cut : float, optional
        Quadrant cut-offs for density and complexity (default: medians per region and period).
    diagonal : float
        Proximity diagonal used for density and COG (1: Growth Lab; 0: Balland's relatedness
        density, which leaves ``j = a`` out).
    method, threshold
        How RCA and M are obtained (see :func:`~.specialisation.specialisation`).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, activity[, year], rca, density, complexity, cog, quadrant, score, rank`` for
        every activity a region is not specialised in (``M_ra = 0``); see
        :func:`opportunity_table` for the sort rule.

    Notes
    -----
    Relatedness density ``omega_ra = sum_j M_rj phi_aj / sum_j phi_aj`` (0-1), complexity
    ``PCI_a`` or ``Q_a``, ``COG_ra = (1 - M_ra) sum_j (1 - M_rj) (phi_aj / sum_k phi_kj) PCI_j``
    (Growth Lab); quadrants split at the medians of the region's candidates (Balland et al.
    2018). Conventions are recorded in ``attrs``.

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.
    .. [2] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
       conditions the development of nations. Science 317, 482-487.

    Examples
    --------
    >>> df = pd.DataFrame({"region": list("aaabbc"), "activity": list("xyzxyx"),
    ...                    "value": 1.0})
    >>> opportunities(df, region="c", method="given")[["activity", "quadrant"]].values.tolist()
    [['y', 'low risk, low gain'], ['z', 'high risk, high gain']]
    """
    from .complexity import fitness_complexity
    from .relatedness import cog

    check_choice(complexity, COMPLEXITY_MEASURES, name="complexity")
    panel = as_panel(data, columns=columns)
    dens = cog(panel, diagonal=diagonal, method=method, threshold=threshold)
    if complexity == "pci":
        from .complexity import pci

        scores = pci(panel, method=method, threshold=threshold)
    else:
        scores = fitness_complexity(panel, method=method, threshold=threshold).activities
    spec = None
    if method != "given":
        from .specialisation import rca

        spec = rca(panel, method=method)
    out = opportunity_table(dens, scores, complexity=complexity, specialisation=spec,
                            region=region, year=year, x_cut=x_cut, y_cut=y_cut)
    if region is not None and out.empty:
        regions = [region] if isinstance(region, str) else list(region)
        missing = [r for r in regions if r not in panel.regions]
        if missing:
            raise ValidationError(f"region(s) {missing} not in the data")
    return out


# -- pathways ------------------------------------------------------------------------------------


def _edges(proximity: pd.DataFrame, weight: str, min_proximity: float) -> pd.DataFrame:
    check_frame(proximity, ["activity_a", "activity_b", weight], name="proximity")
    if "year" in proximity.columns and proximity["year"].nunique() > 1:
        raise ValidationError("proximity holds several periods; filter it to one year first")
    phi = check_numeric(proximity[weight], name=weight)
    keep = (phi > 0) & (phi >= min_proximity)
    e = pd.DataFrame({"a": proximity["activity_a"].astype(str).to_numpy()[keep],
                      "b": proximity["activity_b"].astype(str).to_numpy()[keep],
                      "phi": phi[keep]})
    return e[e["a"] != e["b"]]


def related_specialisations(
    proximity: pd.DataFrame,
    *,
    specialised: Iterable[str],
    activity: str,
    top: int | None = 10,
    weight: str = "proximity",
) -> pd.DataFrame:
    """A region's existing specialisations ranked by their proximity to a target activity.

    Parameters
    ----------
    proximity : DataFrame
        Pair table ``activity_a, activity_b, proximity`` of one period (from
        :func:`~.relatedness.proximity`).
    specialised : iterable of str
        The region's specialisations (activities with ``M_rj = 1``).
    activity : str
        The target activity.
    top : int, optional
        How many to list (None: all with a positive proximity).
    weight : str
        The proximity column.

    Returns
    -------
    DataFrame
        ``activity, proximity, distance, rank``: specialisations ``j`` by ``phi_j,target``
        descending (ties by code); ``distance = 1 - phi``.

    Notes
    -----
    These are the region's capabilities that lead to the target: the terms of its density
    ``omega_r,target = sum_j M_rj phi_j,target / sum_j phi_j,target`` in decreasing order.

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
       conditions the development of nations. Science 317, 482-487.

    Examples
    --------
    >>> e = pd.DataFrame({"activity_a": ["a", "b", "a"], "activity_b": ["t", "t", "b"],
    ...                   "proximity": [0.3, 0.6, 0.9]})
    >>> related_specialisations(e, specialised=["a", "b"], activity="t").values.tolist()
    [['b', 0.6, 0.4, 1], ['a', 0.3, 0.7, 2]]
    """
    e = _edges(proximity, weight, 0.0)
    spec = {str(s) for s in specialised}
    activity = str(activity)
    hit_a = e[(e["b"] == activity) & e["a"].isin(spec)][["a", "phi"]].rename(columns={"a": "j"})
    hit_b = e[(e["a"] == activity) & e["b"].isin(spec)][["b", "phi"]].rename(columns={"b": "j"})
    out = pd.concat([hit_a, hit_b], ignore_index=True)
    out = out.sort_values(["phi", "j"], ascending=[False, True]).drop_duplicates("j")
    if top is not None:
        out = out.head(check_int(top, name="top", minimum=1))
    out = pd.DataFrame({"activity": out["j"].to_numpy(), "proximity": out["phi"].to_numpy(),
                        "distance": 1.0 - out["phi"].to_numpy()})
    out["rank"] = np.arange(1, len(out) + 1)
    return out


def pathways(
    proximity: pd.DataFrame,
    *,
    specialised: Iterable[str],
    activity: str,
    k: int = 3,
    min_proximity: float = 0.0,
    weight: str = "proximity",
) -> pd.DataFrame:
    """The ``k`` shortest paths from any of a region's specialisations to a target activity.

    Parameters
    ----------
    proximity : DataFrame
        Pair table ``activity_a, activity_b, proximity`` of one period.
    specialised : iterable of str
        The region's specialisations (the possible starting points).
    activity : str
        The target activity (must not be a specialisation already).
    k : int
        Number of paths (fewer when fewer exist).
    min_proximity : float
        Use only links with ``phi >= min_proximity`` (e.g. 0.3, or the backbone's 0.55): steps
        along weak links are not plausible moves even when they are short in total.
    weight : str
        The proximity column.

    Returns
    -------
    DataFrame
        One row per step: ``path`` (1 = shortest), ``step`` (0 = the starting specialisation),
        ``activity``, ``specialised`` (whether the region already has it), ``proximity`` (phi of
        the link from the previous step; NaN at step 0), ``distance`` (cumulative),
        ``length`` (the path's total distance) and ``hops``. Empty when the target cannot be
        reached. ``attrs`` holds ``k``, ``min_proximity`` and the network size.

    Notes
    -----
    The network links activities with ``phi_ij > 0`` (and ``>= min_proximity``), each link
    weighted by the distance ``1 - phi_ij``. A virtual source joined to every specialisation by a
    zero-weight link turns "from any specialisation" into single-source k shortest simple paths
    (Yen's algorithm, igraph ``get_k_shortest_paths``), so each path starts at a specialisation
    and its length is the sum of ``1 - phi`` along it. Ties are broken by the solver.

    References
    ----------
    .. [1] Yen, J. Y. (1971). Finding the k shortest loopless paths in a network. Management
       Science 17(11), 712-716.
    .. [2] IPPR (2014). Manufacturing matters: the West Midlands (related pathways to space
       from automotive and aerospace).

    Examples
    --------
    a - t directly (distance 0.9) or a - b - t (0.2 + 0.3):

    >>> e = pd.DataFrame({"activity_a": ["a", "a", "b"], "activity_b": ["t", "b", "t"],
    ...                   "proximity": [0.1, 0.8, 0.7]})
    >>> p = pathways(e, specialised=["a"], activity="t", k=2)
    >>> p.groupby("path")["activity"].apply("-".join).tolist()
    ['a-b-t', 'a-t']
    >>> p.groupby("path")["length"].first().round(2).tolist()
    [0.5, 0.9]
    """
    import igraph as ig

    k = check_int(k, name="k", minimum=1)
    e = _edges(proximity, weight, float(min_proximity))
    spec = sorted({str(s) for s in specialised})
    activity = str(activity)
    if activity in spec:
        raise ValidationError(f"{activity!r} is already a specialisation: no path needed")
    cols = ["path", "step", "activity", "specialised", "proximity", "distance", "length", "hops"]
    nodes = pd.Index(pd.unique(np.concatenate([e["a"].to_numpy(), e["b"].to_numpy()])))
    starts = [s for s in spec if s in nodes]
    empty = pd.DataFrame({c: [] for c in cols})
    empty.attrs.update(k=k, min_proximity=float(min_proximity), n_links=len(e))
    if activity not in nodes or not starts:
        return empty
    src = len(nodes)  # the virtual source
    ia, ib = nodes.get_indexer(e["a"]), nodes.get_indexer(e["b"])
    si = nodes.get_indexer(starts)
    edges = np.concatenate([np.column_stack([ia, ib]),
                            np.column_stack([np.full(len(si), src), si])])
    w = np.concatenate([1.0 - e["phi"].to_numpy(), np.zeros(len(si))])
    g = ig.Graph(n=len(nodes) + 1, edges=edges.tolist(), directed=False)
    found = g.get_k_shortest_paths(src, to=int(nodes.get_loc(activity)), k=k,
                                   weights=w.tolist(), output="vpath")
    phi = {}
    for a, b, v in zip(ia, ib, e["phi"].to_numpy(), strict=True):
        phi[(a, b)] = phi[(b, a)] = max(v, phi.get((a, b), 0.0))
    spec_set = set(si.tolist())
    rows = []
    for p_i, path in enumerate(found, start=1):
        path = [v for v in path if v != src]
        steps = [np.nan] + [phi[(path[i - 1], path[i])] for i in range(1, len(path))]
        dist = np.concatenate([[0.0], np.cumsum(1.0 - np.asarray(steps[1:], dtype=float))])
        for s, (v, ph, d) in enumerate(zip(path, steps, dist, strict=True)):
            rows.append((p_i, s, nodes[v], v in spec_set, ph, d, dist[-1], len(path) - 1))
    if not rows:
        return empty
    out = pd.DataFrame(rows, columns=cols)
    out.attrs.update(empty.attrs)
    return out
