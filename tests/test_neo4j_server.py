"""End-to-end test of the embedded Neo4j launcher (real JVM, real Bolt, real APOC, with
authentication on)."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest

from smartspec.graph_models import neo4j_server

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(
        shutil.which("java") is None or shutil.which("mvn") is None,
        reason="needs java and mvn to build and run the embedded Neo4j launcher",
    ),
]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_start_query_stop_restart(tmp_path: Path) -> None:
    from neo4j import GraphDatabase
    from neo4j.exceptions import AuthError

    home = tmp_path / "neo4j-home"
    port = _free_port()
    assert neo4j_server.status(home) is None
    assert neo4j_server.stop(home) is False

    try:
        info = neo4j_server.start(port=port, home=home, timeout=300)
        assert info == neo4j_server.ServerInfo(
            uri=f"bolt://127.0.0.1:{port}", port=port, pid=info.pid, home=home.resolve()
        )
        assert (home / neo4j_server.PID_FILE).is_file()
        password = neo4j_server.password_file(home).read_text().strip()
        assert len(password) >= 24

        with GraphDatabase.driver(info.uri, auth=("neo4j", "anything")) as driver:
            with pytest.raises(AuthError):
                driver.verify_connectivity()
        with GraphDatabase.driver(info.uri, auth=("neo4j", password)) as driver:
            records, _, _ = driver.execute_query("RETURN 1 AS x")
            assert records[0]["x"] == 1
            records, _, _ = driver.execute_query("RETURN apoc.version() AS v")
            assert str(records[0]["v"]).startswith("5.26")
            driver.execute_query("CREATE (:SmokeTest {name: $name})", name="persisted")

        assert neo4j_server.status(home) == info
        # A second start() on the same home returns the running server.
        assert neo4j_server.start(port=port, home=home) == info

        assert neo4j_server.stop(home) is True
        assert neo4j_server.status(home) is None
        assert not (home / neo4j_server.PID_FILE).exists()
        assert neo4j_server.stop(home) is False

        info2 = neo4j_server.start(port=port, home=home, timeout=300)
        assert info2.pid != info.pid
        assert neo4j_server.status(home) == info2
        # the password kept in the home is the password after a restart too
        assert neo4j_server.password_file(home).read_text().strip() == password
        with GraphDatabase.driver(info2.uri, auth=("neo4j", password)) as driver:
            records, _, _ = driver.execute_query(
                "MATCH (n:SmokeTest) RETURN collect(n.name) AS names"
            )
            assert records[0]["names"] == ["persisted"]
    finally:
        neo4j_server.stop(home)

    assert neo4j_server.status(home) is None


def test_port_taken_by_other_program(tmp_path: Path) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as blocker:
        blocker.bind(("127.0.0.1", 0))
        blocker.listen()
        port = int(blocker.getsockname()[1])
        with pytest.raises(neo4j_server.Neo4jServerError, match="already in use"):
            neo4j_server.start(port=port, home=tmp_path / "other-home", timeout=60)
    assert not (tmp_path / "other-home" / neo4j_server.PID_FILE).exists()
