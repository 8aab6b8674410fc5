"""Smart specialisation: diversification opportunities (Balland et al. 2018) and related pathways.

:func:`opportunities` lists the activities a region is not yet specialised in with their
relatedness density, complexity (PCI or Fitness-Complexity) and complexity outlook gain, placed in
the four quadrants of the smart specialisation framework; :func:`quadrants` does the placement on
any such table. :func:`related_specialisations` and :func:`pathways` answer "how could the region
reach activity A": its specialisations closest to A, and the shortest routes to A through the
proximity network weighted by the distance ``1 - phi``.

The growth-opportunity view of the Atlas of Economic Complexity: :func:`strategy_scores` ranks
the candidates with a strategy preset (:data:`STRATEGIES`: low-hanging fruit, balanced
portfolio, long jumps) and rates distance, complexity, COG and the score in deciles;
:func:`market_context` adds the world market size and growth and the region's exports and world
share; :func:`strategic_approaches` places regions on COI against ECI in the four approaches
(:data:`APPROACHES`).
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
    "STRATEGIES",
    "BALANCED_BY_APPROACH",
    "APPROACHES",
    "strategy_weights",
    "deciles",
    "strategy_scores",
    "market_context",
    "strategic_approaches",
    "strategic_approach",
    "approach_of",
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


# -- Atlas-style strategies, market context and the strategic approach ------------------------

#: Strategy presets of the growth-opportunity view of the Atlas of Economic Complexity (Country
#: Pages): weights over nearness (distance ``1 - density``, nearer is better), complexity (PCI)
#: and complexity outlook gain (COG). :func:`strategy_scores` min-max rescales each criterion
#: to 0-1 among the region's candidates of the period (distance inverted, so 1 = nearest) and
#: sums them with these weights. The Growth Lab publishes the presets' names, not their weights
#: (no paper or glossary entry gives them); the values are those the Country Pages use, as
#: documented from the site by the ask-atlas project (shreyasgm/ask-atlas,
#: ``src/docs/product_space_and_relatedness.md``, "Product Selection Strategies"). There,
#: *balanced* depends on the country's strategic approach (:data:`BALANCED_BY_APPROACH`); the
#: preset here is its Strategic Bets variant, which is also the fixed weighting of the Atlas's
#: Explore feasibility view (0.50 / 0.15 / 0.35).
STRATEGIES: dict[str, dict[str, float]] = {
    "low-hanging": {"distance": 0.60, "pci": 0.15, "cog": 0.25},
    "balanced": {"distance": 0.50, "pci": 0.15, "cog": 0.35},
    "long-jumps": {"distance": 0.45, "pci": 0.20, "cog": 0.35},
}

#: The four strategic approaches of the Atlas (Country Pages, "Recommended strategic approach"),
#: in the order of :func:`strategic_approaches`' quadrants.
APPROACHES = (
    "light touch",
    "parsimonious industrial policy",
    "strategic bets",
    "technological frontier",
)

#: One-line meaning of each approach (paraphrasing the Atlas's descriptions).
APPROACH_DESCRIPTIONS: dict[str, str] = {
    "light touch": "complex and well connected: leverage existing successes to move into "
                   "more complex products, with little intervention",
    "parsimonious industrial policy": "well connected but simpler than expected: remove "
                                      "bottlenecks to make short jumps into related products",
    "strategic bets": "few nearby opportunities: coordinated long jumps into strategic areas "
                      "that open future diversification",
    "technological frontier": "complex with few unexploited nearby products: gains come from "
                              "developing new products (innovation)",
}

#: The *balanced* weights by strategic approach (same source as :data:`STRATEGIES`); the
#: Atlas shows no growth opportunities for technological-frontier countries, so for them
#: (and when no approach is given) *balanced* is :data:`STRATEGIES` ``["balanced"]``.
BALANCED_BY_APPROACH: dict[str, dict[str, float]] = {
    "strategic bets": {"distance": 0.50, "pci": 0.15, "cog": 0.35},
    "parsimonious industrial policy": {"distance": 0.55, "pci": 0.20, "cog": 0.25},
    "light touch": {"distance": 0.60, "pci": 0.20, "cog": 0.20},
}

#: The name of the smart specialisation ordering of :func:`opportunity_table` as a strategy.
QUADRANT_STRATEGY = "quadrant"

_WEIGHT_KEYS = ("distance", "pci", "cog")


def strategy_weights(strategy: str | Mapping[str, float],
                     approach: str | None = None) -> dict[str, float]:
    """The weights of a strategy preset (or check a mapping of custom weights).

    Parameters
    ----------
    strategy : str or mapping
        A key of :data:`STRATEGIES`, or ``{"distance": w, "pci": w, "cog": w}``.
    approach : str, optional
        The region's strategic approach (:data:`APPROACHES`): *balanced* then takes the
        approach's weights (:data:`BALANCED_BY_APPROACH`), as the Atlas does.

    Returns
    -------
    dict
        ``distance, pci, cog`` weights (non-negative, not all zero).

    Examples
    --------
    >>> strategy_weights("low-hanging")
    {'distance': 0.6, 'pci': 0.15, 'cog': 0.25}
    >>> strategy_weights("balanced", approach="light touch")
    {'distance': 0.6, 'pci': 0.2, 'cog': 0.2}
    """
    if isinstance(strategy, str):
        check_choice(strategy, tuple(STRATEGIES), name="strategy")
        if strategy == "balanced" and approach is not None:
            check_choice(approach, APPROACHES, name="approach")
            return dict(BALANCED_BY_APPROACH.get(approach, STRATEGIES["balanced"]))
        return dict(STRATEGIES[strategy])
    weights = dict(strategy)
    unknown = sorted(set(weights) - set(_WEIGHT_KEYS))
    if unknown:
        raise ValidationError(f"unknown weight(s) {unknown}; expected {list(_WEIGHT_KEYS)}")
    out = {k: float(weights.get(k, 0.0)) for k in _WEIGHT_KEYS}
    if any(not np.isfinite(v) or v < 0 for v in out.values()) or sum(out.values()) == 0:
        raise ValidationError(f"weights must be finite, non-negative and not all 0; got {out}")
    return out


def deciles(values: pd.Series, groups: Iterable[pd.Series] | None = None) -> pd.Series:
    """Decile ratings 1-10 (10 = the highest tenth), within each group.

    ``decile = ceil(10 * r / n)`` where ``r`` is the value's rank (1 = lowest, ties share
    their average rank) among the ``n`` non-missing values of its group; a missing value has a
    missing rating. This is the Atlas's 10-step rating (shown there as 0.5-5 diamonds).

    Examples
    --------
    >>> deciles(pd.Series([5.0, 1.0, 3.0, 2.0])).tolist()
    [10, 3, 8, 5]
    >>> deciles(pd.Series(range(10))).tolist()
    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    """
    v = pd.Series(values, dtype=float)
    groups = [g for g in (groups or [])]
    pct = v.groupby(groups).rank(pct=True, method="average") if groups else v.rank(
        pct=True, method="average")
    out = np.ceil(np.round(10 * pct, 9)).clip(1, 10)
    return pd.Series(out, index=v.index).astype("Int64")


def _minmax(values: pd.Series, groups: list[pd.Series]) -> pd.Series:
    """``(v - min) / (max - min)`` within each group; 0.5 where the group's values are all equal
    (a criterion that does not vary says nothing); missing stays missing."""
    v = values.astype(float)
    if groups:
        lo = v.groupby(groups).transform("min")
        hi = v.groupby(groups).transform("max")
    else:
        lo = pd.Series(v.min(), index=v.index)
        hi = pd.Series(v.max(), index=v.index)
    span = hi - lo
    flat = np.isclose(span.to_numpy(dtype=float), 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(flat, 0.5, (v - lo).to_numpy(dtype=float) / span.to_numpy(dtype=float))
    return pd.Series(out, index=v.index).where(v.notna())


def strategy_scores(
    table: pd.DataFrame,
    strategy: str | Mapping[str, float] = "balanced",
    *,
    approach: str | None = None,
    complexity: str = "complexity",
    by: Iterable[str] = ("region", "year"),
) -> pd.DataFrame:
    """Score and rank candidate activities with an Atlas strategy, with decile ratings.

    Parameters
    ----------
    table : DataFrame
        Candidates, one row per (region, activity[, year]), with ``density`` (0-1), the
        complexity column and ``cog``: e.g. the output of :func:`opportunity_table`.
    strategy : str or mapping
        A key of :data:`STRATEGIES`, custom weights (see :func:`strategy_weights`), or
        ``"quadrant"``: keep the table's smart specialisation order and ``score``
        (:func:`opportunity_table`) and only add the ratings.
    approach : str, optional
        The region's strategic approach, which sets the *balanced* weights (Atlas rule).
    complexity : str
        The complexity column (``complexity`` in :func:`opportunity_table`'s output, else
        e.g. ``pci``).
    by : iterable of str
        Groups within which criteria are rescaled, rated and ranked (the columns the table has).

    Returns
    -------
    DataFrame
        The table with ``distance`` (``1 - density``), ``score`` and ``rank`` (re)computed and
        the ratings ``distance_decile`` (10 = the nearest tenth), ``complexity_decile``,
        ``cog_decile`` and ``score_decile``; sorted by group, ``rank``. ``attrs`` records the
        strategy and its weights.

    Notes
    -----
    ``score = w_d (d_max - d) / (d_max - d_min) + w_p (PCI - PCI_min) / (PCI_max - PCI_min)
    + w_c (COG - COG_min) / (COG_max - COG_min)`` over the group's candidates (a criterion that
    does not vary gives every candidate 0.5). Sort: ``score`` descending, then activity code;
    a candidate with a missing criterion gets a missing score and comes last. Ratings are
    :func:`deciles` of ``density`` (so 10 = nearest), complexity, COG and the score. The Atlas
    also drops products far above a low-income country's ECI (its PCI ceiling); that filter
    needs GDP per capita and is not applied here.

    References
    ----------
    .. [1] Growth Lab at Harvard University. The Atlas of Economic Complexity, Country Pages:
       growth opportunities (https://atlas.hks.harvard.edu). Weights as documented in
       shreyasgm/ask-atlas, src/docs/product_space_and_relatedness.md.
    .. [2] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity.
       MIT Press (distance, COG).

    Examples
    --------
    Nearness ``(0.5 - d) / 0.4``: 1, 0.5, 0; PCI rescaled: 0, 1, 0.5; COG: 0, 0.5, 1:

    >>> t = pd.DataFrame({"activity": list("abc"), "density": [0.9, 0.7, 0.5],
    ...                   "complexity": [0.0, 2.0, 1.0], "cog": [0.0, 1.0, 2.0]})
    >>> s = strategy_scores(t, "low-hanging")
    >>> s[["activity", "score", "rank"]].round(3).values.tolist()
    [['a', 0.6, 1], ['b', 0.575, 2], ['c', 0.325, 3]]
    """
    check_frame(table, ["activity", "density", complexity, "cog"], name="table")
    out = table.copy()
    dens = pd.Series(check_numeric(out["density"], name="density"), index=out.index)
    if (dens > 1).any():
        raise ValidationError("density must be on 0-1 (compute it with scale='unit')")
    keys = [k for k in by if k in out.columns]
    groups = [out[k] for k in keys]
    comp = pd.Series(check_numeric(out[complexity], name=complexity, allow_negative=True),
                     index=out.index)
    cogv = pd.Series(check_numeric(out["cog"], name="cog", allow_negative=True), index=out.index)
    if "distance" in out.columns:
        out = out.drop(columns="distance")
    out.insert(out.columns.get_loc("density") + 1, "distance", 1.0 - dens)
    if isinstance(strategy, str) and strategy == QUADRANT_STRATEGY:
        check_frame(out, ["score", "rank"], name="table")
        weights: dict[str, float] | None = None
    else:
        weights = strategy_weights(strategy, approach)
        out["score"] = (weights["distance"] * _minmax(dens, groups)
                        + weights["pci"] * _minmax(comp, groups)
                        + weights["cog"] * _minmax(cogv, groups))
        out = out.sort_values(keys + ["score", "activity"],
                              ascending=[True] * len(keys) + [False, True],
                              na_position="last", kind="mergesort")
        out["rank"] = (out.groupby(keys, sort=False).cumcount() + 1 if keys
                       else np.arange(1, len(out) + 1))
    groups = [out[k] for k in keys]
    out["distance_decile"] = deciles(out["density"], groups)
    out["complexity_decile"] = deciles(out[complexity], groups)
    out["cog_decile"] = deciles(out["cog"], groups)
    out["score_decile"] = deciles(out["score"], groups)
    out = out.reset_index(drop=True)
    out.attrs.update(table.attrs)
    name = strategy if isinstance(strategy, str) else "custom"
    out.attrs.update(strategy=name, weights=weights, approach=approach,
                     sort="quadrant, score desc, activity" if weights is None
                     else "score desc, activity")
    return out


def market_context(
    data: pd.DataFrame,
    region: str,
    year: object | None = None,
    *,
    since: object | None = None,
    activities: Iterable[str] | None = None,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """World market size and growth of each activity, and a region's exports and world share.

    Parameters
    ----------
    data : DataFrame
        Long table ``region, activity[, year], value`` (e.g. exports in USD) of one
        classification; missing values count as no exports.
    region : str
        The region whose exports and shares are reported.
    year : optional
        The period (default: the latest).
    since : optional
        Base period of the growth rate (default: the earliest period before ``year``).
    activities : iterable of str, optional
        Only these activities (default: every activity with data in ``year``).
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``activity, year, world_value, market_growth, growth_period, region_value,
        world_share``, by activity code; ``attrs`` holds ``growth_from`` and ``growth_to``.

    Notes
    -----
    ``world_value_a,t = sum_r X_ra,t`` (the market size: the sum over all regions of the data);
    ``market_growth = (W_a,t / W_a,t0) ^ (1 / (t - t0)) - 1`` (compound annual growth rate
    from ``t0 = since`` to ``t = year``, nominal values; missing when there is a single period
    or ``W_a,t0 = 0``); ``growth_period`` is ``"t0-t"`` (empty when no growth is computed);
    ``region_value = X_ra,t`` (0 when absent) and ``world_share = X_ra,t / W_a,t``. The Atlas
    reports the world market and its 5-year growth in constant dollars; here the growth covers
    whatever periods are loaded.

    Examples
    --------
    World market of x: 2 + 6 = 8 in 2010 from 1 + 1 = 2 in 2000: (8/2)^(1/10) - 1 = 14.9 %:

    >>> d = pd.DataFrame({"region": list("abab"), "activity": "x", "year": [2000, 2000, 2010,
    ...                   2010], "value": [1.0, 1.0, 2.0, 6.0]})
    >>> m = market_context(d, "a")
    >>> m[["world_value", "region_value", "world_share", "growth_period"]].values.tolist()
    [[8.0, 2.0, 0.25, '2000-2010']]
    >>> round(float(m["market_growth"].iloc[0]), 4)
    0.1487
    """
    from ._validation import resolve_columns

    cols = resolve_columns(columns)
    rc, ac, vc, yc = cols["region"], cols["activity"], cols["value"], cols["year"]
    check_frame(data, [rc, ac, vc], name="data")
    values = pd.Series(check_numeric(data[vc], name=vc), index=data.index).fillna(0.0)
    has_year = yc in data.columns
    frame = pd.DataFrame({"region": data[rc].astype(str), "activity": data[ac].astype(str),
                          "year": data[yc] if has_year else 0, "value": values})
    years = sorted(pd.unique(frame["year"]).tolist())
    if year is None:
        year = years[-1]
    elif year not in years:
        raise ValidationError(f"year {year} not in the data; it has {years}")
    earlier = [y for y in years if y < year]
    if since is None:
        since = earlier[0] if earlier else None
    elif since not in earlier:
        raise ValidationError(f"since={since} must be a period before {year}; the data has "
                              f"{years}")
    region = str(region)
    if region not in set(frame["region"]):
        raise ValidationError(f"region {region!r} not in the data")
    world = frame.groupby(["year", "activity"])["value"].sum()
    now = frame[frame["year"] == year]
    acts = (sorted(pd.unique(now["activity"]).tolist()) if activities is None
            else [str(a) for a in activities])
    w_now = world.loc[year].reindex(acts) if year in world.index.get_level_values(0) else (
        pd.Series(np.nan, index=acts))
    own = now[now["region"] == region].groupby("activity")["value"].sum().reindex(acts)
    own = own.fillna(0.0)
    out = pd.DataFrame({"activity": acts, "year": year,
                        "world_value": w_now.fillna(0.0).to_numpy()})
    if since is not None and has_year:
        w0 = world.loc[since].reindex(acts).to_numpy()
        w1 = out["world_value"].to_numpy()
        span = float(year - since)
        with np.errstate(divide="ignore", invalid="ignore"):
            growth = np.where(w0 > 0, (w1 / w0) ** (1.0 / span) - 1.0, np.nan)
        out["market_growth"] = growth
        out["growth_period"] = f"{since}-{year}"
    else:
        out["market_growth"] = np.nan
        out["growth_period"] = ""
    out["region_value"] = own.to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["world_share"] = np.where(out["world_value"] > 0,
                                      out["region_value"] / out["world_value"], np.nan)
    if not has_year:
        out = out.drop(columns="year")
    out.attrs.update(region=region, growth_from=since if has_year else None,
                     growth_to=year if has_year else None, growth="CAGR, nominal")
    return out


def _frame_of(table: pd.DataFrame | pd.Series, column: str) -> pd.DataFrame:
    if isinstance(table, pd.Series):
        return pd.DataFrame({"region": table.index.astype(str), column: table.to_numpy()})
    check_frame(table, ["region", column], name=column)
    keep = ["region"] + (["year"] if "year" in table.columns else []) + [column]
    return table[keep].copy()


def strategic_approaches(
    eci: pd.DataFrame | pd.Series,
    coi: pd.DataFrame | pd.Series,
    *,
    year: object | None = None,
    income: pd.DataFrame | pd.Series | None = None,
    cut: str = "zero",
) -> pd.DataFrame:
    """Every region's strategic approach from its ECI and COI (the Atlas's four quadrants).

    Parameters
    ----------
    eci, coi : DataFrame or Series
        ``region[, year], eci`` and ``region[, year], coi`` (one frame may hold both, e.g.
        ``compute_all(...)["regions"]``), or Series indexed by region.
    year : optional
        The period (default: the latest of ``eci``).
    income : DataFrame or Series, optional
        ``region, income`` (GDP per capita): the x axis is then ECI relative to income, the
        residual of an OLS fit of ECI on ``ln(income)`` across the regions that have both
        (the Atlas's "complex enough for its income to grow?").
    cut : {"zero", "median"}
        Where the axes are split: at 0 (the Atlas's rule; ECI and COI are z-scores across
        regions, and a residual has mean 0) or at the medians of the regions.

    Returns
    -------
    DataFrame
        ``region[, year], eci, coi, x, x_cut, y_cut, approach`` (``x`` is ECI, or relative ECI
        with ``income``); regions missing ECI or COI (e.g. outside the main component) get no
        approach. ``attrs`` records the rule.

    Notes
    -----
    Quadrants (Atlas Country Pages, "Recommended strategic approach": x = relative
    complexity, y = COI): ``COI >= y_cut`` and ``x >= x_cut``: *light touch*; ``COI >= y_cut``
    and ``x < x_cut``: *parsimonious industrial policy*; ``COI < y_cut`` and ``x < x_cut``:
    *strategic bets*; ``COI < y_cut`` and ``x >= x_cut``: *technological frontier*. The Atlas
    controls ECI for GDP per capita and natural-resource rents and assigns the frontier from a
    fixed list of 16 countries (all other low-COI countries are strategic bets); here the
    frontier is the quadrant itself, so the rule works for any set of regions.

    References
    ----------
    .. [1] Growth Lab at Harvard University. The Atlas of Economic Complexity, Country Pages:
       recommended strategic approach (https://atlas.hks.harvard.edu); the thresholds as
       documented in shreyasgm/ask-atlas, src/docs/strategic_approaches.md.
    .. [2] Hausmann, R., Hidalgo, C. A. et al. (2014). The Atlas of Economic Complexity
       (COI). MIT Press.

    Examples
    --------
    >>> e = pd.DataFrame({"region": list("abcd"), "eci": [1.0, -1.0, -0.5, 0.5],
    ...                   "coi": [0.5, 1.0, -1.0, -0.5]})
    >>> strategic_approaches(e, e)["approach"].tolist()
    ['light touch', 'parsimonious industrial policy', 'strategic bets', 'technological frontier']
    """
    check_choice(cut, ("zero", "median"), name="cut")
    e = _frame_of(eci, "eci")
    c = _frame_of(coi, "coi")
    has_year = "year" in e.columns
    if has_year:
        years = sorted(pd.unique(e["year"]).tolist())
        if year is None:
            year = years[-1]
        elif year not in years:
            raise ValidationError(f"year {year} not in eci; it has {years}")
        e = e[e["year"] == year]
        if "year" in c.columns:
            c = c[c["year"] == year].drop(columns="year")
    e = e.assign(region=e["region"].astype(str))
    c = c.assign(region=c["region"].astype(str))
    out = e.merge(c, on="region", how="left")
    xv = out["eci"].astype(float)
    x_name = "eci"
    if income is not None:
        inc = _frame_of(income, "income")[["region", "income"]]
        inc = inc.assign(region=inc["region"].astype(str))
        lny = np.log(out[["region"]].merge(inc, on="region", how="left")["income"]
                     .astype(float).where(lambda s: s > 0)).to_numpy()
        ok = np.isfinite(lny) & np.isfinite(xv.to_numpy())
        if ok.sum() < 3:
            raise ValidationError("income: fewer than 3 regions have both ECI and a positive "
                                  "income; cannot control ECI for income")
        slope, intercept = np.polyfit(lny[ok], xv.to_numpy()[ok], 1)
        xv = pd.Series(np.where(ok, xv.to_numpy() - (intercept + slope * lny), np.nan),
                       index=out.index)
        x_name = "relative_eci"
    out["x"] = xv
    yv = out["coi"].astype(float)
    valid = xv.notna() & yv.notna()
    if cut == "zero":
        x_cut = y_cut = 0.0
    else:
        x_cut, y_cut = float(xv[valid].median()), float(yv[valid].median())
    out["x_cut"], out["y_cut"] = x_cut, y_cut
    high_x = (xv >= x_cut).to_numpy()
    high_y = (yv >= y_cut).to_numpy()
    idx = np.where(high_y, np.where(high_x, 0, 1), np.where(high_x, 3, 2))
    names = np.array(APPROACHES, dtype=object)[idx]
    names[~valid.to_numpy()] = None
    out["approach"] = names
    out = out.sort_values("region", kind="mergesort").reset_index(drop=True)
    out.attrs.update(x=x_name, cut=cut, year=year if has_year else None,
                     rule="y = COI, x = " + x_name + f", split at {cut}")
    return out


def strategic_approach(
    eci: pd.DataFrame | pd.Series,
    coi: pd.DataFrame | pd.Series,
    region: str,
    **options: object,
) -> dict[str, object]:
    """One region's strategic approach among all regions (see :func:`strategic_approaches`).

    Returns
    -------
    dict
        ``region, year, eci, coi, x, x_cut, y_cut, approach, description, n_regions`` and the
        region's ranks ``eci_rank`` and ``coi_rank`` (1 = highest) among the placed regions.

    Examples
    --------
    >>> e = pd.DataFrame({"region": list("abcd"), "eci": [1.0, -1.0, -0.5, 0.5],
    ...                   "coi": [0.5, 1.0, -1.0, -0.5]})
    >>> a = strategic_approach(e, e, "d")
    >>> a["approach"], a["eci_rank"], a["coi_rank"], a["n_regions"]
    ('technological frontier', 2, 3, 4)
    """
    return approach_of(strategic_approaches(eci, coi, **options), region)


def approach_of(approaches: pd.DataFrame, region: str) -> dict[str, object]:
    """One region's row of :func:`strategic_approaches` as a dict, with its ranks.

    Returns
    -------
    dict
        As :func:`strategic_approach`. Raises :class:`ValidationError` when the region is not in
        the table or has no approach.
    """
    check_frame(approaches, ["region", "eci", "coi", "x", "x_cut", "y_cut", "approach"],
                name="approaches")
    placed = approaches[approaches["approach"].notna()]
    row = approaches[approaches["region"] == str(region)]
    if row.empty:
        raise ValidationError(f"region {region!r} has no ECI in the data")
    r = row.iloc[0]
    if r["approach"] is None or pd.isna(r["approach"]):
        raise ValidationError(f"region {region!r} has no ECI or COI (outside the main "
                              "component?): no strategic approach")
    return {
        "region": str(region),
        "year": approaches.attrs.get("year"),
        "eci": float(r["eci"]),
        "coi": float(r["coi"]),
        "x": float(r["x"]),
        "x_cut": float(r["x_cut"]),
        "y_cut": float(r["y_cut"]),
        "approach": str(r["approach"]),
        "description": APPROACH_DESCRIPTIONS[str(r["approach"])],
        "n_regions": int(len(placed)),
        "eci_rank": int((placed["eci"] > r["eci"]).sum() + 1),
        "coi_rank": int((placed["coi"] > r["coi"]).sum() + 1),
    }
