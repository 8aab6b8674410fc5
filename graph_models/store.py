"""The narrow store interface shared by the Neo4j store and the embedded (kglite) store.

A store upserts nodes and relationships in batches (``UNWIND $rows ... MERGE``), reads a
relationship type back as a table, runs Cypher with parameters, and creates the schema of
:mod:`smartspec.graph_models.schema`. Which store is used: ``--store`` if given, else Neo4j when
``NEO4J_URI`` is set, else the embedded store under ``SMARTSPEC_HOME`` (default ``./.smartspec``).
"""

from __future__ import annotations

import math
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import schema

__all__ = [
    "Store",
    "StoreError",
    "STORE_KINDS",
    "open_store",
    "smartspec_home",
    "frame_to_rows",
    "canonical_pairs",
    "DEFAULT_BATCH_SIZE",
]

STORE_KINDS = ("neo4j", "embedded")
#: Rows per batch (one transaction each on Neo4j); ``SMARTSPEC_BATCH_SIZE`` overrides it.
DEFAULT_BATCH_SIZE = int(os.environ.get("SMARTSPEC_BATCH_SIZE") or 10_000)


class StoreError(RuntimeError):
    """A store could not be opened, reached or written; the message names the store."""


def smartspec_home() -> Path:
    """The data directory: ``$SMARTSPEC_HOME`` or ``./.smartspec``."""
    return Path(os.environ.get("SMARTSPEC_HOME") or ".smartspec")


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


def frame_to_rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Records of ``frame`` with native Python values and None for missing ones."""
    if frame.empty:
        return []
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


def batches(rows: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


class Store(ABC):
    """A graph store holding the smartspec graph model.

    Subclasses implement :meth:`run` and :meth:`write_batches`; everything else is built on them,
    so both stores receive the same Cypher.
    """

    kind: str = "abstract"

    # -- primitives --------------------------------------------------------------------------
    @abstractmethod
    def run(
        self, query: str, parameters: dict[str, Any] | None = None, *, write: bool = False
    ) -> pd.DataFrame:
        """Run one Cypher statement with parameters and return its rows as a table.

        ``write=False`` runs it read-only where the store can enforce that.
        """

    @abstractmethod
    def write_batches(
        self,
        query: str,
        batch_iter: Iterable[list[dict[str, Any]]],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        """Run ``query`` once per batch with ``$rows`` bound to it, each batch one transaction."""

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
        """Create every constraint and index of the graph model (idempotent)."""
        for statement in schema.schema_statements():
            self.run(statement, write=True)

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
        props = [c for c in rows.columns if c not in (start_col, end_col, *spec.key)]
        # flat rows (endpoint keys under reserved names) bind much faster than nested maps
        payload = frame_to_rows(
            rows.rename(columns={start_col: "_start", end_col: "_end"})[
                ["_start", "_end", *spec.key, *props]
            ]
        )
        s_key, e_key = schema.node(start).key, schema.node(end).key
        q = schema.quote
        # keyed types merge on their unique `key` (a unique index seek on Neo4j) and set the
        # key properties it is made of; unkeyed types have at most one relationship per pair
        key_text = f" {{key: {schema.relationship_key(spec, start, end)}}}" if spec.key else ""
        sets = ", ".join(f"r.{q(c)} = row.{q(c)}" for c in (*spec.key, *props))
        query = (
            f"UNWIND $rows AS row "
            f"MATCH (a:{start} {{{s_key}: row._start}}) MATCH (b:{end} {{{e_key}: row._end}}) "
            f"MERGE (a)-[r:{rel_type}{key_text}]->(b)"
        )
        if sets:
            query += " SET " + sets
        self.write_batches(query, batches(payload, batch_size), on_batch=progress)
        return len(payload)

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
        conditions, params = [], {}
        for i, (prop, values) in enumerate((where or {}).items()):
            conditions.append(f"r.{schema.quote(prop)} IN $w{i}")
            params[f"w{i}"] = [_native(v) for v in values]
        where_text = f" WHERE {' AND '.join(conditions)}" if conditions else ""
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
