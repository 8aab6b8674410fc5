"""The command line: demo, load, compute specialisation, db stats and errors, on the real data."""

from __future__ import annotations

import io
import re

import pandas as pd
import pytest

from smartspec.cli.main import main
from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.loaders.datasets import data_path

TRADE_2017 = data_path("world_trade_2017.csv.gz")


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_demo_on_the_embedded_store(env_home, capsys):
    code, out, err = run(capsys, "demo", "--top", "3")
    assert code == 0, err
    assert "loaded 176,971 export values of 224 countries in 1,222 products" in out
    assert " 2017      224        1222 176971            28688           128.1" in out
    # rankings name their countries and products (from the reference tables the load writes)
    assert re.search(r"^region\s+region_name\s+diversity$", out, re.M)
    assert re.search(r"^activity\s+activity_name\s+ubiquity$", out, re.M)
    # most diversified in 2017: 541 products with RCA >= 1; the most complex economy of 2017
    assert re.search(r"^\s+CHN\s+China\s+541$", out, re.M)
    assert re.search(r"^\s+0706\s+Carrots & turnips\s+2$", out, re.M)
    assert re.search(r"^\s+JPN\b.*\s2\.284\s+6\.711\s+342$", out, re.M)
    assert "Smart-specialisation opportunities of KOR" in out
    code, out, _ = run(capsys, "db", "stats", "--format", "csv")
    rows = pd.read_csv(io.StringIO(out))
    assert dict(zip(rows["name"], rows["count"], strict=True)) == {
        "Measure": 3, "Product": 1222 + 107, "Region": 224 + 44, "EXPORTS": 176971,
        "SCORED": 2892, "PROXIMITY": 63575, "PART_OF": 2246}  # + HS12 ancestors, country groups
    assert list(rows.columns) == ["kind", "name", "count"]


def test_load_and_compute_write_back(env_home, capsys, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("region,product,year,value\na,x,2000,1\na,y,2000,1\nb,x,2000,2\n"
                 "a,x,2001,1\nb,y,2001,1\n")
    code, out, err = run(capsys, "load", "trade", str(f))
    assert code == 0, err
    assert "5 exports of 2 regions in 2 products" in out
    out_csv = tmp_path / "pairs.csv"
    code, _, err = run(capsys, "compute", "specialisation", "--table", "pairs", "--format", "csv",
                       "--output", str(out_csv))
    assert code == 0, err
    pairs = pd.read_csv(out_csv, dtype={"region": str, "activity": str})
    # 2000: a = (1/2)/(3/4), (1/2)/(1/4); b = (2/2)/(3/4). 2001: each region alone in one product
    assert pairs["rca"].round(4).tolist() == [0.6667, 2.0, 1.3333, 2.0, 2.0]
    assert pairs["m"].tolist() == [0, 1, 1, 1, 1]
    with EmbeddedStore(env_home / "graph.kgl") as store:
        back = store.run(
            "MATCH (a:Region)-[r:EXPORTS]->(p:Product) RETURN a.code AS region, p.code AS product,"
            " r.year AS year, r.rca AS rca, r.m AS m, r.rca_method AS method,"
            " r.rca_threshold AS threshold ORDER BY year, region, product")
        scored = store.run(
            "MATCH (a:Region)-[s:SCORED]->(m:Measure {id: 'Product:specialisation'}) "
            "RETURN a.code AS region, s.year AS year, s.diversity AS diversity, "
            "m.parameters AS parameters ORDER BY year, region")
    assert back["m"].tolist() == [0, 1, 1, 1, 1]
    assert set(back["method"]) == {"balassa"} and set(back["threshold"]) == {1.0}
    assert scored[["region", "year", "diversity"]].values.tolist() == [
        ["A", 2000, 1], ["B", 2000, 1], ["A", 2001, 1], ["B", 2001, 1]]
    assert '"rca_threshold": 1.0' in scored["parameters"].iloc[0]


def test_load_errors_are_one_line_and_nonzero(env_home, capsys, tmp_path):
    code, _, err = run(capsys, "load", "trade", str(tmp_path / "missing.csv"))
    assert code == 1 and err.strip() == f"Error: {tmp_path / 'missing.csv'}: file not found"
    bad = tmp_path / "bad.csv"
    bad.write_text("region,product,year,value\na,x,2000,1\na,y,2000,oops\n")
    code, _, err = run(capsys, "load", "trade", str(bad))
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "column 'value' has 1 non-numeric value(s) at line(s) 3" in err
    assert not (env_home / "graph.kgl").exists()  # nothing was written


def test_compute_without_data(env_home, capsys):
    code, _, err = run(capsys, "compute", "specialisation")
    assert code == 1 and "no Product data" in err and "smartspec load trade" in err


def test_unknown_store_and_unreachable_neo4j(env_home, capsys, monkeypatch):
    code, _, err = run(capsys, "--store", "mysql", "db", "stats")
    assert code == 2 and "'mysql' is not one of 'neo4j', 'embedded'" in err
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
    code, _, err = run(capsys, "db", "stats")
    assert code == 1
    assert err.startswith("Error: Neo4j is unreachable at bolt://127.0.0.1:1")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.neo4j
def test_load_and_stats_on_neo4j(neo4j_store, neo4j_uri, capsys, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    code, out, err = run(capsys, "load", "trade", str(TRADE_2017), "--year", "2017")
    assert code == 0, err
    assert "into Neo4j bolt://" in out
    code, out, _ = run(capsys, "db", "stats", "--format", "json")
    assert '"name":"EXPORTS"' in out.replace(" ", "") and '"count":176971' in out.replace(" ", "")
