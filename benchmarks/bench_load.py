"""Load benchmark: world trade 2017 (176,971 export values) into each store, printing rows/s.

Run from the repository root::

    python benchmarks/bench_load.py              # both stores (starts a throw-away Neo4j)
    python benchmarks/bench_load.py --store embedded

For Neo4j it uses the server named by NEO4J_URI, or starts the embedded Neo4j 5.26 of
``smartspec db start`` on a free port in a temporary folder (and stops it afterwards). Each store
is timed on a first load into an empty graph and on a second, identical load (idempotent: the
counts must not change). Reading and validating the file is timed separately.

A Java server runs slowly until its JIT compiler has compiled the hot code: the first load
after a server start is timed on its own ("cold server"). Then the graph is emptied and loaded
again until the server is warm, and the figures of a warm server are the medians of
``--repeat`` more rounds (empty graph, first load, second load). For the server it starts, the
benchmark reads the CPU time of the JVM's compiler threads from /proc: warm means they took
less than 10% of the server's CPU during a load (at least ``--warmup`` loads, at most
``--max-warmup``); each warm-up load is printed with that share. For a server named by
NEO4J_URI it does ``--warmup`` loads. The embedded store has no warm-up; its rounds start from
a new file.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import tempfile
import time
from pathlib import Path

from smartspec.graph_models import neo4j_server
from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.graph_models.neo4j_store import Neo4jStore, default_writers
from smartspec.loaders.datasets import world_trade_2017
from smartspec.loaders.trade import write_trade


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _time_loads(open_store, table) -> tuple[float, float, dict]:
    """Seconds of a first and an identical second load, and the counts after each."""
    times, counts = [], []
    for _ in range(2):
        with open_store() as store:
            start = time.perf_counter()
            write_trade(store, table)
            store.commit()
            times.append(time.perf_counter() - start)
            c = store.counts()
            counts.append(dict(zip(c["name"], c["count"], strict=True)))
    assert counts[0] == counts[1], "a second load changed the counts"
    return times[0], times[1], counts[1]


def _report(name: str, label: str, table, seconds: float, counts: dict | None = None) -> None:
    n = len(table.data)
    text = f"{name:<9} {label:<30} {seconds:7.2f} s  {n / seconds:>10,.0f} relationships/s"
    if counts is not None:
        text += (
            f"  (EXPORTS={counts.get('EXPORTS', 0):,}, Region={counts.get('Region', 0)}, "
            f"Product={counts.get('Product', 0):,})"
        )
    print(text, flush=True)


def _rounds(name: str, table, open_store, empty, repeat: int) -> None:
    firsts, seconds, counts = [], [], {}
    for _ in range(repeat):
        empty()
        first, second, counts = _time_loads(open_store, table)
        firsts.append(first)
        seconds.append(second)
    n = f" (median of {repeat})" if repeat > 1 else ""
    _report(name, f"first load{n}", table, statistics.median(firsts), counts)
    _report(name, f"second load{n}", table, statistics.median(seconds))


class _ServerCPU:
    """CPU seconds of a local JVM, all threads and its JIT compiler threads, from /proc."""

    def __init__(self, pid: int) -> None:
        self.tasks = Path(f"/proc/{pid}/task")
        self.tick = os.sysconf("SC_CLK_TCK")

    def read(self) -> tuple[float, float]:
        total = compiler = 0.0
        for task in self.tasks.iterdir():
            try:
                stat = (task / "stat").read_text()
            except OSError:  # a thread that ended meanwhile
                continue
            name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat.rsplit(")", 1)[1]
            seconds = sum(int(v) for v in fields.split()[11:13]) / self.tick  # utime + stime
            total += seconds
            if name.startswith(("C1 Compiler", "C2 Compiler")):
                compiler += seconds
        return total, compiler


def _machine_reference() -> float:
    """Seconds for 10 million pure-Python additions: how fast this machine is right now.

    Shared and virtual machines change speed from hour to hour (this one by a factor of two);
    printing this next to the figures lets runs be compared.
    """
    start = time.perf_counter()
    total = 0
    for i in range(10_000_000):
        total += i
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["both", "embedded", "neo4j"], default="both")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds (median)")
    parser.add_argument("--warmup", type=int, default=3, help="Neo4j warm-up loads, at least")
    parser.add_argument("--max-warmup", type=int, default=12, help="Neo4j warm-up loads, at most")
    args = parser.parse_args()

    start = time.perf_counter()
    table = world_trade_2017()
    read_s = time.perf_counter() - start
    print(f"read + validate {table.path.name}: {read_s:.2f} s, {len(table.data):,} values")
    print(
        f"{os.cpu_count()} CPUs; Neo4j writers: {default_writers()}; machine reference: "
        f"10M Python additions in {_machine_reference():.2f} s"
    )

    if args.store in ("both", "embedded"):
        with tempfile.TemporaryDirectory() as tmp:
            graph = Path(tmp) / "graph.kgl"
            _rounds(
                "embedded",
                table,
                lambda: EmbeddedStore(graph),
                lambda: graph.unlink(missing_ok=True),
                args.repeat,
            )

    if args.store in ("both", "neo4j"):
        uri = os.environ.get("NEO4J_URI")
        home = cpu = None
        if not uri:
            home = Path(tempfile.mkdtemp(prefix="smartspec-bench-neo4j-"))
            server = neo4j_server.start(port=_free_port(), home=home)
            uri, cpu = server.uri, _ServerCPU(server.pid)
        try:
            def open_neo4j() -> Neo4jStore:
                return Neo4jStore(uri=uri)

            def empty() -> None:
                with open_neo4j() as store:
                    store.run("MATCH (n) DETACH DELETE n", write=True)

            empty()
            first, second, counts = _time_loads(open_neo4j, table)
            _report("neo4j", "first load, cold server", table, first, counts)
            _report("neo4j", "second load, cold server", table, second)
            for n in range(1, max(args.warmup, args.max_warmup if cpu else 0) + 1):
                empty()
                before = cpu.read() if cpu else None
                first, second, _ = _time_loads(open_neo4j, table)
                if cpu is None:
                    if n >= args.warmup:
                        break
                    continue
                total, compiler = (a - b for a, b in zip(cpu.read(), before, strict=True))
                share = compiler / total if total else 0.0
                print(f"neo4j     warm-up {n}: first load {first:.2f} s, second {second:.2f} s; "
                      f"JIT compiler threads {share:.0%} of the server's CPU", flush=True)
                if n >= args.warmup and share < 0.10:
                    break
            _rounds("neo4j", table, open_neo4j, empty, args.repeat)
        finally:
            if home is not None:
                neo4j_server.stop(home=home)


if __name__ == "__main__":
    main()
