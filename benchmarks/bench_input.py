"""``smartspec compute complexity --input`` on a big panel, as a whole command, against peers.

Makes (once, cached) the synthetic panel of :mod:`bench_engine` -- 200 regions x 5,000
activities x 10 years, half the cells observed, about 5 M rows, fixed seed -- as a gzipped CSV
(``region,activity,year,value``) and as Parquet, then times, each as a separate process under
``/usr/bin/time -v`` (wall time and peak resident memory of the whole command, Python start-up
and imports included):

- ``smartspec compute complexity --input panel.csv.gz --format csv --output ...`` (and the
  Parquet file);
- the peers, reading the same CSV with pandas and computing year by year as their
  documentation shows: ``ecomplexity`` (Growth Lab, ``ecomplexity(df, cols)`` then
  ``proximity``) and ``economic-complexity`` (OEC: RCA, ECI/PCI, proximity, relatedness,
  opportunity gain on each year's pivoted table).

``--repeat N`` runs each command N times (best and median printed). Figures, not pass/fail;
on a shared machine other processes move them::

    python benchmarks/bench_input.py                      # smartspec and both peers
    python benchmarks/bench_input.py --peers none --repeat 3
    python benchmarks/bench_input.py --regions 50 --activities 1000 --years 3   # quick
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """Where generated benchmark files are cached: ``$SMARTSPEC_BENCH_DATA`` or the user's
    cache folder."""
    default = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "smartspec-bench"
    path = Path(os.environ.get("SMARTSPEC_BENCH_DATA", default))
    path.mkdir(parents=True, exist_ok=True)
    return path


def make_panel(n_regions: int, n_activities: int, n_years: int) -> tuple[Path, Path]:
    """The panel as ``.csv.gz`` and ``.parquet`` (made once; the same rows as bench_engine)."""
    import gzip

    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    sys.path.insert(0, str(HERE))
    from bench_engine import synthetic_panel

    stem = data_dir() / f"panel_{n_regions}x{n_activities}x{n_years}"
    csv_path, pq_path = stem.with_suffix(".csv.gz"), stem.with_suffix(".parquet")
    if csv_path.exists() and pq_path.exists():
        return csv_path, pq_path
    start = time.perf_counter()
    df = synthetic_panel(n_regions, n_activities, n_years)
    table = pa.Table.from_pandas(df, preserve_index=False)
    tmp = csv_path.with_name(csv_path.name + ".tmp")
    with gzip.open(tmp, "wb", compresslevel=6) as fh:
        pacsv.write_csv(table, fh, pacsv.WriteOptions(quoting_style="none"))
    tmp.rename(csv_path)
    pq.write_table(table, pq_path)
    print(f"made {csv_path.name} ({csv_path.stat().st_size / 2**20:.0f} MB) and {pq_path.name} "
          f"({pq_path.stat().st_size / 2**20:.0f} MB): {len(df):,} rows in "
          f"{time.perf_counter() - start:.1f} s", flush=True)
    return csv_path, pq_path


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Run ``cmd`` under ``/usr/bin/time -v``: ``(wall seconds, peak RSS in GB, stderr)``.

    The CPU seconds of the command (user + system, all its threads) are in :data:`CPU` after
    the call: on a machine shared with other work the wall time includes waiting for a core,
    the CPU time does not (a multithreaded reader's CPU time can exceed its wall time).
    """
    full = ["/usr/bin/time", "-v", *cmd]
    start = time.perf_counter()
    proc = subprocess.run(full, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    cpu = [float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)",
                                        proc.stderr)]
    CPU.append(sum(cpu))
    return wall, (int(rss.group(1)) / 2**20 if rss else float("nan")), proc.stderr


#: CPU seconds of each command run by :func:`timed`, in order.
CPU: list[float] = []

PEER_ECOMPLEXITY = """
import sys, warnings
import pandas as pd
from ecomplexity import ecomplexity, proximity
warnings.simplefilter("ignore")
df = pd.read_csv(sys.argv[1], dtype={"region": str, "activity": str})
cols = {"time": "year", "loc": "region", "prod": "activity", "val": "value"}
out = ecomplexity(df, cols)          # RCA, M, diversity, ubiquity, ECI, PCI, density, COI, COG
prox = proximity(df, cols)
print(len(out), len(prox))
"""

PEER_OEC = """
import sys, types
import numpy as np
import pandas as pd
import economic_complexity as ec
from economic_complexity import product_space
df = pd.read_csv(sys.argv[1], dtype={"region": str, "activity": str})
# economic-complexity 0.3.0 fills the proximity diagonal in place, which pandas 3
# (copy-on-write) refuses: skip that write and zero the diagonal on a copy
shim = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("_")})
shim.fill_diagonal = lambda *a, **k: None
product_space.np = shim
n = 0
for year, g in df.groupby("year"):
    tbl = g.pivot(index="region", columns="activity", values="value")
    rcas = ec.rca(tbl)
    eci, pci = ec.complexity(rcas)
    phi = ec.proximity(rcas)
    values = phi.to_numpy().copy()
    np.fill_diagonal(values, 0)
    prox = pd.DataFrame(values, index=phi.index, columns=phi.columns)
    dens = ec.relatedness(rcas, proximities=prox)
    gain = ec.opportunity_gain(rcas, pci=pci, proximities=prox)
    n += len(eci)
print(n)
"""


def _summary(name: str, walls: list[float], rss: list[float]) -> float:
    best, med = min(walls), statistics.median(walls)
    runs = ", ".join(f"{w:.2f}" for w in walls)
    cpu = ", ".join(f"{c:.2f}" for c in CPU[-len(walls):])
    print(f"{name:<44} best {best:7.2f} s  median {med:7.2f} s  peak RSS {max(rss):.2f} GB"
          f"   (wall: {runs}; CPU: {cpu})", flush=True)
    return med


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=200)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=2, help="runs of each command")
    parser.add_argument("--peers", choices=["both", "ecomplexity", "economic-complexity",
                                            "none"], default="both")
    parser.add_argument("--peer-repeat", type=int, default=1, help="runs of each peer")
    parser.add_argument("--no-parquet", action="store_true", help="time the CSV input only")
    args = parser.parse_args()
    csv_path, pq_path = make_panel(args.regions, args.activities, args.years)
    print(f"panel: {args.regions} regions x {args.activities} activities x {args.years} years, "
          f"{csv_path} ({csv_path.stat().st_size / 2**20:.0f} MB)")
    print(f"python: {sys.executable}; {os.cpu_count()} CPUs", flush=True)
    medians: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "SMARTSPEC_HOME": tmp}
        inputs = [("csv.gz", csv_path)] + ([] if args.no_parquet else [("parquet", pq_path)])
        for kind, path in inputs:
            walls, rss = [], []
            for _ in range(args.repeat):
                out = Path(tmp) / "eci.csv"
                wall, peak, _ = timed(
                    [sys.executable, "-m", "smartspec.cli.main", "compute", "complexity",
                     "--input", str(path), "--format", "csv", "--output", str(out)], env)
                walls.append(wall)
                rss.append(peak)
            medians[kind] = _summary(f"smartspec compute complexity --input {kind}", walls, rss)
        peers = {"ecomplexity": PEER_ECOMPLEXITY, "economic-complexity": PEER_OEC}
        chosen = list(peers) if args.peers == "both" else [] if args.peers == "none" else [
            args.peers]
        for name in chosen:
            walls, rss = [], []
            for _ in range(args.peer_repeat):
                wall, peak, _ = timed([sys.executable, "-c", peers[name], str(csv_path)], env)
                walls.append(wall)
                rss.append(peak)
            medians[name] = _summary(f"{name} (read_csv + loop over years)", walls, rss)
    if chosen:
        fastest = min(chosen, key=lambda n: medians[n])
        print(f"fastest peer: {fastest}, {medians[fastest]:.1f} s; smartspec (csv.gz) is "
              f"{medians[fastest] / medians['csv.gz']:.1f}x faster (medians, whole commands)")


if __name__ == "__main__":
    main()
