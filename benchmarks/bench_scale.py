"""How time and memory of one year's matrix work grow with regions x activities.

Run from the repository root::

    python benchmarks/bench_scale.py                   # the default sizes
    python benchmarks/bench_scale.py --sizes 200x5000:0.4 1000x10000:0.1
    python benchmarks/bench_scale.py --limit-gb 12     # let a step use more memory

Each size is ``REGIONSxACTIVITIES:FILL`` (the share of region-activity cells with a value; the
defaults go from a trade-like 200 x 5,000 at 40% to a firm-level-like 5,000 x 50,000 at 0.4%).
The values are made with heavy tails on both axes (a few large regions, a few common
activities), as real firm, patent and trade tables have. Every step runs in a fresh Python
process with its address space capped at ``--limit-gb`` (so a step that does not fit fails
with MemoryError instead of swapping a shared machine), and prints its time and its peak
resident memory (the whole process: Python, the input table and the step's own arrays):

* ``input``: the long table ``region, activity, value`` and the sparse panel made from it;
* ``complexity``: RCA, M and ECI/PCI (:func:`smartspec.algorithms.complexity.complexity`),
  sparse throughout;
* ``proximity``: the dense activity x activity proximity of M
  (:func:`smartspec.algorithms.relatedness.proximity_matrix`), ``8 n^2`` bytes;
* ``density``: relatedness density of every region and activity
  (:func:`smartspec.algorithms.relatedness.density`): proximity, ``M phi`` and a dense
  ``region x activity`` table.

The estimate printed for a step that did not fit is its dense arrays alone.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

STEPS = ("input", "complexity", "proximity", "density")
DEFAULT_SIZES = ("200x5000:0.4", "1000x10000:0.1", "2000x20000:0.02", "5000x50000:0.004")


def parse_size(text: str) -> tuple[int, int, float]:
    shape, _, fill = text.partition(":")
    regions, activities = (int(x) for x in shape.lower().split("x"))
    return regions, activities, float(fill or 0.1)


def make_table(regions: int, activities: int, fill: float, seed: int = 0) -> pd.DataFrame:
    """A long table with about ``fill * regions * activities`` positive values."""
    rng = np.random.default_rng(seed)
    n = int(fill * regions * activities)
    size = rng.pareto(1.2, regions) + 1  # a few large regions
    common = rng.pareto(1.0, activities) + 1  # a few common activities
    r = rng.choice(regions, n, p=size / size.sum())
    a = rng.choice(activities, n, p=common / common.sum())
    cells = np.unique(r.astype(np.int64) * activities + a)
    r, a = cells // activities, cells % activities
    return pd.DataFrame({
        "region": pd.Categorical.from_codes(r, [f"R{i:05d}" for i in range(regions)]).astype(str),
        "activity": pd.Categorical.from_codes(a, [f"A{i:06d}" for i in range(activities)])
        .astype(str),
        "value": rng.lognormal(3, 2, len(cells)),
    })


def one(size: str, step: str) -> dict:
    """Run ``step`` on ``size`` in this process; its seconds, peak memory and cells."""
    from smartspec.algorithms.complexity import complexity
    from smartspec.algorithms.panel import Panel
    from smartspec.algorithms.relatedness import density, proximity_matrix
    from smartspec.algorithms.specialisation import binary_matrix, rca_matrix

    regions, activities, fill = parse_size(size)
    table = make_table(regions, activities, fill)
    began = time.perf_counter()
    panel = Panel.from_frame(table)
    if step == "complexity":
        began = time.perf_counter()
        complexity(panel)
    elif step == "proximity":
        began = time.perf_counter()
        m = binary_matrix(rca_matrix(panel))
        proximity_matrix(m)
    elif step == "density":
        began = time.perf_counter()
        density(panel)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak, "cells": len(table)}


def estimate_gb(regions: int, activities: int, step: str) -> float:
    """Dense arrays of a step, in GB (float64)."""
    if step == "proximity":
        return 8 * activities**2 / 1e9
    if step == "density":
        return 8 * (activities**2 + 3 * regions * activities) / 1e9
    return 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument("--steps", nargs="+", default=list(STEPS), choices=STEPS)
    parser.add_argument("--limit-gb", type=float, default=8.0,
                        help="address-space cap of each step's process (GB)")
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "STEP"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        limit = int(args.limit_gb * 2**30)
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        print(json.dumps(one(*args.one)))
        return

    print(f"{'size':>16} {'cells':>11} {'step':>11} {'seconds':>9} {'peak MB':>9}  note")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    for size in args.sizes:
        regions, activities, _ = parse_size(size)
        for step in args.steps:
            cmd = [sys.executable, __file__, "--one", size, step, "--limit-gb",
                   str(args.limit_gb)]
            done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
            label = f"{regions:,}x{activities:,}"
            if done.returncode == 0:
                r = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"{label:>16} {r['cells']:>11,} {step:>11} {r['seconds']:>9.2f} "
                      f"{r['peak_mb']:>9,.0f}", flush=True)
            else:
                last = (done.stderr.strip().splitlines() or ["?"])[-1][:60]
                est = estimate_gb(regions, activities, step)
                print(f"{label:>16} {'':>11} {step:>11} {'-':>9} {'-':>9}  did not fit in "
                      f"{args.limit_gb:g} GB ({last}); dense arrays alone ~{est:,.1f} GB",
                      flush=True)


if __name__ == "__main__":
    main()
