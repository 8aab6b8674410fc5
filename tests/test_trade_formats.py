"""Trade files as users download them: BACI, UN Comtrade (legacy and Comtrade+), product levels,
HS vintages.

The real publisher files live in ``../shared/data/real_formats`` (test data only, never
shipped); their numbers are checked against totals computed here with the ``csv`` module.
"""

from __future__ import annotations

import csv
import gzip
import io
import shutil
from collections import defaultdict
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.cli.main import cli
from smartspec.loaders import concordance
from smartspec.loaders._io import LoaderError
from smartspec.loaders.countries import country_table
from smartspec.loaders.trade import (
    baci_country_codes,
    numeric_country_codes,
    read_trade,
    write_trade,
)

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real_formats"
BACI_DIR = REAL / "cepii_baci"
BACI = BACI_DIR / "BACI_HS92_Y2021_V202301.csv"
LEGACY = REAL / "comtrade_legacy"
PLUS = REAL / "comtrade_plus"

needs_real = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real publisher files not found at {REAL} (../shared is absent)"
)


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def rows_of(path: Path, encoding: str = "utf-8") -> list[dict[str, str]]:
    """A real file's rows with the csv module (the independent reading)."""
    raw = gzip.open(path, "rb").read() if path.suffix == ".gz" else path.read_bytes()
    return list(csv.DictReader(io.StringIO(raw.decode(encoding), newline="")))


def iso3_codes() -> set[str]:
    return set(country_table()["alpha3"])


def stored_export_total(store) -> float:
    return float(store.run("MATCH ()-[r:EXPORTS]->() RETURN sum(r.value) AS v")["v"].iloc[0])


# -- BACI -----------------------------------------------------------------------------------------


@pytest.fixture
def baci_alone(tmp_path) -> Path:
    """The real BACI file in a folder without the release's country-codes file."""
    if not BACI.exists():
        pytest.skip(f"{BACI} not found (../shared is absent)")
    return Path(shutil.copy(BACI, tmp_path / BACI.name))


@needs_real
def test_baci_real_file_without_codes_file(baci_alone):
    rows = rows_of(baci_alone)
    v_total = sum(float(r["v"]) for r in rows)  # thousands of USD, space-padded
    t = read_trade(baci_alone, layout="baci")
    assert t.classification == "HS92" and t.level == 4  # from the file name; HS4 by default
    assert any("built-in table" in n for n in t.notes)
    assert set(t.data["region"]) <= iso3_codes()
    assert set(t.data["region"]) == {"AFG"}  # exporter 4
    assert (t.data["product"].str.len() == 4).all()
    left = float(t.left_out["value"].sum()) if len(t.left_out) else 0.0
    assert t.data["value"].sum() == pytest.approx(1000 * v_total - left, rel=1e-12)
    # every HS4 value is the sum of its HS6 codes over importers, computed here independently
    by_hs4: dict[str, float] = defaultdict(float)
    for r in rows:
        by_hs4[r["k"].zfill(6)[:4]] += 1000 * float(r["v"])
    got = dict(zip(t.data["product"], t.data["value"], strict=True))
    assert got.keys() == by_hs4.keys()
    assert all(got[k] == pytest.approx(by_hs4[k], rel=1e-12) for k in got)


@needs_real
def test_baci_level_6_keeps_hs6(baci_alone):
    rows = rows_of(baci_alone)
    t = read_trade(baci_alone, layout="baci", level=6)
    assert (t.data["product"].str.len() == 6).all()
    assert len(t.data) == len({r["k"] for r in rows})
    assert t.data["value"].sum() == pytest.approx(1000 * sum(float(r["v"]) for r in rows))


@needs_real
def test_baci_real_file_beside_its_codes_file():
    t = read_trade(BACI)  # auto-detected from t,i,j,k,v,q
    assert t.layout == "baci"
    assert any("country_codes_V202301.csv (found beside the file)" in n for n in t.notes)
    assert set(t.data["region"]) == {"AFG"}


@needs_real
def test_baci_embedded_store_holds_iso3_hs4_and_the_files_total(baci_alone, embedded_store):
    t = read_trade(baci_alone, layout="baci")
    write_trade(embedded_store, t)
    first = embedded_store.counts()
    write_trade(embedded_store, t)
    pd.testing.assert_frame_equal(first, embedded_store.counts())  # idempotent
    v_total = sum(float(r["v"]) for r in rows_of(baci_alone))
    assert stored_export_total(embedded_store) == pytest.approx(1000 * v_total, rel=1e-12)
    # (through EXPORTS: reference tables may add parent products and country groups)
    got = embedded_store.run(
        "MATCH (r:Region)-[:EXPORTS]->(p:Product) RETURN DISTINCT r.code AS region, "
        "p.code AS product, p.classification AS cls"
    )
    assert got["region"].unique().tolist() == ["AFG"]
    assert (got["product"].str.len() == 4).all() and (got["cls"] == "HS92").all()
    assert len(got) == len(t.data)


@needs_real
@pytest.mark.neo4j
def test_baci_neo4j_store_holds_the_files_total(baci_alone, neo4j_store):
    t = read_trade(baci_alone, layout="baci")
    write_trade(neo4j_store, t)
    write_trade(neo4j_store, t)
    v_total = sum(float(r["v"]) for r in rows_of(baci_alone))
    assert stored_export_total(neo4j_store) == pytest.approx(1000 * v_total, rel=1e-12)
    got = neo4j_store.run("MATCH (r:Region)-[e:EXPORTS]->() RETURN DISTINCT r.code AS c")
    assert got["c"].tolist() == ["AFG"]
    n = neo4j_store.run("MATCH ()-[e:EXPORTS]->() RETURN count(e) AS n")["n"].iloc[0]
    assert n == len(t.data)


@needs_real
@pytest.mark.parametrize("name", ["country_codes_V202301.csv", "country_codes_V202001.csv"])
def test_baci_country_codes_files_agree_with_the_built_in_table(name):
    path = BACI_DIR / name
    alpha3, names, notes = baci_country_codes(path)
    builtin = numeric_country_codes()
    file_rows = rows_of(path)
    assert len(names) == len(file_rows)
    for r in file_rows:
        code, iso = r["country_code"], r["iso_3digit_alpha"]
        if code == "490":
            assert alpha3[code] == "TWN" == builtin[code]  # Other Asia, nes: Taiwan
        elif iso in ("N/A", ""):
            assert code not in alpha3 and code not in builtin, code  # 697, 849: no country
        elif name.endswith("V202001.csv") and code == "28":
            # the V202001 file gives Antigua and Barbuda Antarctica's code: ISO wins, noted
            assert iso == "ATA" and alpha3[code] == "ATG" == builtin[code]
            assert any("code 28 is given as ATA" in n for n in notes)
        else:
            assert alpha3[code] == iso == builtin[code], code
    assert alpha3["58"] == "BEL" and alpha3["251"] == "FRA" and alpha3["842"] == "USA"


@needs_real
def test_baci_codes_file_without_namibia_falls_back_to_iso(tmp_path):
    f = write(tmp_path / "BACI_HS92_Y2019_V202001.csv",
              "t,i,j,k,v,q\n2019,516,710,010121,1,NA\n2019,4,710,010121,2,NA\n")
    t = read_trade(f, country_codes=BACI_DIR / "country_codes_V202001.csv")
    assert sorted(t.data["region"]) == ["AFG", "NAM"]
    assert any("516 are not in country_codes_V202001.csv" in n for n in t.notes)


def test_baci_unmapped_codes_and_9999aa_reported_not_dropped_silently(tmp_path):
    f = write(
        tmp_path / "BACI_HS17_Y2020_V202401.csv",
        "t,i,j,k,v,q\n"
        "2020,  276,251,010121,      1.500,          NA\n"
        "2020,490,842,847130,2.000,1\n"
        "2020,697,842,847130,0.500,1\n"
        "2020,842,276,9999AA,4.000,NA\n"
        "2020,58,276,10121,2.000,NA\n",
    )
    t = read_trade(f)
    assert t.classification == "HS17"
    got = t.data.sort_values("region")[["region", "product", "value"]].values.tolist()
    assert got == [["BEL", "0101", 2000.0], ["DEU", "0101", 1500.0], ["TWN", "8471", 2000.0]]
    left = t.left_out.set_index("code")
    assert left.loc["697", "value"] == 500.0 and left.loc["697", "name"] == "Europe EFTA, nes"
    assert left.loc["9999AA", "value"] == 4000.0
    assert t.data["value"].sum() + t.left_out["value"].sum() == 1000 * (1.5 + 2 + 0.5 + 4 + 2)
    text = "\n".join(t.notes)
    assert "exporter 697 'Europe EFTA, nes'" in text and "5.00% of the file's value" in text
    assert "9999AA" in text and "40.00% of the file's value" in text
    assert "stored as TWN" in text


def test_baci_country_codes_option(tmp_path):
    codes = write(
        tmp_path / "mine.csv",
        "country_code,country_name,country_iso2,country_iso3\n4,Afghanistan,AF,AFG\n"
        "999,Nowhere,,N/A\n",
    )
    f = write(tmp_path / "BACI_HS92_Y2020.csv", "t,i,j,k,v,q\n2020,4,8,010121,1,NA\n"
              "2020,999,8,010121,1,NA\n")
    t = read_trade(f, country_codes=codes)
    assert t.data["region"].tolist() == ["AFG"]
    assert t.left_out["name"].tolist() == ["Nowhere"]
    assert any("mine.csv (given)" in n for n in t.notes)


# -- UN Comtrade: the real files ------------------------------------------------------------


def _comtrade_expected(rows, *, flow_col, flows, total_cols=(), region_of=None):
    """Exports by reporter ISO (or code), year and product from the csv rows: total rows, the
    World row when a reporter has one, else the sum over partners."""
    keep = [
        r for r in rows
        if r[flow_col].strip() in flows and r["Commodity Code"] != "TOTAL"
        and all(r[c].strip() in m for c, m in total_cols)
    ]
    out: dict[tuple, float] = defaultdict(float)
    for r in keep:
        region = region_of(r) if region_of else r["Reporter ISO"]
        out[(region, int(r["Year"]), r["Commodity Code"])] += float(r["Trade Value (US$)"])
    return out


@needs_real
def test_comtrade_bicycles_refused_without_conversion_and_loaded_with_it():
    path = LEGACY / "comtrade_bicycles_871200_world.csv"
    with pytest.raises(LoaderError, match=r"several classifications \(HS17 .*HS12 .*--convert-to"):
        read_trade(path)
    t = read_trade(path, convert_to="HS92")
    assert t.classification == "HS92" and sorted(t.converted_from) == [
        "HS02", "HS07", "HS12", "HS17"
    ]
    rows = rows_of(path)
    want = _comtrade_expected(
        rows, flow_col="Trade Flow Code", flows={"2"},
        region_of=lambda r: r["Reporter ISO"] or "TWN",  # 490 Other Asia, nes has no ISO
    )
    assert t.data["value"].sum() == pytest.approx(sum(want.values()), rel=1e-9)
    # no reporter dropped: one region per exporting reporter, Taiwan included
    assert set(t.data["region"]) == {k[0] for k in want}
    assert "TWN" in set(t.data["region"])
    # 871200 is one code in every vintage: each value stays as reported
    got = {(r.region, r.year, r.product): r.value for r in t.data.itertuples()}
    assert got.keys() == want.keys()
    assert all(got[k] == pytest.approx(want[k], rel=1e-12) for k in got)
    # each value records the vintage its reporter and year used
    vint = {
        (r["Reporter ISO"] or "TWN", int(r["Year"])): concordance.classification_name(
            r["Classification"]
        )
        for r in rows
        if r["Trade Flow Code"] == "2"
    }
    stored = {(r.region, r.year): r.converted_from for r in t.data.itertuples()}
    assert stored == vint


@needs_real
def test_comtrade_bicycles_re_exports_only_when_asked():
    path = LEGACY / "comtrade_bicycles_871200_world.csv"
    t = read_trade(path, convert_to="HS92", flow="re-export")
    rows = rows_of(path)
    want = sum(float(r["Trade Value (US$)"]) for r in rows if r["Trade Flow"] == "Re-Export")
    assert t.data["value"].sum() == pytest.approx(want, rel=1e-12)
    exports = read_trade(path, convert_to="HS92")
    only_x = sum(float(r["Trade Value (US$)"]) for r in rows if r["Trade Flow"] == "Export")
    assert exports.data["value"].sum() == pytest.approx(only_x, rel=1e-12)


@needs_real
def test_comtrade_bulk_style_counts_total_rows_only():
    path = LEGACY / "comtrade_cement_252310_bulkstyle.csv.gz"
    t = read_trade(path, convert_to="HS92")
    rows = rows_of(path)
    totals = (("Customs Proc. Code", {"C00"}), ("Mode of Transport Code", {"0"}),
              ("2nd Partner Code", {"0"}))
    want = _comtrade_expected(
        rows, flow_col="Trade Flow", flows={"X"}, total_cols=totals,
        region_of=lambda r: {"S19": "TWN", "ZA1": "ZAF"}.get(r["Reporter ISO"], r["Reporter ISO"]),
    )
    assert t.data["value"].sum() == pytest.approx(sum(want.values()), rel=1e-9)
    everything = sum(float(r["Trade Value (US$)"]) for r in rows if r["Trade Flow"] == "X")
    assert t.data["value"].sum() < 0.9 * everything  # summing breakdown rows counts twice
    # DX / RX are not exports; the one reporter-year with breakdown rows only is reported
    lva = [r for r in rows if r["Trade Flow"] == "X" and r["Reporter ISO"] == "LVA"]
    lva_years = {r["Year"] for r in lva if r["Customs Proc. Code"] == "C00"
                 and r["Mode of Transport Code"] == "0" and r["2nd Partner Code"] == "0"}
    orphan = sum(float(r["Trade Value (US$)"]) for r in lva if r["Year"] not in lva_years)
    left = t.left_out.set_index("code")
    assert left.loc["LVA", "value"] == pytest.approx(orphan) and orphan > 0
    assert set(t.data["region"]) <= iso3_codes() | {"ANT", "SCG"}
    assert {"ANT", "SCG", "TWN"} <= set(t.data["region"])


@needs_real
def test_comtrade_eu28_aggregate_only_file_refused():
    with pytest.raises(LoaderError, match=r"every reporter is an aggregate.*EU2 EU-28"):
        read_trade(LEGACY / "comtrade_eu28_sorghum_H4H5.csv", convert_to="HS92")


@needs_real
@pytest.mark.parametrize(
    "path",
    [
        LEGACY / "comtrade_cement_252310_EU28_by_partner.csv",
        PLUS / "TradeData_THA_8542_imports.csv",
    ],
    ids=["legacy-EU28-imports", "plus-THA-imports"],
)
def test_comtrade_imports_only_files_refused(path):
    with pytest.raises(LoaderError, match=r"no export rows \(flow X\); the file has flows M"):
        read_trade(path)


@needs_real
def test_comtrade_plus_total_commodity_only_refused():
    path = PLUS / "TradeData_CHN_2022_total_by_partner.csv"
    with pytest.raises(LoaderError, match="all the commodity TOTAL"):
        read_trade(path)  # Latin-1 with trailing commas: read, then refused with the reason


# -- UN Comtrade: hand-made files ----------------------------------------------------------


LEGACY_HEADER = (
    "Classification,Year,Trade Flow Code,Trade Flow,Reporter Code,Reporter ISO,Partner Code,"
    "Partner ISO,Commodity Code,Trade Value (US$)\n"
)


def test_comtrade_world_rule_per_reporter_keeps_every_reporter(tmp_path):
    # DEU has a World row (its partner rows are not added to it); FRA only partner rows
    f = write(
        tmp_path / "c.csv",
        LEGACY_HEADER
        + "H4,2017,2,Export,276,DEU,0,WLD,0101,100\n"
        "H4,2017,2,Export,276,DEU,251,FRA,0101,60\n"
        "H4,2017,2,Export,276,DEU,842,USA,0101,30\n"
        "H4,2017,2,Export,251,FRA,276,DEU,0101,7\n"
        "H4,2017,2,Export,251,FRA,842,USA,0101,5\n"
        "H4,2017,3,Re-Export,251,FRA,0,WLD,0101,1000\n",
    )
    t = read_trade(f)
    got = t.data.sort_values("region")[["region", "value"]].values.tolist()
    assert got == [["DEU", 100.0], ["FRA", 12.0]]
    assert any("without a World row (FRA)" in n for n in t.notes)


def test_comtrade_plus_aggregates_left_out_and_codes_resolved(tmp_path):
    header = (
        "typeCode,freqCode,refYear,reporterCode,reporterISO,reporterDesc,flowCode,partnerCode,"
        "partnerISO,partner2Code,classificationCode,cmdCode,customsCode,motCode,mosCode,"
        "primaryValue,isAggregate\n"
    )
    body = (
        '"C","A","2020","276","DEU","Germany","X","0","W00","0","H5","8542","C00","0","0","50",\n'
        '"C","A","2020","97","EU2","EU-28","X","0","W00","0","H5","8542","C00","0","0","150",\n'
        '"C","A","2020","490","S19","Other Asia, nes","X","0","W00","0","H5","8542","C00","0",'
        '"0 ","40",\n'
        '"C","A","2020","276","DEU","Germany","X","0","W00","0","H5","8542","C01","0","0","9",\n'
    )
    f = write(tmp_path / "TradeData.csv", header + body, "latin-1")
    t = read_trade(f)
    assert t.classification == "HS17"
    got = t.data.sort_values("region")[["region", "value"]].values.tolist()
    assert got == [["DEU", 50.0], ["TWN", 40.0]]
    assert t.left_out[["code", "name", "value"]].values.tolist() == [["EU2", "EU-28", 150.0]]
    assert any("reporter EU2 'EU-28' is not a country" in n for n in t.notes)


def test_comtrade_monthly_refused(tmp_path):
    f = write(
        tmp_path / "m.csv",
        "freqCode,refYear,reporterISO,flowCode,partnerCode,cmdCode,primaryValue\n"
        "M,2020,DEU,X,0,0101,1\n",
    )
    with pytest.raises(LoaderError, match=r"not annual \(freqCode 'M' at line 2\)"):
        read_trade(f)


def test_comtrade_mixed_vintages_and_levels_converted_then_summed(tmp_path):
    f = write(
        tmp_path / "c.csv",
        LEGACY_HEADER
        + "H5,2018,2,Export,276,DEU,0,WLD,854232,100\n"
        "H5,2018,2,Export,276,DEU,0,WLD,8471,40\n"
        "H0,1995,2,Export,276,DEU,0,WLD,854211,7\n",
    )
    with pytest.raises(LoaderError, match="--level"):
        read_trade(f, convert_to="HS92")
    t = read_trade(f, convert_to="HS92", level=4)
    by_year = t.data.groupby("year")["value"].sum()
    assert by_year[2018] == pytest.approx(140, rel=1e-12) and by_year[1995] == 7
    assert (t.data["product"].str.len() == 4).all()
    assert any("4-digit codes converted with aggregated weights" in n for n in t.notes)
    # a heading's own row and its 6-digit codes: the heading counts, not both
    g = write(
        tmp_path / "d.csv",
        LEGACY_HEADER
        + "H5,2018,2,Export,276,DEU,0,WLD,8542,100\n"
        "H5,2018,2,Export,276,DEU,0,WLD,854232,60\n",
    )
    both = read_trade(g, convert_to="HS92", level=4)
    assert both.data["value"].sum() == pytest.approx(100, rel=1e-12)
    assert any("not counted twice" in n for n in both.notes)


@needs_real
def test_comtrade_domestic_exports_when_asked():
    path = LEGACY / "comtrade_cement_252310_bulkstyle.csv.gz"
    t = read_trade(path, convert_to="HS92", flow="domestic-export")
    rows = rows_of(path)
    want = sum(
        float(r["Trade Value (US$)"]) for r in rows
        if r["Trade Flow"] == "DX" and r["Customs Proc. Code"] == "C00"
        and r["Mode of Transport Code"] == "0" and r["2nd Partner Code"] == "0"
    )
    assert want > 0
    assert t.data["value"].sum() + t.left_out["value"].sum() == pytest.approx(want, rel=1e-9)


def test_baci_newer_vintage_converted_to_hs92(tmp_path):
    f = write(
        tmp_path / "BACI_HS17_Y2019_V202401.csv",
        "t,i,j,k,v,q\n2019,410,842,854232,100.000,NA\n2019,410,156,854232,50.000,NA\n"
        "2019,410,156,847130,5.000,NA\n",
    )
    t = read_trade(f, convert_to="HS92")
    assert t.classification == "HS92" and t.converted_from == ["HS17"]
    assert t.data["value"].sum() == pytest.approx(155_000, rel=1e-12)
    w = concordance.conversion_table("HS17", "HS92")
    w = w[w["from"] == "854232"]
    want = 150_000 * w.groupby(w["to"].str[:4])["weight"].sum()
    got = t.data.set_index("product")["value"]
    assert got["8471"] == pytest.approx(5_000 + want.get("8471", 0.0))
    assert got["8542"] == pytest.approx(want["8542"])


# -- product levels -------------------------------------------------------------------------


def test_mixed_levels_refused_naming_lines_and_the_option(tmp_path):
    f = write(
        tmp_path / "t.csv",
        "region,product,year,value\nDEU,0101,2017,5\nDEU,010121,2017,2\nFRA,8471,2017,1\n",
    )
    with pytest.raises(
        LoaderError,
        match=r"product codes of 4, 6 digits are mixed, e\.g\. '0101' \(4 digits\) at line 2, "
        r"'010121' \(6 digits\) at line 3; pass --level",
    ):
        read_trade(f)
    t = read_trade(f, level=4)
    # DEU's heading 0101 has its own row: its 6-digit code is not added to it (no double count)
    assert t.data.sort_values("region")[["region", "product", "value"]].values.tolist() == [
        ["DEU", "0101", 5.0], ["FRA", "8471", 1.0]
    ]
    with pytest.raises(LoaderError, match=r"fewer than 6 digits .* at line\(s\) 2, 4"):
        read_trade(f, level=6)


def test_level_sums_longer_codes(tmp_path):
    f = write(
        tmp_path / "t.csv",
        "region,product,year,value\nDEU,010121,2017,5\nDEU,010129,2017,2\nDEU,847130,2017,1\n",
    )
    t = read_trade(f, level=2)
    assert t.data[["product", "value"]].values.tolist() == [["01", 7.0], ["84", 1.0]]


@needs_real
def test_comtrade_mixed_levels_refused(tmp_path):
    rows = (LEGACY / "comtrade_eu28_sorghum_H4H5.csv").read_text().splitlines()
    header = rows[0]
    six = rows[1].replace(",1007,", ",100790,").replace(",EU2,", ",UKR,").replace(",97,", ",804,")
    four = rows[2].replace(",EU2,", ",UKR,").replace(",97,", ",804,")
    f = write(tmp_path / "c.csv", "\n".join([header, six, four]) + "\n")
    with pytest.raises(LoaderError, match=r"4, 6 digits are mixed.*at line 3.*at line 2"):
        read_trade(f, classification="HS12")
    t = read_trade(f, classification="HS12", level=4)
    assert t.data["product"].tolist() == ["1007", "1007"]


# -- HS vintages -------------------------------------------------------------------------------


def test_classification_names():
    assert [concordance.classification_name(c) for c in ("H0", "H6", "hs96", "HS 2007", "S3")] \
        == ["HS92", "HS22", "HS96", "HS07", "SITC3"]


@pytest.mark.parametrize("source", ["HS96", "HS02", "HS07", "HS12", "HS17", "HS22"])
def test_conversion_keeps_totals(tmp_path, source):
    table = concordance.conversion_table(source, "HS92")
    weights = table.groupby("from")["weight"].sum()
    assert np.allclose(weights, 1.0, rtol=0, atol=1e-12)
    rng = np.random.default_rng(7)
    codes = rng.choice(table["from"].unique(), size=300, replace=False)
    frame = pd.DataFrame(
        {"region": rng.choice(["DEU", "FRA", "JPN"], size=300), "product": codes,
         "year": 2020, "value": rng.lognormal(10, 3, size=300)}
    )
    f = tmp_path / "t.csv"
    frame.to_csv(f, index=False)
    t = read_trade(f, classification=source, convert_to="HS92")
    assert t.classification == "HS92" and t.converted_from == [source]
    assert t.data["value"].sum() == pytest.approx(frame["value"].sum(), rel=1e-9, abs=0)
    by_region = t.data.groupby("region")["value"].sum()
    want = frame.groupby("region")["value"].sum()
    assert np.allclose(by_region[want.index], want, rtol=1e-9, atol=0)
    assert set(t.data["product"]) <= set(concordance.conversion_table("HS96", "HS92")["to"])
    assert (t.data["converted_from"] == source).all()
    # at 4 digits (aggregated weights) too
    four = read_trade(f, classification=source, convert_to="HS92", level=4)
    assert four.data["value"].sum() == pytest.approx(frame["value"].sum(), rel=1e-9, abs=0)


def test_conversion_by_hand(tmp_path):
    # HS17 854232 went to HS92 854211 and 854219 (among others) with the table's weights
    f = write(tmp_path / "t.csv", "region,product,year,value\nKOR,854232,2019,1000\n")
    t = read_trade(f, classification="HS17", convert_to="HS92")
    w = concordance.conversion_table("HS17", "HS92")
    w = w[w["from"] == "854232"].set_index("to")["weight"]
    got = t.data.set_index("product")["value"]
    assert np.allclose(got[w.index], 1000 * w, rtol=1e-12)


def test_four_digit_input_converted_with_aggregated_weights(tmp_path):
    f = write(tmp_path / "t.csv", "region,product,year,value\nTHA,8542,2020,1000\n")
    t = read_trade(f, classification="HS17", convert_to="HS92")
    assert t.data["value"].sum() == pytest.approx(1000, rel=1e-12)
    assert any("aggregated weights" in n for n in t.notes)
    w = concordance.conversion_table("HS17", "HS92", 4)
    assert w.loc[w["from"] == "8542", "weight"].sum() == pytest.approx(1.0)


def test_sitc_conversion_keeps_totals(tmp_path):
    table = concordance.conversion_table("SITC3", "SITC2")
    codes = table["from"].unique()[:50]
    frame = pd.DataFrame({"region": "DEU", "product": codes, "year": 2000,
                          "value": np.arange(1, 51, dtype=float)})
    f = tmp_path / "s.csv"
    frame.to_csv(f, index=False)
    t = read_trade(f, classification="S3", convert_to="SITC2")
    assert t.data["value"].sum() == pytest.approx(frame["value"].sum(), rel=1e-9)


def test_conversion_refuses_unknown_codes_and_unknown_sources(tmp_path):
    f = write(tmp_path / "t.csv", "region,product,year,value\nDEU,999998,2020,1\n")
    with pytest.raises(LoaderError, match=r"not HS17 codes and cannot be converted.*999998"):
        read_trade(f, classification="HS17", convert_to="HS92")
    with pytest.raises(LoaderError, match=r"pass --classification"):
        read_trade(f, convert_to="HS92")
    with pytest.raises(LoaderError, match=r"cannot convert SITC2 to HS92"):
        read_trade(f, classification="SITC2", convert_to="HS92")


def test_conversion_recorded_on_exports(tmp_path, embedded_store):
    f = write(
        tmp_path / "c.csv",
        LEGACY_HEADER
        + "H5,2018,2,Export,276,DEU,0,WLD,854232,100\n"
        "H0,2018,2,Export,251,FRA,0,WLD,854211,7\n",
    )
    t = read_trade(f, convert_to="HS92")
    write_trade(embedded_store, t)
    got = embedded_store.run(
        "MATCH (r:Region)-[e:EXPORTS]->(:Product) RETURN r.code AS region, "
        "e.converted_from AS src, sum(e.value) AS v ORDER BY region"
    )
    assert got["src"].tolist() == ["HS17", "HS92"]
    assert np.allclose(got["v"], [100.0, 7.0])


# -- the command line ----------------------------------------------------------------------------


@needs_real
def test_cli_load_baci_without_codes_file(baci_alone, env_home):
    result = CliRunner().invoke(
        cli, ["--store", "embedded", "load", "trade", str(baci_alone), "--layout", "baci"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "(baci layout, HS92, 4-digit products, year 2021)" in result.stdout
    assert "built-in table" in result.stdout
    assert "1 regions in 206 products" in result.stdout


def test_cli_refuses_mixed_levels_then_loads_with_level(tmp_path, env_home):
    f = write(tmp_path / "t.csv", "region,product,year,value\nDEU,0101,2017,5\nFRA,847130,2017,1\n")
    runner = CliRunner()
    bad = runner.invoke(cli, ["--store", "embedded", "load", "trade", str(f)])
    assert bad.exit_code != 0 and "--level" in bad.stderr
    ok = runner.invoke(
        cli, ["--store", "embedded", "load", "trade", str(f), "--level", "4", "--region-level",
              "country"],
    )
    assert ok.exit_code == 0, ok.output
    assert "2 exports of 2 regions in 2 products" in ok.stdout


# -- a user's own conversion table (--concordance) ----------------------------------------------

CONC = REAL / "hs_concordance"


def _pairs_by_hand(name: str) -> set[tuple[str, str]]:
    """The code pairs of a real concordance file, read with openpyxl / xlrd / csv directly."""
    path = CONC / name
    if name.endswith(".xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(path, read_only=True)
        sheet = next(s for s in book.sheetnames if "conversion" in s.lower())
        rows = list(book[sheet].iter_rows(min_row=2, values_only=True))
        return {(str(a).strip(), str(b).strip()) for a, b, *_ in rows if a and b}
    if name.endswith(".xls"):
        import xlrd

        sheet = xlrd.open_workbook(path).sheet_by_name("Conversion HS 2012-HS 1992")
        out = set()
        for r in range(sheet.nrows):
            a, b = str(sheet.cell_value(r, 2)).strip(), str(sheet.cell_value(r, 3)).strip()
            if a.isdigit() and b.isdigit():
                out.add((a, b))
        return out
    text = path.read_bytes().decode("cp1252")
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    return {(r[0].strip(), r[2].strip()) for r in rows if r and r[0].strip() and r[2].strip()}


@needs_real
@pytest.mark.parametrize(
    "name, labels",
    [
        ("HS2017toHS1992ConversionAndCorrelationTables.xlsx", ("HS17", "HS92")),
        ("HS2022toHS1992ConversionAndCorrelationTables.xlsx", ("HS22", "HS92")),
        ("HS 2012 to HS 1992 Correlation and conversion tables.xls", ("HS12", "HS92")),
        ("JobID-10_Concordance_H0_to_S2.CSV", ("HS92", "SITC2")),
        ("JobID-68_Concordance_HS_to_S2.CSV", ("HS - COMBINED", "SITC2")),
    ],
)
def test_real_concordance_files_read(name, labels):
    table, what, got_labels = concordance.read_concordance(CONC / name)
    assert got_labels == labels and name in what
    assert set(zip(table["from"], table["to"], strict=True)) == _pairs_by_hand(name)
    assert np.allclose(table.groupby("from")["weight"].sum(), 1.0)


@needs_real
def test_load_with_a_user_concordance_by_hand(tmp_path):
    name = "HS2017toHS1992ConversionAndCorrelationTables.xlsx"
    pairs = sorted(_pairs_by_hand(name))[:: 50]  # one pair in 50: one target per source here
    frame = pd.DataFrame({"region": "KOR", "product": [a for a, _ in pairs], "year": 2019,
                          "value": np.arange(1.0, len(pairs) + 1)})
    f = tmp_path / "hs17.csv"
    frame.to_csv(f, index=False)
    t = read_trade(f, classification="HS17", concordance_file=CONC / name)
    assert t.classification == "HS92" and (t.data["converted_from"] == "HS17").all()
    want: dict[str, float] = defaultdict(float)
    for (_, b), v in zip(pairs, frame["value"], strict=True):
        want[b] += v
    assert dict(zip(t.data["product"], t.data["value"], strict=True)) == pytest.approx(want)
    with pytest.raises(LoaderError, match="the concordance converts HS17 codes, the rows are HS12"):
        read_trade(f, classification="HS12", concordance_file=CONC / name)


@needs_real
def test_wits_concordance_with_mixed_sitc_lengths_needs_a_level(tmp_path):
    name = "JobID-10_Concordance_H0_to_S2.CSV"
    pairs = sorted(_pairs_by_hand(name))
    frame = pd.DataFrame({"region": "DEU", "product": [a for a, _ in pairs], "year": 1995,
                          "value": 1.0})
    f = tmp_path / "hs92.csv"
    frame.to_csv(f, index=False)
    with pytest.raises(LoaderError, match=r"gives product codes of 3, 4, 5 digits; pass --level"):
        read_trade(f, classification="HS92", concordance_file=CONC / name)
    t = read_trade(f, classification="HS92", concordance_file=CONC / name, level=4)
    assert t.classification == "SITC2"
    assert t.data["value"].sum() == pytest.approx(len(pairs))
    want: dict[str, float] = defaultdict(float)
    for _, b in pairs:
        want[b[:4]] += 1.0
    assert dict(zip(t.data["product"], t.data["value"], strict=True)) == pytest.approx(want)
