"""The issue-7 commands end to end: load patents / employment, compute clusters (written to the
graph, idempotent, on both stores), and the engine on technologies and industries."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest

from smartspec.cli.knowledge import run_clusters
from smartspec.cli.main import main
from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.loaders.employment import read_employment, write_employment

INVENTORS = """appln_id,person_id,reg_code,reg_share,inv_share
1,11,DE111,1,0.5
1,12,FR101,1,0.5
2,21,DE111,1,0.333
2,22,DE111,1,0.333
2,23,FR101,1,0.333
3,31,FR101,1,1
"""
IPC = """appln_id,prio_year,IPC
1,2010,H01L  21/00
1,2010,H01L  23/48
1,2010,G06F   3/00
2,2010,H01L  21/762
3,2011,A61K  31/00
3,2011,G06F  17/30
"""
CBP_2017 = """fipstate,fipscty,naics,emp_nf,emp,est
01,001,------,G,10000,100
01,001,31----,G,3000,10
01,001,3113//,G,1200,3
01,001,3114//,D,0,2
01,001,4411//,G,800,4
01,003,3113//,H,50,1
01,003,5413//,G,400,5
"""

JOBS = ("region,industry,year,jobs\nr1,10.11,2020,100\nr1,20.11,2020,50\nr1,29.10,2020,50\n"
        "r2,10.11,2020,20\nr2,20.11,2020,160\nr2,29.10,2020,20\nr3,10.11,2020,10\n"
        "r3,20.11,2020,10\nr3,29.10,2020,380\nr4,10.11,2020,70\nr4,20.11,2020,30\n")


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_load_patents_and_engine_on_technologies(env_home, capsys, tmp_path):
    (tmp_path / "inv.csv").write_text(INVENTORS)
    (tmp_path / "ipc.csv").write_text(IPC)
    args = ("load", "patents", str(tmp_path / "inv.csv"), "--layout", "regpat", "--classes",
            str(tmp_path / "ipc.csv"), "--region-level", "nuts3")
    for _ in range(2):
        code, out, err = run(capsys, *args)
        assert code == 0, err
    assert "(regpat layout, IPC subclass, year 2010, 2011)" in out
    assert ("6 patent counts of 2 regions in 3 technologies (9 Technology nodes with the "
            "hierarchy, 6 PART_OF)") in out
    assert "knowledge space: 2 co-classified pairs written as PROXIMITY" in out
    code, out, err = run(capsys, "compute", "specialisation", "--activity", "technology",
                         "--table", "pairs", "--format", "csv")
    assert code == 0, err
    pairs = pd.read_csv(io.StringIO(out))
    # 2010: DE111 (G06F 0.25, H01L 11/12) of 7/6; world G06F 0.5, H01L 1.5 of 2 ->
    # RTA DE111,H01L = (11/12 / (7/6)) / (1.5 / 2) = 1.0476
    got = pairs.set_index(["region", "activity", "year"])["rca"]
    assert got[("DE111", "H01L", 2010)] == pytest.approx((11 / 12) / (7 / 6) / 0.75)
    code, out, err = run(capsys, "load", "patents", str(tmp_path / "inv.csv"), "--layout",
                         "regpat", "--classes", str(tmp_path / "ipc.csv"), "--tolerance", "0")
    assert code == 1
    assert err.startswith("Error: ") and "do not sum to one within 0" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_load_employment_and_compute_clusters(env_home, capsys, tmp_path):
    f = tmp_path / "jobs.csv"
    f.write_text(JOBS)
    code, out, err = run(capsys, "load", "employment", str(f), "--classification", "NACE",
                         "--level", "class")
    assert code == 0, err
    assert ("11 jobs counts of 4 regions in 3 industries (10 Industry nodes with the hierarchy, "
            "9 PART_OF)") in out
    for _ in range(2):
        code, out, err = run(capsys, "compute", "clusters", "--format", "csv")
        assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"activity": str})
    # names next to codes (the regions of this file have none; NACE names its classes)
    assert list(table.columns[:5]) == ["cluster", "region", "region_name", "activity",
                                       "activity_name"]
    # the hand-worked star rating of test_knowledge_clusters with a, b, c = 10.11, 20.11, 29.10
    assert table[["cluster", "stars"]].values.tolist() == [
        ["industry:r2:20.11", 3], ["industry:r3:29.10", 2], ["industry:r4:10.11", 1],
        ["industry:r1:10.11", 1]]
    with EmbeddedStore(env_home / "graph.kgl") as store:
        back = store.run(
            "MATCH (c:Cluster)-[:LOCATED_IN]->(r:Region), (c)-[s:SPECIALISES_IN]->(i:Industry) "
            "RETURN c.id AS id, c.name AS name, r.code AS region, i.code AS industry, "
            "s.stars AS stars, s.year AS year, s.parameters AS parameters ORDER BY id")
    assert back["id"].tolist() == sorted(table["cluster"])
    assert back["name"].iloc[0] == "10.11 in r1"
    assert json.loads(back["parameters"].iloc[0])["lq_min"] == 2.0
    code, out, err = run(capsys, "compute", "clusters", "--table", "regions", "--variety-level",
                         "division", "--format", "csv", "--no-write")
    assert code == 0, err
    regions = pd.read_csv(io.StringIO(out)).set_index("region")
    assert regions.loc["r1", "hoover"] == pytest.approx(5 / 18)
    assert regions.loc["r1", "krugman"] == pytest.approx(5 / 7)
    # three divisions of one class each: all variety is unrelated
    assert regions.loc["r1", "related_variety"] == 0
    assert regions.loc["r1", "unrelated_variety"] == pytest.approx(1.5)
    code, _, err = run(capsys, "compute", "clusters", "--activity", "technology")
    assert code == 1 and "no PATENTS data" in err
    code, out, err = run(capsys, "compute", "specialisation", "--activity", "industry")
    assert code == 0, err


def test_cluster_mapping_is_idempotent_and_replaces_stale_clusters(store, tmp_path):
    (tmp_path / "jobs.csv").write_text(JOBS)
    write_employment(store, read_employment(tmp_path / "jobs.csv", classification="NACE"))
    for _ in range(2):
        out = run_clusters(store, activity="Industry")
    assert len(out["clusters"]) == 4
    counts = store.counts().set_index("name")["count"].to_dict()
    assert (counts["Cluster"], counts["LOCATED_IN"], counts["SPECIALISES_IN"]) == (4, 4, 4)
    # stricter cut-offs: only r2's 3-star cluster stays, the others are removed
    out = run_clusters(store, activity="Industry", min_stars=3)
    assert out["clusters"]["cluster"].tolist() == ["industry:r2:20.11"]
    back = store.run("MATCH (c:Cluster)-[s:SPECIALISES_IN]->(i:Industry) RETURN c.id AS id, "
                     "s.stars AS stars, s.lq AS lq, s.size AS size, s.focus AS focus, "
                     "s.value AS value, s.method AS method")
    assert back.drop(columns="lq").values.tolist() == [
        ["industry:r2:20.11", 3, 0.64, 0.8, 160.0, "star rating"]]
    assert back["lq"].iloc[0] == pytest.approx(2.88)
    assert store.counts().set_index("name")["count"]["LOCATED_IN"] == 1


def test_clusters_need_one_level(env_home, capsys, tmp_path):
    (tmp_path / "cbp17co.txt").write_text(CBP_2017)
    for level in ("4", "2"):
        code, _, err = run(capsys, "load", "employment", str(tmp_path / "cbp17co.txt"),
                           "--level", level)
        assert code == 0, err
    code, _, err = run(capsys, "compute", "clusters")
    assert code == 1
    assert "EMPLOYS data at several levels (industry_group, sector); pass --level" in err
    code, out, err = run(capsys, "compute", "clusters", "--level", "industry_group",
                         "--format", "csv")
    assert code == 0, err
    assert pd.read_csv(io.StringIO(out))["region"].astype(str).str.zfill(5).tolist() == [
        "01003", "01001"]
