"""The query library's files, header parser, parameter validation, write refusal and injection."""

from __future__ import annotations

import doctest
import re

import pytest
from test_cypher_queries import build_hand_graph, rows

from smartspec.cypher import library
from smartspec.cypher.library import ParameterError, QueryError, QueryFileError
from smartspec.graph_models import schema

HEADER = """// name: regions_of_level
// description: Regions of one level.
//   A second line.
// param: level string default country choices country,nuts2 -- the level
// param: limit int default 5 min 0 max 100
// param: codes list<string> optional -- only these
// mode: read
// stores: neo4j, embedded
// columns: code
// example: level=nuts2
"""
BODY = (
    "MATCH (r:Region) WHERE r.level = $level AND ($codes IS NULL OR r.code IN $codes)\n"
    "RETURN r.code AS code ORDER BY code LIMIT $limit"
)


# -- the shipped files -----------------------------------------------------------------------
def test_library_ships_at_least_twenty_queries_that_parse():
    queries = library.queries()
    assert len(queries) >= 20
    assert [q.name for q in queries] == library.names()
    for q in queries:
        assert q.source == f"{q.name}.cypher"
        assert q.description and q.columns
        assert len(q.summary) <= 80, f"{q.name}: the first sentence is the one-line summary"
        if q.requires:  # Neo4j Graph Data Science: Neo4j only
            assert q.requires == ("gds",) and q.stores == ("neo4j",), q.name
        else:
            assert set(q.stores) == {"neo4j", "embedded"}, q.name
    assert {q.name for q in queries if q.requires} == {
        "product_space_communities",
        "organisation_pagerank",
    }


def test_read_queries_order_their_rows():
    """Deterministic answers: every read query ends with an ORDER BY (ties broken by a key)."""
    for q in library.queries():
        if not q.writes:
            last = q.text[q.text.rfind("RETURN") :]
            assert "ORDER BY" in last, q.name


def test_write_queries_are_marked_and_read_queries_have_no_write_clause():
    for q in library.queries():
        assert library.writes(q.text) == q.writes, q.name
    assert {q.name for q in library.queries() if q.writes} == {"delete_orphans", "delete_year"}


def test_header_round_trips():
    for q in library.queries():
        again = library.parse(q.header() + "\n\n" + q.text, q.source)
        assert again == q, q.name


def test_endpoint_check_matches_the_graph_model(embedded_store):
    """check_relationship_endpoints spells out schema.RELATIONSHIPS; they must agree."""
    text = library.get("check_relationship_endpoints").text
    literal = re.search(r"count, (\[.*\]) AS model", text, re.S).group(1)
    model = embedded_store.run(f"RETURN {literal} AS model")["model"].iloc[0]
    declared = {m["type"]: (set(m["starts"]), set(m["ends"])) for m in model}
    expected = {s.type: (set(s.start), set(s.end)) for s in schema.RELATIONSHIPS.values()}
    assert declared == expected


def test_key_properties_in_checks_match_the_graph_model():
    id_labels = sorted(label for label, spec in schema.NODES.items() if spec.key == "id")
    assert {spec.key for spec in schema.NODES.values()} == {"id", "code"}
    for name in ("check_orphans", "check_missing_keys", "check_duplicate_keys"):
        listed = re.search(r"IN (\['Organisation'[^\]]*\])", library.get(name).text).group(1)
        assert sorted(re.findall(r"'(\w+)'", listed)) == id_labels, name


def test_doctests():
    result = doctest.testmod(library, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 5


# -- the header parser -----------------------------------------------------------------------
def test_parse_reads_every_header_field():
    q = library.parse(HEADER + "\n" + BODY, "x.cypher")
    assert q.name == "regions_of_level"
    assert q.description == "Regions of one level. A second line."
    assert [p.describe() for p in q.parameters] == [
        "level string default country choices country,nuts2",
        "limit int default 5 min 0 max 100",
        "codes list<string> optional",
    ]
    assert q.parameters[0].description == "the level"
    assert (q.mode, q.stores, q.columns, q.examples) == (
        "read",
        ("neo4j", "embedded"),
        ("code",),
        ("level=nuts2",),
    )
    assert q.text == BODY
    assert q.bind({}) == {"level": "country", "limit": 5, "codes": None}


def test_parse_reads_requires_gds_and_round_trips():
    text = HEADER.replace("// stores: neo4j, embedded", "// stores: neo4j\n// requires: gds")
    q = library.parse(text + "\n" + BODY, "x.cypher")
    assert (q.requires, q.stores) == (("gds",), ("neo4j",))
    assert "// stores: neo4j\n// requires: gds\n// columns: code" in q.header()
    assert library.parse(q.header() + "\n\n" + q.text, "x.cypher") == q
    assert library.parse(HEADER + "\n" + BODY, "x.cypher").requires == ()


@pytest.mark.parametrize(
    "change,message",
    [
        (("// name: regions_of_level\n", ""), "exactly one '// name:'"),
        (("// mode: read", "// mode: readonly"), "mode must be read or write"),
        (("level string default", "level text default"), "unknown type 'text'"),
        (("// stores: neo4j, embedded", "// stores: neo4j, sqlite"), "unknown store"),
        (("// columns: code\n", "// columns: code\n// author: me\n"), "unknown header key"),
        (("limit int default 5", "limit int required default 5"), "required with a default"),
        (("limit int default 5", "limit int default five"), "expects an int"),
        (("limit int default 5 min 0", "limit int default 5 min zero"), "needs a number"),
        (("// param: codes list<string> optional -- only these\n", ""), "differ"),
        (("-- the level", "-- the level\n// param: unused int"), "differ"),
        (("name: regions_of_level", "name: Regions"), "lower_snake_case"),
        (("// columns: code", "// requires: apoc\n// columns: code"), "unknown requirement"),
        (("// columns: code", "// requires: gds\n// columns: code"), "runs on Neo4j only"),
    ],
)
def test_parse_refuses_malformed_headers(change, message):
    old, new = change
    assert old in HEADER
    with pytest.raises(QueryFileError, match=message):
        library.parse(HEADER.replace(old, new) + "\n" + BODY, "x.cypher")


def test_parse_ignores_parameters_in_strings_and_comments():
    text = HEADER + "\n" + BODY.replace("ORDER BY", "// not $here\nORDER BY") + " // $nor_here"
    assert library.parse(text).text.endswith("$nor_here")
    with pytest.raises(QueryFileError, match="differ"):
        library.parse(HEADER + "\n" + BODY + " RETURN $extra")


# -- parameter validation --------------------------------------------------------------------
@pytest.mark.parametrize(
    "value,type_,expected",
    [
        ("2017", "int", 2017),
        (" -3 ", "int", -3),
        (2017.0, "int", 2017),
        ("1e3", "float", 1000.0),
        (2, "float", 2.0),
        ("yes", "bool", True),
        ("False", "bool", False),
        ("DEU, FRA", "list<string>", ["DEU", "FRA"]),
        ("", "list<string>", []),
        ("1,2", "list<int>", [1, 2]),
        ((1, "2"), "list<int>", [1, 2]),
        ("null", "int", None),
        (None, "string", None),
        ("0101", "string", "0101"),
    ],
)
def test_coerce(value, type_, expected):
    assert library.coerce(value, type_, "x") == expected


@pytest.mark.parametrize(
    "value,type_",
    [
        ("2017.5", "int"),
        (True, "int"),
        ("abc", "float"),
        ("nan", "float"),
        ("inf", "float"),
        ("maybe", "bool"),
        (2017, "string"),
        ({"a": 1}, "list<string>"),
        ("1,x", "list<int>"),
    ],
)
def test_coerce_refuses(value, type_):
    with pytest.raises(ParameterError, match="parameter 'x' expects a"):
        library.coerce(value, type_, "x")


def test_bind_errors_name_what_was_expected_and_given():
    q = library.get("region_specialisations")
    with pytest.raises(ParameterError, match=r"needs parameter 'year' \(int\): year of"):
        q.bind({"region": "AAA"})
    with pytest.raises(ParameterError, match="parameter 'year' expects an int, got 'last'"):
        q.bind({"region": "AAA", "year": "last"})
    with pytest.raises(ParameterError, match="has no parameter 'yaer'; it takes: region, year"):
        q.bind({"region": "AAA", "yaer": 2017})
    with pytest.raises(ParameterError, match="'limit' must be >= 0, got -1"):
        q.bind({"region": "AAA", "year": 2017, "limit": -1})
    with pytest.raises(ParameterError, match="'activity' must be one of Product, Technology"):
        q.bind({"region": "AAA", "year": 2017, "activity": "Region"})
    with pytest.raises(ParameterError, match="'region' is required"):
        q.bind({"region": None, "year": 2017})
    assert q.bind({"region": "AAA", "year": "2017"}) == {
        "region": "AAA",
        "year": 2017,
        "activity": "Product",
        "limit": 20,
    }


def test_unknown_query_suggests_close_names():
    with pytest.raises(QueryError, match="no query named 'region_specialisation'; did you mean "):
        library.get("region_specialisation")


# -- write queries (each test on a fresh graph, on both stores) -------------------------------
@pytest.fixture
def hand(store):
    build_hand_graph(store)
    return store


def test_write_queries_run_with_write(hand):
    deleted = library.run(hand, "delete_orphans", write=True)
    assert rows(deleted) == [("Organisation", 2), ("Product", 1), ("Project", 1), ("Region", 2)]
    assert rows(library.run(hand, "check_orphans")) == []
    gone = library.run(hand, "delete_year", {"year": 2016}, write=True)
    assert rows(gone) == [("EXPORTS", 11), ("PROXIMITY", 1), ("SCORED", 8)]
    coverage = library.run(hand, "data_coverage")
    assert coverage["year"].tolist() == [2017]
    assert rows(library.run_cypher(hand, "MATCH (n) RETURN count(n) AS n")) == [(44 - 6,)]
