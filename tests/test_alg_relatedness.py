"""Relatedness and projections: hand-worked proximities, density conventions, invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import projection as pj
from smartspec.algorithms import relatedness as rl

# regions a, b, c all do x; a also does y; b also does z
SMALL = pd.DataFrame({"region": list("aabbc"), "activity": list("xyxzx"), "value": 1.0})


@pytest.fixture
def random_panel() -> pd.DataFrame:
    rng = np.random.default_rng(5)
    rows = [(f"r{r}", f"a{a:02d}", y, v) for y in (1, 2) for r in range(25) for a in range(40)
            if (v := rng.lognormal(0, 2)) > 0.5]
    return pd.DataFrame(rows, columns=["region", "activity", "year", "value"])


def test_proximity_measures_by_hand():
    get = {m: rl.proximity(SMALL, measure=m, method="given") for m in rl.MEASURES[:4]}
    cond = get["conditional"]
    # C_xy = 1, k = (3, 1, 1): min conditional probability 1/3; y and z never meet
    assert cond.values.tolist() == [["x", "y", 1 / 3], ["x", "z", 1 / 3]]
    assert get["cosine"]["proximity"].tolist() == pytest.approx([1 / np.sqrt(3)] * 2)
    assert get["jaccard"]["proximity"].tolist() == pytest.approx([1 / 3] * 2)
    # association: C_xy * n_regions / (k_x k_y) = 1 * 3 / 3
    assert get["association"]["proximity"].tolist() == pytest.approx([1.0, 1.0])


def test_proximity_invariants(random_panel):
    p = rl.proximity(random_panel)
    assert (p["proximity"] > 0).all() and (p["proximity"] <= 1).all()
    assert (p["activity_a"] < p["activity_b"]).all()
    assert not p.duplicated(["activity_a", "activity_b", "year"]).any()
    m = rl.proximity_matrix(np.random.default_rng(0).random((10, 6)) > 0.5)
    assert np.allclose(m, m.T)
    c = rl.proximity(random_panel, measure="correlation")
    assert c["proximity"].between(0, 1).all()


def test_region_proximity_and_continuous():
    rp = rl.region_proximity(SMALL, method="given")
    assert rp.values.tolist() == [["a", "b", 0.5], ["a", "c", 0.5], ["b", "c", 0.5]]
    cos = rl.proximity(SMALL, measure="cosine", continuous=True)
    assert cos["proximity"].between(0, 1).all()


def test_cooccurrence_econgeo_definitions():
    c = pd.DataFrame({"activity_a": ["x", "x", "y"], "activity_b": ["y", "z", "z"],
                      "value": [2.0, 1.0, 1.0]})
    s = {"x": 3.0, "y": 3.0, "z": 2.0}
    t = 8.0
    exp = {
        "association": lambda i, j, cij: (cij / t) / ((s[i] / t) * (s[j] / t)),
        "prob": lambda i, j, cij: cij / (((s[i] / t) * (s[j] / (t - s[i]))
                                          + (s[j] / t) * (s[i] / (t - s[j]))) * t / 2),
        "cosine": lambda i, j, cij: cij / np.sqrt(s[i] * s[j]),
        "jaccard": lambda i, j, cij: cij / (s[i] + s[j] - cij),
    }
    for measure, f in exp.items():
        out = rl.cooccurrence_proximity(c, measure=measure)
        want = [f(i, j, v) for i, j, v in c.itertuples(index=False)]
        assert out["proximity"].tolist() == pytest.approx(want), measure
    # both orders with equal counts are the same table
    both = pd.concat([c, c.rename(columns={"activity_a": "activity_b",
                                           "activity_b": "activity_a"})])
    assert rl.cooccurrence_proximity(both)["proximity"].tolist() == pytest.approx(
        rl.cooccurrence_proximity(c)["proximity"].tolist())


def test_density_conventions_by_hand():
    d = rl.density(SMALL, method="given").set_index(["region", "activity"])["density"]
    # phi = [[1, 1/3, 1/3], [1/3, 1, 0], [1/3, 0, 1]]; column sums 5/3, 4/3, 4/3
    assert d[("c", "y")] == pytest.approx((1 / 3) / (4 / 3))
    assert d[("a", "x")] == pytest.approx((1 + 1 / 3) / (5 / 3))
    bal = rl.density(SMALL, method="given", diagonal=0, scale="percent")
    bal = bal.set_index(["region", "activity"])["density"]
    # Balland: j = a left out, x100: a has y, so density of x = (1/3) / (2/3) * 100
    assert bal[("a", "x")] == pytest.approx(50.0)
    dist = rl.distance(SMALL, method="given").set_index(["region", "activity"])["distance"]
    assert dist[("c", "y")] == pytest.approx(1 - 0.25)


def test_density_invariants_and_given_proximity(random_panel):
    d = rl.density(random_panel)
    assert d["density"].between(0, 1).all()
    prox = rl.proximity(random_panel)
    d2 = rl.density(random_panel, proximity=prox)
    assert np.allclose(d["density"], d2["density"])
    single = rl.density(random_panel, precision="single")
    assert np.allclose(d["density"], single["density"], atol=1e-6)


def test_coi_cog_by_hand():
    ext = pd.DataFrame({"activity": ["x", "y", "z"], "pci": [0.0, 1.0, 2.0]})
    cog = rl.cog(SMALL, pci=ext, method="given").set_index(["region", "activity"])["cog"]
    # region c (x only), gaining y: (1 - M_cy)(phi_yy / 4/3 * 1 + phi_yz / 4/3 * 2) = 0.75
    assert cog[("c", "y")] == pytest.approx(0.75)
    assert cog[("a", "y")] == 0.0  # held already
    coi = rl.coi(SMALL, pci=ext, standardise=False, method="given").set_index("region")["coi"]
    # c: density of y 1/4 and z 1/4: 1/4 * 1 + 1/4 * 2
    assert coi["c"] == pytest.approx(0.75)
    tgt = rl.cog(SMALL, pci=ext, method="given", normaliser="target", subtract_target=True)
    assert tgt.attrs["normaliser"] == "target" and tgt["cog"].notna().all()


def test_relative_relatedness_standardises_candidates(random_panel):
    rr = rl.relative_relatedness(random_panel)
    g = rr[rr.m == 0].groupby(["region", "year"])["relative_relatedness"]
    assert np.allclose(g.mean(), 0, atol=1e-9) and np.allclose(g.std(ddof=0), 1)


def test_cross_space():
    sci = pd.DataFrame({"region": ["a", "b", "c"], "activity": ["s", "s", "t"], "value": 1.0})
    tech = pd.DataFrame({"region": ["a", "c"], "activity": ["p", "q"], "value": 1.0})
    xp = rl.cross_proximity(sci, other=tech, method="given")
    assert xp.values.tolist() == [["s", "p", 0.5], ["t", "q", 1.0]]
    xd = rl.cross_density(sci, other=tech, method="given").set_index(["region", "activity"])
    assert xd.loc[("b", "p"), "density"] == 1.0 and xd.loc[("b", "q"), "density"] == 0.0


def test_projection_weights_by_hand():
    df = pd.DataFrame({"pic": list("abcab"), "rcn": list("pppqq")})
    cols = {"region": "pic", "activity": "rcn"}
    assert pj.project(df, columns=cols)["weight"].tolist() == [2.0, 1.0, 1.0]
    assert pj.project(df, weight="jaccard", columns=cols)["weight"].tolist() == [1.0, 0.5, 0.5]
    assert pj.project(df, weight="newman", columns=cols)["weight"].tolist() == [1.5, 0.5, 0.5]
    onto = pj.project(df, onto="activity", columns=cols)
    assert onto.values.tolist() == [["p", "q", 2.0]]
    g = pj.to_networkx(pj.project(df, columns=cols))
    assert g["a"]["b"]["weight"] == 2.0
    ig = pj.to_igraph(pj.project(df, columns=cols))
    assert ig.vcount() == 3 and ig.ecount() == 3


def test_backbone_and_communities(random_panel):
    p = rl.proximity(random_panel)
    p1 = p[p.year == 1]
    bb = pj.backbone(p1)
    n_nodes = len(set(p1.activity_a) | set(p1.activity_b))
    assert bb["in_tree"].sum() == n_nodes - 1  # a spanning tree of a connected network
    assert (bb.loc[~bb.in_tree, "proximity"] >= 0.55).all()
    com = pj.communities(bb)
    assert set(com["node"]) == set(p1.activity_a) | set(p1.activity_b)
    assert com.attrs["modularity"] > 0


@pytest.mark.parametrize("diagonal", [1.0, 0.0])
@pytest.mark.parametrize("normaliser", ["activity", "target"])
def test_conditional_without_phi_matches_phi(random_panel, diagonal, normaliser):
    """The products with phi taken group by group of ubiquity (no phi matrix; the fast path for
    fewer regions than activities) equal those with the explicit phi matrix."""
    from smartspec.algorithms.complexity import _eigen
    from smartspec.algorithms.panel import as_panel
    from smartspec.algorithms.specialisation import presence_matrices

    # an activity observed in one year only, so that it is absent in the other
    extra = pd.DataFrame({"region": ["r0", "r1"], "activity": "zz", "year": 2, "value": 50.0})
    few = random_panel[random_panel["region"].isin([f"r{i}" for i in range(15)])]
    panel = as_panel(pd.concat([few, extra], ignore_index=True))
    r, m = presence_matrices(panel)
    assert 2 * panel.n_regions <= panel.n_activities  # the fast path applies
    pci = _eigen(panel, m, standardise="eci", ddof=0, sign="diversity",
                 components="largest").pci_eig
    kw = dict(measure="conditional", continuous=False, diagonal=diagonal, columns=None,
              pci=pci, normaliser=normaliser, keep_pairs=0.3, precision="double")
    fast = rl._related(panel, r, m, proximity_table=None, **kw)
    table = rl.proximity(panel)
    slow = rl._related(panel, r, m, proximity_table=table, **kw)
    for name in ("density", "cog", "coi"):
        assert np.allclose(getattr(fast, name), getattr(slow, name), atol=1e-12), name
    for (_, (i1, j1, v1)), (_, (i2, j2, v2)) in zip(fast.pairs, slow.pairs, strict=True):
        keep = v2 >= 0.3
        assert np.array_equal(i1, i2[keep]) and np.array_equal(j1, j2[keep])
        assert np.allclose(v1, v2[keep], atol=0)
