"""Reference classifications in the graph: product names and hierarchy, countries and groups.

The expected names, parents and codes below are copied by hand from the Atlas tables
(``shared/data/classifications``) and ISO 3166, not computed by the code under test.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from smartspec.cli.main import main
from smartspec.loaders import classifications as ref
from smartspec.loaders._io import LoaderError
from smartspec.loaders.countries import country_name, numeric_to_alpha3, to_alpha3
from smartspec.loaders.datasets import data_path
from smartspec.loaders.trade import read_trade, write_trade

TRADE_2017 = data_path("world_trade_2017.csv.gz")
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "classifications"
#: HS 4-digit codes of the 2017 table that HS 1992 does not have (introduced in HS 1996-2007;
#: the table is in HS 2012 codes, all of which HS12 knows).
NOT_HS92 = ["2852", "2853", "3824", "3825", "4112", "4113", "4114", "4115", "6003", "6004",
            "6005", "6006", "8486", "8487"]


def _name(value) -> str | None:
    """A stored name, or None (kglite answers a missing `name` with '<Label>_<id>')."""
    if not isinstance(value, str) or value.split("_")[0] in ("Product", "Region"):
        return None
    return value


def _write(tmp_path: Path, text: str, name: str = "t.csv") -> Path:
    f = tmp_path / name
    f.write_text(text)
    return f


# -- the tables, without a store -----------------------------------------------------------------


def test_hs_tables_by_hand():
    hs92 = ref.product_table("HS92").set_index("code")
    assert hs92.loc["8703", "short_name"] == "Cars"
    assert hs92.loc["8703", "name"].startswith("Motor cars and other motor vehicles principally")
    assert hs92.loc["8703", ["level", "parent"]].tolist() == ["heading", "87"]
    assert hs92.loc["87", ["level", "parent"]].tolist() == ["chapter", "S07"]
    assert hs92.loc["S07", ["level", "name"]].tolist() == ["sector", "Transport vehicles"]
    assert hs92.loc["870321", ["level", "parent"]].tolist() == ["subheading", "8703"]
    assert hs92.loc["0101", "short_name"] == "Horses"
    assert hs92.loc["2709", ["natural_resource", "cluster"]].tolist() == [True, "Minerals"]
    assert hs92.loc["0101", "cluster_id"] == 0  # Agriculture
    # the Atlas numbers sectors 0-9 in HS92 and 1-10 in HS12, where "10" is also Cereals
    hs12 = ref.product_table("HS12").set_index("code")
    assert hs12.loc["10", ["level", "short_name"]].tolist() == ["chapter", "Cereals"]
    assert hs12.loc["S10", ["level", "short_name"]].tolist() == ["sector", "Other"]
    for cls in ("HS92", "HS12", "HS22"):
        sectors = ref.product_table(cls).query("level == 'sector'").set_index("code")
        assert sectors["short_name"].to_dict() == {
            "S01": "Textiles", "S02": "Agriculture", "S03": "Stone", "S04": "Minerals",
            "S05": "Metals", "S06": "Chemicals", "S07": "Vehicles", "S08": "Machinery",
            "S09": "Electronics", "S10": "Other"}
    sitc = ref.product_table("SITC2").set_index("code")
    assert sitc.loc["0011", ["level", "parent"]].tolist() == ["subgroup", "00"]
    assert sitc.loc["00", ["level", "parent", "name"]].tolist() == [
        "division", "0", "Live animals chiefly for food"]
    assert sitc.loc["0", ["level", "short_name"]].tolist() == ["section", "Food"]


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data/classifications is not beside the "
                    "repository")
def test_shipped_tables_are_the_atlas_files():
    for name in ("hs92", "hs12", "hs22", "sitc", "country", "group", "group_member"):
        shipped = data_path(f"classifications/{name}.csv.gz").read_bytes()
        assert shipped == (SHARED / f"{name}.csv.gz").read_bytes(), name


def test_classification_names():
    assert [ref.product_classification(c) for c in
            ["HS92", "hs12", "H6", "SITC2:", "sitc-2", "HS", "HS6", "SITC", "NACE", None]] == [
        "HS92", "HS12", "HS22", "SITC2", "SITC2", None, None, None, None, None]


def test_product_space():
    nodes, edges = ref.product_space()
    assert len(nodes) == 865 and len(edges) == 4316
    assert set(edges["source"]) | set(edges["target"]) <= set(nodes["code"])
    assert nodes["cluster"].notna().all() and nodes["cluster_id"].nunique() == 8
    cars = nodes.set_index("code").loc["8703"]
    assert cars["short_name"] == "Cars" and cars["cluster"].startswith("Metalworking")
    prefixed, _ = ref.product_space(prefix="HS92:")
    assert prefixed["code"].str.startswith("HS92:").all()
    with pytest.raises(LoaderError, match="HS92 only"):
        ref.product_space("SITC2")


def test_countries_and_groups_by_hand():
    t = ref.country_reference().set_index("code")
    assert t.loc["DEU", ["name", "iso2", "iso3", "m49"]].tolist() == ["Germany", "DE", "DEU", 276]
    assert t.loc["KOR", "name"] == "South Korea" and t.loc["TWN", "iso2"] == "TW"
    assert t.loc["AFG", "m49"] == 4 and t.loc["LIE", "name"] == "Liechtenstein"  # not in Atlas
    assert t.loc["SUN", ["name", "m49"]].tolist() == ["Soviet Union", 810]  # a former country
    # ROM: Romania's alpha-3 until 2002, in the shipped 1998-2000 table
    assert t.loc["ROM", ["name", "iso2", "iso3", "m49"]].tolist() == ["Romania", "RO", "ROU", 642]
    groups, members = ref.country_groups()
    g = groups.set_index("code")
    assert g.loc["EU27", ["name", "level"]].tolist() == ["European Union", "country_group"]
    assert g.loc["M49_155", ["name", "level", "parent"]].tolist() == [
        "Western Europe", "un_subregion", "M49_150"]
    assert set(groups["level"]) == set(ref.GROUP_LEVELS)
    eu = set(members.loc[members["group"] == "EU27", "country"]) - set(ref.LEGACY_CODES)
    assert len(eu) == 27 and "GBR" not in eu and {"DEU", "FRA", "HRV"} <= eu
    assert set(members.loc[members["country"] == "ROM", "group"]) == {
        "EU27", "EUROPE", "M49_150", "M49_151", "WB_ECS"}
    # one continent and one UN subregion for every country the Atlas places
    placed = members.merge(groups, left_on="group", right_on="code")
    assert not placed[placed["level"] == "continent"]["country"].duplicated().any()


def test_countries_module_uses_iso():
    assert to_alpha3(["UK", "EL", "XK", "de"]).tolist() == ["GBR", "GRC", "XKX", "DEU"]
    assert numeric_to_alpha3(["276", 4, "004", "842", "x"]).tolist()[:3] == ["DEU", "AFG", "AFG"]
    assert numeric_to_alpha3(["842", "x"]).isna().all()  # BACI's USA code is not ISO
    assert country_name("KR") == "South Korea"


# -- in the store ---------------------------------------------------------------------------------


def test_world_trade_2017_named(store):
    table = read_trade(TRADE_2017, year=2017, classification="HS92")
    # every product and every country of the table, in one export row each (fast on Neo4j; the
    # whole table's load is test_load_real's)
    data = table.data
    table.data = data[~data["product"].duplicated() | ~data["region"].duplicated()]
    write_trade(store, table)
    products = store.run(
        "MATCH (p:Product)<-[:EXPORTS]-() WITH DISTINCT p "
        "RETURN p.code AS code, p.name AS name, p.level AS level"
    )
    products["name"] = products["name"].map(_name)
    assert len(products) == 1222
    assert sorted(products.loc[products["name"].isna(), "code"]) == NOT_HS92
    assert set(products.loc[products["name"].notna(), "level"]) == {"heading"}
    note = next(n for n in table.notes if n.startswith("HS92:"))
    assert "14 code(s) it does not know" in note and "2852, 2853" in note
    chain = store.run(
        "MATCH (p:Product {code: '0101'})-[:PART_OF]->(c:Product)-[:PART_OF]->(s:Product) "
        "RETURN p.short_name AS p, c.code AS c, c.level AS cl, c.name AS cn, s.code AS s, "
        "s.level AS sl, s.short_name AS sn"
    )
    assert chain.values.tolist() == [
        ["Horses", "01", "chapter", "Live animals", "S02", "sector", "Agriculture"]]
    cars = store.run(
        "MATCH (p:Product {code: '8703'}) RETURN p.short_name AS s, p.cluster AS c, "
        "p.cluster_id AS ci, p.natural_resource AS nr, p.classification AS cls"
    )
    assert cars.values.tolist() == [
        ["Cars", "Metalworking and Electrical Machinery and Parts", 4, False, "HS92"]]
    # countries: every one of the 224 has a name; Germany's codes and groups
    regions = store.run(
        "MATCH (r:Region)-[:EXPORTS]->() WITH DISTINCT r RETURN r.code AS code, r.name AS name"
    )
    assert len(regions) == 224 and regions["name"].map(_name).notna().all()
    deu = store.run(
        "MATCH (r:Region {code: 'DEU'}) RETURN r.name AS name, r.iso2 AS iso2, r.iso3 AS iso3, "
        "r.m49 AS m49, r.level AS level"
    )
    assert deu.values.tolist() == [["Germany", "DE", "DEU", 276, "country"]]
    groups = store.run(
        "MATCH (:Region {code: 'DEU'})-[:PART_OF]->(g:Region) RETURN g.code AS code, "
        "g.level AS level ORDER BY code"
    )
    assert groups.values.tolist() == [
        ["EU27", "country_group"], ["EUROPE", "continent"], ["G7", "country_group"],
        ["M49_150", "un_region"], ["M49_155", "un_subregion"], ["WB_ECS", "wb_region"]]
    up = store.run("MATCH (:Region {code: 'M49_155'})-[:PART_OF]->(g:Region) RETURN g.code AS c")
    assert up["c"].tolist() == ["M49_150"]


def _snapshot(store) -> dict[str, pd.DataFrame]:
    nodes = store.run(
        "MATCH (n) WHERE n:Product OR n:Region RETURN labels(n)[0] AS label, n.code AS code, "
        "n.name AS name, n.short_name AS short_name, n.level AS level, "
        "n.classification AS cls, n.cluster AS cluster, n.product_space_x AS x, "
        "n.green_product AS green, n.iso2 AS iso2, n.m49 AS m49 ORDER BY label, code"
    )
    links = store.run(
        "MATCH (a)-[:PART_OF]->(b) RETURN a.code AS a, b.code AS b ORDER BY a, b"
    )
    return {"counts": store.counts(), "nodes": nodes, "links": links}


def test_reload_changes_nothing(tmp_path, store):
    f = _write(tmp_path, "region,product,year,value\nDEU,8703,2017,5\n"
               "ZZZ,0000,2017,2\nKOR,0101,2016,3\n")
    six = _write(tmp_path, "region,product,year,value\nFRA,870321,2017,1\n", "six.csv")
    table = read_trade(f, classification="HS92")
    write_trade(store, table)
    write_trade(store, read_trade(six, classification="HS92"))
    first = _snapshot(store)
    notes = list(table.notes)
    write_trade(store, read_trade(f, classification="HS92"))
    write_trade(store, table)
    write_trade(store, read_trade(six, classification="HS92"))
    second = _snapshot(store)
    for key in first:
        pd.testing.assert_frame_equal(first[key], second[key])
    assert table.notes == notes  # said once
    assert "left unnamed: 0000" in notes[0] and "left unnamed: ZZZ" in notes[1]
    # 4 + 1 products, 4 of them named, with ancestors 8703 (for 870321), 87, 01, S07, S02
    got = first["nodes"][first["nodes"]["label"] == "Product"]
    assert got["code"].tolist() == ["0000", "01", "0101", "87", "8703", "870321", "S02", "S07"]
    assert got.set_index("code")["level"].drop("0000").to_dict() == {
        "01": "chapter", "0101": "heading", "87": "chapter", "8703": "heading",
        "870321": "subheading", "S02": "sector", "S07": "sector"}


def test_sitc_with_prefix_beside_hs(tmp_path, store):
    hs = _write(tmp_path, "region,product,year,value\nDEU,0111,2017,5\nDEU,0101,2017,5\n", "h.csv")
    sitc = _write(tmp_path, "region,product,year,value\nDEU,0111,1999,5\nFRA,0011,1999,2\n",
                  "s.csv")
    write_trade(store, read_trade(hs, classification="HS92"))
    with pytest.raises(LoaderError, match="already in the graph as HS92"):
        write_trade(store, read_trade(sitc, classification="SITC2"))
    write_trade(store, read_trade(sitc, classification="SITC2", code_prefix="SITC2:"))
    got = store.run(
        "MATCH (p:Product) WHERE p.code STARTS WITH 'SITC2:' RETURN p.code AS code, "
        "p.level AS level, p.classification AS cls, p.short_name AS short ORDER BY code"
    )
    assert got.values.tolist() == [
        ["SITC2:0", "section", "SITC2", "Food"],
        ["SITC2:00", "division", "SITC2", "Live animals chiefly for food"],
        ["SITC2:0011", "subgroup", "SITC2",
         "Animals of the bovine species (including buffaloes), live"],
        ["SITC2:01", "division", "SITC2", "Meat and preparations"],
        ["SITC2:0111", "subgroup", "SITC2", "Bovine meat, fresh, chilled or frozen"],
    ]
    chain = store.run("MATCH (:Product {code: 'SITC2:0111'})-[:PART_OF*]->(a) "
                      "RETURN a.code AS code ORDER BY code")
    assert chain["code"].tolist() == ["SITC2:0", "SITC2:01"]
    # HS 0111 is no HS92 code: stored without a name or parent; 0101 keeps its HS92 ancestors
    hs_side = store.run("MATCH (p:Product) WHERE NOT p.code STARTS WITH 'SITC2:' "
                        "RETURN p.code AS code, p.classification AS cls ORDER BY code")
    assert hs_side.values.tolist() == [
        ["01", "HS92"], ["0101", "HS92"], ["0111", "HS92"], ["S02", "HS92"]]


def test_ancestor_of_another_classification_is_refused(store):
    ref.write_product_classification(store, ["0101"], "HS92")
    before = _snapshot(store)
    # SITC 0112 is stored nowhere, but its division 01 is HS92's chapter 01
    with pytest.raises(LoaderError, match="product code 01 is already in the graph as HS92"):
        ref.write_product_classification(store, ["0112"], "SITC2")
    after = _snapshot(store)
    for key in before:
        pd.testing.assert_frame_equal(before[key], after[key])


def test_known_values_are_never_removed(store):
    # a chapter has no cluster in the Atlas: a stored one stays, the name is the Atlas's
    store.upsert_nodes("Product", pd.DataFrame({"code": ["01"], "name": ["mine"],
                                                "cluster": ["my cluster"]}))
    done = ref.write_product_classification(store, ["01"], "HS92")
    assert (done.named, done.nodes, done.unknown) == (1, 2, [])
    got = store.run("MATCH (p:Product {code: '01'}) RETURN p.name AS n, p.cluster AS c")
    assert got.values.tolist() == [["Live animals", "my cluster"]]


def test_other_spellings_and_other_classifications(tmp_path, store):
    f = _write(tmp_path, "region,product,year,value\nDEU,2852,2017,5\n")
    table = read_trade(f, classification="H4")  # Comtrade's name of HS 2012
    write_trade(store, table)
    got = store.run("MATCH (p:Product {code: '2852'}) RETURN p.short_name AS s, "
                    "p.classification AS c")
    assert got.values.tolist() == [["Mercury compounds", table.classification]]
    done = ref.write_product_classification(store, ["S:0101"], "sitc rev. 2", prefix="S:")
    got = store.run("MATCH (p:Product {code: 'S:0101'}) RETURN p.short_name AS s")
    assert (done.named, done.unknown, got.values.tolist()) == (0, ["S:0101"], [])  # no SITC code
    ref.write_product_classification(store, ["S:0011"], "sitc rev. 2", prefix="S:")
    got = store.run("MATCH (p:Product {code: 'S:0011'}) RETURN p.classification AS c")
    assert got["c"].tolist() == ["sitc rev. 2"]  # recorded as given
    g = _write(tmp_path, "region,product,year,value\nDEU,X1,2017,5\n", "g.csv")
    table = read_trade(g, classification="MYCODES", code_prefix="MY:")
    write_trade(store, table)  # no reference table: no names, no error
    mine = store.run("MATCH (p:Product) WHERE p.code STARTS WITH 'MY:' "
                     "RETURN p.code AS c, p.short_name AS s")
    assert mine.values.tolist() == [["MY:X1", None]]
    assert not any(n.startswith("MYCODES") for n in table.notes)
    # a region level other than country: no country names or groups
    r = _write(tmp_path, "region,product,year,value\nDE21,2852,2017,5\n", "r.csv")
    write_trade(store, read_trade(r, classification="H4"), level="nuts2")
    assert store.run("MATCH (r:Region {code: 'DE21'})-[:PART_OF]->(g) RETURN g.code").empty


def _run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def test_cli_load_classification(env_home, capsys):
    code, out, err = _run(capsys, "--store", "embedded", "load", "classification", "SITC2",
                          "--code-prefix", "SITC2:")
    assert code == 0, err
    assert "SITC2: named 868 code(s); 868 node(s) with their ancestors, 858 PART_OF" in out
    code, out, err = _run(capsys, "--store", "embedded", "load", "classification", "countries")
    assert code == 0, err
    assert "countries: named 262 code(s)" in out
    code, out, err = _run(capsys, "--store", "embedded", "load", "classification", "countries")
    assert code == 0, err
    code, out, _ = _run(capsys, "--store", "embedded", "db", "stats", "--format", "csv")
    from io import StringIO

    counts = pd.read_csv(StringIO(out)).set_index("name")["count"].to_dict()
    assert counts == {"Product": 868, "Region": 306, "PART_OF": 858 + 964}
    code, _, err = _run(capsys, "--store", "embedded", "load", "classification", "NACE")
    assert code == 1 and "unknown classification 'NACE'" in err and "countries" in err


def test_naics_2022_titles(store):
    from smartspec.loaders.codes import write_hierarchy

    write_hierarchy(store, "Industry", ["311313", "541511", "4521"], "NAICS")
    got = store.run("MATCH (i:Industry) RETURN i.code AS code, i.name AS name ORDER BY code")
    names = {c: _name_any(n) for c, n in zip(got["code"], got["name"], strict=True)}
    assert names["311313"] == "Beet Sugar Manufacturing"
    assert names["3113"] == "Sugar and Confectionery Product Manufacturing"
    assert names["541511"] == "Custom Computer Programming Services"
    assert names["31-33"] == "Manufacturing"
    assert names["4521"] is None  # NAICS 2017's Department Stores: not a NAICS 2022 code
    assert names["44-45"] == "Retail Trade"


def _name_any(value) -> str | None:
    if not isinstance(value, str) or value.startswith("Industry_"):
        return None
    return value
