"""Benchmark: the COLLABORATES_WITH projection and every collaboration measure for all countries.

Reads the shipped Horizon 2020 participations (144,726 rows, 35,871 organisations, 168
countries), builds the pair-year projection, and computes tie geography, local buzz, global
pipelines, brokerage (Gould-Fernandez roles, sampled betweenness) and partner selection for every
country and year (locality = country). Prints timings, peak memory and sanity figures: the share
of international ties by country group. ``--store embedded`` also times writing the full graph
into a fresh embedded store. Target: under 60 s and 4 GB.

    python benchmarks/bench_collaboration.py [--store embedded]
"""

from __future__ import annotations

import argparse
import resource
import tempfile
import time
from pathlib import Path

import pandas as pd

from smartspec.algorithms import collaboration as collab
from smartspec.loaders.collaborations import city_code, read_collaborations, write_collaborations
from smartspec.loaders.datasets import data_path

DATA = data_path("h2020.csv.gz")


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", choices=["embedded"], help="also time writing to a store")
    parser.add_argument("--file", type=Path, default=DATA)
    args = parser.parse_args()
    t0 = time.perf_counter()
    lap = t0

    def step(name: str) -> None:
        nonlocal lap
        now = time.perf_counter()
        print(f"{name:<44} {now - lap:7.2f} s")
        lap = now

    table = read_collaborations(args.file)
    step(f"read + validate ({table.rows_read:,} participations)")
    ties = table.ties()
    pairs = collab.collaboration_pairs(ties)
    step(f"projection ({len(ties):,} pair-years, {len(pairs):,} pairs)")
    o = table.organisations
    actors = pd.DataFrame(
        {
            "actor": o["id"],
            "type": o["type"],
            "country": o["country"],
            "city": city_code(o["country"], o["city"].astype("object")),
        }
    )
    membership = collab.actor_sets(actors, "country")
    profiles = (
        table.participations.merge(table.topics, on="project")
        .groupby(["organisation", "topic"], as_index=False)
        .size()
        .rename(columns={"organisation": "actor", "topic": "activity", "size": "value"})
    )
    result = collab.collaboration_measures(
        ties, actors, membership, locality="country", profiles=profiles
    )
    summary = result["summary"]
    step(f"all measures ({summary['actor_set'].nunique()} countries x years)")
    total = time.perf_counter() - t0
    print(f"{'total (read, projection, measures)':<44} {total:7.2f} s, peak {peak_gb():.2f} GB")

    # sanity figures: international share of all ties by country group, all years pooled
    groups = pd.Series(collab.EU_GROUPS).reindex(summary["actor_set"]).fillna("third countries")
    pooled = (
        summary.assign(group=groups.to_numpy())
        .groupby("group")[["ties", "local_ties", "international_ties"]]
        .sum()
    )
    pooled["international_share"] = pooled["international_ties"] / pooled["ties"]
    print("\ninternational share of ties by country group (locality = country, 2014-2021):")
    print(pooled.round(3).to_string())
    last = summary[summary["year"] == 2019].set_index("actor_set")
    cols = [
        "ties",
        "international_share",
        "partner_countries",
        "internal_density",
        "pipeline_gini",
        "new_partner_share",
        "tech_proximity_chosen",
        "tech_proximity_available",
        "cultural_proximity_chosen",
        "cultural_proximity_available",
    ]
    print("\n2019, selected countries:")
    print(last.loc[["DEU", "FRA", "ITA", "ESP", "POL", "CHE", "USA"], cols].round(3).to_string())
    shares = [c for c in summary.columns if c.startswith("brokerage_share_")]
    top = summary.groupby("year")[shares].mean().round(3)
    print("\nmean brokerage share by actor type (over countries):")
    print(top.to_string())
    if args.store:
        from smartspec.graph_models.embedded_store import EmbeddedStore

        with tempfile.TemporaryDirectory() as tmp:
            store = EmbeddedStore(Path(tmp) / "graph.kgl")
            t = time.perf_counter()
            counts = write_collaborations(store, table)
            store.commit()
            print(f"\nwrite to embedded store: {time.perf_counter() - t:.1f} s {counts}")
            store.close()


if __name__ == "__main__":
    main()
