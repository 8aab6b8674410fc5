"""Bulk first loads into Neo4j (smartspec.graph_models.bulk) and the connection settings of
clusters and Aura (routing, read sessions, TLS).

The bulk import needs a stopped database: it runs against a second local server of its own
(its own home and port, started once for this module), never the session's server, which holds
the MERGE path's load for the comparison.
"""

from __future__ import annotations

import csv
import io
import re
import socket
from pathlib import Path

import pandas as pd
import pytest

from smartspec.cli.main import main
from smartspec.graph_models import bulk, neo4j_server
from smartspec.graph_models.bulk import BulkError, BulkRecorder, write_import_files
from smartspec.graph_models.schema import SchemaError
from smartspec.graph_models.store import StoreError
from smartspec.loaders.datasets import data_path

TRADE_2017 = data_path("world_trade_2017.csv.gz")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


# -- the recorder: the MERGE path's semantics, without a server ----------------------------------


def test_nodes_merge_on_their_key_and_a_missing_value_removes_a_property():
    rec = BulkRecorder()
    rec.upsert_nodes("Region", pd.DataFrame({"code": ["DEU", "FRA"], "name": ["Germany", "F"]}))
    rec.upsert_nodes("Region", pd.DataFrame({"code": ["FRA", "ITA", "FRA"],
                                             "name": [None, "Italy", "France"],
                                             "level": ["country"] * 3}))
    rec.upsert_nodes("Region", pd.DataFrame({"code": ["DEU"], "name": [None]}))
    frame = rec.node_frame("Region").set_index("code")
    assert list(frame.index) == ["DEU", "FRA", "ITA"]  # first-write order
    assert frame.loc["DEU", "name"] is None  # SET n.name = null removes it
    assert frame.loc["FRA", "name"] == "France"  # the last row of a key wins
    assert frame.loc["DEU", "level"] is None and frame.loc["ITA", "level"] == "country"


def test_relationships_last_row_wins_and_need_both_endpoint_nodes():
    rec = BulkRecorder()
    rec.upsert_nodes("Region", pd.DataFrame({"code": ["DEU", "FRA"]}))
    rec.upsert_nodes("Product", pd.DataFrame({"code": ["0101", "0102"]}))
    rows = pd.DataFrame({"start": ["DEU", "DEU", "FRA", "ESP", "DEU"],
                         "end": ["0101", "0101", "0102", "0101", "9999"],
                         "year": [2017, 2017, 2017, 2017, 2017],
                         "value": [1.0, 2.0, 3.0, 4.0, 5.0]})
    assert rec.upsert_relationships("EXPORTS", rows, start="Region", end="Product") == 5
    # a later write of one relationship changes its value (as the MERGE path's update)
    rec.upsert_relationships("EXPORTS", pd.DataFrame({"start": ["FRA"], "end": ["0102"],
                                                      "year": [2017], "value": [30.0]}),
                             start="Region", end="Product")
    got = rec.relationship_frame("EXPORTS", "Region", "Product")
    assert got[["_start", "_end", "year", "value"]].values.tolist() == [
        ["DEU", "0101", 2017, 2.0], ["FRA", "0102", 2017, 30.0]]
    with pytest.raises(SchemaError, match="goes from Region to Product"):
        rec.upsert_relationships("EXPORTS", rows, start="Product", end="Region")


def test_undirected_pairs_are_stored_from_the_lower_key():
    rec = BulkRecorder()
    rec.upsert_nodes("Organisation", pd.DataFrame({"id": ["a", "b"]}))
    rec.upsert_relationships("COLLABORATES_WITH",
                             pd.DataFrame({"start": ["b"], "end": ["a"], "projects": [3]}),
                             start="Organisation", end="Organisation")
    got = rec.relationship_frame("COLLABORATES_WITH", "Organisation", "Organisation")
    assert got[["_start", "_end", "projects"]].values.tolist() == [["a", "b", 3]]


def test_reads_see_the_recorded_nodes_and_refuse_relationships_and_writes():
    rec = BulkRecorder()
    rec.upsert_nodes("Product", pd.DataFrame({"code": ["0101"], "classification": ["SITC2"]}))
    with rec:
        found = rec.run("MATCH (p:Product) WHERE p.classification <> $c RETURN p.code AS code",
                        {"c": "HS92"})
        assert found["code"].tolist() == ["0101"]
        rec.upsert_nodes("Product", pd.DataFrame({"code": ["0102"], "classification": ["X"]}))
        assert len(rec.run("MATCH (p:Product) RETURN p.code AS code")) == 2  # kept in step
        with pytest.raises(BulkError, match="reads relationships back"):
            rec.run("MATCH (a)-[:EXPORTS]->(b) RETURN count(*) AS n")
        with pytest.raises(BulkError, match="without --bulk"):
            rec.run("CREATE (:Region {code: 'X'})", write=True)


def test_import_files_types_quotes_and_keys(tmp_path):
    rec = BulkRecorder()
    rec.upsert_nodes("Region", pd.DataFrame({
        "code": ["DEU", "CIV"], "name": ["Germany", 'Côte d\'Ivoire, "CI"'],
        "m49": pd.array([276, None], dtype="Int64"), "iso2": ["", None]}))
    rec.upsert_nodes("Product", pd.DataFrame({
        "code": ["0101", "a,b"], "green_product": [True, False], "product_space_x": [0.1, None]}))
    rec.upsert_relationships("EXPORTS", pd.DataFrame({
        "start": ["DEU", "CIV", "DEU"], "end": ["0101", "0101", "a,b"], "year": [2017, 2017, 2018],
        "value": [0.1, 1e22, float("nan")]}), start="Region", end="Product")
    rec.upsert_nodes("Region", pd.DataFrame({"code": ["FRA"], "m49": [250.0]}))
    with pytest.raises(BulkError, match="both whole and decimal numbers"):
        write_import_files(rec, tmp_path)  # Int64 here, float there: Neo4j keeps both
    del rec.nodes["Region"]["FRA"]
    files = write_import_files(rec, tmp_path)
    assert files.node_count == 4 and files.relationship_count == 3
    regions = _read_csv(tmp_path / "Region.csv")
    assert regions[0] == ["code:ID(Region)", "name", "m49:long", "iso2"]
    assert regions[1:] == [["DEU", "Germany", "276", ""], ["CIV", 'Côte d\'Ivoire, "CI"', "", ""]]
    raw = (tmp_path / "Region.csv").read_text(encoding="utf-8").splitlines()
    assert raw[1] == '"DEU","Germany",276,""'  # an empty text stays one (quoted) ...
    assert raw[2].endswith(',,')  # ... a missing value is an empty field: no property
    products = _read_csv(tmp_path / "Product.csv")
    assert products[0] == ["code:ID(Product)", "green_product:boolean", "product_space_x:double"]
    assert products[1:] == [["0101", "true", "0.1"], ["a,b", "false", ""]]
    exports = _read_csv(tmp_path / "EXPORTS-Region-Product.csv")
    assert exports[0] == [":START_ID(Region)", ":END_ID(Product)", "key", "year:long",
                          "value:double"]
    assert exports[1:] == [
        ["DEU", "0101", "Region:DEU|Product:0101|2017", "2017", "0.1"],
        ["CIV", "0101", "Region:CIV|Product:0101|2017", "2017", "1e+22"],
        ["DEU", "a,b", "Region:DEU|Product:a,b|2018", "2018", ""],
    ]
    assert files.arguments()[:2] == [f"--nodes=Region={tmp_path / 'Region.csv'}",
                                     f"--nodes=Product={tmp_path / 'Product.csv'}"]


def test_the_plain_form_of_relationship_files_matches_the_quoted_one(tmp_path):
    rec = BulkRecorder()
    rec.upsert_nodes("Region", pd.DataFrame({"code": ["DEU", "FRA"]}))
    rec.upsert_nodes("Product", pd.DataFrame({"code": ["0101", "0102"]}))
    rows = pd.DataFrame({"start": ["DEU", "FRA"], "end": ["0102", "0101"], "year": [2017, 2016],
                         "value": [2.5, 3.0]})
    rec.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    write_import_files(rec, tmp_path)
    assert _read_csv(tmp_path / "EXPORTS-Region-Product.csv")[1:] == [
        ["DEU", "0102", "Region:DEU|Product:0102|2017", "2017", "2.5"],
        ["FRA", "0101", "Region:FRA|Product:0101|2016", "2016", "3.0"],
    ]


def test_a_patents_load_records_the_keys_the_stores_make(embedded_store, tmp_path):
    """Other loads fit too: patents with their IPC hierarchy and a knowledge space (PROXIMITY,
    keyed by year and the text ``method``: the quoted form of the files)."""
    from smartspec.loaders.patents import read_patents, write_knowledge_space, write_patents

    f = tmp_path / "p.csv"
    f.write_text("region,technology,year,count\nDE1,H01L,2000,2\nDE1,G06F,2000,1.5\n"
                 "FR1,H01L,2001,3\n")
    table = read_patents(f)
    space = pd.DataFrame({"activity_a": ["H01L"], "activity_b": ["G06F"], "year": [2000],
                          "cooccurrences": [1.0], "proximity": [0.5]})
    rec = BulkRecorder()
    with rec:
        for store in (embedded_store, rec):
            assert write_patents(store, table, region_level="nuts2")["hierarchy_nodes"] == 6
            write_knowledge_space(store, space)
        files = write_import_files(rec, tmp_path / "import")
    for rel_type in ("PATENTS", "PROXIMITY"):
        stored = embedded_store.run(f"MATCH (a)-[r:{rel_type}]->(b) "
                                    "RETURN a.code AS a, b.code AS b, r.key AS key")
        (path,) = [p for t, p in files.relationships if t == rel_type]
        rows = _read_csv(path)
        assert rows[0][:3] == [":START_ID(Region)" if rel_type == "PATENTS" else
                               ":START_ID(Technology)", ":END_ID(Technology)", "key"]
        assert sorted(map(tuple, (r[:3] for r in rows[1:]))) == sorted(
            map(tuple, stored.values.tolist()))
    assert _read_csv(tmp_path / "import" / "PROXIMITY-Technology-Technology.csv")[1] == [
        "G06F", "H01L", "Technology:G06F|Technology:H01L|2000|cooccurrence:association", "2000",
        "cooccurrence:association", "0.5", "1.0"]
    counts = embedded_store.counts().set_index("name")["count"].to_dict()
    assert files.node_count == counts["Region"] + counts["Technology"]
    assert files.relationship_count == counts["PART_OF"] + counts["PATENTS"] + counts["PROXIMITY"]


def test_import_command_runs_the_admin_tool_from_the_launcher(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARTSPEC_IMPORT_MEMORY", "512m")
    files = bulk.ImportFiles(tmp_path, nodes=[("Region", tmp_path / "Region.csv")])
    cmd = bulk.import_command(tmp_path, files, "neo4j")
    at = cmd.index(bulk.ADMIN_CLASS)
    assert cmd[at:at + 4] == [bulk.ADMIN_CLASS, "database", "import", "full"]
    assert "--max-off-heap-memory=512m" in cmd and cmd[-1] == "neo4j"
    monkeypatch.setenv("SMARTSPEC_IMPORT_MEMORY", "lots")
    with pytest.raises(BulkError, match="SMARTSPEC_IMPORT_MEMORY='lots'"):
        bulk.import_command(tmp_path, files)


def test_bulk_refuses_the_embedded_store_a_remote_server_and_a_stopped_one(tmp_path):
    with pytest.raises(BulkError, match="--bulk loads into Neo4j"):
        bulk.first_load(kind="embedded", home=tmp_path)
    with pytest.raises(BulkError, match=r"neo4j\+s://db.example.org:7687 is not that server.*"
                                        r"load without --bulk"):
        bulk.first_load(uri="neo4j+s://db.example.org:7687", home=tmp_path)
    with pytest.raises(BulkError, match="which is not running on bolt://127.0.0.1:.*; start it"):
        bulk.first_load(uri=f"bolt://127.0.0.1:{_free_port()}", home=tmp_path / "neo4j")


# -- bulk loads into a server of their own ---------------------------------------------------


@pytest.fixture(scope="module")
def bulk_server(tmp_path_factory, neo4j_uri):
    """A second local server (own home and port) for the imports; the session's server keeps
    running beside it."""
    root = tmp_path_factory.mktemp("bulk")
    info = neo4j_server.start(port=_free_port(), home=root / "neo4j", timeout=600)
    yield info
    neo4j_server.stop(home=info.home)


def _bulk_store(info):
    from smartspec.graph_models.neo4j_store import Neo4jStore

    return Neo4jStore(uri=info.uri, password=neo4j_server.local_password(info.uri, info.home))


@pytest.fixture
def small_trade(tmp_path) -> Path:
    """Exports of 30 countries (and one code no reference knows) in 2017, long layout."""
    from smartspec.loaders.trade import read_trade

    frame = pd.read_csv(TRADE_2017, dtype=str)
    keep = sorted(frame["reporter_iso"].unique())[:30]
    frame = frame[frame["reporter_iso"].isin(keep)]
    out = pd.DataFrame({"region": frame["reporter_iso"], "product": frame["product_code"],
                        "year": 2017, "value": frame["export_value_usd"]})
    extra = pd.DataFrame({"region": ["XKX", "XKX"], "product": ["0101", "8703"],
                          "year": [2017, 2017], "value": ["12.5", "1e9"]})
    path = tmp_path / "trade.csv"
    pd.concat([out, extra]).to_csv(path, index=False)
    read_trade(path, classification="HS12")  # a valid file
    return path


def _graph(store) -> tuple[set, set]:
    """Every node and relationship with its labels, keys and typed properties."""
    def typed(props: dict) -> tuple:
        return tuple(sorted((k, type(v).__name__, v) for k, v in props.items()))

    nodes = store.read_table("MATCH (n) RETURN labels(n) AS l, properties(n) AS p")
    rels = store.read_table(
        "MATCH (a)-[r]->(b) RETURN labels(a) AS la, coalesce(a.code, a.id) AS a, type(r) AS t, "
        "properties(r) AS p, labels(b) AS lb, coalesce(b.code, b.id) AS b")
    node_set = {(tuple(row.l), typed(row.p)) for row in nodes.itertuples()}
    rel_set = {(tuple(row.la), row.a, row.t, typed(row.p), tuple(row.lb), row.b)
               for row in rels.itertuples()}
    return node_set, rel_set


def _indexes(store) -> set:
    shown = store.run("SHOW INDEXES YIELD name, type, labelsOrTypes, properties "
                      "RETURN name, type, labelsOrTypes, properties")
    return {(r.name, r.type, tuple(r.labelsOrTypes or ()), tuple(r.properties or ()))
            for r in shown.itertuples() if r.name != "smartspec_lock_name"}


@pytest.mark.neo4j
def test_bulk_first_load_gives_the_graph_of_the_merge_path(
    bulk_server, neo4j_store, small_trade, monkeypatch, capsys
):
    from smartspec.loaders import trade

    with _bulk_store(bulk_server) as store:
        store.run("MATCH (n) DETACH DELETE n", write=True)
    monkeypatch.setenv("SMARTSPEC_HOME", str(bulk_server.home.parent))
    monkeypatch.setenv("NEO4J_URI", bulk_server.uri)
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)  # the local server's own
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)
    with pytest.raises(SystemExit) as exit_info:
        main(["load", "trade", str(small_trade), "--classification", "HS12", "--bulk"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 0, err
    assert "relationships/s" in out and "bulk import:" in out
    assert "exports of 31 regions" in out

    # the MERGE path on the session's server
    table = trade.read_trade(small_trade, classification="HS12")
    merged = trade.write_trade(neo4j_store, table)
    assert merged["regions"] == 31
    with _bulk_store(bulk_server) as store:
        bulk_nodes, bulk_rels = _graph(store)
        merge_nodes, merge_rels = _graph(neo4j_store)
        assert len(bulk_rels) > len(table.data)  # exports and the PART_OF hierarchy
        assert bulk_nodes == merge_nodes
        assert bulk_rels == merge_rels
        assert _indexes(store) == _indexes(neo4j_store)
        assert store.counts().equals(neo4j_store.counts())
        # the totals read back are the file's
        total = store.run("MATCH ()-[e:EXPORTS]->() RETURN sum(e.value) AS v, count(e) AS n")
        assert total["n"].iloc[0] == len(table.data)
        assert total["v"].iloc[0] == pytest.approx(table.data["value"].sum(), rel=1e-12)
        # MERGE adds to it afterwards, by the key index (one relationship per key, not two)
        trade.write_trade(store, table)
        assert store.counts().equals(neo4j_store.counts())

    # a second bulk load is refused: the database is no longer empty
    with pytest.raises(SystemExit) as exit_info:
        main(["load", "trade", str(small_trade), "--classification", "HS12", "--bulk"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 1
    assert "--bulk is for a first load into an empty database" in err
    assert "Load without --bulk" in err


@pytest.mark.neo4j
def test_bulk_refuses_a_database_name_the_local_server_does_not_have(bulk_server):
    with pytest.raises(BulkError, match="database 'neo4j' of the local server, not 'trade'"):
        bulk.first_load(uri=bulk_server.uri, home=bulk_server.home, database="trade")


@pytest.mark.neo4j
def test_a_failed_import_leaves_the_database_empty_and_the_server_running(
    bulk_server, monkeypatch
):
    with _bulk_store(bulk_server) as store:
        store.run("MATCH (n) DETACH DELETE n", write=True)
    files_of = bulk.ImportFiles.arguments
    missing = bulk_server.home / "no-such-file.csv"
    monkeypatch.setattr(bulk.ImportFiles, "arguments",
                        lambda self: [*files_of(self), f"--relationships=EXPORTS={missing}"])
    store = bulk.first_load(uri=bulk_server.uri, home=bulk_server.home)
    with pytest.raises(BulkError, match=r"neo4j-admin database import failed \(exit code"):
        with store:
            store.upsert_nodes("Region", pd.DataFrame({"code": ["DEU"]}))
    info = neo4j_server.status(bulk_server.home)
    assert info is not None and info.port == bulk_server.port
    with _bulk_store(bulk_server) as store:
        assert store.run("MATCH (n) RETURN count(n) AS n")["n"].iloc[0] == 0
        store.upsert_nodes("Region", pd.DataFrame({"code": ["DEU"]}))  # a working database


# -- clusters and Aura: routing, read sessions, TLS -------------------------------------------


@pytest.mark.neo4j
def test_a_routing_uri_reaches_the_local_server(neo4j_uri):
    from smartspec.graph_models.neo4j_store import Neo4jStore

    routing = neo4j_uri.replace("bolt://", "neo4j://")
    with Neo4jStore(uri=routing) as store:
        store.run("MATCH (n:Region {code: 'RTX'}) DELETE n", write=True)
        store.upsert_nodes("Region", pd.DataFrame({"code": ["RTX"], "name": ["Routed"]}))
        # the read goes to a read server (here the same one), after the write (bookmarks)
        found = store.run("MATCH (n:Region {code: 'RTX'}) RETURN n.name AS name")
        assert found["name"].tolist() == ["Routed"]
        store.run("MATCH (n:Region {code: 'RTX'}) DELETE n", write=True)


@pytest.mark.neo4j
def test_read_only_statements_run_in_read_sessions(neo4j_store, monkeypatch):
    import neo4j
    from neo4j.exceptions import ClientError

    opened = []
    real = neo4j_store._driver.session

    def session(**options):
        opened.append(options)
        return real(**options)

    monkeypatch.setattr(neo4j_store._driver, "session", session)
    neo4j_store.run("MATCH (n) RETURN count(n) AS n")
    neo4j_store.run("CREATE (:Region {code: 'RW1'})", write=True)
    modes = [o["default_access_mode"] for o in opened]
    assert modes == [neo4j.READ_ACCESS, neo4j.WRITE_ACCESS]
    # one bookmark manager for all sessions: a read on a secondary sees the earlier writes
    assert opened[0]["bookmark_manager"] is opened[1]["bookmark_manager"] is not None
    # and the server treats a read session as such: it refuses to write in one
    with neo4j_store._session(False) as s, pytest.raises(ClientError, match="read access"):
        s.run("CREATE (:Region {code: 'RW2'})").consume()


@pytest.mark.neo4j
@pytest.mark.parametrize("scheme", ["bolt+s", "neo4j+s", "bolt+ssc", "neo4j+ssc"])
def test_a_tls_uri_to_a_server_without_tls_says_so(neo4j_uri, scheme):
    from smartspec.graph_models.neo4j_store import Neo4jStore

    plain = scheme.split("+")[0]
    uri = neo4j_uri.replace("bolt://", f"{scheme}://")
    expected = (rf"does not speak TLS, which {re.escape(scheme)}:// asks for.*"
                rf"use {plain}:// for a server without TLS")
    with pytest.raises(StoreError, match=expected):
        Neo4jStore(uri=uri)
