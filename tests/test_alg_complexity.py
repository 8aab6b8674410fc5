"""Complexity: hand-worked matrices, invariants and the disconnected case."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import complexity as cx


def _m_table(m: np.ndarray, regions="abcdefgh", activities="uvwxyzst") -> pd.DataFrame:
    r, a = np.nonzero(m)
    return pd.DataFrame({"region": [regions[i] for i in r],
                         "activity": [activities[j] for j in a], "value": 1.0})


NESTED = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 0]])


@pytest.fixture
def random_panel() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    rows = [(f"r{r}", f"a{a:02d}", y, v) for y in (2000, 2001) for r in range(30)
            for a in range(80) if (v := rng.lognormal(0, 2)) > 0.3]
    return pd.DataFrame(rows, columns=["region", "activity", "year", "value"])


def test_reflections_by_hand():
    res = cx.reflections(_m_table(NESTED), order=2, method="given")
    # k_r1 = mean ubiquity of a region's activities: a: (4+3+2+1)/4
    assert res.regions["k_1"].tolist() == [2.5, 3.0, 3.5, 4.0]
    # k_a1 = mean diversity of an activity's regions: u: (4+3+2+1)/4
    assert res.activities["k_1"].tolist() == [2.5, 3.0, 3.5, 4.0]
    # k_r2 = mean k_a1 of a region's activities: d has only u
    assert res.regions["k_2"].iloc[3] == 2.5


def test_eci_nested_ranks_by_diversity_and_identity_eci_mean_pci():
    res = cx.complexity(_m_table(NESTED), method="given")
    eci, pci = res.regions["eci"].to_numpy(), res.activities["pci"].to_numpy()
    assert np.all(np.diff(eci) < 0) and np.all(np.diff(pci) > 0)
    assert eci.mean() == pytest.approx(0, abs=1e-12) and eci.std() == pytest.approx(1)
    # Growth Lab standardisation: ECI = mean PCI of the region's activities
    assert np.allclose(NESTED @ pci / NESTED.sum(axis=1), eci)
    own = cx.complexity(_m_table(NESTED), method="given", standardise="own", ddof=1)
    assert own.activities["pci"].std(ddof=1) == pytest.approx(1)
    assert own.activities.attrs["standardise"] == "own" and own.regions.attrs["ddof"] == 1


def test_eci_matches_dense_eigenvector_of_mr(random_panel):
    res = cx.complexity(random_panel)
    for year in (2000, 2001):
        d = random_panel[random_panel.year == year]
        x = d.pivot_table(index="region", columns="activity", values="value", fill_value=0)
        rca = x.div(x.sum(axis=1), axis=0) / (x.sum(axis=0) / x.values.sum())
        m = (rca >= 1).to_numpy(float)
        mr = (m / m.sum(1, keepdims=True)) @ (m / m.sum(0, keepdims=True)).T
        vals, vecs = np.linalg.eig(mr)
        v = np.real(vecs[:, np.argsort(-np.real(vals))[1]])
        v = (v - v.mean()) / v.std()
        ours = res.regions[res.regions.year == year]["eci"].to_numpy()
        assert abs(np.corrcoef(v, ours)[0, 1]) == pytest.approx(1, abs=1e-9)
        assert np.corrcoef(ours, m.sum(1))[0, 1] > 0  # sign rule
        assert ours.mean() == pytest.approx(0, abs=1e-9) and ours.std() == pytest.approx(1)


def test_activity_side_solve_equals_region_side(random_panel):
    # more regions than activities: the symmetric problem is solved on the activity side
    t = random_panel.rename(columns={"region": "activity", "activity": "region"})
    res = cx.complexity(t)
    pv = res.regions[res.regions.year == 2000]
    assert pv["eci"].mean() == pytest.approx(0, abs=1e-9)
    assert pv["eci"].std(ddof=0) == pytest.approx(1)


def test_sign_rules_agree():
    a = cx.complexity(_m_table(NESTED), method="given", sign="diversity")
    b = cx.complexity(_m_table(NESTED), method="given", sign="ubiquity")
    assert np.allclose(a.regions["eci"], b.regions["eci"])


def test_disconnected_network_is_flagged_and_warned():
    block = np.zeros((5, 5), int)
    block[:3, :3] = NESTED[:3, :3]
    block[3:, 3:] = [[1, 1], [1, 0]]
    df = _m_table(block)
    with pytest.warns(UserWarning, match="2 components"):
        res = cx.complexity(df, method="given")
    reg = res.regions
    assert not reg["connected"].any()
    assert reg["component"].tolist() == [0, 0, 0, 1, 1]
    assert reg["eci"].iloc[3:].isna().all() and reg["eci"].iloc[:3].notna().all()
    with pytest.warns(UserWarning):
        each = cx.complexity(df, method="given", components="each").regions
    assert each["eci"].notna().all()
    assert cx.connectivity(df, method="given")["n_components"].tolist() == [2]


def test_zero_diversity_gives_nan_not_crash():
    df = pd.DataFrame({"region": list("aaabbcd"), "activity": list("xyzxyxz"),
                       "value": [1, 1, 1, 1, 1, 1, 0.0]})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = cx.complexity(df, method="given")
    assert np.isnan(res.regions.set_index("region").loc["d", "eci"])
    fit = cx.fitness_complexity(df, method="given")
    assert np.isnan(fit.regions.set_index("region").loc["d", "fitness"])


def test_fitness_by_hand_and_invariants(random_panel):
    res = cx.fitness_complexity(_m_table(NESTED), iterations=1, method="given")
    # F~ = diversity (4, 3, 2, 1) / mean 2.5
    assert np.allclose(res.regions["fitness"], [1.6, 1.2, 0.8, 0.4])
    full = cx.fitness_complexity(random_panel)
    assert full.regions.attrs["iterations"] == 200
    for _, g in full.regions.groupby("year"):
        assert (g["fitness"] >= 0).all() and g["fitness"].mean() == pytest.approx(1)
    for _, g in full.activities.groupby("year"):
        assert g["complexity"].mean() == pytest.approx(1)
    tol = cx.fitness_complexity(random_panel, tol=1e-6, iterations=5000)
    assert tol.regions.attrs["iterations"] < 5000


def test_fitness_variants_differ_only_in_update():
    r = cx.fitness_complexity(_m_table(NESTED), variant="economiccomplexity", method="given")
    t = cx.fitness_complexity(_m_table(NESTED), iterations=19, method="given")
    assert np.allclose(r.regions["fitness"], t.regions["fitness"])
    assert r.regions.attrs["iterations"] == 19


def test_subnational_prody_expy_product_index():
    df = _m_table(NESTED)
    ext = pd.DataFrame({"activity": list("uvwx"), "pci": [-1.0, 0.0, 1.0, 2.0]})
    assert cx.subnational_eci(df, pci=ext, method="given")["eci"].tolist() == [0.5, 0, -0.5, -1]
    gdp = pd.DataFrame({"region": list("abcd"), "value": [4.0, 3.0, 2.0, 1.0]})
    pr = cx.prody(df, gdp=gdp)["prody"].to_numpy()
    # u: shares 1/4, 1/3, 1/2, 1 -> (1 + 1 + 1 + 1) / (25/12)
    assert pr[0] == pytest.approx(4 / (1 / 4 + 1 / 3 + 1 / 2 + 1))
    assert pr[3] == pytest.approx(4.0)
    ex = cx.expy(df, gdp=gdp)["expy"].to_numpy()
    assert ex[3] == pytest.approx(pr[0])
    pgi = cx.product_index(df, measure=gdp, name="pgi", method="given")
    assert pgi["pgi"].iloc[3] == pytest.approx(4.0)


def test_nodf_by_hand():
    assert cx.nodf(_m_table(NESTED), method="given")["nodf"].tolist() == [100.0]
    # two rows with the same degree and no overlap: no nestedness
    m = np.array([[1, 0], [0, 1]])
    assert cx.nodf(_m_table(m), method="given")["nodf"].tolist() == [0.0]
    # Almeida-Neto et al. 2008, fig. 1-like: rows (3, 2): overlap 2 -> 100; cols (2, 2, 1)
    m = np.array([[1, 1, 1], [1, 1, 0]])
    out = cx.nodf(_m_table(m), method="given").iloc[0]
    assert out["nodf_regions"] == 100.0
    assert out["nodf_activities"] == pytest.approx((0 + 100 + 100) / 3)


def test_spectrograph_orders_by_complexity():
    out = cx.spectrograph(_m_table(NESTED), regions=["a"], method="given")
    assert out["activity"].tolist() == list("xwvu") and out["rank"].tolist() == [1, 2, 3, 4]
    fc = cx.spectrograph(_m_table(NESTED), regions=["a"], order_by="complexity",
                         method="given")
    assert fc["activity"].iloc[0] == "x"


def test_reflections_form_is_oec_like():
    res = cx.complexity(_m_table(NESTED), form="reflections", iterations=20, method="given")
    assert res.regions["eci"].tolist() == sorted(res.regions["eci"], reverse=True)
