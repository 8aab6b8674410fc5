"""The learned partner ranker on the full CORDIS H2020 data: training time and memory, list latency.

Prints the time (wall and CPU) and peak memory of training the ranker on all the data (the model
``smartspec recommend partners`` uses without ``--until``), then, with the model trained, the
time to rank partners for one organisation (with and without ``--explain``-style reasons) and
for a cluster of 25 organisations. Targets: training under 2 minutes and 4 GB, a list under 1 s.

    python benchmarks/bench_partner_ranker.py [--repeat 5] [--until YEAR]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from smartspec.algorithms import link_prediction as lp
from smartspec.algorithms import recommendation as rec
from smartspec.workflows import partners as flows
from smartspec.workflows.partner_data import read_partner_file

DATA = Path(__file__).resolve().parents[1] / "loaders" / "data"


def _child_usage() -> tuple[float, float]:
    """CPU seconds and peak resident GB of the running LightGBM process (Linux /proc)."""
    from smartspec.algorithms import _lightgbm_process as gbm

    proc = gbm._CHILD._proc
    if proc is None:
        return 0.0, 0.0
    stat = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")
    status = Path(f"/proc/{proc.pid}/status").read_text()
    hwm = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    return cpu, hwm / 1024 ** 2


def timed(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return out, statistics.median(times), max(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--until", type=int, default=None)
    args = parser.parse_args()
    t = time.perf_counter()
    data = read_partner_file(args.data / "h2020.csv.gz", args.data / "programme_parts.csv.gz")
    print(f"read {len(data.participations):,} participations: {time.perf_counter() - t:.2f} s")
    with tempfile.TemporaryDirectory() as cache:
        wall, cpu = time.perf_counter(), time.process_time()
        model = flows.learned_model(data.participations, data.topics, data.organisations,
                                    until=args.until, cache_dir=cache)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        # LightGBM trains in a child process (algorithms/_lightgbm_process.py): its CPU
        # and peak memory count too
        child_cpu, child_peak = _child_usage()
        cpu += child_cpu
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 ** 2
        print(f"(this process {peak:.2f} GB peak, the LightGBM process {child_peak:.2f} GB, "
              f"{child_cpu:.1f} s CPU)")
        peak += child_peak
        print(f"training (splits ending {model.until}): {wall:.1f} s wall, {cpu:.1f} s CPU, "
              f"peak memory {peak:.2f} GB ({'ok' if wall < 120 and peak < 4 else 'OVER'} "
              "< 2 min, < 4 GB)")
        wall = time.perf_counter()
        again = flows.learned_model(data.participations, data.topics, data.organisations,
                                    until=args.until, cache_dir=cache)
        print(f"cached model: {time.perf_counter() - wall:.2f} s (trained again: "
              f"{again.trained})")
    index = rec.partner_index(data.participations, data.topics, data.organisations,
                              until=args.until)
    li, med, _ = timed(lambda: lp.link_index(data.participations, data.topics,
                                             data.organisations, until=args.until,
                                             base=index,
                                             year=model.until if args.until is None
                                             else None), 1)
    print(f"ranker index: {len(index.organisations):,} organisations: {med:.2f} s")
    degree = index.degree
    hub = str(index.organisations[int(np.argmax(degree))])
    typical = str(index.organisations[int(np.argsort(degree)[len(degree) // 2])])
    rng = np.random.default_rng(0)
    cluster = [str(x) for x in rng.choice(index.organisations[degree > 0], 25, replace=False)]
    booster = model.booster
    cases = [
        (f"organisation {typical} (median degree {int(np.median(degree))})",
         lambda: lp.recommend_learned(booster, li, typical)),
        (f"organisation {hub} (largest degree {int(degree.max())})",
         lambda: lp.recommend_learned(booster, li, hub)),
        ("organisation + explain (top 20)",
         lambda: lp.explain_learned(booster, li, hub,
                                    lp.recommend_learned(booster, li, hub)["organisation"])),
        ("cluster of 25 members", lambda: lp.recommend_learned(booster, li, cluster)),
    ]
    for label, fn in cases:
        _, med, worst = timed(fn, args.repeat)
        print(f"{label}: median {med * 1000:.0f} ms, max {worst * 1000:.0f} ms "
              f"({'ok' if worst < 1 else 'OVER'} < 1 s)")


if __name__ == "__main__":
    main()
