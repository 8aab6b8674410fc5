"""``smartspec compute complexity|relatedness``: exact numbers from a file, write-back, errors."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.algorithms import relatedness as rl
from smartspec.cli.main import cli
from smartspec.graph_models.store import open_store

# a nested 3 x 3 matrix: a does x, y, z; b does x, y; c does x (M given, no year column)
NESTED = "region,activity,value\na,x,1\na,y,1\na,z,1\nb,x,1\nb,y,1\nc,x,1\n"
# two years of exports for the store: 2000 nested as above (M from Balassa RCA), 2001 another
TRADE = (
    "region,product,year,value\n"
    "a,x,2000,1\na,y,2000,1\na,z,2000,1\nb,x,2000,1\nb,y,2000,1\nc,x,2000,1\n"
    "a,x,2001,2\na,y,2001,1\nb,x,2001,1\nb,z,2001,3\nc,y,2001,1\nc,z,2001,1\n"
)
R3 = np.sqrt(1.5)  # 1.2247...: ECI of the nested matrix


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def table(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype={"region": str, "activity": str,
                                                 "activity_a": str, "activity_b": str})


@pytest.fixture
def nested(tmp_path):
    f = tmp_path / "nested.csv"
    f.write_text(NESTED)
    return f


# -- from a file ---------------------------------------------------------------------------------


def test_complexity_from_file_by_hand(nested, tmp_path):
    out = tmp_path / "eci.csv"
    code, _, err = invoke("compute", "complexity", "--input", str(nested), "--method", "given",
                          "--fitness-iterations", "1", "--format", "csv", "--output", str(out))
    assert code == 0, err
    regions = table(out.read_text())
    # no year column in the file: one period, no year in the output
    assert list(regions.columns) == ["region", "region_name", "diversity", "eci", "fitness", "coi",
                                     "component"]
    assert regions["region_name"].isna().all()  # a, b, c are no country codes: no names
    assert regions["diversity"].tolist() == [3, 2, 1]
    assert regions["eci"].tolist() == pytest.approx([R3, 0.0, -R3], abs=1e-12)
    # one update of the fitness map: F~ = (3, 2, 1) / mean 2
    assert regions["fitness"].tolist() == pytest.approx([1.5, 1.0, 0.5])
    meta = json.loads((tmp_path / "eci.csv.meta.json").read_text())
    assert meta["parameters"]["fitness_iterations"] == 1
    assert meta["parameters"]["pci_standardise"] == "eci"
    assert meta["parameters"]["proximity_diagonal"] == 1.0
    assert "conventions: rca_method=given" in err

    code, text, err = invoke("compute", "complexity", "--input", str(nested), "--method",
                             "given", "--activities", "--fitness-iterations", "1",
                             "--format", "csv")
    assert code == 0, err
    acts = table(text)
    # activities of a file have no names; rows by PCI, highest first: z, y, x
    assert list(acts.columns) == ["activity", "ubiquity", "pci", "complexity", "component"]
    assert acts["activity"].tolist() == ["z", "y", "x"]
    assert acts["ubiquity"].tolist() == [1, 2, 3]
    # PCI on ECI's scale (Growth Lab): ECI of a = mean PCI of x, y, z
    assert acts["pci"].tolist() == pytest.approx([3 * R3, R3, -R3])
    # Q~ = 1 / sum_r M_ra / F_r with F = 1: (1/3, 1/2, 1), mean 11/18
    assert acts["complexity"].tolist() == pytest.approx([18 / 11, 9 / 11, 6 / 11])

    code, text, _ = invoke("compute", "complexity", "--input", str(nested), "--method", "given",
                           "--standardise", "own", "--ddof", "1", "--activities",
                           "--format", "json")
    pci = [row["pci"] for row in json.loads(text)]
    assert pci == pytest.approx([1.0, 0.0, -1.0])  # z-scored by itself with ddof 1


def test_relatedness_from_file_by_hand(nested):
    code, text, err = invoke("compute", "relatedness", "--input", str(nested), "--method",
                             "given", "--proximity", "--format", "csv")
    assert code == 0, err
    prox = table(text)
    # C = [[3, 2, 1], [2, 2, 1], [1, 1, 1]], k = (3, 2, 1): phi = C / max(k)
    assert prox.values.tolist() == [["x", "y", pytest.approx(2 / 3)],
                                    ["x", "z", pytest.approx(1 / 3)],
                                    ["y", "z", pytest.approx(1 / 2)]]
    code, text, err = invoke("compute", "relatedness", "--input", str(nested), "--method",
                             "given", "--format", "csv")
    assert code == 0, err
    pairs = table(text).set_index(["region", "activity"])
    assert list(pairs.columns) == ["region_name", "rca", "m", "density", "cog"]
    assert len(pairs) == 9  # every region x activity, observed or not
    # b lacks z: (phi_zx + phi_zy) / (phi_zx + phi_zy + phi_zz) = (5/6) / (11/6)
    assert pairs.loc[("b", "z"), "density"] == pytest.approx(5 / 11)
    assert pairs.loc[("b", "z"), "rca"] == 0.0 and pairs.loc[("b", "z"), "m"] == 0
    assert pairs.loc[("a", "z"), "cog"] == 0.0  # held already
    lib = rl.cog(pd.read_csv(io.StringIO(NESTED)), method="given").set_index(
        ["region", "activity"])["cog"]
    assert np.allclose(pairs["cog"], lib.reindex(pairs.index))
    # Balland's relatedness density: diagonal 0, percent; c has x only: y from x = (2/3)/(7/6)
    code, text, _ = invoke("compute", "relatedness", "--input", str(nested), "--method", "given",
                           "--diagonal", "0", "--density-scale", "percent", "--format", "csv")
    bal = table(text).set_index(["region", "activity"])["density"]
    assert bal[("c", "y")] == pytest.approx(100 * 4 / 7)
    assert bal[("b", "z")] == pytest.approx(100.0)


def test_relatedness_file_columns_years_and_min_proximity(tmp_path):
    f = tmp_path / "trade.tsv"
    f.write_text(TRADE.replace("region,product,year,value", "iso\ths\tyr\tusd").replace(",", "\t"))
    code, text, err = invoke("compute", "relatedness", "--input", str(f), "--region-col", "iso",
                             "--activity-col", "hs", "--value-col", "usd", "--year-col", "yr",
                             "--proximity", "--min-proximity", "0.6", "--format", "csv")
    assert code == 0, err
    prox = table(text)
    assert list(prox.columns) == ["activity_a", "activity_b", "year", "proximity"]
    assert (prox["proximity"] >= 0.6).all() and set(prox["year"]) <= {2000, 2001}
    code, text, _ = invoke("compute", "complexity", "--input", str(f), "--region-col", "iso",
                           "--activity-col", "hs", "--value-col", "usd", "--year-col", "yr",
                           "--year", "2001", "--format", "csv")
    assert set(table(text)["year"]) == {2001}


# -- on the store, with write-back ---------------------------------------------------------------


def _scored(store, measure: str, label: str) -> pd.DataFrame:
    return store.run(
        f"MATCH (n:{label})-[s:SCORED]->(m:Measure {{id: $id}}) "
        "RETURN n.code AS code, s.year AS year, s.eci AS eci, s.pci AS pci, "
        "s.fitness AS fitness, s.diversity AS diversity, s.coi AS coi, "
        "m.parameters AS parameters ORDER BY year, code", {"id": measure})


def _counts(store) -> dict[str, int]:
    c = store.counts()
    return dict(zip(c["name"], c["count"], strict=True))


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def cli_store(request, env_home, monkeypatch):
    """The CLI's store: a fresh embedded file, or the session's Neo4j emptied."""
    if request.param == "neo4j":
        neo = request.getfixturevalue("neo4j_store")  # empties the database
        monkeypatch.setenv("NEO4J_URI", neo.uri)
        monkeypatch.setenv("NEO4J_USER", "neo4j")
    return request.param


def test_write_back_on_the_store(cli_store, tmp_path):
    f = tmp_path / "trade.csv"
    f.write_text(TRADE)
    assert invoke("load", "trade", str(f))[0] == 0
    code, text, err = invoke("compute", "complexity", "--format", "csv")
    assert code == 0, err
    regions = table(text)
    assert "Product:complexity" in err
    with open_store() as store:
        back = _scored(store, "Product:complexity", "Region")
        acts = _scored(store, "Product:complexity", "Product")
        first = _counts(store)
    got = regions.merge(back, left_on=["region", "year"], right_on=["code", "year"])
    assert len(got) == len(regions) == 6
    assert np.allclose(got["eci_x"], got["eci_y"], equal_nan=True)
    assert np.allclose(got["fitness_x"], got["fitness_y"])
    assert (got["diversity_x"] == got["diversity_y"]).all()
    params = json.loads(back["parameters"].iloc[0])
    assert params["rca_threshold"] == 1.0 and params["pci_standardise"] == "eci"
    assert params["years"] == [2000, 2001]
    assert acts["pci"].notna().sum() == 6
    # idempotent: a second run leaves the same counts
    assert invoke("compute", "complexity")[0] == 0
    with open_store() as store:
        assert _counts(store) == first

    code, text, err = invoke("compute", "relatedness", "--format", "csv")
    assert code == 0, err
    pairs = table(text)
    with open_store() as store:
        rel = store.run(
            "MATCH (a:Region)-[r:EXPORTS]->(p:Product) RETURN a.code AS region, "
            "p.code AS activity, r.year AS year, r.density AS density, r.cog AS cog, r.m AS m, "
            "r.density_diagonal AS diagonal, r.proximity_method AS method")
        prox = store.run(
            "MATCH (a:Product)-[r:PROXIMITY]->(b:Product) RETURN a.code AS a, b.code AS b, "
            "r.year AS year, r.phi AS phi, r.method AS method, r.backbone AS backbone")
        measure = store.run("MATCH (m:Measure {id: 'Product:relatedness'}) "
                            "RETURN m.parameters AS p")
        second = _counts(store)
    both = pairs.merge(rel, on=["region", "activity", "year"], suffixes=("", "_db"))
    assert len(both) == len(rel) == 12  # every observed pair carries the measures
    assert np.allclose(both["density"], both["density_db"])
    assert np.allclose(both["cog"], both["cog_db"])
    assert (rel["diagonal"] == 1.0).all() and (rel["method"] == "conditional").all()
    assert (prox["a"] < prox["b"]).all() and (prox["method"] == "conditional").all()
    assert not prox.duplicated(["a", "b", "year"]).any()
    stored = json.loads(measure["p"].iloc[0])
    assert stored["min_proximity"] == 0.3 and stored["proximity_written"] == len(prox)
    assert invoke("compute", "relatedness")[0] == 0
    with open_store() as store:
        assert _counts(store) == second  # idempotent
    # a stricter threshold replaces the proximities (keeps the backbone) instead of adding
    assert invoke("compute", "relatedness", "--min-proximity", "0.9")[0] == 0
    with open_store() as store:
        strict = store.run("MATCH ()-[r:PROXIMITY]->() RETURN r.phi AS phi, "
                           "r.backbone AS backbone")
    assert len(strict) <= len(prox)
    assert ((strict["phi"] >= 0.9) | strict["backbone"]).all()


# -- errors --------------------------------------------------------------------------------------


def test_errors_are_one_line(nested, tmp_path, env_home):
    code, _, err = invoke("compute", "complexity", "--input", str(nested), "--value-col", "usd")
    assert code == 1
    assert err.strip() == (f"Error: {nested}: column 'usd' not found; found: region, activity, "
                           "value")
    bad = tmp_path / "bad.csv"
    bad.write_text("region,activity,value\na,x,1\nb,x,lots\n")
    code, _, err = invoke("compute", "relatedness", "--input", str(bad))
    assert code == 1 and "column 'value' has 1 non-numeric value(s) at line(s) 3" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = invoke("compute", "complexity", "--diagonal", "2")
    assert code == 2 and "'2' is not one of '1', '0'" in err
    code, _, err = invoke("compute", "relatedness", "--components", "all")
    assert code == 2 and "--components" in err
    code, _, err = invoke("compute", "complexity", "--input", str(nested), "--year-col", "yr")
    assert code == 1 and "column 'yr' not found" in err
    code, _, err = invoke("compute", "complexity", "--region-col", "iso")
    assert code == 1 and err.strip() == "Error: --region-col applies to --input only"
    # nothing loaded: say so and how to load
    code, _, err = invoke("compute", "complexity")
    assert code == 1 and "no Product data in embedded store" in err and "load some first" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = invoke("compute", "relatedness", "--year", "1990")
    assert code == 1 and "for year(s) 1990" in err
    over = tmp_path / "m.csv"
    over.write_text("region,activity,value\na,x,5\n")
    code, _, err = invoke("compute", "complexity", "--input", str(over), "--method", "given")
    assert code == 1 and "method='given' expects M values in [0, 1]" in err


def test_region_and_activity_filters_are_applied_and_recorded(tmp_path):
    f = tmp_path / "t.csv"
    # region d exports 0.5 in all: below --min-region-total 1 it is left out; z is excluded
    f.write_text(NESTED.replace("region,activity,value\n", "region,activity,value\n") + "d,x,0.5\n")
    out = tmp_path / "eci.csv"
    code, _, err = invoke("compute", "complexity", "--input", str(f), "--method", "given",
                          "--min-region-total", "1", "--exclude-activity", "z",
                          "--format", "csv", "--output", str(out))
    assert code == 0, err
    assert "filters: left out 1 of 4 regions" in err
    assert "filters: left out 1 of 3 activities" in err
    assert table(out.read_text())["region"].tolist() == ["a", "b", "c"]
    meta = json.loads((tmp_path / "eci.csv.meta.json").read_text())["parameters"]
    assert meta["min_region_total"] == 1.0 and meta["exclude_activities"] == ["z"]


# -- names next to codes -------------------------------------------------------------------------


def _named_store(tmp_path) -> None:
    """TRADE loaded, with names on some nodes (A, B and x, y; x with a short name); C and z
    stay unnamed."""
    f = tmp_path / "trade.csv"
    f.write_text(TRADE)
    assert invoke("load", "trade", str(f))[0] == 0
    with open_store() as store:
        store.upsert_nodes("Region", pd.DataFrame({"code": ["A", "B"], "name": ["Aland", "Bor"]}))
        store.upsert_nodes("Product", pd.DataFrame({"code": ["x", "y"],
                                                    "name": ["Live horses", "Cattle"]}))
        # a short name (the Atlas's name_short_en) is what the tables show where there is one
        store.run("MATCH (p:Product {code: 'x'}) SET p.short_name = 'Horses'", write=True)


def named(text: str) -> pd.DataFrame:
    """A csv answer with empty names kept as '' (not NaN)."""
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def test_tables_show_names_next_to_codes(cli_store, tmp_path):
    _named_store(tmp_path)
    regions = {"A": "Aland", "B": "Bor", "C": ""}
    products = {"x": "Horses", "y": "Cattle", "z": ""}
    code, text, err = invoke("compute", "specialisation", "--table", "pairs", "--format", "csv")
    assert code == 0, err
    pairs = named(text)
    assert list(pairs.columns) == ["region", "region_name", "activity", "activity_name", "year",
                                   "value", "rca", "m"]
    assert (pairs["region_name"] == pairs["region"].map(regions)).all()
    assert (pairs["activity_name"] == pairs["activity"].map(products)).all()
    code, text, err = invoke("compute", "specialisation", "--table", "activities",
                             "--format", "json")
    assert code == 0, err
    assert {(r["activity"], r["activity_name"]) for r in json.loads(text)} == set(products.items())

    code, text, err = invoke("compute", "complexity", "--format", "csv")
    assert code == 0, err
    eci = named(text)
    assert list(eci.columns)[:3] == ["region", "region_name", "year"]
    assert (eci["region_name"] == eci["region"].map(regions)).all()
    code, text, _ = invoke("compute", "complexity", "--activities", "--format", "csv")
    assert list(named(text).columns)[:3] == ["activity", "activity_name", "year"]

    code, text, err = invoke("compute", "relatedness", "--format", "csv")
    assert code == 0, err
    rel = named(text)
    assert list(rel.columns) == ["region", "region_name", "activity", "activity_name", "year",
                                 "rca", "m", "density", "cog"]
    assert (rel["activity_name"] == rel["activity"].map(products)).all()
    code, text, err = invoke("compute", "relatedness", "--proximity", "--format", "csv")
    assert code == 0, err
    prox = named(text)
    assert list(prox.columns) == ["activity_a", "activity_a_name", "activity_b",
                                  "activity_b_name", "year", "proximity"]
    assert (prox["activity_a_name"] == prox["activity_a"].map(products)).all()
    assert (prox["activity_b_name"] == prox["activity_b"].map(products)).all()
    # the query library names the activities too (they were None before names were loaded)
    code, text, err = invoke("query", "run", "region_specialisations", "-p", "region=A",
                             "-p", "year=2000", "--format", "csv")
    assert code == 0, err
    spec = named(text)
    assert list(spec.columns) == ["code", "name", "rca", "amount", "share"]
    assert dict(zip(spec["code"], spec["name"], strict=True)) == {"y": "Cattle", "z": ""}
    code, text, err = invoke("query", "run", "activity_specialists", "-p", "code=x",
                             "-p", "year=2000", "--format", "csv")
    assert code == 0, err
    assert dict(zip(*named(text)[["region", "name"]].T.values, strict=True)) == {"B": "Bor",
                                                                                "C": ""}


def test_file_tables_name_iso_countries(tmp_path):
    f = tmp_path / "iso.csv"
    f.write_text("region,activity,value\nDEU,x,1\nDEU,y,1\nfr,x,1\nUK,y,2\nQQQ,x,1\n")
    code, text, err = invoke("compute", "complexity", "--input", str(f), "--format", "csv")
    assert code == 0, err
    got = named(text)
    assert dict(zip(got["region"], got["region_name"], strict=True)) == {
        "DEU": "Germany", "fr": "France", "UK": "United Kingdom", "QQQ": ""}


# -- defects of issue 15 -------------------------------------------------------------------------


def test_recompute_replaces_the_scores_of_the_years_it_covers(cli_store, tmp_path):
    """A second run with a filter must not leave the first run's scores on the regions it
    dropped (Bouvet Island among filtered countries), nor their density and COG."""
    f = tmp_path / "trade.csv"
    f.write_text(TRADE + "d,x,2001,0.5\n")  # d: 0.5 in all, below --min-region-total 1
    assert invoke("load", "trade", str(f))[0] == 0
    for command in ("complexity", "relatedness"):
        code, _, err = invoke("compute", command, "--format", "csv")
        assert code == 0, err
    with open_store() as store:
        first = _scored(store, "Product:complexity", "Region")
    assert ("D", 2001) in set(zip(first["code"], first["year"], strict=True))
    for command in ("complexity", "relatedness"):
        code, _, err = invoke("compute", command, "--min-region-total", "1", "--format", "csv")
        assert code == 0, err
        assert "filters: left out 1 of 4 regions" in err
    with open_store() as store:
        second = _scored(store, "Product:complexity", "Region")
        products = _scored(store, "Product:complexity", "Product")
        rels = store.run("MATCH (r:Region)-[x:EXPORTS]->(p:Product) RETURN r.code AS region, "
                         "x.year AS year, x.density AS density, x.cog AS cog, "
                         "x.proximity_method AS method")
    assert set(zip(second["code"], second["year"], strict=True)) == {
        (r, y) for r in "ABC" for y in (2000, 2001)}
    assert len(products) == 6  # x, y, z in both years, replaced not added
    dropped = rels[rels["region"] == "D"]
    assert dropped["density"].isna().all() and dropped["cog"].isna().all()
    assert dropped["method"].isna().all()
    assert rels[rels["region"] != "D"]["density"].notna().all()
    # a run on one year replaces that year only
    code, _, err = invoke("compute", "complexity", "--year", "2001", "--format", "csv")
    assert code == 0, err
    with open_store() as store:
        third = _scored(store, "Product:complexity", "Region")
    assert set(zip(third["code"], third["year"], strict=True)) == {
        *((r, 2000) for r in "ABC"), *((r, 2001) for r in "ABCD")}


def test_mean_diversity_counts_regions_with_data_that_year(cli_store, tmp_path):
    """2001 has regions a, b, c (diversity 2, 1, 2 by hand): mean 5/3, not 5/4 with region e
    that has data in 2000 only."""
    f = tmp_path / "trade.csv"
    f.write_text(TRADE + "e,x,2000,1\n")
    assert invoke("load", "trade", str(f))[0] == 0
    code, text, err = invoke("compute", "specialisation", "--format", "csv")
    assert code == 0, err
    summary = table(text).set_index("year")
    # 2001 by hand: totals a 3, b 4, c 2 (world 9); x 3, y 2, z 4; RCA a-x 2, a-y 1.5, b-x 0.75,
    # b-z 1.6875, c-y 2.25, c-z 1.125
    assert summary.loc[2001, "regions"] == 3
    assert summary.loc[2001, "mean_diversity"] == 1.7
    code, text, _ = invoke("compute", "specialisation", "--table", "regions", "--format", "csv")
    div = table(text)
    assert set(div[div["year"] == 2001]["region"]) == {"A", "B", "C"}
    assert div[div["year"] == 2001].set_index("region")["diversity"].to_dict() == {
        "A": 2, "B": 1, "C": 2}
    with open_store() as store:
        scored = store.run("MATCH (r:Region)-[s:SCORED]->(:Measure {id: "
                           "'Product:specialisation'}) RETURN r.code AS code, s.year AS year")
    assert ("E", 2001) not in set(zip(scored["code"], scored["year"], strict=True))


def test_relatedness_prints_a_summary_unless_all(tmp_path):
    f = tmp_path / "trade.csv"
    f.write_text(TRADE)
    args = ["compute", "relatedness", "--input", str(f), "--activity-col", "product"]
    code, full, err = invoke(*args, "--format", "csv")
    assert code == 0, err
    pairs = table(full)
    assert len(pairs) == 18  # 3 regions x 3 products in each of the two years
    code, text, err = invoke(*args, "--top", "3")
    assert code == 0, err
    lines = text.splitlines()
    assert lines[0].startswith("18 region-activity pairs (2000: 9, 2001: 9): 3 regions, "
                               "3 activities")
    assert "All 18 rows: --output FILE (with --format csv or json), or --all" in text
    shown = [ln.split() for ln in lines if ln.startswith(("     a", "     b", "     c"))]
    assert len(shown) == 3  # the top 3, not the 18 rows
    best = pairs[pairs["m"] == 0].sort_values(["density", "region", "activity", "year"],
                                              ascending=[False, True, True, True]).head(3)
    # region, (region_name: empty for a, b, c), activity, year, ...
    assert [(r[0], r[1], int(r[2])) for r in shown] == list(
        zip(best["region"], best["activity"], best["year"], strict=True))
    code, text, err = invoke(*args, "--all")
    assert code == 0, err
    assert len(text.splitlines()) == 19 and "All 18 rows" not in text
    code, text, _ = invoke(*args, "--proximity")
    assert "proximity pairs" in text and "Highest proximity" in text


def test_complexity_sorted_by_score_with_top(tmp_path):
    f = tmp_path / "trade.csv"
    f.write_text(TRADE)
    args = ["compute", "complexity", "--input", str(f), "--activity-col", "product",
            "--format", "csv"]
    code, text, err = invoke(*args)
    assert code == 0, err
    full = table(text)
    assert full["year"].is_monotonic_increasing
    for _, one in full.groupby("year"):
        assert one["eci"].dropna().is_monotonic_decreasing
    code, text, _ = invoke(*args, "--top", "2")
    top = table(text)
    assert top.groupby("year").size().tolist() == [2, 2]
    expected = full.groupby("year").head(2).reset_index(drop=True)
    assert top["region"].tolist() == expected["region"].tolist()
    code, text, _ = invoke(*args, "--activities", "--top", "1")
    best = table(text)
    acts = table(invoke(*args, "--activities")[1])
    assert best["pci"].tolist() == acts.groupby("year")["pci"].max().tolist()
