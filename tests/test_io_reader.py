"""The shared reader (loaders/_io.py read_table): separators, encodings, gzip, trailing separators.

Hand-made files for each quirk, then the real publisher files of shared/data/real_formats (read
as they come, with the shape their README gives).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from smartspec.loaders._io import LoaderError, parse_sep, read_table, sniff_sep

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real_formats"


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("header", "sep"),
    [
        ("a,b,c", ","),
        ('"projectID";"topic";"title"', ";"),
        ("appln_id|reg_code|ctry_code|reg_share|inv_share", "|"),
        ("freq,unit,nace_r2,geo\\TIME_PERIOD\t2019 \t2020 ", "\t"),
        ('"a;b",c,d', ","),  # a separator inside quotes does not count
        ("single", ","),
    ],
)
def test_sniff_sep(header, sep):
    assert sniff_sep(header) == sep


def test_sniff_sep_by_name_and_parse_sep():
    assert sniff_sep("a,b", "x.tsv.gz") == "\t"
    assert [parse_sep(t) for t in ("tab", "\\t", ";", "|", "pipe", None)] == [
        "\t", "\t", ";", "|", "|", None
    ]
    with pytest.raises(LoaderError, match="not one character"):
        parse_sep("::")


def test_semicolon_and_pipe_files_are_sniffed(tmp_path):
    f = write(tmp_path / "p.txt", b"appln_id|reg_code|reg_share\n1|DE11|0.5\n1|DE12|0.5\n")
    t = read_table(f)
    assert list(t.columns) == ["appln_id", "reg_code", "reg_share"]
    assert t["reg_code"].tolist() == ["DE11", "DE12"] and t.attrs["sep"] == "|"
    g = write(tmp_path / "c.csv", b'"id";"title"\n"1";"a; b"\n')
    assert read_table(g)["title"].tolist() == ["a; b"]
    assert read_table(g, sep=",").shape[1] == 1  # a forced separator wins over sniffing


def test_gzip_recognised_by_content_not_name(tmp_path):
    f = write(tmp_path / "export.csv", gzip.compress(b"a,b\n1,2\n"))
    assert read_table(f)["b"].tolist() == ["2"]
    g = write(tmp_path / "plain.csv.gz", b"a,b\n1,2\n")  # named .gz, but plain text
    assert read_table(g)["a"].tolist() == ["1"]


def test_bom_is_dropped(tmp_path):
    f = write(tmp_path / "b.csv", "\ufeffcode,name\n01,x\n".encode())
    assert list(read_table(f).columns) == ["code", "name"]


def test_latin1_falls_back_with_a_note(tmp_path):
    f = write(tmp_path / "l.csv", "iso,name\nCIV,Côte d'Ivoire\n".encode("latin-1"))
    t = read_table(f)
    assert t["name"].tolist() == ["Côte d'Ivoire"]
    assert t.attrs["encoding"] == "cp1252" and "not UTF-8" in t.attrs["notes"][0]


def test_latin1_byte_past_the_sample_falls_back(tmp_path):
    body = b"a,b\n" + b"x,y\n" * 40_000 + "z,Curaçao\n".encode("latin-1")
    t = read_table(write(tmp_path / "late.csv", body))
    assert t["b"].iloc[-1] == "Curaçao" and t.attrs["encoding"] == "cp1252"


def test_named_encoding_is_used_as_given(tmp_path):
    f = write(tmp_path / "l.csv", "a\nCôte\n".encode("latin-1"))
    with pytest.raises(LoaderError, match=r"l\.csv: not valid ascii text.*--encoding"):
        read_table(f, encoding="ascii")
    with pytest.raises(LoaderError, match="unknown encoding"):
        read_table(f, encoding="nonsense")


def test_trailing_separator_on_every_line(tmp_path):
    f = write(tmp_path / "t.csv", b'"a","b","c"\n"1","2","3",\n"4","5","6",\n')
    t = read_table(f)
    assert list(t.columns) == ["a", "b", "c"] and t["a"].tolist() == ["1", "4"]
    assert any("ends with a separator" in n for n in t.attrs["notes"])


def test_extra_field_with_a_value_is_an_error(tmp_path):
    f = write(tmp_path / "t.csv", b"a,b\n1,2,\n3,4,oops\n")
    with pytest.raises(LoaderError, match=r"t\.csv: 1 row\(s\) have one field more.*line\(s\) 3"):
        read_table(f)


def test_empty_and_header_only(tmp_path):
    with pytest.raises(LoaderError, match="file is empty"):
        read_table(write(tmp_path / "e.csv", b""))
    with pytest.raises(LoaderError, match="header but no rows"):
        read_table(write(tmp_path / "h.csv", b"a,b\n"))


REAL_FILES = [
    # file, rows, columns, separator, encoding, first column
    ("comtrade_plus/TradeData_CHN_2022_total_by_partner.csv", 1352, 47, ",", "cp1252",
     "typeCode"),
    ("comtrade_plus/TradeData_THA_8542_imports.csv", 1178, 47, ",", "cp1252", "typeCode"),
    ("comtrade_legacy/comtrade_cement_252310_bulkstyle.csv.gz", 16183, 35, ",", "utf-8-sig",
     "Classification"),
    ("cepii_baci/BACI_HS92_Y2021_V202301.csv", 499, 6, ",", "utf-8-sig", "t"),
    ("cepii_baci/country_codes_V202001.csv", 227, 5, ",", "utf-8-sig", "country_code"),
    ("cordis/horizon_europe_topics.csv", 15341, 3, ";", "utf-8-sig", "projectID"),
    ("cordis/cordisref-H2020programmes.csv", 1223, 5, ";", "utf-8-sig", "rcn"),
    ("cordis/cordisref-sicCode.csv", 420, 4, ";", "utf-8-sig", "code"),
    ("eurostat_tsv/tour_occ_arn2.tsv.gz", 16422, 37, "\t", "utf-8-sig",
     "freq,c_resid,unit,nace_r2,geo\\TIME_PERIOD"),
    ("us_census_cbp/zbp16totals.txt.gz", 38722, 13, ",", "utf-8-sig", "zip"),
    ("patents/ipc_technology.csv", 764, 10, ",", "utf-8-sig", "Field_number"),
    ("hs_concordance/JobID-68_Concordance_HS_to_S2.CSV", 5703, 4, ",", "cp1252",
     "HS - Combined  Product Code"),
]


@pytest.mark.parametrize(("name", "rows", "cols", "sep", "encoding", "first"), REAL_FILES)
def test_real_publisher_files(name, rows, cols, sep, encoding, first):
    path = REAL / name
    if not path.exists():
        pytest.skip(f"shared real-format file {path} is not available")
    t = read_table(path)
    assert t.shape == (rows, cols)
    assert (t.attrs["sep"], t.attrs["encoding"], t.columns[0]) == (sep, encoding, first)


def test_real_comtrade_plus_values(tmp_path):
    path = REAL / "comtrade_plus" / "TradeData_CHN_2022_total_by_partner.csv"
    if not path.exists():
        pytest.skip(f"shared real-format file {path} is not available")
    t = read_table(path)
    # the Latin-1 names read right, and the trailing comma did not shift the columns
    assert "Côte d'Ivoire" in set(t["partnerDesc"])
    assert t["isAggregate"].isin(["true", "false"]).all()
    assert sorted(set(t["reporterISO"])) == ["CHN", "DEU", "USA"]
