"""The same answers on Neo4j and on the embedded store, for every query, on a loaded graph.

The graph is built the way users build it: the trade loader reads a slice of the shipped 2017
world-trade table (and a perturbed copy as 2016), ``compute specialisation`` writes RCA and M,
the algorithms' ECI/PCI and proximity are written back through ``graph_models.results``, and a
generated collaboration network (organisations, projects, clusters) goes in through the store
upserts. Nodes carry no names where the loader writes none, which exercises the kglite quirk of
synthesised names.
"""

from __future__ import annotations

import math
import warnings
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import complexity, relatedness
from smartspec.cli.compute import run_specialisation
from smartspec.cypher import library
from smartspec.graph_models import results
from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.loaders import trade
from smartspec.loaders.datasets import data_path

pytestmark = pytest.mark.neo4j

COUNTRIES = ["AUT", "BEL", "CHE", "CZE", "DEU", "DNK", "ESP", "FRA", "ITA", "NLD", "POL", "SWE"]


def _trade_file(path) -> None:
    raw = pd.read_csv(data_path("world_trade_2017.csv.gz"), dtype=str)
    raw = raw[raw["reporter_iso"].str.upper().isin(COUNTRIES)]
    products = sorted(raw["product_code"].unique())[::25][:45]
    raw = raw[raw["product_code"].isin(products)].dropna(subset=["export_value_usd"])
    t17 = pd.DataFrame(
        {
            "region": raw["reporter_iso"].str.upper(),
            "product": raw["product_code"],
            "year": 2017,
            "value": pd.to_numeric(raw["export_value_usd"]),
        }
    )
    rng = np.random.default_rng(7)
    t16 = t17.assign(year=2016, value=t17["value"] * rng.uniform(0.5, 1.5, len(t17)))
    pd.concat([t16, t17]).to_csv(path, index=False)


def _collaboration(store) -> None:
    rng = np.random.default_rng(11)
    orgs = pd.DataFrame(
        {
            "id": [f"org{i:02d}" for i in range(30)],
            "name": [f"Organisation {i}" for i in range(30)],
            "type": rng.choice(["firm", "university", "research organisation"], 30),
        }
    )
    orgs["region"] = [COUNTRIES[i % len(COUNTRIES)] for i in range(30)]
    store.upsert_nodes("Organisation", orgs[["id", "name", "type"]])
    store.upsert_relationships(
        "LOCATED_IN",
        orgs.rename(columns={"id": "start", "region": "end"})[["start", "end"]],
        start="Organisation",
        end="Region",
    )
    projects, parts, pairs = [], [], []
    for i in range(40 + len(COUNTRIES)):
        if i < 40:
            members = sorted(rng.choice(orgs["id"], int(rng.integers(2, 5)), replace=False))
        else:  # one domestic project per country, so that localities have local ties
            members = sorted(orgs.loc[orgs["region"] == COUNTRIES[i - 40], "id"])
        year = int(rng.integers(2015, 2022))
        projects.append((f"p{i:02d}", f"Project {i}", "H2020", f"{year}-01-01"))
        parts += [(m, f"p{i:02d}") for m in members]
        pairs += [(a, b, year) for a, b in combinations(members, 2)]
    store.upsert_nodes(
        "Project", pd.DataFrame(projects, columns=["id", "title", "programme", "start"])
    )
    store.upsert_relationships(
        "PARTICIPATES_IN",
        pd.DataFrame(parts, columns=["start", "end"]),
        start="Organisation",
        end="Project",
    )
    collab = (
        pd.DataFrame(pairs, columns=["start", "end", "year"])
        .groupby(["start", "end"])
        .agg(projects=("year", "size"), first_year=("year", "min"), last_year=("year", "max"))
        .reset_index()
    )
    store.upsert_relationships(
        "COLLABORATES_WITH", collab, start="Organisation", end="Organisation"
    )
    clusters = pd.DataFrame({"id": ["k1", "k2", "k3"], "name": ["K1", "K2", "K3"]})
    store.upsert_nodes("Cluster", clusters)
    store.upsert_relationships(
        "LOCATED_IN",
        pd.DataFrame({"start": ["k1", "k2", "k3"], "end": ["DEU", "FRA", "ITA"]}),
        start="Cluster",
        end="Region",
    )
    members = pd.DataFrame(
        {"start": orgs["id"][:24], "end": [f"k{1 + i % 3}" for i in range(24)], "since": 2015}
    )
    store.upsert_relationships("MEMBER_OF", members, start="Organisation", end="Cluster")


def build_loaded_graph(store, tmp_path) -> None:
    store.create_schema()
    file = tmp_path / "trade.csv"
    if not file.exists():
        _trade_file(file)
    table = trade.read_trade(file, layout="long", classification="HS92")
    trade.write_trade(store, table)
    run_specialisation(store, activity="Product")
    data = results.read_activity(store, activity="Product")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cx = complexity.complexity(data)
        prox = relatedness.proximity(data)
    results.write_scores(
        store, cx.regions, label="Region", activity="Product", family="complexity", scores=["eci"]
    )
    results.write_scores(
        store,
        cx.activities,
        label="Product",
        activity="Product",
        family="complexity",
        scores=["pci"],
    )
    results.write_proximity(store, prox, activity="Product", method="conditional")
    _collaboration(store)
    store.commit()


@pytest.fixture(scope="module")
def stores(neo4j_uri, tmp_path_factory):
    from smartspec.graph_models.neo4j_store import Neo4jStore

    folder = tmp_path_factory.mktemp("loaded")
    neo = Neo4jStore(uri=neo4j_uri)
    neo.run("MATCH (n) DETACH DELETE n", write=True)
    emb = EmbeddedStore(folder / "graph.kgl")
    for s in (neo, emb):
        build_loaded_graph(s, folder)
    yield neo, emb
    neo.close()
    emb.close()


PARAMS = {
    "region_specialisations": {"region": "DEU", "year": 2017},
    "activity_specialists": {"code": "<code>", "year": 2017},
    "activity_neighbours": {"code": "<code>", "year": 2017},
    "region_opportunities": {"region": "DEU", "year": 2017},
    "similar_regions": {"region": "DEU", "year": 2017},
    "specialisation_changes": {"from_year": 2016, "to_year": 2017},
    "complexity_ranking": {"year": 2017},
    "region_segments": {"region": "DEU", "year": 2017},
    "segment_members": {"segment": "Product:leiden:2017:0"},
    "related_unconnected_clusters": {"year": 2017},
    "complexity_over_time": {},
    "activity_complexity_ranking": {"year": 2017},
    "region_profile": {"region": "FRA"},
    "region_subregions": {"region": "DEU"},
    "cluster_international_partners": {"cluster": "k1"},
    "locality_gatekeepers": {"region": "DEU"},
    "country_bridges": {"country_a": "DEU", "country_b": "FRA"},
    "collaboration_path": {"source": "org00", "target": "org17"},
    "partner_candidates": {"organisation": "org03"},
    "cluster_bridging_projects": {"cluster_a": "k1", "cluster_b": "k2"},
    "cluster_members": {"cluster": "k2"},
    "organisation_partners": {"organisation": "org05"},
    "country_collaboration": {},
    "region_organisations": {"region": "ITA"},
}
#: Queries allowed to answer nothing on this clean graph (the checks; no sub-regions loaded).
EMPTY = {
    "region_subregions",
    # this graph holds no segments; tests/test_segments.py runs these on both stores with some
    "region_segments",
    "segment_members",
    "related_unconnected_clusters",
    "check_orphans",
    "check_missing_keys",
    "check_duplicate_keys",
    "check_relationship_endpoints",
    "check_duplicate_relationships",
    "check_region_hierarchy",
}


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b or (a is None and b is None)


def _values(frame: pd.DataFrame) -> list[list]:
    def clean(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        if isinstance(v, (np.integer, np.floating)):
            return v.item()
        return v

    return [[clean(v) for v in r] for r in frame.astype(object).itertuples(index=False)]


def test_loaded_graph_is_the_expected_one(stores):
    _, emb = stores
    assert len(library.run(emb, "complexity_ranking", {"year": 2017})) == len(COUNTRIES)


@pytest.mark.parametrize("name", [q.name for q in library.queries() if not q.writes])
def test_same_answers_on_both_stores(stores, name):
    q = library.get(name)
    if q.requires:
        pytest.skip(
            f"{name} requires {', '.join(q.requires)} (Neo4j Graph Data Science), which the "
            "embedded store lacks; tests/test_cypher_gds.py checks it against networkx"
        )
    neo, emb = stores
    code = emb.run(
        "MATCH (p:Product)<-[x:EXPORTS]-() WHERE x.year = 2017 AND x.m = 1 "
        "RETURN p.code AS code, count(*) AS n ORDER BY n DESC, code LIMIT 1"
    )["code"].iloc[0]
    params = {k: code if v == "<code>" else v for k, v in PARAMS.get(q.name, {}).items()}
    a, b = library.run(neo, q, params), library.run(emb, q, params)
    assert list(a.columns) == list(b.columns) == list(q.columns), q.name
    va, vb = _values(a), _values(b)
    assert len(va) == len(vb), q.name
    for ra, rb in zip(va, vb, strict=True):
        assert all(_same(x, y) for x, y in zip(ra, rb, strict=True)), (q.name, ra, rb)
    if q.name not in EMPTY:
        assert va, f"{q.name} answered nothing: the differential test proves little"


def test_write_queries_do_the_same_on_both_stores(stores):
    neo, emb = stores
    counts = [rows for rows in (_values(library.run(s, "graph_summary")) for s in stores)]
    assert counts[0] == counts[1]
    deleted = [_values(library.run(s, "delete_year", {"year": 2016}, write=True)) for s in stores]
    assert deleted[0] == deleted[1] and deleted[0][0][0] == "EXPORTS"
    assert _values(library.run(neo, "data_coverage")) == _values(library.run(emb, "data_coverage"))
    assert _values(library.run(neo, "delete_orphans", write=True)) == []
    assert _values(library.run(emb, "delete_orphans", write=True)) == []
