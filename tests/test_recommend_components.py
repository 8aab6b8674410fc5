"""Partner recommendation: each component on hand-made networks with exact expected values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from smartspec.algorithms import recommendation as rec
from smartspec.algorithms._validation import ValidationError


def _adjacency(edges, n):
    a = sp.lil_matrix((n, n))
    for u, v in edges:
        a[u, v] = a[v, u] = 1
    return a.tocsr()


# 0-1, 1-2, 0-3, 3-2, 3-4: 0 and 2 share 1 (degree 2) and 3 (degree 3); 4 shares 3 with 0? no:
# 4's only partner is 3, a partner of 0, so CN(0, 4) = 1.
EDGES = [(0, 1), (1, 2), (0, 3), (3, 2), (3, 4)]


def test_network_proximity_exact():
    a = _adjacency(EDGES, 5)
    cn = rec.common_neighbours(a, [0])
    aa = rec.adamic_adar(a, [0])
    ra = rec.resource_allocation(a, [0])
    assert cn[2] == 2 and cn[4] == 1
    assert aa[2] == pytest.approx(1 / math.log(2) + 1 / math.log(3))
    assert aa[4] == pytest.approx(1 / math.log(3))
    assert ra[2] == pytest.approx(1 / 2 + 1 / 3)
    assert ra[4] == pytest.approx(1 / 3)


def test_network_proximity_of_a_set_uses_partners_of_any_member():
    a = _adjacency(EDGES, 5)
    # set {1, 4}: partners {0, 2, 3}; candidate 0 shares 3 (k=3) and... 0's partners are 1, 3
    cn = rec.common_neighbours(a, [1, 4])
    ra = rec.resource_allocation(a, [1, 4])
    assert cn[0] == 1  # 3 (1 is a member, not a partner)
    assert ra[0] == pytest.approx(1 / 3)


def test_inverted_u_exact():
    u = rec.inverted_u([0.0, 0.1, 0.25, 0.5, 0.75, 1.0], optimal=0.5)
    assert u.tolist() == pytest.approx([0.0, 0.36, 0.75, 1.0, 0.75, 0.0])
    # a small optimum: beyond 2 d* the value is 0, never negative
    assert rec.inverted_u([0.2, 0.5], optimal=0.2).tolist() == pytest.approx([1.0, 0.0])
    with pytest.raises(ValidationError):
        rec.inverted_u([0.5], optimal=0)


def test_topic_relatedness_and_complementarity_exact():
    m = sp.csr_matrix(np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]]))
    phi = rec.topic_relatedness(m)
    np.testing.assert_allclose(phi, [[0, 2, 0], [2, 0, 2], [0, 2, 0]])
    prof = sp.csr_matrix(np.array([[3, 1, 0], [0, 0, 2], [1, 1, 2]]))
    # focal does x: density(y) = phi_yx / (phi_yx + phi_yz) = 1/2, density(z) = 0
    comp = rec.complementarity(prof, phi, [1, 0, 0])
    assert comp.tolist() == pytest.approx([1 / 4 * 1 / 2, 0.0, 1 / 4 * 1 / 2])


def test_pipeline_additions_exact():
    out = rec.pipeline_additions(["DEU", "FRA", None, "ITA"], {"DEU", "ITA", None})
    assert out.tolist() == [0.0, 1.0, 0.0, 0.0]


def tiny_network():
    """The small network the recommender tests share (test_link_prediction and
    test_recommend_backtest_cli import it)."""
    # projects: p (2015) a, b, c; q (2015) b, d; r (2016) c, d, e; s (2016) f alone;
    # t (2018) a, d (the new tie to predict); u (2018) a, e
    part = pd.DataFrame(
        {
            "organisation": list("abcbdcdefadae"),
            "project": list("pppqqrrrsttuu"),
            "year": [2015] * 5 + [2016] * 4 + [2018] * 4,
            "role": ["coordinator"] + ["participant"] * 12,
        }
    )
    topics = pd.DataFrame({"project": list("pqrstu"), "topic": ["X", "Y", "Y", "Z", "X", "X"]})
    orgs = pd.DataFrame(
        {
            "organisation": list("abcdef"),
            "name": ["Alpha", "Beta", "Gamma", "Delta", "Eps", "Phi"],
            "type": ["university", "firm", "firm", "research organisation", "firm", "firm"],
            "country": ["DEU", "DEU", "FRA", "ITA", "FRA", "ESP"],
        }
    )
    return part, topics, orgs


def test_partner_index_and_list_components_exact():
    part, topics, orgs = tiny_network()
    idx = rec.partner_index(part, topics, orgs, until=2016)
    assert list(idx.organisations) == list("abcdef")
    assert idx.degree.tolist() == [2, 3, 4, 3, 2, 0]
    assert idx.projects.tolist() == [1, 2, 2, 2, 1, 1]
    assert idx.coordinated.tolist() == [1, 0, 0, 0, 0, 0]
    table = rec.recommend_partners(idx, "a", top=None, weights={"adamic_adar": 1.0})
    got = table.set_index("organisation")
    assert list(table["organisation"]) == ["d", "e", "f"]
    # d shares b (k=3) and c (k=4); e shares c (k=4)
    assert got.loc["d", "common_partners"] == 2
    assert got.loc["d", "adamic_adar"] == pytest.approx(1 / math.log(3) + 1 / math.log(4))
    assert got.loc["d", "resource_allocation"] == pytest.approx(1 / 3 + 1 / 4)
    assert got.loc["e", "adamic_adar"] == pytest.approx(1 / math.log(4))
    assert got.loc["d", "score"] == pytest.approx(math.log1p(1 / math.log(3) + 1 / math.log(4)))
    # profiles: a = X:1; d = Y:2; e = Y:1; f = Z:1 -> similarity 0 for all, fit 0
    assert got["similarity"].tolist() == [0.0, 0.0, 0.0]
    # a reaches DEU, FRA (own, b, c) and university, firm: d adds ITA and a type
    assert bool(got.loc["d", "new_country"]) and bool(got.loc["d", "new_type"])
    assert got.loc["d", "pipeline"] == 1.0
    assert not got.loc["e", "new_country"] and got.loc["f", "new_country"]
    assert (table["basis"] == "network+content").all()
    assert table.attrs["candidates"] == 3


def test_fit_and_complementarity_in_the_list():
    part, topics, orgs = tiny_network()
    idx = rec.partner_index(part, topics, orgs, until=2016)
    # b: X (p) and Y (q); focal b: candidates e (Y), f (Z), a is a partner
    table = rec.recommend_partners(idx, "b", top=None).set_index("organisation")
    # cos(b=(1,1,0), e=(0,1,0)) = 1/sqrt2; distance 1 - 0.7071; fit at d* = 0.5
    s = 1 / math.sqrt(2)
    assert table.loc["e", "similarity"] == pytest.approx(s)
    assert table.loc["e", "fit"] == pytest.approx(1 - (1 - (1 - s) / 0.5) ** 2)
    # topic Z is outside b's portfolio but related to nothing (f only does Z): complementarity 0
    assert table.loc["f", "complementarity"] == 0.0


def test_combination_is_the_documented_weighted_sum():
    part, topics, orgs = tiny_network()
    idx = rec.partner_index(part, topics, orgs, until=2016)
    w = {"adamic_adar": 1.0, "experience": 0.5, "fit": 2.0, "pipeline": -0.25}
    table = rec.recommend_partners(idx, "b", top=None, weights=w)
    expected = (
        np.log1p(table["adamic_adar"])
        + 0.5 * (np.log1p(table["projects"]) + np.log1p(table["coordinated"]))
        + 2.0 * table["fit"]
        - 0.25 * table["pipeline"]
    )
    assert table["score"].to_numpy() == pytest.approx(expected.to_numpy())
    assert table["score"].is_monotonic_decreasing


def test_parse_weights():
    w = rec.parse_weights("fit=0.3, pipeline=0")
    assert w["fit"] == 0.3 and "pipeline" not in w
    with pytest.raises(ValidationError, match="unknown weight 'fitness'"):
        rec.parse_weights("fitness=1")
    with pytest.raises(ValidationError, match="name=value"):
        rec.parse_weights("fit")
    with pytest.raises(ValidationError, match="all weights are 0"):
        rec.parse_weights({k: 0 for k in rec.COMPONENTS})
