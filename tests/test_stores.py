"""Both stores behave alike: schema, idempotent upserts, reads, counts, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartspec.graph_models import schema
from smartspec.graph_models.store import StoreError, disjoint_rounds, open_store


def _counts(store) -> dict[tuple[str, str], int]:
    return {(k, n): c for k, n, c in store.counts().itertuples(index=False)}


def test_schema_statements_cover_every_key():
    text = "\n".join(schema.schema_statements())
    for spec in schema.NODES.values():
        assert f"FOR (n:{spec.label}) REQUIRE n.{spec.key} IS UNIQUE" in text
    # relationship keys get plain indexes (loads take turns instead, see Store.load_lock), and
    # no other relationship property is indexed: such an index misleads MERGE plans
    keyed = [spec.type for spec in schema.RELATIONSHIPS.values() if spec.key]
    assert keyed and "]-() REQUIRE" not in text
    assert [s for s in schema.schema_statements() if "]-() ON" in s] == [
        f"CREATE INDEX {t.lower()}_key IF NOT EXISTS FOR ()-[r:{t}]-() ON (r.key)" for t in keyed
    ]


def test_schema_rejects_unknown_names():
    with pytest.raises(schema.SchemaError, match="unknown node label 'Country'"):
        schema.node("Country")
    with pytest.raises(schema.SchemaError, match="not a valid property name"):
        schema.check_property("value}) DETACH DELETE (n")


def test_create_schema_creates_constraints(store):
    store.create_schema()
    store.create_schema()  # idempotent
    shown = store.run("SHOW CONSTRAINTS")
    names = set(shown["name"])
    for spec in schema.NODES.values():
        assert f"{spec.label.lower()}_{spec.key}" in names
    indexes = store.run("SHOW INDEXES")
    keyed = indexes[indexes["entityType"].eq("RELATIONSHIP") & indexes["type"].ne("LOOKUP")]
    assert set(keyed["name"]) == {
        schema.relationship_key_index(spec) for spec in schema.RELATIONSHIPS.values() if spec.key
    }
    assert all(list(p) == ["key"] for p in keyed["properties"])


def test_create_schema_replaces_an_old_unique_key_constraint(store):
    """Databases of earlier versions hold a uniqueness constraint on relationship keys."""
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    store.upsert_nodes("Product", pd.DataFrame({"code": ["0011"]}))
    store.run("DROP INDEX exports_key IF EXISTS", write=True)
    store.run("CREATE CONSTRAINT exports_key IF NOT EXISTS "
              "FOR ()-[r:EXPORTS]-() REQUIRE r.key IS UNIQUE", write=True)
    rows = pd.DataFrame({"start": ["A"], "end": ["0011"], "year": [2017], "value": [1.0]})
    store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    store.create_schema()
    assert "exports_key" not in set(store.run("SHOW CONSTRAINTS")["name"])
    indexes = store.run("SHOW INDEXES")
    assert "exports_key" in set(indexes["name"][indexes["entityType"].eq("RELATIONSHIP")])
    found = store.run("MATCH ()-[r:EXPORTS {key: $k}]->() RETURN r.value AS value",
                      {"k": "Region:A|Product:0011|2017"})
    assert found["value"].tolist() == [1.0]


def test_unique_constraint_is_enforced(store):
    store.create_schema()
    store.run("CREATE (:Region {code: 'AAA'})", write=True)
    with pytest.raises(StoreError):
        store.run("CREATE (:Region {code: 'AAA'})", write=True)


def test_upserts_are_idempotent_and_read_back(store):
    store.create_schema()
    regions = pd.DataFrame({"code": ["A", "B"], "level": ["country", "country"]})
    products = pd.DataFrame({"code": ["0011", "0101"], "classification": ["HS92", None]})
    rels = pd.DataFrame(
        {
            "start": ["A", "A", "B", "A"],
            "end": ["0011", "0101", "0011", "0011"],
            "year": [2017, 2017, 2017, 2018],
            "value": [1.5, 2.0, None, 4.0],
        }
    )
    for _ in range(2):
        store.upsert_nodes("Region", regions)
        store.upsert_nodes("Product", products)
        store.upsert_relationships("EXPORTS", rels, start="Region", end="Product")
    assert _counts(store) == {
        ("node", "Region"): 2,
        ("node", "Product"): 2,
        ("relationship", "EXPORTS"): 4,
    }
    back = store.read_relationships(
        "EXPORTS", start="Region", end="Product", properties=["year", "value"]
    ).sort_values(["start", "end", "year"], ignore_index=True)
    assert back["end"].tolist() == ["0011", "0011", "0101", "0011"]  # codes keep leading zeros
    assert back["year"].tolist() == [2017, 2018, 2017, 2017]
    assert back["value"].tolist()[:3] == [1.5, 4.0, 2.0]
    assert pd.isna(back["value"].iloc[3])
    only = store.read_relationships(
        "EXPORTS", start="Region", end="Product", properties=["value"], where={"year": [2018]}
    )
    assert only["value"].tolist() == [4.0]


def test_upsert_updates_changed_values(store):
    store.create_schema()
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    store.upsert_nodes("Product", pd.DataFrame({"code": ["X", "Y"]}))
    rows = pd.DataFrame(
        {"start": ["A", "A"], "end": ["X", "Y"], "year": [2000, 2000], "value": [1.0, 2.0]}
    )
    store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    rows.loc[0, "value"] = 10.0
    store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    back = store.read_relationships("EXPORTS", start="Region", end="Product", properties=["value"])
    assert sorted(back["value"]) == [2.0, 10.0]
    assert len(back) == 2


def test_undirected_relationships_are_stored_once(store):
    store.create_schema()
    store.upsert_nodes("Product", pd.DataFrame({"code": ["a", "b"]}))
    rows = pd.DataFrame(
        {
            "start": ["b", "a"],
            "end": ["a", "b"],
            "year": [2000, 2000],
            "method": ["mcp", "mcp"],
            "phi": [0.5, 0.5],
        }
    )
    store.upsert_relationships("PROXIMITY", rows, start="Product", end="Product")
    back = store.read_relationships("PROXIMITY", start="Product", end="Product", properties=["phi"])
    assert back[["start", "end"]].values.tolist() == [["a", "b"]]


def test_relationship_endpoints_are_checked(store):
    with pytest.raises(schema.SchemaError, match="EXPORTS goes from Region to Product"):
        store.upsert_relationships(
            "EXPORTS",
            pd.DataFrame({"start": [], "end": [], "year": []}),
            start="Product",
            end="Region",
        )


def test_parameters_are_values_not_code(store):
    store.create_schema()
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    evil = "A'}) DETACH DELETE n //"
    store.upsert_nodes("Region", pd.DataFrame({"code": [evil], "name": ["x' OR 1=1"]}))
    out = store.run("MATCH (n:Region) RETURN n.code AS code ORDER BY code")
    assert out["code"].tolist() == ["A", evil]


def test_read_only_queries_refuse_writes(store):
    with pytest.raises(StoreError):
        store.run("CREATE (:Region {code: 'Z'})")
    assert store.run("MATCH (n) RETURN count(n) AS c")["c"].iloc[0] == 0


def test_unknown_store_kind():
    with pytest.raises(StoreError, match="unknown store 'mysql'"):
        open_store("mysql")


def test_unreachable_neo4j_names_the_uri():
    port = 1  # nothing listens on port 1 of loopback
    with pytest.raises(StoreError, match=r"Neo4j is unreachable at bolt://127\.0\.0\.1:1"):
        open_store("neo4j", uri=f"bolt://127.0.0.1:{port}")


def test_embedded_store_writes_land_only_on_commit(tmp_path):
    from smartspec.graph_models.embedded_store import EmbeddedStore

    path = tmp_path / "g.kgl"
    with EmbeddedStore(path) as s:
        s.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    s = EmbeddedStore(path)
    s.upsert_nodes("Region", pd.DataFrame({"code": ["B"]}))
    s.close()  # no commit: B is lost, A stays
    with EmbeddedStore(path) as s:
        assert s.run("MATCH (n:Region) RETURN n.code AS c")["c"].tolist() == ["A"]


def test_embedded_store_is_single_writer(tmp_path):
    from smartspec.graph_models.embedded_store import EmbeddedStore

    with EmbeddedStore(tmp_path / "g.kgl"):
        with pytest.raises(StoreError, match="in use by another smartspec process"):
            EmbeddedStore(tmp_path / "g.kgl")


def test_keyed_relationships_carry_a_key(store):
    store.create_schema()
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    store.upsert_nodes("Product", pd.DataFrame({"code": ["0011"]}))
    rows = pd.DataFrame({"start": ["A", "A"], "end": ["0011", "0011"], "year": [2016, 2017],
                         "value": [1.0, 2.0]})
    for _ in range(2):
        store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    keys = store.run("MATCH ()-[r:EXPORTS]->() RETURN r.key AS key ORDER BY key")["key"].tolist()
    assert keys == ["Region:A|Product:0011|2016", "Region:A|Product:0011|2017"]
    with pytest.raises(schema.SchemaError, match="'key' of EXPORTS is made by the store"):
        store.upsert_relationships("EXPORTS", rows.assign(key="x"), start="Region", end="Product")


def test_disjoint_rounds_refuses_fewer_than_one_writer():
    from smartspec.algorithms._validation import ValidationError

    with pytest.raises(ValidationError, match="writers must be an integer of at least 1, not 0"):
        disjoint_rounds(["a"], ["b"], writers=0)


@pytest.mark.parametrize("same_nodes", [False, True])
@pytest.mark.parametrize("writers", [1, 2, 3, 4])
def test_disjoint_rounds_blocks_share_no_node(same_nodes, writers):
    rng = np.random.default_rng(writers)
    starts = rng.integers(0, 40, 3000).astype(str)
    ends = rng.integers(0, 40, 3000).astype(str)
    if not same_nodes:
        ends = np.char.add("p", ends)
    rounds = disjoint_rounds(starts, ends, writers=writers, same_nodes=same_nodes)
    positions = np.concatenate([block for r in rounds for block in r])
    assert sorted(positions) == list(range(3000))  # every row once
    pairs = {}
    for r in rounds:
        assert len(r) <= (2 * writers if same_nodes else writers)
        nodes = [set(starts[b]) | set(ends[b]) for b in r]
        assert sum(map(len, nodes)) == len(set().union(*nodes))  # no node in two blocks
        for i, block in enumerate(r):
            assert (np.diff(block) > 0).all()  # rows keep their order
            for s, e in zip(starts[block], ends[block], strict=True):
                assert pairs.setdefault(frozenset((s, e)), (id(r), i)) == (id(r), i)
    if not same_nodes:  # a Latin square: every round keeps all writers busy
        assert [len(r) for r in rounds] == [writers] * writers


def _graph(store):
    out = {}
    for rel, start, end, props in [
        ("EXPORTS", "Region", "Product", ["year", "value"]),
        ("PROXIMITY", "Product", "Product", ["year", "method", "phi"]),
        ("MEMBER_OF", "Organisation", "Cluster", ["since"]),
    ]:
        back = store.read_relationships(rel, start=start, end=end, properties=props)
        out[rel] = back.sort_values(["start", "end", *props[:2]], ignore_index=True)
    return out


@pytest.mark.neo4j
def test_parallel_writers_write_the_same_graph(neo4j_store, embedded_store, monkeypatch):
    """Several Neo4j writers (node-disjoint rounds, columns as lists, reads in chunks) end with
    the graph one embedded writer makes, for a first load, an update and a reload."""
    from smartspec.graph_models import neo4j_store as module

    monkeypatch.setattr(module, "READ_CHUNK", 100)  # several read statements per type
    rng = np.random.default_rng(3)
    regions = [f"R{i:02d}" for i in range(30)]
    products = [f"{i:04d}" for i in range(60)]
    exports = pd.DataFrame(
        [(r, p, y) for r in regions for p in products for y in (2000, 2001)],
        columns=["start", "end", "year"],
    ).sample(1500, random_state=1)
    exports["value"] = rng.gamma(1.0, 10.0, len(exports))
    exports.loc[exports.index[::17], "value"] = np.nan
    pairs = pd.DataFrame({"start": rng.choice(products, 800), "end": rng.choice(products, 800)})
    pairs = pairs[pairs["start"] != pairs["end"]]
    pairs = pairs[~pd.DataFrame(np.sort(pairs.to_numpy(), axis=1)).duplicated().to_numpy()]
    proximity = pairs.assign(year=2000, method="mcp", phi=rng.random(len(pairs)))  # both ways
    members = pd.DataFrame({"start": [f"o{i}" for i in range(300)],
                            "end": [f"c{i % 7}" for i in range(300)], "since": 2010})
    neo4j_store.writers = 3
    for store in (neo4j_store, embedded_store):
        store.create_schema()
        store.upsert_nodes("Region", pd.DataFrame({"code": regions}))
        store.upsert_nodes("Product", pd.DataFrame({"code": products}))
        store.upsert_nodes("Organisation", pd.DataFrame({"id": members["start"]}))
        store.upsert_nodes("Cluster", pd.DataFrame({"id": [f"c{i}" for i in range(7)]}))
        changed = exports.assign(value=exports["value"] * 2).iloc[::3]
        for ex in (exports, pd.concat([changed, exports.iloc[1::3]]), exports):
            store.upsert_relationships("EXPORTS", ex, start="Region", end="Product", batch_size=40)
        for _ in range(2):
            store.upsert_relationships("PROXIMITY", proximity, start="Product", end="Product",
                                       batch_size=40)
            store.upsert_relationships("MEMBER_OF", members, start="Organisation", end="Cluster",
                                       batch_size=40)
    ours, theirs = _graph(neo4j_store), _graph(embedded_store)
    assert len(ours["EXPORTS"]) == len(exports)
    assert len(ours["PROXIMITY"]) == len(proximity) and len(ours["MEMBER_OF"]) == 300
    for rel in ours:
        pd.testing.assert_frame_equal(ours[rel], theirs[rel], check_dtype=False)



@pytest.mark.neo4j
def test_neo4j_reads_by_start_node_and_in_groups_agree(neo4j_store, embedded_store, monkeypatch):
    """read_relationships gives the same table whether its records hold one start node or
    groups of them (many start nodes), with missing values kept, as the embedded store does."""
    from smartspec.graph_models import neo4j_store as module

    regions = [f"R{i:02d}" for i in range(40)]
    rows = pd.DataFrame([(r, p, y) for r in regions for p in ("0101", "0102", "0203")
                         for y in (2000, 2001)], columns=["start", "end", "year"])
    rows["value"] = np.arange(len(rows), dtype=float)
    rows.loc[rows.index[::5], "value"] = np.nan
    reads = []
    for store in (neo4j_store, embedded_store):
        store.upsert_nodes("Region", pd.DataFrame({"code": regions}))
        store.upsert_nodes("Product", pd.DataFrame({"code": ["0101", "0102", "0203"]}))
        store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    settings = [{}, {"READ_NODES": 10, "READ_RECORD": 7, "READ_CHUNK": 50}]
    for store, setting in [(neo4j_store, s) for s in settings] + [(embedded_store, {})]:
        for name, value in setting.items():
            monkeypatch.setattr(module, name, value)
        back = store.read_relationships("EXPORTS", start="Region", end="Product",
                                        properties=["year", "value"], where={"year": [2001]})
        reads.append(back.sort_values(["start", "end"], ignore_index=True))
    assert len(reads[0]) == 120 and reads[0]["value"].isna().sum() == rows.query(
        "year == 2001")["value"].isna().sum()
    for other in reads[1:]:
        pd.testing.assert_frame_equal(reads[0], other, check_dtype=False)

@pytest.mark.neo4j
def test_a_failing_parallel_writer_raises(neo4j_store):
    neo4j_store.writers = 2
    neo4j_store.create_schema()
    neo4j_store.upsert_nodes("Region", pd.DataFrame({"code": ["A", "B", "C", "D"]}))
    neo4j_store.upsert_nodes("Product", pd.DataFrame({"code": ["x", "y", "z", "w"]}))
    rows = pd.DataFrame([(r, p, y) for r in "ABCD" for p in "xyzw" for y in range(2000, 2010)],
                        columns=["start", "end", "year"]).assign(value=1.0)
    rows["value"] = rows["value"].astype(object)
    rows.at[rows.index[-1], "value"] = {"not": "a property value"}
    with pytest.raises(StoreError):
        neo4j_store.upsert_relationships("EXPORTS", rows, start="Region", end="Product",
                                         batch_size=5)



@pytest.mark.neo4j
def test_a_deadlocked_batch_is_retried_at_once(neo4j_store, caplog):
    """Two batches lock two nodes in opposite orders: Neo4j aborts one with a deadlock, and
    the store's own retry (not the driver's one-second pause) writes it again, exactly once."""
    import logging
    import threading

    neo4j_store.upsert_nodes("Region", pd.DataFrame({"code": ["A", "B"]}))
    query = (
        "UNWIND $rows AS row MATCH (a:Region {code: row.first}) SET a.n = coalesce(a.n, 0) + 1 "
        "WITH row CALL apoc.util.sleep(500) "
        "MATCH (b:Region {code: row.second}) SET b.n = coalesce(b.n, 0) + 1"
    )
    both_ready = threading.Barrier(2)
    errors = []

    def write(first: str, second: str) -> None:
        both_ready.wait()
        try:
            neo4j_store.write_batches(query, [[{"first": first, "second": second}]])
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=pair) for pair in (("A", "B"), ("B", "A"))]
    with caplog.at_level(logging.WARNING, logger="smartspec.graph_models.neo4j_store"):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []
    retried = [r.getMessage() for r in caplog.records if r.name.endswith("neo4j_store")]
    assert any("DeadlockDetected" in m for m in retried), retried
    back = neo4j_store.run("MATCH (r:Region) RETURN r.code AS code, r.n AS n ORDER BY code")
    assert back["n"].tolist() == [2, 2]  # each batch applied once: the aborted one rolled back


def _exports_rows() -> pd.DataFrame:
    return pd.DataFrame({"start": ["A", "A", "B"], "end": ["0011", "0012", "0011"],
                         "year": [2017] * 3, "value": [1.0, 2.0, 3.0]})


@pytest.mark.neo4j
def test_loads_of_one_type_take_turns(neo4j_store, neo4j_uri, monkeypatch, caplog):
    """A load of EXPORTS waits while another store (a connection of its own, as another
    process's would be) holds the lock, says so, and then writes by difference; other types
    are not held up; no lock node is ever stored."""
    import logging
    import threading

    from smartspec.graph_models import neo4j_store as module

    monkeypatch.setattr(module, "LOCK_NOTICE_SECONDS", 0.2)
    neo4j_store.create_schema()
    neo4j_store.upsert_nodes("Region", pd.DataFrame({"code": ["A", "B"]}))
    neo4j_store.upsert_nodes("Product", pd.DataFrame({"code": ["0011", "0012"]}))
    neo4j_store.upsert_nodes("Technology", pd.DataFrame({"code": ["A01"]}))
    errors = []

    def load(rel_type: str, rows: pd.DataFrame, end: str) -> None:
        try:
            with module.Neo4jStore(uri=neo4j_uri) as other:
                other.upsert_relationships(rel_type, rows, start="Region", end=end)
        except Exception as exc:  # reported below
            errors.append(exc)

    def stored(rel_type: str) -> int:
        return int(neo4j_store.run(f"MATCH ()-[r:{rel_type}]->() RETURN count(r) AS n")["n"][0])

    with caplog.at_level(logging.INFO, logger=module.lock_log.name):
        with neo4j_store.load_lock("EXPORTS"):
            waiting = threading.Thread(target=load, args=("EXPORTS", _exports_rows(), "Product"))
            waiting.start()
            patents = pd.DataFrame({"start": ["A"], "end": ["A01"], "year": [2017], "count": [4]})
            load("PATENTS", patents, "Technology")  # another type: not held up
            waiting.join(1.0)
            assert waiting.is_alive() and stored("EXPORTS") == 0
            assert stored("PATENTS") == 1
            assert neo4j_store.run("MATCH (n:SmartspecLock) RETURN count(n) AS n")["n"][0] == 0
        waiting.join(30)
    assert not waiting.is_alive() and errors == []
    assert stored("EXPORTS") == 3
    assert any("waiting for another load of EXPORTS" in r.getMessage() for r in caplog.records)
    # both loads at once: whichever goes second finds the first one's relationships
    threads = [threading.Thread(target=load, args=("EXPORTS", _exports_rows().assign(year=2018),
                                                   "Product")) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [] and stored("EXPORTS") == 6
    assert neo4j_store.run("MATCH (n:SmartspecLock) RETURN count(n) AS n")["n"][0] == 0


@pytest.mark.neo4j
def test_concurrent_loads_of_an_unkeyed_type_merge_each_pair_once(neo4j_store, neo4j_uri):
    """Unkeyed types take no load lock: MERGE between two matched nodes locks them, so two
    loads at once (each with parallel writers) still store one relationship per pair."""
    import threading

    from smartspec.graph_models.neo4j_store import Neo4jStore

    neo4j_store.create_schema()
    orgs = [f"o{i}" for i in range(30)]
    topics = [f"t{i}" for i in range(20)]
    neo4j_store.upsert_nodes("Organisation", pd.DataFrame({"id": orgs}))
    neo4j_store.upsert_nodes("Topic", pd.DataFrame({"code": topics}))
    rows = pd.DataFrame([(o, t) for o in orgs for t in topics], columns=["start", "end"])
    for attempt in range(3):
        neo4j_store.run("MATCH ()-[r:ACTIVE_IN]->() DELETE r", write=True)
        errors: list[Exception] = []
        ready = threading.Barrier(2)

        def load(weight: float, ready=ready, errors=errors) -> None:
            try:
                with Neo4jStore(uri=neo4j_uri, writers=2) as other:
                    ready.wait()
                    other.upsert_relationships("ACTIVE_IN", rows.assign(weight=weight),
                                               start="Organisation", end="Topic", batch_size=50)
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=load, args=(w,)) for w in (1.0, 2.0)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        back = neo4j_store.run("MATCH (a)-[r:ACTIVE_IN]->(b) "
                               "RETURN count(r) AS n, count(DISTINCT [a.id, b.code]) AS pairs")
        assert back.iloc[0].tolist() == [len(rows), len(rows)], attempt


@pytest.mark.neo4j
def test_loads_may_create_the_schema_at_once(neo4j_store, neo4j_uri):
    """Two loads into a new database create its schema at the same time: Neo4j may report a
    deadlock on a label's lock, or an index the other one has just made; neither fails."""
    import threading

    from smartspec.graph_models.neo4j_store import Neo4jStore

    def drop_schema() -> None:
        for name in neo4j_store.run("SHOW CONSTRAINTS")["name"]:
            neo4j_store.run(f"DROP CONSTRAINT {name}", write=True)
        shown = neo4j_store.run("SHOW INDEXES")
        for name in shown["name"][shown["type"].ne("LOOKUP")]:
            neo4j_store.run(f"DROP INDEX {name}", write=True)

    expected = len(schema.schema_statements())
    for _ in range(3):
        drop_schema()
        errors: list[Exception] = []
        ready = threading.Barrier(3)

        def create(ready=ready, errors=errors) -> None:
            try:
                with Neo4jStore(uri=neo4j_uri) as other:
                    ready.wait()
                    other.create_schema()
            except Exception as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=create) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert errors == []
        shown = neo4j_store.run("SHOW INDEXES")
        assert shown["type"].ne("LOOKUP").sum() == expected


@pytest.mark.neo4j
def test_a_killed_load_leaves_no_lock(neo4j_store, neo4j_uri, tmp_path):
    """The lock is a transaction: when the process holding it dies, the server ends it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\n"
         "from smartspec.graph_models.neo4j_store import Neo4jStore\n"
         f"with Neo4jStore(uri={neo4j_uri!r}) as s, s.load_lock('EXPORTS'):\n"
         "    print('held', flush=True); time.sleep(60)\n"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        started = time.monotonic()
        with neo4j_store.load_lock("EXPORTS"):
            pass
        assert time.monotonic() - started < 10
    finally:
        if holder.poll() is None:
            holder.kill()

def _all_properties(store, rel, start, end) -> pd.DataFrame:
    props = ["key", *schema.relationship(rel).properties]
    back = store.read_relationships(rel, start=start, end=end, properties=props)
    return back.sort_values(["start", "end", "key"], ignore_index=True)


@pytest.mark.neo4j
def test_first_and_later_loads_of_a_type_write_the_graph_neo4j_writes(
    neo4j_store, embedded_store
):
    """The embedded store writes a type's first load with kglite's DataFrame loader and later
    rows with Cypher; both give what Neo4j stores (keys, missing values, text ids, one
    relationship per key even when rows of one load repeat a pair, no node for a missing
    endpoint), and a later year of the same pairs is added, not merged into the first."""
    orgs = pd.DataFrame({"id": ["o1", "o2", "o3"], "name": ["A", "B", "C"]})
    first = pd.DataFrame({
        "start": ["o1", "o1", "o2", "o1", "o3", "zz"],
        "end": ["o2", "o2", "o3", "o3", "o1", "o1"],
        "year": [2019, 2020, 2019, 2019, 2020, 2019],
        "known_before": [True, False, None, True, False, True],
        "channel": ["cordis", None, "cordis", "cluster", None, "x"],
    })
    later = first.iloc[:5].assign(year=first["year"].iloc[:5] + 2)  # same pairs, new years
    changed = first.iloc[[0]].assign(channel="changed")
    for store in (neo4j_store, embedded_store):
        store.create_schema()
        store.upsert_nodes("Organisation", orgs)
        for rows in (first, later, changed, first):
            store.upsert_relationships("PARTNERS_WITH", rows, start="Organisation",
                                       end="Organisation")
    # a type without key properties: one relationship per pair (undirected: either way
    # round), holding the pair's last row; then a later load merges into them
    pairs = pd.DataFrame({
        "start": ["o1", "o2", "o3", "o1", "o2"], "end": ["o2", "o1", "o1", "o3", "zz"],
        "first_year": [2015, 2016, 2014, None, 2010], "projects": [1, 3, 2, 5, 1],
    })
    for store in (neo4j_store, embedded_store):
        store.upsert_relationships("COLLABORATES_WITH", pairs, start="Organisation",
                                   end="Organisation")
        store.upsert_relationships("COLLABORATES_WITH", pairs.iloc[[0]].assign(projects=9),
                                   start="Organisation", end="Organisation")
    ours = _all_properties(neo4j_store, "PARTNERS_WITH", "Organisation", "Organisation")
    theirs = _all_properties(embedded_store, "PARTNERS_WITH", "Organisation", "Organisation")
    assert len(ours) == 10 and ours["key"].is_unique
    assert ours["key"].iloc[0] == "Organisation:o1|Organisation:o2|2019"
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
    props = ["first_year", "last_year", "projects"]
    ours, theirs = (
        s.read_relationships("COLLABORATES_WITH", start="Organisation", end="Organisation",
                             properties=props).sort_values(["start", "end"], ignore_index=True)
        for s in (neo4j_store, embedded_store)
    )
    assert ours[["start", "end", "projects"]].values.tolist() == [
        ["o1", "o2", 9], ["o1", "o3", 5]]
    assert pd.isna(ours["first_year"].iloc[1]) and ours["first_year"].iloc[0] == 2015
    pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
    for store in (neo4j_store, embedded_store):
        assert _counts(store)[("node", "Organisation")] == 3  # no node made for 'zz'


def test_embedded_first_load_after_reopening_finds_the_stored_nodes(tmp_path):
    """kglite's loader takes node ids; they are read afresh, so nodes saved by an earlier
    command are found (and none is duplicated)."""
    from smartspec.graph_models.embedded_store import EmbeddedStore

    path = tmp_path / "g.kgl"
    with EmbeddedStore(path) as s:
        s.create_schema()
        s.upsert_nodes("Product", pd.DataFrame({"code": ["0011", "0101"]}))
        s.upsert_nodes("Region", pd.DataFrame({"code": ["B", "A"]}))
    rows = pd.DataFrame({"start": ["A", "B", "A"], "end": ["0101", "0101", "0011"],
                         "year": [2017, 2017, 2017], "value": [1.0, 2.0, 3.0]})
    with EmbeddedStore(path) as s:
        s.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    with EmbeddedStore(path) as s:
        back = s.run("MATCH (a:Region)-[r:EXPORTS]->(b:Product) "
                     "RETURN a.code AS a, b.code AS b, r.value AS v, r.key AS key ORDER BY v")
        assert back[["a", "b", "v"]].values.tolist() == [
            ["A", "0101", 1.0], ["B", "0101", 2.0], ["A", "0011", 3.0]]
        assert back["key"].iloc[0] == "Region:A|Product:0101|2017"
        assert _counts(s) == {("node", "Region"): 2, ("node", "Product"): 2,
                              ("relationship", "EXPORTS"): 3}


def test_embedded_first_load_keeps_the_values_cypher_writes(tmp_path, monkeypatch):
    """kglite's DataFrame loader (a type's first load) stores what Cypher CREATE stores, for
    nullable integers, floats, text and booleans with gaps: integers stay integers, every kind
    of missing value is a missing property."""
    from smartspec.graph_models.embedded_store import EmbeddedStore

    rows = pd.DataFrame({
        "start": ["c1", "c2", "c3"], "end": ["T1", "T2", "T3"],
        "stars": pd.array([1, None, 3], dtype="Int64"), "lq": [1.5, np.nan, 2.0],
        "year": pd.array([2017, 2018, None], dtype="Int64"),
        "method": pd.array(["a", None, "c"], dtype="string"),
        "focus": pd.array([True, None, False], dtype="boolean"), "size": [10, 20, 30],
        "parameters": ['{"k": 1}', None, "{}"],
    })

    def load(path):
        with EmbeddedStore(path) as s:
            s.create_schema()
            s.upsert_nodes("Cluster", pd.DataFrame({"id": ["c1", "c2", "c3"]}))
            s.upsert_nodes("Technology", pd.DataFrame({"code": ["T1", "T2", "T3"]}))
            s.upsert_relationships("SPECIALISES_IN", rows, start="Cluster", end="Technology")
            props = ["stars", "lq", "year", "method", "focus", "size", "parameters"]
            return s.run(
                "MATCH (a)-[r:SPECIALISES_IN]->(b) RETURN a.id AS a, b.code AS b, "
                + ", ".join(f"r.{p} AS {p}, r.{p} IS NULL AS {p}_missing" for p in props)
                + " ORDER BY a"
            )

    loader = load(tmp_path / "loader.kgl")
    monkeypatch.setattr(EmbeddedStore, "_holds", lambda self, rel_type: True)  # Cypher only
    cypher = load(tmp_path / "cypher.kgl")
    pd.testing.assert_frame_equal(loader, cypher)
    assert loader["stars"].tolist()[::2] == [1, 3] and loader["stars_missing"].tolist() == [
        False, True, False]
    assert loader["focus_missing"].tolist() == [False, True, False]


def test_unkeyed_relationships_merge_one_per_pair(store):
    """A type without key properties holds one relationship per pair with its last row's
    values, whether a later load merges every row (few rows against many stored) or reads
    the stored pairs and writes only the changed ones."""
    store.create_schema()
    orgs = [f"o{i}" for i in range(10)]
    store.upsert_nodes("Organisation", pd.DataFrame({"id": orgs}))
    store.upsert_nodes("Cluster", pd.DataFrame({"id": ["c"]}))
    rows = pd.DataFrame({"start": orgs, "end": "c", "since": range(2000, 2010)})
    store.upsert_relationships("MEMBER_OF", rows, start="Organisation", end="Cluster")
    few = pd.DataFrame({"start": ["o1", "o1"], "end": "c", "since": [1990, 1991]})
    store.upsert_relationships("MEMBER_OF", few, start="Organisation", end="Cluster")
    rows.loc[2, "since"] = 1980
    store.upsert_relationships("MEMBER_OF", rows.iloc[2:7], start="Organisation", end="Cluster")
    back = store.read_relationships("MEMBER_OF", start="Organisation", end="Cluster",
                                    properties=["since"]).sort_values("start", ignore_index=True)
    assert back["since"].tolist() == [2000, 1991, 1980, *range(2003, 2010)]


def test_read_table_returns_what_run_returns(store):
    """read_table gives run's rows and columns (Neo4j fetches them as lists in one record),
    with missing values, the statement's own ORDER BY and LIMIT, and no rows."""
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A", "B", "C"], "name": ["a", None, "c"]}))
    query = "MATCH (r:Region) RETURN r.code AS code, r.name AS name ORDER BY code DESC LIMIT 2"
    table = store.read_table(query)
    pd.testing.assert_frame_equal(table, store.run(query))
    assert table["code"].tolist() == ["C", "B"] and table["name"].isna().tolist() == [False, True]
    empty = store.read_table("MATCH (r:Region) WHERE r.code = $code RETURN r.code AS code, "
                             "count(*) AS n", {"code": "nowhere"})
    assert empty.empty and list(empty.columns) == ["code", "n"]


def test_read_names_and_add_names(store):
    """Names come from the nodes; a code without a name shows an empty name, never NaN."""
    from smartspec.graph_models import results

    store.create_schema()
    store.upsert_nodes("Region", pd.DataFrame({"code": ["DEU", "FRA", "XXX"],
                                               "name": ["Germany", "France", None]}))
    names = results.read_names(store, "Region", ["DEU", "XXX", "NOPE"])
    assert names.to_dict() == {"DEU": "Germany"}
    assert results.read_names(store, "Region").sort_index().to_dict() == {
        "DEU": "Germany", "FRA": "France"}
    table = pd.DataFrame({"year": [2017, 2017, 2017], "region": ["FRA", "XXX", "DEU"],
                          "eci": [1.0, 2.0, 3.0]})
    table.attrs["conventions"] = "x"
    out = results.add_names(store, table, "region", "Region")
    assert list(out.columns) == ["year", "region", "region_name", "eci"]
    assert out["region_name"].tolist() == ["France", "", "Germany"]
    assert out.attrs == {"conventions": "x"}
    empty = results.add_names(store, table.iloc[:0], "region", "Region")
    assert list(empty.columns) == ["year", "region", "region_name", "eci"]
