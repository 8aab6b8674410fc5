"""Growth model with the usual controls (initial size and initial RCA, levels or logs): planted
effects recovered, the same numbers as statsmodels with dummies, collinear controls reported."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import diversification as dv
from smartspec.algorithms._validation import ValidationError


def _mean_reversion(seed: int = 0, n_r: int = 40, n_a: int = 60) -> pd.DataFrame:
    """Growth that reverts to the mean (-0.5 per log point of the initial value) plus a true
    density effect of +0.3 per unit; density rises with the initial value, so leaving the
    initial value out credits density with mean reversion."""
    rng = np.random.default_rng(seed)
    t = pd.MultiIndex.from_product([range(n_r), range(n_a), [2000]],
                                   names=["region", "activity", "year"]).to_frame(index=False)
    ln_x = rng.normal(size=len(t)) + rng.normal(size=n_r)[t["region"]]
    t["value"] = np.exp(ln_x)
    t["rca"] = np.exp(rng.normal(size=len(t)))
    t["density"] = 0.5 + 0.15 * (ln_x - ln_x.mean()) + rng.normal(scale=0.1, size=len(t))
    t["complexity"] = rng.normal(size=n_a)[t["activity"]]
    t["growth"] = 0.3 * t["density"] - 0.5 * ln_x + rng.normal(scale=0.3, size=len(t))
    return t


def test_log_size_control_recovers_the_planted_effects():
    t = _mean_reversion()
    sd = t["density"].std(ddof=0)
    plain = dv.fit_growth(t, fixed_effects=("region", "year")).coefficients.set_index("term")
    assert plain.loc["density", "coef"] < 0 and plain.loc["density", "p_value"] < 1e-6
    res = dv.fit_growth(t, fixed_effects=("region", "year"), controls=["log_size"])
    assert res.controls == ("log_size",)
    c = res.coefficients.set_index("term")
    assert c.index.tolist() == [*dv.TERMS, "log_size"]
    assert abs(c.loc["log_size", "coef"] + 0.5) < 3 * c.loc["log_size", "se"]
    assert abs(c.loc["density", "coef"] - 0.3 * sd) < 3 * c.loc["density", "se"]
    verdicts = dv.hypotheses(growth=res).set_index("hypothesis")["verdict"]
    assert verdicts["H2"] == "supported"
    assert dv.hypotheses(growth=dv.fit_growth(t, fixed_effects=("region", "year"))).set_index(
        "hypothesis").loc["H2", "verdict"] == "rejected"


@pytest.mark.parametrize("controls", [("log_size", "rca"), ("size", "log_rca")])
def test_controls_match_statsmodels_with_dummies(controls):
    import statsmodels.api as sm

    rng = np.random.default_rng(5)
    t = pd.MultiIndex.from_product([range(20), range(25), [0, 1]],
                                   names=["region", "activity", "year"]).to_frame(index=False)
    t["density"] = rng.random(len(t))
    t["complexity"] = rng.normal(size=(25, 2))[t["activity"], t["year"]]
    t["value"] = np.exp(rng.normal(size=len(t)))
    t["rca"] = np.exp(rng.normal(size=len(t)))
    t["growth"] = t["density"] - 0.3 * np.log(t["value"]) + rng.normal(size=len(t))
    x = dv._standardised_terms(t)
    w = pd.DataFrame({"size": t["value"], "log_size": np.log(t["value"]), "rca": t["rca"],
                      "log_rca": np.log(t["rca"])})[list(controls)]
    d = pd.get_dummies(t[["region", "activity", "year"]].astype(str), drop_first=True)
    design = sm.add_constant(pd.concat([x, w, d.astype(float)], axis=1))
    ols = sm.OLS(t["growth"], design).fit(cov_type="cluster", cov_kwds={"groups": t["region"]},
                                          use_t=True)
    mine = dv.fit_growth(t, controls=controls).coefficients.set_index("term")
    names = [*dv.TERMS, *controls]
    assert mine.index.tolist() == names
    np.testing.assert_allclose(mine["coef"], ols.params[names], rtol=1e-7)
    np.testing.assert_allclose(mine["se"], ols.bse[names], rtol=1e-6)


@pytest.mark.filterwarnings("ignore:period .*components")
def test_transitions_carry_the_origin_rca():
    # period 1: a exports x 1, y 3; b exports x 3, y 1: RCA_ax = (1/4) / (4/8) = 0.5
    df = pd.DataFrame({"region": list("aabb") * 2, "activity": list("xyxy") * 2,
                       "year": [1] * 4 + [2] * 4, "value": [1.0, 3.0, 3.0, 1.0] * 2})
    t = dv.transitions(df).set_index(["region", "activity"])
    assert t.loc[("a", "x"), "rca"] == pytest.approx(0.5)
    assert t.loc[("a", "y"), "rca"] == pytest.approx(1.5)
    assert t.loc[("a", "x"), "value"] == 1.0


def test_log_rca_next_to_log_size_is_not_identified(synthetic_trade):
    # one origin period with region, activity and year fixed effects: ln RCA_ra = ln X_ra -
    # ln X_r - ln X_a + ln X differs from ln X_ra only by fixed effects
    t = dv.transitions(synthetic_trade)
    both = dv.fit_growth(t, controls=("log_size", "log_rca"))
    assert both.absorbed == ["complexity", "log_rca"]
    one = dv.fit_growth(t, controls=("log_size",))
    assert both.coefficients.equals(one.coefficients)
    # with region and year effects only, both are identified
    two = dv.fit_growth(t, fixed_effects=("region", "year"), controls=("log_size", "log_rca"))
    assert {"log_size", "log_rca"} <= set(two.coefficients["term"])


def test_rows_without_a_finite_control_are_dropped():
    t = _mean_reversion(seed=2, n_r=10, n_a=10)
    t.loc[0, "value"] = 0.0  # log of 0
    base = dv.fit_growth(t, fixed_effects=("region",), controls=("size",))
    res = dv.fit_growth(t, fixed_effects=("region",), controls=("log_size",))
    assert res.n_obs == base.n_obs - 1 and res.dropped == base.dropped + 1


def test_bad_controls_are_named():
    t = _mean_reversion(n_r=5, n_a=5)
    with pytest.raises(ValidationError, match="control"):
        dv.fit_growth(t, controls=("population",))
    with pytest.raises(ValidationError, match="its log"):
        dv.fit_growth(t, controls=("size", "log_size"))
    with pytest.raises(ValidationError, match="rca"):
        dv.fit_growth(t.drop(columns="rca"), controls=("log_rca",))
