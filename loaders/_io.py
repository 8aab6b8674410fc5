"""Reading and validating tabular files: one place for the checks every loader needs.

Errors name the file, the column and the file lines (line 1 is the header) of the first
offending rows. Files are read completely and validated before a loader writes anything.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import SmartspecError

__all__ = [
    "LoaderError",
    "read_table",
    "parse_sep",
    "sniff_sep",
    "require_columns",
    "parse_numeric",
    "parse_year",
    "require_codes",
    "normalise_codes",
    "check_duplicates",
    "file_lines",
    "keep_lines",
    "CHUNK_ROWS",
    "YEAR_RANGE",
]

CHUNK_ROWS = 250_000


class LoaderError(SmartspecError, ValueError):
    """A file that cannot be loaded; the message names the file and what is wrong."""


#: Years every loader accepts (inclusive); ``parse_year(year_range=...)`` widens it.
YEAR_RANGE = (1800, 2100)


class _LineMap:
    """The file line of each data record, kept in ``frame.attrs["lines"]``.

    A wrapper rather than the bare array: pandas deep-copies and compares ``attrs`` on every
    operation, which would copy (and fail to compare) a large array.
    """

    __slots__ = ("lines",)

    def __init__(self, lines: np.ndarray):
        self.lines = lines

    def __deepcopy__(self, memo):
        return self

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


def file_lines(frame: pd.DataFrame | pd.Series | None) -> np.ndarray | None:
    """The file line of each record of a table read by :func:`read_table`, when blank lines
    or quoted newlines make it differ from the record number (else None: record ``i`` is
    line ``i + 2``)."""
    found = getattr(frame, "attrs", {}).get("lines") if frame is not None else None
    return found.lines if isinstance(found, _LineMap) else None


def keep_lines(frame: pd.DataFrame, source: pd.DataFrame) -> pd.DataFrame:
    """Give ``frame`` (built from the columns of ``source``, same row positions in its index)
    the file lines of ``source``, so that errors about it name the right lines."""
    if "lines" in source.attrs:
        frame.attrs["lines"] = source.attrs["lines"]
    return frame


def _records(frame: pd.DataFrame | pd.Series, mask: np.ndarray) -> np.ndarray:
    """The record numbers of the rows of ``mask``: the index labels when the index is one of
    integers (a table built from the file's rows keeps their numbers), else the positions."""
    mask = np.asarray(mask, dtype=bool)
    if pd.api.types.is_integer_dtype(frame.index.dtype):
        return np.asarray(frame.index)[mask]
    return np.flatnonzero(mask)


def _lines(
    index: pd.Index | np.ndarray,
    limit: int = 5,
    *,
    frame: pd.DataFrame | pd.Series | np.ndarray | None = None,
) -> str:
    """File line numbers of data rows, from their 0-based record numbers.

    ``index`` holds record numbers (row positions of the table as read; a boolean mask is
    turned into them); ``frame`` is the table they come from, or its :func:`file_lines`.
    Without a line map record ``i`` is line ``i + 2`` (line 1 is the header).

    >>> _lines(np.array([0, 3])), _lines(np.array([False, True]))
    ('2, 5', '3')
    """
    rows = np.asarray(index)
    if rows.dtype == bool:
        rows = np.flatnonzero(rows)
    rows = rows[:limit].astype("int64")
    lines = frame if isinstance(frame, np.ndarray) else file_lines(frame)
    if lines is not None and len(rows) and rows.max() < len(lines):
        return ", ".join(map(str, lines[rows]))
    return ", ".join(map(str, rows + 2))


#: Encodings tried, in order, when a file is read with the default ``encoding="utf-8"``.
FALLBACK_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")

#: Separators :func:`sniff_sep` chooses from (the CLI's ``--sep`` also takes ``tab``).
SEPARATORS = (",", ";", "\t", "|")

_GZIP_MAGIC = b"\x1f\x8b"


def parse_sep(text: str | None) -> str | None:
    """The separator a user typed: ``,`` ``;`` ``|``, a tab as ``tab`` or ``\\t``; None sniffs.

    >>> parse_sep("tab"), parse_sep("|"), parse_sep(None)
    ('\\t', '|', None)
    """
    if text is None or text == "":
        return None
    named = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
    sep = named.get(text.lower(), text)
    if len(sep) != 1:
        raise LoaderError(
            f"separator {text!r} is not one character; use one of , ; | or tab"
        )
    return sep


def sniff_sep(header: str, name: str = "") -> str:
    """The separator of a header line: a tab if there is one, else the most frequent of
    ``, ; |`` outside quotes (ties go to the order of :data:`SEPARATORS`).

    A ``.tsv``/``.tab`` name means a tab.

    >>> sniff_sep('"projectID";"topic";"title"'), sniff_sep("appln_id|reg_code|reg_share")
    (';', '|')
    """
    if name.lower().removesuffix(".gz").endswith((".tsv", ".tab")):
        return "\t"
    outside, quoted = [], False
    for ch in header:
        if ch == '"':
            quoted = not quoted
        elif not quoted:
            outside.append(ch)
    text = "".join(outside)
    if "\t" in text:  # Eurostat's TSV has commas in its first column, tabs between the rest
        return "\t"
    counts = {sep: text.count(sep) for sep in SEPARATORS}
    best = max(SEPARATORS, key=lambda sep: counts[sep])  # max keeps the first of ties
    return best if counts[best] else ","


def _is_auto(encoding: str) -> bool:
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8", "utf-8-sig", "auto")


def _decode_head(head: bytes, encoding: str, path: Path, complete: bool) -> tuple[str, str]:
    """Decode the first bytes; returns the text and the encoding the whole file is read with."""
    auto = _is_auto(encoding)
    candidates = FALLBACK_ENCODINGS if auto else (encoding,)
    for candidate in candidates:
        try:
            return head.decode(candidate), candidate
        except UnicodeDecodeError as exc:
            if not complete and exc.start >= len(head) - 4 and candidate.startswith("utf-8"):
                # a multi-byte character cut at the end of the sample, not a bad byte
                return head[: exc.start].decode(candidate), candidate
            if not auto:
                raise LoaderError(
                    f"{path}: not valid {encoding} text (byte {exc.start}); "
                    "pass --encoding with the file's encoding, e.g. latin-1"
                ) from None
        except LookupError:
            raise LoaderError(f"{path}: unknown encoding {encoding!r}") from None
    raise AssertionError("latin-1 decodes any bytes")  # pragma: no cover


def _first_records(text: str, sep: str, complete: bool) -> list[list[str]]:
    """The header and first data record of a decoded sample (quotes and newlines respected)."""
    lines = text.splitlines(keepends=True)
    if not complete and len(lines) > 1:
        lines = lines[:-1]  # the last line of a sample may be cut
    reader = csv.reader(io.StringIO("".join(lines)), delimiter=sep, skipinitialspace=True)
    records = []
    for record in reader:
        if record:
            records.append(record)
        if len(records) == 2:
            break
    return records


def read_table(
    path: str | Path,
    *,
    encoding: str = "utf-8",
    sep: str | None = None,
    progress: Callable[[int], None] | None = None,
    keep_numbers: bool = False,
    usecols: Callable[[list[str]], Sequence[str] | None] | None = None,
    categorical: Sequence[str] = (),
    numeric: Sequence[str] = (),
) -> pd.DataFrame:
    """Read a CSV/TSV file (optionally gzip-compressed) or a Parquet file, every column as
    text (a Parquet file's number columns stay numbers with ``keep_numbers``).

    Text keeps codes as written (``0011`` stays ``0011``); empty cells are missing. Large files
    are read in chunks of :data:`CHUNK_ROWS` rows, calling ``progress(rows)`` after each.

    What publishers' files do, handled here for every loader:

    - the separator (``, ; tab |``) is sniffed from the header line unless ``sep`` is given
      (:func:`sniff_sep`);
    - gzip is recognised by its first bytes, whatever the file is called;
    - ``encoding="utf-8"`` (the default) drops a byte-order mark and falls back to Windows-1252
      (then Latin-1) for files that are not UTF-8, as UN Comtrade+ exports are; another
      encoding is used as given;
    - a trailing separator on every data line (Comtrade+: 48 fields under a 47-name header) is
      read as the header's columns, after checking that the extra field is empty;
    - header names are stripped of surrounding spaces;
    - a Parquet file (recognised by its first bytes) is read with its column names; its rows
      are numbered as the lines of the same table written as CSV (row 1 is line 2).

    Text is read with pyarrow (:func:`_read_arrow`; Arrow strings, parsed on every core), or
    with pandas for the few files Arrow would read differently.

    For big files a loader may ask for less (the pandas reader, used for odd files, ignores
    the last two and reads text): ``usecols(header)`` names the columns to read (None: all,
    as text); then ``categorical`` columns come as pandas categoricals (codes repeated over
    millions of rows: a few bytes a row) and ``numeric`` columns as float64 when every cell is
    a number (spaces around it allowed), else as text for the caller's checks and messages.

    ``frame.attrs`` records ``encoding``, ``sep`` and ``notes`` (what was done that a user
    should know, e.g. the fallback encoding).
    """
    path = Path(path)
    if not path.exists():
        raise LoaderError(f"{path}: file not found")
    if path.is_dir():
        raise LoaderError(f"{path}: is a folder, not a file")
    if path.stat().st_size == 0:
        raise LoaderError(f"{path}: file is empty")
    if _is_parquet(path):
        return _read_parquet(path, progress, not keep_numbers)
    try:
        with open(path, "rb") as fh:
            gzipped = fh.read(2) == _GZIP_MAGIC
        with (gzip.open if gzipped else open)(path, "rb") as fh:
            head = fh.read(_SAMPLE_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise LoaderError(f"{path}: cannot read the file ({exc})") from exc
    complete = len(head) <= _SAMPLE_BYTES
    head = head[:_SAMPLE_BYTES]
    if not head.strip():
        raise LoaderError(f"{path}: file is empty")
    text, used = _decode_head(head, encoding, path, complete)
    notes: list[str] = []
    if sep is None:
        sep = sniff_sep(text.lstrip("\ufeff").split("\n", 1)[0], path.name)
    records = _first_records(text, sep, complete)
    names = None
    trailing = (
        len(records) == 2
        and len(records[1]) == len(records[0]) + 1
        and records[1][-1].strip() == ""
    )
    if trailing:
        names = [*records[0], _TRAILING]
    frame = lines = None
    header = [str(c) for c in records[0]] if records else []
    if _arrow_usable(text, sep, header):
        wanted = usecols([h.strip() for h in header]) if usecols and not trailing else None
        read = _read_arrow(path, gzipped, sep, used, [*header, _TRAILING] if trailing else header,
                           progress, quoted='"' in text.partition("\n")[2], usecols=wanted,
                           categorical=categorical if wanted else (),
                           numeric=numeric if wanted else ())
        if read is not None:
            frame, newlines, last = read
            lines = _record_lines(path, gzipped, sep, used, len(frame), (newlines, last))
    while frame is None:
        try:
            frame = _read_chunks(path, gzipped, sep, used, names, progress)
            lines = _record_lines(path, gzipped, sep, used, len(frame))
            break
        except UnicodeDecodeError as exc:
            # a bad byte past the sample: with the default encoding, fall back as above
            later = FALLBACK_ENCODINGS[FALLBACK_ENCODINGS.index(used) + 1 :] if (
                used in FALLBACK_ENCODINGS and _is_auto(encoding)
            ) else ()
            if not later:
                raise LoaderError(
                    f"{path}: not valid {used} text ({exc.reason}); pass --encoding with the "
                    "file's encoding, e.g. latin-1"
                ) from None
            used = later[0]
    if used in ("cp1252", "latin-1"):
        notes.append(f"{path.name} is not UTF-8: read as {_ENCODING_NAMES[used]}")
    frame.columns = [str(c).strip().lstrip("\ufeff").strip() for c in frame.columns]
    if trailing:
        extra = frame[_TRAILING].notna() & (frame[_TRAILING].str.strip() != "")
        if extra.any():
            raise LoaderError(
                f"{path}: {int(extra.sum())} row(s) have one field more than the header, "
                f"with a value, at line(s) {_lines(extra.to_numpy(), frame=lines)}"
            )
        frame = frame.drop(columns=_TRAILING)
        notes.append(f"{path.name}: every line ends with a separator; the empty last field is "
                     "ignored")
    if frame.empty:
        raise LoaderError(f"{path}: file has a header but no rows")
    frame.attrs.update(encoding=used, sep=sep, notes=notes,
                       header=[str(h).strip().lstrip("\ufeff").strip() for h in header])
    if lines is not None:
        frame.attrs["lines"] = _LineMap(lines)
    return frame


def _record_lines(
    path: Path, gzipped: bool, sep: str, encoding: str, n_records: int,
    counted: tuple[int, bytes] | None = None,
) -> np.ndarray | None:
    """The file line each data record starts on, when it is not simply record + 2.

    A first pass counts the file's lines (``counted``: the newlines and last byte, when the
    reader counted them as it read): one per record plus the header means no blank line and no
    quoted newline, and nothing is kept (None). Otherwise the file is read again with
    :mod:`csv`, which counts lines as pandas does not, skipping blank lines as pandas does.
    """
    opener = gzip.open if gzipped else open
    newlines, last = counted if counted is not None else (0, b"")
    if counted is None:
        with opener(path, "rb") as fh:
            while chunk := fh.read(1 << 24):
                newlines += chunk.count(b"\n")
                last = chunk[-1:]
    if newlines + (last not in (b"\n", b"")) == n_records + 1:
        return None
    starts: list[int] = []
    with opener(path, "rt", encoding=encoding, newline="") as fh:
        reader = csv.reader(fh, delimiter=sep, skipinitialspace=True)
        previous = 0
        try:
            for record in reader:
                if record and not (len(record) == 1 and not record[0].strip()):
                    starts.append(previous + 1)
                previous = reader.line_num
        except csv.Error:
            return None  # pandas read it; without a line map, record + 2 is the best guess
    if len(starts) != n_records + 1:
        return None
    return np.asarray(starts[1:], dtype="int64")


_SAMPLE_BYTES = 65536

# -- the Arrow reader ------------------------------------------------------------------------
#
# pyarrow's CSV reader parses in C++ on every core and keeps text as Arrow strings; pandas'
# reader builds a Python string per cell. It reads what pandas would, with the differences
# handled here: pandas' ``skipinitialspace`` (leading spaces of a cell dropped, a cell of
# spaces empty) is done after parsing, and files Arrow reads differently -- a quoted cell after
# a space (`` "a,b"``), ragged rows, header names pandas renames (empty or repeated), bytes that
# are not valid in the encoding -- go to the pandas reader (:func:`_read_chunks`), so every
# file reads as before and every error message is the one it was.


class _Counting(io.RawIOBase):
    """A binary file that counts the newlines of what is read through it (one pass over a
    gzip file instead of two: the line count tells whether records map to lines simply)."""

    def __init__(self, fh) -> None:
        self.fh, self.newlines, self.last = fh, 0, b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.fh.read(len(buffer))
        n = len(data)
        if n:
            buffer[:n] = data
            self.newlines += data.count(b"\n")
            self.last = data[-1:]
        return n


def _arrow_usable(text: str, sep: str, header: list[str]) -> bool:
    """Whether the Arrow reader reads this file as pandas would (see above); ``text`` is the
    decoded sample, ``header`` its first record."""
    try:
        import pyarrow.csv  # noqa: F401
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return False
    names = [h.strip() for h in header]
    if not names or "" in names or len(set(names)) != len(names):
        return False
    return f'{sep} "' not in text and len(sep) == 1 and sep != '"'


def _read_arrow(
    path: Path, gzipped: bool, sep: str, encoding: str, names: list[str],
    progress: Callable[[int], None] | None, *, quoted: bool = True,
    usecols: Sequence[str] | None = None, categorical: Sequence[str] = (),
    numeric: Sequence[str] = (),
) -> tuple[pd.DataFrame, int, bytes] | None:
    """Read with pyarrow: ``(frame, newlines, last byte)``, or None for the pandas reader.

    ``quoted``: the sample has quotes, so a quoted cell may hold a newline (Arrow then finds
    record ends more slowly; without quotes in the sample a quoted newline further on makes
    Arrow fail, and the pandas reader reads the file).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    read = pacsv.ReadOptions(
        column_names=names, skip_rows=1, block_size=1 << 24,
        encoding="utf8" if encoding in ("utf-8", "utf-8-sig") else encoding,
    )
    parse = pacsv.ParseOptions(delimiter=sep, quote_char='"', double_quote=True,
                               escape_char=False, newlines_in_values=quoted,
                               ignore_empty_lines=True)
    stripped = {n.strip(): n for n in names}
    types = {n: pa.large_string() for n in names}
    types.update({stripped[c]: pa.dictionary(pa.int32(), pa.large_string())
                  for c in categorical if c in stripped})
    types.update({stripped[c]: pa.float64() for c in numeric if c in stripped})
    include = [stripped[c] for c in usecols if c in stripped] if usecols else []
    convert = pacsv.ConvertOptions(
        column_types=types, null_values=[""], include_columns=include,
        strings_can_be_null=True, quoted_strings_can_be_null=True, check_utf8=True,
    )
    try:
        return _arrow_table(path, gzipped, read, parse, convert, progress)
    except pa.ArrowInvalid:
        if not numeric:
            return None
    # a cell of a numeric column is no number: read it as text (the caller names the line)
    convert.column_types = {n: (pa.large_string() if t == pa.float64() else t)
                            for n, t in types.items()}
    try:
        return _arrow_table(path, gzipped, read, parse, convert, progress)
    except pa.ArrowInvalid:
        return None


def _arrow_table(path, gzipped, read, parse, convert, progress):
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    try:
        if gzipped:  # decompressed once, newlines counted on the way
            with gzip.open(path, "rb") as raw:
                counter = _Counting(raw)
                table = pacsv.read_csv(io.BufferedReader(counter, 1 << 22), read, parse,
                                       convert)
            newlines, last = counter.newlines, counter.last
        else:
            with pa.memory_map(str(path)) as mapped:
                table = pacsv.read_csv(mapped, read, parse, convert)
            newlines, last = _count_newlines(path)
    except pa.ArrowInvalid as exc:
        if "conversion error to double" in str(exc).lower() or "to double" in str(exc):
            raise  # a numeric column: read it again as text
        return None  # the pandas reader reads it, or says what is wrong, naming lines
    except (pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
        return None
    except (OSError, EOFError) as exc:
        raise LoaderError(f"{path}: cannot read the file ({exc})") from None
    columns = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_floating(col.type):
            if pc.any(pc.is_nan(col)).as_py():
                raise pa.ArrowInvalid("text 'nan' in a column read as double")
            columns[name] = col
            continue
        if pa.types.is_dictionary(col.type):  # codes: stripped by the loaders
            columns[name] = col
            continue
        if pc.any(pc.starts_with(col, " ")).as_py():
            col = pc.utf8_ltrim(col, characters=" ")
            if pc.any(pc.starts_with(col, '"')).as_py():
                return None  # a quoted cell after spaces: pandas reads the quotes
            if pc.any(pc.equal(col, "")).as_py():  # a cell of spaces is empty
                col = pc.if_else(pc.equal(col, ""), pa.scalar(None, col.type), col)
        columns[name] = col
    del table
    frame = pa.table(columns).to_pandas(split_blocks=True, self_destruct=True)
    if progress:
        progress(len(frame))
    return frame, newlines, last


def _count_newlines(path: Path) -> tuple[int, bytes]:
    """The newlines of a plain file and its last byte (memory-mapped: no copy in Python)."""
    import mmap

    with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        newlines, start, size = 0, 0, len(mm)
        while start < size:
            newlines += mm[start : start + (1 << 26)].count(b"\n")
            start += 1 << 26
        return newlines, mm[size - 1 : size]


def _is_parquet(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(4) == b"PAR1"


def _read_parquet(
    path: Path, progress: Callable[[int], None] | None, text: bool
) -> pd.DataFrame:
    """A Parquet file as a table: text columns as Arrow strings; with ``text`` every other
    column as text too (numbers as written by Arrow, NaN missing), else numbers stay numbers.

    Rows are numbered as the lines of the same table written as CSV with a header (row 1 is
    line 2), so that errors name the same places in both.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (pa.ArrowException, OSError) as exc:
        raise LoaderError(f"{path}: not a readable Parquet file ({_short(exc)})") from None
    columns = {}
    for name, col in zip(table.column_names, table.columns, strict=True):
        kind = col.type
        if pa.types.is_dictionary(kind) and not text and (
            pa.types.is_string(kind.value_type) or pa.types.is_large_string(kind.value_type)
        ):
            columns[str(name).strip()] = col  # codes as a categorical
            continue
        if pa.types.is_dictionary(kind):
            col = col.cast(kind.value_type)
            kind = col.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            pass
        elif pa.types.is_nested(kind) or pa.types.is_binary(kind):
            raise LoaderError(
                f"{path}: column {name!r} holds {kind} values; smartspec reads text, numbers, "
                "dates and booleans"
            )
        elif text or not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
            if pa.types.is_floating(kind):
                col = pc.if_else(pc.is_nan(col), pa.scalar(None, kind), col)
            col = col.cast(pa.string())
        columns[str(name).strip()] = col
    frame = pa.table(columns).to_pandas(split_blocks=True, self_destruct=True)
    if frame.empty:
        raise LoaderError(f"{path}: file has a header but no rows")
    if progress:
        progress(len(frame))
    frame.attrs.update(encoding=None, sep=None, notes=[], format="parquet")
    return frame
_TRAILING = "\x00trailing"
_ENCODING_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1"}


def _read_chunks(path: Path, gzipped: bool, sep: str, encoding: str, names: list[str] | None,
                 progress: Callable[[int], None] | None) -> pd.DataFrame:
    chunks = []
    try:
        reader = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding=encoding,
            compression="gzip" if gzipped else None,
            chunksize=CHUNK_ROWS,
            skipinitialspace=True,
            names=names,
            header=0,
            index_col=False,
        )
        for chunk in reader:
            chunks.append(chunk)
            if progress:
                progress(len(chunk))
    except pd.errors.EmptyDataError:
        raise LoaderError(f"{path}: file is empty") from None
    except pd.errors.ParserError as exc:
        raise LoaderError(f"{path}: not a readable table ({_short(exc)})") from None
    except (OSError, EOFError) as exc:
        raise LoaderError(f"{path}: cannot read the file ({exc})") from None
    if not chunks:
        raise LoaderError(f"{path}: file has a header but no rows")
    return pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]


def _short(exc: Exception) -> str:
    return str(exc).strip().splitlines()[-1]


def require_columns(frame: pd.DataFrame, columns: Sequence[str], *, path: str | Path) -> None:
    """Raise naming the missing columns and those that were found."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        found = ", ".join(frame.columns)
        what = "column" if len(missing) == 1 else "columns"
        raise LoaderError(
            f"{path}: {what} {', '.join(map(repr, missing))} not found; found: {found}"
        )


def _arrow_text(series: pd.Series):
    """The Arrow strings behind a text column (a ``ChunkedArray``), or None when the column
    is not held in Arrow (pandas' Python strings, numbers)."""
    array = series.array
    if not hasattr(array, "__arrow_array__") or not pd.api.types.is_string_dtype(series.dtype):
        return None
    try:
        import pyarrow as pa
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    data = array.__arrow_array__()
    if not (pa.types.is_string(data.type) or pa.types.is_large_string(data.type)):
        return None
    return data


def _numbers(raw: pd.Series) -> pd.Series | None:
    """``raw`` as float64 (empty cells NaN) when it is held as numbers, or as Arrow text of
    which every non-empty cell is a number (parsed by Arrow, after trimming white space);
    None otherwise, for the checks and messages of the callers.

    Arrow reads what ``pandas.to_numeric`` reads (``1e3``, ``+5``, ``.5``, ``inf``); the text
    ``nan`` is no number here, as it is not for the callers.
    """
    if pd.api.types.is_bool_dtype(raw.dtype):
        return None
    if pd.api.types.is_numeric_dtype(raw.dtype):  # a Parquet column of numbers
        return pd.Series(raw.to_numpy(dtype="float64", na_value=np.nan), index=raw.index)
    data = _arrow_text(raw)
    if data is None:
        return None
    import pyarrow as pa
    import pyarrow.compute as pc

    number = _cast_float(data)  # most files: numbers as they are, without a trimmed copy
    if number is None:
        text = pc.utf8_trim_whitespace(data)
        number = _cast_float(text)
        if number is None:
            blank = pc.equal(text, "")
            if not pc.any(blank).as_py():
                return None
            number = _cast_float(pc.if_else(blank, pa.scalar(None, text.type), text))
            if number is None:
                return None
    values = number.to_numpy()
    if pc.any(pc.is_nan(number)).as_py():
        return None  # the text "nan": the callers refuse it, naming lines
    return pd.Series(values, index=raw.index)


def _cast_float(data):
    """Arrow text as float64, or None when a cell is no number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return pc.cast(data, pa.float64())
    except pa.ArrowInvalid:
        return None


def parse_numeric(
    frame: pd.DataFrame, column: str, *, path: str | Path, allow_negative: bool = False
) -> pd.Series:
    """A column as float64: empty cells stay missing (NaN); text, infinite or (unless
    ``allow_negative``) negative values raise, naming the file lines."""
    raw = frame[column]
    values = _numbers(raw)
    if values is None:
        text = raw.str.strip()
        values = pd.to_numeric(text, errors="coerce")
        bad = values.isna() & text.notna() & (text != "")
        if bad.any():
            where = np.flatnonzero(bad.to_numpy())
            examples = ", ".join(repr(v) for v in raw.iloc[where[:3]])
            raise LoaderError(
                f"{path}: column {column!r} has {len(where)} non-numeric value(s) at line(s) "
                f"{_lines(_records(frame, bad.to_numpy()), frame=frame)} (e.g. {examples})"
            )
    values = values.astype("float64")
    if np.isinf(values).any():
        where = _records(frame, np.isinf(values.to_numpy()))
        raise LoaderError(
            f"{path}: column {column!r} is infinite at line(s) {_lines(where, frame=frame)}"
        )
    if not allow_negative and (values < 0).any():
        where = np.flatnonzero((values < 0).to_numpy())
        examples = ", ".join(repr(v) for v in raw.iloc[where[:3]])
        raise LoaderError(
            f"{path}: column {column!r} has {len(where)} negative value(s) at line(s) "
            f"{_lines(_records(frame, (values < 0).to_numpy()), frame=frame)} (e.g. {examples})"
        )
    return values


def parse_year(
    frame: pd.DataFrame,
    column: str,
    *,
    path: str | Path,
    missing_ok: bool = False,
    year_range: tuple[int, int] = YEAR_RANGE,
) -> pd.Series:
    """A year column as int64 (``Int64`` with ``missing_ok``, empty cells missing).

    Missing (unless ``missing_ok``), non-integer, non-finite years and years outside
    ``year_range`` (inclusive; :data:`YEAR_RANGE`, 1800-2100) raise, naming the file, the
    column and the lines: ``1e20`` is no year, and would not fit a 64-bit integer.

    >>> parse_year(pd.DataFrame({"y": ["2019", " 2020 "]}), "y", path="f.csv").tolist()
    [2019, 2020]
    >>> try:
    ...     parse_year(pd.DataFrame({"y": ["2019", "1e20"]}), "y", path="f.csv")
    ... except LoaderError as exc:
    ...     print(exc)
    f.csv: column 'y' has 1 year(s) outside 1800-2100 at line(s) 3 (e.g. '1e20')
    """
    fast = _numbers(frame[column])
    if fast is not None:  # every non-empty cell a number: empty is NaN
        values = fast
        empty = np.isnan(values.to_numpy())
    else:
        raw = frame[column].str.strip()
        values = pd.to_numeric(raw, errors="coerce").astype("float64")
        empty = (raw.isna() | (raw == "")).to_numpy()
    number = values.to_numpy()
    with np.errstate(invalid="ignore"):
        bad = (np.isnan(number) & ~(empty & missing_ok)) | (
            np.isfinite(number) & (number != np.round(number))
        ) | np.isinf(number)
    if bad.any():
        where = np.flatnonzero(bad)
        examples = ", ".join(repr(v) for v in frame[column].iloc[where[:3]])
        what = "non-integer" if missing_ok else "missing or non-integer"
        raise LoaderError(
            f"{path}: column {column!r} has {len(where)} {what} year(s) at "
            f"line(s) {_lines(_records(frame, bad), frame=frame)} (e.g. {examples})"
        )
    low, high = year_range
    with np.errstate(invalid="ignore"):
        outside = ~np.isnan(number) & ((number < low) | (number > high))
    if outside.any():
        where = np.flatnonzero(outside)
        examples = ", ".join(repr(v) for v in frame[column].iloc[where[:3]])
        raise LoaderError(
            f"{path}: column {column!r} has {len(where)} year(s) outside {low}-{high} at "
            f"line(s) {_lines(_records(frame, outside), frame=frame)} (e.g. {examples})"
        )
    if missing_ok:
        return values.astype("Int64")
    return values.astype("int64")


#: Characters stripped from both ends of a code besides white space: zero-width spaces and
#: joiners, the word joiner and a stray byte-order mark (copy-paste from web pages and Excel).
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"


def normalise_codes(
    codes: pd.Series,
    *,
    path: str | Path,
    column: str,
    upper: bool = False,
    frame: pd.DataFrame | None = None,
) -> pd.Series:
    """Codes as every loader stores them: one normaliser for all.

    Surrounding white space (including no-break spaces) and zero-width characters are
    stripped; ``upper=True`` upper-cases codes that are case-insensitive (ISO country codes,
    NUTS and other region codes), so ``deu``, ``DEU`` and `` Deu `` are one region. A NUL
    character anywhere refuses the file, naming the lines. Missing cells stay missing.
    ``frame`` is the table ``codes`` come from (for its file lines).

    >>> normalise_codes(pd.Series(["deu", " DEU", "\u200bDeu\u00a0"]), path="f.csv",
    ...                 column="region", upper=True).tolist()
    ['DEU', 'DEU', 'DEU']
    """
    if isinstance(codes.dtype, pd.CategoricalDtype):  # the text work on the categories
        categories = pd.Series(codes.cat.categories)
        if not categories.astype(str).str.contains("\x00", regex=False).any():  # else below
            done = normalise_codes(categories.astype(str), path=path, column=column,
                                   upper=upper)
            at, names = pd.factorize(done)
            lookup = np.append(at, -1)  # code -1 (missing) stays missing
            return pd.Series(pd.Categorical.from_codes(lookup[codes.cat.codes.to_numpy()],
                                                       categories=names),
                             index=codes.index, name=codes.name)
        codes = codes.astype("str").where(codes.notna())
    if _arrow_text(codes) is not None and len(codes) > 10_000:
        # the text work once per distinct code (a few thousand in millions of rows)
        at, uniques = pd.factorize(codes)
        distinct = pd.Series(uniques)
        if 4 * len(distinct) <= len(codes) and not distinct.str.contains(
            "\x00", regex=False
        ).any():  # else the rows as they are (a NUL is refused below, naming lines)
            done = normalise_codes(distinct, path=path, column=column, upper=upper)
            if (done.to_numpy() != uniques.to_numpy()).any():
                taken = done.array.take(at, allow_fill=True)
                return pd.Series(taken, index=codes.index, name=codes.name)
            return codes
    if not pd.api.types.is_string_dtype(codes.dtype) and not pd.api.types.is_object_dtype(
        codes.dtype
    ):  # numbers (a Parquet column): their text
        codes = codes.astype("str").where(codes.notna())
    text = codes.str.strip().str.strip(_ZERO_WIDTH).str.strip()
    nul = text.str.contains("\x00", regex=False).fillna(False).to_numpy(bool)
    if nul.any():
        raise LoaderError(
            f"{path}: column {column!r} has a NUL character at {int(nul.sum())} line(s): "
            f"{_lines(_records(codes, nul), frame=frame if frame is not None else codes)}"
        )
    return text.str.upper() if upper else text


def require_codes(
    frame: pd.DataFrame, column: str, *, path: str | Path, upper: bool = False
) -> pd.Series:
    """A code column normalised (:func:`normalise_codes`); missing codes raise."""
    codes = normalise_codes(frame[column], path=path, column=column, upper=upper, frame=frame)
    bad = codes.isna() | (codes == "")
    if bad.any():
        where = np.flatnonzero(bad.to_numpy())
        raise LoaderError(
            f"{path}: column {column!r} is empty at {len(where)} line(s): "
            f"{_lines(_records(frame, bad.to_numpy()), frame=frame)}"
        )
    return codes


def check_duplicates(
    frame: pd.DataFrame,
    keys: Sequence[str],
    *,
    path: str | Path,
    how: str,
    values: Sequence[str] | None = None,
    allow_negative: bool = False,
) -> pd.DataFrame:
    """Apply the duplicate-key rule: ``"reject"`` raises naming the lines, ``"sum"`` adds up.

    ``frame`` must carry the file's record numbers in its index (row 0 = line 2; the lines of
    :func:`keep_lines` when blank lines shift them). With ``"sum"`` only the ``values``
    columns are added up (default: the numeric columns that are not keys); every other
    column keeps its first row's value, and must be equal within a key (else the file is
    refused). A key whose values are all missing stays missing. A sum is checked like a
    value: an infinite one (overflow), or a negative one unless ``allow_negative``, refuses
    the file, naming the key and its lines.

    >>> f = pd.DataFrame({"r": ["A", "A"], "t": ["H01L", "H01L"], "n": [1.0, 2.0]})
    >>> check_duplicates(f, ["r"], path="f.csv", how="sum")
       r     t    n
    0  A  H01L  3.0
    """
    keys = list(keys)
    dup = frame.duplicated(keys, keep=False)
    if not dup.any():
        return frame
    if how == "reject":
        first = frame[dup].sort_values(keys).head(2)
        key = ", ".join(str(first.iloc[0][k]) for k in keys)
        n = int(frame.duplicated(keys).sum())
        raise LoaderError(
            f"{path}: {n} duplicate ({', '.join(keys)}) key(s), e.g. ({key}) at lines "
            f"{_lines(first.index, frame=frame)}; pass --duplicates sum to add them up"
        )
    if how != "sum":
        raise LoaderError(f"duplicates must be 'reject' or 'sum', got {how!r}")
    if values is None:
        values = [c for c in frame.columns
                  if c not in keys and pd.api.types.is_numeric_dtype(frame[c])]
    values = list(values)
    others = [c for c in frame.columns if c not in keys and c not in values]
    groups = frame.groupby(keys, sort=False, dropna=False)
    if others:
        varies = groups[others].nunique(dropna=False).gt(1)
        if varies.to_numpy().any():
            col = varies.columns[varies.any().to_numpy()][0]
            bad_key = varies.index[varies[col].to_numpy()][0]
            bad_key = bad_key if isinstance(bad_key, tuple) else (bad_key,)
            rows = frame.index[(frame[keys] == pd.Series(bad_key, index=keys)).all(axis=1)]
            raise LoaderError(
                f"{path}: rows with the same ({', '.join(keys)}) key "
                f"({', '.join(map(str, bad_key))}) differ in {col!r}, at lines "
                f"{_lines(rows, frame=frame)}; they cannot be summed"
            )
    with np.errstate(over="ignore"):  # an overflow is refused below, naming the key
        summed = groups[values].sum(min_count=1)
    for col in values:
        sums = summed[col].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            bad = np.isinf(sums) if allow_negative else np.isinf(sums) | (sums < 0)
        if bad.any():
            bad_key = summed.index[bad][0]
            bad_key = bad_key if isinstance(bad_key, tuple) else (bad_key,)
            rows = frame.index[(frame[keys] == pd.Series(bad_key, index=keys)).all(axis=1)]
            what = "infinite (too large)" if np.isinf(sums[bad][0]) else "negative"
            raise LoaderError(
                f"{path}: the sum of column {col!r} over the duplicate "
                f"({', '.join(keys)}) key ({', '.join(map(str, bad_key))}) is {what}, at "
                f"lines {_lines(rows, frame=frame)}"
            )
    out = summed.reset_index()
    if others:
        out = out.merge(groups[others].first().reset_index(), on=keys, how="left")
    return out[[c for c in frame.columns]]
