"""The Neo4j store: the store of record, through the official driver.

Settings come from the usual environment variables ``NEO4J_URI`` (default
``bolt://127.0.0.1:7687``), ``NEO4J_USER`` (``neo4j``), ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``
(the server's default database when unset). Without ``NEO4J_PASSWORD``, a URI naming the local
server of ``smartspec db start`` uses the password that server generated
(:func:`smartspec.graph_models.neo4j_server.local_password`). Every batch is one write
transaction, retried on transient errors (deadlocks, leader changes, lost connections) after a
short pause (:func:`_write_transaction`).

Read-only runs are decided by the server: the statement is planned first (``EXPLAIN``) and runs
only if Neo4j calls it read-only (query type ``r``) and its plan neither terminates
transactions, administers the DBMS, loads a CSV file nor calls a procedure that runs Cypher
text or touches files; it then runs in a read transaction. A statement runs with a timeout
(:attr:`Neo4jStore.query_timeout`), and Ctrl-C terminates it on the server.

Clusters and Aura
-----------------
The store of record scales out as Neo4j does; the connection settings are the driver's own.
``NEO4J_URI`` takes the schemes ``bolt://`` (one server), ``neo4j://`` (routing: the driver
asks the cluster for its routing table and sends writes to the database's leader and reads to
its secondaries / read replicas), and their TLS forms ``bolt+s://`` / ``neo4j+s://`` (TLS,
certificate checked against the system's CAs: Aura is ``neo4j+s://<id>.databases.neo4j.io``)
and ``bolt+ssc://`` / ``neo4j+ssc://`` (TLS with a self-signed certificate accepted).
``NEO4J_DATABASE`` names the database (on a cluster, naming it saves the driver a round trip
to resolve the user's home database). Read-only statements (:meth:`Neo4jStore.run` without
``write``, and so the whole query library) run in sessions with ``default_access_mode=READ``,
which a routing driver sends to read servers; writes go to the leader. All sessions share one
bookmark manager, so a read after a load sees what the load wrote, on any cluster member
(causal consistency). A TLS URI to a server without TLS, or with a certificate the client
does not trust, is reported as such (:func:`tls_problem`).

Relationship upserts are written by several sessions in parallel (``SMARTSPEC_NEO4J_WRITERS``,
default: the number of CPUs, at most 4), in rounds of blocks that share no endpoint node
(:func:`smartspec.graph_models.store.disjoint_rounds`), so the writers never wait for each
other's node locks. ``SMARTSPEC_NEO4J_WRITERS=1`` writes one batch after another.
"""

from __future__ import annotations

import logging
import os
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import chain
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from . import schema
from .store import (
    DEFAULT_BATCH_SIZE,
    Batch,
    QueryTimeout,
    ReadOnlyError,
    Store,
    StoreError,
    batches,
    frame_to_columns,
    reads_files,
    relationship_filter,
)

if TYPE_CHECKING:
    from neo4j import Session

#: Relationships per read statement of :meth:`Neo4jStore.read_relationships`; above
#: ``READ_NODES`` start nodes, their relationships come back ~``READ_RECORD`` to a record.
READ_CHUNK = 250_000
READ_NODES = 5_000
READ_RECORD = 2_000

#: First pause before a write batch is retried (seconds; doubled per retry, at most 5 s), and
#: the time after which a batch that keeps failing with transient errors gives up.
RETRY_DELAY = 0.05
RETRY_SECONDS = 30.0

__all__ = ["Neo4jStore", "DEFAULT_URI", "LockLost", "default_writers", "tls_problem"]

log = logging.getLogger(__name__)

#: Label and constraint of the load locks (:meth:`Neo4jStore.load_lock`); no node of it is
#: ever committed. Seconds a load waits for another load's lock before it says so.
LOCK_LABEL = "SmartspecLock"
LOCK_CONSTRAINT = "smartspec_lock_name"
LOCK_NOTICE_SECONDS = 2.0
#: Transaction metadata key naming the type a lock transaction holds.
LOCK_TAG = "smartspec_lock"
lock_log = logging.getLogger(__name__ + ".lock")
lock_log.setLevel(logging.INFO)  # shown without --debug, unlike the retry warnings

#: What Neo4j says when another session has just made the index a statement creates.
EQUIVALENT_SCHEMA = "Neo.ClientError.Schema.EquivalentSchemaRuleAlreadyExists"
#: Statements that run in auto-commit transactions (schema commands and SHOW).
SCHEMA_COMMANDS = ("CREATE CONSTRAINT", "CREATE INDEX", "DROP CONSTRAINT", "DROP INDEX", "SHOW")

DEFAULT_URI = "bolt://127.0.0.1:7687"

#: Plan operators a read-only run refuses although Neo4j calls their statements read-only.
REFUSED_OPERATORS = {"TerminateTransactions", "LoadCSV", "AdministrationCommand"}
#: Procedures and functions a read-only run refuses: they run Cypher text (whose writes a read
#: transaction stops, but not its ``TERMINATE TRANSACTIONS`` or ``LOAD CSV``) or read and write
#: files. Matched in the plan, where Neo4j spells every call by its full name. Graph Data
#: Science: its ``*.write`` procedures are planned as writes anyway; ``gds.graph.export`` (a new
#: database on disk) and ``gds.graph.export.csv`` (CSV files) are read procedures to Neo4j.
REFUSED_CALLS = re.compile(
    r"\bapoc\.(?:cypher|periodic|do|export|import|load|trigger|custom|systemdb|log)(?:\.\w+)+"
    r"|\bapoc\.(?:when|case)\b"
    r"|\bgds\.(?:alpha\.|beta\.)?graph\.export\b(?:\.\w+)*",
    re.IGNORECASE,
)
#: Transaction metadata naming one run, so that Ctrl-C can terminate it on the server.
RUN_TAG = "smartspec_run"


class LockLost(StoreError):
    """The transaction holding a load lock ended (terminated, timed out, or the server went)."""


class Neo4jStore(Store):
    """A Neo4j database reached over Bolt.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Connection settings; default to the ``NEO4J_*`` environment variables.
    writers : int, optional
        Parallel writers for relationship upserts; default ``SMARTSPEC_NEO4J_WRITERS`` or the
        number of CPUs (at most 4).
    """

    kind = "neo4j"
    _lock_ready = False  # the load locks' constraint exists (made on first use)

    def __init__(
        self,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        writers: int | None = None,
    ) -> None:
        import neo4j
        from neo4j.exceptions import AuthError, ServiceUnavailable

        self._neo4j = neo4j
        self.uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
        user = user or os.environ.get("NEO4J_USER") or "neo4j"
        if password is None:
            password = os.environ.get("NEO4J_PASSWORD")
        if password is None:
            from .neo4j_server import local_password

            password = local_password(self.uri) or ""
        self._locks: dict[str, Any] = {}  # held load locks: type -> their transaction
        self._locks_mutex = threading.Lock()
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        self.writers = writers if writers is not None else default_writers()
        if self.writers < 1:
            raise StoreError(f"the number of Neo4j writers must be at least 1, not {self.writers}")
        try:
            # server notifications (e.g. "unknown relationship type PATENTS" before any patent
            # is loaded) would be logged on stderr for every query; smartspec reports no such
            # advice, and the embedded store is silenced the same way
            self._driver = neo4j.GraphDatabase.driver(
                self.uri,
                auth=(user, password),
                connection_timeout=10,
                notifications_min_severity="OFF",
            )
            # one bookmark manager for every session: on a cluster, a read session (served by
            # a secondary) waits until it has seen the writes of this store's earlier sessions
            self._bookmarks = neo4j.GraphDatabase.bookmark_manager()
            self._driver.verify_connectivity()
        except (ServiceUnavailable, OSError) as exc:
            self.close()
            why = tls_problem(self.uri) or _first_line(exc)
            raise StoreError(f"Neo4j is unreachable at {self.uri}: {why}") from exc
        except AuthError as exc:
            self.close()
            raise StoreError(
                f"Neo4j at {self.uri} refused the credentials of {user!r}: set NEO4J_USER and "
                "NEO4J_PASSWORD (the server of `smartspec db start` keeps its password in the "
                "file `password` of its data folder; `smartspec db status` names it)"
            ) from exc
        except Exception as exc:  # invalid URI schemes and the like
            self.close()
            raise StoreError(f"cannot connect to Neo4j at {self.uri}: {_first_line(exc)}") from exc

    def describe(self) -> str:
        db = f" database {self.database}" if self.database else ""
        return f"Neo4j {self.uri}{db}"

    @contextmanager
    def _translated_errors(self, timeout: float | None = None) -> Iterator[None]:
        """Driver errors as :class:`StoreError`: an unreachable server named by its URI, a
        transaction that outlived ``timeout`` as :class:`QueryTimeout`, else Neo4j's code and
        message."""
        from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

        try:
            yield
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreError(f"Neo4j is unreachable at {self.uri}: {_first_line(exc)}") from exc
        except Neo4jError as exc:
            if "TransactionTimedOut" in (exc.code or "") and timeout:
                raise QueryTimeout(
                    f"the query ran longer than its timeout of {timeout:g} s and was stopped "
                    "(a longer --timeout, or 0 for none, lets it run)"
                ) from exc
            raise StoreError(f"{exc.code}: {exc.message}") from exc

    def _session(self, write: bool):
        """A session routed as a write (to the leader) or a read (to a read server, on a
        cluster), sharing the store's bookmarks."""
        mode = self._neo4j.WRITE_ACCESS if write else self._neo4j.READ_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode,
                                    bookmark_manager=self._bookmarks)

    def run(
        self,
        query: str,
        parameters: dict[str, Any] | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
    ) -> pd.DataFrame:
        """As :meth:`Store.run`; ``timeout`` (seconds, 0 for none) is the transaction's, and
        Ctrl-C in the main thread terminates the statement on the server, then raises
        :class:`KeyboardInterrupt`."""
        timeout = self.query_timeout if timeout is None else timeout
        tag = uuid.uuid4().hex
        keys, records = self._interruptible(
            lambda: self._run(query, parameters or {}, write, timeout, tag), tag
        )
        return pd.DataFrame.from_records(records, columns=keys)

    def _interruptible(self, call: Callable[[], Any], tag: str) -> Any:
        """``call()`` in a helper thread while the main thread waits for it, so that Ctrl-C
        is not held up by the driver's socket read (which finishes the statement first): the
        statement whose transaction carries ``tag`` is terminated, and KeyboardInterrupt
        raised at once. From other threads ``call()`` runs directly."""
        if threading.current_thread() is not threading.main_thread():
            return call()
        box: dict[str, Any] = {}
        done = threading.Event()

        def target() -> None:
            try:
                box["value"] = call()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                box["error"] = exc
            finally:
                done.set()

        threading.Thread(target=target, name="smartspec-query", daemon=True).start()
        try:
            while not done.wait(0.5):
                pass
        except KeyboardInterrupt:
            self._terminate(tag)
            raise
        if "error" in box:
            raise box["error"]
        return box["value"]

    def _terminate(self, tag: str) -> None:
        """Terminate the transaction of the run tagged ``tag`` (best effort, a few seconds)."""
        try:
            with self._driver.session(database=self.database) as session:
                session.run(
                    self._neo4j.Query(
                        "SHOW TRANSACTIONS YIELD transactionId AS t, metaData AS m "
                        f"WHERE m.{RUN_TAG} = $tag TERMINATE TRANSACTIONS t",
                        timeout=5,
                    ),
                    tag=tag,
                ).consume()
        except Exception:  # noqa: BLE001 - interrupted anyway; closing the connection ends it
            log.debug("could not terminate the interrupted statement", exc_info=True)

    def _run(
        self,
        query: str,
        parameters: dict[str, Any],
        write: bool,
        timeout: float | None,
        tag: str,
    ) -> tuple[list[str], list[list[Any]]]:
        neo4j = self._neo4j
        metadata = {RUN_TAG: tag}

        def work() -> tuple[list[str], list[list[Any]]]:
            # one transaction, retried by :func:`_retried` (not the driver's execute_read /
            # execute_write, which retry an unreachable server for 30 s before saying so)
            with session.begin_transaction(timeout=timeout, metadata=metadata) as tx:
                result = tx.run(query, parameters)
                out = list(result.keys()), [r.values() for r in result]
                tx.commit()
                return out

        from neo4j.exceptions import Neo4jError

        with self._translated_errors(timeout), self._session(write) as session:
            if not write:
                self._refuse_writes(session, query, parameters)
            if query.lstrip().upper().startswith(SCHEMA_COMMANDS):
                # schema commands and SHOW run in auto-commit transactions, which the driver
                # does not retry: two loads creating the schema of a new database at once
                # can deadlock on a label's lock, or find that the other one has just
                # created an index (all that IF NOT EXISTS asks for)
                def auto_commit() -> tuple[list[str], list[list[Any]]]:
                    try:
                        result = session.run(
                            neo4j.Query(query, timeout=timeout, metadata=metadata), parameters
                        )
                        return list(result.keys()), [r.values() for r in result]
                    except Neo4jError as exc:
                        if exc.code == EQUIVALENT_SCHEMA and "IF NOT EXISTS" in query.upper():
                            return [], []
                        raise

                keys, records = _retried(auto_commit, "schema command",
                                         reachable=self._reachable)
            else:
                keys, records = _retried(work, "query", reachable=self._reachable)
        return keys, records

    def _refuse_writes(self, session: Session, query: str, parameters: dict[str, Any]) -> None:
        """Raise :class:`ReadOnlyError` unless Neo4j plans ``query`` as a read.

        The server plans the statement without running it (``EXPLAIN``): its query type must be
        ``r`` (not ``rw``, ``w`` or ``s``, schema and administration), and its plan must hold
        none of :data:`REFUSED_OPERATORS` and call none of :data:`REFUSED_CALLS`.
        """
        if reads_files(query):
            raise ReadOnlyError("LOAD CSV reads files")
        text = re.sub(r"^\s*(?:EXPLAIN|PROFILE)\b", "", query, flags=re.IGNORECASE)
        summary = session.run("EXPLAIN " + text, parameters).consume()
        kinds = {"rw": "writes to the graph", "w": "writes to the graph",
                 "s": "changes the schema or administers the server"}
        if summary.query_type != "r":
            what = kinds.get(summary.query_type, f"is of query type {summary.query_type!r}")
            raise ReadOnlyError(f"this statement {what}")
        refused = sorted({op for op in _operators(summary.plan) if op in REFUSED_OPERATORS})
        if refused:
            raise ReadOnlyError(
                f"this statement's plan has {', '.join(refused)} (it ends transactions, "
                "administers the server or reads files)"
            )
        calls = sorted({m.group(0).rstrip(".") for d in _details(summary.plan)
                        for m in REFUSED_CALLS.finditer(d)})
        if calls:
            raise ReadOnlyError(
                f"this statement calls {', '.join(calls)}, which runs Cypher text or touches "
                "files"
            )

    def read_table(self, query: str, parameters: dict[str, Any] | None = None) -> pd.DataFrame:
        """As :meth:`Store.read_table`: the statement's rows collected as lists in one record.

        The columns come from the statement's plan (``EXPLAIN``); the statement runs as a
        subquery, so its own ``ORDER BY``, ``LIMIT`` and aggregations apply as written.
        """
        columns = list(self.run("EXPLAIN " + query, parameters).columns)
        fields = ", ".join(f"`{c.replace('`', '``')}`" for c in columns)
        found = self.run(f"CALL {{\n{query.rstrip().rstrip(';')}\n}} "
                         f"RETURN collect([{fields}]) AS rows", parameters)
        return pd.DataFrame(found["rows"].iloc[0], columns=columns)

    def read_relationships(
        self,
        rel_type: str,
        *,
        start: str,
        end: str,
        properties: Sequence[str] = (),
        where: dict[str, Sequence[Any]] | None = None,
    ) -> pd.DataFrame:
        """As :meth:`Store.read_relationships`, reading records that hold lists.

        The driver turns each record into Python objects one by one (20-50 us a record), so a
        record per relationship reads 177,000 relationships in about 4 s. Here a record holds a
        start node's key and a list per relationship (177,000 exports of 224 countries: 0.6 s).
        Above ``READ_NODES`` start nodes, where a record each costs too (1.8 s for CORDIS's
        35,000 organisations), the start nodes are grouped by their degrees into records of
        about ``READ_RECORD`` relationships (grouping costs ~0.1 s, so it is not done always).
        A statement reads start nodes of about ``READ_CHUNK`` relationships, so a large graph
        never builds one huge result on the server.
        """
        schema.relationship(rel_type)
        s_key, e_key = schema.quote(schema.node(start).key), schema.quote(schema.node(end).key)
        q = schema.quote
        where_text, params = relationship_filter(where)
        found = self.run(
            f"MATCH (a:{start}) WITH a.{s_key} AS k, COUNT {{ (a)-[:{rel_type}]->() }} AS d "
            "WHERE d > 0 RETURN collect(k) AS k, collect(d) AS d"
        ).iloc[0]
        columns = ["start", "end", *properties]
        if not found["k"]:
            return pd.DataFrame(columns=columns)
        keys = pd.Series(found["k"], dtype=object)
        before = np.cumsum(found["d"]) - 1
        # collect() skips nulls, so each relationship is collected as one list
        fields = ", ".join([f"b.{e_key}", *(f"r.{q(p)}" for p in properties)])
        query = (
            f"MATCH (a:{start}) WHERE a.{s_key} IN $starts "
            f"MATCH (a)-[r:{rel_type}]->(b:{end}){where_text} "
        )
        grouped = len(keys) > READ_NODES
        if grouped:
            query += (f"WITH a.{s_key} AS k, collect([{fields}]) AS rels "
                      "WITH $groups[toString(k)] AS g, collect([k, rels]) AS nodes RETURN nodes")
        else:
            query += f"RETURN a.{s_key} AS k, collect([{fields}]) AS rels"
        nodes = []
        for _, part in keys.groupby(before // READ_CHUNK):
            parameters = {**params, "starts": part.tolist()}
            if grouped:
                group = (before[part.index] // READ_RECORD).tolist()
                parameters["groups"] = dict(zip(part.astype(str), group, strict=True))
                nodes.extend(chain.from_iterable(self.run(query, parameters)["nodes"]))
            else:
                found = self.run(query, parameters)
                nodes.extend(zip(found["k"], found["rels"], strict=True))
        out = pd.DataFrame(list(chain.from_iterable(rels for _, rels in nodes)),
                           columns=columns[1:])
        starts = np.array([k for k, _ in nodes], dtype=object)
        out.insert(0, "start", starts.repeat([len(rels) for _, rels in nodes]))
        return out

    def write_batches(
        self,
        query: str,
        batch_iter: Iterable[Batch],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """As :meth:`Store.write_batches`; while a :meth:`load_lock` is held, each batch checks
        that the lock's transaction is alive before it commits (:class:`LockLost` if not)."""
        with self._translated_errors(), self._session(True) as session:
            for batch in batch_iter:
                _write_transaction(session, query, self._parameters(batch),
                                   before_commit=self._check_locks, reachable=self._reachable)
                if on_batch:
                    on_batch(len(batch))

    def row_source(self, columns: Sequence[str]) -> tuple[str, Callable[[str], str]]:
        """``UNWIND range(0, size($c0) - 1) AS i`` over one list per column; ``$c<k>[i]``.

        Lists of plain values pack in about a third of the time of a list of maps (measured
        with the driver's Rust extension: 0.3 s against 0.85 s for 177,000 rows), which
        matters when the client shares the CPUs with the server.
        """
        index = {c: k for k, c in enumerate(columns)}
        return "UNWIND range(0, size($c0) - 1) AS i", lambda c: f"$c{index[c]}[i]"

    def batch_parameters(self, batch: pd.DataFrame) -> dict[str, Any]:
        columns = frame_to_columns(batch)
        parameters = {f"c{k}": values for k, values in enumerate(columns.values())}
        if "_start" in batch.columns and "_end" in batch.columns:
            # the distinct endpoint keys of a relationship batch, and each row's place in them
            for name, col in (("s", "_start"), ("e", "_end")):
                at, keys = pd.factorize(batch[col])
                at[at < 0] = len(keys)  # a missing key: out of range, so no node
                parameters[f"{name}k"], parameters[f"{name}i"] = keys.tolist(), at.tolist()
        return parameters

    def endpoint_match(
        self, source: str, ref: Callable[[str], str], start: str, end: str
    ) -> str:
        """Each distinct endpoint of a batch is looked up once, not once per row.

        The batch carries its distinct start and end keys (``$sk``, ``$ek``) and each row's
        place in them (``$si``, ``$ei``, see :meth:`batch_parameters`); the nodes are collected
        in that order (``[n]`` keeps a missing node's place, as ``collect`` drops nulls) and
        each row picks its two. A batch of 10,000 exports touches ~50 regions and ~1,200
        products: 1.3x faster than two unique-index seeks per row (measured, warm server).
        """
        s_key, e_key = schema.quote(schema.node(start).key), schema.quote(schema.node(end).key)
        return (
            f"UNWIND range(0, size($sk) - 1) AS j OPTIONAL MATCH (n:{start} {{{s_key}: $sk[j]}}) "
            "WITH j, n ORDER BY j WITH collect([n]) AS starts "
            f"UNWIND range(0, size($ek) - 1) AS j OPTIONAL MATCH (n:{end} {{{e_key}: $ek[j]}}) "
            "WITH starts, j, n ORDER BY j WITH starts, collect([n]) AS ends "
            f"{source} WITH starts[$si[i]][0] AS a, ends[$ei[i]][0] AS b, i "
            "WHERE a IS NOT NULL AND b IS NOT NULL "
        )

    def keyed_match(
        self, source: str, ref: Callable[[str], str], spec: schema.RelSpec, start: str, end: str
    ) -> str:
        """Each row's stored relationship by a seek of the ``key`` index alone.

        The rows were read under the :meth:`load_lock`, so they are stored. A ``MERGE`` between
        the two endpoints is planned as ``Expand(Into)``, which scans an endpoint's relationships
        of the type (every year of them) for each row: updating every value of world trade 2017
        took 5.6 s that way on a warm server and 3.8 s by the index, the gap growing with the
        years stored.
        """
        key = schema.relationship_key(spec, start, end, ref)
        return f"{source} MATCH ()-[r:{spec.type} {{key: {key}}}]->()"

    def write_rounds(
        self,
        query: str,
        rounds: Sequence[Sequence[Batch]],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """Write the blocks of each round in parallel, one session per writer.

        A round's blocks share no node, so the writers take no lock another one holds; a round
        begins once the previous one is written. The first error stops the load after the
        batches already running; every batch written is a whole transaction.
        """
        if self.writers <= 1:
            super().write_rounds(query, rounds, batch_size=batch_size, on_batch=on_batch)
            return
        lock = threading.Lock()
        failed = threading.Event()

        def report(n: int) -> None:
            if on_batch:
                with lock:
                    on_batch(n)

        def until_failed(rows: Batch):
            for batch in batches(rows, batch_size):
                if failed.is_set():
                    return
                yield batch

        def write_block(rows: Batch) -> None:
            try:
                self.write_batches(query, until_failed(rows), on_batch=report)
            except BaseException:
                failed.set()
                raise

        with ThreadPoolExecutor(self.writers, thread_name_prefix="smartspec-writer") as pool:
            try:
                for blocks in rounds:
                    futures = [pool.submit(write_block, rows) for rows in blocks]
                    for future in futures:
                        future.result()
            except BaseException:
                failed.set()  # the other writers stop after their current batch
                raise

    @contextmanager
    def load_lock(self, rel_type: str) -> Iterator[None]:
        """Hold the lock for writing ``rel_type`` into this database; wait while another holds it.

        The lock is a ``SmartspecLock {name}`` node created in a transaction of its own and never
        committed (each batch written meanwhile checks that it is still open, see
        :meth:`_check_locks`): the uniqueness constraint on ``name`` makes a second creator wait
        until the first transaction ends (the constraint's index-entry lock), and rolling it
        back leaves nothing stored. A process that dies loses its connection, and the server
        rolls its transaction back, so a killed load never leaves a stale lock. A load that has
        waited ``LOCK_NOTICE_SECONDS`` says so (a warning of the ``...neo4j_store.lock`` logger).
        """
        schema.relationship(rel_type)
        if not self._lock_ready:
            self.run(
                f"CREATE CONSTRAINT {LOCK_CONSTRAINT} IF NOT EXISTS "
                f"FOR (n:{LOCK_LABEL}) REQUIRE n.name IS UNIQUE",
                write=True,
            )
            self._lock_ready = True
        notice = threading.Timer(
            LOCK_NOTICE_SECONDS, lock_log.warning,
            ("waiting for another load of %s into %s to finish", rel_type, self.uri),
        )
        with self._session(True) as session:
            with self._translated_errors():
                # the metadata names the lock in SHOW TRANSACTIONS (metaData.smartspec_lock)
                tx = session.begin_transaction(metadata={LOCK_TAG: rel_type})
                notice.start()
                try:
                    tx.run(f"CREATE (:{LOCK_LABEL} {{name: $name}})", name=rel_type).consume()
                finally:
                    notice.cancel()
            with self._locks_mutex:
                self._locks[rel_type] = tx
            try:
                yield
            finally:
                with self._locks_mutex:
                    self._locks.pop(rel_type, None)
                try:
                    tx.rollback()
                except Exception:  # noqa: BLE001 - the server ended it already: the lock is gone
                    log.debug("the lock transaction for %s had already ended", rel_type)

    def _check_locks(self) -> None:
        """Raise :class:`LockLost` if the transaction of a held load lock has ended.

        A trivial statement runs in each lock's transaction (one round trip); it fails once the
        server has ended the transaction (``TERMINATE TRANSACTIONS``, a transaction timeout),
        after which another load could take the lock and write the same relationships.
        """
        if not self._locks:
            return
        with self._locks_mutex:
            for rel_type, tx in self._locks.items():
                try:
                    tx.run("RETURN 1").consume()
                except Exception as exc:  # noqa: BLE001 - any failure: the lock is not held
                    why = getattr(exc, "message", None) or _first_line(exc)
                    raise LockLost(
                        f"the load lock for {rel_type} on {self.uri} was lost (its transaction "
                        f"ended: {why}); the load stopped before writing further batches (those "
                        "written before stay stored; load again to complete it)"
                    ) from exc

    def _reachable(self) -> bool:
        """Whether the server answers now (a new connection, at most ``connection_timeout``):
        after a lost connection, a server that is gone is reported at once, not retried."""
        try:
            self._driver.verify_connectivity()
        except Exception:  # noqa: BLE001 - any failure to connect means: not reachable
            return False
        return True

    def close(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()
            self._driver = None


def _write_transaction(
    session: Session,
    query: str,
    parameters: dict[str, Any],
    *,
    delay: float = RETRY_DELAY,
    give_up_after: float = RETRY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    before_commit: Callable[[], None] | None = None,
    reachable: Callable[[], bool] | None = None,
) -> None:
    """Run ``query`` in one write transaction of ``session``, retried on transient errors.

    ``before_commit()`` runs after the statement and before the commit; an exception from it
    rolls the transaction back and is raised (not retried).

    The pauses start at ``delay`` seconds and double (at most 5 s, with 20% jitter) until they
    add up to ``give_up_after`` seconds; errors that are not retryable (a constraint violation,
    a syntax error) are raised at once. The driver documents ``Neo4jError.is_retryable`` for
    such a retry policy of one's own with explicit transactions.

    Why not the driver's ``execute_write``: its first retry waits a second, a pause set only by
    options the driver calls unsupported. Our parallel writers share no node, yet Neo4j 5.26
    sometimes reports a deadlock between them on a relationship record (after nodes were
    deleted and their ids reused); it clears as soon as the other transaction commits, and a
    second's pause cost up to a fifth of a 177k-relationship load.

    A server that stays away: four attempts, after pauses of about 0.05, 0.1 and 0.2 s; with
    ``reachable`` (a check that the server answers), a lost connection to a server that does
    not answer is raised at once (a killed server is reported in a second, not in 30).

    >>> from neo4j.exceptions import ServiceUnavailable
    >>> class Away:
    ...     attempts = 0
    ...     def begin_transaction(self):
    ...         Away.attempts += 1
    ...         raise ServiceUnavailable("restarting")
    >>> pauses = []
    >>> try:
    ...     _write_transaction(Away(), "RETURN 1", {}, give_up_after=0.2, sleep=pauses.append)
    ... except ServiceUnavailable:
    ...     print(Away.attempts, "attempts,", len(pauses), "pauses")
    4 attempts, 3 pauses
    """

    def work() -> None:
        with session.begin_transaction() as tx:
            tx.run(query, parameters).consume()
            if before_commit is not None:
                before_commit()
            tx.commit()

    _retried(work, "write transaction", delay=delay, give_up_after=give_up_after, sleep=sleep,
             reachable=reachable)


def _retried(
    work: Callable[[], Any],
    what: str,
    *,
    delay: float = RETRY_DELAY,
    give_up_after: float = RETRY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
    reachable: Callable[[], bool] | None = None,
) -> Any:
    """``work()``, called again after transient errors with the pauses of
    :func:`_write_transaction`; each retry is logged as a warning naming ``what``.

    A lost connection (``ServiceUnavailable``, ``SessionExpired``) is retried only while
    ``reachable()`` says the server answers (when given): a killed server is reported at once.

    >>> from neo4j.exceptions import ServiceUnavailable
    >>> def lost():
    ...     raise ServiceUnavailable("Failed to read from defunct connection")
    >>> pauses = []
    >>> try:
    ...     _retried(lost, "query", sleep=pauses.append, reachable=lambda: False)
    ... except ServiceUnavailable:
    ...     print(len(pauses), "pauses")
    0 pauses
    """
    from neo4j.exceptions import DriverError, Neo4jError, ServiceUnavailable, SessionExpired

    waited = 0.0
    while True:
        try:
            return work()
        except (Neo4jError, DriverError) as exc:
            if not exc.is_retryable() or waited >= give_up_after:
                raise
            if "OutOfMemory" in (getattr(exc, "code", None) or ""):
                raise  # "transient" to Neo4j, but the same statement needs the same memory again
            if (isinstance(exc, (ServiceUnavailable, SessionExpired)) and reachable is not None
                    and not reachable()):
                raise
            reason = _first_line(exc)
        pause = delay * random.uniform(0.8, 1.2)
        log.warning("%s retried in %.2f s: %s", what, pause, reason)
        sleep(pause)
        waited += pause
        delay = min(2 * delay, 5.0)


def tls_problem(uri: str, timeout: float = 3.0) -> str | None:
    """Why a TLS URI (``+s``, ``+ssc``) cannot reach its server over TLS, or None.

    The server is asked for a TLS handshake directly: a server without TLS (such as the local
    one of ``smartspec db start``) ends it, and a ``+s`` URI to a server whose certificate is
    not trusted (self-signed) fails verification. None for other schemes, for a handshake that
    works, and when the host cannot be reached at all (the driver's message says that).

    >>> tls_problem("bolt://127.0.0.1:7687") is None
    True
    """
    import socket
    import ssl
    from urllib.parse import urlsplit

    parts = urlsplit(uri.strip())
    scheme = parts.scheme.lower()
    if not scheme.endswith(("+s", "+ssc")) or not parts.hostname:
        return None
    host, port = parts.hostname, parts.port or 7687
    plain = scheme.split("+")[0] + "://"
    try:
        raw = socket.create_connection((host, port), timeout=timeout)
    except OSError:
        return None
    context = ssl.create_default_context()
    if scheme.endswith("+ssc"):
        context.check_hostname, context.verify_mode = False, ssl.CERT_NONE
    try:
        with raw, context.wrap_socket(raw, server_hostname=host):
            return None
    except ssl.SSLCertVerificationError as exc:
        return (f"the certificate of {host}:{port} is not trusted ({exc.verify_message}); for a "
                f"self-signed certificate use {scheme.replace('+s', '+ssc')}://, else install "
                "the CA that signed it")
    except (ssl.SSLError, ConnectionError, OSError) as exc:
        return (f"the server at {host}:{port} does not speak TLS, which {scheme}:// asks for "
                f"(handshake: {type(exc).__name__}); use {plain} for a server without TLS (as "
                "the local server of `smartspec db start`), or turn TLS on for Bolt at the server")


def default_writers() -> int:
    """``SMARTSPEC_NEO4J_WRITERS``, else the number of CPUs, at most 4."""
    text = os.environ.get("SMARTSPEC_NEO4J_WRITERS", "").strip()
    if not text:
        return max(1, min(4, os.cpu_count() or 1))
    try:
        return int(text)
    except ValueError:
        raise StoreError(f"SMARTSPEC_NEO4J_WRITERS={text!r} is not a whole number") from None


def _operators(plan: dict | None) -> Iterator[str]:
    """The operator names of an ``EXPLAIN`` plan (``LoadCSV``, without ``@neo4j``)."""
    if plan:
        yield str(plan.get("operatorType", "")).split("@")[0]
        for child in plan.get("children", ()):
            yield from _operators(child)


def _details(plan: dict | None) -> Iterator[str]:
    """The ``Details`` texts of an ``EXPLAIN`` plan's operators (calls spelt out in full)."""
    if plan:
        yield str(plan.get("args", {}).get("Details", ""))
        for child in plan.get("children", ()):
            yield from _details(child)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
