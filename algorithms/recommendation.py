"""Partner recommendation: explainable partner lists and a time-split backtest (ALGORITHMS.md 6).

Pure functions on tables. The vocabulary:

``participations``
    One row per organisation and project: ``organisation, project, year`` (the project's start
    year) and optionally ``role`` (``coordinator`` counts as a coordination).
``topics``
    ``project, topic``: the programme part(s) or themes of a project (optional).
``organisations``
    ``organisation, name, type, country`` (all but ``organisation`` optional).

:func:`partner_index` builds the one-mode projection (who has worked with whom up to a year),
the topic profiles and the topic relatedness once; :func:`recommend_partners` then ranks, for a
focal organisation or a set of them (a cluster's members), the organisations that are not yet
partners, with every component of the score in its own column; :func:`explain` returns the
evidence behind each name; :func:`backtest` measures the ranking against baselines on the ties
formed after a year (the link-prediction framing of Liben-Nowell & Kleinberg 2007).

Components (each a column of :func:`recommend_partners`)
---------------------------------------------------------
``similarity``, ``fit``
    Cosine similarity of topic profiles and the optimal-distance (inverted-U) value of the
    distance ``1 - similarity`` (:func:`inverted_u`, Nooteboom et al. 2007).
``complementarity``
    The candidate's activity in topics outside the focal portfolio, weighted by how related
    each topic is to that portfolio (:func:`complementarity`).
``common_partners``, ``adamic_adar``, ``resource_allocation``
    Network proximity through shared partners (:func:`common_neighbours`, :func:`adamic_adar`,
    :func:`resource_allocation`).
``projects``, ``coordinated``, ``experience``, ``partners``
    Projects and coordinator roles of the candidate, ``experience = ln(1 + projects) +
    ln(1 + coordinated)``, and its number of partners (preferential attachment).
``new_country``, ``new_type``, ``pipeline``
    What the candidate adds to the focal's pipelines: a country and an organisation type that
    are neither the focal's own nor any partner's; ``pipeline`` is their mean
    (:func:`pipeline_additions`).

The score (:func:`combine`, weights :data:`DEFAULT_WEIGHTS`, settable) is a weighted sum of the
components, the network counts entering as ``ln(1 + x)``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import ValidationError, check_frame, check_int

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "DEFAULT_OPTIMAL_DISTANCE",
    "BASELINES",
    "PartnerIndex",
    "UnknownOrganisationError",
    "partner_index",
    "common_neighbours",
    "adamic_adar",
    "resource_allocation",
    "inverted_u",
    "topic_relatedness",
    "complementarity",
    "pipeline_additions",
    "combine",
    "parse_weights",
    "recommend_partners",
    "explain",
    "new_ties",
    "focal_pool",
    "focal_sample",
    "ranking_metrics",
    "backtest",
    "NEWCOMER_PARTNERS",
    "close_matches",
]

#: Components that a weight can name (columns of :func:`recommend_partners`).
COMPONENTS = (
    "fit",
    "similarity",
    "complementarity",
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "experience",
    "partners",
    "pipeline",
)

#: Default weights of :func:`combine`. Chosen on validation splits that end before the year the
#: README's backtest scores (ties up to 2016 -> ties formed in 2017, and -> all later ties, on
#: the CORDIS data), among a handful of sums of these components; ``experience`` and
#: ``pipeline`` are reported but weigh 0 by default (they did not predict new ties there):
#: raise them to favour experienced partners or new countries and types.
DEFAULT_WEIGHTS: dict[str, float] = {
    "adamic_adar": 1.0,
    "partners": 0.1,
    "fit": 0.1,
    "complementarity": 0.1,
}

#: Default optimal cognitive distance of :func:`inverted_u`.
DEFAULT_OPTIMAL_DISTANCE = 0.5

#: Baselines of :func:`backtest` besides the recommender.
BASELINES = ("random", "degree", "common_neighbours", "adamic_adar")

_BLOCK = 256


# -- the projection --------------------------------------------------------------------------


class UnknownOrganisationError(ValidationError, KeyError):
    """An organisation id the partner index does not hold: a :class:`ValidationError` and,
    as it always was, a :class:`KeyError`."""

    def __str__(self) -> str:  # KeyError would show the message quoted
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class PartnerIndex:
    """Everything the recommender reads, built once by :func:`partner_index`.

    Attributes
    ----------
    until : int or None
        Last year of the participations used (None: all, undated projects included).
    organisations : Index
        Organisation ids (text), in matrix order.
    adjacency : csr_matrix
        ``n x n`` 0/1 partner matrix (a joint project up to ``until``), zero diagonal.
    joint : csr_matrix
        ``n x n`` joint-project counts.
    profiles : csr_matrix
        ``n x T`` projects per topic.
    topics : Index
        Topic codes, in column order.
    relatedness : ndarray
        ``T x T`` topic relatedness (:func:`topic_relatedness`).
    projects, coordinated : ndarray
        Projects and coordinator roles per organisation.
    name, type, country : ndarray
        Attributes per organisation (object arrays; None when unknown).
    """

    until: int | None
    organisations: pd.Index
    adjacency: sp.csr_matrix
    joint: sp.csr_matrix
    profiles: sp.csr_matrix
    topics: pd.Index
    relatedness: np.ndarray
    projects: np.ndarray
    coordinated: np.ndarray
    name: np.ndarray
    type: np.ndarray
    country: np.ndarray

    @property
    def degree(self) -> np.ndarray:
        """Number of partners per organisation."""
        return np.asarray(self.adjacency.sum(axis=1)).ravel().astype("int64")

    def positions(self, ids: Iterable[str]) -> np.ndarray:
        """Row numbers of organisation ids (raises :class:`UnknownOrganisationError`, also a
        :class:`KeyError`, naming unknown ones)."""
        ids = [str(i) for i in ids]
        pos = self.organisations.get_indexer(ids)
        if (pos < 0).any():
            missing = [i for i, p in zip(ids, pos, strict=True) if p < 0]
            hint = close_matches(missing[0], self.organisations)
            tail = f"; did you mean {', '.join(hint)}?" if hint else ""
            when = f" up to {self.until}" if self.until is not None else ""
            shown = ", ".join(repr(m) for m in missing[:5])
            more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
            raise UnknownOrganisationError(
                f"unknown organisation id(s) {shown}{more}: the partner index holds the "
                f"{len(self.organisations)} organisations with a participation{when}{tail}"
            )
        return pos


def _attribute(organisations, ids: pd.Index, column: str) -> np.ndarray:
    out = np.full(len(ids), None, dtype=object)
    if organisations is None or column not in organisations.columns:
        return out
    values = organisations.drop_duplicates("organisation").set_index("organisation")[column]
    mapped = pd.Series(ids, index=ids).map(values)
    ok = mapped.notna().to_numpy()
    out[ok] = mapped.to_numpy(dtype=object)[ok]
    return out


def partner_index(
    participations: pd.DataFrame,
    topics: pd.DataFrame | None = None,
    organisations: pd.DataFrame | None = None,
    *,
    until: int | None = None,
) -> PartnerIndex:
    """Build the projection, profiles and topic relatedness from participations up to a year.

    Parameters
    ----------
    participations : DataFrame
        ``organisation, project, year`` and optionally ``role``. Repeated rows count once.
    topics : DataFrame, optional
        ``project, topic``. Without it every profile is empty (fit and complementarity are 0).
    organisations : DataFrame, optional
        ``organisation`` and any of ``name, type, country``; organisations without
        participations up to ``until`` are left out.
    until : int, optional
        Keep projects starting in or before this year (undated ones are dropped). None keeps
        everything.

    Returns
    -------
    PartnerIndex

    Notes
    -----
    With the 0/1 incidence ``B`` (organisations x projects), joint projects are ``W = B B^T``
    (diagonal removed) and the partner matrix is ``A = [W > 0]``; profiles are ``B T`` with the
    0/1 project-topic matrix ``T``.

    Examples
    --------
    >>> part = pd.DataFrame({"organisation": list("abcab"), "project": list("ppprr"),
    ...                      "year": [2015, 2015, 2015, 2017, 2017]})
    >>> idx = partner_index(part, until=2016)
    >>> list(idx.organisations), idx.degree.tolist(), idx.projects.tolist()
    (['a', 'b', 'c'], [2, 2, 2], [1, 1, 1])
    """
    check_frame(participations, ["organisation", "project", "year"], name="participations")
    part = participations
    years = pd.to_numeric(part["year"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    if until is not None:
        until = check_int(until, name="until", minimum=0)
        keep = years <= until
        part = part[keep]
    org = part["organisation"].astype(str).to_numpy()
    proj = part["project"].astype(str).to_numpy()
    i, ids = pd.factorize(org, sort=True)
    j, pids = pd.factorize(proj, sort=True)
    pids = pd.Index(pids)
    n, p = len(ids), len(pids)
    b = sp.csr_matrix((np.ones(len(i)), (i, j)), shape=(n, p))
    b.sum_duplicates()
    b.data[:] = 1.0
    joint = (b @ b.T).tolil()
    joint.setdiag(0)
    joint = joint.tocsr()
    joint.eliminate_zeros()
    adjacency = joint.copy()
    adjacency.data[:] = 1.0
    roles = part["role"].astype(str).str.lower().to_numpy() if "role" in part.columns else None
    projects = np.asarray(b.sum(axis=1)).ravel().astype("int64")
    coordinated = np.zeros(n, dtype="int64")
    if roles is not None:
        coord = roles == "coordinator"
        cm = sp.csr_matrix((coord.astype(float), (i, j)), shape=(n, p))
        cm.sum_duplicates()
        cm.data = np.minimum(cm.data, 1.0)
        coordinated = np.asarray(cm.sum(axis=1)).ravel().astype("int64")
    if topics is not None and len(topics):
        check_frame(topics, ["project", "topic"], name="topics")
        tp = topics[topics["project"].astype(str).isin(pids)]
        ti, tcodes = pd.factorize(tp["topic"].astype(str), sort=True)
        tj = pids.get_indexer(tp["project"].astype(str))
        t = sp.csr_matrix((np.ones(len(ti)), (tj, ti)), shape=(p, len(tcodes)))
        t.sum_duplicates()
        t.data[:] = 1.0
        profiles = (b @ t).tocsr()
        topic_index = pd.Index(tcodes)
    else:
        profiles = sp.csr_matrix((n, 0))
        topic_index = pd.Index([], dtype=object)
    relatedness = topic_relatedness(profiles)
    org_table = None
    if organisations is not None:
        check_frame(organisations, ["organisation"], name="organisations")
        org_table = organisations.assign(organisation=organisations["organisation"].astype(str))
    index = pd.Index(ids)
    return PartnerIndex(
        until=until,
        organisations=index,
        adjacency=adjacency,
        joint=joint,
        profiles=profiles,
        topics=topic_index,
        relatedness=relatedness,
        projects=projects,
        coordinated=coordinated,
        name=_attribute(org_table, index, "name"),
        type=_attribute(org_table, index, "type"),
        country=_attribute(org_table, index, "country"),
    )


# -- components ------------------------------------------------------------------------------


def _focal_vector(adjacency: sp.csr_matrix, members: np.ndarray) -> np.ndarray:
    """0/1 vector of the partners of any member, members excluded."""
    x = np.asarray(adjacency[members].sum(axis=0)).ravel() > 0
    x[members] = False
    return x


def common_neighbours(adjacency, members) -> np.ndarray:
    """Common partners of a focal set and every organisation.

    Parameters
    ----------
    adjacency : sparse matrix
        ``n x n`` symmetric 0/1 partner matrix.
    members : sequence of int
        Rows of the focal organisation(s); for a set, its partners are those of any member.

    Returns
    -------
    ndarray
        ``CN(S, c) = |Gamma(S) & Gamma(c)|`` for every ``c``, with ``Gamma(S)`` the partners of
        the members (members excluded).

    References
    ----------
    .. [1] Liben-Nowell, D. & Kleinberg, J. (2007). The link-prediction problem for social
       networks. JASIST 58(7), 1019-1031.

    Examples
    --------
    A path a-b-c plus a-d, d-c: a and c share b and d.

    >>> a = sp.csr_matrix(np.array([[0, 1, 0, 1], [1, 0, 1, 0], [0, 1, 0, 1], [1, 0, 1, 0]]))
    >>> float(common_neighbours(a, [0])[2])
    2.0
    """
    a = sp.csr_matrix(adjacency)
    x = _focal_vector(a, np.asarray(members, dtype=int))
    return a @ x.astype(float)


def _degree_weights(a: sp.csr_matrix, kind: str) -> np.ndarray:
    k = np.asarray(a.sum(axis=1)).ravel()
    w = np.zeros(len(k))
    if kind == "aa":
        ok = k > 1
        w[ok] = 1.0 / np.log(k[ok])
    else:
        ok = k > 0
        w[ok] = 1.0 / k[ok]
    return w


def adamic_adar(adjacency, members) -> np.ndarray:
    """Adamic-Adar index of a focal set and every organisation.

    ``AA(S, c) = sum_{z in Gamma(S) & Gamma(c)} 1 / ln k_z``: a shared partner with few partners
    says more than a hub. (A shared partner has ``k_z >= 2``.)

    References
    ----------
    .. [1] Adamic, L. A. & Adar, E. (2003). Friends and neighbors on the Web. Social Networks
       25(3), 211-230.

    Examples
    --------
    a and c share b (2 partners) and d (3 partners: a, c, e).

    >>> a = sp.lil_matrix((5, 5))
    >>> for u, v in [(0, 1), (1, 2), (0, 3), (3, 2), (3, 4)]:
    ...     a[u, v] = a[v, u] = 1
    >>> round(float(adamic_adar(a.tocsr(), [0])[2]), 4)  # 1/ln 2 + 1/ln 3
    2.3529
    """
    a = sp.csr_matrix(adjacency)
    x = _focal_vector(a, np.asarray(members, dtype=int))
    return a @ (x * _degree_weights(a, "aa"))


def resource_allocation(adjacency, members) -> np.ndarray:
    """Resource-allocation index of a focal set and every organisation.

    ``RA(S, c) = sum_{z in Gamma(S) & Gamma(c)} 1 / k_z``: each shared partner passes one unit
    of resource split evenly among its partners.

    References
    ----------
    .. [1] Zhou, T., Lu, L. & Zhang, Y.-C. (2009). Predicting missing links via local
       information. European Physical Journal B 71, 623-630.

    Examples
    --------
    As for :func:`adamic_adar`: ``1/2 + 1/3``.

    >>> a = sp.lil_matrix((5, 5))
    >>> for u, v in [(0, 1), (1, 2), (0, 3), (3, 2), (3, 4)]:
    ...     a[u, v] = a[v, u] = 1
    >>> round(float(resource_allocation(a.tocsr(), [0])[2]), 4)
    0.8333
    """
    a = sp.csr_matrix(adjacency)
    x = _focal_vector(a, np.asarray(members, dtype=int))
    return a @ (x * _degree_weights(a, "ra"))


def inverted_u(distance, optimal: float = DEFAULT_OPTIMAL_DISTANCE) -> np.ndarray:
    """Optimal-cognitive-distance value of a partner at a technological distance.

    Parameters
    ----------
    distance : array-like
        Distances in ``[0, 1]`` (here ``1 - cosine similarity`` of topic profiles).
    optimal : float
        Distance ``d*`` in ``(0, 1]`` at which the value peaks.

    Returns
    -------
    ndarray
        ``u(d) = max(0, 1 - (1 - d / d*)^2)``: 0 at ``d = 0`` (nothing new to learn), 1 at
        ``d*``, falling again as absorptive capacity runs out.

    Notes
    -----
    Nooteboom et al. model a partner's value as novelty times absorptive capacity, ``a d - b
    d^2``; normalised to a peak of 1 at ``d* = a / 2b`` this is ``2 d/d* - (d/d*)^2``.

    References
    ----------
    .. [1] Nooteboom, B., Van Haverbeke, W., Duysters, G., Gilsing, V. & van den Oord, A.
       (2007). Optimal cognitive distance and absorptive capacity. Research Policy 36(7),
       1016-1034.

    Examples
    --------
    >>> inverted_u([0, 0.25, 0.5, 1.0], optimal=0.5).tolist()
    [0.0, 0.75, 1.0, 0.0]
    """
    optimal = float(optimal)
    if not 0 < optimal <= 1:
        raise ValidationError(f"optimal distance must be in (0, 1], got {optimal!r}")
    d = np.asarray(distance, dtype=float)
    return np.maximum(0.0, 1.0 - (1.0 - d / optimal) ** 2)


def topic_relatedness(profiles) -> np.ndarray:
    """Topic relatedness from co-participation: association strength of topic co-occurrence.

    Parameters
    ----------
    profiles : sparse matrix
        ``n x T`` organisations x topics (any positive value = active).

    Returns
    -------
    ndarray
        ``T x T`` with ``phi_ij = C_ij t / (s_i s_j)``, where ``C = M^T M`` counts organisations
        active in both topics (``M`` the 0/1 activity matrix), the diagonal is set to 0, ``s_i``
        are the row sums of ``C`` and ``t`` their total. ``phi > 1``: more shared organisations
        than chance (EconGeo's association strength, ALGORITHMS.md section 7).

    Examples
    --------
    Organisations: {x, y}, {x, y}, {z}, {y, z}.

    >>> m = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]]))
    >>> topic_relatedness(m).round(3).tolist()
    [[0.0, 2.0, 0.0], [2.0, 0.0, 2.0], [0.0, 2.0, 0.0]]
    """
    m = sp.csr_matrix(profiles, dtype=float, copy=True)  # never binarise the caller's matrix
    m.data[:] = (m.data > 0).astype(float)
    c = (m.T @ m).toarray()
    np.fill_diagonal(c, 0.0)
    s = c.sum(axis=1)
    t = s.sum()
    out = np.zeros_like(c)
    ok = np.outer(s, s) > 0
    out[ok] = c[ok] * t / np.outer(s, s)[ok]
    return out


def _density(relatedness: np.ndarray, portfolio: np.ndarray) -> np.ndarray:
    """``density(S, t) = sum_{t' in F} phi_tt' / sum_t' phi_tt'`` per focal row of ``portfolio``."""
    tot = relatedness.sum(axis=1)
    num = portfolio.astype(float) @ relatedness.T
    return np.divide(num, tot, out=np.zeros_like(num), where=tot > 0)


def complementarity(profiles, relatedness, focal_profile) -> np.ndarray:
    """How much of each organisation's activity is related to, but outside, a focal portfolio.

    Parameters
    ----------
    profiles : sparse matrix
        ``n x T`` projects per topic.
    relatedness : ndarray
        ``T x T`` topic relatedness (:func:`topic_relatedness`).
    focal_profile : array-like
        Length-``T`` profile of the focal organisation or set; its portfolio ``F`` is the topics
        with a positive value.

    Returns
    -------
    ndarray
        ``comp(c) = sum_{t not in F} share_ct * density(F, t)``, with ``share_ct`` the share of
        ``c``'s projects in topic ``t`` and ``density(F, t) = sum_{t' in F} phi_tt' / sum_t'
        phi_tt'`` (Hidalgo et al. 2007 density, on topics). In ``[0, 1]``.

    Examples
    --------
    Topics x, y, z with phi(x, y) = 2, phi(y, z) = 1; the focal does x. A candidate with 3
    projects in x and 1 in y: only y counts, ``1/4 * 2/3``.

    >>> phi = np.array([[0, 2.0, 0], [2.0, 0, 1.0], [0, 1.0, 0]])
    >>> prof = sp.csr_matrix(np.array([[3, 1, 0], [0, 0, 2]]))
    >>> complementarity(prof, phi, [1, 0, 0]).round(4).tolist()
    [0.1667, 0.0]
    """
    prof = sp.csr_matrix(profiles, dtype=float)
    f = np.asarray(focal_profile, dtype=float).reshape(1, -1) > 0
    if prof.shape[1] == 0:
        return np.zeros(prof.shape[0])
    dens = _density(np.asarray(relatedness, dtype=float), f)[0] * (~f[0])
    tot = np.asarray(prof.sum(axis=1)).ravel()
    raw = prof @ dens
    return np.divide(raw, tot, out=np.zeros_like(raw), where=tot > 0)


def pipeline_additions(
    candidate_values: Sequence, focal_values: Iterable
) -> np.ndarray:
    """1 where a candidate's value (country, type) is known and not yet in the focal's pipelines.

    Parameters
    ----------
    candidate_values : sequence
        One value per candidate (None = unknown, never counted as new).
    focal_values : iterable
        The values the focal already reaches: its own and its partners'.

    Examples
    --------
    >>> pipeline_additions(["DEU", "FRA", None], {"DEU", "ITA"}).tolist()
    [0.0, 1.0, 0.0]
    """
    seen = {v for v in focal_values if v is not None}
    vals = np.asarray(candidate_values, dtype=object)
    known = np.array([v is not None and v == v for v in vals], dtype=bool)
    new = np.array([v not in seen for v in vals], dtype=bool)
    return (known & new).astype(float)


# -- the batch engine ------------------------------------------------------------------------


class _Batch:
    """Component matrices (focal rows x organisations) for a batch of focal sets."""

    def __init__(self, index: PartnerIndex, sets: Sequence[np.ndarray], optimal: float):
        a = index.adjacency
        n, b = a.shape[0], len(sets)
        rows = np.concatenate([np.full(len(s), k) for k, s in enumerate(sets)])
        cols = np.concatenate(sets)
        s_mat = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(b, n))
        s_mat.sum_duplicates()
        s_mat.data[:] = 1.0
        x = s_mat @ a
        x.data[:] = 1.0
        x = x - x.multiply(s_mat)  # members are not their own partners
        x.eliminate_zeros()
        self.members = s_mat.toarray() > 0
        self.partners = x.toarray() > 0
        self.cn = (x @ a).toarray()
        self.aa = (x.multiply(_degree_weights(a, "aa")).tocsr() @ a).toarray()
        self.ra = (x.multiply(_degree_weights(a, "ra")).tocsr() @ a).toarray()
        prof = index.profiles
        focal_prof = (s_mat @ prof).toarray()
        t = prof.shape[1]
        if t:
            norms = np.sqrt(np.asarray(prof.multiply(prof).sum(axis=1)).ravel())
            unit = sp.diags(np.divide(1.0, norms, out=np.zeros(n), where=norms > 0)) @ prof
            fn = np.linalg.norm(focal_prof, axis=1, keepdims=True)
            fu = np.divide(focal_prof, fn, out=np.zeros_like(focal_prof), where=fn > 0)
            self.similarity = np.clip(np.asarray(unit @ fu.T).T, 0.0, 1.0)
            f = focal_prof > 0
            dens = _density(index.relatedness, f) * (~f)
            tot = np.asarray(prof.sum(axis=1)).ravel()
            share = sp.diags(np.divide(1.0, tot, out=np.zeros(n), where=tot > 0)) @ prof
            self.complementarity = np.asarray(share @ dens.T).T
        else:
            self.similarity = np.zeros((b, n))
            self.complementarity = np.zeros((b, n))
        self.has_profile = np.asarray(focal_prof.sum(axis=1) > 0)
        self.fit = inverted_u(1.0 - self.similarity, optimal)
        cand_profile = np.asarray(prof.sum(axis=1)).ravel() > 0
        self.fit[:, ~cand_profile] = 0.0  # no profile, no distance to speak of
        self.reach = np.broadcast_to(index.degree.astype(float), (b, n))
        self.experience = np.broadcast_to(
            np.log1p(index.projects) + np.log1p(index.coordinated), (b, n)
        )
        self.new_country = _new_values(index.country, self.members | self.partners)
        self.new_type = _new_values(index.type, self.members | self.partners)
        self.pipeline = (self.new_country + self.new_type) / 2.0
        self.candidates = ~(self.members | self.partners)

    def component(self, name: str) -> np.ndarray:
        return getattr(self, {"common_partners": "cn", "adamic_adar": "aa",
                              "resource_allocation": "ra", "partners": "reach"}.get(name, name))


def _new_values(values: np.ndarray, reached: np.ndarray) -> np.ndarray:
    """Per focal row: 1 where an organisation's value is known and not among ``reached``'s."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    b = reached.shape[0]
    if len(uniques) == 0:
        return np.zeros(reached.shape)
    onehot = sp.csr_matrix(
        (np.ones(int((codes >= 0).sum())), (np.flatnonzero(codes >= 0), codes[codes >= 0])),
        shape=(len(codes), len(uniques)),
    )
    seen = (sp.csr_matrix(reached.astype(float)) @ onehot).toarray() > 0  # b x K
    out = np.zeros(reached.shape)
    known = codes >= 0
    out[:, known] = ~seen[:, codes[known]]
    del b
    return out


# -- the score -------------------------------------------------------------------------------


def _term(name: str, values: np.ndarray) -> np.ndarray:
    """The value a weight multiplies: ``ln(1 + x)`` for the network counts, else ``x``."""
    if name in _LOG_TERMS:
        return np.log1p(values)
    return values


_LOG_TERMS = ("common_partners", "adamic_adar", "resource_allocation", "partners")


def parse_weights(text: str | Mapping[str, float] | None) -> dict[str, float]:
    """Weights from ``"k=v,k=v"`` (or a mapping) on top of :data:`DEFAULT_WEIGHTS`.

    Names are those of :data:`COMPONENTS`; a weight may be negative (``pipeline=-0.1`` prefers
    partners in countries already reached) and ``k=0`` drops a component.

    >>> parse_weights("fit=0.3,pipeline=0.2")["pipeline"]
    0.2
    """
    weights = dict(DEFAULT_WEIGHTS)
    if text is None or (isinstance(text, str) and not text.strip()):
        return weights
    if isinstance(text, Mapping):
        items = list(text.items())
    else:
        items = []
        for part in str(text).split(","):
            if not part.strip():
                continue
            if "=" not in part:
                raise ValidationError(
                    f"weights are name=value pairs separated by commas, e.g. fit=0.2; got {part!r}"
                )
            key, value = part.split("=", 1)
            items.append((key.strip(), value.strip()))
    for key, value in items:
        if key not in COMPONENTS:
            raise ValidationError(
                f"unknown weight {key!r}; expected some of {', '.join(COMPONENTS)}"
            )
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"weight {key} must be a number, got {value!r}") from None
        if not np.isfinite(number):
            raise ValidationError(f"weight {key} must be finite, got {value!r}")
        weights[key] = number
    weights = {k: v for k, v in weights.items() if v != 0}
    if not weights:
        raise ValidationError("all weights are 0: give at least one non-zero weight")
    return weights


def combine(components: Mapping[str, np.ndarray], weights=None) -> np.ndarray:
    """The recommender's score: a weighted sum of the components on a common footing.

    ``score(c) = sum_k w_k x_k(c)`` with ``x_k = ln(1 + value)`` for ``common_partners``,
    ``adamic_adar``, ``resource_allocation`` and ``partners`` (long tails) and the value itself
    for the others (``fit``, ``similarity``, ``complementarity``, ``pipeline`` lie in [0, 1];
    ``experience`` is already a sum of logarithms). With :data:`DEFAULT_WEIGHTS` the network
    term leads and the candidate's partners, fit and complementarity reorder candidates with
    similar network evidence and rank those without any (a content-only ranking when the
    focal has no partner: the network terms are 0 and ``partners``, ``fit`` and
    ``complementarity`` rank).

    Examples
    --------
    >>> comp = {"adamic_adar": np.array([np.e - 1, 0.0]), "fit": np.array([0.5, 1.0])}
    >>> combine(comp, {"adamic_adar": 1.0, "fit": 0.2}).round(3).tolist()
    [1.1, 0.2]
    """
    weights = parse_weights(weights) if not isinstance(weights, dict) else weights
    out = None
    for key, w in weights.items():
        term = w * _term(key, np.asarray(components[key], dtype=float))
        out = term if out is None else out + term
    return out


# -- lists for one focal actor or set --------------------------------------------------------


def close_matches(value: str, choices: Sequence[str], n: int = 3) -> list[str]:
    """Closest strings to ``value`` among ``choices`` (difflib), for "did you mean" messages.

    >>> close_matches("99861626", ["998616262", "984516342", "123"])
    ['998616262', '984516342']
    """
    return difflib.get_close_matches(str(value), [str(c) for c in choices], n=n, cutoff=0.5)


def _focal_rows(index: PartnerIndex, focal) -> np.ndarray:
    ids = [focal] if isinstance(focal, str) else [str(f) for f in focal]
    if not ids:
        raise ValidationError("no focal organisation given")
    pos = index.organisations.get_indexer(ids)
    missing = [i for i, p in zip(ids, pos, strict=True) if p < 0]
    if len(missing) == len(ids):
        hint = close_matches(missing[0], index.organisations)
        tail = f"; did you mean {', '.join(hint)}?" if hint else ""
        when = f" up to {index.until}" if index.until is not None else ""
        raise ValidationError(
            f"unknown organisation {missing[0]!r} (no participation{when}){tail}"
        )
    return np.unique(pos[pos >= 0])


def recommend_partners(
    index: PartnerIndex,
    focal: str | Sequence[str],
    *,
    countries: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    international_only: bool = False,
    top: int | None = 20,
    weights: Mapping[str, float] | str | None = None,
    optimal_distance: float = DEFAULT_OPTIMAL_DISTANCE,
) -> pd.DataFrame:
    """Rank the organisations a focal organisation (or set) does not work with yet.

    Parameters
    ----------
    index : PartnerIndex
        From :func:`partner_index`.
    focal : str or sequence of str
        An organisation id, or the ids of a set (a cluster's members; ids unknown to the index
        are skipped as long as one is known). For a set, partners are those of any member.
    countries, types : sequence of str, optional
        Keep candidates in these countries / of these types (as written in ``index``).
    international_only : bool
        Keep candidates whose country is known and differs from every focal member's.
    top : int or None
        Rows to return (None or 0: all candidates).
    weights : mapping or "k=v,..." text, optional
        Weights of :func:`combine` (default :data:`DEFAULT_WEIGHTS`).
    optimal_distance : float
        ``d*`` of :func:`inverted_u`.

    Returns
    -------
    DataFrame
        ``rank, organisation, name, country, type, score, common_partners, adamic_adar,
        resource_allocation, similarity, fit, complementarity, projects, coordinated,
        experience, partners, new_country, new_type, pipeline, basis``, best first (ties:
        more common partners, then id). ``basis`` is ``network+content``, or ``content only``
        when the focal has no partner in the index (then the network columns are 0).
        ``attrs`` records ``focal``, ``until``, ``weights``, ``optimal_distance``,
        ``candidates`` and ``note``.

    Raises
    ------
    ValidationError
        Unknown focal ids (with close matches), unknown weight names, or no candidate left
        after the filters.

    Notes
    -----
    Candidates are every organisation of the index except the focal members and their
    partners. All components are computed in one sparse pass (``x A`` for the network terms,
    ``U u_S`` for the similarities), so a list takes milliseconds once the index is built.

    References
    ----------
    .. [1] Liben-Nowell, D. & Kleinberg, J. (2007). The link-prediction problem for social
       networks. JASIST 58(7), 1019-1031.
    .. [2] Nooteboom, B. et al. (2007). Optimal cognitive distance and absorptive capacity.
       Research Policy 36(7), 1016-1034.

    Examples
    --------
    a works with b and c; b and c also work with d; e works with nobody a knows.

    >>> part = pd.DataFrame({"organisation": list("abcbdcde"), "project": list("pppqqrrs"),
    ...                      "year": 2015})
    >>> idx = partner_index(part)
    >>> recommend_partners(idx, "a", weights={"common_partners": 1})[
    ...     ["organisation", "common_partners"]].values.tolist()
    [['d', 2], ['e', 0]]
    """
    weights = parse_weights(weights) if not isinstance(weights, dict) else weights
    members = _focal_rows(index, focal)
    batch = _Batch(index, [members], optimal_distance)
    mask = batch.candidates[0].copy()
    n_all = int(mask.sum())
    country = index.country
    notes = []
    if countries:
        wanted = {str(c).upper() for c in countries}
        mask &= np.array([c is not None and str(c).upper() in wanted for c in country])
    if types:
        wanted_t = {str(t).lower() for t in types}
        mask &= np.array([t is not None and str(t).lower() in wanted_t for t in index.type])
    if international_only:
        home = {country[m] for m in members if country[m] is not None}
        mask &= np.array([c is not None and c not in home for c in country])
    if not mask.any():
        asked = []
        if countries:
            asked.append(f"countries {', '.join(countries)}")
        if types:
            asked.append(f"types {', '.join(types)}")
        if international_only:
            asked.append("international only")
        raise ValidationError(
            f"no candidate left after the filters ({'; '.join(asked) or 'none'}) out of "
            f"{n_all:,} non-partners"
        )
    has_ties = bool(batch.partners[0].any())
    if not has_ties:
        notes.append("the focal has no partner in the data: content-only ranking")
    comp = {k: batch.component(k)[0] for k in COMPONENTS}
    score = combine(comp, weights)
    rows = np.flatnonzero(mask)
    out = pd.DataFrame(
        {
            "organisation": index.organisations[rows],
            "name": index.name[rows],
            "country": country[rows],
            "type": index.type[rows],
            "score": score[rows],
            "common_partners": batch.cn[0, rows].astype("int64"),
            "adamic_adar": batch.aa[0, rows],
            "resource_allocation": batch.ra[0, rows],
            "similarity": batch.similarity[0, rows],
            "fit": batch.fit[0, rows],
            "complementarity": batch.complementarity[0, rows],
            "projects": index.projects[rows].astype("int64"),
            "coordinated": index.coordinated[rows].astype("int64"),
            "experience": batch.experience[0, rows],
            "partners": index.degree[rows],
            "new_country": batch.new_country[0, rows].astype(bool),
            "new_type": batch.new_type[0, rows].astype(bool),
            "pipeline": batch.pipeline[0, rows],
            "basis": "network+content" if has_ties else "content only",
        }
    )
    out = out.sort_values(
        ["score", "common_partners", "organisation"],
        ascending=[False, False, True],
        kind="stable",
        ignore_index=True,
    )
    if top:
        out = out.head(int(top)).reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.attrs.update(
        focal=[str(index.organisations[m]) for m in members],
        until=index.until,
        weights=dict(weights),
        optimal_distance=float(optimal_distance),
        candidates=int(mask.sum()),
        note="; ".join(notes),
    )
    return out


def explain(
    index: PartnerIndex,
    focal: str | Sequence[str],
    candidates: Sequence[str],
    *,
    partners: int = 5,
    topics: int = 3,
) -> pd.DataFrame:
    """The evidence behind each recommended name.

    Parameters
    ----------
    index : PartnerIndex
    focal : str or sequence of str
        As in :func:`recommend_partners`.
    candidates : sequence of str
        Organisation ids to explain (e.g. the ``organisation`` column of a list).
    partners, topics : int
        At most this many shared partners / topics per candidate.

    Returns
    -------
    DataFrame
        ``organisation, evidence, item, name, value, detail``, one row per piece of evidence:

        - ``shared partner``: a partner of the focal (set) and of the candidate, ``value`` its
          Adamic-Adar contribution ``1 / ln k_z``, ``detail`` the joint projects with each side;
          partners with few partners (the most telling) first;
        - ``shared topic``: a topic both are active in, ``value`` the smaller of the two shares
          of projects (what the similarity rests on);
        - ``related topic``: a candidate topic outside the focal portfolio, ``value`` its share
          times the topic's density around the portfolio, ``detail`` the most related focal
          topic and its relatedness ``phi``;
        - ``new country`` / ``new type``: what the candidate adds to the focal's pipelines.

    Examples
    --------
    >>> part = pd.DataFrame({"organisation": list("abcbdcd"), "project": list("pppqqrr"),
    ...                      "year": 2015})
    >>> idx = partner_index(part, organisations=pd.DataFrame(
    ...     {"organisation": list("abcd"), "name": ["A", "B", "C", "D"]}))
    >>> explain(idx, "a", ["d"])[["organisation", "evidence", "item", "name"]].values.tolist()
    [['d', 'shared partner', 'b', 'B'], ['d', 'shared partner', 'c', 'C']]
    """
    members = _focal_rows(index, focal)
    a = index.adjacency
    k = index.degree
    cols = ["organisation", "evidence", "item", "name", "value", "detail"]
    x = _focal_vector(a, members)
    reached = x.copy()
    reached[members] = True
    countries = {index.country[i] for i in np.flatnonzero(reached) if index.country[i] is not None}
    kinds = {index.type[i] for i in np.flatnonzero(reached) if index.type[i] is not None}
    fprof = np.asarray(index.profiles[members].sum(axis=0)).ravel()
    ftot = fprof.sum()
    portfolio = fprof > 0
    dens = _density(index.relatedness, portfolio.reshape(1, -1))[0] if len(fprof) else fprof
    joint_focal = np.asarray(index.joint[members].sum(axis=0)).ravel()
    rows = []
    for cid in candidates:
        pos = index.organisations.get_indexer([str(cid)])[0]
        if pos < 0:
            raise ValidationError(f"unknown candidate {cid!r}")
        nb = a[pos].indices
        shared = nb[x[nb]]
        contrib = np.where(k[shared] > 1, 1.0 / np.log(np.maximum(k[shared], 2)), 0.0)
        for z in shared[np.lexsort((index.organisations[shared], -contrib))][:partners]:
            rows.append((cid, "shared partner", index.organisations[z], index.name[z],
                         round(float(1.0 / np.log(k[z])), 4),
                         f"{int(joint_focal[z])} joint project(s) with the focal, "
                         f"{int(index.joint[pos, z])} with the candidate; {int(k[z])} partners"))
        cprof = index.profiles[pos].toarray().ravel()
        ctot = cprof.sum()
        if ctot > 0 and ftot > 0:
            both = np.flatnonzero((cprof > 0) & portfolio)
            share = np.minimum(cprof[both] / ctot, fprof[both] / ftot)
            for t in both[np.argsort(-share, kind="stable")][:topics]:
                rows.append((cid, "shared topic", index.topics[t], None,
                             round(float(min(cprof[t] / ctot, fprof[t] / ftot)), 4),
                             f"{int(cprof[t])} of the candidate's projects, {int(fprof[t])} of "
                             "the focal's"))
            outside = np.flatnonzero((cprof > 0) & ~portfolio)
            value = cprof[outside] / ctot * dens[outside]
            for t, v in sorted(zip(outside, value, strict=True), key=lambda p: -p[1])[:topics]:
                if v <= 0:
                    continue
                rel = index.relatedness[t] * portfolio
                best = int(np.argmax(rel))
                rows.append((cid, "related topic", index.topics[t], None, round(float(v), 4),
                             f"outside the focal portfolio; related to {index.topics[best]} "
                             f"(phi {rel[best]:.2f})"))
        c = index.country[pos]
        if c is not None and c not in countries:
            rows.append((cid, "new country", c, None, 1.0, "no focal member or partner there"))
        t = index.type[pos]
        if t is not None and t not in kinds:
            rows.append((cid, "new type", t, None, 1.0, "no focal member or partner of this type"))
    out = pd.DataFrame(rows, columns=cols)
    return out


# -- backtest --------------------------------------------------------------------------------


def new_ties(index: PartnerIndex, participations: pd.DataFrame, *, horizon: int | None = None):
    """Ties formed after ``index.until`` between organisations of the index, as a matrix.

    A tie forms in the start year of the pair's first joint project; a pair that already
    shares a project up to ``until`` is not new. ``horizon`` keeps projects starting within
    that many years after ``until`` (default: all later years).

    Returns
    -------
    csr_matrix
        ``n x n`` 0/1, symmetric, in the order of ``index.organisations``.
    """
    if index.until is None:
        raise ValidationError("the index must be built with until=YEAR for a backtest")
    years = pd.to_numeric(participations["year"], errors="coerce")
    years = years.to_numpy(dtype=float, na_value=np.nan)
    keep = years > index.until
    if horizon is not None:
        keep &= years <= index.until + check_int(horizon, name="horizon", minimum=1)
    later = participations[keep]
    n = len(index.organisations)
    i = index.organisations.get_indexer(later["organisation"].astype(str))
    ok = i >= 0
    j, _ = pd.factorize(later["project"].astype(str).to_numpy()[ok])
    if not len(j):
        return sp.csr_matrix((n, n))
    b = sp.csr_matrix((np.ones(int(ok.sum())), (i[ok], j)), shape=(n, int(j.max()) + 1))
    b.sum_duplicates()
    b.data[:] = 1.0
    f = (b @ b.T).tolil()
    f.setdiag(0)
    f = f.tocsr()
    f.data[:] = 1.0
    f = f - f.multiply(index.adjacency)
    f.eliminate_zeros()
    return f.tocsr()


def focal_pool(index: PartnerIndex, truth: sp.spmatrix) -> np.ndarray:
    """The organisations a time split can be scored on (by :func:`backtest`) or learn from:
    the rows with at least one partner up to the cut-off and a new tie in ``truth``
    (:func:`new_ties`), in order.

    >>> class Index:  # the partner counts of four organisations
    ...     degree = np.array([2, 0, 1, 3])
    >>> truth = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]]))
    >>> focal_pool(Index, truth).tolist()
    [0, 3]
    """
    return np.flatnonzero((index.degree > 0) & (np.asarray(truth.sum(axis=1)).ravel() > 0))


def focal_sample(pool: np.ndarray, max_focal: int | None, rng: np.random.Generator) -> np.ndarray:
    """``max_focal`` rows of ``pool`` without replacement (drawn from ``rng``), sorted, when it
    holds more; else ``pool`` itself, drawing nothing.

    >>> focal_sample(np.array([0, 3, 5]), 2, np.random.default_rng(0)).shape
    (2,)
    >>> focal_sample(np.array([0, 3, 5]), None, np.random.default_rng(0)).tolist()
    [0, 3, 5]
    """
    if max_focal is not None and len(pool) > max_focal:
        return np.sort(rng.choice(pool, size=max_focal, replace=False))
    return pool


def ranking_metrics(scores, candidates, truth, ks=(10, 20, 50), *, tiebreak=None):
    """Hits at k and reciprocal ranks for rows of scores (one row per focal actor).

    Parameters
    ----------
    scores : ndarray
        ``b x n`` scores (higher first).
    candidates, truth : ndarray of bool
        ``b x n``: which organisations may be ranked, and which of them are relevant.
    ks : sequence of int
    tiebreak : ndarray, optional
        Length-``n`` priorities (lower first) breaking equal scores; default the column order.

    Returns
    -------
    dict
        ``hits`` (``b x len(ks)``), ``relevant`` (``b``), ``reciprocal_rank`` (``b``, 1 / rank of
        the first relevant organisation in the full ranking, 0 without one) and ``top`` (the
        column indices of the top ``max(ks)`` per row).

    Examples
    --------
    Two focal rows over four candidates; row 0's relevant item is ranked 2nd, row 1's 1st.

    >>> s = np.array([[4, 3, 2, 1.0], [1, 2, 3, 4.0]])
    >>> t = np.array([[0, 1, 0, 0], [0, 0, 0, 1]], bool)
    >>> m = ranking_metrics(s, np.ones((2, 4), bool), t, ks=(1, 2))
    >>> m["hits"].tolist(), m["reciprocal_rank"].tolist()
    ([[0, 1], [1, 1]], [0.5, 1.0])
    """
    scores = np.asarray(scores, dtype=float)
    b, n = scores.shape
    prio = np.arange(n) if tiebreak is None else np.asarray(tiebreak)
    # rank key: score, then priority; stable ordering via lexsort on both
    key = np.where(candidates, scores, -np.inf)
    kmax = min(max(ks), n)
    order = np.lexsort((np.broadcast_to(prio, key.shape), -key), axis=-1)
    top = order[:, :kmax]
    rel_sorted = np.take_along_axis(truth & candidates, order, axis=1)
    hits = np.column_stack([rel_sorted[:, : min(k, n)].sum(axis=1) for k in ks])
    has = rel_sorted.any(axis=1)
    first = rel_sorted.argmax(axis=1)
    rr = np.where(has, 1.0 / (first + 1), 0.0)
    return {
        "hits": hits,
        "relevant": (truth & candidates).sum(axis=1),
        "reciprocal_rank": rr,
        "top": top,
    }


#: Organisations with at most this many partners up to the cut-off are newcomers in
#: :func:`backtest`'s per-group rows.
NEWCOMER_PARTNERS = 10

#: Cluster sizes (members with a project up to the cut-off) that :func:`backtest` scores.
CLUSTER_SIZE = (5, 200)


def _clusters(index: PartnerIndex, size) -> list:
    """(label, member rows) of every region x programme-part cluster of the index: the
    organisations of one country with a project in that part up to ``index.until``."""
    if index.profiles.shape[1] == 0:
        return []
    prof = index.profiles.tocsc()
    out = []
    for t, code in enumerate(index.topics):
        rows = np.sort(prof[:, t].nonzero()[0])
        cs = index.country[rows]
        for c in sorted({x for x in cs if x is not None}):
            members = rows[cs == c]
            if size[0] <= len(members) <= size[1]:
                out.append((f"{c} {code}", members))
    return out


def _builtin_scores(method: str, batch: _Batch, degree, noise, weights) -> np.ndarray:
    if method == "weighted":
        return combine({k: batch.component(k) for k in weights}, weights)
    if method == "random":
        return noise
    if method == "degree":
        return np.broadcast_to(degree, batch.candidates.shape)
    if method == "common_neighbours":
        return batch.cn
    return batch.aa


def _score_sets(index, sets, truth_rows, methods, scorers, ks, tiebreak, rng, weights,
                optimal_distance):
    """Per-set hits, relevant counts, reciprocal ranks and top lists of every method."""
    degree = index.degree
    n = len(index.organisations)
    acc = {m: {"hits": [], "relevant": [], "rr": [], "top": []} for m in methods}
    for start in range(0, len(sets), _BLOCK):
        block = sets[start : start + _BLOCK]
        batch = _Batch(index, block, optimal_distance)
        cand = batch.candidates
        truth = truth_rows(start, block) & cand
        noise = rng.random(cand.shape)
        for m in methods:
            if m in scorers:
                s = scorers[m](block)
            else:
                s = _builtin_scores(m, batch, degree, noise, weights)
            res = ranking_metrics(s, cand, truth, ks, tiebreak=tiebreak)
            acc[m]["hits"].append(res["hits"])
            acc[m]["relevant"].append(res["relevant"])
            acc[m]["rr"].append(res["reciprocal_rank"])
            acc[m]["top"].append(res["top"])
    del n
    return {m: {k: np.concatenate(v) if k != "hits" and k != "top" else np.vstack(v)
                for k, v in d.items()} for m, d in acc.items()}


def _summary(acc, methods, ks, select, n, level, group) -> list[dict]:
    rows = []
    if not select.any():
        return rows
    for m in methods:
        hits = acc[m]["hits"][select]
        rel = acc[m]["relevant"][select]
        top = acc[m]["top"][select]
        mrr = float(acc[m]["rr"][select].mean())
        for i, k in enumerate(ks):
            seen = np.zeros(n, bool)
            seen[top[:, :k].ravel()] = True
            rows.append({
                "method": m,
                "k": k,
                "precision": float((hits[:, i] / k).mean()),
                "recall": float((hits[:, i] / rel).mean()),
                "mrr": mrr,
                "coverage": float(seen.sum() / n),
                "focal_actors": int(len(rel)),
                "hits": float((hits[:, i] > 0).mean()),
                "level": level,
                "group": group,
            })
    return rows


def backtest(
    participations: pd.DataFrame,
    topics: pd.DataFrame | None = None,
    organisations: pd.DataFrame | None = None,
    *,
    until: int,
    ks: Sequence[int] = (10, 20, 50),
    horizon: int | None = None,
    max_focal: int | None = 2000,
    seed: int = 0,
    weights: Mapping[str, float] | str | None = None,
    optimal_distance: float = DEFAULT_OPTIMAL_DISTANCE,
    methods: Sequence[str] | None = None,
    index: PartnerIndex | None = None,
    scorers: Mapping[str, Callable[[Sequence[np.ndarray]], np.ndarray]] | None = None,
    groups: bool = True,
    clusters: bool = True,
    max_clusters: int | None = 300,
    newcomer_partners: int = NEWCOMER_PARTNERS,
    cluster_size: tuple[int, int] = CLUSTER_SIZE,
) -> pd.DataFrame:
    """Time-split backtest of the recommender against link-prediction baselines.

    Parameters
    ----------
    participations, topics, organisations : DataFrame
        As in :func:`partner_index` (all years: the later ones supply the answers).
    until : int
        Last year the methods may see. Ties formed after it are to be predicted.
    ks : sequence of int
        Cut-offs of precision, recall, Hits and coverage.
    horizon : int, optional
        Score only ties formed within this many years after ``until`` (default: all).
    max_focal : int or None
        Sample this many focal organisations (seeded) when there are more; None keeps all.
    seed : int
        Seeds the focal and cluster samples, the random baseline and the tie-breaking order.
    weights, optimal_distance
        Settings of the ``weighted`` score (:func:`recommend_partners`).
    methods : sequence of str, optional
        Which methods to score, in order: ``"weighted"``, the :data:`BASELINES` and the names
        of ``scorers`` (default: the scorers, then ``weighted``, then the baselines).
    index : PartnerIndex, optional
        A prebuilt ``partner_index(..., until=until)`` (saves rebuilding it).
    scorers : mapping, optional
        More methods: ``name -> f(sets)`` returning ``len(sets) x n`` scores (higher first)
        for a list of focal sets (arrays of index rows); e.g. the learned ranker of
        :mod:`smartspec.algorithms.link_prediction`. They must see only data up to ``until``.
    groups : bool
        Add rows for newcomers (focal organisations with at most ``newcomer_partners``
        partners up to ``until``) and established ones.
    clusters : bool
        Add the cluster-level backtest (see Notes); needs ``topics`` and countries.
    max_clusters : int or None
        Sample this many clusters (seeded) when there are more.
    cluster_size : (int, int)
        Smallest and largest cluster scored (members present up to ``until``).

    Returns
    -------
    DataFrame
        ``method, k, precision, recall, mrr, coverage, focal_actors, hits, level, group`` for
        each method and k: first ``level = organisation, group = all`` (the classic table),
        then ``newcomers`` and ``established``, then ``level = cluster, group = all`` (a group
        without focal actors has no rows).
        ``attrs`` records ``until``, ``horizon``, ``candidates``, ``focal_pool``, ``seed``,
        ``weights``, ``clusters`` (scored) and ``cluster_pool``.

    Notes
    -----
    Honest by construction: every score comes from ``partner_index(..., until=until)``, which
    sees only projects starting up to ``until`` (organisation attributes, such as country and
    type, are taken as fixed). Candidates are all organisations with a participation up to
    ``until``, minus the focal actor and its partners; the same candidates, focal actors and
    tie-breaking order (a seeded random permutation) serve every method. Focal actors are the
    organisations with at least one partner up to ``until`` and at least one new tie to a
    candidate afterwards, sampled to ``max_focal`` without replacement.

    - ``precision@k = hits_k / k`` and ``recall@k = hits_k / |new ties|``, averaged over focal
      actors; ``mrr`` is the mean of ``1 / rank`` of the first new partner in the full ranking
      (the same for every k); ``hits`` (Hits@k) is the share of focal actors with at least one
      new partner in their top k;
    - ``coverage@k`` (catalogue coverage): the share of candidates that appear in at least one
      focal actor's top k.

    Cluster level: a cluster is the organisations of one country with a project in one
    programme part (topic) up to ``until``; it is ranked as a focal set (partners of any
    member are not candidates) and a recommended organisation is a hit when any member forms
    a tie with it after ``until``. Clusters with a partner and a new tie are scored.

    Baselines: ``random`` (seeded uniform scores), ``degree`` (preferential attachment: the
    candidate's number of partners), ``common_neighbours`` and ``adamic_adar``; ``weighted``
    is the hand-weighted score of :func:`combine`.

    References
    ----------
    .. [1] Liben-Nowell, D. & Kleinberg, J. (2007). The link-prediction problem for social
       networks. JASIST 58(7), 1019-1031.
    .. [2] Zhou, T., Lu, L. & Zhang, Y.-C. (2009). Predicting missing links via local
       information. European Physical Journal B 71, 623-630.
    """
    until = check_int(until, name="until", minimum=0)
    ks = sorted({check_int(k, name="k", minimum=1) for k in ks})
    if not ks:
        raise ValidationError("give at least one k")
    scorers = dict(scorers or {})
    all_methods = (*scorers, "weighted", *BASELINES)
    methods = tuple(methods or all_methods)
    for m in methods:
        if m not in all_methods:
            raise ValidationError(
                f"unknown method {m!r}; expected some of {', '.join(all_methods)}"
            )
    weights = parse_weights(weights) if not isinstance(weights, dict) else weights
    if index is None:
        index = partner_index(participations, topics, organisations, until=until)
    elif index.until != until:
        raise ValidationError(f"the index was built up to {index.until}, not {until}")
    truth_all = new_ties(index, participations, horizon=horizon)
    degree = index.degree
    n = len(index.organisations)
    pool = focal_pool(index, truth_all)
    if not len(pool):
        raise ValidationError(
            f"no organisation with partners up to {until} forms a new tie afterwards"
        )
    if max_focal is not None:
        max_focal = check_int(max_focal, name="max_focal", minimum=1)
    rng = np.random.default_rng(seed)
    focal = focal_sample(pool, max_focal, rng)
    tiebreak = rng.permutation(n)
    sets = [np.array([f]) for f in focal]
    acc = _score_sets(index, sets,
                      lambda start, block: truth_all[focal[start:start + len(block)]].toarray() > 0,
                      methods, scorers, ks, tiebreak, rng, weights, optimal_distance)
    everyone = np.ones(len(focal), bool)
    rows = _summary(acc, methods, ks, everyone, n, "organisation", "all")
    if groups:
        newcomer = degree[focal] <= newcomer_partners
        rows += _summary(acc, methods, ks, newcomer, n, "organisation", "newcomers")
        rows += _summary(acc, methods, ks, ~newcomer, n, "organisation", "established")
    n_clusters = cluster_pool = 0
    if clusters:
        found = _clusters(index, cluster_size)
        keep = []
        for label, members in found:
            has_partner = bool(_focal_vector(index.adjacency, members).any())
            reach = truth_all[members].sum(axis=0) > 0
            if has_partner and bool(np.asarray(reach).any()):
                keep.append((label, members))
        cluster_pool = len(keep)
        if max_clusters is not None and len(keep) > max_clusters:
            pick = np.sort(rng.choice(len(keep), size=max_clusters, replace=False))
            keep = [keep[i] for i in pick]
        if keep:
            csets = [m for _, m in keep]

            def ctruth(start, block):
                return np.vstack([np.asarray(truth_all[m].sum(axis=0)).ravel() > 0
                                  for m in block])

            cacc = _score_sets(index, csets, ctruth, methods, scorers, ks, tiebreak, rng,
                               weights, optimal_distance)
            sel = cacc[methods[0]]["relevant"] > 0
            rows += _summary(cacc, methods, ks, sel, n, "cluster", "all")
            n_clusters = int(sel.sum())
    out = pd.DataFrame(rows)
    out.attrs.update(until=until, horizon=horizon, candidates=n, focal_pool=int(len(pool)),
                     seed=seed, weights=dict(weights), optimal_distance=optimal_distance,
                     clusters=n_clusters, cluster_pool=cluster_pool)
    return out
