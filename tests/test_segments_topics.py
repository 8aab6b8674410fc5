"""Issue 17 on collaboration data: clusters of organisations and their topics (programme parts).

A hand-made Horizon 2020 extract with planted answers, on both stores (two related clusters
whose members have no tie, a priority no cluster serves, a cluster matching no priority); the
pure steps by hand; and a smoke test on the shipped Horizon 2020 data (read from the file, no
store) with the example priorities of ``tests/data/ris3_priorities_h2020_example.csv``.
"""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pandas as pd
import pytest

from smartspec.algorithms import segments as seg
from smartspec.cli.main import main
from smartspec.workflows import segments as wf

DATA = Path(__file__).parent / "data"

# Topics A, B, C, D. Bonn: a1, a2 (main A), b1, b2 (main B), c1, c2 (main C); a1 also has one
# C project with c1, c2 (the A and C clusters cooperate). Paris: x1, x2, y1 do A and B (A and B
# related), z1, z2 only D (D related to nothing).
PROJECTS = {  # rcn: (programme part, participants)
    1: ("A", ["1001", "1002", "2001"]),
    2: ("A", ["1001", "1002"]),
    3: ("B", ["1003", "1004", "2001"]),
    4: ("B", ["1003", "1004"]),
    5: ("A", ["2002", "2003"]),
    6: ("B", ["2002", "2003"]),
    7: ("C", ["1005", "1006", "1001"]),
    8: ("C", ["1005", "1006"]),
    9: ("D", ["2004", "2005"]),
    10: ("D", ["2004"]),
}
ORGS = {"1001": "ALPHA UNIVERSITY", "1002": "ALPHA LAB", "1003": "BETA GMBH",
        "1004": "BETA INSTITUTE", "1005": "GAMMA AG", "1006": "GAMMA INSTITUT",
        "2001": "X ONE", "2002": "X TWO", "2003": "Y ONE", "2004": "Z ONE", "2005": "Z TWO"}


def _h2020(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    rows = ["rcn,role,pic,type,contribution,country,start_date,end_date"]
    for rcn, (_, orgs) in PROJECTS.items():
        for k, org in enumerate(orgs):
            country = "DE" if org.startswith("1") else "FR"
            rows.append(f"{rcn},{'coordinator' if k == 0 else 'participant'},{org},REC,1,"
                        f"{country},2016-01-01,2018-12-31")
    (folder / "h2020.csv").write_text("\n".join(rows) + "\n")
    parts = "rcn,programme_part\n" + "".join(f"{r},{p}\n" for r, (p, _) in PROJECTS.items())
    (folder / "programme_parts.csv.gz").write_bytes(gzip.compress(parts.encode()))
    nodes = "orgId,name,city,country\n" + "".join(
        (f"{o},{n},Bonn,DE\n" if o.startswith("1") else f"{o},{n},Paris,FR\n")
        for o, n in ORGS.items())
    (folder / "odfest2017_h2020_org_nodes.csv.gz").write_bytes(gzip.compress(nodes.encode()))
    return folder / "h2020.csv"


def _weights() -> pd.DataFrame:
    rows = [(o, p) for p, orgs in PROJECTS.values() for o in orgs]
    frame = pd.DataFrame(rows, columns=["organisation", "activity"])
    return frame.groupby(["organisation", "activity"], as_index=False).size().rename(
        columns={"size": "value"})


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


# -- by hand -------------------------------------------------------------------------------------

def test_topic_space_and_clusters_by_hand():
    space = wf.topic_space_from(_weights())
    phi = space.proximity.set_index(["activity_a", "activity_b"])["proximity"]
    # totals A 7, B 7, C 5, D 3 of 22 projects; RCA >= 1: A {a1, a2, x1, x2, y1}, B {b1, b2,
    # x1, x2, y1}, C {a1 (1/3 / 5/22 = 1.47), c1, c2}, D {z1, z2}
    assert phi[("A", "B")] == pytest.approx(3 / 5)  # x1, x2, y1 of max(5, 5)
    assert phi[("A", "C")] == pytest.approx(1 / 5)  # a1 of max(5, 3)
    assert ("B", "C") not in phi.index and not phi.index.get_level_values(0).isin(["D"]).any()
    bonn = [o for o in ORGS if o.startswith("1")]
    found = wf.topic_clusters_from(space, bonn, "DEU-BONN", min_members=2, region_name="Bonn")
    assert found.members.groupby("cluster")["organisation"].apply(sorted).to_dict() == {
        "DEU-BONN:A": ["1001", "1002"], "DEU-BONN:B": ["1003", "1004"],
        "DEU-BONN:C": ["1005", "1006"]}
    # the A cluster: 4 A projects and 1 C of 5: RCA_A = 0.8 / (7/22), RCA_C = 0.2 / (5/22)
    acts = found.activities.set_index(["cluster", "activity"])["rca"]
    assert acts[("DEU-BONN:A", "A")] == pytest.approx(0.8 / (7 / 22))
    assert acts[("DEU-BONN:A", "C")] == pytest.approx(0.2 / (5 / 22))  # 0.88: not in profile
    assert found.profiles.values.tolist() == [["DEU-BONN:A", "A"], ["DEU-BONN:B", "B"],
                                              ["DEU-BONN:C", "C"]]
    with pytest.raises(seg.ValidationError, match="min_members|min-members"):
        wf.topic_clusters_from(space, bonn, "DEU-BONN", min_members=3)


# -- the planted answers on both stores ----------------------------------------------------------

def test_topic_clusters_planted_answers_on_both_stores(cli_store, capsys, tmp_path):
    code, _, err = run(capsys, "load", "collaborations", str(_h2020(tmp_path / "h2020")))
    assert code == 0, err
    saved = tmp_path / "bonn_clusters.csv"
    figure = tmp_path / "bonn.svg"
    code, out, err = run(capsys, "compute", "intercluster", "--activity", "topic", "--region",
                         "Bonn", "--min-members", "2", "--save-clusters", str(saved),
                         "--figure", str(figure), "--format", "csv")
    assert code == 0, err
    assert "DEU-BONN:A Bonn: A (2 organisations): A (RCA 2.51)" in err
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert table.columns.tolist()[:4] == ["cluster_a", "cluster_a_name", "cluster_b",
                                          "cluster_b_name"]
    first = table.iloc[0]
    # planted: A and B related (0.6), no tie between their members: the first opportunity
    assert (first["cluster_a"], first["cluster_b"], first["ties"], first["possible"]) == (
        "DEU-BONN:A", "DEU-BONN:B", 0, 4)
    assert first["relatedness"] == pytest.approx(0.6) and first["opportunity"] == pytest.approx(
        0.6)
    # every A and B member pair shares partner x1; the first by id
    assert first["starters"] == "1001~1003 (1)"
    assert first["starters_names"] == "ALPHA UNIVERSITY ~ BETA GMBH"
    assert first["links"] == "A~B (0.6)"
    rest = table.set_index(["cluster_a", "cluster_b"])
    # A and C cooperate: a1 with c1 and c2 (2 of 4 pairs): 0.2 x (1 - 0.5)
    assert rest.loc[("DEU-BONN:A", "DEU-BONN:C"), "ties"] == 2
    assert rest.loc[("DEU-BONN:A", "DEU-BONN:C"), "opportunity"] == pytest.approx(0.1)
    assert rest.loc[("DEU-BONN:B", "DEU-BONN:C"), "relatedness"] == 0
    assert figure.read_text().startswith("<?xml")
    # the saved memberships load as cluster organisations and give the same pairs
    code, _, err = run(capsys, "load", "clusters", str(saved))
    assert code == 0, err
    code, again, err = run(capsys, "compute", "intercluster", "--activity", "topic",
                           "--clusters", "organisations", "--format", "csv")
    assert code == 0, err
    again = pd.read_csv(io.StringIO(again), keep_default_na=False)
    cols = ["cluster_a", "cluster_b", "relatedness", "ties", "possible", "opportunity"]
    pd.testing.assert_frame_equal(again[cols], table[cols])
    assert again["cluster_a_name"].iloc[0] == "Bonn: A"

    priorities = tmp_path / "priorities.csv"
    priorities.write_text("region,priority,activity\nDEU-BONN,Materials,A\n"
                          "DEU-BONN,Mobility,B\nDEU-BONN,Deep sea,D\n")
    heat = tmp_path / "alignment.png"
    code, out, err = run(capsys, "compute", "alignment", "--activity", "topic", "--priorities",
                         str(priorities), "--min-members", "2", "--figure", str(heat),
                         "--format", "csv")
    assert code == 0, err
    assert "priorities no cluster serves: Deep sea" in err
    assert "clusters matching no priority: DEU-BONN:C" in err
    prio = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert prio.values.tolist() == [
        ["Deep sea", "DEU-BONN:A", "Bonn: A", 0.0, False],
        ["Materials", "DEU-BONN:A", "Bonn: A", 1.0, True],
        ["Mobility", "DEU-BONN:B", "Bonn: B", 1.0, True]]
    assert heat.read_bytes()[:4] == b"\x89PNG"
    # the region by name, as compute intercluster takes it: the same table
    code, by_name, err = run(capsys, "compute", "alignment", "--activity", "topic",
                             "--priorities", str(priorities), "--region", "Bonn",
                             "--min-members", "2", "--format", "csv")
    assert code == 0, err
    assert pd.read_csv(io.StringIO(by_name), keep_default_na=False).equals(prio)
    code, out, err = run(capsys, "compute", "alignment", "--activity", "topic", "--priorities",
                         str(priorities), "--min-members", "2", "--table", "matrix",
                         "--format", "csv")
    matrix = pd.read_csv(io.StringIO(out)).set_index(["cluster", "priority"])["relatedness"]
    assert matrix[("DEU-BONN:A", "Mobility")] == pytest.approx(0.6)
    assert matrix[("DEU-BONN:C", "Materials")] == pytest.approx(0.2)


def test_topic_options_are_checked(env_home, capsys, tmp_path):
    code, _, err = run(capsys, "load", "collaborations", str(_h2020(tmp_path / "h2020")))
    assert code == 0, err
    code, _, err = run(capsys, "compute", "intercluster", "--activity", "topic", "--clusters",
                       "segments", "--region", "Bonn")
    assert code == 1 and "--activity topic takes --clusters topics" in err
    code, _, err = run(capsys, "compute", "intercluster", "--clusters", "topics")
    assert code == 1 and "--clusters topics needs --activity topic" in err
    code, _, err = run(capsys, "compute", "intercluster", "--activity", "topic")
    assert code == 1 and "needs --region" in err
    code, _, err = run(capsys, "compute", "intercluster", "--activity", "topic", "--region",
                       "Bonn")
    assert code == 1 and "lower --min-members" in err  # 2 members each, 5 by default
    code, _, err = run(capsys, "compute", "intercluster", "--activity", "topic", "--region",
                       "Atlantis")
    assert code == 1 and "unknown region 'Atlantis'" in err
    code, _, err = run(capsys, "compute", "intercluster", "--activity", "topic", "--region",
                       "Bonn", "--year", "2017")
    assert code == 1 and "--year does not apply to --activity topic" in err
    bad = tmp_path / "bad.csv"
    bad.write_text("region,priority,activity\nDEU-BONN,Space,SC9\n")
    code, _, err = run(capsys, "compute", "alignment", "--activity", "topic", "--priorities",
                       str(bad), "--min-members", "2")
    assert code == 1 and "SC9" in err and "line" in err


# -- the shipped Horizon 2020 data ---------------------------------------------------------------

def test_shipped_h2020_barcelona_example():
    """The README example from the file (no store): Barcelona's main-topic clusters, their
    pairs and the illustrative priorities."""
    from smartspec.loaders.collaborations import read_collaborations
    from smartspec.loaders.datasets import data_path
    from smartspec.loaders.localities import city_localities

    table = read_collaborations(data_path("h2020.csv.gz"))
    weights = table.participations.merge(table.topics, on="project").groupby(
        ["organisation", "topic"], as_index=False).size()
    weights = weights.rename(columns={"topic": "activity", "size": "value"})
    space = wf.topic_space_from(weights)
    orgs = table.organisations
    where = city_localities(orgs["country"], orgs["city"])[0]
    bcn = orgs.loc[where.reindex(orgs.index).eq("ESP-BARCELONA").to_numpy(), "id"]
    found = wf.topic_clusters_from(space, bcn, "ESP-BARCELONA", region_name="Barcelona")
    assert len(found.table) == 11 and found.table["members"].sum() == 215
    # every cluster is specialised in its main topic
    main = found.table.set_index("cluster")["main"]
    spec = found.profiles.groupby("cluster")["activity"].apply(set)
    assert all(main[c] in spec[c] for c in main.index)
    ties = table.ties()
    ties = ties[ties["source"].isin(set(bcn)) | ties["target"].isin(set(bcn))]
    pairs = seg.intercluster(found.profiles, space.proximity, members=found.members,
                             ties=ties[["source", "target"]])
    assert len(pairs) == 55 and (pairs["cooperation"] < 0.2).all()
    assert pairs.iloc[0][["cluster_a", "cluster_b"]].tolist() == [
        "ESP-BARCELONA:SC5", "ESP-BARCELONA:SC7"]
    prio = pd.read_csv(DATA / "ris3_priorities_h2020_example.csv")
    out = seg.alignment(found.profiles, prio[["priority", "activity"]], space.proximity)
    assert out["priorities"]["served"].all()
    assert out["clusters"].loc[~out["clusters"]["matched"], "cluster"].tolist() == [
        "ESP-BARCELONA:LEIT", "ESP-BARCELONA:ERC"]
