"""How big the embedded store gets: EXPORTS relationships against time, file size and memory.

For each size (default 1, 3 and 10 million relationships) a separate process writes that many
``(:Region)-[:EXPORTS {year, value}]->(:Product)`` relationships into a new embedded store
(250 regions x 5,000 products x as many years as needed, the trade loader's first-load path:
``Store.upsert_relationships``) and commits; a second process opens the file and runs a
per-year query (value by region of one year) and a read of one year's relationships as the
compute commands do (``results.read_activity``). Prints seconds (wall and CPU for the write;
CPU for the reads), the file size and each process's peak resident memory: past the size
where these stop fitting the machine (or a command's patience), the store of record should be
Neo4j. Figures, not pass/fail::

    python benchmarks/bench_store_size.py
    python benchmarks/bench_store_size.py --sizes 1000000,20000000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N_REGIONS, N_PRODUCTS = 250, 5000


def _write(path: Path, n: int) -> dict:
    import numpy as np
    import pandas as pd

    from smartspec.graph_models.embedded_store import EmbeddedStore

    rng = np.random.default_rng(0)
    per_year = N_REGIONS * N_PRODUCTS
    years = -(-n // per_year)
    cell = np.concatenate([rng.permutation(per_year)[: min(per_year, n - y * per_year)]
                           + y * per_year for y in range(years)])
    y, rest = np.divmod(cell, per_year)
    r, p = np.divmod(rest, N_PRODUCTS)
    regions = np.array([f"R{i:03d}" for i in range(N_REGIONS)], dtype=object)
    products = np.array([f"{i:06d}" for i in range(100000, 100000 + N_PRODUCTS)], dtype=object)
    rows = pd.DataFrame({"start": regions[r], "end": products[p], "year": 1990 + y,
                         "value": rng.lognormal(10, 2, len(cell))})
    start, cpu = time.perf_counter(), time.process_time()
    with EmbeddedStore(path) as store:
        store.create_schema()
        store.upsert_nodes("Region", pd.DataFrame({"code": regions}))
        store.upsert_nodes("Product", pd.DataFrame({"code": products}))
        store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
        written, written_cpu = time.perf_counter() - start, time.process_time() - cpu
        store.commit()
    return {"write_s": written, "write_cpu": written_cpu,
            "commit_s": time.perf_counter() - start - written,
            "commit_cpu": time.process_time() - cpu - written_cpu, "years": int(years)}


def _read(path: Path) -> dict:
    from smartspec.graph_models import results
    from smartspec.graph_models.embedded_store import EmbeddedStore

    clock = time.process_time  # CPU seconds: on a shared machine wall time includes waiting
    start = clock()
    with EmbeddedStore(path) as store:
        opened = clock() - start
        t0 = clock()
        by_region = store.run("MATCH (r:Region)-[e:EXPORTS]->(:Product) WHERE e.year = $y "
                              "RETURN r.code AS region, sum(e.value) AS value", {"y": 1990})
        query = clock() - t0
        t0 = clock()
        year = results.read_activity(store, activity="Product", years=[1990])
        read = clock() - t0
    return {"open_s": opened, "query_s": query, "read_year_s": read, "rows": len(year),
            "regions": len(by_region)}


def _child(mode: str, path: str, n: int) -> None:
    out = _write(Path(path), n) if mode == "write" else _read(Path(path))
    out["rss_gb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(json.dumps(out))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,3000000,10000000")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(args.child[0], args.child[1], int(args.child[2]))
        return
    print(f"python {sys.executable}; {os.cpu_count()} CPUs")
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            graph = Path(tmp) / "graph.kgl"
            runs = {}
            for mode in ("write", "read"):
                proc = subprocess.run([sys.executable, __file__, "--child", mode, str(graph),
                                       str(n)], capture_output=True, text=True)
                if proc.returncode:
                    raise SystemExit(proc.stderr[-2000:])
                runs[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
            w, r = runs["write"], runs["read"]
            print(f"{n:>12,} EXPORTS ({w['years']} years): write {w['write_s']:.1f} s "
                  f"(CPU {w['write_cpu']:.1f}) + commit {w['commit_s']:.1f} s (CPU "
                  f"{w['commit_cpu']:.1f}), peak RSS {w['rss_gb']:.2f} GB; file "
                  f"{graph.stat().st_size / 2**20:,.0f} MB; CPU s: open {r['open_s']:.1f}, one "
                  f"year's value by region {r['query_s']:.2f}, read one year "
                  f"({r['rows']:,} rows) {r['read_year_s']:.1f}; peak RSS {r['rss_gb']:.2f} GB",
                  flush=True)


if __name__ == "__main__":
    main()
