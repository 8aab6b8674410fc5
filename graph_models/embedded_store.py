"""The embedded store: kglite, in-process and file-backed, speaking Neo4j 5 Cypher.

The graph lives in one file (``$SMARTSPEC_HOME/graph.kgl``). Opening the store loads it and takes
an exclusive lock for the lifetime of the store; :meth:`EmbeddedStore.commit` saves it atomically
(kglite writes a new file and renames it). A command that fails or is killed before it commits
leaves the file as it was: everything a command writes lands together or not at all, which is
stronger than the per-batch transactions of the Neo4j store. kglite's new file is
``graph.kgl.tmp.<pid>.<n>``; one left by a process killed while saving is removed when the store
is next opened (:func:`remove_stale_temp_files`).

Read-only runs (``run(..., write=False)``) go through kglite's read-only mode, which refuses
every mutation (``CREATE``, ``MERGE``, ``SET``, ``DELETE``, ``REMOVE``, ``INSERT``, schema and
ontology procedures) in the engine, and through its plan (``EXPLAIN``), which must not load a
CSV file.
"""

from __future__ import annotations

import fcntl
import glob
import os
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import schema
from ._process import pid_alive
from .store import (
    Batch,
    QueryTimeout,
    ReadOnlyError,
    Store,
    StoreError,
    frame_to_columns,
    reads_files,
    smartspec_home,
)

__all__ = ["EmbeddedStore", "default_path", "remove_stale_temp_files"]

#: Operations of kglite's plan a read-only run refuses (besides the mutations its read-only
#: mode refuses): reading a file.
_REFUSED_OPERATIONS = {"LoadCsv"}


def default_path() -> Path:
    """``$SMARTSPEC_HOME/graph.kgl`` (``./.smartspec/graph.kgl`` by default)."""
    return smartspec_home() / "graph.kgl"


class EmbeddedStore(Store):
    """A kglite graph in a file.

    Parameters
    ----------
    path : path-like, optional
        The graph file; created with its folder on first commit. Default :func:`default_path`.
    """

    kind = "embedded"

    def __init__(self, path: str | os.PathLike | None = None) -> None:
        import kglite

        self._kglite = kglite
        # kglite prints advisory notes (e.g. "unknown relationship type") on stderr; a query over
        # a type not loaded yet is normal here, and Neo4j answers such queries silently too.
        kglite.set_query_warning_policy("silent")
        self.path = Path(path) if path is not None else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.path.with_name(self.path.name + ".smartspec-lock"), "a+")  # noqa: SIM115
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise StoreError(
                f"embedded store {self.path} is in use by another smartspec process"
            ) from None
        remove_stale_temp_files(self.path)
        try:
            self._graph = (
                kglite.load(str(self.path)) if self.path.exists() else kglite.KnowledgeGraph()
            )
        except Exception as exc:
            self.close()
            raise StoreError(f"cannot read embedded store {self.path}: {exc}") from exc
        self._dirty = False

    def describe(self) -> str:
        return f"embedded store {self.path}"

    def run(
        self,
        query: str,
        parameters: dict[str, Any] | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
    ) -> pd.DataFrame:
        kg = self._kglite
        timeout = self.query_timeout if timeout is None else timeout
        options: dict[str, Any] = {"params": parameters or {}, "to_df": True}
        if timeout is not None:
            options["timeout_ms"] = max(1, round(timeout * 1000)) if timeout > 0 else 0
        if not write:
            self._refuse_file_reads(query, parameters)
        self._graph.read_only(not write)
        try:
            result = self._graph.cypher(query, **options)
        except kg.ReadOnlyError as exc:
            raise ReadOnlyError("this statement writes to the graph") from exc
        except kg.CypherTimeoutError as exc:
            raise QueryTimeout(
                f"the query ran longer than its timeout of {timeout:g} s and was stopped "
                "(a longer --timeout, or 0 for none, lets it run)"
            ) from exc
        except kg.KgError as exc:
            if not write and "read-only mode" in str(exc):  # e.g. a write in a UNION's part
                raise ReadOnlyError("this statement writes to the graph") from exc
            raise StoreError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            self._graph.read_only(False)
        if write:
            self._dirty = True
        return result if result is not None else pd.DataFrame()

    def _refuse_file_reads(self, query: str, parameters: dict[str, Any] | None) -> None:
        """Refuse a read-only statement whose kglite plan, or text, loads a CSV file."""
        if reads_files(query):
            raise ReadOnlyError("LOAD CSV reads files")
        try:
            plan = self._graph.cypher("EXPLAIN " + query, params=parameters or {}, to_df=True)
        except self._kglite.KgError as exc:
            raise StoreError(f"{type(exc).__name__}: {exc}") from exc
        if plan is not None and "operation" in plan and plan["operation"].isin(
            _REFUSED_OPERATIONS
        ).any():
            raise ReadOnlyError("LOAD CSV reads files")

    def write_batches(
        self,
        query: str,
        batch_iter: Iterable[Batch],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        # kglite has no cheap per-batch transaction (each begin() copies the graph on its first
        # write); the batches run as statements on the loaded graph and land together on commit().
        for batch in batch_iter:
            self.run(query, self._parameters(batch), write=True)
            if on_batch:
                on_batch(len(batch))

    #: kglite binds small UNWIND lists faster (measured: 2,000 rows ~10% faster than 10,000)
    create_batch_size = 2_000

    def _create_relationships(
        self,
        spec: schema.RelSpec,
        rows: pd.DataFrame,
        start: str,
        end: str,
        props: Sequence[str],
        batch_size: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        """The first load of a relationship type goes through kglite's DataFrame loader.

        ``add_relationships`` writes 177k relationships in about a third of the time of Cypher
        ``CREATE`` (no per-row query execution), but it merges rows into stored relationships
        with the same endpoints, whatever their key (a second year of ``EXPORTS`` would
        overwrite the first). So it is used only while the graph holds no relationship of the
        type, with all rows in one call (rows of one call are never merged); later loads, and
        rows whose key cannot be computed in pandas, take Cypher ``CREATE``. Endpoints are
        passed as kglite's node ids, read by key; rows whose endpoint is missing write nothing,
        as with ``MATCH``.
        """
        key = schema.relationship_key_values(spec, start, end, rows)
        if key is None or self._holds(spec.type):
            super()._create_relationships(spec, rows, start, end, props, batch_size, progress)
            return
        self._add_with_loader(spec, rows, start, end, props, key)
        if progress:
            progress(len(rows))

    def _merge_unkeyed(
        self,
        spec: schema.RelSpec,
        rows: pd.DataFrame,
        start: str,
        end: str,
        props: Sequence[str],
        batch_size: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        """A first load of a type without key properties goes through kglite's DataFrame
        loader too (see :meth:`_create_relationships`); the rows are already one per pair, the
        pair's last (e.g. 796,670 CORDIS ``COLLABORATES_WITH`` pairs)."""
        if self._holds(spec.type):
            super()._merge_unkeyed(spec, rows, start, end, props, batch_size, progress)
            return
        self._add_with_loader(spec, rows, start, end, props, None)
        if progress:
            progress(len(rows))

    def _add_with_loader(
        self,
        spec: schema.RelSpec,
        rows: pd.DataFrame,
        start: str,
        end: str,
        props: Sequence[str],
        key: pd.Series | None,
    ) -> None:
        """Write ``rows`` with ``add_relationships`` in one call (``key``: their ``key``
        values, None for a type without key properties)."""
        start_ids = _node_ids(self, start)
        end_ids = start_ids if end == start else _node_ids(self, end)
        data = {"_a": _lookup(start_ids, rows["_start"]), "_b": _lookup(end_ids, rows["_end"])}
        if key is not None:
            data["key"] = key.to_numpy()
        for c in [*spec.key, *props]:
            col = rows[c]
            if pd.api.types.is_numeric_dtype(col) or pd.api.types.is_string_dtype(col):
                data[c] = col.array  # keeps nullable dtypes (Int64 stays integer); NA is missing
            else:  # dates, booleans with gaps, mixed objects: the values Cypher would receive
                data[c] = frame_to_columns(rows[[c]])[c]
        frame = pd.DataFrame(data).dropna(subset=["_a", "_b"])
        for c in ("_a", "_b"):  # numbers assigned by kglite come back as floats after NaNs
            if pd.api.types.is_float_dtype(frame[c]):
                frame[c] = frame[c].astype("int64")
        try:
            self._graph.add_relationships(
                frame, spec.type, start, "_a", end, "_b",
                columns=[c for c in frame.columns if c not in ("_a", "_b")],
            )
        except self._kglite.KgError as exc:
            raise StoreError(f"{type(exc).__name__}: {exc}") from exc
        self._dirty = True

    def _holds(self, rel_type: str) -> bool:
        """Whether the graph holds a relationship of ``rel_type``."""
        return not self.run(f"MATCH ()-[r:{rel_type}]->() RETURN 1 AS held LIMIT 1").empty

    def commit(self) -> None:
        if self._dirty:
            with warnings.catch_warnings():
                # an advisory about kglite's memory-mapped layout of rewritten string columns;
                # it changes nothing in what is stored or read back
                warnings.simplefilter("ignore", self._kglite.MappedFallbackWarning)
                self._graph.save(str(self.path))
            self._dirty = False

    def close(self) -> None:
        lock = getattr(self, "_lock_file", None)
        if lock is not None and not lock.closed:
            fcntl.flock(lock, fcntl.LOCK_UN)
            lock.close()


def _node_ids(store: EmbeddedStore, label: str) -> pd.Series:
    """kglite's node id of every node of ``label``, indexed by the node key.

    kglite identifies a node by its ``id`` property, or by a number it assigns when the node
    has none (labels keyed by ``code``); its DataFrame loaders take these ids.
    """
    key = schema.node(label).key
    return store.run(
        f"MATCH (n:{label}) RETURN n.{schema.quote(key)} AS key, n.id AS id"
    ).set_index("key")["id"]


def _lookup(ids: pd.Series, keys: pd.Series) -> np.ndarray:
    """The id of each key in ``keys`` (None where no node has it)."""
    at = pd.Index(ids.index).get_indexer(keys)
    return np.where(at >= 0, ids.to_numpy()[at], None)


def remove_stale_temp_files(path: Path) -> list[Path]:
    """Remove ``<path>.tmp.<pid>.<n>`` files of processes that no longer run.

    kglite saves into such a file and renames it over ``path``; a process killed meanwhile
    leaves it behind. A file whose process runs (it may be saving now), or whose name holds no
    process id, is kept. Returns the files removed.
    """
    removed = []
    for tmp in path.parent.glob(glob.escape(path.name) + ".tmp.*"):
        match = re.fullmatch(r"(\d+)(?:\.\d+)?", tmp.name[len(path.name) + len(".tmp.") :])
        if match is None or pid_alive(int(match.group(1))):
            continue
        try:
            tmp.unlink()
        except FileNotFoundError:
            continue
        removed.append(tmp)
    return removed
