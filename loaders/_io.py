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

__all__ = [
    "LoaderError",
    "read_table",
    "parse_sep",
    "sniff_sep",
    "require_columns",
    "parse_numeric",
    "parse_year",
    "require_codes",
    "check_duplicates",
    "CHUNK_ROWS",
]

CHUNK_ROWS = 250_000


class LoaderError(ValueError):
    """A file that cannot be loaded; the message names the file and what is wrong."""


def _lines(index: pd.Index | np.ndarray, limit: int = 5) -> str:
    """File line numbers of data rows (0-based row positions -> header is line 1)."""
    rows = np.asarray(index)[:limit] + 2
    return ", ".join(map(str, rows))


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
) -> pd.DataFrame:
    """Read a CSV/TSV file (optionally gzip-compressed) with every column as text.

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
    - header names are stripped of surrounding spaces.

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
    while True:
        try:
            frame = _read_chunks(path, gzipped, sep, used, names, progress)
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
                f"with a value, at line(s) {_lines(np.flatnonzero(extra.to_numpy()))}"
            )
        frame = frame.drop(columns=_TRAILING)
        notes.append(f"{path.name}: every line ends with a separator; the empty last field is "
                     "ignored")
    if frame.empty:
        raise LoaderError(f"{path}: file has a header but no rows")
    frame.attrs.update(encoding=used, sep=sep, notes=notes)
    return frame


_SAMPLE_BYTES = 65536
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


def parse_numeric(
    frame: pd.DataFrame, column: str, *, path: str | Path, allow_negative: bool = False
) -> pd.Series:
    """A column as float64: empty cells stay missing (NaN); text or negative values raise."""
    raw = frame[column]
    text = raw.str.strip()
    values = pd.to_numeric(text, errors="coerce")
    bad = values.isna() & text.notna() & (text != "")
    if bad.any():
        where = np.flatnonzero(bad.to_numpy())
        examples = ", ".join(repr(v) for v in raw.iloc[where[:3]])
        raise LoaderError(
            f"{path}: column {column!r} has {len(where)} non-numeric value(s) at line(s) "
            f"{_lines(where)} (e.g. {examples})"
        )
    values = values.astype("float64")
    if np.isinf(values).any():
        where = np.flatnonzero(np.isinf(values.to_numpy()))
        raise LoaderError(f"{path}: column {column!r} is infinite at line(s) {_lines(where)}")
    if not allow_negative and (values < 0).any():
        where = np.flatnonzero((values < 0).to_numpy())
        examples = ", ".join(repr(v) for v in raw.iloc[where[:3]])
        raise LoaderError(
            f"{path}: column {column!r} has {len(where)} negative value(s) at line(s) "
            f"{_lines(where)} (e.g. {examples})"
        )
    return values


def parse_year(frame: pd.DataFrame, column: str, *, path: str | Path) -> pd.Series:
    """A year column as int64; missing or non-integer years raise."""
    raw = frame[column].str.strip()
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() | (values != np.round(values))
    if bad.any():
        where = np.flatnonzero(bad.to_numpy())
        examples = ", ".join(repr(v) for v in frame[column].iloc[where[:3]])
        raise LoaderError(
            f"{path}: column {column!r} has {len(where)} missing or non-integer year(s) at "
            f"line(s) {_lines(where)} (e.g. {examples})"
        )
    return values.astype("int64")


def require_codes(frame: pd.DataFrame, column: str, *, path: str | Path) -> pd.Series:
    """A code column as stripped text; missing codes raise."""
    codes = frame[column].str.strip()
    bad = codes.isna() | (codes == "")
    if bad.any():
        where = np.flatnonzero(bad.to_numpy())
        raise LoaderError(
            f"{path}: column {column!r} is empty at {len(where)} line(s): {_lines(where)}"
        )
    return codes


def check_duplicates(
    frame: pd.DataFrame, keys: Sequence[str], *, path: str | Path, how: str
) -> pd.DataFrame:
    """Apply the duplicate-key rule: ``"reject"`` raises naming the lines, ``"sum"`` adds up.

    ``frame`` must carry the file line order in its index (row 0 = line 2). With ``"sum"``, a
    key whose values are all missing stays missing.
    """
    dup = frame.duplicated(list(keys), keep=False)
    if not dup.any():
        return frame
    if how == "reject":
        first = frame[dup].sort_values(list(keys)).head(2)
        key = ", ".join(str(first.iloc[0][k]) for k in keys)
        n = int(frame.duplicated(list(keys)).sum())
        raise LoaderError(
            f"{path}: {n} duplicate ({', '.join(keys)}) key(s), e.g. ({key}) at lines "
            f"{_lines(first.index)}; pass --duplicates sum to add them up"
        )
    if how != "sum":
        raise LoaderError(f"duplicates must be 'reject' or 'sum', got {how!r}")
    value_cols = [c for c in frame.columns if c not in keys]
    return frame.groupby(list(keys), sort=False, as_index=False)[value_cols].sum(min_count=1)
