"""Shared input validation for the algorithms: one place for the checks every measure needs."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ..errors import ValidationError

__all__ = [
    "ValidationError",
    "DEFAULT_COLUMNS",
    "resolve_columns",
    "check_frame",
    "check_numeric",
    "check_threshold",
    "check_choice",
    "check_int",
    "check_key_table",
    "check_ddof",
]

#: The vocabulary used across smartspec: a long table has these columns unless renamed.
DEFAULT_COLUMNS: dict[str, str] = {
    "region": "region",
    "activity": "activity",
    "year": "year",
    "value": "value",
}


def resolve_columns(columns: Mapping[str, str] | None) -> dict[str, str]:
    """Merge user column names into :data:`DEFAULT_COLUMNS`.

    >>> resolve_columns({"region": "country"})["region"]
    'country'
    """
    resolved = dict(DEFAULT_COLUMNS)
    if columns:
        unknown = set(columns) - set(DEFAULT_COLUMNS)
        if unknown:
            raise ValidationError(
                f"unknown column role(s) {sorted(unknown)}; "
                f"expected some of {sorted(DEFAULT_COLUMNS)}"
            )
        resolved.update(columns)
    return resolved


def check_frame(
    data: object,
    required: list[str],
    *,
    optional: list[str] | None = None,
    name: str = "data",
) -> pd.DataFrame:
    """Check that ``data`` is a DataFrame holding the ``required`` columns.

    Raises :class:`ValidationError` listing the columns that were found when some are missing.
    """
    if not isinstance(data, pd.DataFrame):
        raise ValidationError(f"{name} must be a pandas DataFrame, got {type(data).__name__}")
    missing = [c for c in required if c not in data.columns]
    if missing:
        found = ", ".join(map(str, data.columns)) or "none"
        raise ValidationError(f"{name} lacks column(s) {missing}; found: {found}")
    return data


def check_numeric(values: pd.Series, *, name: str, allow_negative: bool = False) -> np.ndarray:
    """Return ``values`` as float64, raising on non-numeric, infinite or negative entries.

    Missing values are allowed and kept as NaN.
    """
    coerced = pd.to_numeric(values, errors="coerce")
    bad = coerced.isna() & values.notna()
    if bad.any():
        first = values[bad].head(3).tolist()
        raise ValidationError(f"column {name!r} has non-numeric values, e.g. {first}")
    arr = coerced.to_numpy(dtype="float64", na_value=np.nan)
    if np.isinf(arr).any():
        raise ValidationError(f"column {name!r} has infinite values")
    if not allow_negative and (arr < 0).any():
        first = arr[arr < 0][:3].tolist()
        raise ValidationError(f"column {name!r} has negative values, e.g. {first}")
    return arr


def check_threshold(threshold: float, *, name: str = "threshold") -> float:
    """Check a positive finite threshold."""
    try:
        value = float(threshold)
    except (TypeError, ValueError):
        raise ValidationError(f"{name} must be a number, got {threshold!r}") from None
    if not np.isfinite(value) or value < 0:
        raise ValidationError(f"{name} must be a finite number >= 0, got {threshold!r}")
    return value


def check_choice(value: str, choices: tuple[str, ...], *, name: str) -> str:
    """Check that ``value`` is one of ``choices``."""
    if value not in choices:
        raise ValidationError(f"{name} must be one of {', '.join(choices)}; got {value!r}")
    return value


def check_int(value: object, *, name: str, minimum: int = 0) -> int:
    """Check an integer ``>= minimum`` (booleans are refused)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise ValidationError(f"{name} must be an integer >= {minimum}, got {value!r}")
    if value < minimum:
        raise ValidationError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_ddof(ddof: object) -> int:
    """Check the delta degrees of freedom of a standard deviation (0 or 1)."""
    if ddof not in (0, 1) or isinstance(ddof, bool):
        raise ValidationError(f"ddof must be 0 or 1, got {ddof!r}")
    return int(ddof)


def check_key_table(
    table: object,
    keys: list[str],
    value: str,
    *,
    optional: list[str] | None = None,
    name: str,
    allow_negative: bool = False,
) -> pd.DataFrame:
    """Check a small keyed table (e.g. population by ``region[, year]``) and return a clean copy.

    ``keys`` must be present; keys in ``optional`` are kept when present. Rows with a missing
    value are dropped; duplicated keys raise.
    """
    check_frame(table, keys + [value], name=name)
    assert isinstance(table, pd.DataFrame)
    present = keys + [k for k in (optional or []) if k in table.columns]
    out = table[present + [value]].copy()
    out[value] = check_numeric(table[value], name=value, allow_negative=allow_negative)
    out = out[out[value].notna()]
    if out.duplicated(present).any():
        dup = out[out.duplicated(present)].head(3).to_dict("records")
        raise ValidationError(f"{name} has several rows for the same {present}, e.g. {dup}")
    return out
