"""Issue 21, item 9: clear, prompt errors (no test needs a server).

- ``SMARTSPEC_HOME`` naming a file: a clear message, not ``[Errno 17]``;
- a lost Neo4j connection to a server that does not answer is raised at once, not retried for
  30 s, and the driver's own log line of it is not printed besides the one-line error;
- a gzip file whose name lacks ``.gz`` is read (by its magic bytes).
"""

from __future__ import annotations

import gzip
import logging

import pytest
from neo4j.exceptions import ServiceUnavailable, TransientError

from smartspec.cli.main import main
from smartspec.graph_models.neo4j_store import _retried, _write_transaction
from smartspec.loaders.trade import read_trade


def test_smartspec_home_that_is_a_file(tmp_path, monkeypatch, capsys):
    home = tmp_path / "home"
    home.write_text("not a folder")
    monkeypatch.setenv("SMARTSPEC_HOME", str(home))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    for args in (["--store", "embedded", "db", "stats"], ["db", "start"]):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        err = capsys.readouterr().err
        assert exit_info.value.code != 0
        assert f"SMARTSPEC_HOME '{home}' is a file, not a folder" in err, err
        assert "Errno" not in err


def test_lost_connection_to_a_dead_server_is_not_retried():
    calls, pauses = [], []

    def lost():
        calls.append(1)
        raise ServiceUnavailable("Failed to read from defunct connection")

    with pytest.raises(ServiceUnavailable):
        _retried(lost, "query", sleep=pauses.append, reachable=lambda: False)
    assert (len(calls), pauses) == (1, [])
    # a server that still answers (a restart, a lost socket) is retried as before
    calls.clear()
    with pytest.raises(ServiceUnavailable):
        _retried(lost, "query", sleep=pauses.append, reachable=lambda: True,
                 give_up_after=0.2)
    assert len(calls) == 4


def test_transient_errors_are_retried_whatever_the_server_says():
    attempts = []

    class Deadlocked:
        def begin_transaction(self):
            attempts.append(1)
            if len(attempts) < 3:
                raise TransientError("deadlock")
            return self

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def run(self, query, parameters):
            return self

        def consume(self):
            return None

        def commit(self):
            attempts.append("committed")

    _write_transaction(Deadlocked(), "RETURN 1", {}, sleep=lambda s: None,
                       reachable=lambda: False)
    assert attempts == [1, 1, 1, "committed"]


def test_a_query_out_of_memory_is_not_retried():
    """Neo4j calls a transaction over its memory limit transient; running it again needs the
    same memory, so it is reported at once (the former duplicate check did so for minutes)."""
    calls, pauses = [], []

    def too_big():
        calls.append(1)
        exc = TransientError("The allocation of an extra 2.0 MiB would use more than the limit")
        exc._neo4j_code = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
        raise exc

    with pytest.raises(TransientError):
        _retried(too_big, "query", sleep=pauses.append)
    assert (len(calls), pauses) == (1, [])


def test_driver_log_lines_stay_quiet_without_debug(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SMARTSPEC_HOME", str(tmp_path))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    driver_log = logging.getLogger("neo4j")
    monkeypatch.setattr(driver_log, "level", driver_log.level)  # restored after the test
    with pytest.raises(SystemExit):
        main(["--store", "embedded", "db", "stats"])
    capsys.readouterr()
    # the driver logs a lost connection as an error before raising it; the CLI reports the
    # raised error on one line, so the log line would say it twice (with --debug it is shown)
    assert not driver_log.isEnabledFor(logging.ERROR)


def test_gzip_without_gz_in_its_name(tmp_path):
    f = tmp_path / "exports.csv"
    f.write_bytes(gzip.compress(b"region,product,year,value\nDEU,0101,2017,5\n"))
    assert read_trade(f).data["value"].tolist() == [5.0]
