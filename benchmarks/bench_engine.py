"""Benchmark of the algorithms engine against the OEC's ``economic-complexity`` package.

A synthetic panel of 200 regions x 5,000 activities x 10 years (lognormal values, half the cells
observed, about 5 M rows, fixed seed) runs through the whole pipeline (RCA, M, diversity,
ubiquity, ECI, PCI, Fitness, proximity, density, COI, COG) for every year. Prints wall time and
peak memory (tracemalloc peak of Python allocations, and the process's ru_maxrss), then the same
chain with ``economic-complexity`` (which works on one year's pivoted DataFrame at a time) and
the ratio. Both packages are imported before the clocks start. ``--repeat N`` runs smartspec N
times and reports each run (the best and the median are printed; on a shared machine other
processes move the figures). Figures, not pass/fail:
``python benchmarks/bench_engine.py [--years N] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import gc
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd


def synthetic_panel(n_regions: int, n_activities: int, n_years: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    n_cells = n_regions * n_activities
    frames = []
    size = rng.lognormal(0.0, 1.0, n_regions)[:, None] * rng.lognormal(0.0, 1.0, n_activities)
    for k in range(n_years):
        observed = rng.random(n_cells) < 0.5
        idx = np.flatnonzero(observed)
        r, a = np.divmod(idx, n_activities)
        value = size[r, a] * rng.lognormal(0.0, 1.5, len(idx))
        frames.append(pd.DataFrame({"region": r, "activity": a, "year": 2000 + k,
                                    "value": value}))
    df = pd.concat(frames, ignore_index=True)
    df["region"] = np.char.add("r", df["region"].to_numpy().astype(str))
    df["activity"] = np.char.add("a", df["activity"].to_numpy().astype(str))
    return df


def run_smartspec(df: pd.DataFrame) -> dict:
    from smartspec.algorithms.pipeline import compute_all

    return compute_all(df, min_proximity=0.55)


def _oec_proximity(ec, rcas):
    """economic-complexity 0.3.0 writes the proximity diagonal in place, which pandas 3
    (copy-on-write) refuses: run it with that write skipped, then zero the diagonal on a copy."""
    import types

    from economic_complexity import product_space

    shim = types.SimpleNamespace(**{k: getattr(np, k) for k in dir(np) if not k.startswith("_")})
    shim.fill_diagonal = lambda *a, **k: None
    orig, product_space.np = product_space.np, shim
    try:
        phi = ec.proximity(rcas)
    finally:
        product_space.np = orig
    values = phi.to_numpy().copy()
    np.fill_diagonal(values, 0)
    return pd.DataFrame(values, index=phi.index, columns=phi.columns)


def run_oec(df: pd.DataFrame) -> dict:
    import economic_complexity as ec

    out = {}
    for year, g in df.groupby("year"):
        tbl = g.pivot(index="region", columns="activity", values="value")
        rcas = ec.rca(tbl)
        eci, pci = ec.complexity(rcas)
        prox = _oec_proximity(ec, rcas)
        dens = ec.relatedness(rcas, proximities=prox)
        gain = ec.opportunity_gain(rcas, pci=pci, proximities=prox)
        # diversity / ubiquity and Fitness are not offered: the minimum here is RCA..COG
        m = rcas.ge(1).astype(int)
        out[year] = (m.sum(axis=1), m.sum(axis=0), eci, pci, dens, gain,
                     (dens * (1 - m) * pci).sum(axis=1))
    return out


def measure(fn, df):
    gc.collect()
    tracemalloc.start()
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn(df)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  ({fn.__name__}: CPU time of this process {cpu:.2f} s; the wall time includes "
          "waiting for the cores when other processes run)")
    return result, wall, peak / 2**30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=200)
    parser.add_argument("--activities", type=int, default=5000)
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1, help="runs of smartspec")
    parser.add_argument("--oec-years", type=int, default=None,
                        help="years run through economic-complexity (default: all)")
    args = parser.parse_args()
    df = synthetic_panel(args.regions, args.activities, args.years)
    print(f"panel: {args.regions} regions x {args.activities} activities x {args.years} years, "
          f"{len(df):,} rows")
    import smartspec.algorithms.pipeline  # noqa: F401  (imports outside the clock)

    walls = []
    for _ in range(max(args.repeat, 1)):
        res, wall, peak = measure(run_smartspec, df)
        walls.append(wall)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"smartspec compute_all: {wall:6.2f} s, tracemalloc peak {peak:.2f} GB, "
              f"process max RSS so far {rss:.2f} GB")
        if len(walls) < args.repeat:
            del res
    wall = float(np.median(walls))
    if len(walls) > 1:
        print(f"smartspec over {len(walls)} runs: best {min(walls):.2f} s, median {wall:.2f} s")
    for k, v in res.items():
        print(f"  {k:15s} {len(v):>11,} rows")
    del res
    try:
        import economic_complexity  # noqa: F401  (imported outside the clock)
    except ImportError:
        print("economic-complexity is not installed: no comparison")
        return
    n_oec = args.oec_years or args.years
    sub = df[df["year"] < 2000 + n_oec]
    _, wall_oec, peak_oec = measure(run_oec, sub)
    scaled = wall_oec * args.years / n_oec
    print(f"economic-complexity ({n_oec} of {args.years} years, looping): {wall_oec:6.2f} s, "
          f"tracemalloc peak {peak_oec:.2f} GB; for {args.years} years ~{scaled:.1f} s")
    print(f"ratio (economic-complexity / smartspec median): {scaled / wall:.1f}x "
          "(economic-complexity's run has no Fitness and no proximity table)")


if __name__ == "__main__":
    main()
