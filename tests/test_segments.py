"""Issue 17: segments (stable communities of activities), cluster profiles and RIS3 alignment.

Hand-worked numbers for the algorithms; a hand-made graph with planted answers (two groups of
related products, an unrelated product, a priority no cluster serves) on both stores; the
shipped 2017 world trade for the done-when check (>= 5 segments for Germany, labels of product
names, shares summing to 1, LQs recomputed by hand).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import segments as seg
from smartspec.algorithms._validation import ValidationError
from smartspec.cli.main import main


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


# -- algorithms: hand-worked ---------------------------------------------------------------------

TWO_TRIANGLES = pd.DataFrame({"activity_a": list("aabddec"), "activity_b": list("bcceffd"),
                              "proximity": [0.9, 0.6, 0.6, 0.8, 0.8, 0.8, 0.1]})


@pytest.mark.parametrize("algorithm", seg.ALGORITHMS)
def test_segments_find_the_planted_communities_whatever_the_seed(algorithm):
    found = set()
    for seed in (0, 7, 123):
        s = seg.segments(TWO_TRIANGLES, algorithm=algorithm, seed=seed, runs=5,
                         nodes=["a", "z"])
        found.add(tuple(s.sort_values("activity")["segment"]))
        assert s.attrs["agreement"] == 1.0
    # one answer: {a, b, c} first (size 3, smallest code), {d, e, f}, then the isolated z
    assert found == {(0, 0, 0, 1, 1, 1, 2)}
    # centrality: mean proximity to the other members; z is alone
    c = s.set_index("activity")["centrality"]
    assert c["a"] == pytest.approx((0.9 + 0.6) / 2)
    assert c["c"] == pytest.approx((0.6 + 0.6) / 2)
    assert c["d"] == pytest.approx(0.8) and c["z"] == 0
    # modularity of the partition on the network, by hand: m = 4.6
    k = {"a": 1.5, "b": 1.5, "c": 1.3, "d": 1.7, "e": 1.6, "f": 1.6}
    m = sum(TWO_TRIANGLES["proximity"])
    q = sum(2 * w / (2 * m) for w in [0.9, 0.6, 0.6, 0.8, 0.8, 0.8])
    q -= ((k["a"] + k["b"] + k["c"]) / (2 * m)) ** 2 + ((k["d"] + k["e"] + k["f"]) / (2 * m)) ** 2
    assert s.attrs["modularity"] == pytest.approx(q)


def test_segments_resolution_and_bad_parameters():
    one = seg.segments(TWO_TRIANGLES, resolution=0.01, runs=3)
    assert one["segment"].nunique() == 1  # a low resolution merges everything
    with pytest.raises(ValidationError, match="algorithm"):
        seg.segments(TWO_TRIANGLES, algorithm="kmeans")
    with pytest.raises(ValidationError, match="runs"):
        seg.segments(TWO_TRIANGLES, runs=0)
    with pytest.raises(ValidationError, match="consensus"):
        seg.segments(TWO_TRIANGLES, consensus=0)
    with pytest.raises(ValidationError, match="one period"):
        seg.segments(TWO_TRIANGLES.assign(year=[1, 1, 1, 2, 2, 2, 2]))


def test_segment_labels_use_names_of_the_most_central():
    s = seg.segments(TWO_TRIANGLES, runs=3)
    labels = seg.segment_labels(s, {"a": "Apples", "b": "Bananas", "d": "Doors"}, top=2)
    # a and b (0.75) before c (0.6); in {d, e, f} all 0.8: by code, e has no name
    assert labels["label"].tolist() == ["Apples; Bananas", "Doors; e"]
    assert labels["size"].tolist() == [3, 3]


# Regions a, b, c; activities x, y (segment 0) and z (segment 1), in 2010 and 2020.
PROFILE = pd.DataFrame({
    "region": ["a", "a", "a", "b", "b", "c", "a", "a", "a", "b", "b", "c"],
    "activity": ["x", "y", "z", "x", "z", "z", "x", "y", "z", "x", "z", "z"],
    "year": [2020] * 6 + [2010] * 6,
    "value": [10.0, 10.0, 20.0, 30.0, 10.0, 20.0, 5.0, 5.0, 30.0, 30.0, 10.0, 20.0],
})
MEMBERS = pd.DataFrame({"activity": ["x", "y", "z"], "segment": [0, 0, 1]})


def test_cluster_profile_by_hand():
    p = seg.cluster_profile(PROFILE, MEMBERS, year=2020, since=2010)
    a = p[p["region"] == "a"].set_index("segment")
    # 2020: a has 20 in segment 0 and 20 in segment 1 (total 40); world: 50 and 50 of 100
    assert a.loc[0, "value"] == 20 and a.loc[0, "activities"] == 2
    assert a.loc[0, "share"] == pytest.approx(0.5)
    assert a.loc[0, "lq"] == pytest.approx(0.5 / (50 / 100))
    assert a.loc[0, "size"] == pytest.approx(20 / 50)
    # 2010: a has 10 of 40 in segment 0 (world 40 of 100): LQ 0.625 -> 1.0, share 0.25 -> 0.5
    assert a.loc[0, "base_share"] == pytest.approx(0.25)
    assert a.loc[0, "base_lq"] == pytest.approx(0.25 / 0.4)
    assert a.loc[0, "share_change"] == pytest.approx(0.25)
    assert a.loc[0, "trend"] == "emerging"
    # segment 1: share 30/40 -> 20/40, LQ (0.75 / 0.6) = 1.25 -> 0.5 / 0.5 = 1: still >= 1
    assert a.loc[1, "base_lq"] == pytest.approx(1.25) and a.loc[1, "lq"] == pytest.approx(1.0)
    assert a.loc[1, "trend"] == "shrinking"
    c = p[p["region"] == "c"].set_index("segment")
    assert c.loc[1, "trend"] == "unchanged"  # 20 of 20 in both years
    b = p[p["region"] == "b"].set_index("segment")
    assert b.loc[0, "lq"] == pytest.approx((30 / 40) / 0.5)
    for _, rows in p.groupby("region"):
        assert rows["share"].sum() == pytest.approx(1.0)


def test_cluster_profile_opportunities_and_checks():
    density = pd.DataFrame({"region": ["c"] * 3, "activity": ["x", "y", "z"], "year": 2020,
                            "m": [0, 0, 1], "density": [0.2, 0.6, 0.9]})
    p = seg.cluster_profile(PROFILE, MEMBERS, year=2020, density=density)
    c = p[p["region"] == "c"].set_index("segment")
    # c's candidates x (0.2) and y (0.6): median 0.4, so only y is an opportunity
    assert c.loc[1, "specialised"] == 1
    assert "best_opportunity" in c.columns
    full = seg._opportunities(density, MEMBERS)
    row = full[full["segment"] == 0].iloc[0]
    assert row["opportunities"] == 1 and row["best_opportunity"] == "y"
    assert row["best_density"] == pytest.approx(0.6)
    with pytest.raises(ValidationError, match="year 1999"):
        seg.cluster_profile(PROFILE, MEMBERS, since=1999)
    with pytest.raises(ValidationError, match="more than one segment"):
        seg.cluster_profile(PROFILE, pd.concat([MEMBERS, MEMBERS.head(1).assign(segment=1)]))


def test_set_relatedness_and_alignment_by_hand():
    prox = pd.DataFrame({"activity_a": ["x", "x", "y"], "activity_b": ["y", "z", "z"],
                         "proximity": [0.5, 0.2, 0.4]})
    clusters = pd.DataFrame({"cluster": ["C1", "C1", "C2"], "activity": ["x", "y", "w"]})
    prios = pd.DataFrame({"priority": ["P1", "P1", "P2"], "activity": ["x", "z", "v"]})
    out = seg.alignment(clusters, prios, prox, threshold=0.5)
    m = out["matrix"].set_index(["cluster", "priority"])
    # C1-P1: x -> 1, y -> max(0.5, 0.4) = 0.5; x -> 1, z -> max(0.2, 0.4) = 0.4
    assert m.loc[("C1", "P1"), "cluster_to_priority"] == pytest.approx(0.75)
    assert m.loc[("C1", "P1"), "priority_to_cluster"] == pytest.approx(0.7)
    assert m.loc[("C1", "P1"), "relatedness"] == pytest.approx(0.725)
    assert m.loc[("C1", "P1"), "shared"] == 1
    assert m.loc[("C2", "P2"), "relatedness"] == 0
    assert out["priorities"][["priority", "served"]].values.tolist() == [["P2", False],
                                                                         ["P1", True]]
    assert out["clusters"][["cluster", "matched"]].values.tolist() == [["C2", False],
                                                                       ["C1", True]]
    # equal sets are related 1 whatever the proximities
    same = seg.set_relatedness(clusters.rename(columns={"cluster": "set"}),
                               clusters.rename(columns={"cluster": "set"}), prox)
    assert same.loc[same["set_a"] == same["set_b"], "relatedness"].tolist() == [1.0, 1.0]


# -- a hand-made graph with planted answers, on both stores ---------------------------------------

COUNTRIES = ["DEU", "FRA", "ITA", "ESP", "NLD", "BEL", "AUT", "POL", "SWE", "DNK"]


def _planted_trade(path: Path) -> Path:
    """Two groups of related products (1001-1003 made by 4 countries, 2001-2003 by 4 others),
    3001 and 4001 made by one country each (related to nothing)."""
    rows = []
    for i, country in enumerate(COUNTRIES[:8]):
        group = "100" if i < 4 else "200"
        rows += [(country, f"{group}{k}", 100) for k in (1, 2, 3)]
    rows += [("SWE", "3001", 100), ("DNK", "4001", 100)]
    text = "region,product,value\n" + "".join(f"{r},{p},{v}\n" for r, p, v in rows)
    path.write_text(text)
    return path


def _load_planted(capsys, tmp_path: Path) -> None:
    code, _, err = run(capsys, "load", "trade", str(_planted_trade(tmp_path / "t.csv")),
                       "--year", "2017")
    assert code == 0, err


def test_segments_written_profiled_and_queried_on_both_stores(cli_store, capsys, tmp_path):
    _load_planted(capsys, tmp_path)
    code, out, err = run(capsys, "compute", "segments", "--format", "csv")
    assert code == 0, err
    defs = pd.read_csv(io.StringIO(out), dtype={"activity": str, "label": str})
    assert defs.columns.tolist() == ["segment", "label", "activity", "activity_name",
                                     "centrality"]
    groups = defs.groupby("segment")["activity"].apply(sorted).tolist()
    assert groups == [["1001", "1002", "1003"], ["2001", "2002", "2003"], ["3001"], ["4001"]]
    assert defs.loc[defs["activity"] == "1001", "centrality"].item() == pytest.approx(1.0)
    # the profile of DEU: all its exports are in segment 0; world: 1200 of 2600
    code, out, err = run(capsys, "compute", "segments", "--region", "DEU", "--format", "csv")
    assert code == 0, err
    prof = pd.read_csv(io.StringIO(out))
    assert prof[["region", "year", "segment", "activities", "value", "share"]].values.tolist(
    ) == [["DEU", 2017, 0, 3, 300.0, 1.0]]
    assert prof["lq"].item() == pytest.approx(1.0 / (1200 / 2600))
    # the graph holds 4 segments and one IN_SEGMENT per product; the library queries read them
    code, out, err = run(capsys, "query", "run", "segment_members", "--param",
                         "segment=Product:leiden:2017:0", "--format", "csv")
    assert code == 0, err
    members = pd.read_csv(io.StringIO(out), dtype={"code": str})
    assert members["code"].tolist() == ["1001", "1002", "1003"]
    code, out, err = run(capsys, "query", "run", "region_segments", "--param", "region=DEU",
                         "--param", "year=2017", "--format", "csv")
    assert code == 0, err
    regs = pd.read_csv(io.StringIO(out))
    assert regs["segment"].tolist() == ["Product:leiden:2017:0"]
    assert regs["share"].item() == pytest.approx(1.0)
    # a second run (a low resolution merges no unrelated group) leaves the same graph
    code, _, err = run(capsys, "compute", "segments", "--resolution", "0.01")
    assert code == 0, err
    assert _graph_counts(capsys) == (4, 8)


def _graph_counts(capsys) -> tuple[int, int]:
    """Segment nodes and IN_SEGMENT relationships in the store."""
    code, out, _ = run(capsys, "db", "stats", "--format", "csv")
    stats = pd.read_csv(io.StringIO(out)).set_index(["kind", "name"])["count"]
    return (int(stats.get(("node", "Segment"), 0)),
            int(stats.get(("relationship", "IN_SEGMENT"), 0)))


def test_alignment_finds_the_unserved_priority_on_both_stores(cli_store, capsys, tmp_path):
    _load_planted(capsys, tmp_path)
    clusters = tmp_path / "clusters.csv"
    clusters.write_text("cluster,name,region,specialisation\n"
                        "C1,Food cluster,DEU,1001;1002\nC2,Steel cluster,DEU,2001\n"
                        "C3,Paper cluster,DEU,4001\nC9,Elsewhere,FRA,3001\n")
    code, _, err = run(capsys, "load", "clusters", str(clusters), "--activity", "product")
    assert code == 0, err
    prios = tmp_path / "ris3.csv"
    prios.write_text("region,priority,activity\nDEU,P1 agri-food,1003\nDEU,P2 metals,2002\n"
                     "DEU,P2 metals,2003\nDEU,P3 new,3001\nFRA,F1,1001\n")
    figure = tmp_path / "fig" / "alignment.png"
    code, out, err = run(capsys, "compute", "alignment", "--priorities", str(prios),
                         "--region", "DEU", "--clusters", "organisations", "--figure",
                         str(figure), "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert table.columns.tolist() == ["priority", "best_cluster", "best_cluster_name",
                                      "relatedness", "served"]
    served = table.set_index("priority")
    assert not served.loc["P3 new", "served"] and served.loc["P3 new", "relatedness"] == 0
    assert served.loc["P1 agri-food", "best_cluster"] == "C1"
    assert served.loc["P1 agri-food", "relatedness"] == pytest.approx(1.0)
    assert served.loc["P2 metals", "best_cluster"] == "C2"
    assert served.loc["P2 metals", "best_cluster_name"] == "Steel cluster"
    assert "priorities no cluster serves: P3 new" in err
    assert "clusters matching no priority: C3" in err
    assert figure.stat().st_size > 1000
    # the region's own segments (LQ >= 1: only segment 0) serve P1 only
    code, out, err = run(capsys, "compute", "alignment", "--priorities", str(prios),
                         "--region", "DEU", "--table", "matrix", "--format", "csv")
    assert code == 0, err
    matrix = pd.read_csv(io.StringIO(out))
    assert sorted(matrix.loc[matrix["match"], "priority"]) == ["P1 agri-food"]


def test_bad_definitions_and_priorities_are_refused(env_home, capsys, tmp_path):
    _load_planted(capsys, tmp_path)
    bad = tmp_path / "defs.csv"
    bad.write_text("activity,cluster\n1001,A\n9999,B\n")
    code, _, err = run(capsys, "compute", "segments", "--definitions", str(bad))
    assert code == 1 and "defs.csv" in err and "line(s) 3" in err and "9999" in err
    bad.write_text("activity,cluster\n1001,A\n1001,B\n")
    code, _, err = run(capsys, "compute", "segments", "--definitions", str(bad))
    assert code == 1 and "more than one cluster" in err and "lines 2, 3" in err
    prios = tmp_path / "p.csv"
    prios.write_text("region,priority,activity\nDEU,P1,1001\nFRA,F1,1002\n")
    code, _, err = run(capsys, "compute", "alignment", "--priorities", str(prios))
    assert code == 1 and "choose one with --region" in err
    prios.write_text("region,priority\nDEU,P1\n")
    code, _, err = run(capsys, "compute", "alignment", "--priorities", str(prios))
    assert code == 1 and "activity" in err


def test_given_definitions_load_the_same_way(cli_store, capsys, tmp_path):
    _load_planted(capsys, tmp_path)
    defs = tmp_path / "defs.csv"
    defs.write_text("activity,cluster,label\n1001,agri,Agri-food\n1002,agri,Agri-food\n"
                    "2001,metal,\n2002,metal,\n")
    code, out, err = run(capsys, "compute", "segments", "--definitions", str(defs),
                         "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype=str)
    assert table.groupby("segment")["label"].first().to_dict() == {"agri": "Agri-food",
                                                                   "metal": "2001; 2002"}
    code, out, err = run(capsys, "compute", "segments", "--definitions", str(defs),
                         "--region", "DEU", "--format", "csv")
    assert code == 0, err
    prof = pd.read_csv(io.StringIO(out))
    # only the defined activities count: DEU has 200 in agri (world 800 of 1600 defined)
    assert prof["value"].item() == 200 and prof["lq"].item() == pytest.approx(1.0 / 0.5)
    assert _graph_counts(capsys) == (2, 4)
    # new definitions replace the given ones: the metal segment and its members go
    defs.write_text("activity,cluster\n1001,agri\n1003,agri\n")
    code, _, err = run(capsys, "compute", "segments", "--definitions", str(defs))
    assert code == 0, err
    assert _graph_counts(capsys) == (1, 2)
    code, out, err = run(capsys, "query", "run", "segment_members", "--param",
                         "segment=Product:given:agri", "--format", "csv")
    assert pd.read_csv(io.StringIO(out), dtype=str)["code"].tolist() == ["1001", "1003"]


# -- the shipped 2017 world trade ----------------------------------------------------------------

def test_germany_2017_segments_by_hand(env_home, capsys, trade_2017):
    code, _, err = run(capsys, "demo")  # loads the shipped 2017 world trade, named
    assert code == 0, err
    code, out, err = run(capsys, "compute", "segments", "--format", "csv")
    assert code == 0, err
    defs = pd.read_csv(io.StringIO(out), dtype={"activity": str, "label": str})
    code, out, err = run(capsys, "compute", "segments", "--region", "DEU", "--year", "2017",
                         "--format", "csv")
    assert code == 0, err
    prof = pd.read_csv(io.StringIO(out), dtype={"label": str})
    assert len(prof) >= 5
    assert prof["share"].sum() == pytest.approx(1.0)
    assert prof["region_name"].iloc[0] == "Germany"
    # labels are product names (not codes), as in the definitions
    assert not prof["label"].str.fullmatch(r"[\d; ]+").any()
    # LQ by hand from the raw table and the definitions
    seg_of = defs.drop_duplicates("activity").set_index("activity")["segment"]
    data = trade_2017.assign(segment=trade_2017["activity"].map(seg_of))
    world = data.groupby("segment")["value"].sum()
    deu = data[data["region"] == "DEU"].groupby("segment")["value"].sum()
    lq = (deu / deu.sum()) / (world / world.sum())
    got = prof.set_index("segment")["lq"]
    np.testing.assert_allclose(got.to_numpy(), lq.reindex(got.index).to_numpy(), rtol=1e-9)


# -- inter-cluster cooperation --------------------------------------------------------------------

def test_intercluster_by_hand():
    prof = pd.DataFrame({"cluster": ["C1", "C2", "C3"], "activity": ["x", "y", "z"]})
    prox = pd.DataFrame({"activity_a": ["x"], "activity_b": ["y"], "proximity": [0.8]})
    members = pd.DataFrame({"organisation": ["o1", "o2", "o3", "o4", "o5", "o1"],
                            "cluster": ["C1", "C1", "C2", "C2", "C3", "C3"]})
    ties = pd.DataFrame({"source": ["o1", "o3", "o1", "o2", "o5"],
                         "target": ["o2", "o4", "o5", "o5", "o3"]})
    out = seg.intercluster(prof, prox, members=members, ties=ties).set_index(
        ["cluster_a", "cluster_b"])
    c12 = out.loc[("C1", "C2")]
    # 4 possible pairs, none tied; o1~o3 and o2~o3 share o5; the first by code is o1~o3
    assert (c12["ties"], c12["possible"], c12["cooperation"]) == (0, 4, 0.0)
    assert c12["opportunity"] == pytest.approx(0.8)
    assert c12["links"] == "x~y (0.8)" and c12["starters"] == "o1~o3 (1)"
    # C1 = {o1, o2}, C3 = {o5, o1}: pairs o1-o5, o2-o5, o2-o1 (o1-o1 is no pair): 3, all tied
    c13 = out.loc[("C1", "C3")]
    assert (c13["ties"], c13["possible"]) == (3, 3)
    assert c13["relatedness"] == 0 and c13["opportunity"] == 0
    assert out.index[0] == ("C1", "C2")  # related and not cooperating comes first


def test_intercluster_finds_the_planted_pair_on_both_stores(cli_store, capsys, tmp_path):
    _load_planted(capsys, tmp_path)
    attrs = tmp_path / "attrs.csv"
    attrs.write_text("cluster,name,region,specialisation\nC1,Horses,DEU,1001\n"
                     "C2,Cattle,DEU,1002\nC3,Steel,DEU,2001\n")
    members = tmp_path / "members.csv"
    members.write_text("organisation,cluster\no1,C1\no2,C1\no3,C2\no4,C2\no5,C3\no6,C3\n")
    partners = tmp_path / "partners.csv"
    partners.write_text("organisation,partner,year,country,partner_country\n"
                        "o1,o2,2020,DE,DE\no3,o4,2020,DE,DE\no1,o5,2020,DE,DE\n"
                        "o2,o6,2020,DE,DE\no5,o3,2020,DE,DE\n")
    for args in (["clusters", str(attrs), "--activity", "product"], ["clusters", str(members)],
                 ["collaborations", str(partners), "--layout", "partners"]):
        code, _, err = run(capsys, "load", *args)
        assert code == 0, err
    figure = tmp_path / "network.svg"
    code, out, err = run(capsys, "compute", "intercluster", "--region", "DEU", "--figure",
                         str(figure), "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert table.columns[:6].tolist() == ["cluster_a", "cluster_a_name", "cluster_b",
                                          "cluster_b_name", "relatedness", "ties"]
    first = table.iloc[0]
    # C1 and C2 make related products (phi 1) and their members have no tie: the planted pair
    assert (first["cluster_a"], first["cluster_b"], first["ties"]) == ("C1", "C2", 0)
    assert first["relatedness"] == pytest.approx(1.0) and first["opportunity"] == 1.0
    assert first["cluster_a_name"] == "Horses" and first["starters"] == "o1~o3 (1)"
    assert first["links"] == "1001~1002 (1)"
    rest = table.iloc[1:].set_index(["cluster_a", "cluster_b"])
    assert rest.loc[("C1", "C3"), "ties"] == 2 and rest.loc[("C1", "C3"), "relatedness"] == 0
    assert figure.read_text().startswith("<?xml")
    # the region by name, among the clusters' locations; an unknown one with close matches
    code, again, err = run(capsys, "compute", "intercluster", "--region", "Germany", "--format",
                           "csv")
    assert code == 0, err
    assert again == out
    code, _, err = run(capsys, "compute", "intercluster", "--region", "Germny")
    assert code != 0 and "did you mean DEU" in err
    # the library query finds the same pair once the proximities are stored
    code, _, err = run(capsys, "compute", "relatedness")
    assert code == 0, err
    code, out, err = run(capsys, "query", "run", "related_unconnected_clusters", "--param",
                         "year=2017", "--format", "csv")
    assert code == 0, err
    pairs = pd.read_csv(io.StringIO(out))
    assert pairs.values.tolist() == [["C1", "Horses", "C2", "Cattle", 1.0, 1, 0]]
    code, out, err = run(capsys, "compute", "intercluster", "--format", "csv")
    assert code == 0 and "stored PROXIMITY" in err
    assert pd.read_csv(io.StringIO(out)).iloc[0][["cluster_a", "cluster_b"]].tolist() == [
        "C1", "C2"]


def test_alignment_region_is_a_code_or_a_name(env_home, capsys, tmp_path):
    """--region resolves as compute segments resolves it: a name or another spelling of the
    code finds the file's rows (the file may spell the code as ISO alpha-2); an unknown region
    is refused with close matches."""
    _load_planted(capsys, tmp_path)
    prios = tmp_path / "ris3.csv"
    prios.write_text("region,priority,activity\nde,P1 agri-food,1003\nDEU,P2 metals,2002\n"
                     "FRA,F1,1001\n")
    args = ["compute", "alignment", "--priorities", str(prios), "--format", "csv"]
    code, by_code, err = run(capsys, *args, "--region", "DEU")
    assert code == 0, err
    assert sorted(pd.read_csv(io.StringIO(by_code))["priority"]) == ["P1 agri-food",
                                                                     "P2 metals"]
    assert err.startswith("DEU 2017:")
    for text in ("Germany", "germany", "de"):
        code, out, err = run(capsys, *args, "--region", text)
        assert code == 0, err
        assert out == by_code
        assert err.startswith("DEU 2017:")
    code, _, err = run(capsys, *args, "--region", "Germny")
    assert code == 1 and "unknown region 'Germny'" in err and "did you mean DEU" in err
    # known to the data but not in the file: the file's regions are listed
    code, _, err = run(capsys, *args, "--region", "Italy")
    assert code == 1 and "no priorities of region 'Italy' (ITA)" in err
    assert "the file has DE, DEU, FRA" in err


def test_definition_and_priority_errors_name_the_file_line(env_home, capsys, tmp_path):
    """Blank lines (and a quoted label over two lines) do not shift the line an error names:
    it is the line an editor shows, as in the loaders."""
    _load_planted(capsys, tmp_path)
    defs = tmp_path / "defs.csv"
    defs.write_text('activity,cluster,label\n\n1001,A,"Agri\nfood"\n\n9999,B,\n')
    code, _, err = run(capsys, "compute", "segments", "--definitions", str(defs))
    assert code == 1 and "9999" in err and "line(s) 6" in err, err
    defs.write_text("activity,cluster\n1001,A\n\n\n1001,B\n")
    code, _, err = run(capsys, "compute", "segments", "--definitions", str(defs))
    assert code == 1 and "more than one cluster" in err and "lines 2, 5" in err, err
    prios = tmp_path / "p.csv"
    prios.write_text("region,priority,activity\n\nDEU,P1,1001\n\nDEU,P2,8888\n")
    code, _, err = run(capsys, "compute", "alignment", "--priorities", str(prios))
    assert code == 1 and "8888" in err and "line(s) 5" in err, err
