"""The Cypher query library and ad-hoc Cypher on a store, read-only unless asked to write."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..cypher import library
from ..graph_models.store import Store

__all__ = ["list_queries", "run_query", "run_cypher"]


def list_queries() -> pd.DataFrame:
    """The library's queries: name, mode (read / write), parameters (optional ones in
    brackets) and description (the first sentence).

    >>> queries = list_queries().set_index("name")
    >>> queries.loc["region_specialisations", ["mode", "parameters"]].tolist()
    ['read', 'region year [activity] [limit]']
    """
    rows = [
        {
            "name": q.name,
            "mode": q.mode,
            "parameters": " ".join(p.name if p.required else f"[{p.name}]" for p in q.parameters),
            "description": q.summary,
        }
        for q in library.queries()
    ]
    return pd.DataFrame(rows, columns=["name", "mode", "parameters", "description"])


def run_query(store: Store, name: str, parameters: Mapping[str, Any] | None = None, *,
              write: bool = False, timeout: float | None = None) -> pd.DataFrame:
    """Run the library query ``name`` with ``parameters`` (checked against its header: types,
    required ones, bounds, choices; text is converted as on the command line). A query whose
    mode is write runs only with ``write=True``. ``timeout``: seconds (None: the store's).

    Raises :class:`smartspec.cypher.library.QueryError` (unknown query, bad parameter, a write
    query without ``write``)."""
    q = library.get(name)
    q.bind(parameters)  # parameter errors before anything runs
    return _timed(store, timeout, lambda: library.run(store, q, parameters, write=write))


def run_cypher(store: Store, text: str, parameters: Mapping[str, Any] | None = None, *,
               write: bool = False, timeout: float | None = None) -> pd.DataFrame:
    """Run a Cypher statement with ``$name`` parameters, read-only unless ``write=True``: the
    store's engine refuses a write (Neo4j plans it first; kglite runs in its read-only mode)
    with a :class:`smartspec.cypher.library.QueryError` before anything changes."""
    return _timed(store, timeout,
                  lambda: library.run_cypher(store, text, parameters, write=write))


def _timed(store: Store, timeout: float | None, call):
    if timeout is None:
        return call()
    before = store.query_timeout
    store.query_timeout = timeout
    try:
        return call()
    finally:
        store.query_timeout = before
