"""The read-only guard: what runs without --write is what the engine calls a read.

A corpus of writes in disguise (case, comments, backticks, unicode look-alikes, subqueries,
UNION, FOREACH, procedures, LOAD CSV, administration commands) is refused on both stores, and
a corpus of reads that look like writes runs. Each disguised write that the store understands
is refused by the store's own verdict (kglite's read-only mode and plan, Neo4j's EXPLAIN) with
:class:`QueryError`; one it does not understand fails as a :class:`StoreError` (syntax); either
way nothing changes. The library's read queries run read-only on both stores in
``test_cypher_queries.test_every_query_runs_with_its_example``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from smartspec.cypher import library
from smartspec.cypher.library import QueryError
from smartspec.graph_models.store import ReadOnlyError, StoreError, cypher_words, reads_files

E, N = "embedded", "neo4j"
BOTH = (E, N)

#: (statement, stores whose engine must refuse it as a write, stores where it runs with
#: write=True and changes the graph)
DISGUISED_WRITES = [
    ("CREATE (:Region {code: 'Z'})", BOTH, BOTH),
    ("cReAtE (:Region {code: 'Z'})", BOTH, BOTH),
    ("MATCH (n:Region) SET n.name = 'x' RETURN count(n) AS n", BOTH, BOTH),
    ("MATCH (n:Region) // a comment\nDETACH DELETE n", BOTH, BOTH),
    ("MATCH (n:Region) /* harmless */ DETACH DELETE n", (N,), (N,)),
    ("MATCH (n:Region) REMOVE n.name", BOTH, BOTH),
    ("MERGE (:Region {code: 'Z'})", BOTH, BOTH),
    ("MATCH (`set`:Region) SET `set`.name = 'x'", BOTH, BOTH),
    ("MATCH (n:Region) RETURN n.code AS c UNION MATCH (n:Region) SET n.name = 'x' "
     "RETURN n.code AS c", BOTH, (N,)),  # kglite runs no write in a UNION's part at all
    ("MATCH (n:Region) CALL { WITH n SET n.name = 'x' } RETURN count(n) AS c", (N,), (N,)),
    ("FOREACH (x IN [1] | CREATE (:Region {code: 'F'}))", BOTH, BOTH),
    ("MATCH (n:Region) WITH n LIMIT 1 CREATE (:Region {code: n.code + '2'})", BOTH, BOTH),
    ("UNWIND [1] AS x MERGE (:Region {code: toString(x)})", BOTH, BOTH),
    ("\uff23\uff32\uff25\uff21\uff34\uff25 (:Region {code: 'Z'})", (), ()),  # full-width
    ("CREATE INDEX guard_idx IF NOT EXISTS FOR (n:Region) ON (n.name)", BOTH, ()),
    ("DROP INDEX guard_idx IF EXISTS", (N,), ()),
    ("LOAD CSV FROM 'file:///etc/hostname' AS line RETURN line", BOTH, ()),
    ("load /* c */ csv from 'file:///etc/hostname' as line return line", BOTH, ()),
    ("CALL { LOAD CSV FROM 'file:///etc/hostname' AS line RETURN line } RETURN line", BOTH, ()),
    ("\uff2c\uff2f\uff21\uff24 CSV FROM 'file:///etc/hostname' AS l RETURN l", BOTH, ()),
    # kglite's own procedures and clauses
    ("INSERT (:Region {code: 'Z'})", (E,), (E,)),
    ("CALL db.ontology.clear()", (E,), ()),
    ("CALL db.ontology.declare({})", (E,), ()),
    # Neo4j's administration commands and procedures
    ("CALL db.createLabel('Sneaky')", (N,), ()),
    ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'", (N,), ()),
    ("SHOW TRANSACTIONS YIELD transactionId AS t WHERE t = 'none' "
     "TERMINATE TRANSACTIONS t YIELD message RETURN message", (N,), ()),
    ("CREATE USER mallory SET PASSWORD 'abcdefghij'", (N,), ()),
    ("ALTER CURRENT USER SET PASSWORD FROM 'abcdefghij' TO 'klmnopqrst'", (N,), ()),
    ("CALL db.clearQueryCaches()", (N,), ()),
    ("CALL apoc.create.node(['Region'], {code: 'Z'}) YIELD node RETURN node", (N,), (N,)),
    ("CALL apoc.cypher.run('TERMINATE TRANSACTIONS \"x\"', {}) YIELD value RETURN value",
     (N,), ()),
    ("CALL `apoc`.`cypher`.`run`('MATCH (n) RETURN n', {}) YIELD value RETURN value", (N,), ()),
    ("RETURN apoc.cypher.runFirstColumnSingle('MATCH (n) RETURN count(n)', {}) AS x", (N,), ()),
    ("CALL apoc.periodic.iterate('MATCH (n) RETURN n', 'SET n.x = 1', {})", (N,), ()),
    ("CALL apoc.export.csv.all('/tmp/smartspec-guard.csv', {})", (N,), ()),
]

#: Reads that look like writes to a word list, and what they return on both stores.
READS = [
    ("MATCH (n:Region) RETURN n.code AS code ORDER BY code", {}, [("A",), ("B",)]),
    ("MATCH (n:Region) RETURN n.code AS `create`, 'DELETE' AS word ORDER BY `create`", {},
     [("A", "DELETE"), ("B", "DELETE")]),
    ("MATCH (n:Region) // SET n.x = 1\nRETURN count(n) AS n", {}, [(2,)]),
    ("MATCH (n:Region) WHERE n.code IN $codes RETURN n.code AS c ORDER BY c", {"codes": ["B"]},
     [("B",)]),
    ("MATCH (n:Region) RETURN n.code AS c UNION MATCH (n:Region) RETURN n.code AS c", {},
     [("A",), ("B",)]),
    ("CALL { MATCH (n:Region) RETURN n } RETURN count(n) AS n", {}, [(2,)]),
    ("UNWIND [1, 2, 3] AS x WITH x WHERE x > 1 RETURN x ORDER BY x SKIP 0 LIMIT 5", {},
     [(2,), (3,)]),
    ("OPTIONAL MATCH (n:Product) RETURN count(n) AS n", {}, [(0,)]),
    ("MATCH (n:Region {code: 'A'}) RETURN n.set AS s, n.load AS l", {}, [(None, None)]),
    ("RETURN 'LOAD CSV FROM x; CREATE (n)' AS text", {}, [("LOAD CSV FROM x; CREATE (n)",)]),
    ("MATCH (n:Region) RETURN n.code AS c ORDER BY c DESC LIMIT 1", {}, [("B",)]),
]


def _graph(store) -> list[tuple]:
    out = store.run("MATCH (n) RETURN labels(n)[0] AS label, n.code AS code, n.name AS name, "
                    "n.x AS x ORDER BY label, code")
    return [tuple(None if pd.isna(v) else v for v in r) for r in out.itertuples(index=False)]


def _fill(store) -> None:
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A", "B"], "name": ["Aland", "Bor"]}))


def _values(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(None if v is None or (isinstance(v, float) and pd.isna(v)) else v
                  for v in r) for r in frame.astype(object).itertuples(index=False)]


@pytest.mark.parametrize("statement, refused_by, runs_on", DISGUISED_WRITES)
def test_disguised_writes_are_refused_without_write(store, statement, refused_by, runs_on):
    _fill(store)
    before = _graph(store)
    expected = QueryError if store.kind in refused_by else (QueryError, StoreError)
    with pytest.raises(expected):
        library.run_cypher(store, statement)
    assert _graph(store) == before
    if store.kind in refused_by:  # the store itself, under the library, refuses it too
        with pytest.raises(ReadOnlyError):
            store.run(statement)
    if store.kind in runs_on:  # a real write: with write=True it runs and changes the graph
        library.run_cypher(store, statement, write=True)
        assert _graph(store) != before


@pytest.mark.parametrize("statement, parameters, expected", READS)
def test_reads_that_look_like_writes_run(store, statement, parameters, expected):
    _fill(store)
    found = _values(library.run_cypher(store, statement, parameters))
    assert sorted(found, key=repr) == sorted(expected, key=repr)  # UNION's order is the store's


@pytest.mark.neo4j
def test_neo4j_reads_of_procedures_and_schema_run(neo4j_store):
    _fill(neo4j_store)
    neo4j_store.create_schema()
    assert not library.run_cypher(neo4j_store, "SHOW INDEXES YIELD name RETURN name").empty
    assert _values(library.run_cypher(neo4j_store, "CALL apoc.util.sleep(1) RETURN 1 AS x")) \
        == [(1,)]
    assert _values(library.run_cypher(
        neo4j_store, "RETURN apoc.text.join(['a', 'b'], '-') AS s")) == [("a-b",)]
    assert _values(library.run_cypher(
        neo4j_store, "EXPLAIN MATCH (n:Region) RETURN n.code AS c")) == []


def test_words_and_file_reads_are_read_from_code_only():
    assert cypher_words("MATCH (n) /* SET */ RETURN n.set AS `create`, 'x' // DELETE") == [
        "MATCH", "N", "RETURN", "N", "AS"]
    assert reads_files("LoAd\n/* x */ CSV FROM $url AS l RETURN l")
    assert reads_files("\uff2c\uff2f\uff21\uff24 \uff23\uff33\uff36 FROM $u AS l RETURN l")
    assert not reads_files("RETURN 'LOAD CSV' AS t, $load AS csv")
    assert library.writes("match (n) detach delete n") and library.writes("INSERT (:A)")
    assert not library.writes("MATCH (n) RETURN n.delete AS `set` // CREATE")


def test_cli_refuses_without_write_and_runs_with_it(cli_store, capsys):
    from smartspec.cli.main import main

    def run(*args: str) -> tuple[int, str]:
        with pytest.raises(SystemExit) as exit_info:
            main(["query", "run", *args])
        return exit_info.value.code, capsys.readouterr().err

    statement = ("TERMINATE TRANSACTIONS 'neo4j-transaction-1'" if cli_store == N
                 else "CALL db.ontology.clear()")
    code, err = run("--cypher", statement)
    assert code == 1 and "add --write" not in err and "--write on the command line" in err
    code, err = run("--cypher", "CREATE (:Region {code: 'Z'})")
    assert code == 1 and "writes to the graph" in err
    code, err = run("--cypher", "CREATE (:Region {code: 'Z'})", "--write")
    assert code == 0, err
    code, err = run("--cypher", "MATCH (n:Region) RETURN n.code AS c")
    assert code == 0, err
