"""Load benchmark: world trade 2017 (176,971 export values) into each store, printing rows/s.

Run from the repository root::

    python benchmarks/bench_load.py              # both stores (starts a throw-away Neo4j)
    python benchmarks/bench_load.py --store embedded

For Neo4j it uses the server named by NEO4J_URI, or starts the embedded Neo4j 5.26 of
``smartspec db start`` on a free port in a temporary folder (and stops it afterwards). Each store
is timed on a first load into an empty graph and on a second, identical load (idempotent: the
counts must not change). Reading and validating the file is timed separately.
"""

from __future__ import annotations

import argparse
import os
import socket
import tempfile
import time
from pathlib import Path

from smartspec.graph_models import neo4j_server
from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.graph_models.neo4j_store import Neo4jStore
from smartspec.loaders.datasets import world_trade_2017
from smartspec.loaders.trade import write_trade


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _time_loads(open_store, table) -> list[tuple[str, float, dict]]:
    rows = []
    for label in ("first load", "second load"):
        with open_store() as store:
            start = time.perf_counter()
            write_trade(store, table)
            store.commit()
            elapsed = time.perf_counter() - start
            counts = dict(zip(store.counts()["name"], store.counts()["count"], strict=True))
        rows.append((label, elapsed, counts))
    return rows


def _report(name: str, table, rows) -> None:
    n = len(table.data)
    for label, elapsed, counts in rows:
        print(
            f"{name:<9} {label:<12} {elapsed:7.2f} s  {n / elapsed:>10,.0f} relationships/s  "
            f"(EXPORTS={counts.get('EXPORTS', 0):,}, Region={counts.get('Region', 0)}, "
            f"Product={counts.get('Product', 0):,})"
        )
    assert rows[0][2] == rows[1][2], "a second load changed the counts"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["both", "embedded", "neo4j"], default="both")
    args = parser.parse_args()

    start = time.perf_counter()
    table = world_trade_2017()
    read_s = time.perf_counter() - start
    print(f"read + validate {table.path.name}: {read_s:.2f} s, {len(table.data):,} values")

    if args.store in ("both", "embedded"):
        with tempfile.TemporaryDirectory() as tmp:
            graph = Path(tmp) / "graph.kgl"
            _report("embedded", table, _time_loads(lambda: EmbeddedStore(graph), table))

    if args.store in ("both", "neo4j"):
        uri = os.environ.get("NEO4J_URI")
        home = None
        if not uri:
            home = Path(tempfile.mkdtemp(prefix="smartspec-bench-neo4j-"))
            uri = neo4j_server.start(port=_free_port(), home=home).uri
        try:
            with Neo4jStore(uri=uri) as store:
                store.run("MATCH (n) DETACH DELETE n", write=True)
            _report("neo4j", table, _time_loads(lambda: Neo4jStore(uri=uri), table))
        finally:
            if home is not None:
                neo4j_server.stop(home=home)


if __name__ == "__main__":
    main()
