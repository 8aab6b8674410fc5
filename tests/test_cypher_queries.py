"""Every library query on a hand-made graph, on both stores, against answers worked out by hand.

The graph (built by :func:`build_hand_graph` through the stores' upserts) is small enough to
check each answer on paper:

- countries AAA, BBB, CCC, DDD; AA1 and AA2 (nuts2) in AAA, AA11 (nuts3) in AA1, BB1 in BBB,
  CC1 in CCC with the unknown level 'county'; ZZ9 (nuts2, no parent) and 'bbb' (a duplicate
  of BBB) are orphans;
- products 0101, 0102, 0201, 8471, 8542 with EXPORTS in 2016 and 2017 carrying rca and m
  (:data:`EXPORTS`), PROXIMITY in 2017 (and a duplicate pair in 2015), and SCORED
  specialisation and complexity measures;
- organisations o1..o7 in projects pr1..pr8 (pr9 has no participant), COLLABORATES_WITH as
  the projection of joint projects, clusters c1 (AA1), c2 (BBB), c3 (CCC);
- data-quality problems on purpose: a Product without code, an Organisation without id, an
  orphan organisation o8, a Cluster that PARTICIPATES_IN a project.
"""

from __future__ import annotations

import math
from itertools import combinations

import pandas as pd
import pytest

from smartspec.cypher import library
from smartspec.cypher.library import ParameterError, QueryError
from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.graph_models.store import StoreError

REGIONS = [
    # code, name, level, parent
    ("AAA", "Aland", "country", None),
    ("BBB", "Borduria", "country", None),
    ("CCC", "Carpania", "country", None),
    ("DDD", "Dorvia", "country", None),
    ("AA1", "Aland North", "nuts2", "AAA"),
    ("AA2", "Aland South", "nuts2", "AAA"),
    ("AA11", "Aland Capital", "nuts3", "AA1"),
    ("BB1", "Borduria West", "nuts2", "BBB"),
    ("CC1", "Carpania Hills", "county", "CCC"),
    ("ZZ9", "Nowhere", "nuts2", None),
    ("bbb", "Borduria (duplicate)", "country", None),
]
PRODUCTS = [
    ("0101", "Horses"),
    ("0102", "Cattle"),
    ("0201", "Meat of cattle"),
    ("8471", "Computers"),
    ("8542", "Integrated circuits"),
]
EXPORTS = [
    # region, product, year, value, rca, m
    ("AAA", "0101", 2017, 100.0, 2.0, 1),
    ("AAA", "0102", 2017, 50.0, 1.5, 1),
    ("AAA", "8471", 2017, 10.0, 0.2, 0),
    ("AAA", "0201", 2017, 40.0, 1.2, 1),
    ("BBB", "0101", 2017, 30.0, 1.1, 1),
    ("BBB", "8471", 2017, 200.0, 2.5, 1),
    ("BBB", "8542", 2017, 150.0, 3.0, 1),
    ("CCC", "0102", 2017, 80.0, 2.2, 1),
    ("CCC", "0201", 2017, 20.0, 0.8, 0),
    ("CCC", "8542", 2017, 5.0, 0.1, 0),
    ("DDD", "0101", 2017, 10.0, 1.0, 1),
    ("DDD", "0102", 2017, 10.0, 1.3, 1),
    ("DDD", "0201", 2017, 60.0, 2.4, 1),
    ("AAA", "0101", 2016, 90.0, 1.9, 1),
    ("AAA", "0102", 2016, 40.0, 0.9, 0),
    ("AAA", "8471", 2016, 30.0, 1.4, 1),
    ("BBB", "0101", 2016, 20.0, 0.8, 0),
    ("BBB", "8471", 2016, 180.0, 2.4, 1),
    ("BBB", "8542", 2016, 100.0, 2.0, 1),
    ("CCC", "0102", 2016, 70.0, 2.1, 1),
    ("CCC", "0201", 2016, 30.0, 1.1, 1),
    ("DDD", "0101", 2016, 10.0, 1.0, 1),
    ("DDD", "0102", 2016, 10.0, 1.3, 1),
    ("DDD", "0201", 2016, 50.0, 2.0, 1),
]
PROXIMITY = [
    # start, end, year, method, phi
    ("0101", "0102", 2017, "conditional", 0.6),
    ("0101", "0201", 2017, "conditional", 0.4),
    ("0102", "0201", 2017, "conditional", 0.5),
    ("0201", "8471", 2017, "conditional", 0.1),
    ("8471", "8542", 2017, "conditional", 0.7),
    ("0102", "8542", 2017, "conditional", 0.05),
    ("0101", "0102", 2017, "cosine", 0.9),
    ("0101", "0102", 2016, "conditional", 0.55),
]
REGION_SCORES = [
    # region, year, eci, fitness, diversity
    ("AAA", 2017, 0.5, 1.2, 3),
    ("BBB", 2017, 1.5, 2.0, 3),
    ("CCC", 2017, -1.0, 0.4, 1),
    ("DDD", 2017, -1.0, 0.4, 3),
    ("AAA", 2016, 1.0, 1.5, 2),
    ("BBB", 2016, 0.8, 1.8, 2),
    ("CCC", 2016, -0.9, 0.6, 2),
    ("DDD", 2016, -0.9, 0.6, 3),
]
PRODUCT_SCORES = [
    # product, year, pci, ubiquity
    ("0101", 2017, -0.5, 3),
    ("0102", 2017, -0.8, 3),
    ("0201", 2017, -0.2, 1),
    ("8471", 2017, 1.2, 1),
    ("8542", 2017, 1.6, 1),
]
ORGANISATIONS = [
    # id, name, type, region
    ("o1", "Alpha Labs", "research", "AA1"),
    ("o2", "Aland University", "university", "AA11"),
    ("o3", "Aland Motors", "firm", "AA2"),
    ("o4", "Borduria Tech", "firm", "BB1"),
    ("o5", "Borduria Institute", "research", "BBB"),
    ("o6", "Carpania Systems", None, "CCC"),
    ("o7", "Dorvia Works", "firm", "DDD"),
    ("o8", "Loner Ltd", "firm", None),
]
PROJECTS = [
    # id, title, programme, start, end, participants
    ("pr1", "Smart Horses", "H2020", "2018-01-01", "2020-12-31", ["o1", "o2"]),
    ("pr2", "Chip Alliance", "H2020", "2019-03-01", "2021-02-28", ["o1", "o4"]),
    ("pr3", "Regional Mobility", "HORIZON", "2020-01-01", "2022-12-31", ["o2", "o3"]),
    ("pr4", "Twin Institutes", "H2020", "2018-06-01", "2019-05-31", ["o2", "o5"]),
    ("pr5", "Motor Data", "HORIZON", "2020-09-01", "2023-08-31", ["o3", "o6"]),
    ("pr6", "Borduria Grid", "H2020", "2019-01-01", "2020-12-31", ["o4", "o5"]),
    ("pr7", "East Link", "HORIZON", "2021-01-01", "2023-12-31", ["o4", "o6", "o7"]),
    ("pr8", "Horse Genome", "H2020", "2020-01-01", "2021-12-31", ["o1", "o2"]),
    ("pr9", "Empty Call", "HORIZON", "2022-01-01", None, []),
]
CLUSTERS = [
    # id, name, region, members (id, since), specialisation
    ("c1", "Aland Agri Cluster", "AA1", [("o1", 2015), ("o2", 2016), ("o3", 2018)], "0101"),
    ("c2", "Borduria Chips", "BBB", [("o4", 2017), ("o5", 2015)], "8542"),
    ("c3", "Carpania Mobility", "CCC", [("o6", None)], "8471"),
]
ACTIVE_IN = [("o1", "T1"), ("o5", "T1"), ("o3", "T2"), ("o5", "T2"), ("o6", "T2")]


SEGMENTS = [
    ("Product:leiden:2017:0", "0", "Cattle; Horses", ["0101", "0102", "0201"]),
    ("Product:leiden:2017:1", "1", "Computers; Integrated circuits", ["8471", "8542"]),
]
CENTRALITY = {"0101": 0.5, "0102": 0.55, "0201": 0.45, "8471": 0.7, "8542": 0.7}


def _frame(rows, columns) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


def collaborations() -> pd.DataFrame:
    """COLLABORATES_WITH from joint projects: pairs, projects, first and last start year."""
    rows = []
    for _, _, _, start, _, members in PROJECTS:
        for a, b in combinations(sorted(members), 2):
            rows.append((a, b, int(start[:4])))
    pairs = _frame(rows, ["start", "end", "year"])
    return (
        pairs.groupby(["start", "end"])
        .agg(projects=("year", "size"), first_year=("year", "min"), last_year=("year", "max"))
        .reset_index()
    )


def build_hand_graph(store) -> None:
    """Write the hand-made graph into an empty store (upserts, plus raw Cypher for the faults)."""
    store.create_schema()
    regions = _frame(REGIONS, ["code", "name", "level", "parent"])
    store.upsert_nodes("Region", regions[["code", "name", "level"]])
    parts = regions.dropna(subset=["parent"]).rename(columns={"code": "start", "parent": "end"})
    store.upsert_relationships("PART_OF", parts[["start", "end"]], start="Region", end="Region")
    products = _frame(PRODUCTS, ["code", "name"]).assign(classification="HS92")
    store.upsert_nodes("Product", products)
    store.upsert_nodes("Topic", _frame([("T1", "Genomics"), ("T2", "Batteries")], ["code", "name"]))
    exports = _frame(EXPORTS, ["start", "end", "year", "value", "rca", "m"])
    store.upsert_relationships("EXPORTS", exports, start="Region", end="Product")
    proximity = _frame(PROXIMITY, ["start", "end", "year", "method", "phi"])
    store.upsert_relationships("PROXIMITY", proximity, start="Product", end="Product")
    measures = pd.DataFrame(
        {
            "id": ["Product:specialisation", "Product:complexity"],
            "family": ["specialisation", "complexity"],
            "activity_label": ["Product", "Product"],
        }
    )
    store.upsert_nodes("Measure", measures)
    scores = _frame(REGION_SCORES, ["start", "year", "eci", "fitness", "diversity"])
    store.upsert_relationships(
        "SCORED",
        scores[["start", "year", "eci", "fitness"]].assign(end="Product:complexity"),
        start="Region",
        end="Measure",
    )
    store.upsert_relationships(
        "SCORED",
        scores[["start", "year", "diversity"]].assign(end="Product:specialisation"),
        start="Region",
        end="Measure",
    )
    pscores = _frame(PRODUCT_SCORES, ["start", "year", "pci", "ubiquity"])
    store.upsert_relationships(
        "SCORED",
        pscores[["start", "year", "pci"]].assign(end="Product:complexity"),
        start="Product",
        end="Measure",
    )
    store.upsert_relationships(
        "SCORED",
        pscores[["start", "year", "ubiquity"]].assign(end="Product:specialisation"),
        start="Product",
        end="Measure",
    )
    orgs = _frame(ORGANISATIONS, ["id", "name", "type", "region"])
    store.upsert_nodes("Organisation", orgs[["id", "name", "type"]])
    located = orgs.dropna(subset=["region"]).rename(columns={"id": "start", "region": "end"})
    store.upsert_relationships(
        "LOCATED_IN", located[["start", "end"]], start="Organisation", end="Region"
    )
    projects = _frame(PROJECTS, ["id", "title", "programme", "start", "end", "members"])
    store.upsert_nodes("Project", projects.drop(columns="members"))
    participations = projects[["id", "members"]].explode("members").dropna()
    participations = participations.rename(columns={"members": "start", "id": "end"})
    store.upsert_relationships(
        "PARTICIPATES_IN",
        participations.assign(role="participant"),
        start="Organisation",
        end="Project",
    )
    store.upsert_relationships(
        "COLLABORATES_WITH", collaborations(), start="Organisation", end="Organisation"
    )
    clusters = _frame(CLUSTERS, ["id", "name", "region", "members", "product"])
    store.upsert_nodes("Cluster", clusters[["id", "name"]])
    store.upsert_relationships(
        "LOCATED_IN",
        clusters.rename(columns={"id": "start", "region": "end"})[["start", "end"]],
        start="Cluster",
        end="Region",
    )
    store.upsert_relationships(
        "SPECIALISES_IN",
        clusters.rename(columns={"id": "start", "product": "end"})[["start", "end"]],
        start="Cluster",
        end="Product",
    )
    members = [(m, c, since) for c, _, _, ms, _ in CLUSTERS for m, since in ms]
    store.upsert_relationships(
        "MEMBER_OF",
        _frame(members, ["start", "end", "since"]).astype({"since": "Int64"}),
        start="Organisation",
        end="Cluster",
    )
    store.upsert_relationships(
        "ACTIVE_IN",
        _frame(ACTIVE_IN, ["start", "end"]).assign(weight=1.0),
        start="Organisation",
        end="Topic",
    )
    # segments (issue 17): livestock and meat; electronics
    segments = _frame(SEGMENTS, ["id", "segment", "label", "members"])
    store.upsert_nodes("Segment", segments[["id", "segment", "label"]].assign(
        method="leiden", year=2017, activity_label="Product"))
    in_segment = segments[["id", "members"]].explode("members").rename(
        columns={"id": "end", "members": "start"})
    in_segment["centrality"] = in_segment["start"].map(CENTRALITY)
    store.upsert_relationships("IN_SEGMENT", in_segment, start="Product", end="Segment")
    # faults, on purpose (the checks must find exactly these)
    store.run("CREATE (:Product {name: 'Unnamed product'})", write=True)
    store.run("CREATE (:Organisation {name: 'No id'})", write=True)
    store.run(
        "MATCH (a:Product {code: '0101'}), (b:Product {code: '0102'}) "
        "CREATE (a)-[:PROXIMITY {year: 2015, method: 'conditional', phi: 0.5}]->(b), "
        "(b)-[:PROXIMITY {year: 2015, method: 'conditional', phi: 0.5}]->(a)",
        write=True,
    )
    store.run(
        "MATCH (c:Cluster {id: 'c3'}), (p:Project {id: 'pr7'}) CREATE (c)-[:PARTICIPATES_IN]->(p)",
        write=True,
    )
    store.commit()


@pytest.fixture(scope="module")
def embedded_graph(tmp_path_factory):
    """The hand-made graph in an embedded store, built once per module."""
    store = EmbeddedStore(tmp_path_factory.mktemp("hand") / "graph.kgl")
    build_hand_graph(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def neo4j_graph(neo4j_uri):
    """The hand-made graph in the session's Neo4j, built once per module (read-only tests)."""
    from smartspec.graph_models.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=neo4j_uri)
    store.run("MATCH (n) DETACH DELETE n", write=True)
    build_hand_graph(store)
    yield store
    store.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def graph(request):
    """Each test using it runs on the hand-made graph in both stores."""
    return request.getfixturevalue(f"{request.param}_graph")


def rows(frame: pd.DataFrame) -> list[tuple]:
    """Rows as tuples with missing values as None and floats rounded (for exact comparisons)."""

    def clean(v):
        if isinstance(v, float):
            return None if math.isnan(v) else round(v, 9)
        if isinstance(v, list):
            return [clean(x) for x in v]
        return v

    return [tuple(clean(v) for v in r) for r in frame.astype(object).itertuples(index=False)]


def answer(store, name: str, **params) -> list[tuple]:
    frame = library.run(store, name, params)
    assert tuple(frame.columns) == library.get(name).columns
    return rows(frame)


#: name -> [(parameters, expected rows)], each worked out by hand on the graph above.
EXPECTED: dict[str, list[tuple[dict, list[tuple]]]] = {
    "region_segments": [
        (
            {"region": "AAA", "year": 2017},
            [
                ("Product:leiden:2017:0", "Cattle; Horses", 3, 190.0, 0.95),  # 190 of 200
                ("Product:leiden:2017:1", "Computers; Integrated circuits", 1, 10.0, 0.05),
            ],
        ),
        ({"region": "CCC", "year": 2016}, []),  # the segments are those of 2017
        ({"region": "AAA", "year": 2017, "method": "louvain"}, []),
    ],
    "related_unconnected_clusters": [
        # c2 (8542) and c3 (8471) are related (0.7) but o4 and o6 work together (pr7)
        ({"year": 2017}, []),
        ({"year": 2017, "unconnected_only": False},
         [("c2", "Borduria Chips", "c3", "Carpania Mobility", 0.7, 1, 1)]),
        ({"year": 2017, "min_phi": 0.8, "unconnected_only": False}, []),
        ({"year": 2016, "unconnected_only": False}, []),
    ],
    "segment_members": [
        (
            {"segment": "Product:leiden:2017:1"},
            [("8471", "Computers", 0.7), ("8542", "Integrated circuits", 0.7)],
        ),
        (
            {"segment": "Product:leiden:2017:0"},
            [("0102", "Cattle", 0.55), ("0101", "Horses", 0.5), ("0201", "Meat of cattle", 0.45)],
        ),
    ],
    "region_specialisations": [
        (
            {"region": "AAA", "year": 2017},
            [
                ("0101", "Horses", 2.0, 100.0, 0.5),  # 100 of AAA's 200 in 2017
                ("0102", "Cattle", 1.5, 50.0, 0.25),
                ("0201", "Meat of cattle", 1.2, 40.0, 0.2),
            ],  # 8471 has M = 0
        ),
        ({"region": "AAA", "year": "2017", "limit": "1"}, [("0101", "Horses", 2.0, 100.0, 0.5)]),
        ({"region": "AAA", "year": 2017, "activity": "Technology"}, []),
    ],
    "activity_specialists": [
        (
            {"code": "0101", "year": 2017},
            [
                ("AAA", "Aland", 2.0, 100.0),
                ("BBB", "Borduria", 1.1, 30.0),
                ("DDD", "Dorvia", 1.0, 10.0),
            ],
        ),
        (
            {"code": "0101", "year": 2016},
            [("AAA", "Aland", 1.9, 90.0), ("DDD", "Dorvia", 1.0, 10.0)],
        ),
        ({"code": "0101", "year": 2017, "level": "nuts2"}, []),
    ],
    "activity_neighbours": [
        (
            {"code": "0102", "year": 2017},
            [
                ("0101", "Horses", 0.6),
                ("0201", "Meat of cattle", 0.5),
                ("8542", "Integrated circuits", 0.05),
            ],
        ),
        ({"code": "0102", "year": 2017, "method": "cosine"}, [("0101", "Horses", 0.9)]),
        (
            {"code": "0102", "year": 2017, "min_phi": 0.5},
            [("0101", "Horses", 0.6), ("0201", "Meat of cattle", 0.5)],
        ),
    ],
    "region_opportunities": [
        # AAA holds 0101, 0102, 0201. 8471: phi 0.1 to 0201 of 0.1 + 0.7 -> 0.125;
        # 8542: 0.05 to 0102 of 0.05 + 0.7 -> 1/15
        (
            {"region": "AAA", "year": 2017},
            [("8471", "Computers", 0.125, 1, 1.2), ("8542", "Integrated circuits", 1 / 15, 1, 1.6)],
        ),
        # BBB holds 0101, 8471, 8542: 0102 gets 0.6 + 0.05 of 1.15, 0201 gets 0.4 + 0.1 of 1.0
        (
            {"region": "BBB", "year": 2017},
            [("0102", "Cattle", 0.65 / 1.15, 2, -0.8), ("0201", "Meat of cattle", 0.5, 2, -0.2)],
        ),
        # 2016: AAA holds 0101 and 8471; the only 2016 pair is 0101-0102
        ({"region": "AAA", "year": 2016}, [("0102", "Cattle", 1.0, 1, None)]),
    ],
    "similar_regions": [
        (
            {"region": "AAA", "year": 2017},
            [("DDD", "Dorvia", 3, 1.0), ("CCC", "Carpania", 1, 1 / 3), ("BBB", "Borduria", 1, 0.2)],
        ),
        ({"region": "AAA", "year": 2017, "limit": 1}, [("DDD", "Dorvia", 3, 1.0)]),
    ],
    "specialisation_changes": [
        (
            {"from_year": 2016, "to_year": 2017},
            [
                ("AAA", "Aland", "0102", "Cattle", "gained", 0.9, 1.5),
                ("AAA", "Aland", "0201", "Meat of cattle", "gained", None, 1.2),
                ("AAA", "Aland", "8471", "Computers", "lost", 1.4, 0.2),
                ("BBB", "Borduria", "0101", "Horses", "gained", 0.8, 1.1),
                ("CCC", "Carpania", "0201", "Meat of cattle", "lost", 1.1, 0.8),
            ],
        ),
        (
            {"from_year": 2016, "to_year": 2017, "code": "0101"},
            [("BBB", "Borduria", "0101", "Horses", "gained", 0.8, 1.1)],
        ),
        ({"from_year": 2015, "to_year": 2017}, []),  # nobody observed in 2015
    ],
    "complexity_ranking": [
        (
            {"year": 2017},
            [
                (1, "BBB", "Borduria", 1.5, 2.0, 3),
                (2, "AAA", "Aland", 0.5, 1.2, 3),
                (3, "CCC", "Carpania", -1.0, 0.4, 1),  # tie with DDD: code order
                (4, "DDD", "Dorvia", -1.0, 0.4, 3),
            ],
        ),
        (
            {"year": 2017, "limit": 2},
            [(1, "BBB", "Borduria", 1.5, 2.0, 3), (2, "AAA", "Aland", 0.5, 1.2, 3)],
        ),
    ],
    "complexity_over_time": [
        (
            {"regions": "AAA,BBB"},
            [
                ("AAA", "Aland", 2016, 1.0, 1, 4, None),
                ("AAA", "Aland", 2017, 0.5, 2, 4, -1.0),
                ("BBB", "Borduria", 2016, 0.8, 2, 4, None),
                ("BBB", "Borduria", 2017, 1.5, 1, 4, 1.0),
            ],
        ),
        ({"regions": ["DDD"], "from_year": 2017}, [("DDD", "Dorvia", 2017, -1.0, 4, 4, None)]),
    ],
    "activity_complexity_ranking": [
        (
            {"year": 2017, "limit": 3},
            [
                (1, "8542", "Integrated circuits", 1.6, 1),
                (2, "8471", "Computers", 1.2, 1),
                (3, "0201", "Meat of cattle", -0.2, 1),
            ],
        ),
        ({"year": 2016}, []),
    ],
    "region_profile": [
        (
            {"region": "AAA"},
            [(2016, 160.0, 3, 2, 2, 1.0, 1.5, None), (2017, 200.0, 4, 3, 3, 0.5, 1.2, None)],
        ),
    ],
    "region_subregions": [
        (
            {"region": "AAA"},
            [
                ("AA1", "Aland North", "nuts2", 1, "AAA", "Aland"),
                ("AA2", "Aland South", "nuts2", 1, "AAA", "Aland"),
                ("AA11", "Aland Capital", "nuts3", 2, "AA1", "Aland North"),
            ],
        ),
        ({"region": "DDD"}, []),
    ],
    "cluster_international_partners": [
        # c1 (AAA): o1-o4 and o2-o5 reach BBB, o3-o6 reaches CCC
        ({"cluster": "c1"}, [("BBB", "Borduria", 2, 2, 2), ("CCC", "Carpania", 1, 1, 1)]),
        # c2 (BBB): o4 reaches o1 (AAA), o6 (CCC), o7 (DDD); o5 reaches o2 (AAA)
        (
            {"cluster": "c2"},
            [
                ("AAA", "Aland", 2, 2, 2),
                ("CCC", "Carpania", 1, 1, 1),
                ("DDD", "Dorvia", 1, 1, 1),
            ],
        ),
    ],
    "locality_gatekeepers": [
        (
            {"region": "AAA"},
            [
                ("o2", "Aland University", "university", 2, 1, 2),
                ("o1", "Alpha Labs", "research", 1, 1, 1),
                ("o3", "Aland Motors", "firm", 1, 1, 1),
            ],
        ),
        # inside AA1 only o1 and o2 (AA11) are local; o3 (AA2) is outside
        (
            {"region": "AA1"},
            [
                ("o2", "Aland University", "university", 1, 2, 2),
                ("o1", "Alpha Labs", "research", 1, 1, 1),
            ],
        ),
        ({"region": "CCC"}, []),  # o6 has no partner in CCC
    ],
    "country_bridges": [
        (
            {"country_a": "BBB", "country_b": "CCC"},
            [
                ("o4", "Borduria Tech", "BBB", "Borduria", 1, 1),
                ("o7", "Dorvia Works", "DDD", "Dorvia", 1, 1),
            ],
        ),
        (
            {"country_a": "AAA", "country_b": "DDD"},
            [
                ("o4", "Borduria Tech", "BBB", "Borduria", 1, 1),
                ("o6", "Carpania Systems", "CCC", "Carpania", 1, 1),
            ],
        ),
    ],
    "collaboration_path": [
        (
            {"source": "o1", "target": "o5"},
            [
                (
                    ["o1", "o2", "o5"],
                    ["Alpha Labs", "Aland University", "Borduria Institute"],
                    2,
                    1,
                ),
                (["o1", "o4", "o5"], ["Alpha Labs", "Borduria Tech", "Borduria Institute"], 2, 1),
            ],
        ),
        (
            {"source": "o3", "target": "o7"},
            [(["o3", "o6", "o7"], ["Aland Motors", "Carpania Systems", "Dorvia Works"], 2, 1)],
        ),
        ({"source": "o1", "target": "o1"}, []),
        ({"source": "o1", "target": "o8"}, []),
    ],
    "partner_candidates": [
        (
            {"organisation": "o1"},
            [
                ("o5", "Borduria Institute", 2, 0, 1, 3),  # via o2 and o4; topic T1
                ("o3", "Aland Motors", 1, 1, 0, 2),  # via o2; cluster c1
                ("o6", "Carpania Systems", 1, 0, 0, 1),
                ("o7", "Dorvia Works", 1, 0, 0, 1),
            ],
        ),
        ({"organisation": "o8"}, []),
    ],
    "cluster_bridging_projects": [
        (
            {"cluster_a": "c1", "cluster_b": "c2"},
            [
                ("pr2", "Chip Alliance", "H2020", "2019-03-01", ["o1"], ["Alpha Labs"], ["o4"],
                 ["Borduria Tech"]),
                ("pr4", "Twin Institutes", "H2020", "2018-06-01", ["o2"], ["Aland University"],
                 ["o5"], ["Borduria Institute"]),
            ],
        ),
        (
            {"cluster_a": "c2", "cluster_b": "c3"},
            [("pr7", "East Link", "HORIZON", "2021-01-01", ["o4"], ["Borduria Tech"], ["o6"],
              ["Carpania Systems"])],
        ),
    ],
    "cluster_members": [
        (
            {"cluster": "c1"},
            [
                ("o1", "Alpha Labs", "research", "AA1", "Aland North", 2015, 2, 3),
                ("o2", "Aland University", "university", "AA11", "Aland Capital", 2016, 3, 4),
                ("o3", "Aland Motors", "firm", "AA2", "Aland South", 2018, 2, 2),
            ],
        ),
        ({"cluster": "c3"}, [("o6", "Carpania Systems", None, "CCC", "Carpania", None, 3, 2)]),
    ],
    "organisation_partners": [
        (
            {"organisation": "o2"},
            [
                ("o1", "Alpha Labs", "AAA", "Aland", 2, 2018, 2020),
                ("o3", "Aland Motors", "AAA", "Aland", 1, 2020, 2020),
                ("o5", "Borduria Institute", "BBB", "Borduria", 1, 2018, 2018),
            ],
        ),
    ],
    "country_collaboration": [
        (
            {},
            [
                ("AAA", "Aland", "AAA", "Aland", 2, 3),
                ("AAA", "Aland", "BBB", "Borduria", 2, 2),
                ("AAA", "Aland", "CCC", "Carpania", 1, 1),
                ("BBB", "Borduria", "BBB", "Borduria", 1, 1),
                ("BBB", "Borduria", "CCC", "Carpania", 1, 1),
                ("BBB", "Borduria", "DDD", "Dorvia", 1, 1),
                ("CCC", "Carpania", "DDD", "Dorvia", 1, 1),
            ],
        ),
        (
            {"min_links": 2},
            [("AAA", "Aland", "AAA", "Aland", 2, 3), ("AAA", "Aland", "BBB", "Borduria", 2, 2)],
        ),
    ],
    "region_organisations": [
        (
            {"region": "AAA"},
            [
                ("o2", "Aland University", "university", "AA11", "Aland Capital", 4, 3),
                ("o1", "Alpha Labs", "research", "AA1", "Aland North", 3, 2),
                ("o3", "Aland Motors", "firm", "AA2", "Aland South", 2, 2),
            ],
        ),
        (
            {"region": "AAA", "type": "firm"},
            [("o3", "Aland Motors", "firm", "AA2", "Aland South", 2, 2)],
        ),
    ],
    "graph_summary": [
        (
            {},
            [
                ("node", "Cluster", 3),
                ("node", "Measure", 2),
                ("node", "Organisation", 9),
                ("node", "Product", 6),
                ("node", "Project", 9),
                ("node", "Region", 11),
                ("node", "Segment", 2),
                ("node", "Topic", 2),
                ("relationship", "ACTIVE_IN", 5),
                ("relationship", "COLLABORATES_WITH", 9),
                ("relationship", "EXPORTS", 24),
                ("relationship", "IN_SEGMENT", 5),
                ("relationship", "LOCATED_IN", 10),
                ("relationship", "MEMBER_OF", 6),
                ("relationship", "PARTICIPATES_IN", 18),
                ("relationship", "PART_OF", 5),
                ("relationship", "PROXIMITY", 10),
                ("relationship", "SCORED", 26),
                ("relationship", "SPECIALISES_IN", 3),
            ],
        ),
    ],
    "data_coverage": [
        (
            {},
            [
                ("EXPORTS", 2016, 11, 4, 5, 630.0, 0, 0, 11),
                ("EXPORTS", 2017, 13, 4, 5, 765.0, 0, 0, 13),
            ],
        ),
    ],
    "check_orphans": [
        (
            {},
            [
                ("Organisation", 2, ["o8"]),  # and the one without id
                ("Product", 1, []),
                ("Project", 1, ["pr9"]),
                ("Region", 2, ["ZZ9", "bbb"]),
            ],
        ),
        ({"labels": "Project,Cluster"}, [("Project", 1, ["pr9"])]),
    ],
    "check_missing_keys": [
        ({}, [("Organisation", "id", 1, 0), ("Product", "code", 1, 0)]),
    ],
    "check_duplicate_keys": [
        ({}, [("Region", "BBB", 2, ["BBB", "bbb"])]),
    ],
    "check_relationship_endpoints": [
        ({}, [("PARTICIPATES_IN", "Cluster", "Project", 1)]),
    ],
    "check_duplicate_relationships": [
        ({}, [("PROXIMITY", "0101", "0102", 2015, "conditional", 2)]),
    ],
    "check_region_hierarchy": [
        (
            {},
            [
                ("ZZ9", "Nowhere", "nuts2", "no country above"),
                ("CC1", "Carpania Hills", "county", "unknown level"),
            ],
        ),
    ],
    # -- Neo4j Graph Data Science (requires: gds; on the embedded store: a clear refusal) --
    # Louvain on the 2017 conditional links: the triangle 0101-0102-0201 (phi 0.6, 0.4, 0.5) and
    # the pair 8471-8542 (0.7), tied only by 0201-8471 (0.1) and 0102-8542 (0.05): two
    # communities, the triangle first (the larger). Weighted modularity of this split:
    # W = 2.35; in-community weights 1.5 and 0.7, strengths 3.15 and 1.55 (of 4.7):
    # 1.5/2.35 - (3.15/4.7)^2 + 0.7/2.35 - (1.55/4.7)^2 = 0.378, the highest of all 52
    # partitions of the five products (next: 0.190, with 0201 alone).
    "product_space_communities": [
        (
            {"year": 2017},
            [
                (1, 3, "0101", "Horses"),
                (1, 3, "0102", "Cattle"),
                (1, 3, "0201", "Meat of cattle"),
                (2, 2, "8471", "Computers"),
                (2, 2, "8542", "Integrated circuits"),
            ],
        ),
        # phi >= 0.45 leaves 0101-0102, 0102-0201 and 8471-8542: the same two groups
        ({"year": 2017, "algorithm": "leiden"},
         [(1, 3, "0101", "Horses"), (1, 3, "0102", "Cattle"), (1, 3, "0201", "Meat of cattle"),
          (2, 2, "8471", "Computers"), (2, 2, "8542", "Integrated circuits")]),
        ({"year": 2017, "min_phi": 0.45, "classification": "HS92"},
         [(1, 3, "0101", "Horses"), (1, 3, "0102", "Cattle"), (1, 3, "0201", "Meat of cattle"),
          (2, 2, "8471", "Computers"), (2, 2, "8542", "Integrated circuits")]),
        # only 0101-0102 in 2016
        ({"year": 2016}, [(1, 2, "0101", "Horses"), (1, 2, "0102", "Cattle")]),
        ({"year": 2017, "classification": "HS07"}, []),
        ({"year": 2017, "backbone": True}, []),  # no link is marked backbone here
    ],
    # Only o1-o2 have two joint projects (pr1, pr8): a two-node network, PageRank 1/2 each;
    # ties go by id. Both are in AAA (o1 in AA1, o2 in AA11).
    "organisation_pagerank": [
        (
            {"min_projects": 2},
            [
                (1, "o1", "Alpha Labs", "AAA", "Aland", 0.5, 1),
                (2, "o2", "Aland University", "AAA", "Aland", 0.5, 1),
            ],
        ),
        ({"min_projects": 3}, []),
        ({"limit": 0}, []),
    ],
}

CASES = [(name, i) for name, cases in EXPECTED.items() for i in range(len(cases))]


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}-{i}" for n, i in CASES])
def test_exact_answer(graph, name, case):
    params, expected = EXPECTED[name][case]
    if library.get(name).requires and graph.kind == "embedded":
        with pytest.raises(QueryError, match=f"query {name!r} needs Neo4j Graph Data Science"):
            library.run(graph, name, params)
        return
    assert answer(graph, name, **params) == rows(pd.DataFrame(expected))


def test_every_read_query_has_an_exact_answer():
    reads = {q.name for q in library.queries() if not q.writes}
    assert reads <= set(EXPECTED), f"no hand-checked answer for {sorted(reads - set(EXPECTED))}"
    assert len(library.names()) >= 20


def test_every_query_runs_with_its_example(graph):
    """The `example:` settings in each header run (read queries) and give the declared columns."""
    for q in library.queries():
        if q.writes:
            continue
        for example in q.examples or ("",):
            params = dict(item.split("=", 1) for item in example.split())
            if q.requires and graph.kind == "embedded":
                with pytest.raises(QueryError, match="needs Neo4j Graph Data Science"):
                    library.run(graph, q, params)
                continue
            frame = library.run(graph, q, params)
            assert tuple(frame.columns) == q.columns, q.name


# -- refusals, injection and store alikeness on the same graph -------------------------------
def _summary(store) -> list[tuple]:
    return rows(library.run(store, "graph_summary"))


def test_write_queries_are_refused_without_write(graph):
    before = _summary(graph)
    with pytest.raises(QueryError, match="'delete_orphans' writes to the graph; run it with"):
        library.run(graph, "delete_orphans")
    with pytest.raises(QueryError, match="writes to the graph"):
        library.run_cypher(graph, "MATCH (n:Region {code: 'AAA'}) DETACH DELETE n")
    with pytest.raises(QueryError, match="writes to the graph"):
        library.run_cypher(graph, "MATCH (n:Region) SET n.name = 'x' RETURN count(n)")
    assert _summary(graph) == before


def test_read_queries_run_read_only_in_the_store(graph):
    """Behind the library's check, the store itself refuses writes in a read-only run."""
    with pytest.raises(StoreError):
        graph.run("MATCH (n:Region {code: 'AAA'}) SET n.name = 'x'", write=False)
    assert rows(library.run(graph, "region_subregions", {"region": "AA1"})) == [
        ("AA11", "Aland Capital", "nuts3", 1, "AA1", "Aland North")
    ]


INJECTIONS = [
    "AAA'}) DETACH DELETE r //",
    "AAA' OR 1=1 OR r.code = '",
    'AAA"}) MATCH (n) DETACH DELETE n //',
    "AAA} RETURN 1 UNION MATCH (n) DETACH DELETE n RETURN 1 //",
    "`AAA`",
]


def test_injection_through_parameters_matches_nothing(graph):
    before = _summary(graph)
    for payload in INJECTIONS:
        _injection_matches_nothing(graph, payload)
    assert _summary(graph) == before


def _injection_matches_nothing(graph, payload: str) -> None:
    assert (
        rows(library.run(graph, "region_specialisations", {"region": payload, "year": 2017})) == []
    )
    assert rows(library.run(graph, "locality_gatekeepers", {"region": payload})) == []
    assert rows(library.run(graph, "collaboration_path", {"source": payload, "target": "o5"})) == []
    assert rows(library.run(graph, "check_orphans", {"labels": [payload]})) == []
    assert rows(library.run_cypher(graph, "RETURN $x AS x", {"x": payload})) == [(payload,)]


def test_injection_through_typed_or_named_parameters_fails(graph):
    before = _summary(graph)
    q = "region_specialisations"
    with pytest.raises(ParameterError, match="expects an int"):
        library.run(graph, q, {"region": "AAA", "year": "2017 MATCH (n) DETACH DELETE n"})
    with pytest.raises(ParameterError, match="expects an int"):
        library.run(graph, q, {"region": "AAA", "year": 2017, "limit": "1; MATCH (n) DELETE n"})
    with pytest.raises(ParameterError, match="must be one of"):
        library.run(graph, q, {"region": "AAA", "year": 2017, "activity": "Product) DELETE (a"})
    with pytest.raises(ParameterError, match="has no parameter"):
        library.run(graph, q, {"region": "AAA", "year": 2017, "x}) DETACH DELETE (r": 1})
    assert _summary(graph) == before


def test_empty_answers_keep_their_columns(graph):
    frame = library.run(graph, "region_specialisations", {"region": "nowhere", "year": 1900})
    assert frame.empty and list(frame.columns) == ["code", "name", "rca", "amount", "share"]


@pytest.mark.neo4j
def test_answers_are_alike_on_both_stores(neo4j_graph, embedded_graph):
    """Frames, not only values: same columns, dtypes and missing values on both stores."""
    for name, params in [
        ("complexity_over_time", {}),
        ("specialisation_changes", {"from_year": 2016, "to_year": 2017}),
        ("cluster_members", {"cluster": "c3"}),
    ]:
        a = library.run(neo4j_graph, name, params)
        b = library.run(embedded_graph, name, params)
        pd.testing.assert_frame_equal(a, b, check_dtype=True)


# -- country groups: a clean hierarchy, one row per sub-region ---------------------------------
@pytest.mark.parametrize("backend", ["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def test_country_groups_are_a_clean_hierarchy(backend, request, tmp_path):
    """Countries with their groups (EU27, EUROPE, WB_*, UN regions) pass the hierarchy check,
    and a group's sub-regions come once each, with the parent inside the group."""
    from smartspec.loaders.classifications import write_countries

    store = (EmbeddedStore(tmp_path / "g.kgl") if backend == "embedded"
             else request.getfixturevalue("neo4j_store"))
    write_countries(store, ["DEU", "FRA", "KOR", "USA"])
    if backend == "embedded":
        store.commit()
    assert rows(library.run(store, "check_region_hierarchy")) == []
    sub = library.run(store, "region_subregions", {"region": "EU27"})
    assert sorted(sub["code"]) == ["DEU", "FRA"]
    assert set(sub["parent"]) == {"EU27"}
    europe = library.run(store, "region_subregions", {"region": "EUROPE"})
    assert not europe["code"].duplicated().any()
    assert {"DEU", "FRA"} <= set(europe["code"])
    assert "KOR" not in set(europe["code"])
    store.close()
