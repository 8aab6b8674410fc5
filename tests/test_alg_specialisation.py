"""Specialisation: hand-worked RCA variants, filters, trimming, changes and trends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import specialisation as sp_
from smartspec.algorithms._validation import ValidationError
from smartspec.algorithms.panel import Panel


@pytest.fixture
def small() -> pd.DataFrame:
    # X = [[1, 1], [2, 0]] for regions a, b and activities x, y
    return pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
                         "value": [1.0, 1.0, 2.0]})


def test_rca_balassa_by_hand(small):
    out = sp_.rca(small)
    # a: (1/2)/(3/4), (1/2)/(1/4); b: (2/2)/(3/4)
    assert np.allclose(out["rca"], [2 / 3, 2.0, 4 / 3])


def test_rca_additive_and_rpop(small):
    add = sp_.rca(small, method="additive")["rca"]
    assert np.allclose(add, [0.5 - 0.75, 0.5 - 0.25, 1 - 0.75])
    pop = pd.DataFrame({"region": ["a", "b"], "value": [1.0, 3.0]})
    rp = sp_.rca(small, method="rpop", population=pop)["rca"]
    # rpop = (X_ra / P_r) / (X_.a / P_.), P_. = 4
    assert np.allclose(rp, [(1 / 1) / (3 / 4), (1 / 1) / (1 / 4), (2 / 3) / (3 / 4)])


def test_rpop_missing_population_warns(small):
    pop = pd.DataFrame({"region": ["a"], "value": [1.0]})
    with pytest.warns(UserWarning, match="no population"):
        out = sp_.specialisation(small, method="rpop", population=pop)
    assert out.loc[out.region == "b", "m"].tolist() == [0]


def test_continuous_m_and_given(small):
    out = sp_.specialisation(small, continuous=True)
    assert np.allclose(out["m"], [2 / 3, 1.0, 1.0])
    given = small.assign(value=[1.0, 0.0, 1.0])
    assert sp_.diversity(given, method="given")["diversity"].tolist() == [1, 1]
    with pytest.raises(ValidationError, match="expects M values"):
        sp_.specialisation(small.assign(value=5.0), method="given")


def test_rca_per_year_is_independent(small):
    two = pd.concat([small.assign(year=2000), small.assign(year=2001, value=small.value * 7)])
    out = sp_.rca(two)
    assert np.allclose(out[out.year == 2000]["rca"].to_numpy(),
                       out[out.year == 2001]["rca"].to_numpy())


def test_smooth_window_centered():
    df = pd.DataFrame({"region": "a", "activity": "x", "year": [1, 2, 3], "value": [3.0, 6, 9]})
    assert sp_.smooth(df, window=3, center=True)["value"].tolist() == [4.5, 6.0, 7.5]
    # a panel in gives a panel out
    p = Panel.from_frame(df)
    assert isinstance(sp_.smooth(p, window=2), Panel)


def test_filter_totals_reports_what_it_drops():
    df = pd.DataFrame({"country": ["a", "a", "b", "b"], "product": ["x", "9701", "x", "y"],
                       "value": [10.0, 5.0, 1.0, 0.5]})
    cols = {"region": "country", "activity": "product"}
    out = sp_.filter_totals(df, min_region_total=2, exclude_prefixes=["97"], columns=cols)
    assert out["country"].tolist() == ["a"] and out["product"].tolist() == ["x"]
    rep = out.attrs["filtered"]
    assert rep["excluded_activities"] == ["9701"]
    assert rep["regions"] == {None: ["b"]} and rep["rows_dropped"] == 3


def test_filter_population_and_activity_total():
    df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
                       "value": [10.0, 1.0, 5.0]})
    pop = pd.DataFrame({"region": ["a", "b"], "value": [2e6, 5e5]})
    out = sp_.filter_totals(df, population=pop, min_population=1e6, min_activity_total=2)
    assert out[["region", "activity"]].values.tolist() == [["a", "x"]]


def test_trim_iterates_until_stable():
    df = pd.DataFrame({"region": list("aabbc"), "activity": list("xyxyz"), "value": 1.0})
    out = sp_.trim(df, min_ubiquity=2)
    assert sorted(set(out["region"])) == ["a", "b"]
    assert out.attrs["trimmed"]["rounds"] >= 2


def test_entries_exits_by_hand():
    df = pd.DataFrame({"region": ["a", "a", "b", "a", "b", "b"],
                       "activity": ["x", "y", "x", "x", "x", "y"],
                       "year": [1, 1, 1, 2, 2, 2], "value": [1.0, 3.0, 1.0, 1.0, 1.0, 3.0]})
    out = sp_.entries_exits(df, start=1, end=2)
    assert out["status"].tolist() == ["entry", "exit", "exit", "entry"]
    with pytest.raises(ValidationError, match="not a period"):
        sp_.entries_exits(df, start=1, end=5)


def test_rca_trend_matches_numpy_polyfit():
    rng = np.random.default_rng(1)
    rows = [(r, a, y, rng.lognormal()) for r in "abcd" for a in "xyz" for y in range(2000, 2006)]
    df = pd.DataFrame(rows, columns=["region", "activity", "year", "value"])
    df = df.drop(index=[3, 10])  # a few missing values: RCA 0 in that year
    out = sp_.rca_trend(df).set_index(["region", "activity"])
    r = sp_.rca(df).pivot_table(index=["region", "activity"], columns="year", values="rca")
    r = r.reindex(columns=range(2000, 2006)).fillna(0.0)
    years = np.arange(2000, 2006, dtype=float)
    for key, series in r.iterrows():
        (slope, _), cov = np.polyfit(years, series.to_numpy(), 1, cov="unscaled")
        resid = series.to_numpy() - np.polyval([slope, _], years)
        se = np.sqrt(resid @ resid / (len(years) - 2) * cov[0, 0])
        assert out.loc[key, "slope"] == pytest.approx(slope, abs=1e-10)
        assert out.loc[key, "se"] == pytest.approx(se, abs=1e-9)


def test_errors_say_what_was_expected(small):
    with pytest.raises(ValidationError, match="method must be one of"):
        sp_.rca(small, method="nope")
    with pytest.raises(ValidationError, match="lacks column"):
        sp_.rca(small.drop(columns="value"))
