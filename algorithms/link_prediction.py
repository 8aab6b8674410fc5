"""Learned partner ranking: pair features, candidate generation, a LightGBM ranker, contributions.

Pure functions on tables and matrices (no I/O; the model cache lives in
:mod:`smartspec.workflows.partners`). The learned method of ``smartspec recommend partners``.

The idea (supervised link prediction, Lichtenwalter et al. 2010; on Horizon 2020, Zinilli &
Cerulli 2023): describe every (focal, candidate) pair by what the network and the portfolios
said up to a year ``t`` (:func:`pair_features`), label the pairs that formed a tie in the years
after ``t``, and let a gradient-boosted ranker (LightGBM ``lambdarank``, one query per focal
organisation) learn how to weigh the evidence. The model is trained on earlier time splits only
(features up to ``t - 1 - s``, labels = ties formed in the years ``t - s`` to ``t``, for
``s = 0, 1, ...``), so nothing after the cut-off ``t`` the user gives reaches features, labels
or candidate generation (:func:`training_set`).

Candidates (:func:`candidate_pool`) are the union of the best-placed non-partners by network
proximity (Adamic-Adar, a bipartite random walk), by content (topic similarity times recent
activity, for organisations with few ties or far away in the network) and by activity; every
other organisation ranks after them, by the hand-weighted score.

Features (:data:`FEATURES`; :func:`explain_learned` puts their contributions in words)
----------------------------------------------------------------------------------------
network
    ``common_partners``, ``adamic_adar``, ``resource_allocation``, ``jaccard``,
    ``joint_weighted`` (Adamic-Adar with each shared partner weighted by ``ln(1 + joint
    projects)`` with the focal), ``recent_common`` (shared partners through ties of the last two
    years), ``coordinator_paths`` (shared partners that coordinated a project), ``paths3``
    (``ln(1 +`` walks of length 3), ``walk`` (a three-step random walk on the
    organisation-project graph, Zhou et al. 2007's mass diffusion), ``distance`` (2, 3 or
    4 = further), ``decayed_adamic_adar`` (Adamic-Adar over joint projects weighing
    ``0.5 ** age`` in years, so recent ties count most), ``preferential_attachment``
    (``ln(1 +`` focal partners x candidate partners)).
candidate
    ``cand_partners``, ``cand_projects``, ``cand_coordinated``, ``cand_recent`` (projects
    starting in the last year), ``cand_previous`` (the year before), ``cand_growth``
    (``cand_recent - cand_previous``), ``cand_years`` (years since its first project),
    ``cand_new_partners`` (partners gained in the last two years), ``cand_consortium``
    (``ln(1 +`` mean consortium size of its projects of the last two years),
    ``cand_collaborative`` (its projects of the last two years with three members or more),
    ``relative_activity`` (``ln(1 +`` its projects of the last two years) minus the focal's
    ``ln(1 +`` projects of the last year)).
focal
    ``focal_partners``, ``focal_projects``, ``focal_recent``.
content
    ``similarity`` (cosine of topic profiles), ``complementarity`` (related topics outside the
    focal portfolio), ``same_country`` (share of focal members in the candidate's country),
    ``country_affinity`` (``ln`` lift of ties between the two countries), ``type_affinity``
    (likewise for organisation types), ``new_country``, ``new_type`` (what it adds to the
    focal's pipelines), ``fit`` (the inverted-U fit of the weighted score),
    ``recent_similarity`` (cosine of the programme parts of the projects of the last two
    years: working in the same calls now).
score
    ``weighted``, the hand-weighted score (:func:`~.recommendation.combine`).
relative
    For the :data:`RELATIVE` features, the value as a share of the largest in the focal's
    candidate pool (``_share``) and ``ln(1 +`` its rank there) (``_rank``): what matters is how
    a candidate compares with the focal's other candidates, and a hub's counts are not a
    newcomer's.

References
----------
.. [1] Lichtenwalter, R. N., Lussier, J. T. & Chawla, N. V. (2010). New perspectives and methods
   in link prediction. KDD '10, 243-252.
.. [2] Zinilli, A. & Cerulli, G. (2023). Link prediction and feature relevance in knowledge
   networks: a machine learning approach. PLOS ONE 18(8), e0290018.
.. [3] Zhou, T., Ren, J., Medo, M. & Zhang, Y.-C. (2007). Bipartite network projection and
   personal recommendation. Physical Review E 76, 046115.
.. [4] Burges, C. J. C. (2010). From RankNet to LambdaRank to LambdaMART: an overview.
   Microsoft Research MSR-TR-2010-82.
.. [5] Lundberg, S. M. et al. (2020). From local explanations to global understanding with
   explainable AI for trees. Nature Machine Intelligence 2, 56-67 (TreeSHAP).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

from . import recommendation as rec
from ._validation import ValidationError, check_int

__all__ = [
    "FEATURES",
    "LinkIndex",
    "link_index",
    "pair_features",
    "candidate_pool",
    "query_pairs",
    "training_set",
    "train_ranker",
    "score_pairs",
    "contributions",
    "learned_scores",
    "recommend_learned",
    "explain_learned",
]

#: Features of a (focal, candidate) pair (see the module notes), before the relative ones.
BASE_FEATURES = (
    "common_partners",
    "adamic_adar",
    "resource_allocation",
    "jaccard",
    "joint_weighted",
    "recent_common",
    "coordinator_paths",
    "paths3",
    "walk",
    "distance",
    "cand_partners",
    "cand_projects",
    "cand_coordinated",
    "cand_recent",
    "cand_previous",
    "cand_growth",
    "cand_years",
    "focal_partners",
    "focal_projects",
    "focal_recent",
    "similarity",
    "complementarity",
    "same_country",
    "country_affinity",
    "type_affinity",
    "new_country",
    "new_type",
    "weighted",
    "fit",
    "preferential_attachment",
    "decayed_adamic_adar",
    "recent_similarity",
    "cand_new_partners",
    "cand_consortium",
    "cand_collaborative",
    "relative_activity",
)

#: Features also given relative to the focal's candidate pool (:func:`candidate_pool`): as a
#: share of the pool's largest value (``<name>_share``) and as ``ln(1 +`` the number of pooled
#: candidates with a larger value) (``<name>_rank``). A pair's values depend on its focal's
#: pool alone, never on the batch.
RELATIVE = (
    "adamic_adar",
    "walk",
    "common_partners",
    "cand_partners",
    "similarity",
    "weighted",
    "cand_collaborative",
    "resource_allocation",
    "paths3",
    "decayed_adamic_adar",
    "cand_new_partners",
    "cand_consortium",
    "recent_similarity",
    "preferential_attachment",
    "cand_recent",
    "joint_weighted",
    "complementarity",
)

FEATURES = BASE_FEATURES + tuple(f"{name}_{kind}" for name in RELATIVE
                                 for kind in ("share", "rank"))


@dataclass(frozen=True)
class LinkIndex:
    """A :class:`~smartspec.algorithms.recommendation.PartnerIndex` plus what the ranker needs.

    Attributes
    ----------
    base : PartnerIndex
    year : int
        The last year seen (``base.until``, or the last project year when that is None).
    incidence : csr_matrix
        ``n x P`` organisation-project 0/1 matrix (projects up to ``year``).
    recent_adjacency : csr_matrix
        Partner matrix of the projects starting in ``year - 1`` or ``year``.
    recent, previous : ndarray
        Projects per organisation starting in ``year`` / in ``year - 1``.
    first_year : ndarray
        Start year of each organisation's first project.
    country_code, type_code : ndarray
        Integer codes (-1 unknown) into ``country_lift`` / ``type_lift``.
    country_lift, type_lift : ndarray
        ``ln`` of observed over expected ties between country (type) pairs, from the partner
        matrix (0 where unknown or no tie).
    decayed : csr_matrix
        ``n x n`` joint projects, each weighing ``0.5 ** (year - its start year)``.
    partners_before : ndarray
        Partners per organisation through projects starting up to ``year - 2``.
    consortium : ndarray
        ``ln(1 +`` mean number of members of the organisation's projects starting in
        ``year - 1`` or ``year``) (0 without one).
    recent_collaborative : ndarray
        Projects with three members or more starting in ``year - 1`` or ``year``.
    recent_profile : ndarray
        ``n x T`` unit-length topic profiles of the projects starting in ``year - 1`` or
        ``year`` (topics in the order of ``base.topics``).
    """

    base: rec.PartnerIndex
    year: int
    incidence: sp.csr_matrix
    recent_adjacency: sp.csr_matrix
    recent: np.ndarray
    previous: np.ndarray
    first_year: np.ndarray
    country_code: np.ndarray
    type_code: np.ndarray
    country_lift: np.ndarray
    type_lift: np.ndarray
    decayed: sp.csr_matrix
    partners_before: np.ndarray
    consortium: np.ndarray
    recent_collaborative: np.ndarray
    recent_profile: np.ndarray


def _projection(b: sp.csr_matrix, binary: bool = True) -> sp.csr_matrix:
    """``B B^T`` without its diagonal (0/1 when ``binary``), for ``B`` organisations x projects
    (weighted columns give weighted joint projects)."""
    j = (b @ (b > 0).T).tolil()
    j.setdiag(0)
    j = j.tocsr()
    j.eliminate_zeros()
    if binary:
        j.data[:] = 1.0
    return j


def _lift(adjacency: sp.csr_matrix, codes: np.ndarray, k: int) -> np.ndarray:
    """``ln(observed / expected)`` ties between groups (0 where no tie)."""
    n = len(codes)
    ok = codes >= 0
    onehot = sp.csr_matrix((np.ones(int(ok.sum())), (np.flatnonzero(ok), codes[ok])),
                           shape=(n, max(k, 1)))
    m = (onehot.T @ adjacency @ onehot).toarray()
    r = m.sum(axis=1)
    t = r.sum()
    expected = np.outer(r, r) / t if t > 0 else np.zeros_like(m)
    out = np.zeros_like(m)
    good = (m > 0) & (expected > 0)
    out[good] = np.log(m[good] / expected[good])
    return out


def link_index(
    participations: pd.DataFrame,
    topics: pd.DataFrame | None = None,
    organisations: pd.DataFrame | None = None,
    *,
    until: int | None = None,
    base: rec.PartnerIndex | None = None,
    year: int | None = None,
) -> LinkIndex:
    """Build the ranker's index from participations up to ``until`` (see :class:`LinkIndex`).

    Only projects starting in or before ``until`` are read (undated ones are dropped when
    ``until`` is given); ``base`` reuses a :func:`~.recommendation.partner_index` built with the
    same ``until``. ``year`` is the year the recency windows end at (projects of ``year - 1``
    and ``year``; older ones decay from it): by default ``until``, else the last project year.
    A list on all the data gives the year the model was trained up to, so that its recency
    features mean what they meant in training (a last year barely begun would leave them
    near zero); later projects still count as ties, not as recent activity.

    Examples
    --------
    >>> part = pd.DataFrame({"organisation": list("abcab"), "project": list("ppprr"),
    ...                      "year": [2015, 2015, 2015, 2017, 2017]})
    >>> li = link_index(part, until=2016)
    >>> li.year, li.recent.tolist(), li.first_year.tolist()
    (2016, [0.0, 0.0, 0.0], [2015.0, 2015.0, 2015.0])
    >>> li = link_index(part, year=2016)  # all ties, the windows of 2016
    >>> li.year, int(li.incidence.sum()), li.recent.tolist()
    (2016, 5, [0.0, 0.0, 0.0])
    """
    if base is None:
        base = rec.partner_index(participations, topics, organisations, until=until)
    elif base.until != until:
        raise ValidationError(f"the index was built up to {base.until}, not {until}")
    years = pd.to_numeric(participations["year"], errors="coerce").to_numpy(
        dtype=float, na_value=np.nan)
    keep = ~np.isnan(years)
    if until is not None:
        keep &= years <= until
    part = participations[keep]
    years = years[keep]
    n = len(base.organisations)
    oi = base.organisations.get_indexer(part["organisation"].astype(str))
    ok = oi >= 0
    pj, pids = pd.factorize(part["project"].astype(str).to_numpy()[ok])
    oi, years = oi[ok], years[ok]
    if year is None:
        year = int(until if until is not None else (years.max() if len(years) else 0))
    year = int(year)
    inc = sp.csr_matrix((np.ones(len(oi)), (oi, pj)), shape=(n, len(pids)))
    inc.sum_duplicates()
    inc.data[:] = 1.0
    pyear = np.zeros(len(pids))
    pyear[pj] = years
    recent_cols = sp.diags(((pyear >= year - 1) & (pyear <= year)).astype(float))
    recent_adj = _projection((inc @ recent_cols).tocsr())

    def per_org(mask):
        return np.asarray((inc @ sp.diags(mask.astype(float))).sum(axis=1)).ravel()

    decayed = _projection(inc @ sp.diags(0.5 ** np.maximum(year - pyear, 0)), binary=False)
    partners_before = np.asarray(
        _projection((inc @ sp.diags((pyear <= year - 2).astype(float))).tocsr()).sum(axis=1)
    ).ravel()
    recent_inc = (inc @ recent_cols).tocsr()
    psize = np.asarray(inc.sum(axis=0)).ravel()
    nrec = np.asarray(recent_inc.sum(axis=1)).ravel()
    consortium = np.log1p(np.divide(recent_inc @ psize, nrec, out=np.zeros(n), where=nrec > 0))
    collaborative = np.asarray((recent_inc @ sp.diags((psize >= 3).astype(float))).sum(axis=1))
    topic_cols = base.topics
    profile = np.zeros((n, len(topic_cols)))
    if topics is not None and len(topics) and len(topic_cols):
        tp = topics[topics["project"].astype(str).isin(pids)]
        ti = topic_cols.get_indexer(tp["topic"].astype(str))
        tj = pd.Index(pids).get_indexer(tp["project"].astype(str))
        good = (ti >= 0) & (tj >= 0)
        tm = sp.csr_matrix((np.ones(int(good.sum())), (tj[good], ti[good])),
                           shape=(len(pids), len(topic_cols)))
        tm.sum_duplicates()
        tm.data[:] = 1.0
        profile = (recent_inc @ tm).toarray()
        norm = np.linalg.norm(profile, axis=1, keepdims=True)
        profile = np.divide(profile, norm, out=np.zeros_like(profile), where=norm > 0)
    first = np.full(n, year, dtype=float)
    if len(oi):
        np.minimum.at(first, oi, years)
    ccode, cuni = pd.factorize(pd.Series(base.country, dtype=object))
    tcode, tuni = pd.factorize(pd.Series(base.type, dtype=object))
    return LinkIndex(
        base=base,
        year=year,
        incidence=inc,
        recent_adjacency=recent_adj,
        recent=per_org(pyear == year),
        previous=per_org(pyear == year - 1),
        first_year=first,
        country_code=np.asarray(ccode),
        type_code=np.asarray(tcode),
        country_lift=_lift(base.adjacency, np.asarray(ccode), len(cuni)),
        type_lift=_lift(base.adjacency, np.asarray(tcode), len(tuni)),
        decayed=decayed,
        partners_before=partners_before,
        consortium=consortium,
        recent_collaborative=np.asarray(collaborative).ravel(),
        recent_profile=profile,
    )


# -- features ---------------------------------------------------------------------------------


def _group_share(codes: np.ndarray, members: np.ndarray, sets_rows: np.ndarray, b: int,
                 k: int) -> np.ndarray:
    """``b x k`` share of each focal set's members per group (unknown ones left out)."""
    c = codes[members]
    ok = c >= 0
    m = sp.csr_matrix((np.ones(int(ok.sum())), (sets_rows[ok], c[ok])), shape=(b, max(k, 1)))
    tot = np.asarray(m.sum(axis=1)).ravel()
    return np.asarray((sp.diags(np.divide(1.0, tot, out=np.zeros(b), where=tot > 0)) @ m)
                      .todense())


class _Features:
    """Every feature as a dense ``b x n`` matrix for a batch of focal sets (see FEATURES)."""

    def __init__(self, li: LinkIndex, sets: Sequence[np.ndarray]):
        base = li.base
        a = base.adjacency
        n, b = a.shape[0], len(sets)
        self.batch = rec._Batch(base, sets, rec.DEFAULT_OPTIMAL_DISTANCE)
        bt = self.batch
        rows = np.concatenate([np.full(len(s), k) for k, s in enumerate(sets)])
        cols = np.concatenate(sets)
        s_mat = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(b, n))
        s_mat.sum_duplicates()
        s_mat.data[:] = 1.0
        x = sp.csr_matrix(bt.partners.astype(float))
        self.degree = base.degree  # computed once (a property summing the matrix)
        deg = self.degree.astype(float)
        fdeg = np.asarray(x.sum(axis=1)).ravel()
        aaw = rec._degree_weights(a, "aa")
        joint = (s_mat @ base.joint).toarray()
        joint[bt.members] = 0.0
        self.joint_weighted = (sp.csr_matrix(np.log1p(joint) * aaw) @ a).toarray()
        xr = (s_mat @ li.recent_adjacency).toarray() > 0
        xr &= bt.partners
        self.recent_common = (sp.csr_matrix(xr.astype(float)) @ a).toarray()
        coordw = (base.coordinated > 0).astype(float)
        self.coordinator_paths = (x.multiply(coordw).tocsr() @ a).toarray()
        self.paths3 = np.log1p(np.asarray(a @ bt.cn.T).T)
        inc = li.incidence
        od = np.asarray(inc.sum(axis=1)).ravel()
        psize = np.asarray(inc.sum(axis=0)).ravel()
        wo = sp.diags(np.divide(1.0, od, out=np.zeros(n), where=od > 0)) @ inc
        bn = inc @ sp.diags(np.divide(1.0, psize, out=np.zeros(len(psize)), where=psize > 0))
        w1 = ((s_mat @ wo) @ bn.T).tocsr()
        self.walk = np.asarray(((w1 @ wo) @ bn.T).todense())
        self.walk *= (1000.0 / np.array([len(s) for s in sets], dtype=float))[:, None]
        union = fdeg[:, None] + deg[None, :] - bt.cn
        self.jaccard = np.divide(bt.cn, union, out=np.zeros_like(bt.cn), where=union > 0)
        self.distance = np.where(bt.cn > 0, 2.0, np.where(self.paths3 > 0, 3.0, 4.0))
        self.cand = {
            "cand_partners": deg,
            "cand_projects": base.projects.astype(float),
            "cand_coordinated": base.coordinated.astype(float),
            "cand_recent": li.recent,
            "cand_previous": li.previous,
            "cand_growth": li.recent - li.previous,
            "cand_years": li.year - li.first_year,
        }
        self.focal = {
            "focal_partners": fdeg,
            "focal_projects": np.asarray(s_mat @ base.projects.astype(float)).ravel(),
            "focal_recent": np.asarray(s_mat @ li.recent).ravel(),
        }
        kc = li.country_lift.shape[0]
        cshare = _group_share(li.country_code, cols, rows, b, kc)
        cc = li.country_code
        known = cc >= 0
        self.same_country = np.zeros((b, n))
        self.same_country[:, known] = cshare[:, cc[known]]
        self.country_affinity = np.zeros((b, n))
        self.country_affinity[:, known] = (cshare @ li.country_lift)[:, cc[known]]
        kt = li.type_lift.shape[0]
        tshare = _group_share(li.type_code, cols, rows, b, kt)
        tc = li.type_code
        tk = tc >= 0
        self.type_affinity = np.zeros((b, n))
        self.type_affinity[:, tk] = (tshare @ li.type_lift)[:, tc[tk]]
        self.weighted = rec.combine({k: bt.component(k) for k in rec.DEFAULT_WEIGHTS},
                                    rec.DEFAULT_WEIGHTS)
        self.preferential_attachment = np.log1p(np.outer(fdeg, deg))
        fw = (s_mat @ li.decayed).tocsr()
        fw = fw - fw.multiply(s_mat)
        self.decayed_adamic_adar = (fw @ sp.diags(aaw) @ li.decayed).toarray()
        focal_recent = np.asarray(s_mat @ li.recent_profile)
        self.recent_similarity = focal_recent @ li.recent_profile.T
        self.cand.update({
            "cand_new_partners": deg - li.partners_before,
            "cand_consortium": li.consortium,
            "cand_collaborative": li.recent_collaborative,
        })
        self.relative_activity = (np.log1p(li.recent + li.previous)[None, :]
                                  - np.log1p(self.focal["focal_recent"])[:, None])
        self.pool: np.ndarray | None = None
        self._pooled = None

    def matrix(self, name: str) -> np.ndarray:
        """One (non-relative) feature as a ``b x n`` matrix (a broadcast view for candidate or
        focal features)."""
        bt = self.batch
        shape = bt.candidates.shape
        if name in self.cand:
            return np.broadcast_to(self.cand[name], shape)
        if name in self.focal:
            return np.broadcast_to(self.focal[name][:, None], shape)
        direct = {"common_partners": bt.cn, "adamic_adar": bt.aa,
                  "resource_allocation": bt.ra, "similarity": bt.similarity,
                  "complementarity": bt.complementarity, "new_country": bt.new_country,
                  "new_type": bt.new_type, "fit": bt.fit}
        return direct[name] if name in direct else getattr(self, name)

    def get(self, name: str, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        """Values of one feature at (focal row, candidate column) pairs (the relative ones
        against :attr:`pool`, the default :func:`candidate_pool` unless set)."""
        if name in self.cand:
            return self.cand[name][c]
        if name in self.focal:
            return self.focal[name][r]
        base, _, kind = name.rpartition("_")
        if kind in ("share", "rank") and base in RELATIVE:
            return self._relative(base, kind, r, c)
        return self.matrix(name)[r, c]

    def _relative(self, name: str, kind: str, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        if self.pool is None:
            self.pool = candidate_pool(self)
        if getattr(self, "_pooled", None) is None:
            self._pooled = np.nonzero(self.pool)
        pr, pc = self._pooled
        m = self.matrix(name)
        v = np.asarray(m[r, c], dtype=float)
        pv = np.asarray(m[pr, pc], dtype=float)
        b = self.pool.shape[0]
        if kind == "share":
            top = np.full(b, -np.inf)
            np.maximum.at(top, pr, pv)
            t = top[r]
            return np.divide(v, t, out=np.zeros(len(v)), where=t > 0)
        # pooled candidates of the same focal with a larger value: one sorted key per
        # (focal row, value code), counted with two binary searches
        values = np.unique(np.concatenate([pv, v]))
        width = len(values) + 1
        keys = np.sort(pr.astype(np.int64) * width + np.searchsorted(values, pv))
        mine = r.astype(np.int64) * width + np.searchsorted(values, v)
        end = np.searchsorted(keys, (r.astype(np.int64) + 1) * width, side="left")
        return np.log1p(end - np.searchsorted(keys, mine, side="right")).astype(float)


def _top(scores: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
    """``b x n`` bool: the top ``k`` entries of each row among ``mask`` (positive scores only)."""
    s = np.where(mask & (scores > 0), scores, -np.inf)
    k = min(k, s.shape[1])
    part = np.argpartition(-s, k - 1, axis=1)[:, :k]
    out = np.zeros(s.shape, dtype=bool)
    np.put_along_axis(out, part, True, axis=1)
    return out & np.isfinite(s)


#: Candidates taken per generator by :func:`candidate_pool`.
POOL = {"adamic_adar": 300, "walk": 150, "content": 60, "activity": 40}


def candidate_pool(f: _Features, pool: dict | None = None) -> np.ndarray:
    """``b x n`` bool: the candidates the model ranks (see the module notes)."""
    pool = dict(POOL, **(pool or {}))
    bt = f.batch
    cand = bt.candidates
    act = np.log1p(f.cand["cand_recent"] + f.cand["cand_previous"])
    out = _top(bt.aa, cand, pool["adamic_adar"])
    out |= _top(f.walk * (1.0 + act), cand, pool["walk"])
    out |= _top((bt.similarity + 0.5 * bt.complementarity) * act, cand, pool["content"])
    out |= _top(np.broadcast_to(act * (1 + f.same_country), cand.shape), cand,
                pool["activity"])
    return out


def pair_features(li: LinkIndex, sets: Sequence[np.ndarray], *, pool: dict | None = None,
                  features: Sequence[str] = FEATURES):
    """Features of the pooled candidate pairs of a batch of focal sets.

    Returns
    -------
    rows, cols : ndarray
        Focal set number and candidate row of each pair.
    x : ndarray
        ``pairs x len(features)`` float32.
    f : _Features
        The batch (for the fallback order of the organisations outside the pool).
    """
    f = _Features(li, sets)
    mask = candidate_pool(f, pool)
    f.pool, f._pooled = mask, None
    r, c = np.nonzero(mask)
    x = np.column_stack([f.get(name, r, c) for name in features]).astype(np.float32)
    return r, c, x, f


# -- training ---------------------------------------------------------------------------------

#: Focal organisations per feature batch in :func:`training_set` (memory: some 40 dense
#: ``batch x organisations`` matrices; a pair's features do not depend on its batch).
_BLOCK = 128



def query_pairs(rows: np.ndarray, labels: np.ndarray, queries: int, negatives: int | None,
                rng: np.random.Generator):
    """The training pairs of each query (focal set) that has a positive pair, as a bool mask
    over the pairs: every positive pair and at most ``negatives`` negative ones (a seeded
    sample drawn from ``rng``; ``None`` keeps them all).

    >>> masks = list(query_pairs(np.array([0, 0, 0, 1, 1]),
    ...                          np.array([True, False, False, False, False]), 2, 1,
    ...                          np.random.default_rng(0)))
    >>> len(masks), int(masks[0].sum()), bool(masks[0][0])
    (1, 2, True)
    """
    for q in range(queries):
        sel = rows == q
        if not labels[sel].any():
            continue
        if negatives is not None:
            neg = np.flatnonzero(sel & ~labels)
            if len(neg) > negatives:
                sel = sel & labels
                sel[rng.choice(neg, size=negatives, replace=False)] = True
        yield sel


def training_set(
    participations: pd.DataFrame,
    topics: pd.DataFrame | None,
    organisations: pd.DataFrame | None,
    *,
    until: int,
    splits: int = 2,
    max_focal: int | None = 3000,
    seed: int = 0,
    pool: dict | None = None,
    features: Sequence[str] = FEATURES,
    negatives: int | None = None,
    horizon: int | None = None,
):
    """Stacked training pairs from time splits that end at or before ``until``.

    Split ``s`` (``s = 0 .. splits - 1``) takes features up to ``t = until - 1 - s`` and labels
    the pooled pairs 1 when they form their first joint project in a year from ``t + 1`` to
    ``until`` (to ``min(t + horizon, until)`` with a ``horizon``): like the backtest, which
    scores every tie formed after its cut-off, not only those of the next year. Only rows with
    a year up to ``until`` are read, so ties after ``until`` cannot reach the model.
    Focal organisations: those with partners up to ``t`` and a new tie in the label years
    (sampled to ``max_focal`` per split, seeded). Splits whose feature year has no tie are
    skipped.
    ``negatives`` keeps, per query, every positive pair and at most that many negative ones
    (seeded sample): lambdarank's cost grows with the square of a query's length.

    Returns
    -------
    x : ndarray, y : ndarray, groups : list of int (pairs per query, in order)
    """
    until = check_int(until, name="until", minimum=0)
    years = pd.to_numeric(participations["year"], errors="coerce")
    seen = participations[(years <= until).to_numpy(dtype=bool, na_value=False)]
    rng = np.random.default_rng(seed)
    xs, ys, groups = [], [], []
    for s in range(splits):
        t = until - 1 - s
        base = rec.partner_index(seen, topics, organisations, until=t)
        if base.adjacency.nnz == 0:
            continue
        truth = rec.new_ties(base, seen, horizon=horizon)
        pool_rows = rec.focal_sample(rec.focal_pool(base, truth), max_focal, rng)
        if not len(pool_rows):
            continue
        li = link_index(seen, topics, organisations, until=t, base=base)
        for start in range(0, len(pool_rows), _BLOCK):
            block = pool_rows[start:start + _BLOCK]
            r, c, x, _ = pair_features(li, [np.array([i]) for i in block], pool=pool,
                                       features=features)
            lab = np.asarray(truth[block[r], c]).ravel() > 0
            for sel in query_pairs(r, lab, len(block), negatives, rng):
                xs.append(x[sel])
                ys.append(lab[sel].astype(np.int32))
                groups.append(int(sel.sum()))
    if not xs:
        raise ValidationError(
            f"no earlier time split before {until} to learn from (the learned ranker needs "
            f"organisations with ties in one year that form new ties in a later year up to "
            f"{until})")
    return np.vstack(xs), np.concatenate(ys), groups


#: LightGBM settings of :func:`train_ranker`. One thread: on a shared machine OpenMP threads
#: spin-wait for each other (measured: 2 threads took 3.7x the CPU time of 1 for the same model).
PARAMS = {
    "objective": "lambdarank",
    "metric": "ndcg",
    "eval_at": [20],
    "learning_rate": 0.05,
    "num_leaves": 15,
    "min_data_in_leaf": 300,
    "feature_fraction": 0.8,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambdarank_truncation_level": 40,
    "verbose": -1,
    "num_threads": 1,
    "seed": 0,
    "deterministic": True,
}


def train_ranker(x, y, groups, *, rounds: int = 300, params: dict | None = None,
                 features: Sequence[str] = FEATURES):
    """A LightGBM lambdarank booster over the pairs (one query per focal organisation).

    LightGBM runs in a process of its own (:mod:`._lightgbm_process` says why); the booster
    returned predicts through it."""
    from . import _lightgbm_process as gbm

    p = dict(PARAMS, **(params or {}))
    return gbm.train(p, x, y, groups, rounds, list(features))


def score_pairs(model, x) -> np.ndarray:
    """Model scores of feature rows."""
    return np.asarray(model.predict(x, num_threads=1))


def contributions(model, x) -> np.ndarray:
    """Per-row feature contributions (TreeSHAP, ``pred_contrib``): ``rows x (features + 1)``,
    the last column the expected value; each row sums to the row's score."""
    return np.asarray(model.predict(x, pred_contrib=True, num_threads=1))


#: Shift that puts every pooled candidate above the others in :func:`learned_scores` (model
#: scores and weighted scores are far smaller).
_OFFSET = 1.0e4


def learned_scores(model, li: LinkIndex, sets: Sequence[np.ndarray], *,
                   pool: dict | None = None, features: Sequence[str] = FEATURES):
    """``b x n`` scores for a batch of focal sets: pooled candidates by the model (shifted up
    by ``_OFFSET``, above the rest), the others by the hand-weighted score
    (:func:`~.recommendation.combine`, shifted down): a row does not depend on its batch."""
    r, c, x, f = pair_features(li, sets, pool=pool, features=features)
    bt = f.batch
    out = f.weighted - _OFFSET
    if len(r):
        out[r, c] = score_pairs(model, x) + _OFFSET
    return out, bt


def recommend_learned(
    model,
    li: LinkIndex,
    focal: str | Sequence[str],
    *,
    countries: Sequence[str] | None = None,
    types: Sequence[str] | None = None,
    international_only: bool = False,
    top: int | None = 20,
    pool: dict | None = None,
    features: Sequence[str] = FEATURES,
) -> pd.DataFrame:
    """The learned ranking for a focal organisation or set, with the same columns and filters
    as :func:`~.recommendation.recommend_partners` (``score`` = the model's score; organisations
    outside the candidate pool follow, ranked by the weighted score, ``basis`` says which).

    ``attrs`` adds ``method = "learned"``; the weighted score is kept as ``weighted_score``.
    """
    table = rec.recommend_partners(li.base, focal, countries=countries, types=types,
                                   international_only=international_only, top=None)
    members = rec._focal_rows(li.base, focal)
    scores, bt = learned_scores(model, li, [members], pool=pool, features=features)
    pos = li.base.organisations.get_indexer(table["organisation"])
    s = scores[0, pos]
    table = table.rename(columns={"score": "weighted_score"})
    table.insert(table.columns.get_loc("weighted_score"), "score", s)
    pooled = s > 0
    s = np.where(pooled, s - _OFFSET, s + _OFFSET)
    if len(table) and table["basis"].iloc[0] != "content only":
        table["basis"] = np.where(pooled, "learned", "weighted (outside the pool)")
    else:
        table["basis"] = np.where(pooled, "learned, content only", "content only")
    table["score"] = np.where(pooled, s, np.nan)
    table = table.assign(_p=pooled, _s=s).sort_values(
        ["_p", "_s", "common_partners", "organisation"], ascending=[False, False, False, True],
        kind="stable", ignore_index=True).drop(columns=["_p", "_s", "rank"])
    if top:
        table = table.head(int(top)).reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    attrs = dict(table.attrs)
    attrs.update(method="learned", weights=None)
    table.attrs = attrs
    return table


def _pair_rows(li: LinkIndex, members: np.ndarray, candidates: Sequence[str],
               features: Sequence[str]):
    f = _Features(li, [members])
    c = li.base.organisations.get_indexer([str(x) for x in candidates])
    if (c < 0).any():
        bad = [str(x) for x, p in zip(candidates, c, strict=True) if p < 0]
        raise ValidationError(f"unknown candidate(s) {', '.join(bad)}")
    r = np.zeros(len(c), dtype=int)
    x = np.column_stack([f.get(name, r, c) for name in features]).astype(np.float32)
    return f, c, x


#: Features about the focal alone (same for every candidate): never given as a reason.
_FOCAL_ONLY = ("focal_partners", "focal_projects", "focal_recent")


def explain_learned(
    model,
    li: LinkIndex,
    focal: str | Sequence[str],
    candidates: Sequence[str],
    *,
    reasons: int = 3,
    features: Sequence[str] = FEATURES,
    country_name=None,
) -> pd.DataFrame:
    """Each candidate's score split into feature contributions (TreeSHAP), with words.

    Returns
    -------
    DataFrame
        ``organisation, feature, value, contribution, reason, reason_contribution``: one row
        per feature and candidate (contributions of a candidate sum, with the model's expected
        value, to its score), the strongest first. ``reason`` puts the ``reasons`` strongest
        positive contributions about the pair or the candidate in words, with names ("3 shared
        partners: A, B, C", "works in LEIT like you", "adds a partner country: Japan");
        features that say the same thing share one reason, on the strongest of them, with
        their summed contribution in ``reason_contribution``; empty elsewhere.
    """
    members = rec._focal_rows(li.base, focal)
    f, c, x = _pair_rows(li, members, candidates, features)
    contrib = contributions(model, x) if len(c) else np.zeros((0, len(features) + 1))
    rows = []
    for i, cid in enumerate(candidates):
        order = np.argsort(-contrib[i, :-1], kind="stable")
        # features saying the same thing ("3 shared partners" for CN, AA, RA...) pool their
        # contributions under one reason, given on the strongest of them
        said: dict[str, list] = {}
        for j in order:
            name = features[j]
            if contrib[i, j] > 0 and name not in _FOCAL_ONLY:
                text = _words(li, f, members, int(c[i]), name, float(x[i, j]), country_name)
                if text:
                    said.setdefault(text, []).append(j)
        ranked = sorted(said.items(), key=lambda kv: -contrib[i, kv[1]].sum())[:reasons]
        first = {js[0]: (text, float(contrib[i, js].sum())) for text, js in ranked}
        for j in order:
            text, total = first.get(j, ("", 0.0))
            rows.append((str(cid), features[j], float(x[i, j]), float(contrib[i, j]), text,
                         total))
    return pd.DataFrame(rows, columns=["organisation", "feature", "value", "contribution",
                                       "reason", "reason_contribution"])


def _named(name) -> bool:
    """Whether ``name`` names an organisation (not missing, not a placeholder such as
    ``(no name in source)``)."""
    return isinstance(name, str) and bool(name.strip()) and not (
        name.startswith("(") and name.endswith(")"))


def _names(li: LinkIndex, rows, limit: int = 3) -> str:
    """Up to ``limit`` of ``rows`` (strongest first) by name, named ones first (a reader knows
    them), ids for the unnamed."""
    base = li.base
    rows = list(rows)
    order = [z for z in rows if _named(base.name[z])] + [z for z in rows
                                                        if not _named(base.name[z])]
    shown = [str(base.name[z]) if _named(base.name[z]) else str(base.organisations[z])
             for z in order[:limit]]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    return ", ".join(shown) + more


def _plural(k: float, word: str) -> str:
    k = int(round(k))
    return f"{k} {word}" + ("" if k == 1 else "s")


#: Features said in the words of another: the weighted score (led by Adamic-Adar) and the
#: decayed Adamic-Adar by the shared partners, the fit by the shared topics, preferential
#: attachment by the candidate's experience, relative activity by its activity.
_SAID_AS = {"weighted": "adamic_adar", "decayed_adamic_adar": "adamic_adar",
            "fit": "similarity", "preferential_attachment": "cand_partners",
            "relative_activity": "cand_recent"}


def _words(li: LinkIndex, f: _Features, members: np.ndarray, c: int, name: str, value: float,
           country_name) -> str:
    """One feature of one pair in words (empty when there is nothing to say)."""
    base = li.base
    bt = f.batch
    a = base.adjacency
    k = f.degree
    stem, _, kind = name.rpartition("_")
    if kind in ("share", "rank") and stem in RELATIVE:
        name = stem  # said like the feature it is relative to
    name = _SAID_AS.get(name, name)
    if name in ("common_partners", "adamic_adar", "resource_allocation", "jaccard",
                "joint_weighted", "coordinator_paths", "recent_common"):
        nb = a[c].indices
        shared = nb[bt.partners[0, nb]]
        if not len(shared):
            return ""
        # the strongest shared partners first: most joint projects with both sides
        strength = (np.asarray(base.joint[members].sum(axis=0)).ravel()[shared]
                    + base.joint[c].toarray().ravel()[shared])
        shared = shared[np.lexsort((base.organisations[shared], k[shared], -strength))]
        if name == "recent_common":
            xr = li.recent_adjacency[members].sum(axis=0)
            recent = shared[np.asarray(xr).ravel()[shared] > 0]
            if not len(recent):
                return ""
            return (f"{_plural(len(recent), 'shared partner')} from projects of "
                    f"{li.year - 1}-{li.year}: {_names(li, recent)}")
        if name == "coordinator_paths":
            coord = shared[base.coordinated[shared] > 0]
            if not len(coord):
                return ""
            return f"{_plural(len(coord), 'shared partner')} that coordinate: {_names(li, coord)}"
        return f"{_plural(len(shared), 'shared partner')}: {_names(li, shared)}"
    if name in ("paths3", "walk", "distance"):
        d = int(f.distance[0, c])
        if d >= 4:
            return ""
        return ("close in the project network (partners of your partners)" if d == 2 else
                f"near in the project network ({int(np.expm1(f.paths3[0, c]))} paths of "
                "three steps)")
    if name == "cand_new_partners":
        gained = int(k[c] - li.partners_before[c])
        if gained <= 0:
            return ""
        return f"growing: {_plural(gained, 'new partner')} in {li.year - 1}-{li.year}"
    if name == "cand_consortium":
        if li.consortium[c] <= 0:
            return ""
        return (f"works in large consortia: {np.expm1(li.consortium[c]):.0f} members per "
                f"project in {li.year - 1}-{li.year}")
    if name == "cand_collaborative":
        n = int(li.recent_collaborative[c])
        if n == 0:
            return ""
        return f"active: {_plural(n, 'collaborative project')} started in {li.year - 1}-{li.year}"
    if name in ("cand_recent", "cand_previous", "cand_growth"):
        r, p = int(li.recent[c]), int(li.previous[c])
        if r + p == 0:
            return ""
        return f"active: {_plural(r, 'project')} started in {li.year}, {p} in {li.year - 1}"
    if name in ("cand_projects", "cand_partners", "cand_years"):
        return (f"experienced: {_plural(base.projects[c], 'project')}, "
                f"{_plural(k[c], 'partner')}")
    if name == "cand_coordinated":
        if base.coordinated[c] == 0:
            return ""
        return f"coordinated {_plural(base.coordinated[c], 'project')}"
    prof = base.profiles
    if name in ("similarity", "recent_similarity") and prof.shape[1]:
        if name == "similarity":
            fp = np.asarray(prof[members].sum(axis=0)).ravel()
            cp = prof[c].toarray().ravel()
        else:
            fp = li.recent_profile[members].sum(axis=0)
            cp = li.recent_profile[c]
        both = np.flatnonzero((fp > 0) & (cp > 0))
        if not len(both):
            return ""
        best = both[np.argsort(-np.minimum(fp[both] / fp.sum(), cp[both] / cp.sum()),
                               kind="stable")][:2]
        when = "" if name == "similarity" else f" in {li.year - 1}-{li.year}"
        return f"works in {' and '.join(str(base.topics[t]) for t in best)} like you{when}"
    if name == "complementarity" and prof.shape[1]:
        fp = np.asarray(prof[members].sum(axis=0)).ravel() > 0
        cp = prof[c].toarray().ravel()
        out = np.flatnonzero((cp > 0) & ~fp)
        if not len(out):
            return ""
        t = out[np.argmax(cp[out])]
        rel = base.relatedness[t] * fp
        return (f"adds a related topic: {base.topics[t]} (close to your "
                f"{base.topics[int(np.argmax(rel))]})")
    cname = base.country[c]
    label = (country_name(cname) if country_name and cname else None) or cname
    home = {base.country[m] for m in members}
    if name in ("same_country", "country_affinity") and cname is not None and cname in home:
        return f"in your country ({label})"
    if name == "country_affinity" and value > 0 and cname is not None:
        return f"organisations of your country and {label} often work together"
    if name == "new_country" and value > 0 and cname is not None:
        return f"adds a partner country: {label}"
    if name == "new_type" and value > 0 and base.type[c] is not None:
        return f"adds a partner type: {base.type[c]}"
    if name == "type_affinity" and value > 0 and base.type[c] is not None:
        return f"a {base.type[c]}: organisations like you often work with them"
    return ""
