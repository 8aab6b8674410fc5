"""The Neo4j store: the store of record, through the official driver.

Settings come from the usual environment variables ``NEO4J_URI`` (default
``bolt://127.0.0.1:7687``), ``NEO4J_USER`` (``neo4j``), ``NEO4J_PASSWORD`` and ``NEO4J_DATABASE``
(the server's default database when unset). Every batch is one managed write transaction, which
the driver retries on transient errors (deadlocks, leader changes, lost connections).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

import pandas as pd

from .store import Store, StoreError

__all__ = ["Neo4jStore", "DEFAULT_URI"]

DEFAULT_URI = "bolt://127.0.0.1:7687"


class Neo4jStore(Store):
    """A Neo4j database reached over Bolt.

    Parameters
    ----------
    uri, user, password, database : str, optional
        Connection settings; default to the ``NEO4J_*`` environment variables.
    """

    kind = "neo4j"

    def __init__(
        self,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
    ) -> None:
        import neo4j
        from neo4j.exceptions import AuthError, ServiceUnavailable

        self._neo4j = neo4j
        self.uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
        user = user or os.environ.get("NEO4J_USER") or "neo4j"
        password = password if password is not None else os.environ.get("NEO4J_PASSWORD", "")
        self.database = database or os.environ.get("NEO4J_DATABASE") or None
        try:
            # server notifications (e.g. "unknown relationship type PATENTS" before any patent
            # is loaded) would be logged on stderr for every query; smartspec reports no such
            # advice, and the embedded store is silenced the same way
            self._driver = neo4j.GraphDatabase.driver(
                self.uri,
                auth=(user, password),
                connection_timeout=10,
                notifications_min_severity="OFF",
            )
            self._driver.verify_connectivity()
        except (ServiceUnavailable, OSError) as exc:
            self.close()
            raise StoreError(f"Neo4j is unreachable at {self.uri}: {_first_line(exc)}") from exc
        except AuthError as exc:
            self.close()
            raise StoreError(f"Neo4j at {self.uri} refused the credentials of {user!r}") from exc
        except Exception as exc:  # invalid URI schemes and the like
            self.close()
            raise StoreError(f"cannot connect to Neo4j at {self.uri}: {_first_line(exc)}") from exc

    def describe(self) -> str:
        db = f" database {self.database}" if self.database else ""
        return f"Neo4j {self.uri}{db}"

    def _session(self, write: bool):
        mode = self._neo4j.WRITE_ACCESS if write else self._neo4j.READ_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def run(
        self, query: str, parameters: dict[str, Any] | None = None, *, write: bool = False
    ) -> pd.DataFrame:
        def work(tx):
            result = tx.run(query, parameters or {})
            keys = list(result.keys())
            return keys, [r.values() for r in result]

        from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

        try:
            with self._session(write) as session:
                if query.lstrip().upper().startswith(("CREATE CONSTRAINT", "CREATE INDEX", "SHOW")):
                    # schema commands and SHOW run in auto-commit transactions
                    result = session.run(query, parameters or {})
                    keys = list(result.keys())
                    records = [r.values() for r in result]
                else:
                    runner = session.execute_write if write else session.execute_read
                    keys, records = runner(work)
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreError(f"Neo4j is unreachable at {self.uri}: {_first_line(exc)}") from exc
        except Neo4jError as exc:
            raise StoreError(f"{exc.code}: {exc.message}") from exc
        return pd.DataFrame.from_records(records, columns=keys)

    def write_batches(
        self,
        query: str,
        batch_iter: Iterable[list[dict[str, Any]]],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> None:
        from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

        def work(tx, rows):
            tx.run(query, {"rows": rows}).consume()

        try:
            with self._session(True) as session:
                for batch in batch_iter:
                    session.execute_write(work, list(batch))
                    if on_batch:
                        on_batch(len(batch))
        except (ServiceUnavailable, SessionExpired) as exc:
            raise StoreError(f"Neo4j is unreachable at {self.uri}: {_first_line(exc)}") from exc
        except Neo4jError as exc:
            raise StoreError(f"{exc.code}: {exc.message}") from exc

    def close(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()
            self._driver = None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
