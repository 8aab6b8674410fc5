"""The Python API against the command line: each method's table is the command's ``--format csv``
output, byte for byte, on the same graph, on both stores (the embedded store, then Neo4j)."""

from __future__ import annotations

import gzip
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import smartspec
from smartspec.cli.main import cli
from smartspec.cypher.library import QueryError
from smartspec.workflows import WorkflowError

JOBS = ("region,industry,year,jobs\nr1,10.11,2020,100\nr1,20.11,2020,50\nr1,29.10,2020,50\n"
        "R2,10.11,2020,20\nr2,20.11,2020,160\nr2,29.10,2020,20\nr3,10.11,2020,10\n"
        "R3,20.11,2020,10\nr3,29.10,2020,380\nr4,10.11,2020,70\nr4,20.11,2020,30\n")
PROJECTS = (
    "rcn,role,pic,type,contribution,country,start_date,end_date\n"
    "1,coordinator,a,PRC,1,DE,2015-01-01,2017-01-01\n"
    "1,participant,b,HES,1,DE,2015-01-01,2017-01-01\n"
    "1,participant,p,REC,1,FR,2015-01-01,2017-01-01\n"
    "2,coordinator,a,PRC,1,DE,2016-01-01,2018-01-01\n"
    "2,participant,r,PUB,1,IT,2016-01-01,2018-01-01\n"
    "3,coordinator,p,REC,1,FR,2017-01-01,2019-01-01\n"
    "3,participant,s,PRC,1,ES,2017-01-01,2019-01-01\n"
    "3,participant,r,PUB,1,IT,2017-01-01,2019-01-01\n"
)


def command(*args: str) -> str:
    """The command's standard output (it must succeed)."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def api(name: str, /, *args, **kwargs):
    """``smartspec.connect().<name>(...)``, the graph closed afterwards (the embedded store is
    locked while a graph holds it, and the command line opens it next)."""
    with smartspec.connect() as g:
        return getattr(g, name)(*args, **kwargs)


def same_csv(frame: pd.DataFrame, *args: str) -> None:
    """The API's table written as CSV is the command's ``--format csv`` output."""
    assert frame.to_csv(index=False) == command(*args, "--format", "csv")


@pytest.fixture
def trade_file(tmp_path, synthetic_trade):
    path = tmp_path / "trade.csv"
    synthetic_trade.rename(columns={"activity": "product"}).to_csv(path, index=False)
    return path


@pytest.fixture
def loaded(cli_store, trade_file):
    """The synthetic trade of 2000 and 2010 loaded through the API into the CLI's store."""
    summary = api("load_trade", trade_file, classification="HS92")
    return summary


def test_connect_chooses_the_store_as_the_cli_does(cli_store, monkeypatch, tmp_path):
    with smartspec.connect() as g:
        assert g.store.kind == cli_store
    with smartspec.connect("embedded", path=tmp_path / "other.kgl") as g:
        assert g.store.describe() == f"embedded store {tmp_path / 'other.kgl'}"
    with pytest.raises(WorkflowError, match="uri is for Neo4j"):
        smartspec.connect("embedded", uri="bolt://127.0.0.1:1")


def test_load_trade_matches_the_command(loaded, trade_file, synthetic_trade):
    row = loaded.iloc[0]
    assert (row["exports"], row["regions"], row["products"]) == (
        len(synthetic_trade), synthetic_trade["region"].nunique(),
        synthetic_trade["activity"].nunique())
    assert loaded.attrs["years"] == [2000, 2010]
    before = api("counts")
    out = command("load", "trade", str(trade_file), "--classification", "HS92")
    assert f"{row['exports']:,} exports of {row['regions']:,} regions" in out
    pd.testing.assert_frame_equal(api("counts"), before)  # the same file twice: the same graph


@pytest.mark.parametrize("table", ["summary", "pairs", "regions", "activities"])
def test_specialisation(loaded, table):
    frame = api("specialisation", year=2010, table=table)
    assert frame.attrs["parameters"] == {"rca_method": "balassa", "rca_threshold": 1.0}
    same_csv(frame, "compute", "specialisation", "--year", "2010", "--table", table)


def test_complexity(loaded):
    frame = api("complexity", year=2010)
    assert frame.attrs["parameters"]["pci_standardise"] == "eci"
    assert list(frame.columns[:3]) == ["region", "region_name", "year"]
    same_csv(frame, "compute", "complexity", "--year", "2010")
    frame = api("complexity", activities=True, top=5, ddof=1, standardise="own",
                sign="ubiquity", method="additive")
    assert frame.attrs["parameters"]["ddof"] == 1
    same_csv(frame, "compute", "complexity", "--activities", "--top", "5", "--ddof", "1",
             "--standardise", "own", "--sign", "ubiquity", "--method", "additive")
    frame = api("complexity", year=[2000], min_region_total=1000, exclude_activities=["0101"],
                write=False)
    assert frame.attrs["parameters"]["exclude_activities"] == ["0101"]
    same_csv(frame, "compute", "complexity", "--year", "2000", "--min-region-total", "1000",
             "--exclude-activity", "0101", "--no-write")


def test_complexity_from_a_file(tmp_path, synthetic_trade, env_home):
    path = tmp_path / "trade.csv"
    synthetic_trade.to_csv(path, index=False)
    from smartspec.workflows.complexity import complexity

    frame = complexity(None, input_file=path, year=2000)
    assert frame.attrs["parameters"]["source"] == str(path)
    same_csv(frame, "compute", "complexity", "--input", str(path), "--year", "2000")


def test_relatedness(loaded):
    frame = api("relatedness", year=2010)
    assert frame.attrs["graph"]["min_proximity"] == 0.3
    same_csv(frame, "compute", "relatedness", "--year", "2010")
    frame = api("relatedness", year=2010, proximity=True, min_proximity=0.4)
    assert frame["proximity"].min() >= 0.4
    same_csv(frame, "compute", "relatedness", "--year", "2010", "--proximity",
             "--min-proximity", "0.4")


def test_pathways_and_opportunities(loaded):
    api("specialisation")
    for table in ("paths", "related"):
        frame = api("pathways", "AUT", "9004", year=2010, table=table)
        same_csv(frame, "pathways", "--region", "AUT", "--target", "9004", "--year", "2010",
                 "--table", table)
    frame = api("opportunities", "Austria", year=2010, top=8)
    assert frame.attrs["region"] == "AUT"
    same_csv(frame, "recommend", "activities", "--region", "Austria", "--year", "2010",
             "--top", "8")


def test_query_and_cypher(loaded):
    api("specialisation")
    frame = api("query", "region_specialisations", region="DEU", year=2010, limit=5)
    same_csv(frame, "query", "run", "region_specialisations", "-p", "region=DEU",
             "-p", "year=2010", "-p", "limit=5")
    text = "MATCH (r:Region) WHERE r.code IN $codes RETURN r.code AS code ORDER BY code"
    frame = api("cypher", text, codes=["DEU", "FRA"])
    assert frame["code"].tolist() == ["DEU", "FRA"]
    same_csv(frame, "query", "run", "--cypher", text, "-p", 'codes=["DEU", "FRA"]')
    with pytest.raises(QueryError, match="write=True"):
        api("cypher", "MATCH (r:Region {code: $c}) SET r.name = 'x'", c="DEU")
    assert api("cypher", "MATCH (r:Region {code: 'DEU'}) RETURN r.name AS n")["n"][0] == "Germany"
    api("cypher", "MATCH (r:Region {code: $c}) SET r.note = 'seen'", c="DEU", write=True)
    assert api("cypher", "MATCH (r:Region {code: 'DEU'}) RETURN r.note AS n")["n"][0] == "seen"


INVENTORS = ("appln_id,person_id,reg_code,reg_share,inv_share\n1,11,DE111,1,0.5\n"
             "1,12,FR101,1,0.5\n2,21,DE111,1,0.333\n2,22,DE111,1,0.333\n2,23,FR101,1,0.333\n"
             "3,31,FR101,1,1\n")
IPC = ("appln_id,prio_year,IPC\n1,2010,H01L  21/00\n1,2010,H01L  23/48\n1,2010,G06F   3/00\n"
       "2,2010,H01L  21/762\n3,2011,A61K  31/00\n3,2011,G06F  17/30\n")


def test_other_loads_match_their_commands(cli_store, tmp_path):
    (tmp_path / "inv.csv").write_text(INVENTORS)
    (tmp_path / "ipc.csv").write_text(IPC)
    done = api("load_patents", tmp_path / "inv.csv", layout="regpat",
               classes=tmp_path / "ipc.csv", region_level="nuts3")
    row = done.iloc[0]
    assert done.attrs["years"] == [2010, 2011]
    before = api("counts")
    out = command("load", "patents", str(tmp_path / "inv.csv"), "--layout", "regpat",
                  "--classes", str(tmp_path / "ipc.csv"), "--region-level", "nuts3")
    assert f"{row['patents']:,} patent counts of {row['regions']:,} regions" in out
    assert f"knowledge space: {row['knowledge_space']:,} co-classified pairs" in out
    pd.testing.assert_frame_equal(api("counts"), before)
    done = api("load_classification", "countries")
    out = command("load", "classification", "countries")
    assert out == f"loaded into {done.attrs['store']}: {done.attrs['summary']}\n"
    (tmp_path / "members.csv").write_text("organisation,cluster,since\na,C1,2014\nb,C1,2015\n")
    done = api("load_clusters", tmp_path / "members.csv")
    assert (done.iloc[0]["clusters"], done.iloc[0]["members"]) == (1, 2)
    out = command("load", "clusters", str(tmp_path / "members.csv"))
    assert "1 clusters, 2 memberships" in out
    assert api("queries").to_csv(index=False) == command("query", "list", "--format", "csv")


def test_clusters(cli_store, tmp_path):
    (tmp_path / "jobs.csv").write_text(JOBS)
    summary = api("load_employment", tmp_path / "jobs.csv", classification="NACE")
    assert summary.iloc[0]["employs"] == 11
    for table in ("clusters", "pairs"):
        frame = api("clusters", table=table)
        same_csv(frame, "compute", "clusters", "--table", table)
    assert api("clusters").attrs["mapped"] == 4


def test_collaboration_and_partners(cli_store, tmp_path):
    (tmp_path / "h.csv").write_text(PROJECTS)
    summary = api("load_collaborations", tmp_path / "h.csv")
    assert summary.iloc[0]["projects"] == 3
    frame = api("collaboration", ["country:DE", "country:FR"])
    assert frame["actor_set_name"].tolist()[:1] == ["Germany"]
    same_csv(frame, "compute", "collaboration", "--actor-set", "country:DE", "--actor-set",
             "country:FR")
    with pytest.raises(WorkflowError, match="no members"):
        api("collaboration", "country:JP")
    frame = api("recommend_partners", "a", top=5)
    same_csv(frame, "recommend", "partners", "--organisation", "a", "--top", "5")


# Two groups of related products (1001-1003 made by four countries, 2001-2003 by four others),
# 3001 and 4001 made by one country each; Germany also makes 2001, 2002 and 3001 (three of its
# segments have value).
PLANTED = "region,product,value\n" + "".join(
    f"{c},{'100' if i < 4 else '200'}{k},100\n"
    for i, c in enumerate(["DEU", "FRA", "ITA", "ESP", "NLD", "BEL", "AUT", "POL"])
    for k in (1, 2, 3)) + "SWE,3001,100\nDNK,4001,100\nDEU,2001,150\nDEU,2002,150\nDEU,3001,20\n"
CLUSTERS = ("cluster,name,region,specialisation\nC1,Food cluster,DEU,1001;1002\n"
            "C2,Steel cluster,DEU,2001\nC3,Paper cluster,DEU,4001\nC9,Elsewhere,FRA,3001\n")
MEMBERS = "organisation,cluster\no1,C1\no2,C1\no3,C2\no4,C2\no5,C3\no6,C3\n"
PARTNERS = ("organisation,partner,year,country,partner_country\no1,o2,2020,DE,DE\n"
            "o3,o4,2020,DE,DE\no1,o5,2020,DE,DE\no2,o6,2020,DE,DE\no5,o3,2020,DE,DE\n")
PRIORITIES = ("region,priority,activity\nDEU,P1 agri-food,1003\nDEU,P2 metals,2002\n"
              "DEU,P2 metals,2003\nDEU,P3 new,3001\nFRA,F1,1001\n")


@pytest.fixture
def planted(env_home, tmp_path):
    """The planted products, cluster organisations (C1-C3 in DEU, C9 in FRA) with members and
    partnerships, loaded through the API into the CLI's embedded store; the priorities file."""
    for name, text in (("trade.csv", PLANTED), ("clusters.csv", CLUSTERS),
                       ("members.csv", MEMBERS), ("partners.csv", PARTNERS),
                       ("ris3.csv", PRIORITIES)):
        (tmp_path / name).write_text(text)
    api("load_trade", tmp_path / "trade.csv", year=2017)
    api("load_clusters", tmp_path / "clusters.csv", activity="product")
    api("load_clusters", tmp_path / "members.csv")
    api("load_collaborations", tmp_path / "partners.csv", layout="partners")
    return tmp_path / "ris3.csv"


def test_segments(planted, tmp_path):
    frame = api("segments")
    assert (frame.attrs["segments"], frame.attrs["written"]) == (4, 4)
    assert frame["activity"].tolist()[:3] == ["1001", "1002", "1003"]
    same_csv(frame, "compute", "segments")
    frame = api("segments", region="Germany", since=2017, resolution=2, write=False)
    assert frame.attrs["region"] == "DEU" and frame["region_name"].iloc[0] == "Germany"
    assert frame["share"].sum() == pytest.approx(1.0)
    same_csv(frame, "compute", "segments", "--region", "Germany", "--since", "2017",
             "--resolution", "2", "--no-write")
    (tmp_path / "defs.csv").write_text("activity,cluster,label\n1001,agri,Agri-food\n"
                                       "1002,agri,Agri-food\n2001,metal,\n")
    frame = api("segments", definitions=tmp_path / "defs.csv", label_size=1)
    assert frame.attrs["parameters"]["method"] == "given"
    same_csv(frame, "compute", "segments", "--definitions", str(tmp_path / "defs.csv"),
             "--label-size", "1")
    with pytest.raises(WorkflowError, match="--since needs --region"):
        api("segments", since=2017)


@pytest.mark.parametrize("table", ["priorities", "clusters", "matrix"])
def test_alignment(planted, table):
    frame = api("alignment", planted, region="DEU", clusters="organisations", table=table)
    assert frame.attrs["unserved"] == ["P3 new"] and frame.attrs["unmatched"] == ["C3"]
    assert frame.attrs["when"] == "DEU 2017"
    same_csv(frame, "compute", "alignment", "--priorities", str(planted), "--region", "DEU",
             "--clusters", "organisations", "--table", table)
    frame = api("alignment", planted, region="deu", min_lq=0, threshold=0.4, table=table)
    assert frame.attrs["clusters"] == "segments" and frame.attrs["unserved"] == []
    same_csv(frame, "compute", "alignment", "--priorities", str(planted), "--region", "deu",
             "--min-lq", "0", "--threshold", "0.4", "--table", table)


def test_alignment_refusals(planted):
    with pytest.raises(WorkflowError, match="--clusters topics needs --activity topic"):
        api("alignment", planted, region="DEU", clusters="topics")
    with pytest.raises(WorkflowError, match="unknown table 'best'"):
        api("alignment", planted, table="best")
    with pytest.raises(ValueError, match="choose one with --region"):  # the file's LoaderError
        api("alignment", planted)


def test_intercluster(planted):
    frame = api("intercluster", region="DEU", top=2)
    assert len(frame) == 2 and frame.attrs["pairs"] == 3
    assert frame.iloc[0][["cluster_a", "cluster_b", "starters"]].tolist() == [
        "C1", "C2", "o1~o3 (1)"]
    same_csv(frame, "compute", "intercluster", "--region", "DEU", "--top", "2")
    frame = api("intercluster", clusters="segments", region="DEU", min_lq=0, links=1)
    assert frame.attrs["clusters"] == "segments" and len(frame) == 3
    same_csv(frame, "compute", "intercluster", "--clusters", "segments", "--region", "DEU",
             "--min-lq", "0", "--links", "1")
    with pytest.raises(WorkflowError, match="fewer than two clusters"):
        api("intercluster", region="FRA")


# Topics A, B, C of Bonn's organisations (main topic A: 1001, 1002; B: 1003, 1004; C: 1005,
# 1006) and of Paris's (2001 does A and B, so A and B are related; 1001 also does C).
TOPIC_PROJECTS = {1: ("A", ["1001", "1002", "2001"]), 2: ("A", ["1001", "1002"]),
                  3: ("B", ["1003", "1004", "2001"]), 4: ("B", ["1003", "1004"]),
                  5: ("A", ["2002", "2003"]), 6: ("B", ["2002", "2003"]),
                  7: ("C", ["1005", "1006", "1001"]), 8: ("C", ["1005", "1006"])}


def _topic_projects(folder: Path) -> Path:
    """The projects as a shared H2020 extract with its programme parts and organisations."""
    rows = ["rcn,role,pic,type,contribution,country,start_date,end_date"]
    for rcn, (_, orgs) in TOPIC_PROJECTS.items():
        rows += [f"{rcn},{'participant' if k else 'coordinator'},{o},REC,1,"
                 f"{'DE' if o < '2' else 'FR'},2016-01-01,2018-12-31"
                 for k, o in enumerate(orgs)]
    (folder / "h2020.csv").write_text("\n".join(rows) + "\n")
    parts = "rcn,programme_part\n" + "".join(f"{r},{p}\n" for r, (p, _) in
                                             TOPIC_PROJECTS.items())
    (folder / "programme_parts.csv.gz").write_bytes(gzip.compress(parts.encode()))
    orgs = sorted({o for _, members in TOPIC_PROJECTS.values() for o in members})
    nodes = "orgId,name,city,country\n" + "".join(
        f"{o},ORG {o},{'Bonn,DE' if o < '2' else 'Paris,FR'}\n" for o in orgs)
    (folder / "odfest2017_h2020_org_nodes.csv.gz").write_bytes(gzip.compress(nodes.encode()))
    return folder / "h2020.csv"


def test_topic_clusters(env_home, tmp_path):
    api("load_collaborations", _topic_projects(tmp_path))
    frame = api("intercluster", activity="topic", region="Bonn", min_members=2,
                save_clusters=tmp_path / "api.csv")
    assert frame.iloc[0][["cluster_a", "cluster_b", "starters_names"]].tolist() == [
        "DEU-BONN:A", "DEU-BONN:B", "ORG 1001 ~ ORG 1003"]
    same_csv(frame, "compute", "intercluster", "--activity", "topic", "--region", "Bonn",
             "--min-members", "2", "--save-clusters", str(tmp_path / "cli.csv"))
    assert (tmp_path / "api.csv").read_text() == (tmp_path / "cli.csv").read_text()
    (tmp_path / "p.csv").write_text("region,priority,activity\nDEU-BONN,Materials,A\n"
                                    "DEU-BONN,Mobility,B\n")
    frame = api("alignment", tmp_path / "p.csv", activity="topic", min_members=2,
                table="clusters")
    assert frame.attrs["unmatched"] == ["DEU-BONN:C"]
    same_csv(frame, "compute", "alignment", "--activity", "topic", "--priorities",
             str(tmp_path / "p.csv"), "--min-members", "2", "--table", "clusters")
    with pytest.raises(WorkflowError, match="--year does not apply to --activity topic"):
        api("intercluster", activity="topic", region="Bonn", year=2017)


def test_a_failed_call_leaves_the_embedded_graph_as_it_was(env_home, trade_file):
    with smartspec.connect() as g:
        g.load_trade(trade_file, classification="HS92")
        before = g.counts()
        with pytest.raises(WorkflowError, match="no Product data for year"):
            g.complexity(year=1999)
        # a workflow that fails after writing: nothing of it stays, and the graph stays usable

        def half_done(store):
            store.run("MATCH (r:Region) SET r.flag = 1", write=True)
            raise RuntimeError("stopped halfway")

        with pytest.raises(RuntimeError, match="halfway"):
            g._call(half_done)
        assert g.cypher("MATCH (r:Region) WHERE r.flag = 1 RETURN count(r) AS n")["n"][0] == 0
        pd.testing.assert_frame_equal(g.counts(), before)
    frame = pd.read_csv(io.StringIO(command("query", "run", "graph_summary", "--format", "csv")))
    assert int(frame.set_index("name").loc["EXPORTS", "count"]) == before.set_index(
        "name").loc["EXPORTS", "count"]


def test_report(loaded, tmp_path):
    path = api("report", "Austria", peers=["DEU"], top=5, output=tmp_path / "api")
    assert path == tmp_path / "api" / "smartspec_report_AUT.html"
    out = command("report", "--region", "Austria", "--peers", "DEU", "--top", "5", "--output",
                  str(tmp_path / "cli"))
    assert out.startswith(f"wrote {tmp_path / 'cli' / 'smartspec_report_AUT.html'} on Austria")
    # the figures' layouts and the time stamp differ from run to run; the tables and headings
    # are the same

    def tables(page: str) -> list[str]:
        return re.findall(r"<h[1-3][^>]*>.*?</h[1-3]>|<table.*?</table>", page, flags=re.S)

    mine, theirs = (tables(p.read_text()) for p in (path, tmp_path / "cli" / path.name))
    assert len(mine) > 5 and mine == theirs


def test_every_error_of_an_api_call_is_a_smartspec_error(env_home, tmp_path):
    """One base class for what the API raises on bad input (a file, a parameter, a query, a
    store), each still the ValueError or RuntimeError it was; the message names the file."""
    from smartspec.algorithms._validation import ValidationError
    from smartspec.graph_models.store import StoreError
    from smartspec.loaders._io import LoaderError

    base = smartspec.SmartspecError
    for cls, kind in ((LoaderError, ValueError), (ValidationError, ValueError),
                      (WorkflowError, ValueError), (QueryError, ValueError),
                      (StoreError, RuntimeError)):
        assert issubclass(cls, base) and issubclass(cls, kind), cls
    bad = tmp_path / "trade.csv"
    bad.write_text("region,product,year,value\n\nDEU,0101,2017,ten\n")  # line 3 (a blank line)
    with smartspec.connect() as g:
        with pytest.raises(base, match=r"trade\.csv.*'value'.*line\(s\) 3") as caught:
            g.load_trade(bad, classification="HS92")
        assert isinstance(caught.value, LoaderError) and isinstance(caught.value, ValueError)
        with pytest.raises(base, match="no query named"):
            g.query("no_such_query")
