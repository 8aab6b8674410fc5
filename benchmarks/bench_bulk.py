"""Bulk first load of a BACI-size year into Neo4j (``load trade --bulk``), printing relationships/s.

Run from the repository root::

    python benchmarks/bench_bulk.py                  # 9 M rows, one year, HS6
    python benchmarks/bench_bulk.py --rows 2000000   # smaller
    python benchmarks/bench_bulk.py --years 5        # 5 years of 9 M rows each: a panel
    python benchmarks/bench_bulk.py --cli            # also time the whole CLI command
    python benchmarks/bench_bulk.py --file BACI_HS92_Y2021_V202301.csv   # a file of your own

The data are made in BACI's layout (``t,i,j,k,v,q``: year, exporter and importer as numeric
country codes, HS92 6-digit product, value in thousands of USD and quantity, padded with spaces
as CEPII writes them) by :func:`make_baci`, and kept in ``--cache`` (default: the system's
temporary folder) for the next run. The file is read with ``read_trade(layout="baci",
level=6)`` (exports summed over importers), then loaded by :func:`smartspec.graph_models.bulk.
first_load` into a throw-away local server (own home, free port), which is stopped, imported
into with ``neo4j-admin database import full`` and started again. Printed: the time of each
step, relationships/s of the importer alone and of the whole bulk step (files, stop, import,
start, schema), and a check that the totals read back are the file's.

The importer and the server start have fixed costs of several seconds (two Java start-ups,
the server's recovery and index population), so relationships/s grow with the size of the load;
``--years`` loads a panel of that many years in one import.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from smartspec.graph_models import bulk, neo4j_server
from smartspec.graph_models.neo4j_store import Neo4jStore
from smartspec.loaders.classifications import _product_table
from smartspec.loaders.trade import numeric_country_codes, read_trade, write_trade


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_baci(path: Path, rows: int, years: list[int], seed: int = 0) -> None:
    """Write ``rows`` bilateral HS6 rows per year in BACI's layout to ``path``.

    Exporters and importers are the numeric codes of the built-in table; an exporter's number
    of (importer, product) rows follows a log-normal size, products are the HS92 6-digit codes
    of the shipped reference. Values in thousands of USD with three decimals, padded to 12
    characters as in CEPII's files.
    """
    rng = np.random.default_rng(seed)
    # one numeric code per country (the built-in table also maps former codes, 280 -> DEU)
    by_country = {a3: code for code, a3 in sorted(numeric_country_codes().items(),
                                                  key=lambda kv: int(kv[0]))}
    countries = np.array(sorted(by_country.values(), key=int), dtype=object)[:230]
    products = _product_table("HS92")
    hs6 = products.loc[products["code"].str.len() == 6, "code"].to_numpy(dtype=object)
    size = rng.lognormal(0, 1.5, len(countries))
    p_exp = size / size.sum()
    pop = rng.lognormal(0, 1.0, len(hs6))
    p_prod = pop / pop.sum()
    with open(path, "w", encoding="ascii") as fh:
        fh.write("t,i,j,k,v,q\n")
        for year in years:
            left = rows
            while left:
                n = min(left, 1_000_000)
                frame = pd.DataFrame({
                    "t": year,
                    "i": countries[rng.choice(len(countries), n, p=p_exp)],
                    "j": countries[rng.integers(0, len(countries), n)],
                    "k": hs6[rng.choice(len(hs6), n, p=p_prod)],
                    "v": rng.lognormal(3, 2, n),
                    "q": rng.lognormal(2, 2, n),
                })
                frame = frame[frame["i"] != frame["j"]]
                frame.to_csv(fh, header=False, index=False, float_format="%12.3f")
                left -= n


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=9_000_000, help="bilateral rows per year")
    parser.add_argument("--years", type=int, default=1, help="years in the file (a panel)")
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--file", type=Path,
                        help="a BACI file to load instead (e.g. the one benchmarks/bench_baci.py "
                        "makes)")
    parser.add_argument("--cli", action="store_true",
                        help="also run `smartspec load trade --bulk` as a whole command")
    args = parser.parse_args()

    years = list(range(2021 - args.years + 1, 2022))
    path = args.file or args.cache / f"BACI_HS92_Y{years[-1]}_bench_{args.rows}x{args.years}.csv"
    if not path.exists():
        began = time.perf_counter()
        make_baci(path, args.rows, years)
        print(f"made {path} ({path.stat().st_size / 1e9:.2f} GB) in "
              f"{time.perf_counter() - began:.1f} s")
    else:
        print(f"using {path} ({path.stat().st_size / 1e9:.2f} GB)")

    began = time.perf_counter()
    table = read_trade(path, layout="baci", level=6)
    read_s = time.perf_counter() - began
    print(f"read: {len(table.data):,} exports (exporter x HS6 x year) from {path.name} in "
          f"{read_s:.1f} s (peak {_peak_mb():,.0f} MB so far)")

    home = Path(tempfile.mkdtemp(prefix="bench-bulk-", dir=args.cache)) / "neo4j"
    info = neo4j_server.start(port=_free_port(), home=home, timeout=600)
    try:
        began = time.perf_counter()
        with bulk.first_load(uri=info.uri, home=home) as store:
            written = write_trade(store, table)
        total_s = time.perf_counter() - began
        report = store.report
        assert report is not None
        rels = report.relationships
        print(f"recorded the load (names, hierarchy, exports): {report.record_seconds:.1f} s")
        print(f"import files: {report.files_seconds:.1f} s")
        print(f"server stop: {report.stop_seconds:.1f} s, start: {report.start_seconds:.1f} s")
        print(f"neo4j-admin import: {report.import_seconds:.1f} s for {report.nodes:,} nodes and "
              f"{rels:,} relationships: {rels / report.import_seconds:,.0f} relationships/s; "
              f"importing (its own count, without its start-up) {report.importer_seconds:.1f} "
              f"s: {rels / report.importer_seconds:,.0f} relationships/s")
        log = (home / "bulk-import.log").read_text(errors="replace").splitlines()
        for line in log:
            if "COMPLETED in" in line or "Peak memory" in line:
                print("   ", line.strip())
        print(f"schema (constraints, indexes online): {report.schema_seconds:.1f} s")
        print(f"bulk step (files + stop + import + start + schema): {report.seconds:.1f} s: "
              f"{rels / report.seconds:,.0f} relationships/s")
        print(f"from the table to a serving database: {total_s:.1f} s: "
              f"{rels / total_s:,.0f} relationships/s; peak memory of this process "
              f"{_peak_mb():,.0f} MB")
        with Neo4jStore(uri=info.uri, password=neo4j_server.local_password(info.uri, home)) as st:
            back = st.run("MATCH ()-[e:EXPORTS]->() RETURN count(e) AS n, sum(e.value) AS v")
        n, v = int(back["n"].iloc[0]), float(back["v"].iloc[0])
        ok = n == written["exports"] and abs(v - table.data["value"].sum()) <= 1e-9 * abs(v)
        print(f"read back: {n:,} exports, total {v:,.0f} USD; the file's: "
              f"{len(table.data):,}, {table.data['value'].sum():,.0f} -> "
              f"{'same' if ok else 'DIFFERENT'}")
        if not ok:
            sys.exit(1)
        if args.cli:
            neo4j_server.stop(home)  # an empty database again: its files removed
            for part in ("databases", "transactions"):
                shutil.rmtree(home / "data" / part / "neo4j")
            info = neo4j_server.start(port=info.port, home=home, timeout=600)
            env = {**os.environ, "NEO4J_URI": info.uri, "SMARTSPEC_HOME": str(home.parent)}
            env.pop("NEO4J_PASSWORD", None)
            cmd = ["/usr/bin/time", "-f", "%e s %M KB", sys.executable, "-m",
                   "smartspec.cli.main", "load", "trade", str(path), "--layout", "baci",
                   "--level", "6", "--bulk"]
            began = time.perf_counter()
            done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
            print("whole command:", " ".join(cmd[3:]))
            print(done.stdout.strip())
            print("time and peak memory:", done.stderr.strip().splitlines()[-1])
    finally:
        neo4j_server.stop(home)


if __name__ == "__main__":
    main()
