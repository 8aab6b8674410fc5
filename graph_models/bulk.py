"""Bulk first loads into Neo4j: what a load writes, imported offline by ``neo4j-admin``.

A load writes through the :class:`~smartspec.graph_models.store.Store` interface
(``upsert_nodes``, ``upsert_relationships``). :class:`BulkRecorder` is a store that keeps those
writes instead of sending them, with the semantics of the ``MERGE`` path (a node merges on its
key and a later write sets its properties, a missing value removes one; a relationship merges
on its endpoints and key properties, the last row wins; rows whose endpoint nodes were not
written are left out; keyed types get the ``key`` property of
:func:`~smartspec.graph_models.schema.relationship_key`). When the load is done,
:meth:`BulkRecorder.commit` writes them as node and relationship CSV files in the import format
of Neo4j (:func:`write_import_files`), stops the local server of ``smartspec db start``, runs
Neo4j's offline importer ``neo4j-admin database import full`` from the launcher's jars
(:func:`import_command`: ``org.neo4j.cli.AdminTool``, in ``neo4j-command-line``, with the import
tool ``neo4j-import-tool``, both dependencies of the embedded Neo4j), starts the server again
and creates the schema (constraints and indexes) of
:func:`~smartspec.graph_models.schema.schema_statements`.

When it is chosen, and what it needs
------------------------------------
Only when asked (``smartspec load trade ... --bulk``), for a first load: the target database
must be empty (a non-empty one is refused; ``MERGE`` stays the path of incremental loads) and
must be the local server of ``smartspec db start`` (``NEO4J_URI`` naming it), which is stopped
for the import and started again (a remote server or Aura is refused with what to do there:
load without ``--bulk``, or run the importer on that machine with its database stopped, from
the files :func:`write_import_files` writes). Loads that read relationships back while they
write (read queries on the recorder see the nodes written so far, no relationships) are
refused.

Environment variables
---------------------
SMARTSPEC_IMPORT_HEAP
    Java heap of the importer (default ``1g``; its caches are off-heap).
SMARTSPEC_IMPORT_MEMORY
    The importer's ``--max-off-heap-memory`` (default ``2g``).
SMARTSPEC_IMPORT_THREADS
    The importer's ``--threads`` (default: the number of CPUs).
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import neo4j_server, schema
from .store import (
    _NOT_CODE,
    DEFAULT_BATCH_SIZE,
    Batch,
    Store,
    StoreError,
    canonical_pairs,
    frame_to_columns,
)

__all__ = [
    "BulkError",
    "BulkRecorder",
    "BulkReport",
    "ImportFiles",
    "first_load",
    "import_command",
    "write_import_files",
]

#: Rows formatted per write of a relationship file (bounds the memory of the text).
CHUNK_ROWS = 1_000_000
#: Characters that make a CSV field need quotes.
_SPECIAL = re.compile(r'[,"\r\n]')
#: A relationship pattern in Cypher code: ``-[``, ``]-``, ``-->``, ``<--``, ``--``.
_REL_PATTERN = re.compile(r"-\s*\[|\]\s*-|<-|->|--")
#: Types of the import format's header for the values the driver would send.
_CSV_TYPES = {bool: "boolean", int: "long", float: "double", str: "string"}
#: Declared schema types, for columns without a value to tell.
_DECLARED = {"int": "long", "float": "double", "bool": "boolean"}


class BulkError(StoreError):
    """A bulk load was refused or failed; the message says why and what to do."""


# --------------------------------------------------------------------------------------------
# Recording
# --------------------------------------------------------------------------------------------


@dataclass
class _Rels:
    """The recorded rows of one relationship type between two labels (in write order)."""

    spec: schema.RelSpec
    start: str
    end: str
    frames: list[pd.DataFrame] = field(default_factory=list)


class BulkRecorder(Store):
    """A store that records node and relationship upserts for an offline import.

    Parameters
    ----------
    target : str
        What the import goes into, for :meth:`describe` (e.g. the server's URI).
    on_commit : callable, optional
        ``on_commit(recorder)`` runs at :meth:`commit` (the end of a ``with`` block without an
        error): :func:`first_load` imports there. Without it, commit does nothing and the
        recorded graph can be written with :func:`write_import_files`.

    Examples
    --------
    >>> rec = BulkRecorder("example")
    >>> rec.upsert_nodes("Region", pd.DataFrame({"code": ["DEU", "FRA"]}))
    2
    >>> rec.upsert_nodes("Product", pd.DataFrame({"code": ["0101"], "name": ["Horses"]}))
    1
    >>> rows = pd.DataFrame({"start": ["DEU", "FRA", "XXX"], "end": ["0101"] * 3,
    ...                      "year": [2017] * 3, "value": [1.5, 2.0, 3.0]})
    >>> rec.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    3
    >>> rec.relationship_count()  # XXX is no node: no relationship, as with MERGE
    2
    """

    kind = "neo4j-bulk"

    def __init__(self, target: str = "offline import",
                 on_commit: Callable[[BulkRecorder], None] | None = None) -> None:
        self.target = target
        self._on_commit = on_commit
        #: label -> key -> properties (None: removed), in first-write order
        self.nodes: dict[str, dict[Any, dict[str, Any]]] = {}
        self.rels: dict[tuple[str, str, str], _Rels] = {}
        self._mirror: Store | None = None
        self._mirror_dir: tempfile.TemporaryDirectory | None = None
        self.report: BulkReport | None = None

    def describe(self) -> str:
        return f"{self.target} (bulk import)"

    # -- reads ---------------------------------------------------------------------------------
    def run(
        self,
        query: str,
        parameters: dict[str, Any] | None = None,
        *,
        write: bool = False,
        timeout: float | None = None,
    ) -> pd.DataFrame:
        """Read queries run on the nodes recorded so far (an embedded store holding them);
        statements that write, or match relationships (not readable before the import), are
        refused with :class:`BulkError`."""
        if write:
            raise BulkError(
                "a bulk load writes only node and relationship upserts; this load runs other "
                "writing statements, so load it without --bulk"
            )
        if _REL_PATTERN.search(_NOT_CODE.sub(" ", query)):
            raise BulkError(
                "this load reads relationships back while it writes, which a bulk load cannot "
                "answer before the import; load it without --bulk"
            )
        return self._mirror_store().run(query, parameters, timeout=timeout)

    def _mirror_store(self) -> Store:
        if self._mirror is None:
            from .embedded_store import EmbeddedStore

            self._mirror_dir = tempfile.TemporaryDirectory(prefix="smartspec-bulk-")
            self._mirror = EmbeddedStore(Path(self._mirror_dir.name) / "nodes.kgl")
            self._mirror.create_schema()  # the key indexes: merges by seek, not by scan
            for label in self.nodes:
                frame = self.node_frame(label)
                if len(frame):
                    self._mirror_nodes(label, frame)
        return self._mirror

    def _mirror_nodes(self, label: str, frame: pd.DataFrame) -> None:
        assert self._mirror is not None
        key = schema.node(label).key
        props = [c for c in frame.columns if c != key]
        present = frame[props].notna().to_numpy() if props else np.ones((len(frame), 0), bool)
        patterns, inverse = np.unique(present, axis=0, return_inverse=True)
        for i, pattern in enumerate(patterns):
            cols = [key, *[c for c, keep in zip(props, pattern, strict=True) if keep]]
            self._mirror.upsert_nodes(label, frame.loc[np.asarray(inverse).ravel() == i, cols])

    def write_batches(
        self,
        query: str,
        batch_iter: Iterable[Batch],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        raise BulkError(
            "a bulk load records node and relationship upserts only; this load sends other "
            "statements, so load it without --bulk"
        )

    def create_schema(self) -> None:
        """Nothing yet: the schema is created after the import (its indexes fill then)."""

    # -- upserts -------------------------------------------------------------------------------
    def upsert_nodes(
        self,
        label: str,
        rows: pd.DataFrame,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """As :meth:`Store.upsert_nodes`: merge on the key, set the other columns (a missing
        value removes the property), rows in order."""
        spec = schema.node(label)
        if spec.key not in rows.columns:
            raise schema.SchemaError(f"rows for {label} lack the key column {spec.key!r}")
        for col in rows.columns:
            schema.check_property(str(col))
        if rows[spec.key].isna().any():
            raise schema.SchemaError(f"rows for {label} have missing {spec.key!r} values")
        columns = frame_to_columns(rows)  # the values the driver would send
        keys = columns.pop(spec.key)
        if any(not isinstance(k, str) for k in keys):
            raise BulkError(f"a bulk load needs text keys; {label}.{spec.key} holds others")
        table = self.nodes.setdefault(label, {})
        names = list(columns)
        rows_values = zip(*columns.values(), strict=True) if names else [()] * len(keys)
        for k, values in zip(keys, rows_values, strict=True):
            table.setdefault(k, {}).update(zip(names, values, strict=True))
        if self._mirror is not None:
            self._mirror_nodes(label, rows.drop_duplicates(spec.key, keep="last"))
        if progress:
            progress(len(rows))
        return len(rows)

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
        """As :meth:`Store.upsert_relationships`: one relationship per endpoints and key
        properties (the last row wins), none for rows whose endpoint nodes were not written;
        undirected types from the lower key to the higher."""
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
        if "key" in rows.columns and spec.key:
            raise schema.SchemaError(
                f"'key' of {rel_type} is made by the store; rows must not hold it"
            )
        n_rows = len(rows)
        rows = canonical_pairs(spec, rows, start, end, start_col, end_col)
        rows = rows.rename(columns={start_col: "_start", end_col: "_end"})
        props = [c for c in rows.columns if c not in ("_start", "_end", *spec.key)]
        rows = rows[["_start", "_end", *spec.key, *props]]
        rows = rows.drop_duplicates(["_start", "_end", *spec.key], keep="last")
        # as MERGE between nodes that exist: rows without both endpoint nodes write nothing
        starts, ends = self.nodes.get(start, {}), self.nodes.get(end, {})
        found = rows["_start"].isin(pd.Index(list(starts))) & rows["_end"].isin(
            pd.Index(list(ends)))
        if not found.all():
            rows = rows[found.to_numpy()]
        if len(rows):
            self.rels.setdefault((rel_type, start, end), _Rels(spec, start, end)).frames.append(
                rows.reset_index(drop=True))
        if progress:
            progress(n_rows)
        return n_rows

    # -- the recorded graph ----------------------------------------------------------------------
    def node_frame(self, label: str) -> pd.DataFrame:
        """The recorded nodes of ``label``: the key column, then one column per property
        (object values as the driver would send them; None where a node has none)."""
        spec = schema.node(label)
        table = self.nodes.get(label, {})
        names = list(dict.fromkeys(n for props in table.values() for n in props))
        frame = pd.DataFrame({spec.key: pd.Series(list(table), dtype=object)})
        for name in names:  # object columns: each value as the driver would send it
            frame[name] = pd.Series([props.get(name) for props in table.values()], dtype=object)
        return frame

    def relationship_frame(self, rel_type: str, start: str, end: str) -> pd.DataFrame:
        """The recorded relationships of ``rel_type`` from ``start`` to ``end`` nodes:
        ``_start``, ``_end``, the key properties, then the others (the last write wins)."""
        rels = self.rels.get((rel_type, start, end))
        if rels is None:
            return pd.DataFrame(columns=["_start", "_end"])
        ident = ["_start", "_end", *rels.spec.key]
        frames = rels.frames
        if len(frames) == 1:
            return frames[0]
        if all(list(f.columns) == list(frames[0].columns) for f in frames):
            both = pd.concat(frames, ignore_index=True)
            return both.drop_duplicates(ident, keep="last", ignore_index=True)
        # different columns per write: each write sets its own columns only (as SET does)
        merged: dict[tuple, dict[str, Any]] = {}
        for frame in frames:
            cols = frame_to_columns(frame)
            names = [c for c in cols if c not in ident]
            for values in zip(*cols.values(), strict=True):
                row = dict(zip(cols, values, strict=True))
                merged.setdefault(tuple(row[c] for c in ident), {}).update(
                    {c: row[c] for c in names})
        out = pd.DataFrame([list(k) for k in merged], columns=ident)
        props = pd.DataFrame.from_records(list(merged.values()))
        return pd.concat([out, props.astype(object).where(props.notna(), None)], axis=1)

    def node_count(self) -> int:
        """Nodes recorded."""
        return sum(len(t) for t in self.nodes.values())

    def relationship_count(self) -> int:
        """Relationships recorded (after merging repeated writes)."""
        return sum(len(self.relationship_frame(*k)) for k in self.rels)

    # -- lifetime ----------------------------------------------------------------------------------
    def commit(self) -> None:
        if self._on_commit is not None:
            self._on_commit(self)

    def close(self) -> None:
        if self._mirror is not None:
            self._mirror.close()
            self._mirror = None
        if self._mirror_dir is not None:
            self._mirror_dir.cleanup()
            self._mirror_dir = None


# --------------------------------------------------------------------------------------------
# Import files
# --------------------------------------------------------------------------------------------


@dataclass
class ImportFiles:
    """The CSV files of an import: ``--nodes=<Label>=<file>`` and
    ``--relationships=<TYPE>=<file>`` arguments, with counts."""

    folder: Path
    nodes: list[tuple[str, Path]] = field(default_factory=list)
    relationships: list[tuple[str, Path]] = field(default_factory=list)
    node_count: int = 0
    relationship_count: int = 0
    multiline: bool = False

    def arguments(self) -> list[str]:
        """The importer's file arguments."""
        args = [f"--nodes={label}={path}" for label, path in self.nodes]
        args += [f"--relationships={rel}={path}" for rel, path in self.relationships]
        if self.multiline:
            args.append("--multiline-fields=true")
        return args


def _csv_type(values: pd.Series, declared: str | None) -> str:
    """Import type of a column: that of the values the driver would send (a whole number a
    ``long``, a decimal one a ``double``, as the MERGE path stores them), the declared schema
    type when the column has no value; a column mixing types is refused (one CSV column has
    one type)."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "long"
    if pd.api.types.is_float_dtype(dtype):
        return "double"
    kinds = {type(v) for v in values.dropna().tolist()}
    kinds = {bool if issubclass(k, (bool, np.bool_)) else
             int if issubclass(k, (int, np.integer)) else
             float if issubclass(k, (float, np.floating)) else
             str if issubclass(k, str) else k for k in kinds}
    if not kinds:
        return _DECLARED.get(declared or "", "string")
    if kinds == {int, float}:
        raise BulkError("a column holds both whole and decimal numbers, which one CSV column of "
                        "the importer cannot keep apart; load without --bulk")
    if len(kinds) > 1 or next(iter(kinds)) not in _CSV_TYPES:
        raise BulkError(f"a column holds values of types {sorted(k.__name__ for k in kinds)}, "
                        "which the importer cannot take; load without --bulk")
    return _CSV_TYPES[next(iter(kinds))]


def _field_text(values: pd.Series, kind: str) -> list[str]:
    """Each value as a CSV field: text always quoted (an empty text stays empty text), numbers
    in shortest round-trip form, booleans ``true``/``false``; a missing value is an empty
    field (no property)."""
    if kind == "string":
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        texts = np.array(['"' + str(u).replace('"', '""') + '"' for u in uniques] + [""],
                         dtype=object)
        return texts[codes].tolist()
    present = values.notna().to_numpy()
    if kind == "boolean":
        out = ["true" if v else "false" for v in values.tolist()]
    elif kind == "long":
        out = [str(int(v)) if ok else "" for v, ok in zip(values.tolist(), present, strict=True)]
        return out
    else:
        out = list(map(repr, (float(v) if ok else 0.0 for v, ok in
                              zip(values.tolist(), present, strict=True))))
        for i in np.flatnonzero([o in ("inf", "-inf") for o in out]):
            out[i] = "Infinity" if out[i] == "inf" else "-Infinity"
    for i in np.flatnonzero(~present):
        out[i] = ""
    return out


def _write_rows(path: Path, header: list[str], columns: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        rows = map(",".join, zip(*columns, strict=True))
        while True:
            chunk = "\n".join(_take(rows, CHUNK_ROWS))
            if not chunk:
                break
            fh.write(chunk + "\n")


def _take(it: Iterator[str], n: int) -> Iterator[str]:
    for _ in range(n):
        try:
            yield next(it)
        except StopIteration:
            return


def _header_name(name: str, kind: str) -> str:
    return name if kind == "string" else f"{name}:{kind}"


def _write_nodes(frame: pd.DataFrame, spec: schema.NodeSpec, path: Path) -> bool:
    """One node file; True if a text field holds a line break."""
    header = [f"{spec.key}:ID({spec.label})"]
    columns = [_field_text(frame[spec.key], "string")]
    multiline = bool(frame[spec.key].astype(str).str.contains("[\r\n]").any())
    for col in frame.columns:
        if col == spec.key:
            continue
        kind = _csv_type(frame[col], spec.properties.get(col))
        header.append(_header_name(col, kind))
        columns.append(_field_text(frame[col], kind))
        if kind == "string":
            multiline |= bool(frame[col].dropna().astype(str).str.contains("[\r\n]").any())
    _write_rows(path, header, columns)
    return multiline


def _write_relationships(frame: pd.DataFrame, rels: _Rels, path: Path) -> bool:
    """One relationship file: endpoints, ``key`` for keyed types, properties. The rows of
    ``CHUNK_ROWS`` at a time are formatted with one ``str.format`` each when the endpoint
    codes need no quotes (the common case); True if a text field holds a line break."""
    spec = rels.spec
    head = [f":START_ID({rels.start})", f":END_ID({rels.end})"]
    props = [c for c in frame.columns if c not in ("_start", "_end")]
    kinds = [_csv_type(frame[c], spec.properties.get(c)) for c in props]
    header = head + (["key"] if spec.key else []) + [
        _header_name(c, k) for c, k in zip(props, kinds, strict=True)]
    multiline = False
    plain = True
    for col in ("_start", "_end"):
        uniques = pd.unique(frame[col])
        if any(not isinstance(u, str) for u in uniques):
            raise BulkError(f"a bulk load needs text keys; {spec.type} endpoints hold others")
        special = [u for u in uniques if _SPECIAL.search(u)]
        plain &= not special
        multiline |= any("\r" in u or "\n" in u for u in special)
    key_kinds = dict(zip(props, kinds, strict=True))
    if spec.key and not all(key_kinds[k] in ("long", "string") for k in spec.key):
        raise BulkError(f"the key properties of {spec.type} must be whole numbers or text")
    # the fast form: endpoint codes without quotes, key properties whole numbers
    plain &= all(key_kinds[k] == "long" for k in spec.key)
    for c, k in zip(props, kinds, strict=True):
        if k == "string":
            multiline |= bool(frame[c].dropna().astype(str).str.contains("[\r\n]").any())
    template = "{0},{1}"
    if spec.key:
        template += f',"{rels.start}:{{0}}|{rels.end}:{{1}}' + "".join(
            f"|{{{2 + props.index(k)}}}" for k in spec.key) + '"'
    template += "".join(f",{{{2 + i}}}" for i in range(len(props)))
    key_template = f"{rels.start}:{{}}|{rels.end}:{{}}" + "|{}" * len(spec.key)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        for lo in range(0, len(frame), CHUNK_ROWS):
            part = frame.iloc[lo:lo + CHUNK_ROWS]
            texts = [_field_text(part[c], k) for c, k in zip(props, kinds, strict=True)]
            s, e = _plain_codes(part["_start"]), _plain_codes(part["_end"])
            if plain:
                lines = map(template.format, s, e, *texts)
            else:
                columns = [_field_text(part["_start"], "string"),
                           _field_text(part["_end"], "string")]
                if spec.key:
                    raw = [texts[props.index(k)] if key_kinds[k] == "long"
                           else part[k].astype(str).tolist() for k in spec.key]
                    key = pd.Series(list(map(key_template.format, s, e, *raw)), dtype=object)
                    columns.append(_field_text(key, "string"))
                lines = map(",".join, zip(*columns, *texts, strict=True))
            fh.write("\n".join(lines) + "\n")
    return multiline


def _plain_codes(values: pd.Series) -> list[str]:
    codes, uniques = pd.factorize(values)
    return np.asarray(uniques, dtype=object)[codes].tolist()


def write_import_files(recorder: BulkRecorder, folder: Path | str) -> ImportFiles:
    """Write the recorded graph as CSV files in Neo4j's import format into ``folder``.

    Node files ``<Label>.csv`` have the header ``<key>:ID(<Label>)`` (the key is stored as a
    text property of that name, and each label is its own ID space), then one column per
    property typed by its values (``name``, ``m49:long``, ``value:double``,
    ``natural_resource:boolean``). Relationship files ``<TYPE>-<Start>-<End>.csv`` have
    ``:START_ID(<Start>)``, ``:END_ID(<End>)``, ``key`` for keyed types, and the properties.
    Text is quoted, so an empty text stays one; an empty field is a missing property.

    Returns
    -------
    ImportFiles
        The files and the importer's arguments for them.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files = ImportFiles(folder)
    for label in recorder.nodes:
        frame = recorder.node_frame(label)
        if frame.empty:
            continue
        path = folder / f"{label}.csv"
        files.multiline |= _write_nodes(frame, schema.node(label), path)
        files.nodes.append((label, path))
        files.node_count += len(frame)
    for rel_type, start, end in recorder.rels:
        frame = recorder.relationship_frame(rel_type, start, end)
        if frame.empty:
            continue
        path = folder / f"{rel_type}-{start}-{end}.csv"
        files.multiline |= _write_relationships(frame, recorder.rels[rel_type, start, end], path)
        files.relationships.append((rel_type, path))
        files.relationship_count += len(frame)
    return files


# --------------------------------------------------------------------------------------------
# The importer
# --------------------------------------------------------------------------------------------

ADMIN_CLASS = "org.neo4j.cli.AdminTool"


def _size_option(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip() or default
    if not re.fullmatch(r"\d+[kKmMgG]?", value):
        raise BulkError(f"{name}={value!r} is not a size such as '2g' or '1536m'")
    return value


def import_command(
    build_dir: Path, files: ImportFiles, database: str = "neo4j", report: Path | None = None
) -> list[str]:
    """The command line of ``neo4j-admin database import full`` from the launcher's jars.

    It runs with ``NEO4J_HOME`` set to the server's home (the database goes to
    ``<home>/data/databases/<database>``, where the embedded server keeps it) and
    ``NEO4J_CONF`` to a folder holding an empty ``neo4j.conf``.
    """
    heap = _size_option("SMARTSPEC_IMPORT_HEAP", "1g")
    cmd = [
        shutil.which("java") or "java", f"-Xmx{heap}", "-XX:+UseG1GC",
        *neo4j_server.JDK_ACCESS_OPTIONS,
        "-cp", neo4j_server.classpath(build_dir), ADMIN_CLASS, "database", "import", "full",
        "--overwrite-destination=true",
        f"--max-off-heap-memory={_size_option('SMARTSPEC_IMPORT_MEMORY', '2g')}",
        *files.arguments(),
    ]
    threads = os.environ.get("SMARTSPEC_IMPORT_THREADS", "").strip()
    if threads:
        if not threads.isdigit() or int(threads) < 1:
            raise BulkError(f"SMARTSPEC_IMPORT_THREADS={threads!r} is not a whole number >= 1")
        cmd.append(f"--threads={threads}")
    if report is not None:
        cmd.append(f"--report-file={report}")
    cmd.append(database)
    return cmd


def run_import(home: Path, files: ImportFiles, database: str = "neo4j") -> tuple[float, float]:
    """Run the importer into the (stopped) server home ``home``.

    Its output goes to ``<home>/bulk-import.log``; a failure raises :class:`BulkError` with the
    log's last lines.

    Returns
    -------
    tuple of float
        Seconds of the importer's process, and of the import itself as the importer reports
        it (``IMPORT DONE in ...``: without the Java start-up and the tool's set-up).
    """
    build_dir = neo4j_server.build()
    conf = files.folder / "conf"
    conf.mkdir(exist_ok=True)
    (conf / "neo4j.conf").write_text("")
    log = home / "bulk-import.log"
    cmd = import_command(build_dir, files, database, report=files.folder / "import.report")
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(conf)}
    began = time.perf_counter()
    with open(log, "ab") as out:
        out.write(f"=== {time.strftime('%Y-%m-%d %H:%M:%S')} import\n".encode())
        out.flush()
        try:
            rc = subprocess.run(cmd, env=env, cwd=files.folder, stdin=subprocess.DEVNULL,
                                stdout=out, stderr=subprocess.STDOUT, check=False).returncode
        except OSError as exc:
            raise BulkError(f"cannot run the Neo4j importer: {exc}") from exc
    seconds = time.perf_counter() - began
    text = log.read_text(errors="replace")
    if rc != 0:
        tail = [t for t in text.splitlines() if t.strip()][-8:]
        raise BulkError(f"neo4j-admin database import failed (exit code {rc}; its output is in "
                        f"{log}): " + " | ".join(t.strip() for t in tail))
    done = re.findall(r"IMPORT DONE in ([^.]+)\.", text)
    return seconds, _duration(done[-1]) if done else math.nan


def _duration(text: str) -> float:
    """Seconds of an importer duration such as ``1m 2s 345ms``.

    >>> _duration("1m 2s 345ms")
    62.345
    """
    units = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
    return round(sum(float(n) * units[u] for n, u in re.findall(r"(\d+)(ms|h|m|s)\b", text)), 6)


# --------------------------------------------------------------------------------------------
# First loads into the local server
# --------------------------------------------------------------------------------------------


@dataclass
class BulkReport:
    """What a bulk first load did, and how long each step took (seconds).

    ``import_seconds`` is the importer's process, ``importer_seconds`` the import as the
    importer counts it (without its Java start-up and set-up).
    """

    nodes: int = 0
    relationships: int = 0
    record_seconds: float = 0.0
    files_seconds: float = 0.0
    stop_seconds: float = 0.0
    import_seconds: float = 0.0
    importer_seconds: float = math.nan
    start_seconds: float = 0.0
    schema_seconds: float = 0.0

    @property
    def seconds(self) -> float:
        """From the end of the load's own work to a running server with its schema."""
        return (self.files_seconds + self.stop_seconds + self.import_seconds
                + self.start_seconds + self.schema_seconds)

    def summary(self) -> str:
        """One line for the user."""
        rate = self.relationships / self.importer_seconds if self.importer_seconds else math.nan
        return (
            f"bulk import: {self.nodes:,} nodes and {self.relationships:,} relationships; "
            f"files {self.files_seconds:.1f} s, neo4j-admin {self.import_seconds:.1f} s "
            f"(importing {self.importer_seconds:.1f} s: {rate:,.0f} relationships/s), "
            "server stop and start "
            f"{self.stop_seconds + self.start_seconds:.1f} s, schema {self.schema_seconds:.1f} s"
        )


def _is_local(uri: str) -> bool:
    match = re.fullmatch(r"(?:bolt|neo4j)(?:\+s|\+ssc)?://([^/:]+|\[[^\]]+\])(?::\d+)?/?",
                         uri.strip())
    return match is not None and match.group(1).strip("[]") in ("127.0.0.1", "localhost", "::1")


def check_target(uri: str, home: Path, database: str | None) -> neo4j_server.ServerInfo:
    """The running local server that ``uri`` names, with an empty database; else
    :class:`BulkError` saying what to do."""
    if not _is_local(uri) or neo4j_server.local_password(uri, home) is None:
        running = neo4j_server.status(home) if _is_local(uri) else None
        if _is_local(uri) and running is None:
            raise BulkError(
                f"--bulk imports into the local server of `smartspec db start` with its data in "
                f"{home}, which is not running on {uri}; start it (`smartspec db start`) and set "
                "NEO4J_URI to its URI (for a server started with --home, set SMARTSPEC_HOME to "
                "the folder above that home), then load again"
            )
        raise BulkError(
            f"--bulk imports offline into the local server of `smartspec db start` (it stops "
            f"that server, imports and starts it again); {uri} is not that server. For a "
            "remote server, a cluster or Aura, load without --bulk (MERGE, in parallel "
            "transactions), or write the import files with smartspec.graph_models.bulk."
            "write_import_files and run `neo4j-admin database import full` on that server "
            "with its database stopped (Aura: its import service)"
        )
    if database not in (None, "", "neo4j"):
        raise BulkError(f"--bulk imports into the database 'neo4j' of the local server, not "
                        f"{database!r} (unset NEO4J_DATABASE)")
    info = neo4j_server.status(home)
    if info is None:
        raise BulkError(f"the local Neo4j server of {home} does not answer; start it with "
                        "`smartspec db start`")
    from .neo4j_store import Neo4jStore

    with Neo4jStore(uri=info.uri, password=neo4j_server.local_password(info.uri, home) or "",
                    database=database or None) as store:
        stored = store.run("MATCH (n) RETURN count(n) AS n")["n"].iloc[0]
    if stored:
        raise BulkError(
            f"--bulk is for a first load into an empty database; {uri} holds {stored:,} nodes. "
            "Load without --bulk (MERGE adds to what is stored), or empty the database first"
        )
    return info


def first_load(
    uri: str | None = None,
    home: Path | str | None = None,
    database: str | None = None,
    say: Callable[[str], None] | None = None,
    kind: str | None = None,
) -> BulkRecorder:
    """A store for a bulk first load into the local server's empty database.

    Checks the target at once (:func:`check_target`, so that a load is refused before it reads
    its files) and returns a :class:`BulkRecorder` for the load to write to. Used as a context
    manager (``with first_load() as store:``): when the block ends without an error, it writes
    the import files (into a folder under the server home), stops the server, imports, starts
    it again on its port and creates the schema, then says :meth:`BulkReport.summary` through
    ``say``. If the import fails, the database is emptied again and the server started, so that
    nothing half-imported stays.

    Parameters
    ----------
    uri : str, optional
        The server's URI (default ``NEO4J_URI``, else ``bolt://127.0.0.1:7687``).
    home : path, optional
        The server home (default :func:`smartspec.graph_models.neo4j_server.default_home`).
    database : str, optional
        Default ``NEO4J_DATABASE``; only ``neo4j`` (the local server's database) is accepted.
    say : callable, optional
        Receives one line reporting the import.
    kind : str, optional
        The store asked for (``--store``): ``embedded`` is refused (its first loads of a type
        are bulk loads already).
    """
    if kind == "embedded":
        raise BulkError("--bulk loads into Neo4j; the embedded store loads the first load of a "
                        "relationship type in bulk by itself (leave out --bulk or --store)")
    from .neo4j_store import DEFAULT_URI

    uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
    home = Path(home).expanduser().resolve() if home else neo4j_server.default_home()
    database = database if database is not None else os.environ.get("NEO4J_DATABASE")
    info = check_target(uri, home, database)
    began = time.perf_counter()

    def do_import(recorder: BulkRecorder) -> None:
        recorder.report = _import(recorder, info, database or "neo4j",
                                  time.perf_counter() - began)
        if say is not None:
            say(recorder.report.summary())

    return BulkRecorder(info.uri, on_commit=do_import)


def _import(recorder: BulkRecorder, info: neo4j_server.ServerInfo, database: str,
            record_seconds: float) -> BulkReport:
    report = BulkReport(record_seconds=record_seconds)
    home = info.home
    folder = Path(tempfile.mkdtemp(prefix="bulk-import-", dir=home))
    try:
        t = time.perf_counter()
        files = write_import_files(recorder, folder)
        report.files_seconds = time.perf_counter() - t
        report.nodes, report.relationships = files.node_count, files.relationship_count
        if not files.nodes:
            return report
        t = time.perf_counter()
        neo4j_server.stop(home)
        report.stop_seconds = time.perf_counter() - t
        try:
            report.import_seconds, report.importer_seconds = run_import(home, files, database)
        except BulkError:
            for part in ("databases", "transactions"):  # it was empty: leave it empty
                shutil.rmtree(home / "data" / part / database, ignore_errors=True)
            neo4j_server.start(port=info.port, home=home)
            raise
        t = time.perf_counter()
        started = neo4j_server.start(port=info.port, home=home)
        report.start_seconds = time.perf_counter() - t
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    t = time.perf_counter()
    from .neo4j_store import Neo4jStore

    with Neo4jStore(uri=started.uri, password=neo4j_server.local_password(started.uri, home)
                    or "", database=database) as store:
        store.create_schema()
        store.run("CALL db.awaitIndexes(600)", write=True)
    report.schema_seconds = time.perf_counter() - t
    return report
