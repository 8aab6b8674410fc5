"""Atlas-style growth opportunities: strategy weights, decile ratings, market context and the
strategic approach, each on hand-worked small cases."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms._validation import ValidationError
from smartspec.algorithms.opportunities import (
    APPROACHES,
    BALANCED_BY_APPROACH,
    STRATEGIES,
    deciles,
    market_context,
    opportunity_table,
    strategic_approach,
    strategic_approaches,
    strategy_scores,
    strategy_weights,
)

# -- weights ----------------------------------------------------------------------------------


def test_presets_sum_to_one_and_follow_their_names():
    for name, w in {**STRATEGIES, **BALANCED_BY_APPROACH}.items():
        assert set(w) == {"distance", "pci", "cog"}, name
        assert math.isclose(sum(w.values()), 1.0), name
    # low-hanging weighs nearness most, long jumps least; long jumps weighs complexity most
    assert STRATEGIES["low-hanging"]["distance"] > STRATEGIES["balanced"]["distance"]
    assert STRATEGIES["balanced"]["distance"] > STRATEGIES["long-jumps"]["distance"]
    assert STRATEGIES["long-jumps"]["pci"] > STRATEGIES["low-hanging"]["pci"]


def test_balanced_follows_the_approach():
    assert strategy_weights("balanced") == STRATEGIES["balanced"]
    assert strategy_weights("balanced", "parsimonious industrial policy") == {
        "distance": 0.55, "pci": 0.20, "cog": 0.25}
    # no Atlas weights for the frontier: the default balanced preset
    assert strategy_weights("balanced", "technological frontier") == STRATEGIES["balanced"]
    # the approach changes only balanced
    assert strategy_weights("low-hanging", "light touch") == STRATEGIES["low-hanging"]


def test_bad_strategies_are_named():
    with pytest.raises(ValidationError, match="strategy"):
        strategy_weights("safe-bets")
    with pytest.raises(ValidationError, match="unknown weight"):
        strategy_weights({"distance": 1.0, "size": 1.0})
    with pytest.raises(ValidationError, match="not all 0"):
        strategy_weights({"distance": 0.0})
    with pytest.raises(ValidationError, match="non-negative"):
        strategy_weights({"distance": -1.0, "pci": 2.0})


# -- deciles ----------------------------------------------------------------------------------


def test_deciles_by_hand():
    # ranks 4, 1, 3, 2 of 4: ceil(10 * r / 4) = 10, 3, 8, 5
    assert deciles(pd.Series([5.0, 1.0, 3.0, 2.0])).tolist() == [10, 3, 8, 5]
    # twenty values: two per decile
    assert deciles(pd.Series(np.arange(20.0))).tolist() == [k for k in range(1, 11)
                                                             for _ in (0, 1)]
    # ties share the average rank: 1, 2.5, 2.5 of 3 -> ceil(3.33), ceil(8.33), ceil(8.33)
    assert deciles(pd.Series([0.0, 1.0, 1.0])).tolist() == [4, 9, 9]
    # missing stays missing and is not counted
    out = deciles(pd.Series([np.nan, 2.0, 1.0]))
    assert out.isna().tolist() == [True, False, False]
    assert out.iloc[1:].tolist() == [10, 5]


def test_deciles_within_groups():
    v = pd.Series([1.0, 2.0, 10.0, 20.0])
    g = pd.Series(["a", "a", "b", "b"])
    assert deciles(v, [g]).tolist() == [5, 10, 5, 10]


# -- strategy scores ------------------------------------------------------------------------------


def _candidates() -> pd.DataFrame:
    # region r: nearness (d_max - d) / (d_max - d_min) = 1, 0.5, 0; PCI 0, 1, 0.5; COG 0, 0.5, 1
    # region s: a copy with every criterion doubled (the rescaling makes it identical)
    r = pd.DataFrame({"region": "r", "activity": list("abc"), "year": 2000,
                      "density": [0.9, 0.7, 0.5], "complexity": [0.0, 2.0, 1.0],
                      "cog": [0.0, 1.0, 2.0]})
    s = r.assign(region="s", density=r["density"] / 2, complexity=r["complexity"] * 2,
                 cog=r["cog"] * 2)
    return pd.concat([s, r], ignore_index=True)


@pytest.mark.parametrize("strategy, expected", [
    # a: w_d; b: 0.5 w_d + w_p + 0.5 w_c; c: 0.5 w_p + w_c
    ("low-hanging", {"a": 0.60, "b": 0.30 + 0.15 + 0.125, "c": 0.075 + 0.25}),
    ("balanced", {"a": 0.50, "b": 0.25 + 0.15 + 0.175, "c": 0.075 + 0.35}),
    ("long-jumps", {"a": 0.45, "b": 0.225 + 0.20 + 0.175, "c": 0.10 + 0.35}),
])
def test_strategy_scores_by_hand(strategy, expected):
    out = strategy_scores(_candidates(), strategy)
    for region in ("r", "s"):
        sub = out[out["region"] == region]
        got = dict(zip(sub["activity"], sub["score"], strict=True))
        assert got == pytest.approx(expected), region
        order = sorted(expected, key=lambda a: (-expected[a], a))
        assert sub["activity"].tolist() == order
        assert sub["rank"].tolist() == [1, 2, 3]
    assert out["distance"].tolist() == pytest.approx(1 - out["density"])
    assert out.attrs["weights"] == STRATEGIES[strategy]


def test_strategy_scores_ratings():
    out = strategy_scores(_candidates(), "balanced")
    r = out[out["region"] == "r"].set_index("activity")
    # three candidates: deciles 4, 7, 10 (ceil(10 r / 3)); density 0.9 is the nearest -> 10
    assert r.loc[["a", "b", "c"], "distance_decile"].tolist() == [10, 7, 4]
    assert r.loc[["a", "b", "c"], "complexity_decile"].tolist() == [4, 10, 7]
    assert r.loc[["a", "b", "c"], "cog_decile"].tolist() == [4, 7, 10]
    assert r.loc[["b", "a", "c"], "score_decile"].tolist() == [10, 7, 4]


def test_strategy_scores_balanced_by_approach_changes_weights():
    out = strategy_scores(_candidates(), "balanced", approach="light touch")
    r = out[out["region"] == "r"].set_index("activity")["score"]
    # 0.60 / 0.20 / 0.20: a 0.6, b 0.3 + 0.2 + 0.1, c 0.1 + 0.2
    assert r.to_dict() == pytest.approx({"a": 0.6, "b": 0.6, "c": 0.3})
    assert out[out["region"] == "r"]["activity"].tolist() == ["a", "b", "c"]  # tie: by code


def test_constant_criterion_and_missing_values():
    t = pd.DataFrame({"region": "r", "activity": list("abc"), "density": [0.2, 0.2, 0.2],
                      "complexity": [1.0, 0.0, np.nan], "cog": [0.0, 1.0, 2.0]})
    out = strategy_scores(t, {"distance": 1.0, "pci": 1.0, "cog": 1.0}).set_index("activity")
    # nearness does not vary: 0.5 each; c has no complexity: no score, last
    assert out.loc["a", "score"] == pytest.approx(0.5 + 1.0 + 0.0)
    assert out.loc["b", "score"] == pytest.approx(0.5 + 0.0 + 0.5)
    assert np.isnan(out.loc["c", "score"]) and out.loc["c", "rank"] == 3
    assert pd.isna(out.loc["c", "complexity_decile"])


def test_quadrant_strategy_keeps_the_framework_order():
    d = pd.DataFrame({"region": "r", "activity": list("abcde"), "m": [1, 0, 0, 0, 0],
                      "density": [0.9, 0.1, 0.2, 0.3, 0.4], "cog": [0.0, 0.4, 0.3, 0.2, 0.1]})
    p = pd.DataFrame({"activity": list("abcde"), "pci": [0.0, 1.0, 0.0, 1.0, 0.0]})
    table = opportunity_table(d, p)
    out = strategy_scores(table, "quadrant")
    assert out["activity"].tolist() == table["activity"].tolist()
    assert out["score"].tolist() == table["score"].tolist()
    assert {"distance_decile", "complexity_decile", "cog_decile", "score_decile"} <= set(out)


def test_strategy_scores_rejects_percent_density():
    t = _candidates().assign(density=lambda f: f["density"] * 100)
    with pytest.raises(ValidationError, match="0-1"):
        strategy_scores(t, "balanced")


# -- market context -------------------------------------------------------------------------


def _trade() -> pd.DataFrame:
    return pd.DataFrame({
        "region": ["a", "b", "a", "b", "c", "b"],
        "activity": ["x", "x", "x", "x", "x", "y"],
        "year": [2000, 2000, 2010, 2010, 2010, 2010],
        "value": [1.0, 1.0, 2.0, 6.0, np.nan, 4.0],
    })


def test_market_context_by_hand():
    m = market_context(_trade(), "a", 2010).set_index("activity")
    # x: world 2 + 6 (+ missing) = 8, from 2 in 2000: (8 / 2) ^ (1/10) - 1
    assert m.loc["x", "world_value"] == 8.0
    assert m.loc["x", "market_growth"] == pytest.approx(4 ** 0.1 - 1)
    assert m.loc["x", "growth_period"] == "2000-2010"
    assert m.loc["x", "region_value"] == 2.0
    assert m.loc["x", "world_share"] == pytest.approx(0.25)
    # y: only b exports it, and only in 2010: no base, no growth; a exports none of it
    assert m.loc["y", "world_value"] == 4.0
    assert np.isnan(m.loc["y", "market_growth"])
    assert m.loc["y", "region_value"] == 0.0 and m.loc["y", "world_share"] == 0.0
    assert m.attrs["growth_from"] == 2000 and m.attrs["growth_to"] == 2010


def test_market_context_one_period_and_errors():
    m = market_context(_trade(), "b", 2000)
    assert m["activity"].tolist() == ["x"]
    assert m["market_growth"].isna().all() and (m["growth_period"] == "").all()
    assert m["world_share"].tolist() == [0.5]
    with pytest.raises(ValidationError, match="year 1999"):
        market_context(_trade(), "a", 1999)
    with pytest.raises(ValidationError, match="region 'z'"):
        market_context(_trade(), "z", 2010)
    with pytest.raises(ValidationError, match="since"):
        market_context(_trade(), "a", 2000, since=2010)


def test_market_context_latest_and_chosen_activities():
    m = market_context(_trade(), "c", activities=["y", "w"])
    assert m["activity"].tolist() == ["y", "w"]
    assert m["year"].unique().tolist() == [2010]
    assert m["world_value"].tolist() == [4.0, 0.0]
    assert np.isnan(m["world_share"].iloc[1])  # no market: no share


def test_market_context_world_value_is_the_sum_over_regions(trade_2017):
    m = market_context(trade_2017, "KOR", 2017).set_index("activity")
    world = trade_2017.groupby("activity")["value"].sum()
    assert m["world_value"].to_numpy() == pytest.approx(world.reindex(m.index).to_numpy())
    kor = trade_2017[trade_2017["region"] == "KOR"].set_index("activity")["value"]
    assert m.loc[kor.index, "region_value"].to_numpy() == pytest.approx(kor.to_numpy())


# -- strategic approach ---------------------------------------------------------------------


def _regions() -> pd.DataFrame:
    return pd.DataFrame({"region": list("abcde"), "eci": [1.0, -1.0, -0.5, 0.5, 0.0],
                         "coi": [0.5, 1.0, -1.0, -0.5, 0.0]})


def test_approaches_at_zero():
    out = strategic_approaches(_regions(), _regions())
    # e sits on both cuts: a value on a cut counts as high (light touch)
    assert out["approach"].tolist() == ["light touch", "parsimonious industrial policy",
                                        "strategic bets", "technological frontier",
                                        "light touch"]
    assert set(out["approach"]) <= set(APPROACHES)


def test_approaches_at_medians():
    r = _regions().assign(eci=lambda f: f["eci"] + 10, coi=lambda f: f["coi"] - 10)
    at_zero = strategic_approaches(r, r)
    assert (at_zero["approach"] == "technological frontier").all()
    out = strategic_approaches(r, r, cut="median")
    assert out["x_cut"].iloc[0] == 10.0 and out["y_cut"].iloc[0] == -10.0
    assert out["approach"].tolist() == strategic_approaches(_regions(), _regions())[
        "approach"].tolist()


def test_approach_relative_to_income():
    # ECI = 2 ln(income) + (1, -1, -1, 1): the OLS residuals are exactly (1, -1, -1, 1)
    ln = np.array([0.0, 1.0, 2.0, 3.0])
    e = pd.DataFrame({"region": list("abcd"), "eci": 2 * ln + [1, -1, -1, 1],
                      "coi": [1.0, 1.0, -1.0, -1.0]})
    inc = pd.Series(np.exp(ln), index=list("abcd"))
    out = strategic_approaches(e, e, income=inc)
    assert out["x"].to_numpy() == pytest.approx([1, -1, -1, 1])
    assert out["approach"].tolist() == ["light touch", "parsimonious industrial policy",
                                        "strategic bets", "technological frontier"]
    # without the income control, a and b (both ECI >= 0 on raw values) are light touch
    assert strategic_approaches(e, e)["approach"].tolist()[:2] == ["light touch"] * 2


def test_one_region_with_years_and_ranks():
    r = pd.concat([_regions().assign(year=2000),
                   _regions().assign(year=2010, eci=lambda f: -f["eci"])], ignore_index=True)
    a = strategic_approach(r, r, "a")  # latest year: a has ECI -1, COI 0.5
    assert a["year"] == 2010 and a["approach"] == "parsimonious industrial policy"
    assert (a["eci_rank"], a["coi_rank"], a["n_regions"]) == (5, 2, 5)
    assert strategic_approach(r, r, "a", year=2000)["approach"] == "light touch"
    assert a["description"]


def test_region_without_coi_or_unknown():
    e = _regions()
    c = e.assign(coi=[0.5, np.nan, -1.0, -0.5, 0.0])
    out = strategic_approaches(e, c)
    assert out["approach"].isna().tolist() == [False, True, False, False, False]
    with pytest.raises(ValidationError, match="no ECI or COI"):
        strategic_approach(e, c, "b")
    with pytest.raises(ValidationError, match="'z'"):
        strategic_approach(e, c, "z")
