"""Both stores behave alike: schema, idempotent upserts, reads, counts, errors."""

from __future__ import annotations

import pandas as pd
import pytest

from smartspec.graph_models import schema
from smartspec.graph_models.store import StoreError, open_store


def _counts(store) -> dict[tuple[str, str], int]:
    return {(k, n): c for k, n, c in store.counts().itertuples(index=False)}


def test_schema_statements_cover_every_key():
    text = "\n".join(schema.schema_statements())
    for spec in schema.NODES.values():
        assert f"FOR (n:{spec.label}) REQUIRE n.{spec.key} IS UNIQUE" in text
    assert "]-() ON" not in text  # no relationship property index: it misleads MERGE plans


def test_schema_rejects_unknown_names():
    with pytest.raises(schema.SchemaError, match="unknown node label 'Country'"):
        schema.node("Country")
    with pytest.raises(schema.SchemaError, match="not a valid property name"):
        schema.check_property("value}) DETACH DELETE (n")


def test_create_schema_creates_constraints(store):
    store.create_schema()
    store.create_schema()  # idempotent
    shown = store.run("SHOW CONSTRAINTS")
    names = set(shown["name"])
    for spec in schema.NODES.values():
        assert f"{spec.label.lower()}_{spec.key}" in names


def test_unique_constraint_is_enforced(store):
    store.create_schema()
    store.run("CREATE (:Region {code: 'AAA'})", write=True)
    with pytest.raises(StoreError):
        store.run("CREATE (:Region {code: 'AAA'})", write=True)


def test_upserts_are_idempotent_and_read_back(store):
    store.create_schema()
    regions = pd.DataFrame({"code": ["A", "B"], "level": ["country", "country"]})
    products = pd.DataFrame({"code": ["0011", "0101"], "classification": ["HS92", None]})
    rels = pd.DataFrame(
        {
            "start": ["A", "A", "B", "A"],
            "end": ["0011", "0101", "0011", "0011"],
            "year": [2017, 2017, 2017, 2018],
            "value": [1.5, 2.0, None, 4.0],
        }
    )
    for _ in range(2):
        store.upsert_nodes("Region", regions)
        store.upsert_nodes("Product", products)
        store.upsert_relationships("EXPORTS", rels, start="Region", end="Product")
    assert _counts(store) == {
        ("node", "Region"): 2,
        ("node", "Product"): 2,
        ("relationship", "EXPORTS"): 4,
    }
    back = store.read_relationships(
        "EXPORTS", start="Region", end="Product", properties=["year", "value"]
    ).sort_values(["start", "end", "year"], ignore_index=True)
    assert back["end"].tolist() == ["0011", "0011", "0101", "0011"]  # codes keep leading zeros
    assert back["year"].tolist() == [2017, 2018, 2017, 2017]
    assert back["value"].tolist()[:3] == [1.5, 4.0, 2.0]
    assert pd.isna(back["value"].iloc[3])
    only = store.read_relationships(
        "EXPORTS", start="Region", end="Product", properties=["value"], where={"year": [2018]}
    )
    assert only["value"].tolist() == [4.0]


def test_upsert_updates_changed_values(store):
    store.create_schema()
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    store.upsert_nodes("Product", pd.DataFrame({"code": ["X", "Y"]}))
    rows = pd.DataFrame(
        {"start": ["A", "A"], "end": ["X", "Y"], "year": [2000, 2000], "value": [1.0, 2.0]}
    )
    store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    rows.loc[0, "value"] = 10.0
    store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    back = store.read_relationships("EXPORTS", start="Region", end="Product", properties=["value"])
    assert sorted(back["value"]) == [2.0, 10.0]
    assert len(back) == 2


def test_undirected_relationships_are_stored_once(store):
    store.create_schema()
    store.upsert_nodes("Product", pd.DataFrame({"code": ["a", "b"]}))
    rows = pd.DataFrame(
        {
            "start": ["b", "a"],
            "end": ["a", "b"],
            "year": [2000, 2000],
            "method": ["mcp", "mcp"],
            "phi": [0.5, 0.5],
        }
    )
    store.upsert_relationships("PROXIMITY", rows, start="Product", end="Product")
    back = store.read_relationships("PROXIMITY", start="Product", end="Product", properties=["phi"])
    assert back[["start", "end"]].values.tolist() == [["a", "b"]]


def test_relationship_endpoints_are_checked(store):
    with pytest.raises(schema.SchemaError, match="EXPORTS goes from Region to Product"):
        store.upsert_relationships(
            "EXPORTS",
            pd.DataFrame({"start": [], "end": [], "year": []}),
            start="Product",
            end="Region",
        )


def test_parameters_are_values_not_code(store):
    store.create_schema()
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    evil = "A'}) DETACH DELETE n //"
    store.upsert_nodes("Region", pd.DataFrame({"code": [evil], "name": ["x' OR 1=1"]}))
    out = store.run("MATCH (n:Region) RETURN n.code AS code ORDER BY code")
    assert out["code"].tolist() == ["A", evil]


def test_read_only_queries_refuse_writes(store):
    with pytest.raises(StoreError):
        store.run("CREATE (:Region {code: 'Z'})")
    assert store.run("MATCH (n) RETURN count(n) AS c")["c"].iloc[0] == 0


def test_unknown_store_kind():
    with pytest.raises(StoreError, match="unknown store 'mysql'"):
        open_store("mysql")


def test_unreachable_neo4j_names_the_uri():
    port = 1  # nothing listens on port 1 of loopback
    with pytest.raises(StoreError, match=r"Neo4j is unreachable at bolt://127\.0\.0\.1:1"):
        open_store("neo4j", uri=f"bolt://127.0.0.1:{port}")


def test_embedded_store_writes_land_only_on_commit(tmp_path):
    from smartspec.graph_models.embedded_store import EmbeddedStore

    path = tmp_path / "g.kgl"
    with EmbeddedStore(path) as s:
        s.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    s = EmbeddedStore(path)
    s.upsert_nodes("Region", pd.DataFrame({"code": ["B"]}))
    s.close()  # no commit: B is lost, A stays
    with EmbeddedStore(path) as s:
        assert s.run("MATCH (n:Region) RETURN n.code AS c")["c"].tolist() == ["A"]


def test_embedded_store_is_single_writer(tmp_path):
    from smartspec.graph_models.embedded_store import EmbeddedStore

    with EmbeddedStore(tmp_path / "g.kgl"):
        with pytest.raises(StoreError, match="in use by another smartspec process"):
            EmbeddedStore(tmp_path / "g.kgl")


def test_keyed_relationships_carry_a_unique_key(store):
    store.create_schema()
    store.upsert_nodes("Region", pd.DataFrame({"code": ["A"]}))
    store.upsert_nodes("Product", pd.DataFrame({"code": ["0011"]}))
    rows = pd.DataFrame({"start": ["A", "A"], "end": ["0011", "0011"], "year": [2016, 2017],
                         "value": [1.0, 2.0]})
    for _ in range(2):
        store.upsert_relationships("EXPORTS", rows, start="Region", end="Product")
    keys = store.run("MATCH ()-[r:EXPORTS]->() RETURN r.key AS key ORDER BY key")["key"].tolist()
    assert keys == ["Region:A|Product:0011|2016", "Region:A|Product:0011|2017"]
    with pytest.raises(StoreError):  # the uniqueness constraint holds on both stores
        store.run("MATCH (a:Region {code: 'A'}), (b:Product {code: '0011'}) "
                  "CREATE (a)-[:EXPORTS {key: 'Region:A|Product:0011|2016'}]->(b)", write=True)
    with pytest.raises(schema.SchemaError, match="'key' of EXPORTS is made by the store"):
        store.upsert_relationships("EXPORTS", rows.assign(key="x"), start="Region", end="Product")
