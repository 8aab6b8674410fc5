"""Reliability of the stores: stale temp files, a lost load lock, timeouts, Ctrl-C, and the local
Neo4j's authentication and file access (issue 21, items 3, 8, 10 and 12)."""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from smartspec.graph_models import neo4j_server
from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.graph_models.store import QueryTimeout, StoreError, open_store


def _dead_pid() -> int:
    """The id of a process that has just exited."""
    done = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    return int(done.stdout)


# -- item 10: temp files of a save killed midway ---------------------------------------------
def test_stale_temp_files_of_dead_processes_are_removed_at_open(tmp_path):
    with EmbeddedStore(tmp_path / "graph.kgl") as store:
        store.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    dead, live = _dead_pid(), os.getpid()
    stale = tmp_path / f"graph.kgl.tmp.{dead}.0"
    saving = tmp_path / f"graph.kgl.tmp.{live}.3"
    unknown = tmp_path / "graph.kgl.tmp.notapid"
    other = tmp_path / f"other.kgl.tmp.{dead}.0"
    for f in (stale, saving, unknown, other):
        f.write_bytes(b"partial")
    with EmbeddedStore(tmp_path / "graph.kgl") as store:
        assert store.run("MATCH (n:Region) RETURN n.code AS c")["c"].tolist() == ["A"]
    assert not stale.exists()
    assert saving.exists() and unknown.exists() and other.exists()


# -- item 3: a load notices that its lock is gone --------------------------------------------
@pytest.mark.neo4j
def test_a_load_stops_when_its_lock_transaction_is_terminated(neo4j_store, neo4j_uri):
    """Another session terminates the lock's transaction after the second batch: the load
    fails with LockLost before committing a third, and only the two batches are stored."""
    from smartspec.graph_models.neo4j_store import LockLost, Neo4jStore

    neo4j_store.create_schema()
    neo4j_store.upsert_nodes("Region", pd.DataFrame({"code": [f"R{i}" for i in range(10)]}))
    neo4j_store.upsert_nodes("Product", pd.DataFrame({"code": ["P"]}))
    rows = pd.DataFrame({"start": [f"R{i}" for i in range(10)], "end": "P", "year": 2017,
                         "value": 1.0})
    batches = []

    def progress(n: int) -> None:
        batches.append(n)
        if len(batches) == 2:
            ended = neo4j_store.run(
                "SHOW TRANSACTIONS YIELD transactionId AS t, metaData AS m "
                "WHERE m.smartspec_lock = 'EXPORTS' TERMINATE TRANSACTIONS t "
                "YIELD message RETURN message", write=True)
            assert ended["message"].tolist() == ["Transaction terminated."]

    with Neo4jStore(uri=neo4j_uri, writers=1) as loader:
        with pytest.raises(LockLost, match="load lock for EXPORTS .* was lost"):
            loader.upsert_relationships("EXPORTS", rows, start="Region", end="Product",
                                        batch_size=3, progress=progress)
    assert batches == [3, 3]
    stored = neo4j_store.run("MATCH ()-[r:EXPORTS]->() RETURN count(r) AS n")["n"].iloc[0]
    assert stored == 6
    assert neo4j_store.run("MATCH (n:SmartspecLock) RETURN count(n) AS n")["n"].iloc[0] == 0
    # the next load takes the lock again and completes the type
    neo4j_store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    assert neo4j_store.run("MATCH ()-[r:EXPORTS]->() RETURN count(r) AS n")["n"].iloc[0] == 10


# -- item 8: timeouts and Ctrl-C --------------------------------------------------------------
def test_embedded_timeout_stops_a_long_read(embedded_store):
    embedded_store.upsert_nodes("Region", pd.DataFrame({"code": [str(i) for i in range(1000)]}))
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="timeout of 0.2 s"):
        embedded_store.run("MATCH (a:Region), (b:Region), (c:Region) RETURN count(*) AS n",
                           timeout=0.2)
    assert time.monotonic() - started < 5


@pytest.mark.neo4j
def test_neo4j_timeout_stops_a_long_read(neo4j_store):
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="timeout of 1 s"):
        neo4j_store.run("CALL apoc.util.sleep(20000) RETURN 1 AS x", timeout=1)
    assert time.monotonic() - started < 8
    neo4j_store.query_timeout = 1  # what `query run --timeout 1` sets
    with pytest.raises(QueryTimeout):
        neo4j_store.run("CALL apoc.util.sleep(20000) RETURN 1 AS x")
    assert neo4j_store.run("RETURN 1 AS x")["x"].tolist() == [1]


def test_cli_timeout_option_and_ctrl_c(env_home, capsys, monkeypatch):
    """--timeout reaches the store; a KeyboardInterrupt during the query exits with 130."""
    from smartspec.cli.main import main
    from smartspec.cypher import library

    seen = []

    def slow(store, text, parameters=None, *, write=False):
        seen.append(store.query_timeout)
        raise KeyboardInterrupt

    monkeypatch.setattr(library, "run_cypher", slow)
    with pytest.raises(SystemExit) as exit_info:
        main(["--store", "embedded", "query", "run", "--timeout", "7", "--cypher", "RETURN 1"])
    assert exit_info.value.code == 130 and seen == [7]
    assert "aborted" in capsys.readouterr().err


@pytest.mark.neo4j
def test_ctrl_c_terminates_a_long_neo4j_read(neo4j_store, neo4j_uri):
    """SIGINT to a process waiting on a long read: it exits with 130 at once (not when the
    statement ends) and the statement's transaction is gone from the server."""
    script = (
        "import sys\n"
        "from smartspec.graph_models.neo4j_store import Neo4jStore\n"
        f"store = Neo4jStore(uri={neo4j_uri!r})\n"
        "try:\n"
        "    store.run('CALL apoc.util.sleep(60000) RETURN 1 AS x')\n"
        "except KeyboardInterrupt:\n"
        "    sys.exit(130)\n"
    )

    def sleeping() -> int:
        return int(neo4j_store.run(
            "SHOW TRANSACTIONS YIELD currentQuery AS q "
            "WHERE q STARTS WITH 'CALL apoc.util.sleep(60000)' RETURN count(*) AS n")["n"][0])

    proc = subprocess.Popen([sys.executable, "-c", script],
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 30
        while not sleeping():
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        assert proc.wait(15) == 130
        assert time.monotonic() - sent < 5
        assert sleeping() == 0
    finally:
        if proc.poll() is None:
            proc.kill()


# -- item 12: the local Neo4j's authentication and file access -------------------------------
@pytest.mark.neo4j
def test_local_neo4j_needs_its_password(neo4j_home, neo4j_uri, monkeypatch):
    password_file = neo4j_server.password_file(neo4j_home)
    assert stat.S_IMODE(password_file.stat().st_mode) == 0o600
    with pytest.raises(StoreError, match="refused the credentials of 'neo4j'"):
        open_store("neo4j", uri=neo4j_uri, password="wrong-password")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.setenv("SMARTSPEC_HOME", str(neo4j_home.parent / "elsewhere"))
    with pytest.raises(StoreError, match="refused the credentials"):
        open_store("neo4j", uri=neo4j_uri)  # no password, and not the local server's home
    # NEO4J_URI naming the local server of $SMARTSPEC_HOME: its password is picked up
    monkeypatch.setenv("SMARTSPEC_HOME", str(neo4j_home.parent))
    assert neo4j_server.local_password(neo4j_uri) == password_file.read_text().strip()
    with open_store("neo4j", uri=neo4j_uri) as store:
        assert store.run("RETURN 1 AS x")["x"].tolist() == [1]
    other_port = neo4j_uri.rsplit(":", 1)[0] + ":1"
    assert neo4j_server.local_password(other_port) is None


@pytest.mark.neo4j
def test_load_csv_reads_the_import_folder_only(neo4j_home, neo4j_store):
    (neo4j_home / "import" / "codes.csv").write_text("code\nDEU\n")
    back = neo4j_store.run("LOAD CSV WITH HEADERS FROM 'file:///codes.csv' AS row "
                           "RETURN row.code AS code", write=True)
    assert back["code"].tolist() == ["DEU"]
    for url in ("file:///etc/passwd", "file:///../../../../../../etc/passwd"):
        with pytest.raises(StoreError, match="ExternalResourceFailed|Couldn't load"):
            neo4j_store.run(f"LOAD CSV FROM '{url}' AS line RETURN line", write=True)


# -- the launcher is rebuilt when its sources change -------------------------------------------
def test_launcher_build_follows_its_sources(tmp_path, monkeypatch):
    """An up-to-date build is reused; a changed source builds into a folder of its own (here
    the build stops at the missing Maven, before touching the existing build)."""
    src = tmp_path / "launcher"
    shutil.copytree(neo4j_server.launcher_dir(), src)
    monkeypatch.setattr(neo4j_server, "launcher_dir", lambda: src)
    monkeypatch.setenv("SMARTSPEC_CACHE", str(tmp_path / "cache"))
    calls = []

    def no_tools(name: str, purpose: str) -> str:
        calls.append(name)
        raise neo4j_server.Neo4jServerError(f"{name} not here")

    monkeypatch.setattr(neo4j_server, "_require_tool", no_tools)
    digest = neo4j_server._source_hash(src)
    built = tmp_path / "cache" / f"launcher-{digest[:16]}"
    classes = built / "target" / "classes" / "org" / "smartspec"
    classes.mkdir(parents=True)
    (classes / "Neo4jLauncher.class").write_bytes(b"\xca\xfe")
    (built / "target" / "lib").mkdir()
    (built / "target" / "lib" / "neo4j-5.26.jar").write_bytes(b"jar")
    (built / ".build-stamp").write_text(digest + "\n")
    assert neo4j_server.build() == built and calls == []
    java = next(src.rglob("Neo4jLauncher.java"))
    java.write_text(java.read_text() + "\n// changed\n")
    with pytest.raises(neo4j_server.Neo4jServerError, match="not here"):
        neo4j_server.build()
    assert calls == ["java"]
    assert (built / ".build-stamp").read_text().strip() == digest  # the old build untouched
    assert Path(tmp_path / "cache").joinpath(
        f"launcher-{neo4j_server._source_hash(src)[:16]}").is_dir()
