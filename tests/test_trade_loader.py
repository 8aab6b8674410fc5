"""The trade loader: layouts, codes as text, missing values, and every kind of bad input."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from smartspec.loaders._io import LoaderError
from smartspec.loaders.trade import detect_layout, read_trade, write_trade


def write(path, text: str, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_long_layout_keeps_codes_and_missing(tmp_path):
    f = write(
        tmp_path / "t.csv",
        "region,product,year,value\ndeu,0011,2017,5\ndeu,0101,2017,\nfra,0011,2017,2.5\n",
    )
    t = read_trade(f)
    assert t.layout == "long"
    assert t.data["product"].tolist() == ["0011", "0011"]
    assert t.data["region"].tolist() == ["DEU", "FRA"]
    assert t.data["year"].tolist() == [2017, 2017]
    assert t.missing_values == 1
    assert t.rows_read == 3


def test_custom_columns_tsv_and_gzip(tmp_path):
    f = tmp_path / "t.tsv.gz"
    with gzip.open(f, "wt") as fh:
        fh.write("iso\ths\tyr\tusd\nDEU\t0011\t2016\t1\nDEU\t0011\t2017\t3\n")
    t = read_trade(f, region_col="iso", product_col="hs", year_col="yr", value_col="usd")
    assert t.data[["year", "value"]].values.tolist() == [[2016, 1.0], [2017, 3.0]]
    only = read_trade(
        f, region_col="iso", product_col="hs", year_col="yr", value_col="usd", year=2017
    )
    assert only.years == [2017]


def test_shared_layout_needs_a_year(tmp_path):
    f = write(tmp_path / "w.csv", "reporter_iso,product_code,export_value_usd\nafg,0102,7\n")
    assert detect_layout(["reporter_iso", "product_code", "export_value_usd"]) == "shared"
    with pytest.raises(LoaderError, match="no year column 'year'.*pass --year"):
        read_trade(f)
    t = read_trade(f, year=2017)
    assert t.data.values.tolist() == [["AFG", "0102", 2017, 7.0]]
    g = write(tmp_path / "avg.csv", "country,product,value\nafg,0011,30068.0\n")
    assert read_trade(g, year=1999).data["product"].tolist() == ["0011"]


def test_baci_layout_sums_importers_and_scales(tmp_path):
    f = write(
        tmp_path / "BACI_HS92_Y2017.csv",
        "t,i,j,k,v,q\n2017,276,251,10121,1.5,2\n2017,276,842,010121,2.5,1\n"
        "2017,251,276,847130,10,\n",
    )
    t = read_trade(f)
    # numeric exporters as ISO alpha-3 (251 is BACI's France), HS6 summed to HS4 by default,
    # the vintage from the file name
    assert t.layout == "baci" and t.classification == "HS92" and t.level == 4
    rows = t.data.sort_values("region").values.tolist()
    assert rows == [["DEU", "0101", 2017, 4000.0], ["FRA", "8471", 2017, 10000.0]]
    six = read_trade(f, level=6).data.sort_values("region").values.tolist()
    assert six == [["DEU", "010121", 2017, 4000.0], ["FRA", "847130", 2017, 10000.0]]


def test_comtrade_legacy_keeps_exports_to_world(tmp_path):
    header = (
        "Classification,Year,Trade Flow Code,Reporter ISO,Partner Code,Commodity Code,"
        "Trade Value (US$)\n"
    )
    rows = (
        "H4,2017,2,DEU,0,0101,100\nH4,2017,2,DEU,251,0101,60\nH4,2017,1,DEU,0,0101,999\n"
        "H4,2017,2,DEU,0,TOTAL,5000\nH4,2017,2,FRA,0,0011,7\n"
    )
    t = read_trade(write(tmp_path / "c.csv", header + rows))
    assert t.layout == "comtrade" and t.classification == "HS12"  # Comtrade's H4 is HS 2012
    assert t.data.sort_values("region").values.tolist() == [
        ["DEU", "0101", 2017, 100.0],
        ["FRA", "0011", 2017, 7.0],
    ]


def test_comtrade_current_sums_partners_without_world(tmp_path):
    f = write(
        tmp_path / "c.csv",
        "refYear,flowCode,reporterISO,partnerCode,cmdCode,primaryValue,classificationCode\n"
        "2020,X,CHE,276,3004,10,HS\n2020,X,CHE,250,3004,5,HS\n2020,M,CHE,250,3004,5,HS\n",
    )
    t = read_trade(f)
    assert t.data.values.tolist() == [["CHE", "3004", 2020, 15.0]]


# -- bad input: each names the file and what is wrong --------------------------------------


def test_missing_file(tmp_path):
    with pytest.raises(LoaderError, match=r"nope\.csv: file not found"):
        read_trade(tmp_path / "nope.csv")


def test_empty_file_and_header_only(tmp_path):
    with pytest.raises(LoaderError, match="file is empty"):
        read_trade(write(tmp_path / "e.csv", ""))
    with pytest.raises(LoaderError, match="header but no rows"):
        read_trade(write(tmp_path / "h.csv", "region,product,year,value\n"))


def test_misnamed_columns_lists_found(tmp_path):
    f = write(tmp_path / "t.csv", "country,prod,year,val\ndeu,0011,2017,5\n")
    with pytest.raises(
        LoaderError,
        match=r"columns 'region', 'product', 'value' not found; "
        r"found: country, prod, year, val",
    ):
        read_trade(f)


def test_non_numeric_values_name_lines(tmp_path):
    f = write(
        tmp_path / "t.csv",
        "region,product,year,value\na,1,2017,5\na,2,2017,abc\nb,1,2017,1e3\nb,2,2017,n/a\n",
    )
    with pytest.raises(
        LoaderError,
        match=r"t\.csv: column 'value' has 2 non-numeric value\(s\) "
        r"at line\(s\) 3, 5 \(e\.g\. 'abc', 'n/a'\)",
    ):
        read_trade(f)


def test_negative_values_name_lines(tmp_path):
    f = write(tmp_path / "t.csv", "region,product,year,value\na,1,2017,5\na,2,2017,-1\n")
    with pytest.raises(LoaderError, match=r"1 negative value\(s\) at line\(s\) 3"):
        read_trade(f)


def test_bad_year_and_empty_codes(tmp_path):
    with pytest.raises(LoaderError, match=r"non-integer year\(s\) at line\(s\) 2"):
        read_trade(write(tmp_path / "y.csv", "region,product,year,value\na,1,2017.5,5\n"))
    with pytest.raises(LoaderError, match=r"column 'product' is empty at 1 line\(s\): 3"):
        read_trade(write(tmp_path / "c.csv", "region,product,year,value\na,1,2017,5\na,,2017,1\n"))


def test_duplicates_rejected_or_summed(tmp_path):
    f = write(
        tmp_path / "t.csv", "region,product,year,value\na,01,2017,5\nb,01,2017,1\na,01,2017,2\n"
    )
    with pytest.raises(
        LoaderError,
        match=r"1 duplicate \(region, product, year\) key\(s\), "
        r"e\.g\. \(A, 01, 2017\) at lines 2, 4",
    ):
        read_trade(f)
    t = read_trade(f, duplicates="sum")
    assert t.data.sort_values("region")["value"].tolist() == [7.0, 1.0]
    assert t.duplicates_summed == 1


def test_missing_values_can_be_refused(tmp_path):
    f = write(tmp_path / "t.csv", "region,product,year,value\na,01,2017,\n")
    with pytest.raises(LoaderError, match=r"1 row\(s\) without a value, e\.g\. at line\(s\) 2"):
        read_trade(f, missing="error")


def test_wrong_encoding(tmp_path):
    f = write(tmp_path / "t.csv", "region,product,year,value\nCôte,01,2017,1\n", "latin-1")
    # the default reads a non-UTF-8 file as Windows-1252 (see tests/test_io_reader.py) ...
    assert read_trade(f).data["region"].tolist() == ["CÔTE"]
    # ... and a named encoding that does not fit is an error that says what to do
    with pytest.raises(LoaderError, match="not valid ascii text.*--encoding"):
        read_trade(f, encoding="ascii")
    assert read_trade(f, encoding="latin-1").data["region"].tolist() == ["CÔTE"]


def test_bad_file_writes_nothing(tmp_path, store):
    f = write(tmp_path / "t.csv", "region,product,year,value\na,01,2017,5\na,02,2017,-3\n")
    with pytest.raises(LoaderError):
        write_trade(store, read_trade(f))
    assert store.counts().empty


def test_write_trade_twice_same_graph(tmp_path, store):
    f = write(
        tmp_path / "t.csv", "region,product,year,value\na,01,2017,5\na,02,2017,1\nb,01,2016,2\n"
    )
    table = read_trade(f, classification="HS92")
    first = write_trade(store, table)
    c1 = store.counts()
    write_trade(store, table)
    pd.testing.assert_frame_equal(c1, store.counts())
    assert first == {"regions": 2, "products": 2, "exports": 3}
    prods = store.run(
        "MATCH (p:Product) RETURN p.code AS code, p.classification AS cls ORDER BY code"
    )
    # S02: the Atlas sector (Agriculture) of HS92 chapters 01 and 02, from the reference tables
    assert prods.values.tolist() == [["01", "HS92"], ["02", "HS92"], ["S02", "HS92"]]


def test_classifications_never_merge(tmp_path, store):
    hs = write(tmp_path / "hs.csv", "region,product,year,value\na,0111,2017,5\n")
    sitc = write(tmp_path / "sitc.csv", "region,product,year,value\na,0111,1999,5\n")
    write_trade(store, read_trade(hs, classification="HS92"))
    with pytest.raises(LoaderError, match=r"product code 0111 is already in the graph as HS92, "
                                          r"and this file is SITC2; load it with --code-prefix"):
        write_trade(store, read_trade(sitc, classification="SITC2"))
    write_trade(store, read_trade(sitc, classification="SITC2", code_prefix="SITC2:"))
    got = store.run("MATCH (p:Product) RETURN p.code AS code, p.classification AS c ORDER BY code")
    # HS 0111 is no HS92 code; SITC 0111 comes with its (prefixed) division and section
    assert got.values.tolist() == [["0111", "HS92"], ["SITC2:0", "SITC2"], ["SITC2:01", "SITC2"],
                                   ["SITC2:0111", "SITC2"]]
