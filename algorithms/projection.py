"""Projections of two-mode tables, graph conversion, and the product-space backbone.

A two-mode table links nodes of one kind (``region`` role: organisations, regions) to nodes of
another (``activity`` role: projects, products). :func:`project` gives the one-mode network of
either side as a pair table; :func:`to_networkx` / :func:`to_igraph` turn any pair table into a
graph; :func:`backbone` and :func:`communities` give the visual backbone of a proximity network
(the product space) and its communities.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy.sparse.csgraph import minimum_spanning_tree

from ._validation import ValidationError, check_choice, check_frame, check_numeric
from .panel import Panel, as_panel

__all__ = [
    "WEIGHTS",
    "project",
    "to_networkx",
    "to_igraph",
    "backbone",
    "communities",
]

#: Weights of a one-mode projection.
WEIGHTS = ("count", "jaccard", "newman")


def project(
    data: pd.DataFrame | Panel,
    *,
    onto: str = "region",
    weight: str = "count",
    columns: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One-mode projection of a two-mode table, per period.

    Parameters
    ----------
    data : DataFrame or Panel
        Long table with ``region`` and ``activity`` columns (the two modes, e.g. organisation
        and project through ``columns={"region": "pic", "activity": "rcn"}``), optionally
        ``year``, and ``value``; a table without ``value`` counts each row as one link. Only
        whether a link exists matters.
    onto : {"region", "activity"}
        The side kept.
    weight : {"count", "jaccard", "newman"}
        Shared neighbours; shared over union of neighbours; or Newman's collaboration weight.
    columns : mapping, optional
        Column names when they differ from the defaults.

    Returns
    -------
    DataFrame
        ``node_a, node_b[, year], weight``, one row per unordered pair with a shared neighbour.

    Notes
    -----
    With the 0/1 incidence ``B``: count ``B B^T``; Jaccard ``|N_i and N_j| / |N_i or N_j|``;
    Newman ``w_ij = sum_p B_ip B_jp / (n_p - 1)`` over the other-side nodes ``p`` with
    ``n_p >= 2`` members (each collaboration shares a unit of weight among its pairs).

    References
    ----------
    .. [1] Newman, M. E. J. (2001). Scientific collaboration networks. II. Physical Review E
       64, 016132.
    .. [2] networkx.algorithms.bipartite.projection (weighted and collaboration projections).

    Examples
    --------
    Organisations a, b, c; project p has a, b, c and project q has a, b.

    >>> df = pd.DataFrame({"region": list("abcab"), "activity": list("pppqq")})
    >>> project(df)["weight"].tolist()  # ab: 2, ac: 1, bc: 1
    [2.0, 1.0, 1.0]
    >>> project(df, weight="newman")["weight"].tolist()  # ab: 1/2 + 1/1
    [1.5, 0.5, 0.5]
    """
    check_choice(onto, ("region", "activity"), name="onto")
    check_choice(weight, WEIGHTS, name="weight")
    if isinstance(data, pd.DataFrame):
        from ._validation import resolve_columns

        cols = resolve_columns(columns)
        if cols["value"] not in data.columns:
            data = data.assign(**{cols["value"]: 1.0})
    panel = as_panel(data, columns=columns)
    keys = panel.regions if onto == "region" else panel.activities
    parts = []
    for t, year in enumerate(panel.years):
        b = (panel.block(t) > 0).astype(float)
        b = b if onto == "region" else b.T.tocsr()
        if weight == "newman":
            n_p = np.asarray(b.sum(axis=0)).ravel()
            with np.errstate(divide="ignore"):
                scale = np.where(n_p >= 2, 1 / (n_p - 1), 0.0)
            w = (b @ sp.diags(scale) @ b.T).tocsr()
        else:
            w = (b @ b.T).tocsr()
        w = sp.triu(w, k=1).tocoo()
        v = w.data.astype(float)
        if weight == "jaccard":
            deg = np.asarray(b.sum(axis=1)).ravel()
            v = v / (deg[w.row] + deg[w.col] - v)
        keep = v > 0
        order = np.lexsort((w.col[keep], w.row[keep]))
        part = {"node_a": keys.take(w.row[keep][order]), "node_b": keys.take(w.col[keep][order])}
        if panel.has_year:
            part["year"] = np.repeat(year, keep.sum())
        part["weight"] = v[keep][order]
        parts.append(pd.DataFrame(part))
    out = pd.concat(parts, ignore_index=True)
    out.attrs.update(onto=onto, weight=weight)
    return out


def _edge_columns(edges: pd.DataFrame, source: str, target: str, weight: str | None) -> None:
    check_frame(edges, [source, target] + ([weight] if weight else []), name="edges")


def to_networkx(
    edges: pd.DataFrame,
    *,
    source: str = "node_a",
    target: str = "node_b",
    weight: str | None = "weight",
):
    """A :class:`networkx.Graph` from a pair table.

    Parameters
    ----------
    edges : DataFrame
        One row per edge (e.g. from :func:`project`, or a proximity table with
        ``source="activity_a", target="activity_b", weight="proximity"``).
    source, target : str
        Endpoint columns.
    weight : str or None
        Column stored as the edge attribute ``weight``; other columns become attributes too.

    Returns
    -------
    networkx.Graph

    Notes
    -----
    Pair tables hold one row per unordered pair, so the graph is undirected; a table of
    several periods should be filtered to one first (a repeated pair keeps its last row).

    References
    ----------
    .. [1] Hagberg, A., Schult, D. & Swart, P. (2008). Exploring network structure, dynamics,
       and function using NetworkX. Proceedings of SciPy 2008.

    Examples
    --------
    >>> g = to_networkx(pd.DataFrame({"node_a": ["a"], "node_b": ["b"], "weight": [2.0]}))
    >>> g["a"]["b"]["weight"]
    2.0
    """
    import networkx as nx

    _edge_columns(edges, source, target, weight)
    attrs = [c for c in edges.columns if c not in (source, target)]
    g = nx.from_pandas_edgelist(edges, source, target, edge_attr=attrs or None)
    if weight and weight != "weight":
        nx.set_edge_attributes(g, nx.get_edge_attributes(g, weight), "weight")
    return g


def to_igraph(
    edges: pd.DataFrame,
    *,
    source: str = "node_a",
    target: str = "node_b",
    weight: str | None = "weight",
):
    """An undirected :class:`igraph.Graph` from a pair table (vertex attribute ``name``).

    Parameters
    ----------
    edges : DataFrame
        One row per edge.
    source, target : str
        Endpoint columns.
    weight : str or None
        Column stored as the edge attribute ``weight``.

    Returns
    -------
    igraph.Graph

    Notes
    -----
    Vertex names are the codes (as strings), so results can be joined back by key.

    References
    ----------
    .. [1] Csardi, G. & Nepusz, T. (2006). The igraph software package for complex network
       research. InterJournal Complex Systems 1695.

    Examples
    --------
    >>> g = to_igraph(pd.DataFrame({"node_a": ["a"], "node_b": ["b"], "weight": [2.0]}))
    >>> g.vs["name"], g.es["weight"]
    (['a', 'b'], [2.0])
    """
    import igraph as ig

    _edge_columns(edges, source, target, weight)
    frame = edges[[source, target] + ([weight] if weight else [])].copy()
    frame[source] = frame[source].astype(str)
    frame[target] = frame[target].astype(str)
    if weight and weight != "weight":
        frame = frame.rename(columns={weight: "weight"})
    return ig.Graph.DataFrame(frame, directed=False, use_vids=False)


def backbone(
    edges: pd.DataFrame,
    *,
    threshold: float = 0.55,
    average_degree: float | None = None,
    step: float = 0.05,
    source: str = "activity_a",
    target: str = "activity_b",
    weight: str = "proximity",
) -> pd.DataFrame:
    """The visual backbone of a proximity network: maximum spanning tree plus strong edges.

    Parameters
    ----------
    edges : DataFrame
        Pair table (e.g. from :func:`~.relatedness.proximity`), optionally with ``year``
        (a backbone per period).
    threshold : float
        Also keep every edge with weight ``>= threshold`` (0.55 in Hidalgo et al. 2007).
    average_degree : float, optional
        Instead of ``threshold``, the rule of the R package economiccomplexity
        (``projections(avg_links=4, tolerance=0.05)``): try the thresholds ``0, step, 2 step,
        ...`` below 1 and keep the tree plus the edges with weight ``> t`` for the first ``t``
        whose mean degree is at most ``average_degree`` (the tree alone if none is).
    step : float
        Step of those thresholds (R's ``tolerance``).
    source, target, weight : str
        Column names.

    Returns
    -------
    DataFrame
        The kept rows of ``edges`` with a boolean ``in_tree`` column.

    Notes
    -----
    The maximum spanning tree (a forest when the network is disconnected) is found with
    :func:`scipy.sparse.csgraph.minimum_spanning_tree` on ``max(w) + 1 - w``. Ties are broken
    by the solver; the set of tree weights is unique.

    References
    ----------
    .. [1] Hidalgo, C. A., Klinger, B., Barabasi, A.-L. & Hausmann, R. (2007). The product space
       conditions the development of nations. Science 317, 482-487.

    Examples
    --------
    >>> e = pd.DataFrame({"activity_a": ["x", "x", "y"], "activity_b": ["y", "z", "z"],
    ...                   "proximity": [0.9, 0.2, 0.6]})
    >>> backbone(e, threshold=0.95)[["activity_a", "activity_b", "in_tree"]].values.tolist()
    [['x', 'y', True], ['y', 'z', True]]
    """
    check_frame(edges, [source, target, weight], name="edges")
    w = check_numeric(edges[weight], name=weight, allow_negative=True)
    groups = [edges.index] if "year" not in edges.columns else [
        idx for _, idx in edges.groupby("year", sort=True).groups.items()]
    keep_parts = []
    for idx in groups:
        sub = edges.loc[idx]
        ws = w[edges.index.get_indexer(idx)]
        nodes = pd.Index(pd.unique(np.concatenate([sub[source].to_numpy(),
                                                    sub[target].to_numpy()])))
        i, j = nodes.get_indexer(sub[source]), nodes.get_indexer(sub[target])
        if len(ws) == 0:
            continue
        cost = (np.nanmax(ws) + 1.0) - ws
        g = sp.coo_matrix((cost, (i, j)), shape=(len(nodes), len(nodes))).tocsr()
        tree = minimum_spanning_tree(g).tocoo()
        n = len(nodes)
        tree_keys = np.minimum(tree.row, tree.col).astype(np.int64) * n + np.maximum(
            tree.row, tree.col)
        in_tree = np.isin(np.minimum(i, j).astype(np.int64) * n + np.maximum(i, j), tree_keys)
        if average_degree is None:
            keep, used = in_tree | (ws >= threshold), threshold
        else:
            keep, used = _r_projection(in_tree, ws, len(nodes), average_degree, step)
        part = sub[keep].copy()
        part["in_tree"] = in_tree[keep]
        part["threshold"] = used
        keep_parts.append(part)
    if not keep_parts:
        return edges.iloc[0:0].assign(in_tree=pd.Series(dtype=bool))
    out = pd.concat(keep_parts).reset_index(drop=True)
    used = out.pop("threshold")
    out.attrs.update(threshold=threshold if average_degree is None else sorted(set(used)),
                     average_degree=average_degree)
    return out


def _r_projection(in_tree: np.ndarray, w: np.ndarray, n_nodes: int, average_degree: float,
                  step: float) -> tuple[np.ndarray, float]:
    """R economiccomplexity's trimming: the first threshold on a grid with mean degree <= d."""
    t = 0.0
    while t < 1:  # the same accumulation of the step as R's loop
        keep = in_tree | (w > t)
        if 2 * keep.sum() / max(n_nodes, 1) <= average_degree:
            return keep, t
        t += step
    return in_tree.copy(), float("nan")


def communities(
    edges: pd.DataFrame,
    *,
    algorithm: str = "louvain",
    source: str = "activity_a",
    target: str = "activity_b",
    weight: str | None = "proximity",
    seed: int = 0,
    resolution: float = 1.0,
) -> pd.DataFrame:
    """Communities of a network given as a pair table (e.g. the product-space backbone).

    Parameters
    ----------
    edges : DataFrame
        Pair table of one period.
    algorithm : {"louvain", "leiden", "infomap"}
        igraph's multilevel (Louvain), Leiden (modularity objective) or Infomap.
    source, target, weight : str
        Column names (``weight=None`` for an unweighted network).
    seed : int
        Seed of igraph's random generator, for reproducible partitions.
    resolution : float
        Resolution of the modularity (Louvain, Leiden).

    Returns
    -------
    DataFrame
        ``node, community`` (communities numbered by decreasing size from 0);
        ``attrs["modularity"]`` holds the partition's modularity.

    Notes
    -----
    Modularity ``Q = (1/2m) sum_ij (w_ij - gamma k_i k_j / 2m) delta(c_i, c_j)``.

    References
    ----------
    .. [1] Blondel, V. D., Guillaume, J.-L., Lambiotte, R. & Lefebvre, E. (2008). Fast
       unfolding of communities in large networks. J. Stat. Mech. P10008.
    .. [2] Traag, V. A., Waltman, L. & van Eck, N. J. (2019). From Louvain to Leiden.
       Scientific Reports 9, 5233.

    Examples
    --------
    Two triangles joined by one weak edge fall apart into two communities.

    >>> e = pd.DataFrame({"activity_a": list("aabddec"), "activity_b": list("bcceffd"),
    ...                   "proximity": [1, 1, 1, 1, 1, 1, 0.1]})
    >>> communities(e).groupby("community")["node"].apply(list).tolist()
    [['a', 'b', 'c'], ['d', 'e', 'f']]
    """
    import random

    import igraph as ig

    check_choice(algorithm, ("louvain", "leiden", "infomap"), name="algorithm")
    if "year" in edges.columns and edges["year"].nunique() > 1:
        raise ValidationError("communities works on one period; filter edges by year first")
    g = to_igraph(edges, source=source, target=target, weight=weight)
    ig.set_random_number_generator(random.Random(seed))
    try:
        w = "weight" if weight else None
        if algorithm == "louvain":
            part = g.community_multilevel(weights=w, resolution=resolution)
        elif algorithm == "leiden":
            part = g.community_leiden(objective_function="modularity", weights=w,
                                      resolution=resolution, n_iterations=-1)
        else:
            part = g.community_infomap(edge_weights=w)
    finally:
        ig.set_random_number_generator(random)
    membership = np.asarray(part.membership)
    sizes = np.bincount(membership)
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(len(sizes))
    out = pd.DataFrame({"node": g.vs["name"], "community": rank[membership]})
    out = out.sort_values(["community", "node"]).reset_index(drop=True)
    out.attrs.update(algorithm=algorithm, seed=seed, modularity=float(part.modularity))
    return out
