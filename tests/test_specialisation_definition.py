"""RCA and M on the real 2017 data equal ALGORITHMS.md section 1, computed independently."""

from __future__ import annotations

import numpy as np

from smartspec.algorithms.specialisation import diversity, specialisation, ubiquity


def test_rca_and_m_match_the_definition_on_real_data(trade_2017):
    df = trade_2017
    # RCA_ra = (X_ra / X_r.) / (X_.a / X_..), with plain pandas group sums
    x_r = df.groupby("region")["value"].transform("sum")
    x_a = df.groupby("activity")["value"].transform("sum")
    expected = (df["value"] / x_r) / (x_a / df["value"].sum())
    ours = specialisation(df).set_index(["region", "activity"])
    got = ours.loc[list(zip(df["region"], df["activity"], strict=True)), "rca"].to_numpy()
    np.testing.assert_allclose(got, expected.to_numpy(), rtol=1e-12)
    m = (expected >= 1).astype(int)
    assert (ours["m"].sum(), int(m.sum())) == (28_688, 28_688)
    div = diversity(df).set_index("region")["diversity"]
    assert div["CHN"] == m[df["region"] == "CHN"].sum() == 541
    ubi = ubiquity(df).set_index("activity")["ubiquity"]
    assert ubi.sum() == div.sum() == 28_688


def test_additive_rca_by_hand():
    import pandas as pd

    df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
                       "value": [1.0, 3.0, 4.0]})
    out = specialisation(df, method="additive")
    # a: x 1/4 - 5/8 = -0.375, y 3/4 - 3/8 = 0.375; b: x 4/4 - 5/8 = 0.375
    assert out["rca"].tolist() == [-0.375, 0.375, 0.375]
    assert out["m"].tolist() == [0, 1, 1]
