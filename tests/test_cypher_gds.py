"""The Cypher library's Neo4j Graph Data Science queries (``// requires: gds``).

On the session's Neo4j (the smartspec launcher, which ships Open GDS) they must agree with
networkx on small hand-made graphs: Louvain finds the same partition where the communities are
obvious, PageRank the same scores (scaled to sum to 1) to 1e-6. They run read-only and leave no
in-memory graph behind. Elsewhere (the embedded store, a Neo4j without GDS) they are refused with
a message that says how to get GDS.
"""

from __future__ import annotations

import random

import networkx as nx
import pandas as pd
import pytest
from test_cypher_queries import build_hand_graph

from smartspec.cli.main import main
from smartspec.cypher import library
from smartspec.cypher.library import QueryError
from smartspec.graph_models.embedded_store import EmbeddedStore

GDS_QUERIES = ["product_space_communities", "organisation_pagerank"]


def _graphs_in_catalog(store) -> int:
    return int(store.run("CALL gds.graph.list() YIELD graphName RETURN count(*) AS n")["n"][0])


# -- the product space: three obvious communities --------------------------------------------
def _product_space() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Products in three tight groups (phi 0.5-0.9 inside) with weak links between groups
    (phi 0.02-0.1), plus links of another year, another method and between Technology nodes
    that the query must leave out."""
    rng = random.Random(7)
    groups = [["0101", "0102", "0103", "0104", "0105"], ["2701", "2702", "2703", "2704"],
              ["8471", "8473", "8542"]]
    edges = []
    for group in groups:
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                edges.append((a, b, 2017, "conditional", round(rng.uniform(0.5, 0.9), 3)))
    for a, b in [("0105", "2701"), ("0103", "8471"), ("2704", "8542"), ("0101", "2702")]:
        edges.append((a, b, 2017, "conditional", round(rng.uniform(0.02, 0.1), 3)))
    # noise the filters must drop: it would merge the groups if it were counted
    edges += [("0101", "8542", 2016, "conditional", 0.99), ("0102", "2703", 2017, "cosine", 0.99)]
    codes = sorted({c for g in groups for c in g})
    products = pd.DataFrame({"code": codes, "name": [f"Product {c}" for c in codes],
                             "classification": "HS92"})
    proximity = pd.DataFrame(edges, columns=["start", "end", "year", "method", "phi"])
    return products, proximity


@pytest.fixture
def product_space(neo4j_store):
    products, proximity = _product_space()
    neo4j_store.create_schema()
    neo4j_store.upsert_nodes("Product", products)
    neo4j_store.upsert_relationships("PROXIMITY", proximity, start="Product", end="Product")
    techs = pd.DataFrame({"code": ["T1", "T2"], "name": ["Tech 1", "Tech 2"]})
    neo4j_store.upsert_nodes("Technology", techs)
    neo4j_store.upsert_relationships(
        "PROXIMITY",
        pd.DataFrame([("T1", "T2", 2017, "conditional", 0.8)],
                     columns=["start", "end", "year", "method", "phi"]),
        start="Technology", end="Technology",
    )
    return neo4j_store, proximity


@pytest.mark.neo4j
@pytest.mark.parametrize("algorithm", ["louvain", "leiden"])
def test_communities_are_the_partition_networkx_finds(product_space, algorithm):
    """networkx's Louvain as the reference for both (its Leiden needs a backend)."""
    store, proximity = product_space
    before = library.run(store, "graph_summary")
    frame = library.run(store, "product_space_communities",
                        {"year": 2017, "algorithm": algorithm})
    assert list(frame.columns) == ["community", "size", "code", "name"]
    found = {frozenset(g["code"]) for _, g in frame.groupby("community")}

    chosen = proximity[(proximity["year"] == 2017) & (proximity["method"] == "conditional")]
    graph = nx.Graph()
    graph.add_weighted_edges_from(chosen[["start", "end", "phi"]].itertuples(index=False))
    expected = {frozenset(c) for c in nx.community.louvain_communities(graph, seed=1)}
    assert found == expected
    assert found == {frozenset(["0101", "0102", "0103", "0104", "0105"]),
                     frozenset(["2701", "2702", "2703", "2704"]),
                     frozenset(["8471", "8473", "8542"])}
    # numbered by size, the size on every row, names next to codes
    sizes = frame.groupby("community")["code"].count()
    assert sizes.to_dict() == {1: 5, 2: 4, 3: 3}
    assert (frame["size"] == frame["community"].map(sizes)).all()
    assert (frame["name"] == "Product " + frame["code"]).all()
    # read-only: nothing written, no in-memory graph left behind
    pd.testing.assert_frame_equal(library.run(store, "graph_summary"), before)
    assert _graphs_in_catalog(store) == 0


@pytest.mark.neo4j
def test_louvain_parameters_choose_the_links(product_space):
    store, _ = product_space
    # only the strong links: the weak bridges go, the groups stay
    strong = library.run(store, "product_space_communities", {"year": 2017, "min_phi": 0.4})
    assert sorted(strong.groupby("community")["code"].count()) == [3, 4, 5]
    # the 2016 link alone; the Technology pair alone
    old = library.run(store, "product_space_communities", {"year": 2016})
    assert old[["community", "size", "code"]].values.tolist() == [[1, 2, "0101"], [1, 2, "8542"]]
    tech = library.run(store, "product_space_communities",
                       {"year": 2017, "activity": "Technology"})
    assert tech["code"].tolist() == ["T1", "T2"]
    assert library.run(store, "product_space_communities",
                       {"year": 2017, "classification": "HS07"}).empty
    assert _graphs_in_catalog(store) == 0


# -- PageRank of organisations -----------------------------------------------------------------
def _collaborations(seed: int = 3, n: int = 25, pairs: int = 60) -> pd.DataFrame:
    """A random collaboration network: pairs stored once (lower id first), 1-4 projects each."""
    rng = random.Random(seed)
    ids = [f"org{i:02d}" for i in range(n)]
    chosen: dict[tuple[str, str], int] = {}
    for i in range(1, n):  # a spanning tree first, so nobody is left out
        chosen[tuple(sorted((ids[i], ids[rng.randrange(i)])))] = rng.randint(1, 4)
    while len(chosen) < pairs:
        a, b = rng.sample(ids, 2)
        chosen[tuple(sorted((a, b)))] = rng.randint(1, 4)
    return pd.DataFrame([(a, b, p) for (a, b), p in sorted(chosen.items())],
                        columns=["start", "end", "projects"])


@pytest.fixture
def collaboration(neo4j_store):
    pairs = _collaborations()
    ids = sorted(set(pairs["start"]) | set(pairs["end"]))
    neo4j_store.create_schema()
    neo4j_store.upsert_nodes("Organisation", pd.DataFrame({"id": ids, "name": [
        f"Organisation {i}" for i in ids]}))
    neo4j_store.upsert_relationships("COLLABORATES_WITH", pairs, start="Organisation",
                                     end="Organisation")
    return neo4j_store, pairs


def _networkx_pagerank(pairs: pd.DataFrame, alpha: float) -> dict[str, float]:
    graph = nx.Graph()
    graph.add_weighted_edges_from(pairs.itertuples(index=False), weight="projects")
    return nx.pagerank(graph, alpha=alpha, weight="projects", tol=1e-13, max_iter=10_000)


@pytest.mark.neo4j
@pytest.mark.parametrize("damping,min_projects", [(0.85, 1), (0.5, 1), (0.85, 2)])
def test_pagerank_matches_networkx(collaboration, damping, min_projects):
    store, pairs = collaboration
    frame = library.run(store, "organisation_pagerank",
                        {"damping": damping, "min_projects": min_projects, "limit": 1000})
    kept = pairs[pairs["projects"] >= min_projects]
    expected = _networkx_pagerank(kept, damping)
    assert len(frame) == len(expected)
    got = dict(zip(frame["organisation"], frame["score"], strict=True))
    assert got.keys() == expected.keys()
    assert max(abs(got[k] - expected[k]) for k in got) < 1e-6
    assert frame["score"].sum() == pytest.approx(1.0, abs=1e-12)
    assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
    assert frame["score"].is_monotonic_decreasing
    assert (frame["name"] == "Organisation " + frame["organisation"]).all()
    degree = pd.concat([kept["start"], kept["end"]]).value_counts()
    assert (frame["partners"] == frame["organisation"].map(degree)).all()
    assert _graphs_in_catalog(store) == 0


@pytest.mark.neo4j
def test_pagerank_top_n(collaboration):
    store, pairs = collaboration
    expected = _networkx_pagerank(pairs, 0.85)
    top = library.run(store, "organisation_pagerank", {"limit": 5})
    assert top["organisation"].tolist() == sorted(expected, key=lambda k: -expected[k])[:5]


@pytest.mark.neo4j
def test_pagerank_names_an_organisation_without_a_name_by_its_id(collaboration, neo4j_uri,
                                                                 env_home, monkeypatch, capsys):
    """An organisation with no name shows its id in the name column (no null, no NaN in the
    table the CLI prints); named ones keep their names."""
    store, pairs = collaboration
    unnamed = ["org03", "org11"]
    store.run("MATCH (o:Organisation) WHERE o.id IN $ids REMOVE o.name", {"ids": unnamed},
              write=True)
    frame = library.run(store, "organisation_pagerank", {"limit": 1000})
    assert len(frame) == 25 and frame["name"].notna().all()
    names = frame.set_index("organisation")["name"]
    assert names[unnamed].tolist() == unnamed
    named = names.drop(unnamed)
    assert (named == "Organisation " + named.index).all()
    monkeypatch.setenv("NEO4J_URI", neo4j_uri)
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "run", "organisation_pagerank", "-p", "limit=1000"])
    out, err = capsys.readouterr()
    assert exit_info.value.code == 0, err
    rows = {line.split()[1]: line.split()[2] for line in out.splitlines()[1:]}
    assert len(rows) == 25 and rows["org03"] == "org03" and rows["org11"] == "org11"
    assert rows["org00"] == "Organisation"


@pytest.mark.neo4j
def test_pagerank_names_a_country_without_a_name_by_its_code(collaboration):
    """A country Region with no name shows its code in country_name (as an unnamed
    organisation shows its id); a named one its name, found through PART_OF from a NUTS
    region; an organisation located nowhere has neither."""
    store, _ = collaboration
    store.upsert_nodes("Region", pd.DataFrame({"code": ["DEU", "DE1"], "name": [
        "Germany", "Baden-Wuerttemberg"], "level": ["country", "nuts1"]}))
    store.upsert_nodes("Region", pd.DataFrame({"code": ["XKX"], "level": ["country"]}))
    store.run("MATCH (r:Region {code: 'XKX'}) REMOVE r.name", write=True)
    store.upsert_relationships("PART_OF", pd.DataFrame({"start": ["DE1"], "end": ["DEU"]}),
                               start="Region", end="Region")
    store.upsert_relationships("LOCATED_IN", pd.DataFrame(
        {"start": ["org00", "org01", "org02"], "end": ["DE1", "XKX", "XKX"]}),
        start="Organisation", end="Region")
    frame = library.run(store, "organisation_pagerank", {"limit": 1000}).set_index(
        "organisation")
    assert frame.loc["org00", ["country", "country_name"]].tolist() == ["DEU", "Germany"]
    assert frame.loc[["org01", "org02"], "country_name"].tolist() == ["XKX", "XKX"]
    assert frame.loc["org03", ["country", "country_name"]].isna().all()


# -- read-only and the write procedures ------------------------------------------------------
@pytest.mark.neo4j
def test_gds_write_procedures_are_refused_read_only(neo4j_store):
    """GDS's write mode writes to the graph: Neo4j plans it as a write and a read-only run
    refuses it; the stream procedures the library uses are reads."""
    assert library.has_gds(neo4j_store)
    with pytest.raises(QueryError, match="writes to the graph"):
        library.run_cypher(neo4j_store, "CALL gds.pageRank.write('g', {writeProperty: 'pr'}) "
                                        "YIELD nodePropertiesWritten RETURN nodePropertiesWritten")
    # export writes a database or CSV files on the server: refused as file access
    for call in ("CALL gds.graph.export('g', {dbName: 'copy'}) YIELD dbName RETURN dbName",
                 "CALL gds.graph.export.csv('g', {exportName: 'x'}) YIELD exportName "
                 "RETURN exportName"):
        with pytest.raises(QueryError, match="calls gds.graph.export.*touches files"):
            library.run_cypher(neo4j_store, call)
    version = neo4j_store.run("RETURN gds.version() AS v")["v"][0]
    assert version.startswith("2.13.")


@pytest.mark.neo4j
def test_launcher_log_names_gds(neo4j_home):
    log = (neo4j_home / "launcher.log").read_text()
    assert "Neo4jLauncher: Graph Data Science 2.13." in log
    assert sorted(p.name for p in (neo4j_home / "plugins").glob("gds-proc-2.13.*.jar"))


# -- where GDS is missing ----------------------------------------------------------------------
@pytest.mark.parametrize("name", GDS_QUERIES)
def test_embedded_store_refuses_with_a_clear_message(embedded_store, name):
    q = library.get(name)
    params = dict(item.split("=", 1) for item in q.examples[0].split())
    with pytest.raises(QueryError) as info:
        library.run(embedded_store, name, params)
    message = str(info.value)
    assert message.startswith(f"query {name!r} needs Neo4j Graph Data Science (GDS); "
                              "the embedded store has none")
    assert "smartspec db start" in message and "NEO4J_URI" in message
    assert "docker compose" in message
    assert not library.has_gds(embedded_store)


class _Neo4jWithoutGds:
    """Stands in for a Neo4j server without the plugin: answers the one question asked."""

    kind = "neo4j"
    uri = "bolt://db.example:7687"

    def __init__(self):
        self.asked = []

    def run(self, text, parameters=None, *, write=False):
        self.asked.append((text, parameters, write))
        return pd.DataFrame({"n": [0]})


def test_neo4j_without_gds_is_refused_and_asked_once():
    store = _Neo4jWithoutGds()
    for _ in range(2):
        with pytest.raises(QueryError, match=(
            r"query 'organisation_pagerank' needs Neo4j Graph Data Science \(GDS\), which the "
            r"Neo4j server at bolt://db.example:7687 lacks .*graph-data-science plugin")):
            library.run(store, "organisation_pagerank")
    assert store.asked == [("SHOW FUNCTIONS YIELD name WHERE name = $name RETURN count(*) AS n",
                            {"name": "gds.version"}, False)]


def test_cli_refuses_on_the_embedded_store(env_home, capsys):
    with EmbeddedStore(env_home / "graph.kgl") as store:
        build_hand_graph(store)
    with pytest.raises(SystemExit) as exit_info:
        main(["query", "run", "product_space_communities", "-p", "year=2017"])
    _, err = capsys.readouterr()
    assert exit_info.value.code == 1
    assert "query 'product_space_communities' needs Neo4j Graph Data Science" in err
    assert "smartspec db start" in err
