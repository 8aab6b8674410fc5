"""Partner recommendation on the full CORDIS H2020 data: build time and list latency.

Prints the time to read the data, to build the projection (``partner_index``) and, once it is
built, to rank partners for one organisation (with and without ``--explain``-style evidence)
and for a cluster of 25 organisations. Target: a list under 2 s.

    python benchmarks/bench_recommend.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from smartspec.algorithms import recommendation as rec
from smartspec.workflows.partner_data import read_partner_file

DATA = Path(__file__).resolve().parents[1] / "loaders" / "data"  # the shipped CORDIS files


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
    args = parser.parse_args()
    t = time.perf_counter()
    data = read_partner_file(args.data / "h2020.csv.gz", args.data / "programme_parts.csv.gz")
    print(f"read {len(data.participations):,} participations: {time.perf_counter() - t:.2f} s")
    index, med, _ = timed(
        lambda: rec.partner_index(data.participations, data.topics, data.organisations), 1
    )
    print(f"projection: {len(index.organisations):,} organisations, "
          f"{index.adjacency.nnz // 2:,} partner pairs, {len(index.topics)} topics: {med:.2f} s")
    degree = index.degree
    hub = str(index.organisations[int(np.argmax(degree))])
    typical = str(index.organisations[int(np.argsort(degree)[len(degree) // 2])])
    rng = np.random.default_rng(0)
    cluster = [str(x) for x in rng.choice(index.organisations[degree > 0], 25, replace=False)]
    cases = [
        (f"organisation {typical} (median degree {int(np.median(degree))})",
         lambda: rec.recommend_partners(index, typical)),
        (f"organisation {hub} (largest degree {int(degree.max())})",
         lambda: rec.recommend_partners(index, hub)),
        ("organisation, international only, firms",
         lambda: rec.recommend_partners(index, hub, international_only=True, types=["firm"])),
        ("organisation + explain (top 20)",
         lambda: rec.explain(index, hub, rec.recommend_partners(index, hub)["organisation"])),
        ("cluster of 25 members", lambda: rec.recommend_partners(index, cluster)),
        ("cluster of 25 + explain (top 20)",
         lambda: rec.explain(index, cluster,
                             rec.recommend_partners(index, cluster)["organisation"])),
    ]
    for label, fn in cases:
        _, med, worst = timed(fn, args.repeat)
        print(f"{label}: median {med * 1000:.0f} ms, max {worst * 1000:.0f} ms "
              f"({'ok' if worst < 2 else 'OVER'} < 2 s)")


if __name__ == "__main__":
    main()
