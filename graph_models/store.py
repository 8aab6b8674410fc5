"""The narrow store interface shared by the Neo4j store and the embedded (kglite) store.

A store upserts nodes and relationships in batches (``UNWIND $rows ... MERGE``), reads a
relationship type back as a table, runs Cypher with parameters, and creates the schema of
:mod:`smartspec.graph_models.schema`. Which store is used: ``--store`` if given, else Neo4j when
``NEO4J_URI`` is set, else the embedded store under ``SMARTSPEC_HOME`` (default ``./.smartspec``).
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import SmartspecError, ValidationError
from . import schema

__all__ = [
    "Store",
    "StoreError",
    "ReadOnlyError",
    "QueryTimeout",
    "cypher_words",
    "reads_files",
    "STORE_KINDS",
    "open_store",
    "smartspec_home",
    "frame_to_rows",
    "frame_to_columns",
    "canonical_pairs",
    "disjoint_rounds",
    "DEFAULT_BATCH_SIZE",
]

STORE_KINDS = ("neo4j", "embedded")
#: Rows per batch (one transaction each on Neo4j); ``SMARTSPEC_BATCH_SIZE`` overrides it.
DEFAULT_BATCH_SIZE = int(os.environ.get("SMARTSPEC_BATCH_SIZE") or 10_000)
#: What :meth:`Store.write_batches` takes: row maps, or a table of rows.
Batch = Sequence[dict[str, Any]] | pd.DataFrame


class StoreError(SmartspecError, RuntimeError):
    """A store could not be opened, reached or written; the message names the store."""


class ReadOnlyError(StoreError):
    """A read-only run refused a statement that writes, administers the server or reads files.

    ``reason`` says what the statement does, e.g. ``"this statement writes to the graph"``.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{reason}; it runs only with write access")


class QueryTimeout(StoreError):
    """A statement ran longer than its timeout and was stopped."""


#: Cypher text that is not code: strings, backticked names, line and block comments.
_NOT_CODE = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|`(?:[^`]|``)*`|//[^\n]*|/\*.*?(?:\*/|\Z)",
    re.DOTALL,
)


def cypher_words(text: str) -> list[str]:
    """The keywords and names of a Cypher statement, upper-cased, in order.

    Strings, backticked names and comments (``//`` and ``/* */``) are left out, and the text is
    NFKC-normalised first, so look-alike letters (full-width ``ＬＯＡＤ``) read as the letters
    they resemble. A name after a dot (``n.set``) is a property, not a keyword, and is left out.

    >>> cypher_words("MATCH (n) /* SET */ RETURN n.set AS `create`, 'DELETE' // MERGE")
    ['MATCH', 'N', 'RETURN', 'N', 'AS']
    """
    code = _NOT_CODE.sub(" ", unicodedata.normalize("NFKC", text))
    return [w.upper() for w in re.findall(r"(?<![.\w$])[^\W\d]\w*", code)]


def reads_files(text: str) -> bool:
    """Whether a statement has a ``LOAD CSV`` clause, which reads files or URLs.

    A read-only run refuses it on both stores: it reads no graph, but it reads what the
    server's (or, embedded, the user's) account can reach.

    >>> reads_files("load /* x */ csv FROM 'file:///etc/passwd' AS l RETURN l")
    True
    >>> reads_files("MATCH (n) RETURN n.load AS csv, 'LOAD CSV' AS t")
    False
    """
    words = cypher_words(text)
    return any(a == "LOAD" and b == "CSV" for a, b in zip(words, words[1:], strict=False))


def smartspec_home() -> Path:
    """The data directory: ``$SMARTSPEC_HOME`` or ``./.smartspec``.

    A path that exists but is no folder (``SMARTSPEC_HOME`` set to a file) is refused with
    :class:`StoreError` naming it, rather than failing later when a store is created in it.
    """
    env = os.environ.get("SMARTSPEC_HOME")
    home = Path(env or ".smartspec")
    if home.exists() and not home.is_dir():
        what = "SMARTSPEC_HOME" if env else "the default data folder"
        raise StoreError(
            f"{what} {str(home)!r} is a file, not a folder; set SMARTSPEC_HOME to a folder "
            "(it is created if missing) where smartspec keeps its stores"
        )
    return home


def _native(value: Any) -> Any:
    """A value the drivers accept: numpy scalars to Python, NaN/NA to None."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat() if value == value.normalize() else value.isoformat()
    return value


def frame_to_columns(frame: pd.DataFrame) -> dict[str, list[Any]]:
    """Columns of ``frame`` as lists of native Python values, None for missing ones."""
    columns = {}
    for c in frame.columns:
        col = frame[c]
        if (
            pd.api.types.is_bool_dtype(col)
            or pd.api.types.is_numeric_dtype(col)
            or pd.api.types.is_string_dtype(col)
            and not pd.api.types.is_object_dtype(col)
        ):
            # tolist() already gives Python scalars; only the missing ones need replacing
            values = col.tolist()
            for i in np.flatnonzero(col.isna().to_numpy()):
                values[i] = None
        else:
            values = [_native(v) for v in col.tolist()]
        columns[c] = values
    return columns


def frame_to_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Records of ``frame`` with native Python values and None for missing ones."""
    if frame.empty:
        return []
    columns = frame_to_columns(frame)
    names = list(columns)
    return [dict(zip(names, values, strict=True)) for values in zip(*columns.values(), strict=True)]


def canonical_pairs(
    spec: schema.RelSpec, rows: pd.DataFrame, start: str, end: str, start_col: str, end_col: str
) -> pd.DataFrame:
    """Undirected relationships between nodes of one label go from the lower key to the higher."""
    if spec.directed or start != end:
        return rows
    swap = (rows[start_col].astype(str) > rows[end_col].astype(str)).to_numpy()
    if not swap.any():
        return rows
    rows = rows.copy()
    rows.loc[swap, [start_col, end_col]] = rows.loc[swap, [end_col, start_col]].to_numpy()
    return rows


def disjoint_rounds(
    starts: Sequence[Any], ends: Sequence[Any], *, writers: int, same_nodes: bool = False
) -> list[list[np.ndarray]]:
    """Split relationship rows into rounds of blocks that share no endpoint node.

    Relationships written by concurrent transactions lock their endpoint nodes, so two writers
    that touch a common (dense) node wait for each other or deadlock. This splits the rows so
    that the blocks of one round can be written in parallel without sharing a node: every node
    goes into one of ``G`` groups, and a block holds the rows between one pair of groups.

    * Different start and end nodes (e.g. Region -> Product): ``G = writers``; block
      ``(g, (g + r) mod G)`` of round ``r``, for ``g = 0..G-1`` (a Latin square: ``G`` rounds of
      ``G`` blocks).
    * One node set at both ends (``same_nodes``, e.g. Organisation - Organisation):
      ``G = 2 * writers``; ``G - 1`` rounds of ``writers`` blocks pair the groups by the circle
      method of round-robin tournaments, and one round holds the ``G`` blocks within a group.

    Rows keep their order within a block, and all rows of one node pair land in one block.

    Parameters
    ----------
    starts, ends : sequence
        Endpoint keys per row.
    writers : int
        Number of parallel writers (blocks per round).
    same_nodes : bool, default False
        Whether start and end keys name nodes of the same label.

    Returns
    -------
    list of list of numpy.ndarray
        Rounds; each a list of blocks given as row positions (empty blocks left out).

    Examples
    --------
    >>> rounds = disjoint_rounds(["a", "a", "b", "b"], ["x", "y", "x", "y"], writers=2)
    >>> [[block.tolist() for block in r] for r in rounds]
    [[[0], [3]], [[1], [2]]]
    """
    if writers < 1:
        raise ValidationError(f"writers must be an integer of at least 1, not {writers!r}")
    if same_nodes:
        groups = 2 * writers
        both = np.concatenate([np.asarray(starts, dtype=object), np.asarray(ends, dtype=object)])
        codes = pd.factorize(both)[0]
        gs, ge = codes[: len(starts)] % groups, codes[len(starts) :] % groups
        lo, hi = np.minimum(gs, ge), np.maximum(gs, ge)
        odd = groups - 1
        # circle method: group G-1 meets group r in round r; groups i, j < G-1 meet in the
        # round r with i + j = 2r (mod G-1), i.e. r = (i + j) * inverse(2) mod (G-1)
        inverse2 = (odd + 1) // 2
        rnd = np.where(hi == odd, lo, ((lo + hi) * inverse2) % max(odd, 1))
        rnd = np.where(lo == hi, groups - 1, rnd)  # the round of blocks within a group
        block = lo
    else:
        groups = writers
        gs = pd.factorize(np.asarray(starts, dtype=object))[0] % groups
        ge = pd.factorize(np.asarray(ends, dtype=object))[0] % groups
        rnd = (ge - gs) % groups
        block = gs
    order = np.lexsort((np.arange(len(rnd)), block, rnd))  # stable: rows keep their order
    cell = rnd[order] * groups + block[order]
    bounds = np.flatnonzero(np.diff(cell)) + 1
    rounds: list[list[np.ndarray]] = [[] for _ in range(groups)]
    for part in np.split(order, bounds):
        if len(part):
            rounds[int(rnd[part[0]])].append(part)
    return [r for r in rounds if r]


def relationship_filter(where: dict[str, Sequence[Any]] | None) -> tuple[str, dict[str, Any]]:
    """`` WHERE r.<prop> IN $w0 AND ...`` and its parameters, for ``read_relationships``."""
    conditions, params = [], {}
    for i, (prop, values) in enumerate((where or {}).items()):
        conditions.append(f"r.{schema.quote(prop)} IN $w{i}")
        params[f"w{i}"] = [_native(v) for v in values]
    return (f" WHERE {' AND '.join(conditions)}" if conditions else ""), params


def batches(rows: Sequence[Any] | pd.DataFrame, size: int) -> Iterator[Any]:
    """Consecutive slices of ``size`` rows of a list or a table."""
    for i in range(0, len(rows), size):
        yield rows.iloc[i : i + size] if isinstance(rows, pd.DataFrame) else rows[i : i + size]


def _new_and_changed(
    rows: pd.DataFrame, existing: pd.DataFrame, keys: list[str], props: Sequence[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows not stored yet, and the stored ones whose properties differ.

    ``rows`` hold ``keys`` (``_start``, ``_end`` and the key properties), unique, and ``props``;
    ``existing`` is what :meth:`Store.read_relationships` returned for them (``start``,
    ``end``, ...). Missing values equal missing values.
    """
    existing = existing.rename(columns={"start": "_start", "end": "_end"})
    existing = existing.drop_duplicates(keys, keep="last")
    if existing.empty:
        return rows, rows.iloc[0:0]
    for k in keys[2:]:
        existing[k] = existing[k].astype(rows[k].dtype, errors="ignore")
    both = rows.merge(existing, on=keys, how="left", suffixes=("", "__old"), indicator=True)
    is_new = (both["_merge"] == "left_only").to_numpy()
    same = np.ones(len(both), dtype=bool)
    for c in props:
        a, b = both[c], both[f"{c}__old"]
        # nullable columns (Int64, boolean, Float64) compare to NA where either side is missing:
        # a property that becomes or stops being missing has changed, two missing ones have not
        equal = pd.array(a == b, dtype="boolean").fillna(False).to_numpy(dtype=bool)
        same &= equal | (a.isna() & b.isna()).to_numpy(dtype=bool)
    return rows[is_new], rows[~is_new & ~same]


class Store(ABC):
    """A graph store holding the smartspec graph model.

    Subclasses implement :meth:`run` and :meth:`write_batches`; everything else is built on them,
    so both stores receive the same Cypher. A store with ``writers > 1`` also overrides
    :meth:`write_rounds` to write the node-disjoint blocks of relationship upserts in parallel.
    """

    kind: str = "abstract"
    #: Parallel writers for relationship upserts (1: one batch after another).
    writers: int = 1
    #: Seconds a statement of :meth:`run` may take (None: the store's default); ``smartspec
    #: query run --timeout`` sets it.
    query_timeout: float | None = None

    # -- primitives --------------------------------------------------------------------------
    @abstractmethod
    def run(
        self,
        query: str,
        parameters: dict[str, Any] | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
    ) -> pd.DataFrame:
        """Run one Cypher statement with parameters and return its rows as a table.

        ``write=False`` runs it read-only, as the engine itself decides: a statement that
        writes, administers the server (``TERMINATE TRANSACTIONS``, users, databases, indexes)
        or reads files (``LOAD CSV``) is refused with :class:`ReadOnlyError` before it runs.
        ``timeout`` (seconds; default :attr:`query_timeout`) stops a longer statement with
        :class:`QueryTimeout`.
        """

    def read_table(self, query: str, parameters: dict[str, Any] | None = None) -> pd.DataFrame:
        """The rows of a read-only statement that may return many, as :meth:`run` does.

        Every ``RETURN`` item must carry a name (``RETURN p.id AS project``). The Neo4j store
        then fetches all rows as lists in one record: its driver builds each record in Python
        (20-50 us), so 145,000 participations took 7 s as records and 0.6-0.9 s as lists.
        """
        return self.run(query, parameters)

    @abstractmethod
    def write_batches(
        self,
        query: str,
        batch_iter: Iterable[Batch],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """Run ``query`` once per batch, each batch one transaction.

        A batch is a list of row maps, bound to ``$rows``, or a table whose parameters
        :meth:`batch_parameters` makes (for queries that begin with :meth:`row_source`).
        """

    def row_source(self, columns: Sequence[str]) -> tuple[str, Callable[[str], str]]:
        """The clause that unwinds a batch table into rows, and the Cypher of a row's column.

        Here ``UNWIND $rows AS row`` over a list of maps, and ``row.<column>``; the Neo4j store
        sends one list per column instead (half the client time of maps).
        """
        return "UNWIND $rows AS row", schema.row_ref

    def batch_parameters(self, batch: pd.DataFrame) -> dict[str, Any]:
        """The parameters of a batch table for a query beginning with :meth:`row_source`."""
        return {"rows": frame_to_rows(batch)}

    def endpoint_match(
        self, source: str, ref: Callable[[str], str], start: str, end: str
    ) -> str:
        """Clauses binding ``a`` and ``b`` to the endpoint nodes of each row of a batch table.

        ``source`` and ``ref`` come from :meth:`row_source`; the row's endpoint keys are its
        ``_start`` and ``_end`` columns. A row whose endpoint is missing yields no ``a``/``b``.
        Here one ``MATCH`` per endpoint and row.
        """
        s_key, e_key = schema.quote(schema.node(start).key), schema.quote(schema.node(end).key)
        return (
            f"{source} MATCH (a:{start} {{{s_key}: {ref('_start')}}}) "
            f"MATCH (b:{end} {{{e_key}: {ref('_end')}}}) "
        )

    def _parameters(self, batch: Batch) -> dict[str, Any]:
        if isinstance(batch, pd.DataFrame):
            return self.batch_parameters(batch)
        return {"rows": list(batch)}

    def write_rounds(
        self,
        query: str,
        rounds: Sequence[Sequence[Batch]],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """Run ``query`` over rounds of row blocks (see :func:`disjoint_rounds`).

        The blocks of one round share no node and may be written concurrently; a round starts
        when the one before has been written. Each block is written in batches of
        ``batch_size`` rows, each batch one transaction. This default writes them one by one.
        """
        flat = (b for blocks in rounds for rows in blocks for b in batches(rows, batch_size))
        self.write_batches(query, flat, on_batch=on_batch)

    def commit(self) -> None:  # noqa: B027 - a no-op unless the store buffers writes
        """Make the writes durable (the embedded store saves its file; Neo4j commits per batch)."""

    def close(self) -> None:  # noqa: B027 - a no-op unless the store holds a resource
        """Release the connection or file."""

    def describe(self) -> str:
        """One line naming the store, e.g. its URI or file."""
        return self.kind

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None:
                self.commit()
        finally:
            self.close()

    # -- schema ------------------------------------------------------------------------------
    def create_schema(self) -> None:
        """Create every constraint and index of the graph model (idempotent).

        Earlier versions of smartspec made a uniqueness constraint on each relationship ``key``
        where the model now has a plain index (why:
        :func:`~smartspec.graph_models.schema.schema_statements`); such a constraint is dropped
        first, and the index that replaces it is built from the stored relationships.
        """
        keyed = [schema.relationship_key_index(s) for s in schema.RELATIONSHIPS.values() if s.key]
        shown = self.run("SHOW CONSTRAINTS")
        if not shown.empty:
            old = shown["name"][shown["entityType"].eq("RELATIONSHIP") & shown["name"].isin(keyed)]
            for name in old:  # a name from the graph model (an identifier), never from data
                self.run(f"DROP CONSTRAINT {name}", write=True)
        for statement in schema.schema_statements():
            self.run(statement, write=True)

    @contextmanager
    def load_lock(self, rel_type: str) -> Iterator[None]:
        """Hold the store's lock for writing ``rel_type``: loads of one type take turns.

        Relationship upserts read what is stored, then create what is new; two loads of one
        type interleaving those steps would both create the same relationship. Keys are not
        unique in the database (a plain index, see
        :func:`~smartspec.graph_models.schema.schema_statements`), so
        :meth:`upsert_relationships` holds this lock from its read to its last write. Here it
        does nothing: the embedded store's file is open in one process at a time. The Neo4j
        store waits for another process's load of the same type to finish.
        """
        schema.relationship(rel_type)
        yield

    # -- upserts -----------------------------------------------------------------------------
    def upsert_nodes(
        self,
        label: str,
        rows: pd.DataFrame,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Merge nodes of ``label`` on their key and set the other columns as properties.

        ``rows`` must hold the label's key column; other columns become properties (a missing
        value removes the property). Returns the number of rows written.
        """
        spec = schema.node(label)
        if spec.key not in rows.columns:
            raise schema.SchemaError(f"rows for {label} lack the key column {spec.key!r}")
        for col in rows.columns:
            schema.check_property(str(col))
        if rows[spec.key].isna().any():
            raise schema.SchemaError(f"rows for {label} have missing {spec.key!r} values")
        props = [c for c in rows.columns if c != spec.key]
        payload = frame_to_rows(rows)
        q = schema.quote
        sets = "".join(f", n.{q(c)} = row.{q(c)}" for c in props)
        query = f"UNWIND $rows AS row MERGE (n:{label} {{{q(spec.key)}: row.{q(spec.key)}}})"
        if sets:
            query += " SET " + sets[2:]
        self.write_batches(query, batches(payload, batch_size), on_batch=progress)
        return len(payload)

    def upsert_relationships(
        self,
        rel_type: str,
        rows: pd.DataFrame,
        *,
        start: str,
        end: str,
        start_col: str = "start",
        end_col: str = "end",
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Merge relationships of ``rel_type`` from ``start``-label to ``end``-label nodes.

        ``rows`` holds the endpoint keys (``start_col``, ``end_col``), the relationship's key
        properties (e.g. ``year``) and any other properties. Endpoint nodes must exist; rows
        whose endpoints are missing write nothing. Undirected types are stored once per pair,
        from the lower key to the higher. Returns the number of rows written.

        Types with key properties are written by difference: the stored relationships with the
        rows' first key values (e.g. their years) are read once, new rows are created, rows
        whose properties changed are updated by the relationship ``key`` (:meth:`keyed_match`)
        and unchanged rows are skipped. Creating is about twice as fast as merging on both
        stores, and a second load of the same rows writes nothing (the embedded store creates a
        type's first load with kglite's DataFrame loader, faster still). The store's
        :meth:`load_lock` is held from the read to the last write, so a concurrent load of the
        same type waits instead of creating a relationship twice. Types without key properties
        merge one relationship per pair (the pair's last row); their stored pairs are read first
        and unchanged ones skipped, unless the type holds over four times as many relationships
        as the rows.
        """
        spec = schema.relationship(rel_type)
        if start not in spec.start or end not in spec.end:
            raise schema.SchemaError(
                f"{rel_type} goes from {'/'.join(spec.start)} to {'/'.join(spec.end)}, "
                f"not from {start} to {end}"
            )
        missing = [c for c in (start_col, end_col, *spec.key) if c not in rows.columns]
        if missing:
            raise schema.SchemaError(f"rows for {rel_type} lack column(s) {missing}")
        for col in rows.columns:
            if col not in (start_col, end_col):
                schema.check_property(str(col))
        rows = canonical_pairs(spec, rows, start, end, start_col, end_col)
        if "key" in rows.columns and spec.key:
            raise schema.SchemaError(
                f"'key' of {rel_type} is made by the store; rows must not hold it"
            )
        rows = rows.rename(columns={start_col: "_start", end_col: "_end"})
        props = [c for c in rows.columns if c not in ("_start", "_end", *spec.key)]
        rows = rows[["_start", "_end", *spec.key, *props]]
        if rows.empty:
            return 0
        keys = ["_start", "_end", *spec.key]
        n_rows = len(rows)
        rows = rows.drop_duplicates(keys, keep="last")  # as merging them in order would
        if not spec.key:
            # read the stored pairs unless they far outnumber the rows (a small addition to a
            # large type merges faster than it reads); unchanged pairs are then skipped
            stored = self.run(f"MATCH ()-[r:{spec.type}]->() RETURN count(r) AS n")["n"].iloc[0]
            if 0 < stored <= self.read_stored_pairs_ratio * len(rows):
                existing = self.read_relationships(rel_type, start=start, end=end,
                                                   properties=props)
                new, changed = _new_and_changed(rows, existing, keys, props)
                rows = pd.concat([new, changed])
            if len(rows):
                self._merge_unkeyed(spec, rows, start, end, props, batch_size, progress)
            if progress:
                progress(n_rows - len(rows))
            return n_rows

        with self.load_lock(rel_type):  # no other load may create between our read and writes
            where = {spec.key[0]: pd.unique(rows[spec.key[0]]).tolist()}
            existing = self.read_relationships(
                rel_type, start=start, end=end, properties=[*spec.key, *props], where=where
            )
            new, changed = _new_and_changed(rows, existing, keys, props)
            if len(changed):
                self._write_relationships(
                    self._relationship_query(spec, start, end, props, create=False),
                    changed, start, end, batch_size, progress,
                )
            if len(new):
                self._create_relationships(spec, new, start, end, props, batch_size, progress)
        if progress:
            progress(n_rows - len(new) - len(changed))
        return n_rows

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
        """Merge relationships of a type without key properties: one per pair, the properties
        of the pair's last row."""
        self._write_relationships(
            self._relationship_query(spec, start, end, props, create=False),
            rows, start, end, batch_size, progress,
        )

    #: Rows per batch of relationship CREATE statements (at most the batch size).
    create_batch_size: int = DEFAULT_BATCH_SIZE

    #: A type without key properties has its stored pairs read (and unchanged rows skipped)
    #: unless it holds more than this many relationships per row to write.
    read_stored_pairs_ratio: float = 4

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
        """Create one relationship per row of ``rows`` (``_start``, ``_end``, key properties,
        ``props``), rows known to be new: ``CREATE`` with all properties in the pattern."""
        self._write_relationships(
            self._relationship_query(spec, start, end, props, create=True),
            rows, start, end, min(batch_size, self.create_batch_size), progress,
        )

    def _relationship_query(
        self, spec: schema.RelSpec, start: str, end: str, props: Sequence[str], *, create: bool
    ) -> str:
        """Statement writing one relationship per row of a batch table.

        Rows hold the endpoint keys in ``_start`` and ``_end``, then the key properties and
        ``props`` (see :meth:`row_source`). ``create=True`` creates with all properties in the
        pattern, for rows known to be new. Otherwise keyed types update the stored relationship
        with the row's ``key`` (computed in the statement from the endpoints and key
        properties; see :meth:`keyed_match`) and unkeyed types merge one relationship per pair.
        """
        q = schema.quote
        columns = ["_start", "_end", *spec.key, *props]
        source, ref = self.row_source(columns)
        values = [f"{q(c)}: {ref(c)}" for c in columns[2:]]
        sets = " SET " + ", ".join(f"r.{q(c)} = {ref(c)}" for c in columns[2:])
        if spec.key and not create:
            return self.keyed_match(source, ref, spec, start, end) + sets
        match = self.endpoint_match(source, ref, start, end)
        key = [f"key: {schema.relationship_key(spec, start, end, ref)}"] if spec.key else []
        if create:
            return match + f"CREATE (a)-[r:{spec.type} {{{', '.join(key + values)}}}]->(b)"
        return match + f"MERGE (a)-[r:{spec.type}]->(b)" + (sets if values else "")

    def keyed_match(
        self, source: str, ref: Callable[[str], str], spec: schema.RelSpec, start: str, end: str
    ) -> str:
        """Statement head binding ``r``, each row's stored relationship of a keyed type.

        ``MERGE`` on ``key`` between the two endpoint nodes: kglite finds it from them. (Neo4j
        would scan one endpoint's relationships of the type, every year of them, so
        :class:`~smartspec.graph_models.neo4j_store.Neo4jStore` seeks the key index instead.)
        """
        key = schema.relationship_key(spec, start, end, ref)
        return self.endpoint_match(source, ref, start, end) + (
            f"MERGE (a)-[r:{spec.type} {{key: {key}}}]->(b)"
        )

    def _write_relationships(
        self,
        query: str,
        rows: pd.DataFrame,
        start: str,
        end: str,
        batch_size: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        """Write ``rows`` (``_start``, ``_end``, properties) with ``query``; in parallel rounds of
        node-disjoint blocks when the store has several writers."""
        rows = rows.reset_index(drop=True)
        if self.writers > 1 and len(rows) > batch_size:
            rounds = disjoint_rounds(
                rows["_start"], rows["_end"], writers=self.writers, same_nodes=start == end
            )
            blocks = [[rows.iloc[block] for block in r] for r in rounds]
            self.write_rounds(query, blocks, batch_size=batch_size, on_batch=progress)
        else:
            self.write_batches(query, batches(rows, batch_size), on_batch=progress)

    # -- reads -------------------------------------------------------------------------------
    def read_relationships(
        self,
        rel_type: str,
        *,
        start: str,
        end: str,
        properties: Sequence[str] = (),
        where: dict[str, Sequence[Any]] | None = None,
    ) -> pd.DataFrame:
        """Read a relationship type back as a table ``start, end, <properties>``.

        ``where`` restricts relationship properties to given values, e.g. ``{"year": [2017]}``.
        """
        schema.relationship(rel_type)
        s_key, e_key = schema.node(start).key, schema.node(end).key
        returns = [f"a.{s_key} AS start", f"b.{e_key} AS end"]
        returns += [f"r.{schema.quote(p)} AS {schema.quote(p)}" for p in properties]
        where_text, params = relationship_filter(where)
        query = (
            f"MATCH (a:{start})-[r:{rel_type}]->(b:{end}){where_text} RETURN {', '.join(returns)}"
        )
        out = self.run(query, params)
        if out.empty:
            return pd.DataFrame(columns=["start", "end", *properties])
        return out

    def counts(self) -> pd.DataFrame:
        """Node counts by label and relationship counts by type: ``kind, name, count``."""
        nodes = self.run("MATCH (n) UNWIND labels(n) AS name RETURN name, count(*) AS count")
        rels = self.run("MATCH ()-[r]->() RETURN type(r) AS name, count(*) AS count")
        frames = []
        for kind, frame in (("node", nodes), ("relationship", rels)):
            if not frame.empty:
                frames.append(frame.assign(kind=kind)[["kind", "name", "count"]])
        if not frames:
            return pd.DataFrame({"kind": [], "name": [], "count": []})
        out = pd.concat(frames, ignore_index=True)
        out["count"] = out["count"].astype("int64")
        return out.sort_values(["kind", "name"], ignore_index=True)


def open_store(kind: str | None = None, **options: Any) -> Store:
    """Open the configured store.

    Parameters
    ----------
    kind : {"neo4j", "embedded"}, optional
        Overrides the choice from the environment (``NEO4J_URI`` set -> Neo4j, else embedded).
    options
        Passed to the store (``uri``, ``user``, ``password``, ``database`` for Neo4j; ``path`` for
        the embedded store).
    """
    if kind is None:
        kind = "neo4j" if os.environ.get("NEO4J_URI") else "embedded"
    if kind == "neo4j":
        from .neo4j_store import Neo4jStore

        return Neo4jStore(**options)
    if kind == "embedded":
        from .embedded_store import EmbeddedStore

        return EmbeddedStore(**options)
    raise StoreError(f"unknown store {kind!r}; choose one of: {', '.join(STORE_KINDS)}")
