"""Region x activity x year panels stored as one stacked sparse matrix.

Every measure in :mod:`smartspec.algorithms` works on a :class:`Panel`: the values ``X`` of all
periods stacked year-major into one CSR matrix of shape ``(n_years * n_regions, n_activities)``
with shared, sorted region and activity axes. Period-wise totals become one sparse product with
a year-indicator matrix, so RCA and its relatives are computed for every period in one
vectorised pass, never by a Python loop over cells or years.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._validation import (
    ValidationError,
    check_frame,
    check_key_table,
    check_numeric,
    resolve_columns,
)

__all__ = ["Panel", "as_panel"]

#: Label used for the single period of a table without a year column.
NO_YEAR = None


@dataclass(frozen=True, eq=False)
class Panel:
    """Values of regions x activities for one or more periods.

    Attributes
    ----------
    values : scipy.sparse.csr_matrix
        Shape ``(n_years * n_regions, n_activities)``; row ``t * n_regions + r`` holds region
        ``r`` in period ``t``. Only positive values are stored; a zero or missing value is an
        absent entry.
    regions, activities, years : pandas.Index
        The keys of the axes (sorted). ``years`` is ``Index([None])`` for a table without periods.
    has_year : bool
        Whether the source table had a period column (outputs then carry ``year``).
    meta : dict
        Notes on how the panel was made (e.g. what a filter dropped); copied into the ``attrs``
        of tables computed from it.
    """

    values: sp.csr_matrix
    regions: pd.Index
    activities: pd.Index
    years: pd.Index
    has_year: bool = True
    meta: dict = field(default_factory=dict)

    # -- shape helpers -------------------------------------------------------------------------
    @property
    def n_regions(self) -> int:
        return len(self.regions)

    @property
    def n_activities(self) -> int:
        return len(self.activities)

    @property
    def n_years(self) -> int:
        return len(self.years)

    def year_of_row(self) -> np.ndarray:
        """Period position of every stacked row."""
        return np.repeat(np.arange(self.n_years), self.n_regions)

    def year_indicator(self) -> sp.csr_matrix:
        """Sparse ``(n_years, n_years * n_regions)`` matrix summing rows into periods."""
        rows = self.year_of_row()
        n = len(rows)
        return sp.csr_matrix((np.ones(n), (rows, np.arange(n))), shape=(self.n_years, n))

    def block(self, t: int, matrix: sp.spmatrix | None = None) -> sp.csr_matrix:
        """The ``n_regions x n_activities`` block of period position ``t`` (of ``matrix`` or X)."""
        m = self.values if matrix is None else sp.csr_matrix(matrix)
        return m[t * self.n_regions : (t + 1) * self.n_regions]

    def with_values(self, values: sp.spmatrix, *, meta: dict | None = None) -> Panel:
        """A panel on the same axes with other values (e.g. smoothed or filtered)."""
        values = sp.csr_matrix(values)
        if values.shape != self.values.shape:
            raise ValidationError(f"values of shape {values.shape} do not fit {self.values.shape}")
        values.eliminate_zeros()
        values.sort_indices()
        new_meta = {**self.meta, **(meta or {})}
        return Panel(values, self.regions, self.activities, self.years, self.has_year, new_meta)

    def block_diagonal(self, matrix: sp.spmatrix | None = None) -> sp.csr_matrix:
        """All periods side by side: ``(n_years * n_regions, n_years * n_activities)``.

        Row ``t * n_regions + r`` keeps its entries, moved to columns ``t * n_activities + a``, so
        one sparse product with this matrix works on every period at once.
        """
        m = (self.values if matrix is None else sp.csr_matrix(matrix)).tocsr()
        t = np.repeat(self.year_of_row(), np.diff(m.indptr))
        cols = m.indices.astype(np.int64) + t * self.n_activities
        shape = (m.shape[0], self.n_years * self.n_activities)
        return sp.csr_matrix((m.data, cols, m.indptr.copy()), shape=shape)

    def region_vector(
        self,
        table: pd.DataFrame,
        *,
        columns: Mapping[str, str] | None = None,
        name: str = "table",
    ) -> np.ndarray:
        """Align a ``region[, year], value`` table to the stacked rows (NaN where absent).

        A table without the year column gives every period the same value.
        """
        cols = resolve_columns(columns)
        r, y, v = cols["region"], cols["year"], cols["value"]
        use_year = self.has_year and y in table.columns
        t = check_key_table(table, [r], v, optional=[y] if use_year else [], name=name)
        out = np.full(self.n_years * self.n_regions, np.nan)
        ri = self.regions.get_indexer(t[r].to_numpy())
        if use_year:
            yi = self.years.get_indexer(t[y].to_numpy())
            ok = (ri >= 0) & (yi >= 0)
            out[yi[ok] * self.n_regions + ri[ok]] = t[v].to_numpy()[ok]
        else:
            ok = ri >= 0
            for k in range(self.n_years):
                out[k * self.n_regions + ri[ok]] = t[v].to_numpy()[ok]
        return out

    def activity_array(
        self,
        table: pd.DataFrame,
        value: str,
        *,
        columns: Mapping[str, str] | None = None,
        name: str = "table",
    ) -> np.ndarray:
        """Align an ``activity[, year], <value>`` table to ``(n_years, n_activities)``."""
        cols = resolve_columns(columns)
        a, y = cols["activity"], cols["year"]
        use_year = self.has_year and y in table.columns
        t = check_key_table(
            table, [a], value, optional=[y] if use_year else [], name=name, allow_negative=True
        )
        out = np.full((self.n_years, self.n_activities), np.nan)
        ai = self.activities.get_indexer(t[a].to_numpy())
        if use_year:
            yi = self.years.get_indexer(t[y].to_numpy())
            ok = (ai >= 0) & (yi >= 0)
            out[yi[ok], ai[ok]] = t[value].to_numpy()[ok]
        else:
            out[:, ai[ai >= 0]] = t[value].to_numpy()[ai >= 0]
        return out

    def dense_frame(self, matrices: Mapping[str, np.ndarray]) -> pd.DataFrame:
        """A table with one row per region, activity (and year) from dense stacked arrays.

        Each array has shape ``(n_years * n_regions, n_activities)``; rows come region-major
        within each period, activities in order.
        """
        n_rows, n_a = self.n_years * self.n_regions, self.n_activities
        rows = np.repeat(np.arange(n_rows), n_a)
        cols = np.tile(np.arange(n_a), n_rows)
        out = {
            "region": self.regions.take(rows % self.n_regions),
            "activity": self.activities.take(cols),
        }
        if self.has_year:
            out["year"] = self.years.take(rows // self.n_regions)
        for name, arr in matrices.items():
            out[name] = np.asarray(arr).reshape(-1)
        return pd.DataFrame(out)

    # -- conversion ----------------------------------------------------------------------------
    @classmethod
    def from_frame(
        cls,
        data: pd.DataFrame,
        *,
        columns: Mapping[str, str] | None = None,
        duplicates: str = "sum",
    ) -> Panel:
        """Build a panel from a long table.

        Parameters
        ----------
        data : DataFrame
            One row per region, activity and (optionally) year, with a non-negative value.
            Missing values are dropped (they are not zeros but contribute nothing to any total).
        columns : mapping, optional
            Names of the ``region``, ``activity``, ``year`` and ``value`` columns when they differ
            from those words. A table without the year column is one period.
        duplicates : {"sum", "raise"}
            What to do with several rows for the same key: add them up (default) or raise.

        Examples
        --------
        >>> df = pd.DataFrame({"region": ["a", "a", "b"], "activity": ["x", "y", "x"],
        ...                    "year": [2000, 2000, 2000], "value": [1.0, 2.0, 3.0]})
        >>> p = Panel.from_frame(df)
        >>> p.values.toarray()
        array([[1., 2.],
               [3., 0.]])
        """
        cols = resolve_columns(columns)
        check_frame(data, [cols["region"], cols["activity"], cols["value"]])
        has_year = cols["year"] in data.columns
        value = check_numeric(data[cols["value"]], name=cols["value"])
        keep = ~np.isnan(value)
        everything = bool(keep.all())
        value = value if everything else value[keep]
        if has_year:
            year = data[cols["year"]].to_numpy()
            year = year if everything else year[keep]
            if pd.isna(year).any():
                raise ValidationError(f"column {cols['year']!r} has missing values")
        else:
            year = np.zeros(len(value), dtype=np.int64)
        r_codes, regions = _factorize_sorted(data[cols["region"]], keep, everything)
        a_codes, activities = _factorize_sorted(data[cols["activity"]], keep, everything)
        y_codes, years = pd.factorize(year, sort=True)
        if duplicates not in ("sum", "raise"):
            raise ValidationError(f"duplicates must be 'sum' or 'raise', got {duplicates!r}")
        n_r, n_a, n_y = len(regions), len(activities), len(years)
        rows = y_codes.astype(np.int64) * n_r + r_codes
        if duplicates == "raise":
            key = rows * max(n_a, 1) + a_codes
            if len(np.unique(key)) != len(key):
                raise ValidationError(
                    "data has several rows for the same region, activity and year"
                )
        # coo -> csr sums duplicate entries, which is the documented 'sum' rule
        values = sp.coo_matrix((value, (rows, a_codes)), shape=(n_y * n_r, n_a)).tocsr()
        values.eliminate_zeros()
        values.sort_indices()
        if not has_year:
            years = pd.Index([NO_YEAR], dtype=object)
        return cls(values, pd.Index(regions), pd.Index(activities), pd.Index(years), has_year, {})

    def to_frame(
        self,
        matrices: Mapping[str, sp.spmatrix] | None = None,
        *,
        pattern: sp.spmatrix | None = None,
    ) -> pd.DataFrame:
        """A long table of stored entries with keys ``region, activity[, year]``.

        Parameters
        ----------
        matrices : mapping of name -> sparse matrix, optional
            Stacked matrices of the panel's shape whose values become columns; by default the values
            as ``value``. Every matrix is read on the sparsity pattern of ``pattern`` (default:
            the first matrix), so explicit zeros in the others are kept as 0.
        pattern : sparse matrix, optional
            Which entries to list.
        """
        if matrices is None:
            matrices = {"value": self.values}
        first = next(iter(matrices.values()))
        pat = sp.csr_matrix(pattern if pattern is not None else first)
        pat.sort_indices()
        # CSR with sorted indices lists entries in (row, col) order already
        rows = np.repeat(np.arange(pat.shape[0]), np.diff(pat.indptr))
        cols = pat.indices
        out = {
            "region": self.regions.take(rows % self.n_regions),
            "activity": self.activities.take(cols),
        }
        if self.has_year:
            out["year"] = self.years.take(rows // self.n_regions)
        for name, m in matrices.items():
            m = sp.csr_matrix(m)
            if m.has_sorted_indices and np.array_equal(m.indptr, pat.indptr) and np.array_equal(
                m.indices, pat.indices
            ):
                out[name] = m.data.copy()  # same sparsity pattern: no lookup needed
            else:
                out[name] = _values_at(m, rows, cols)
        return pd.DataFrame(out)

    def region_frame(self, vectors: Mapping[str, np.ndarray]) -> pd.DataFrame:
        """A table keyed by ``region[, year]`` from stacked per-row vectors."""
        rows = np.arange(self.n_years * self.n_regions)
        out = {"region": self.regions.to_numpy()[rows % self.n_regions]}
        if self.has_year:
            out["year"] = self.years.to_numpy()[rows // self.n_regions]
        out.update({k: np.asarray(v).ravel() for k, v in vectors.items()})
        return pd.DataFrame(out)

    def activity_frame(self, matrices: Mapping[str, np.ndarray]) -> pd.DataFrame:
        """A table keyed by ``activity[, year]`` from ``(n_years, n_activities)`` arrays."""
        t, a = np.divmod(np.arange(self.n_years * self.n_activities), self.n_activities)
        out = {"activity": self.activities.to_numpy()[a]}
        if self.has_year:
            out["year"] = self.years.to_numpy()[t]
        out.update({k: np.asarray(v).reshape(-1) for k, v in matrices.items()})
        return pd.DataFrame(out)


def _factorize_sorted(
    column: pd.Series, keep: np.ndarray, everything: bool
) -> tuple[np.ndarray, pd.Index]:
    """``pandas.factorize(column[keep], sort=True)``, without turning text held in Arrow (or
    a categorical) into millions of Python strings: the column is factorized as it is held,
    and only the distinct values are sorted."""
    if not everything:
        column = column[keep]
    if isinstance(column.dtype, pd.CategoricalDtype):
        codes, uniques = column.cat.codes.to_numpy(), pd.Index(column.cat.categories)
    elif hasattr(column.array, "__arrow_array__"):
        codes, uniques = pd.factorize(column)
    else:
        return pd.factorize(column.to_numpy(), sort=True)
    if (codes < 0).any():
        raise ValidationError(f"column {column.name!r} has missing values")
    order = np.argsort(uniques.to_numpy(), kind="stable")
    if isinstance(column.dtype, pd.CategoricalDtype):  # unused categories are no keys
        used = np.zeros(len(uniques), dtype=bool)
        used[codes] = True
        order = order[used[order]]
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[order] = np.arange(len(order))
    return rank[codes], pd.Index(uniques.take(order))


def _values_at(m: sp.csr_matrix, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Values of a CSR matrix at (row, col) pairs, vectorised (0 where not stored)."""
    m = m.tocsr()
    m.sort_indices()
    out = np.zeros(len(rows))
    if len(rows) == 0:
        return out
    # position of each (row, col) within its row's sorted index slice
    starts = m.indptr[rows]
    ends = m.indptr[rows + 1]
    flat_keys = m.indices.astype(np.int64) + np.repeat(
        np.arange(m.shape[0], dtype=np.int64), np.diff(m.indptr)
    ) * m.shape[1]
    query = cols.astype(np.int64) + rows.astype(np.int64) * m.shape[1]
    pos = np.searchsorted(flat_keys, query)
    pos = np.clip(pos, 0, max(len(flat_keys) - 1, 0))
    found = (len(flat_keys) > 0) & (pos >= starts) & (pos < ends)
    found &= flat_keys[pos] == query if len(flat_keys) else False
    out[found] = m.data[pos[found]]
    return out


def as_panel(
    data: pd.DataFrame | Panel,
    *,
    columns: Mapping[str, str] | None = None,
) -> Panel:
    """Return ``data`` as a :class:`Panel` (a long table is converted, a panel passed through)."""
    if isinstance(data, Panel):
        return data
    return Panel.from_frame(data, columns=columns)
