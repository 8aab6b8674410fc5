"""``smartspec query list | show | run``: formats, parameters, write refusal, on both stores."""

from __future__ import annotations

import io
import json

import pandas as pd
import pytest
from test_cypher_queries import build_hand_graph

from smartspec.cli.main import main
from smartspec.cypher import library
from smartspec.graph_models.embedded_store import EmbeddedStore


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def home(env_home):
    """SMARTSPEC_HOME with the hand-made graph in its embedded store."""
    with EmbeddedStore(env_home / "graph.kgl") as store:
        build_hand_graph(store)
    return env_home


def _regions(home) -> int:
    with EmbeddedStore(home / "graph.kgl") as store:
        return int(store.run("MATCH (r:Region) RETURN count(r) AS n")["n"].iloc[0])


def test_list_names_every_query(capsys):
    code, out, _ = run(capsys, "query", "list")
    assert code == 0
    assert out.splitlines()[0].split() == ["name", "mode", "parameters", "description"]
    for name in library.names():
        assert f"\n{name} " in out
    code, out, _ = run(capsys, "query", "list", "--format", "csv")
    table = pd.read_csv(io.StringIO(out))
    assert table["name"].tolist() == library.names()
    row = table.set_index("name").loc["region_specialisations"]
    assert (row["mode"], row["parameters"]) == ("read", "region year [activity] [limit]")


def test_show_prints_header_and_cypher(capsys):
    code, out, _ = run(capsys, "query", "show", "similar_regions")
    assert code == 0
    assert out.startswith("// name: similar_regions\n// description: ")
    assert "// param: region string required -- region code" in out
    assert "// mode: read\n" in out and "\nMATCH (r:Region {code: $region})" in out
    code, _, err = run(capsys, "query", "show", "similar_region")
    assert code == 1 and "no query named 'similar_region'; did you mean similar_regions?" in err


def test_run_in_each_format(home, capsys, tmp_path):
    args = ["query", "run", "region_specialisations", "-p", "region=AAA", "--param", "year=2017"]
    code, out, err = run(capsys, *args, "--format", "csv")
    assert code == 0, err
    assert out.splitlines() == [
        "code,name,rca,amount,share",
        "0101,Horses,2.0,100.0,0.5",
        "0102,Cattle,1.5,50.0,0.25",
        "0201,Meat of cattle,1.2,40.0,0.2",
    ]
    code, out, _ = run(capsys, *args, "-p", "limit=1")
    assert out.splitlines()[1].split() == ["0101", "Horses", "2.0", "100.0", "0.5"]
    target = tmp_path / "out" / "spec.json"
    code, out, err = run(capsys, *args, "--format", "json", "--output", str(target))
    assert code == 0 and out == "" and "wrote 3 rows" in err
    assert json.loads(target.read_text())[0] == {
        "code": "0101",
        "name": "Horses",
        "rca": 2.0,
        "amount": 100.0,
        "share": 0.5,
    }


def test_run_lists_and_nulls(home, capsys):
    code, out, err = run(
        capsys, "query", "run", "complexity_over_time", "-p", "regions=AAA,BBB", "--format", "json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert [(r["region"], r["name"], r["year"], r["rank"], r["rank_change"]) for r in data] == [
        ("AAA", "Aland", 2016, 1, None),
        ("AAA", "Aland", 2017, 2, -1),
        ("BBB", "Borduria", 2016, 2, None),
        ("BBB", "Borduria", 2017, 1, 1),
    ]


@pytest.mark.parametrize(
    "args,message",
    [
        (["region_specialisations", "-p", "region=AAA"], "needs parameter 'year' (int)"),
        (
            ["region_specialisations", "-p", "region=AAA", "-p", "year=now"],
            "parameter 'year' expects an int, got 'now'",
        ),
        (["region_specialisations", "-p", "regio=AAA"], "has no parameter 'regio'"),
        (["region_specialisations", "-p", "region"], "--param takes NAME=VALUE"),
        (["region_specialisations", "-p", "a=1", "-p", "a=2"], "--param a given twice"),
        (["nope"], "no query named 'nope'"),
        ([], "give a query NAME or --cypher TEXT"),
        (["graph_summary", "--cypher", "RETURN 1"], "give a query NAME or --cypher TEXT"),
    ],
)
def test_run_errors_are_one_clear_line(home, capsys, args, message):
    code, out, err = run(capsys, "query", "run", *args)
    assert code != 0 and out == ""
    assert message in err and "Traceback" not in err


def test_write_queries_need_write(home, capsys):
    code, _, err = run(capsys, "query", "run", "delete_orphans")
    assert code == 1 and "'delete_orphans' writes to the graph; add --write" in err
    assert _regions(home) == 11
    code, out, err = run(capsys, "query", "run", "delete_orphans", "--write", "--format", "csv")
    assert code == 0, err
    assert out.splitlines() == [
        "label,deleted",
        "Organisation,2",
        "Product,1",
        "Project,1",
        "Region,2",
    ]
    assert _regions(home) == 9


def test_cypher_runs_read_only_unless_write(home, capsys):
    code, out, err = run(
        capsys, "query", "run", "--cypher", "MATCH (r:Region {code: $c}) RETURN r.name AS name",
        "-p", "c=AAA", "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    assert out.splitlines() == ["name", "Aland"]
    code, out, err = run(
        capsys, "query", "run", "--cypher", "RETURN $n + 1 AS n, $l AS l", "-p", "n=41",
        "-p", 'l=["a", "b"]', "--format", "json",
    )  # fmt: skip
    assert json.loads(out) == [{"n": 42, "l": ["a", "b"]}]
    delete = "MATCH (r:Region) DETACH DELETE r"
    code, _, err = run(capsys, "query", "run", "--cypher", delete)
    assert code == 1 and "writes to the graph" in err and "--write" in err
    assert _regions(home) == 11
    code, _, err = run(capsys, "query", "run", "--cypher", delete, "--write")
    assert code == 0, err
    assert _regions(home) == 0


@pytest.mark.neo4j
def test_run_on_neo4j(neo4j_store, neo4j_uri, env_home, monkeypatch, capsys):
    build_hand_graph(neo4j_store)
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    code, out, err = run(
        capsys, "query", "run", "locality_gatekeepers", "-p", "region=AA1", "--format", "csv"
    )
    assert code == 0, err
    assert out.splitlines() == [
        "organisation,name,type,local_partners,external_partners,brokerage",
        "o2,Aland University,university,1,2,2",
        "o1,Alpha Labs,research,1,1,1",
    ]
    assert "Received notification" not in err
    code, _, err = run(capsys, "query", "run", "--cypher", "MATCH (n) DETACH DELETE n")
    assert code == 1 and "writes to the graph" in err
    code, _, err = run(capsys, "--store", "neo4j", "query", "run", "delete_year", "-p", "year=2016")
    assert code == 1 and "add --write" in err
    count = neo4j_store.run("MATCH ()-[x:EXPORTS]->() RETURN count(x) AS n")["n"].iloc[0]
    assert count == 24
