"""Benchmark of the knowledge-base chain on technologies: RTA, KCI, knowledge space and density.

A synthetic patent panel (fixed seed): 300 regions x 650 technology classes x 20 years. Every
year has ``--patents`` applications (default 20,000); each lists 1-4 distinct classes, drawn
mostly from one of 40 technology fields (so co-classification has structure), and has 1-3
inventor regions with random shares. Fractional counting (inventor share x 1 / classes) gives the
region x class counts. Then, for all 20 years:

- RTA and M (``specialisation.specialisation``),
- KCI / PCI, the eigenvector form (``complexity.complexity``),
- the knowledge space (``clusters.knowledge_space``): co-classification counts normalised by
  association strength (``relatedness.cooccurrence_proximity``),
- relatedness density from that knowledge space (Balland et al.: diagonal 0, percent).

Target: under 10 s for the four steps. ``--loader`` also times the REGPAT loader (write the
synthetic applications as an inventor file and an IPC file, read them back with fractional
counting). Figures, not pass/fail: ``python benchmarks/bench_knowledge.py [--loader]``.
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def class_codes(n: int) -> np.ndarray:
    """``n`` distinct IPC-like subclass codes (A01B ... ), stable across runs."""
    out = []
    for s in "ABCDEFGH":
        for c in range(1, 100):
            for sub in "ABCDEFGHJKLMNPQ":
                out.append(f"{s}{c:02d}{sub}")
                if len(out) == n:
                    return np.array(out)
    raise ValueError(n)


def synthetic(n_regions: int, n_classes: int, n_years: int, n_patents: int, seed: int = 0):
    """Applications (patent, year), their classes and inventor shares; region x class counts."""
    rng = np.random.default_rng(seed)
    codes = class_codes(n_classes)
    n_fields = 40
    field = rng.integers(0, n_fields, n_classes)
    members = [np.flatnonzero(field == f) for f in range(n_fields)]
    popularity = rng.lognormal(0, 1, n_classes)
    region_size = rng.lognormal(0, 1, n_regions)
    region_p = region_size / region_size.sum()
    # regions lean to some fields: a region x field affinity
    affinity = rng.lognormal(0, 1, (n_regions, n_fields))
    total = n_patents * n_years
    year = np.repeat(np.arange(2000, 2000 + n_years), n_patents)
    # classes: 1-4 per application, from its main field with probability 0.8
    k = rng.integers(1, 5, total)
    main_field = rng.integers(0, n_fields, total)
    pat = np.repeat(np.arange(total), k)
    same = rng.random(len(pat)) < 0.8
    cls = rng.integers(0, n_classes, len(pat))
    pick = rng.random(len(pat))
    for f in range(n_fields):
        sel = same & (main_field[pat] == f)
        m = members[f]
        w = np.cumsum(popularity[m]) / popularity[m].sum()
        cls[sel] = m[np.searchsorted(w, pick[sel])]
    classes = pd.DataFrame({"patent": pat, "activity": codes[cls], "year": year[pat]})
    classes = classes.drop_duplicates(["patent", "activity"])
    # inventors: 1-3 regions, drawn by size x affinity to the main field
    n_inv = rng.integers(1, 4, total)
    ipat = np.repeat(np.arange(total), n_inv)
    region = np.empty(len(ipat), dtype=np.int64)
    draw = rng.random(len(ipat))
    for f in range(n_fields):
        sel = main_field[ipat] == f
        cum = np.cumsum(region_p * affinity[:, f])
        region[sel] = np.searchsorted(cum, draw[sel] * cum[-1])
    share = rng.random(len(ipat)) + 0.1
    share = share / np.bincount(ipat, weights=share)[ipat]
    inventors = pd.DataFrame({"patent": ipat, "region": region, "share": share})
    # fractional counting: share x 1 / distinct classes
    kk = classes.groupby("patent")["activity"].transform("size").to_numpy()
    cl = classes.assign(frac=1.0 / kk)
    both = cl.merge(inventors, on="patent")
    both["value"] = both["frac"] * both["share"]
    both["region"] = np.char.add("R", both["region"].to_numpy().astype(str))
    counts = both.groupby(["region", "activity", "year"], as_index=False)["value"].sum()
    return counts, classes, inventors, codes


def timed(label: str, fn, figures: dict):
    t0 = time.perf_counter()
    out = fn()
    figures[label] = time.perf_counter() - t0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--regions", type=int, default=300)
    parser.add_argument("--classes", type=int, default=650)
    parser.add_argument("--years", type=int, default=20)
    parser.add_argument("--patents", type=int, default=20_000, help="applications per year")
    parser.add_argument("--loader", action="store_true", help="also time the REGPAT loader")
    args = parser.parse_args()

    from smartspec.algorithms import clusters, complexity, relatedness, specialisation
    from smartspec.algorithms.panel import as_panel

    t0 = time.perf_counter()
    counts, classes, inventors, codes = synthetic(args.regions, args.classes, args.years,
                                                  args.patents)
    gen = time.perf_counter() - t0
    print(f"synthetic panel: {counts.region.nunique()} regions x {counts.activity.nunique()} "
          f"classes x {counts.year.nunique()} years, {len(counts):,} region-class-year counts "
          f"from {classes.patent.nunique():,} applications ({len(classes):,} class listings); "
          f"generated in {gen:.1f} s")
    figures: dict[str, float] = {}
    panel = timed("panel", lambda: as_panel(counts), figures)
    spec = timed("RTA and M", lambda: specialisation.specialisation(panel), figures)
    kci = timed("KCI / PCI", lambda: complexity.complexity(panel), figures)
    space = timed("knowledge space", lambda: clusters.knowledge_space(classes, item="patent"),
                  figures)
    prox = space.drop(columns="cooccurrences")
    dens = timed("relatedness density",
                 lambda: relatedness.density(panel, proximity=prox, diagonal=0,
                                             scale="percent"), figures)
    total = sum(figures.values())
    for label, secs in figures.items():
        print(f"  {label:<28} {secs:7.2f} s")
    print(f"  {'total (target < 10 s)':<28} {total:7.2f} s")
    print(f"rows: rta {len(spec):,}, kci regions {len(kci.regions):,}, co-listings "
          f"{int(space.cooccurrences.sum()):,}, knowledge-space pairs {len(space):,}, "
          f"density {len(dens):,}")
    top = kci.regions.dropna(subset=["eci"]).sort_values("eci").tail(1)
    print(f"sanity: mean M {spec['m'].mean():.3f}; highest KCI {top.iloc[0]['region']} "
          f"({int(top.iloc[0]['year'])}); mean density {dens['density'].mean():.2f} %")

    if args.loader:
        from smartspec.loaders.patents import read_patents

        with tempfile.TemporaryDirectory() as tmp:
            inv = inventors.assign(
                appln_id=inventors["patent"], reg_code=np.char.add(
                    "R", inventors["region"].to_numpy().astype(str)),
                inv_share=inventors["share"].round(4))
            inv[["appln_id", "reg_code", "inv_share"]].to_csv(Path(tmp) / "inv.csv",
                                                             index=False)
            ipc = classes.assign(appln_id=classes["patent"], prio_year=classes["year"],
                                 IPC=classes["activity"] + "  1/00")
            ipc[["appln_id", "prio_year", "IPC"]].to_csv(Path(tmp) / "ipc.csv", index=False)
            t0 = time.perf_counter()
            table = read_patents(Path(tmp) / "inv.csv", layout="regpat",
                                 classes=Path(tmp) / "ipc.csv")
            secs = time.perf_counter() - t0
        print(f"REGPAT loader: {len(inv):,} inventor rows + {len(ipc):,} IPC rows read, checked "
              f"and counted fractionally in {secs:.1f} s ({len(table.data):,} counts)")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (ru_maxrss): {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
