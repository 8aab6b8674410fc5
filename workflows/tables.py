"""Tables as a person reads them: names next to codes, ranked by a score."""

from __future__ import annotations

import pandas as pd

from ..graph_models import results
from ..graph_models.store import Store
from ..loaders.countries import country_name

__all__ = ["NAMED_COLUMNS", "with_names", "file_names", "named", "ranked"]

#: Code columns of the tables and the label whose nodes name them (None: the activity label).
NAMED_COLUMNS = {"region": "Region", "activity": None, "activity_a": None, "activity_b": None}


def with_names(store: Store, frame: pd.DataFrame, activity: str = "Product") -> pd.DataFrame:
    """``frame`` with ``<code column>_name`` right after each code column (``region``,
    ``activity``, ``activity_a``, ``activity_b``), read from the graph's nodes: the short name
    where a node has one (the Atlas's short product names), else its name, else empty."""
    out = frame
    for column, label in NAMED_COLUMNS.items():
        if column in out.columns:
            out = results.add_names(store, out, column, label or activity, short=True)
    return out


def file_names(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` computed from a file (no graph): ``region_name`` after ``region`` with the
    ISO 3166 English name where the code is an ISO alpha-3 / alpha-2 (or EU: UK, EL) country
    code, else empty. Activities of a file have no names (their classification is unknown).

    >>> file_names(pd.DataFrame({"region": ["DEU", "x1"], "eci": [1.0, -1.0]}))
      region region_name  eci
    0    DEU     Germany  1.0
    1     x1             -1.0
    """
    if "region" not in frame.columns:
        return frame
    codes = frame["region"].astype(str)
    names = {c: country_name(c) or results.NO_NAME for c in codes.unique()}
    out = frame.copy()
    out.insert(out.columns.get_loc("region") + 1, "region_name", codes.map(names).to_numpy())
    return out


def named(store: Store | None, frame: pd.DataFrame, activity: str = "Product") -> pd.DataFrame:
    """:func:`with_names` from the store, or :func:`file_names` when there is none."""
    return with_names(store, frame, activity) if store is not None else file_names(frame)


def ranked(frame: pd.DataFrame, score: str, top: int = 0) -> pd.DataFrame:
    """``frame`` by year, highest ``score`` first (missing scores last, ties by code), keeping
    ``top`` rows per year (0: all).

    >>> ranked(pd.DataFrame({"region": ["a", "b", "c"], "eci": [0.5, None, 1.0]}), "eci")
      region  eci
    0      c  1.0
    1      a  0.5
    2      b  NaN
    """
    key = "region" if "region" in frame.columns else "activity"
    by = ["year"] if "year" in frame.columns else []
    out = frame.sort_values([*by, score, key], ascending=[*([True] * len(by)), False, True],
                            na_position="last", kind="stable")
    if top:
        out = out.groupby(by, sort=False).head(top) if by else out.head(top)
    return out.reset_index(drop=True)
