"""Cluster-mapping measures against hand-worked examples: LQ, Hoover, Krugman, related and
unrelated variety, the star rating, and co-occurrence counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import clusters as clu
from smartspec.algorithms._validation import ValidationError

# Four regions, three activities, 900 jobs: activity totals a 200, b 250, c 450.
JOBS = pd.DataFrame(
    [("r1", "a", 100), ("r1", "b", 50), ("r1", "c", 50),
     ("r2", "a", 20), ("r2", "b", 160), ("r2", "c", 20),
     ("r3", "a", 10), ("r3", "b", 10), ("r3", "c", 380),
     ("r4", "a", 70), ("r4", "b", 30)],
    columns=["region", "activity", "value"]).assign(year=2020)


def test_location_quotient_by_hand():
    lq = clu.location_quotient(JOBS).set_index(["region", "activity"])["lq"]
    # r1,a: (100/200) / (200/900) = 2.25; r2,b: (160/200) / (250/900) = 2.88;
    # r3,c: (380/400) / (450/900) = 1.9; r4,a: (70/100) / (200/900) = 3.15
    assert lq[("r1", "a")] == pytest.approx(2.25)
    assert lq[("r2", "b")] == pytest.approx(2.88)
    assert lq[("r3", "c")] == pytest.approx(1.9)
    assert lq[("r4", "a")] == pytest.approx(3.15)


def test_star_rating_by_hand():
    s = clu.star_rating(JOBS).set_index(["region", "activity"])
    # 11 pairs: a top-10 % star goes to ceil(1.1) = 2 pairs.
    # size x / X_.a: r3,c 380/450 = 0.844 and r2,b 160/250 = 0.64 are the two largest;
    # focus x / X_r.: r3,c 0.95 and r2,b 0.8; LQ >= 2: r1,a 2.25, r2,b 2.88, r4,a 3.15.
    stars = s["stars"][s["stars"] > 0].to_dict()
    assert stars == {("r1", "a"): 1, ("r2", "b"): 3, ("r3", "c"): 2, ("r4", "a"): 1}
    assert s.loc[("r3", "c"), ["size_star", "specialisation_star", "focus_star"]].tolist() == [
        True, False, True]
    assert s.loc[("r2", "b"), "size"] == pytest.approx(0.64)
    assert s.loc[("r2", "b"), "focus"] == pytest.approx(0.8)
    assert list(s.reset_index().columns) == [
        "region", "activity", "year", "value", "size", "lq", "focus", "size_star",
        "specialisation_star", "focus_star", "stars"]
    # every cut-off is a parameter: LQ >= 1.5 gives r3,c its specialisation star;
    # min_value 100 takes r4,a's (70 jobs) away
    s2 = clu.star_rating(JOBS, lq_min=1.5, min_value=100).set_index(["region", "activity"])
    assert s2["stars"][s2["stars"] > 0].to_dict() == {("r1", "a"): 1, ("r2", "b"): 3,
                                                      ("r3", "c"): 3}
    s3 = clu.star_rating(JOBS, size_top=0.5, focus_top=0)  # ceil(5.5) = 6 size stars
    assert int(s3["size_star"].sum()) == 6 and int(s3["focus_star"].sum()) == 0
    assert s3.attrs["size_top"] == 0.5 and s3.attrs["lq_min"] == 2.0
    with pytest.raises(ValidationError, match=r"size_top must be a share in \[0, 1\], got 10"):
        clu.star_rating(JOBS, size_top=10)


def _brute(data: pd.DataFrame, reference: str) -> dict[str, float]:
    x = data.pivot_table(index="region", columns="activity", values="value", fill_value=0)
    out = {}
    for r in x.index:
        ref = x.drop(index=r).sum() if reference == "rest" else x.sum()
        out[r] = float(np.abs(x.loc[r] / x.loc[r].sum() - ref / ref.sum()).sum())
    return out


def test_hoover_and_krugman_by_hand():
    h = clu.hoover(JOBS).set_index("region")["hoover"]
    # r1 (0.5, 0.25, 0.25) against all (2/9, 5/18, 1/2): (5/18 + 1/36 + 1/4) / 2 = 0.2778
    assert h["r1"] == pytest.approx(5 / 18)
    # r4 has no c: (0.7 - 2/9) + (5/18 - 0.3) + 0.5 ... halved = 0.5
    assert h["r4"] == pytest.approx(0.5)
    k = clu.krugman(JOBS).set_index("region")["krugman"]
    # r1 against the rest (100, 200, 400) / 700: |0.5 - 1/7| + |0.25 - 2/7| + |0.25 - 4/7| = 5/7
    assert k["r1"] == pytest.approx(5 / 7)
    # r4 against the rest (130, 220, 450) / 800: 0.5375 + 0.025 + 0.5625 = 1.125
    assert k["r4"] == pytest.approx(1.125)
    for ref in ("rest", "all"):
        got = clu.krugman(JOBS, reference=ref).set_index("region")["krugman"].to_dict()
        assert got == pytest.approx(_brute(JOBS, ref))
    ha = clu.hoover(JOBS, by="activity").set_index("activity")["hoover"]
    # a: regional shares (0.5, 0.1, 0.05, 0.35) vs regions' shares (2/9, 2/9, 4/9, 1/9)
    assert ha["a"] == pytest.approx(0.5 * (5 / 18 + 11 / 90 + 71 / 180 + 43 / 180))


def test_variety_by_hand():
    df = pd.DataFrame({"region": ["a", "a", "a", "b", "c"], "activity": ["x1", "x2", "y1", "x1",
                                                                         "y1"],
                       "value": [25.0, 25.0, 50.0, 10.0, 0.0]})
    groups = pd.DataFrame({"activity": ["x1", "x2", "y1"], "group": ["x", "x", "y"]})
    v = clu.variety(df, groups).set_index("region")
    # a: groups x (0.5: x1 0.25, x2 0.25) and y (0.5): UV = 1 bit; RV = 0.5 * 1 + 0.5 * 0 = 0.5;
    # entropy 0.25 * 2 + 0.25 * 2 + 0.5 * 1 = 1.5 = UV + RV
    assert v.loc["a", ["entropy", "unrelated_variety", "related_variety"]].tolist() == [
        1.5, 1.0, 0.5]
    assert v.loc["a", ["activities", "groups"]].tolist() == [3, 2]
    assert v.loc["b", ["entropy", "unrelated_variety", "related_variety"]].tolist() == [0, 0, 0]
    assert clu.variety(df, dict(zip(groups.activity, groups.group, strict=True)), base=np.e
                       ).set_index("region").loc["a", "unrelated_variety"] == pytest.approx(
        np.log(2))
    with pytest.raises(ValidationError, match=r"groups give no group for 1 .*'y1'"):
        clu.variety(df, {"x1": "x", "x2": "x"})


def test_cooccurrence_counts_by_hand():
    items = pd.DataFrame({"item": ["p1", "p1", "p1", "p1", "p2", "p2", "p3", "p4"],
                          "activity": ["A", "B", "C", "C", "A", "B", "B", "C"],
                          "year": [1, 1, 1, 1, 1, 1, 2, 2]})
    # year 1: p1 lists A, B, C (C twice counts once); p2 A, B -> AB 2, AC 1, BC 1.
    # year 2: p3 and p4 have one class each: no pair
    out = clu.cooccurrence_counts(items)
    assert out.values.tolist() == [["A", "B", 1, 2], ["A", "C", 1, 1], ["B", "C", 1, 1]]
    assert clu.cooccurrence_counts(items.drop(columns="year")).columns.tolist() == [
        "activity_a", "activity_b", "value"]
