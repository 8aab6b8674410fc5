"""Reading and validating tabular files: one place for the checks every loader needs.

Errors name the file, the column and the file lines (line 1 is the header) of the first
offending rows. Files are read completely and validated before a loader writes anything.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "LoaderError",
    "read_table",
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
    """
    path = Path(path)
    if not path.exists():
        raise LoaderError(f"{path}: file not found")
    if path.is_dir():
        raise LoaderError(f"{path}: is a folder, not a file")
    if path.stat().st_size == 0:
        raise LoaderError(f"{path}: file is empty")
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            head = fh.read(65536)
    except (OSError, EOFError) as exc:
        raise LoaderError(f"{path}: cannot read the file ({exc})") from exc
    try:
        head.decode(encoding)
    except UnicodeDecodeError as exc:
        if exc.start < len(head) - 4:  # not a multi-byte character cut at the 64 KiB boundary
            raise LoaderError(
                f"{path}: not valid {encoding} text (byte {exc.start}); "
                "pass --encoding with the file's encoding, e.g. latin-1"
            ) from None
    except LookupError:
        raise LoaderError(f"{path}: unknown encoding {encoding!r}") from None
    if sep is None:
        name = path.name.lower().removesuffix(".gz")
        first = head.split(b"\n", 1)[0].decode(encoding, errors="replace")
        sep = "\t" if name.endswith((".tsv", ".tab")) or "\t" in first else ","
    chunks = []
    try:
        reader = pd.read_csv(
            path,
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            encoding=encoding,
            chunksize=CHUNK_ROWS,
            skipinitialspace=True,
        )
        for chunk in reader:
            chunks.append(chunk)
            if progress:
                progress(len(chunk))
    except UnicodeDecodeError as exc:
        raise LoaderError(
            f"{path}: not valid {encoding} text ({exc.reason}); pass --encoding with the "
            "file's encoding, e.g. latin-1"
        ) from None
    except pd.errors.EmptyDataError:
        raise LoaderError(f"{path}: file is empty") from None
    except pd.errors.ParserError as exc:
        raise LoaderError(f"{path}: not a readable table ({_short(exc)})") from None
    except (OSError, EOFError) as exc:
        raise LoaderError(f"{path}: cannot read the file ({exc})") from None
    if not chunks:
        raise LoaderError(f"{path}: file has a header but no rows")
    frame = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise LoaderError(f"{path}: file has a header but no rows")
    return frame


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
