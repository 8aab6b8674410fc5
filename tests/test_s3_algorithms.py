"""Smart specialisation algorithms: quadrants, pathways and entry models with exact answers."""

from __future__ import annotations

import doctest
import importlib

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import diversification as dv
from smartspec.algorithms._validation import ValidationError
from smartspec.algorithms.opportunities import (
    QUADRANTS,
    opportunity_table,
    pathways,
    quadrants,
    related_specialisations,
)


@pytest.mark.parametrize("name", ["opportunities", "diversification"])
def test_docstring_examples(name):
    module = importlib.import_module(f"smartspec.algorithms.{name}")
    result = doctest.testmod(module, extraglobs={"pd": pd, "np": np},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# -- quadrants -----------------------------------------------------------------------------------


def test_quadrants_at_given_cuts_and_on_the_cut():
    t = pd.DataFrame({"activity": list("abcde"), "density": [0.5, 0.5, 0.1, 0.9, np.nan],
                      "complexity": [2.0, 1.0, 3.0, -1.0, 0.0]})
    out = quadrants(t, x_cut=0.5, y_cut=2.0, by=None)
    # a value on a cut counts as high: a is (0.5, 2.0) -> low risk, high gain
    assert out["quadrant"].tolist()[:4] == [
        "low risk, high gain", "low risk, low gain", "high risk, high gain",
        "low risk, low gain"]
    assert pd.isna(out["quadrant"].iloc[4])
    assert out.attrs["cut"] == "given"


def test_quadrant_medians_are_per_region():
    t = pd.DataFrame({"region": ["r"] * 4 + ["s"] * 4, "year": 2000,
                      "activity": list("abcd") * 2,
                      "density": [1, 2, 3, 4, 10, 20, 30, 40.0],
                      "complexity": [4, 3, 2, 1, 1, 2, 3, 4.0]})
    out = quadrants(t)
    assert out["x_cut"].tolist() == [2.5] * 4 + [25.0] * 4
    assert out["quadrant"].astype(str).tolist() == [
        "high risk, high gain", "high risk, high gain", "low risk, low gain",
        "low risk, low gain", "high risk, low gain", "high risk, low gain",
        "low risk, high gain", "low risk, high gain"]


def test_opportunity_table_sorts_and_keeps_only_candidates():
    d = pd.DataFrame({"region": "r", "year": 2000, "activity": list("abcdefg"),
                      "m": [1, 0, 0, 0, 0, 0, 0],
                      "density": [0.9, 0.1, 0.2, 0.3, 0.4, 0.35, 0.05],
                      "cog": [0.0, 1, 2, 3, 4, 5, 6]})
    p = pd.DataFrame({"activity": list("abcdefg"), "year": 2000,
                      "pci": [0.0, 1.0, 0.0, 1.0, 0.0, 2.0, 3.0]})
    spec = pd.DataFrame({"region": ["r", "r"], "year": 2000, "activity": ["a", "d"],
                         "rca": [2.0, 0.5]})
    out = opportunity_table(d, p, specialisation=spec)
    # median density 0.25, median pci 1.0 among the six candidates
    assert out["activity"].tolist() == ["f", "d", "e", "g", "b", "c"]
    assert out["quadrant"].astype(str).tolist() == [
        "low risk, high gain", "low risk, high gain", "low risk, low gain",
        "high risk, high gain", "high risk, high gain", "high risk, low gain"]
    assert out["rank"].tolist() == [1, 2, 3, 4, 5, 6]
    assert out.set_index("activity").loc["d", "rca"] == 0.5
    assert out.set_index("activity").loc["b", "rca"] == 0.0  # not exported: RCA 0
    assert list(out["quadrant"].cat.categories) == list(QUADRANTS)


def test_fitness_complexity_is_the_gain_axis_when_chosen():
    d = pd.DataFrame({"region": "r", "activity": list("abc"), "m": [1, 0, 0],
                      "density": [0.5, 0.2, 0.1]})
    scores = pd.DataFrame({"activity": list("abc"), "complexity": [1.0, 0.1, 9.0]})
    out = opportunity_table(d, scores, complexity="fitness")
    assert out.set_index("activity")["complexity"].to_dict() == {"b": 0.1, "c": 9.0}
    assert out.attrs["complexity"] == "fitness"


# -- pathways ------------------------------------------------------------------------------------


@pytest.fixture
def space():
    """A hand-made proximity network: s1, s2 are specialised; t is the target.

    s1 -t 0.2 (d 0.8); s1 - a 0.9 (0.1); a - t 0.6 (0.4); s2 - b 0.7 (0.3); b - t 0.5 (0.5);
    s2 - t 0.25 (0.75); a - b 0.1 (0.9).
    """
    rows = [("s1", "t", 0.2), ("a", "s1", 0.9), ("a", "t", 0.6), ("b", "s2", 0.7),
            ("b", "t", 0.5), ("s2", "t", 0.25), ("a", "b", 0.1)]
    return pd.DataFrame(rows, columns=["activity_a", "activity_b", "proximity"])


def test_related_specialisations_rank_by_proximity(space):
    out = related_specialisations(space, specialised=["s1", "s2"], activity="t")
    assert out["activity"].tolist() == ["s2", "s1"]
    assert out["proximity"].tolist() == [0.25, 0.2]
    assert out["rank"].tolist() == [1, 2]


def test_k_shortest_paths_exact(space):
    out = pathways(space, specialised=["s1", "s2"], activity="t", k=4)
    routes = out.groupby("path")["activity"].apply("-".join).tolist()
    lengths = out.groupby("path")["length"].first().round(6).tolist()
    # s1-a-t 0.5; s2-t 0.75; s1-t 0.8; s2-b-t 0.8 (ties broken by the solver)
    assert routes[:2] == ["s1-a-t", "s2-t"]
    assert sorted(routes[2:]) == ["s1-t", "s2-b-t"]
    assert lengths == [0.5, 0.75, 0.8, 0.8]
    first = out[out["path"] == 1]
    assert first["specialised"].tolist() == [True, False, False]
    assert first["distance"].round(6).tolist() == [0.0, 0.1, 0.5]
    assert first["hops"].iloc[0] == 2


def test_pathways_respect_min_proximity_and_unreachable(space):
    out = pathways(space, specialised=["s1", "s2"], activity="t", k=5, min_proximity=0.5)
    routes = out.groupby("path")["activity"].apply("-".join).tolist()
    assert routes == ["s1-a-t", "s2-b-t"]  # the direct weak links are gone
    none = pathways(space, specialised=["s1"], activity="t", min_proximity=0.95)
    assert none.empty and list(none.columns)[:3] == ["path", "step", "activity"]
    with pytest.raises(ValidationError, match="already a specialisation"):
        pathways(space, specialised=["t"], activity="t")


# -- entry and growth models ---------------------------------------------------------------------


def _simulated(effect: float, seed: int, n_regions: int = 60, n_activities: int = 60):
    rng = np.random.default_rng(seed)
    years = [2000, 2005]
    idx = pd.MultiIndex.from_product([range(n_regions), range(n_activities), years],
                                     names=["region", "activity", "year"])
    t = idx.to_frame(index=False)
    t["density"] = rng.random(len(t))
    comp = rng.normal(size=(n_activities, len(years)))
    t["complexity"] = comp[t["activity"], t["year"].map({2000: 0, 2005: 1})]
    fr = rng.normal(scale=0.03, size=n_regions)[t["region"]]
    fa = rng.normal(scale=0.03, size=n_activities)[t["activity"]]
    p = np.clip(0.15 + effect * (t["density"] - 0.5) + fr + fa, 0.0, 1.0)
    t["entry"] = (rng.random(len(t)) < p).astype(int)
    t["growth"] = 2.0 * effect * t["density"] + fr + rng.normal(size=len(t))
    return t


@pytest.mark.parametrize("model", ["lpm", "logit"])
def test_entry_model_recovers_a_planted_effect(model):
    res = dv.fit_entry(_simulated(0.15, seed=1), model=model)
    row = res.coefficients.set_index("term").loc["density"]
    assert row["coef"] > 0 and row["p_value"] < 1e-6
    if model == "lpm":  # 0.15 per unit density = 0.15 * sd(U(0,1)) = 0.043 per sd
        assert abs(row["coef"] - 0.15 / np.sqrt(12)) < 3 * row["se"]
    verdicts = dv.hypotheses(entry=res).set_index("hypothesis")["verdict"]
    assert verdicts["H1"] == "supported"


def test_entry_model_finds_no_effect_where_there_is_none():
    significant = 0
    for seed in range(10):
        res = dv.fit_entry(_simulated(0.0, seed=100 + seed, n_regions=30, n_activities=30))
        p = res.coefficients.set_index("term").loc["density", "p_value"]
        significant += p < 0.05
    assert significant <= 2  # 0.5 expected at the 5 % level; P(>= 3 of 10) < 0.02
    res = dv.fit_entry(_simulated(0.0, seed=7))
    assert dv.hypotheses(entry=res).set_index("hypothesis").loc["H1", "verdict"] != "supported"


def test_growth_model_and_h2():
    res = dv.fit_growth(_simulated(0.5, seed=3))
    assert res.coefficients.set_index("term").loc["density", "coef"] > 0
    assert dv.hypotheses(growth=res).set_index("hypothesis").loc["H2", "verdict"] == "supported"


def test_estimators_match_statsmodels_with_dummies():
    import statsmodels.api as sm

    rng = np.random.default_rng(3)
    n_r, n_a = 25, 30
    t = pd.MultiIndex.from_product([range(n_r), range(n_a), [0, 1]],
                                   names=["region", "activity", "year"]).to_frame(index=False)
    t["density"] = rng.random(len(t))
    t["complexity"] = rng.normal(size=(n_a, 2))[t["activity"], t["year"]]
    eta = (-2 + 1.5 * t["density"] + rng.normal(scale=0.5, size=n_r)[t["region"]]
           + rng.normal(scale=0.5, size=n_a)[t["activity"]])
    t["entry"] = (rng.random(len(t)) < 1 / (1 + np.exp(-eta))).astype(int)
    x = dv._standardised_terms(t)
    d = pd.get_dummies(t[["region", "activity", "year"]].astype(str), drop_first=True)
    design = sm.add_constant(pd.concat([x, d.astype(float)], axis=1))
    kw = dict(cov_type="cluster", cov_kwds={"groups": t["region"]}, use_t=True)
    terms = list(dv.TERMS)
    ols = sm.OLS(t["entry"].astype(float), design).fit(**kw)
    lpm = dv.fit_entry(t).coefficients.set_index("term")
    np.testing.assert_allclose(lpm["coef"], ols.params[terms], rtol=1e-8)
    np.testing.assert_allclose(lpm["se"], ols.bse[terms], rtol=1e-6)
    logit = sm.Logit(t["entry"].astype(float), design).fit(disp=0, **kw)
    mine = dv.fit_entry(t, model="logit")
    assert mine.dropped == 0  # no group without variation: the same sample as statsmodels
    np.testing.assert_allclose(mine.coefficients["coef"], logit.params[terms], rtol=1e-6)
    np.testing.assert_allclose(mine.coefficients["se"], logit.bse[terms], rtol=1e-5)


def test_complexity_absorbed_with_one_origin_period():
    t = _simulated(0.1, seed=2)
    t = t[t["year"] == 2000]
    res = dv.fit_entry(t)
    assert res.absorbed == ["complexity"]
    verdicts = dv.hypotheses(entry=res).set_index("hypothesis")["verdict"]
    assert verdicts["H3"] == "not identified"
    res = dv.fit_entry(t, fixed_effects=("region",))
    assert res.absorbed == []


def test_transitions_horizon_errors():
    df = pd.DataFrame({"region": list("aabbcc") * 2, "activity": list("xyyzxz") * 2,
                       "year": [1980] * 6 + [2017] * 6, "value": 1.0})
    with pytest.raises(ValidationError, match="possible horizons: 37"):
        dv.transitions(df, horizon=10, method="given")
    assert dv.transitions(df, horizon=37, method="given").attrs["periods"] == [(1980, 2017)]
