"""A 25-year HS6 panel through ``smartspec compute complexity --input``: memory against years.

Makes (once, cached as in :mod:`bench_input`) Parquet panels of BACI HS6 size -- 230 exporters
x 5,000 HS6 products, about 55% of the exporter-product cells observed each year (one BACI
year summed over importers has ~600 k such pairs), lognormal values, fixed seed -- for each
number of years asked (default 5, 10 and 25), then times the whole command on each under
``/usr/bin/time -v``. ``compute complexity`` holds the dense region x activity matrices of one
year at a time (density and COG are needed for COI only; ``compute_all(tables=...)`` without
``density``), so its peak memory grows with the sparse data (the rows read), not with
``years x regions x activities``; the last column says what the dense M, density and COG of all
years would take in float64. Figures, not pass/fail::

    python benchmarks/bench_panel_years.py
    python benchmarks/bench_panel_years.py --years 25 --repeat 2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_input import CPU, data_dir, timed  # noqa: E402


def make_panel(n_regions: int, n_activities: int, n_years: int, share: float = 0.55,
               seed: int = 1) -> tuple[Path, int]:
    """The panel as Parquet (codes dictionary-encoded, as pandas and Arrow write them)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = data_dir() / f"hs6_panel_{n_regions}x{n_activities}x{n_years}.parquet"
    if path.exists():
        return path, pq.ParquetFile(path).metadata.num_rows
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    regions = pa.array([f"R{i:03d}" for i in range(n_regions)])
    products = pa.array([f"{i:06d}" for i in range(10_000, 10_000 + n_activities * 7, 7)])
    size = rng.lognormal(0, 1.5, n_regions)[:, None] * rng.lognormal(0, 1.2, n_activities)
    writer = None
    rows = 0
    for k in range(n_years):
        observed = np.flatnonzero(rng.random(n_regions * n_activities) < share)
        r, a = np.divmod(observed, n_activities)
        value = size[r, a] * rng.lognormal(8, 2, len(observed))
        table = pa.table({
            "region": pa.DictionaryArray.from_arrays(pa.array(r, pa.int32()), regions),
            "activity": pa.DictionaryArray.from_arrays(pa.array(a, pa.int32()), products),
            "year": pa.array(np.full(len(observed), 2000 + k)),
            "value": pa.array(value),
        })
        writer = writer or pq.ParquetWriter(str(path) + ".tmp", table.schema)
        writer.write_table(table)
        rows += len(observed)
    writer.close()
    os.rename(str(path) + ".tmp", path)
    print(f"made {path.name}: {rows:,} rows in {time.perf_counter() - start:.0f} s", flush=True)
    return path, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=230)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--years", default="5,10,25", help="panel lengths, e.g. 5,10,25")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"python {sys.executable}; {os.cpu_count()} CPUs")
    print(f"{'years':>5} {'rows':>12} {'wall s':>8} {'CPU s':>7} {'peak RSS GB':>12} "
          f"{'dense M+density+COG of all years, GB':>38}")
    for n_years in (int(x) for x in args.years.split(",")):
        path, rows = make_panel(args.regions, args.activities, n_years)
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "SMARTSPEC_HOME": tmp}
            for _ in range(args.repeat):
                wall, peak, _ = timed(
                    [sys.executable, "-m", "smartspec.cli.main", "compute", "complexity",
                     "--input", str(path), "--format", "csv", "--output",
                     str(Path(tmp) / "eci.csv")], env)
                dense = 3 * n_years * args.regions * args.activities * 8 / 2**30
                print(f"{n_years:>5} {rows:>12,} {wall:>8.1f} {CPU[-1]:>7.1f} {peak:>12.2f} "
                      f"{dense:>38.2f}", flush=True)


if __name__ == "__main__":
    main()
