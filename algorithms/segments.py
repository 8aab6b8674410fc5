"""Segments of an economy: communities of activities, cluster profiles and priority alignment.

:func:`segments` splits a relatedness network (the product space, a knowledge space, an
industry space) into communities of related activities, made stable by consensus over runs;
:func:`segment_centrality` and :func:`segment_labels` name each by its most central members.
:func:`cluster_profile` gives each region's value, share, location quotient and star rating per
segment, its change since an earlier year and its diversification opportunities inside each.
:func:`set_relatedness` and :func:`alignment` say how related two families of activity sets are
(a region's clusters and its smart-specialisation priorities): the match matrix, the best match
of each, and the sets that match nothing; :func:`intercluster` ranks pairs of clusters that are
related but whose members do not yet cooperate. For clusters of organisations,
:func:`main_activity` gives each organisation its principal activity (to group them) and
:func:`cluster_activities` a cluster's activity profile from its members' (Balassa RCA).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._validation import (
    ValidationError,
    check_choice,
    check_frame,
    check_int,
    check_numeric,
    check_threshold,
    resolve_columns,
)
from .clusters import star_rating
from .projection import communities

__all__ = [
    "ALGORITHMS",
    "TRENDS",
    "segments",
    "segment_centrality",
    "segment_labels",
    "cluster_profile",
    "main_activity",
    "cluster_activities",
    "set_relatedness",
    "alignment",
    "intercluster",
]

#: Community detection behind :func:`segments` (igraph's Leiden and multilevel / Louvain).
ALGORITHMS = ("leiden", "louvain")
#: What :func:`cluster_profile` calls a segment's change between two years.
TRENDS = ("emerging", "declining", "growing", "shrinking", "unchanged", "new")


def _pairs(edges: pd.DataFrame, source: str, target: str, weight: str | None) -> pd.DataFrame:
    """``a, b, w`` of a pair table: text codes, no self pairs, one row per unordered pair."""
    check_frame(edges, [source, target] + ([weight] if weight else []), name="edges")
    if "year" in edges.columns and edges["year"].nunique() > 1:
        raise ValidationError("segments work on one period; filter edges by year first")
    a = edges[source].astype(str).to_numpy()
    b = edges[target].astype(str).to_numpy()
    w = (check_numeric(edges[weight], name=weight) if weight
         else np.ones(len(edges), dtype=float))
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    out = pd.DataFrame({"a": lo, "b": hi, "w": w})
    out = out[(out["a"] != out["b"]) & (out["w"] > 0)]
    return out.groupby(["a", "b"], as_index=False, sort=True)["w"].max()


def _membership(pairs: pd.DataFrame, nodes: pd.Index, algorithm: str, resolution: float,
                seed: int) -> np.ndarray:
    """Community of each of ``nodes`` (integers; a node without edges is alone)."""
    out = np.full(len(nodes), -1, dtype=np.int64)
    if len(pairs):
        part = communities(pairs, algorithm=algorithm, source="a", target="b", weight="w",
                           seed=seed, resolution=resolution)
        out[nodes.get_indexer(part["node"])] = part["community"].to_numpy()
    alone = out < 0
    out[alone] = out.max(initial=-1) + 1 + np.arange(alone.sum())
    return out


def _renumber(membership: np.ndarray, nodes: pd.Index) -> np.ndarray:
    """Segments numbered 0, 1, ... by decreasing size, ties by their smallest code."""
    frame = pd.DataFrame({"c": membership, "node": nodes})
    stats = frame.groupby("c").agg(size=("node", "size"), first=("node", "min"))
    stats = stats.sort_values(["size", "first"], ascending=[False, True])
    rank = pd.Series(np.arange(len(stats)), index=stats.index)
    return rank.reindex(membership).to_numpy()


def segments(
    edges: pd.DataFrame,
    *,
    algorithm: str = "leiden",
    resolution: float = 1.0,
    runs: int = 10,
    seed: int = 0,
    consensus: float = 0.5,
    max_rounds: int = 10,
    nodes: list[str] | pd.Index | None = None,
    source: str = "activity_a",
    target: str = "activity_b",
    weight: str | None = "proximity",
) -> pd.DataFrame:
    """Segments: stable communities of activities in a relatedness network.

    Parameters
    ----------
    edges : DataFrame
        Pair table of one period (e.g. the product space: ``activity_a, activity_b,
        proximity``), one row per unordered pair.
    algorithm : {"leiden", "louvain"}
        igraph's Leiden (modularity objective) or multilevel (Louvain) algorithm.
    resolution : float
        Resolution ``gamma`` of the modularity: above 1 more and smaller segments.
    runs : int
        Runs with the seeds ``seed, seed + 1, ...`` whose agreement makes the consensus.
    seed : int
        First seed (the result is the same for the same seed, runs and data).
    consensus : float
        Pairs kept in the consensus network: put together in at least this share of the runs.
    max_rounds : int
        Consensus rounds at most (usually 2-3 are needed).
    nodes : list of str, optional
        Every activity to place; those without an edge become segments of their own.
    source, target, weight : str
        Column names (``weight=None``: unweighted).

    Returns
    -------
    DataFrame
        ``activity, segment, size, centrality``, by segment then decreasing centrality;
        segments are numbered 0, 1, ... by decreasing size (ties: smallest code first).
        ``attrs`` holds the parameters, the ``modularity`` of the partition on the given
        network, the consensus ``rounds`` used and ``agreement`` (share of the network's pairs
        on which the last round's runs all agree: 1 when the consensus converged).

    Notes
    -----
    Each run maximises the modularity
    ``Q = (1/2m) sum_ij (w_ij - gamma k_i k_j / 2m) delta(c_i, c_j)``. Single runs of Leiden or
    Louvain depend on their seed; the consensus clustering of Lancichinetti & Fortunato (2012)
    makes the answer stable: the ``runs`` partitions give each linked pair the share ``D_ij``
    of runs that put it in one community; pairs with ``D_ij < consensus`` are dropped (a node
    keeps its strongest pair so it is not cut off), and the algorithm is run again on ``D``
    until all runs agree (or ``max_rounds``). The centrality of an activity is its mean
    proximity to the other members of its segment, ``c_i = sum_{j in S, j != i} w_ij /
    (|S| - 1)`` (:func:`segment_centrality`). Segments of the product space are the data-driven
    counterpart of the benchmark cluster definitions of Delgado, Porter & Stern (2016), who
    group industries by co-location, input-output and occupation links with the same kind of
    clustering.

    References
    ----------
    .. [1] Traag, V. A., Waltman, L. & van Eck, N. J. (2019). From Louvain to Leiden:
       guaranteeing well-connected communities. Scientific Reports 9, 5233.
    .. [2] Lancichinetti, A. & Fortunato, S. (2012). Consensus clustering in complex networks.
       Scientific Reports 2, 336.
    .. [3] Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related
       industries. Journal of Economic Geography 16(1), 1-38.
    .. [4] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product
       space conditions the development of nations. Science 317, 482-487.

    Examples
    --------
    Two triangles of strongly related activities joined by one weak pair.

    >>> e = pd.DataFrame({"activity_a": list("aabddec"), "activity_b": list("bcceffd"),
    ...                   "proximity": [0.9, 0.6, 0.6, 0.8, 0.8, 0.8, 0.1]})
    >>> s = segments(e, runs=5)
    >>> s.groupby("segment")["activity"].apply(sorted).tolist()
    [['a', 'b', 'c'], ['d', 'e', 'f']]
    >>> s.loc[s["activity"] == "a", "centrality"].item()  # (0.9 + 0.6) / 2
    0.75
    """
    check_choice(algorithm, ALGORITHMS, name="algorithm")
    runs = check_int(runs, name="runs", minimum=1)
    max_rounds = check_int(max_rounds, name="max_rounds", minimum=1)
    seed = check_int(seed, name="seed", minimum=0)
    resolution = check_threshold(resolution, name="resolution")
    if not 0 < consensus <= 1:
        raise ValidationError(f"consensus must be a share in (0, 1], got {consensus!r}")
    pairs = _pairs(edges, source, target, weight)
    found = np.concatenate([pairs["a"].to_numpy(), pairs["b"].to_numpy()])
    extra = np.asarray([str(n) for n in nodes], dtype=object) if nodes is not None else []
    index = pd.Index(np.unique(np.concatenate([found.astype(object), extra]).astype(str)))
    if len(index) == 0:
        raise ValidationError("edges hold no pair with a positive weight and no nodes were given")
    ia, ib = index.get_indexer(pairs["a"]), index.get_indexer(pairs["b"])
    current = pairs
    rounds, agreement = 0, 1.0
    membership = _membership(current, index, algorithm, resolution, seed)
    while rounds < max_rounds:
        rounds += 1
        parts = [membership] + [_membership(current, index, algorithm, resolution, seed + k)
                                for k in range(1, runs)]
        together = np.mean([p[ia] == p[ib] for p in parts], axis=0)
        agreement = float(np.mean((together == 0) | (together == 1))) if len(together) else 1.0
        if agreement == 1.0:
            break
        # the consensus network: pairs together often enough, and each node's strongest pair
        cons = pd.DataFrame({"a": pairs["a"], "b": pairs["b"], "w": together})
        current = cons[(cons["w"] >= consensus) | _strongest(ia, ib, together)]
        membership = _membership(current, index, algorithm, resolution, seed)
    membership = _renumber(membership, index)
    out = pd.DataFrame({"activity": index.to_numpy(dtype=object), "segment": membership})
    out = segment_centrality(out, pairs, source="a", target="b", weight="w")
    modularity = _modularity(index, ia, ib, pairs["w"].to_numpy(), membership, resolution)
    out.attrs.update(algorithm=algorithm, resolution=resolution, runs=runs, seed=seed,
                     consensus=consensus, rounds=rounds, agreement=agreement,
                     modularity=modularity, segments=int(out["segment"].nunique()))
    return out


def _strongest(ia: np.ndarray, ib: np.ndarray, w: np.ndarray) -> np.ndarray:
    """True for each node's strongest pair with a positive weight (ties: the first pair)."""
    rows = np.arange(len(w))
    frame = pd.DataFrame({"n": np.concatenate([ia, ib]), "row": np.concatenate([rows, rows]),
                          "w": np.concatenate([w, w])})
    frame = frame[frame["w"] > 0].sort_values(["n", "w", "row"], ascending=[True, False, True])
    out = np.zeros(len(w), dtype=bool)
    out[frame.groupby("n").head(1)["row"].to_numpy()] = True
    return out


def _modularity(index: pd.Index, ia: np.ndarray, ib: np.ndarray, w: np.ndarray,
                membership: np.ndarray, resolution: float) -> float:
    import igraph as ig

    if len(w) == 0:
        return float("nan")
    g = ig.Graph(n=len(index), edges=np.column_stack([ia, ib]).tolist())
    return float(g.modularity(membership.tolist(), weights=w.tolist(), resolution=resolution))


def segment_centrality(
    members: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    source: str = "activity_a",
    target: str = "activity_b",
    weight: str | None = "proximity",
) -> pd.DataFrame:
    """Each activity's centrality in its segment: mean proximity to the other members.

    Parameters
    ----------
    members : DataFrame
        ``activity, segment`` (a partition: one segment per activity), e.g. user-given cluster
        definitions.
    edges : DataFrame
        Pair table of the relatedness network (one period).
    source, target, weight : str
        Column names of ``edges``.

    Returns
    -------
    DataFrame
        ``members`` with ``size`` (members of the segment) and ``centrality``, by segment and
        decreasing centrality (ties by code).

    Notes
    -----
    ``c_i = sum_{j in S(i), j != i} w_ij / (|S(i)| - 1)``; 0 for a segment of one. A pair
    missing from ``edges`` counts 0.

    Examples
    --------
    >>> m = pd.DataFrame({"activity": ["x", "y", "z"], "segment": [0, 0, 0]})
    >>> e = pd.DataFrame({"activity_a": ["x", "x"], "activity_b": ["y", "z"],
    ...                   "proximity": [0.6, 0.2]})
    >>> segment_centrality(m, e)[["activity", "centrality"]].values.tolist()
    [['x', 0.4], ['y', 0.3], ['z', 0.1]]
    """
    check_frame(members, ["activity", "segment"], name="members")
    out = members.copy()
    out["activity"] = out["activity"].astype(str)
    if out["activity"].duplicated().any():
        dup = out.loc[out["activity"].duplicated(), "activity"].head(3).tolist()
        raise ValidationError(f"members list an activity in more than one segment, e.g. {dup}")
    pairs = _pairs(edges, source, target, weight)
    seg = out.set_index("activity")["segment"]
    sa, sb = pairs["a"].map(seg), pairs["b"].map(seg)
    inner = pairs[sa.notna() & (sa == sb)]
    strength = pd.concat([inner.groupby("a")["w"].sum(), inner.groupby("b")["w"].sum()])
    strength = strength.groupby(level=0).sum()
    out["size"] = out.groupby("segment")["activity"].transform("size").astype("int64")
    total = out["activity"].map(strength).fillna(0.0).to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["centrality"] = np.where(out["size"] > 1, total / (out["size"] - 1), 0.0)
    out = out.sort_values(["segment", "centrality", "activity"], ascending=[True, False, True],
                          kind="stable").reset_index(drop=True)
    out.attrs = dict(members.attrs)
    return out


def segment_labels(
    members: pd.DataFrame,
    names: Mapping[str, str] | pd.Series | None = None,
    *,
    top: int = 3,
    sep: str = "; ",
) -> pd.DataFrame:
    """A label for each segment: the names of its ``top`` most central activities.

    Parameters
    ----------
    members : DataFrame
        ``activity, segment, centrality`` (e.g. from :func:`segments`).
    names : mapping, optional
        Activity code -> name; a code without a name stands for itself.
    top : int
        Activities in a label.
    sep : str
        Separator between them.

    Returns
    -------
    DataFrame
        ``segment, label, size``, one row per segment.

    Examples
    --------
    >>> m = pd.DataFrame({"activity": ["0101", "0102", "8703"], "segment": [0, 0, 1],
    ...                   "centrality": [0.5, 0.7, 0.0]})
    >>> segment_labels(m, {"0101": "Horses", "0102": "Bovine animals"}, top=2)["label"].tolist()
    ['Bovine animals; Horses', '8703']
    """
    check_frame(members, ["activity", "segment", "centrality"], name="members")
    top = check_int(top, name="top", minimum=1)
    named = pd.Series(names, dtype=object) if names is not None else pd.Series(dtype=object)
    named = named[named.notna() & (named.astype(str) != "")]
    ordered = members.sort_values(["segment", "centrality", "activity"],
                                  ascending=[True, False, True], kind="stable")
    text = ordered["activity"].astype(str)
    ordered = ordered.assign(_name=text.map(named).astype(object).where(
        text.isin(named.index), text))
    head = ordered.groupby("segment", sort=True).head(top)
    labels = head.groupby("segment", sort=True)["_name"].agg(lambda s: sep.join(map(str, s)))
    sizes = ordered.groupby("segment", sort=True).size()
    return pd.DataFrame({"segment": labels.index, "label": labels.to_numpy(),
                         "size": sizes.reindex(labels.index).to_numpy()})


def _trend(lq: pd.Series, base_lq: pd.Series, share: pd.Series, base_share: pd.Series,
           ) -> np.ndarray:
    return np.select(
        [base_share.isna() | (base_share == 0), (lq >= 1) & (base_lq < 1),
         (lq < 1) & (base_lq >= 1), share > base_share, share < base_share],
        ["new", "emerging", "declining", "growing", "shrinking"], default="unchanged")


def cluster_profile(
    data: pd.DataFrame,
    members: pd.DataFrame,
    *,
    year: int | None = None,
    since: int | None = None,
    density: pd.DataFrame | None = None,
    size_top: float = 0.10,
    lq_min: float = 2.0,
    focus_top: float = 0.10,
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Each region's cluster profile: value, share, LQ and stars of every segment.

    Parameters
    ----------
    data : DataFrame
        Long table ``region, activity, year, value`` of every region (the LQ compares a region
        with all of them).
    members : DataFrame
        ``activity, segment``: the segment of each activity; activities outside every segment
        are left out (``attrs["coverage"]``: share of each year's total value covered).
    year : int, optional
        Only the rows of this year (the measures still use every region of it).
    since : int, optional
        Earlier year to compare with: adds ``since, base_share, base_lq, share_change, trend``.
    density : DataFrame, optional
        ``region, activity, year, m, density`` (e.g. ``compute_all(...)["density"]``): adds
        ``specialised`` (members with ``M = 1``), ``opportunities`` (members with ``M = 0`` and
        a density at least the median of the region's candidates that year) and
        ``best_opportunity`` with its ``best_density``.
    size_top, lq_min, focus_top : float
        Star-rating cut-offs (:func:`~smartspec.algorithms.clusters.star_rating`).
    columns : mapping, optional
        Column names of ``data`` when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``region, year, segment, activities, value, share, lq, size, stars`` (``activities``:
        members with a positive value in the region), by region, year and decreasing value;
        plus the columns of ``since`` and ``density``.

    Notes
    -----
    With ``X_rs = sum_{a in s} X_ra``: ``share_rs = X_rs / X_r.`` (sums to 1 over a region's
    segments), ``LQ_rs = share_rs / (X_.s / X_..)``, size ``X_rs / X_.s``; stars as the
    European Cluster Observatory gives them (size in the top 10 %, LQ >= 2, focus = share in
    the top 10 %), all totals within the year and over the segmented activities. ``trend``:
    ``emerging`` when the LQ rose to 1 or above, ``declining`` when it fell below 1, else
    ``growing`` / ``shrinking`` / ``unchanged`` by the share, ``new`` without value in
    ``since``. Opportunities follow the smart-specialisation framework of Balland et al.
    (2019): related (dense) activities the region is not yet specialised in.

    References
    ----------
    .. [1] Ketels, C. & Sölvell, Ö. (2006). Clusters in the EU-10 new member countries.
       European Cluster Observatory.
    .. [2] Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related
       industries. Journal of Economic Geography 16(1), 1-38.
    .. [3] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union: relatedness, knowledge complexity and regional
       diversification. Regional Studies 53(9), 1252-1268.

    Examples
    --------
    Region a: 10 in x, 30 in y; b: 60 in x. Segments {x} and {y}.

    >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
    ...                    "year": 2020, "value": [10.0, 30.0, 60.0]})
    >>> m = pd.DataFrame({"activity": ["x", "y"], "segment": [0, 1]})
    >>> p = cluster_profile(df, m)
    >>> p[["region", "segment", "share", "lq"]].round(4).values.tolist()
    [['a', 1, 0.75, 2.5], ['a', 0, 0.25, 0.3571], ['b', 0, 1.0, 1.4286]]
    """
    cols = resolve_columns(columns)
    check_frame(data, [cols["region"], cols["activity"], cols["year"], cols["value"]],
                name="data")
    check_frame(members, ["activity", "segment"], name="members")
    frame = pd.DataFrame({
        "region": data[cols["region"]].astype(str).to_numpy(),
        "activity": data[cols["activity"]].astype(str).to_numpy(),
        "year": data[cols["year"]].to_numpy(),
        "value": check_numeric(data[cols["value"]], name=cols["value"]),
    })
    frame = frame[frame["value"].notna()]
    seg = members.assign(activity=members["activity"].astype(str))
    if seg["activity"].duplicated().any():
        dup = seg.loc[seg["activity"].duplicated(), "activity"].head(3).tolist()
        raise ValidationError(f"members list an activity in more than one segment, e.g. {dup}")
    for y in [v for v in (year, since) if v is not None]:
        if not (frame["year"] == y).any():
            raise ValidationError(f"data have no values in year {y}; years: "
                                  f"{sorted(pd.unique(frame['year']).tolist())}")
    merged = frame.merge(seg[["activity", "segment"]], on="activity", how="inner")
    covered = merged.groupby("year")["value"].sum() / frame.groupby("year")["value"].sum()
    agg = merged.groupby(["region", "segment", "year"], as_index=False).agg(
        value=("value", "sum"), activities=("value", lambda v: int((v > 0).sum())))
    agg = agg[agg["value"] > 0]
    stars = star_rating(agg[["region", "segment", "year", "value"]],
                        columns={"activity": "segment"}, size_top=size_top, lq_min=lq_min,
                        focus_top=focus_top).rename(columns={"activity": "segment",
                                                             "focus": "share"})
    stars["segment"] = stars["segment"].astype(agg["segment"].dtype)
    out = agg.merge(stars[["region", "segment", "year", "share", "lq", "size", "stars"]],
                    on=["region", "segment", "year"])
    out = out[["region", "year", "segment", "activities", "value", "share", "lq", "size",
               "stars"]]
    if density is not None:
        out = out.merge(_opportunities(density, seg), on=["region", "segment", "year"],
                        how="left")
        out["specialised"] = out["specialised"].fillna(0).astype("int64")
        out["opportunities"] = out["opportunities"].fillna(0).astype("int64")
    if since is not None:
        base = out.loc[out["year"] == since, ["region", "segment", "share", "lq"]].rename(
            columns={"share": "base_share", "lq": "base_lq"})
        out = out.merge(base, on=["region", "segment"], how="left")
        out.insert(len(out.columns) - 2, "since", since)
        out["share_change"] = out["share"] - out["base_share"].fillna(0.0)
        out["trend"] = _trend(out["lq"], out["base_lq"], out["share"], out["base_share"])
    if year is not None:
        out = out[out["year"] == year]
    out = out.sort_values(["region", "year", "value", "segment"],
                          ascending=[True, True, False, True], kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(measure="cluster profile", size_top=size_top, lq_min=lq_min,
                     focus_top=focus_top, since=since,
                     coverage={int(k) if isinstance(k, (int, np.integer)) else k: float(v)
                               for k, v in covered.items()})
    return out


def _opportunities(density: pd.DataFrame, seg: pd.DataFrame) -> pd.DataFrame:
    """Per region, segment and year: members specialised in, dense candidates, the best one."""
    check_frame(density, ["region", "activity", "year", "m", "density"], name="density")
    d = density[["region", "activity", "year", "m", "density"]].copy()
    d["region"], d["activity"] = d["region"].astype(str), d["activity"].astype(str)
    d = d.merge(seg[["activity", "segment"]], on="activity", how="inner")
    cand = d[d["m"] == 0].copy()
    median = cand.groupby(["region", "year"])["density"].transform("median")
    cand["dense"] = cand["density"] >= median
    keys = ["region", "segment", "year"]
    spec = d.groupby(keys, as_index=False)["m"].sum().rename(columns={"m": "specialised"})
    count = cand.groupby(keys, as_index=False)["dense"].sum().rename(
        columns={"dense": "opportunities"})
    best = cand.sort_values(["density", "activity"], ascending=[False, True], kind="stable")
    best = best.groupby(keys, as_index=False).head(1)[[*keys, "activity", "density"]].rename(
        columns={"activity": "best_opportunity", "density": "best_density"})
    return spec.merge(count, on=keys, how="outer").merge(best, on=keys, how="left")


def main_activity(weights: pd.DataFrame) -> pd.DataFrame:
    """Each organisation's main activity: the one with most of its projects (or value).

    Parameters
    ----------
    weights : DataFrame
        ``organisation, activity, value``: an organisation's projects (or any positive amount)
        in each activity, e.g. its Horizon 2020 projects per programme part (``ACTIVE_IN``).

    Returns
    -------
    DataFrame
        ``organisation, activity, value, share`` (``share``: of the organisation's total), one
        row per organisation with a positive total, by organisation.

    Notes
    -----
    The principal-activity rule of business registers: a unit is classified by the activity
    that contributes most to its output (Eurostat 2008, NACE Rev. 2, chapter 4). A tie goes to
    the activity with the smaller total over all organisations (the more distinctive one), then
    to the smaller code, so the answer does not depend on the row order.

    References
    ----------
    .. [1] Eurostat (2008). NACE Rev. 2 - Statistical classification of economic activities in
       the European Community. Methodologies and Working Papers, chapter 4 (principal activity).

    Examples
    --------
    o1 has 3 projects in x and 1 in y; o2 one each in x and z (z is rarer overall: 1 < 4).

    >>> w = pd.DataFrame({"organisation": ["o1", "o1", "o2", "o2"],
    ...                   "activity": ["x", "y", "x", "z"], "value": [3.0, 1.0, 1.0, 1.0]})
    >>> main_activity(w)[["organisation", "activity", "share"]].values.tolist()
    [['o1', 'x', 0.75], ['o2', 'z', 0.5]]
    """
    frame = _weights(weights)
    total = frame.groupby("activity")["value"].sum()
    frame["_overall"] = frame["activity"].map(total)
    frame["share"] = frame["value"] / frame.groupby("organisation")["value"].transform("sum")
    frame = frame.sort_values(["organisation", "value", "_overall", "activity"],
                              ascending=[True, False, True, True], kind="stable")
    out = frame.groupby("organisation", sort=True).head(1)
    out = out[["organisation", "activity", "value", "share"]].reset_index(drop=True)
    out.attrs.update(measure="main activity (principal-activity rule)")
    return out


def _weights(weights: pd.DataFrame) -> pd.DataFrame:
    """``organisation, activity, value`` as text codes and positive numbers, pairs summed."""
    check_frame(weights, ["organisation", "activity", "value"], name="weights")
    frame = pd.DataFrame({"organisation": weights["organisation"].astype(str).to_numpy(),
                          "activity": weights["activity"].astype(str).to_numpy(),
                          "value": check_numeric(weights["value"], name="value")})
    frame = frame[frame["value"] > 0]
    return frame.groupby(["organisation", "activity"], as_index=False, sort=True)["value"].sum()


def cluster_activities(
    weights: pd.DataFrame,
    members: pd.DataFrame,
    *,
    threshold: float = 1.0,
) -> pd.DataFrame:
    """A cluster's activity profile from its members': value, share and RCA per activity.

    Parameters
    ----------
    weights : DataFrame
        ``organisation, activity, value`` of every organisation (the reference for the RCA),
        e.g. projects per Horizon 2020 programme part.
    members : DataFrame
        ``organisation, cluster``: the members of each cluster (an organisation may be in
        several).
    threshold : float
        ``specialised`` when the RCA is at least this.

    Returns
    -------
    DataFrame
        ``cluster, activity, value, share, rca, specialised``, by cluster and decreasing RCA
        (ties by code); only activities the members have.

    Notes
    -----
    ``X_ca = sum_{o in c} X_oa``, ``share_ca = X_ca / X_c.`` and Balassa's ``RCA_ca = share_ca
    / (X_.a / X_..)`` with the totals over all organisations of ``weights``: the cluster is
    specialised in what its members do more than organisations at large (Balassa 1965; the
    way the European Cluster Observatory profiles a region's clusters). Since the shares of a
    cluster and of all organisations both sum to 1, every cluster with a positive total has at
    least one activity with ``RCA >= 1``: no profile at threshold 1 is empty.

    References
    ----------
    .. [1] Balassa, B. (1965). Trade liberalisation and "revealed" comparative advantage. The
       Manchester School 33(2), 99-123.
    .. [2] Ketels, C. & Sölvell, Ö. (2006). Clusters in the EU-10 new member countries.
       European Cluster Observatory.

    Examples
    --------
    All organisations: 6 projects in x, 4 in y. Cluster C = {o1}: 1 in x, 3 in y.

    >>> w = pd.DataFrame({"organisation": ["o1", "o1", "o2", "o2"],
    ...                   "activity": ["x", "y", "x", "y"], "value": [1.0, 3.0, 5.0, 1.0]})
    >>> m = pd.DataFrame({"organisation": ["o1"], "cluster": ["C"]})
    >>> cluster_activities(w, m)[["activity", "share", "rca", "specialised"]].values.tolist()
    [['y', 0.75, 1.875, True], ['x', 0.25, 0.4166666666666667, False]]
    """
    check_frame(members, ["organisation", "cluster"], name="members")
    threshold = check_threshold(threshold)
    frame = _weights(weights)
    world = frame.groupby("activity")["value"].sum()
    world = world / world.sum()
    mem = members[["organisation", "cluster"]].astype(str).drop_duplicates()
    agg = mem.merge(frame, on="organisation", how="inner")
    agg = agg.groupby(["cluster", "activity"], as_index=False, sort=True)["value"].sum()
    agg["share"] = agg["value"] / agg.groupby("cluster")["value"].transform("sum")
    agg["rca"] = agg["share"] / agg["activity"].map(world).to_numpy()
    agg["specialised"] = agg["rca"] >= threshold
    agg = agg.sort_values(["cluster", "rca", "activity"], ascending=[True, False, True],
                          kind="stable").reset_index(drop=True)
    agg.attrs.update(measure="cluster activity profile (Balassa RCA)", threshold=threshold)
    return agg


def set_relatedness(
    sets_a: pd.DataFrame,
    sets_b: pd.DataFrame,
    proximity: pd.DataFrame,
    *,
    source: str = "activity_a",
    target: str = "activity_b",
    weight: str = "proximity",
) -> pd.DataFrame:
    """Relatedness of every set of activities in ``sets_a`` to every set in ``sets_b``.

    Parameters
    ----------
    sets_a, sets_b : DataFrame
        ``set, activity``: the activities of each set (e.g. clusters and priorities).
    proximity : DataFrame
        Pair table of the relatedness network, one row per unordered pair (missing pairs
        count 0; an activity is related 1 to itself).
    source, target, weight : str
        Column names of ``proximity``.

    Returns
    -------
    DataFrame
        ``set_a, set_b, relatedness, a_to_b, b_to_a, shared``: the best-match average and its
        two directions, and the number of activities the sets share; every pair of sets.

    Notes
    -----
    With ``phi_xx = 1``: ``a_to_b = (1/|A|) sum_{x in A} max_{y in B} phi_xy`` (how close each
    activity of A is to something in B), ``b_to_a`` likewise, and ``relatedness = (a_to_b +
    b_to_a) / 2``, the best-match average of set similarity (1 for equal sets, 0 when no
    activity of one is related to any of the other). Unlike the mean of all pairwise
    proximities it does not fall as sets grow.

    References
    ----------
    .. [1] Pesquita, C., Faria, D., Falcao, A. O., Lord, P. & Couto, F. M. (2009). Semantic
       similarity in biomedical ontologies. PLoS Computational Biology 5(7), e1000443.
    .. [2] Hidalgo, C. A. et al. (2007). The product space conditions the development of
       nations. Science 317, 482-487.

    Examples
    --------
    A = {x, y}, B = {x, z}; phi_xy = 0.5, phi_xz = 0.2, phi_yz = 0.4. x -> 1, y -> 0.5
    (a_to_b 0.75); x -> 1, z -> 0.4 (b_to_a 0.7); relatedness 0.725.

    >>> a = pd.DataFrame({"set": ["A", "A"], "activity": ["x", "y"]})
    >>> b = pd.DataFrame({"set": ["B", "B"], "activity": ["x", "z"]})
    >>> p = pd.DataFrame({"activity_a": ["x", "x", "y"], "activity_b": ["y", "z", "z"],
    ...                   "proximity": [0.5, 0.2, 0.4]})
    >>> set_relatedness(a, b, p)[["relatedness", "a_to_b", "b_to_a", "shared"]].values.tolist()
    [[0.725, 0.75, 0.7, 1.0]]
    """
    for name, frame in (("sets_a", sets_a), ("sets_b", sets_b)):
        check_frame(frame, ["set", "activity"], name=name)
        if frame.empty:
            raise ValidationError(f"{name} has no rows")
    a = sets_a[["set", "activity"]].astype(str).drop_duplicates()
    b = sets_b[["set", "activity"]].astype(str).drop_duplicates()
    acts = pd.Index(np.unique(np.concatenate([a["activity"], b["activity"]])))
    pairs = _pairs(proximity, source, target, weight)
    pairs = pairs[pairs["a"].isin(acts) & pairs["b"].isin(acts)]
    n = len(acts)
    phi = np.zeros((n, n))
    i, j = acts.get_indexer(pairs["a"]), acts.get_indexer(pairs["b"])
    phi[i, j] = phi[j, i] = pairs["w"].to_numpy()
    np.fill_diagonal(phi, 1.0)
    sa, sb = pd.Index(pd.unique(a["set"])), pd.Index(pd.unique(b["set"]))

    def incidence(frame: pd.DataFrame, sets: pd.Index) -> np.ndarray:
        inc = np.zeros((len(sets), n))
        inc[sets.get_indexer(frame["set"]), acts.get_indexer(frame["activity"])] = 1.0
        return inc

    ia, ib = incidence(a, sa), incidence(b, sb)
    # best match of every activity to each set: max over the set's columns of phi
    best_b = np.stack([phi[:, row > 0].max(axis=1) for row in ib])  # (|sb|, n)
    best_a = np.stack([phi[:, row > 0].max(axis=1) for row in ia])  # (|sa|, n)
    a_to_b = (ia @ best_b.T) / ia.sum(axis=1, keepdims=True)
    b_to_a = ((ib @ best_a.T) / ib.sum(axis=1, keepdims=True)).T
    shared = ia @ ib.T
    out = pd.DataFrame({
        "set_a": np.repeat(sa.to_numpy(), len(sb)),
        "set_b": np.tile(sb.to_numpy(), len(sa)),
        "relatedness": ((a_to_b + b_to_a) / 2).ravel(),
        "a_to_b": a_to_b.ravel(),
        "b_to_a": b_to_a.ravel(),
        "shared": shared.ravel(),
    })
    out.attrs.update(measure="best-match average relatedness")
    return out


def alignment(
    clusters: pd.DataFrame,
    priorities: pd.DataFrame,
    proximity: pd.DataFrame,
    *,
    threshold: float = 0.5,
    source: str = "activity_a",
    target: str = "activity_b",
    weight: str = "proximity",
) -> dict[str, pd.DataFrame]:
    """How a place's clusters match its (RIS3) priorities.

    Parameters
    ----------
    clusters : DataFrame
        ``cluster, activity``: the activities of each cluster (segments of a region, or
        cluster organisations' specialisations).
    priorities : DataFrame
        ``priority, activity``: the activities each smart-specialisation priority names.
    proximity : DataFrame
        Pair table of the relatedness network (see :func:`set_relatedness`).
    threshold : float
        A cluster and a priority match when their relatedness is at least this.
    source, target, weight : str
        Column names of ``proximity``.

    Returns
    -------
    dict of DataFrame
        ``matrix``: ``cluster, priority, relatedness, cluster_to_priority,
        priority_to_cluster, shared, match`` for every pair; ``clusters``: ``cluster,
        best_priority, relatedness, matched`` (``matched`` False: the cluster matches no
        priority); ``priorities``: ``priority, best_cluster, relatedness, served`` (False: no
        cluster serves it). Best matches: highest relatedness, ties by code; the unmatched
        clusters and unserved priorities come first.

    Notes
    -----
    Relatedness is the best-match average of :func:`set_relatedness`. Smart specialisation
    asks priorities to build on related existing capabilities (Balland et al. 2019): a
    priority no cluster serves is one without a local base, a cluster matching no priority one
    the strategy leaves out.

    References
    ----------
    .. [1] Balland, P.-A., Boschma, R., Crespo, J. & Rigby, D. L. (2019). Smart specialization
       policy in the European Union. Regional Studies 53(9), 1252-1268.
    .. [2] Foray, D. (2015). Smart Specialisation: Opportunities and Challenges for Regional
       Innovation Policy. Routledge.

    Examples
    --------
    >>> c = pd.DataFrame({"cluster": ["C1", "C1"], "activity": ["x", "y"]})
    >>> p = pd.DataFrame({"priority": ["P1", "P2"], "activity": ["y", "w"]})
    >>> e = pd.DataFrame({"activity_a": ["x"], "activity_b": ["y"], "proximity": [0.6]})
    >>> alignment(c, p, e)["priorities"][["priority", "served"]].values.tolist()  # gaps first
    [['P2', False], ['P1', True]]
    """
    check_frame(clusters, ["cluster", "activity"], name="clusters")
    check_frame(priorities, ["priority", "activity"], name="priorities")
    threshold = check_threshold(threshold)
    rel = set_relatedness(clusters.rename(columns={"cluster": "set"}),
                          priorities.rename(columns={"priority": "set"}), proximity,
                          source=source, target=target, weight=weight)
    matrix = rel.rename(columns={"set_a": "cluster", "set_b": "priority",
                                 "a_to_b": "cluster_to_priority",
                                 "b_to_a": "priority_to_cluster"})
    matrix["shared"] = matrix["shared"].astype("int64")
    matrix["match"] = matrix["relatedness"] >= threshold
    matrix = matrix.sort_values(["cluster", "priority"]).reset_index(drop=True)

    def best(by: str, other: str, flag: str) -> pd.DataFrame:
        top = matrix.sort_values([by, "relatedness", other], ascending=[True, False, True])
        top = top.groupby(by, as_index=False).head(1)
        out = pd.DataFrame({by: top[by].to_numpy(), f"best_{other}": top[other].to_numpy(),
                            "relatedness": top["relatedness"].to_numpy()})
        out[flag] = out["relatedness"] >= threshold
        return out.sort_values([flag, "relatedness", by], ascending=[True, False, True],
                               kind="stable").reset_index(drop=True)

    tables = {"matrix": matrix, "clusters": best("cluster", "priority", "matched"),
              "priorities": best("priority", "cluster", "served")}
    for t in tables.values():
        t.attrs.update(threshold=threshold, measure="best-match average relatedness")
    return tables


def intercluster(
    profiles: pd.DataFrame,
    proximity: pd.DataFrame,
    *,
    members: pd.DataFrame | None = None,
    ties: pd.DataFrame | None = None,
    links: int = 3,
    source: str = "activity_a",
    target: str = "activity_b",
    weight: str = "proximity",
) -> pd.DataFrame:
    """Cross-innovation opportunities: related clusters whose members do not yet cooperate.

    Parameters
    ----------
    profiles : DataFrame
        ``cluster, activity``: each cluster's activities (segments, or a cluster
        organisation's specialisations).
    proximity : DataFrame
        Pair table of the relatedness network (see :func:`set_relatedness`).
    members : DataFrame, optional
        ``organisation, cluster``: the members of each cluster.
    ties : DataFrame, optional
        ``source, target``: collaborating organisations (e.g. ``COLLABORATES_WITH``), one row
        per unordered pair.
    links : int
        Activity pairs listed as what links two clusters.
    source, target, weight : str
        Column names of ``proximity``.

    Returns
    -------
    DataFrame
        One row per unordered pair of clusters: ``cluster_a, cluster_b, relatedness, ties,
        possible, cooperation, opportunity, links, starters``, highest opportunity first.
        ``links``: the ``links`` most related activity pairs ``a~b (phi)`` of the two (an
        activity shared by both: ``a~a (1)``); ``starters``: the member pair not yet tied with
        the most partners in common, ``o1~o2 (k)``, empty when none has any.

    Notes
    -----
    ``relatedness`` is the best-match average of the two activity profiles
    (:func:`set_relatedness`). ``ties`` counts the pairs of members (one of each cluster, two
    different organisations) that already collaborate, ``possible`` the pairs there could be,
    and ``cooperation = ties / possible`` (0 without members). The gap is
    ``opportunity = relatedness * (1 - cooperation)``: related clusters that do not yet work
    together come first, the cross-innovation opportunities of cluster-to-cluster policy.
    Best-placed starters follow triadic closure: two organisations with common partners are the
    likeliest to work together next (Newman 2001; Liben-Nowell & Kleinberg 2007).

    References
    ----------
    .. [1] Delgado, M., Porter, M. E. & Stern, S. (2016). Defining clusters of related
       industries. Journal of Economic Geography 16(1), 1-38.
    .. [2] Newman, M. E. J. (2001). Clustering and preferential attachment in growing
       networks. Physical Review E 64, 025102.
    .. [3] Liben-Nowell, D. & Kleinberg, J. (2007). The link-prediction problem for social
       networks. JASIST 58(7), 1019-1031.

    Examples
    --------
    C1 = {x} and C2 = {y} are related (0.8) with no ties; C3 = {z} is unrelated to both.

    >>> prof = pd.DataFrame({"cluster": ["C1", "C2", "C3"], "activity": ["x", "y", "z"]})
    >>> prox = pd.DataFrame({"activity_a": ["x"], "activity_b": ["y"], "proximity": [0.8]})
    >>> intercluster(prof, prox)[["cluster_a", "cluster_b", "opportunity"]].values.tolist()
    [['C1', 'C2', 0.8], ['C1', 'C3', 0.0], ['C2', 'C3', 0.0]]
    """
    check_frame(profiles, ["cluster", "activity"], name="profiles")
    links = check_int(links, name="links", minimum=0)
    prof = profiles[["cluster", "activity"]].astype(str).drop_duplicates()
    rel = set_relatedness(prof.rename(columns={"cluster": "set"}),
                          prof.rename(columns={"cluster": "set"}), proximity,
                          source=source, target=target, weight=weight)
    rel = rel[rel["set_a"] < rel["set_b"]].reset_index(drop=True)
    out = pd.DataFrame({"cluster_a": rel["set_a"], "cluster_b": rel["set_b"],
                        "relatedness": rel["relatedness"]})
    out["ties"], out["possible"] = 0, 0
    out["starters"] = ""
    if members is not None and len(members):
        check_frame(members, ["organisation", "cluster"], name="members")
        out = _member_ties(out, members[["organisation", "cluster"]].astype(str),
                           ties if ties is not None else pd.DataFrame(
                               columns=["source", "target"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        out["cooperation"] = np.where(out["possible"] > 0, out["ties"] / out["possible"], 0.0)
    out["opportunity"] = out["relatedness"] * (1 - out["cooperation"])
    out["links"] = _links(out, prof, proximity, links, source, target, weight)
    out = out.sort_values(["opportunity", "cluster_a", "cluster_b"],
                          ascending=[False, True, True], kind="stable").reset_index(drop=True)
    cols = ["cluster_a", "cluster_b", "relatedness", "ties", "possible", "cooperation",
            "opportunity", "links", "starters"]
    out = out[cols]
    out.attrs.update(measure="inter-cluster opportunity",
                     relatedness="best-match average", links=links)
    return out


def _links(pairs: pd.DataFrame, prof: pd.DataFrame, proximity: pd.DataFrame, top: int,
           source: str, target: str, weight: str) -> list[str]:
    """The ``top`` most related activity pairs of each cluster pair, as text."""
    if top == 0 or pairs.empty:
        return [""] * len(pairs)
    edges = _pairs(proximity, source, target, weight)
    both = pd.concat([edges, edges.rename(columns={"a": "b", "b": "a"}),
                      pd.DataFrame({"a": prof["activity"].unique(), "b": prof["activity"].unique(),
                                    "w": 1.0})], ignore_index=True)
    acts = prof.groupby("cluster")["activity"].apply(set)
    text = []
    for ca, cb in zip(pairs["cluster_a"], pairs["cluster_b"], strict=True):
        sub = both[both["a"].isin(acts[ca]) & both["b"].isin(acts[cb])]
        sub = sub.sort_values(["w", "a", "b"], ascending=[False, True, True]).head(top)
        text.append(", ".join(f"{a}~{b} ({w:.2g})" for a, b, w in sub.itertuples(index=False)))
    return text


def _member_ties(out: pd.DataFrame, members: pd.DataFrame, ties: pd.DataFrame) -> pd.DataFrame:
    """``ties``, ``possible`` and ``starters`` of each cluster pair from the members' network."""
    import scipy.sparse as sp

    check_frame(ties, ["source", "target"], name="ties")
    t = ties[["source", "target"]].astype(str)
    orgs = pd.Index(np.unique(np.concatenate([members["organisation"].to_numpy(),
                                              t["source"].to_numpy(), t["target"].to_numpy()])))
    i, j = orgs.get_indexer(t["source"]), orgs.get_indexer(t["target"])
    keep = i != j
    adj = sp.coo_matrix((np.ones(keep.sum()), (i[keep], j[keep])), shape=(len(orgs),) * 2)
    adj = ((adj + adj.T) > 0).astype(float).tocsr()
    # partners in common between members only (the whole network squared can be huge)
    mine = np.unique(orgs.get_indexer(members["organisation"]))
    pos = pd.Series(np.arange(len(mine)), index=mine)
    rows = adj[mine]
    common = (rows @ rows.T).tocsr()
    tied = rows[:, mine].tocsr()
    of = members.groupby("cluster")["organisation"].apply(
        lambda s: np.unique(orgs.get_indexer(s)))
    n_ties, possible, starters = [], [], []
    for ca, cb in zip(out["cluster_a"], out["cluster_b"], strict=True):
        a = of.get(ca, np.array([], dtype=int))
        b = of.get(cb, np.array([], dtype=int))
        if len(a) == 0 or len(b) == 0:
            n_ties.append(0), possible.append(0), starters.append("")
            continue
        k = len(np.intersect1d(a, b))
        possible.append(len(a) * len(b) - k - k * (k - 1) // 2)
        pa, pb = pos[a].to_numpy(), pos[b].to_numpy()
        sub = tied[pa][:, pb].tocoo()
        lo = np.minimum(a[sub.row], b[sub.col])
        hi = np.maximum(a[sub.row], b[sub.col])
        diff = lo != hi
        n_ties.append(len(np.unique(lo[diff].astype(np.int64) * len(orgs) + hi[diff])))
        cand = common[pa][:, pb].toarray()
        cand[tied[pa][:, pb].toarray() > 0] = 0
        cand[a[:, None] == b[None, :]] = 0
        if cand.max(initial=0) > 0:
            r, c = np.unravel_index(np.argmax(cand), cand.shape)
            starters.append(f"{orgs[a[r]]}~{orgs[b[c]]} ({int(cand[r, c])})")
        else:
            starters.append("")
    return out.assign(ties=n_ties, possible=possible, starters=starters)
