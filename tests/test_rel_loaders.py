"""Issue 21, data loss and errors: what every loader shares (loaders/_io.py) and what it reports.

- ``--duplicates sum`` adds up values only, and a sum is checked like a value (item 1, 6);
- every loader reports exactly what it stored (item 1): the CLI's report against the store;
- years outside 1800-2100 (``1e20``, ``inf``) are refused with file, column and lines (item 4);
- one code normaliser: case, surrounding and zero-width spaces, NUL refused (item 5);
- file lines, not record numbers, in messages: blank lines and quoted newlines (item 9);
- a stored property that becomes missing in a new load is removed, not an error (store).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from smartspec.cli.main import main
from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.loaders._io import (
    LoaderError,
    check_duplicates,
    normalise_codes,
    parse_year,
    read_table,
)
from smartspec.loaders.clusters import read_clusters, write_clusters
from smartspec.loaders.collaborations import read_collaborations
from smartspec.loaders.employment import read_employment
from smartspec.loaders.patents import read_patents
from smartspec.loaders.trade import read_trade


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def cli_graph(request, kind: str, env_home: Path):
    """The store the CLI wrote to, opened for reading."""
    if kind == "neo4j":
        return request.getfixturevalue("neo4j_store")
    return EmbeddedStore(env_home / "graph.kgl")


def reported(out: str, what: str) -> int:
    """The number the load report gives before ``what`` (``12 patent counts`` -> 12)."""
    m = re.search(rf"([\d,]+) {what}", out)
    assert m, f"no '{what}' in the report: {out}"
    return int(m.group(1).replace(",", ""))


# -- item 1 and 6: --duplicates sum ---------------------------------------------------------


def test_sum_adds_values_only_and_keeps_text():
    frame = pd.DataFrame({"region": ["A", "A", "B"], "code": ["H01L", "H01L", "G06F"],
                          "technology": ["H01L", "H01L", "G06F"], "count": [1.0, 2.0, 4.0]})
    out = check_duplicates(frame, ["region", "code"], path="f.csv", how="sum")
    assert out.to_dict("records") == [
        {"region": "A", "code": "H01L", "technology": "H01L", "count": 3.0},
        {"region": "B", "code": "G06F", "technology": "G06F", "count": 4.0},
    ]


def test_sum_refuses_text_that_differs_within_a_key():
    frame = pd.DataFrame({"r": ["A", "A"], "name": ["x", "y"], "v": [1.0, 2.0]})
    with pytest.raises(LoaderError, match=r"key \(A\) differ in 'name', at lines 2, 3"):
        check_duplicates(frame, ["r"], path="f.csv", how="sum")


def test_sum_that_overflows_is_refused_naming_key_and_lines(tmp_path):
    f = write(tmp_path / "t.csv", "region,product,year,value\nDEU,0101,2017,1e308\n"
              "FRA,0101,2017,5\nDEU,0101,2017,1e308\n")
    with pytest.raises(LoaderError, match=r"t\.csv: the sum of column 'value' over the duplicate "
                       r"\(region, product, year\) key \(DEU, 0101, 2017\) is infinite "
                       r"\(too large\), at lines 2, 4"):
        read_trade(f, duplicates="sum")
    p = write(tmp_path / "p.csv", "region,technology,year,count\nDE1,H01L,2010,1e308\n"
              "DE1,H01L,2010,1e308\n")
    with pytest.raises(LoaderError, match="'count' over the duplicate .* infinite"):
        read_patents(p, duplicates="sum")
    e = write(tmp_path / "e.csv", "region,industry,year,jobs\nDE1,C10,2010,1e308\n"
              "DE1,C10,2010,1e308\n")
    with pytest.raises(LoaderError, match="'jobs' over the duplicate .* infinite"):
        read_employment(e, classification="NACE", duplicates="sum")


def test_summed_importers_that_overflow_are_refused(tmp_path):
    """BACI sums over importers: a sum past the float range is refused, not stored as inf."""
    f = write(tmp_path / "BACI_HS92_Y2017_V202401.csv",
              "t,i,j,k,v,q\n2017,276,251,010121,1e306,1\n2017,276,380,010121,1e306,1\n")
    with pytest.raises(LoaderError, match="region DEU, product 0101, year 2017 sums to inf"):
        read_trade(f)


PATENTS_DUP = ("region,technology,year,count\nDE1,H01L,2010,1\nDE1,H01L,2010,2\n"
               "DE1,G06F,2010,4\nFR1,H01L,2010,3\n")
EMPLOYMENT_DUP = ("region,industry,year,jobs\nDE1,C10,2019,5\nDE1,C10,2019,6\n"
                  "DE1,C11,2019,1\nFR1,C10,2019,2\n")
TRADE_DUP = ("region,product,year,value\nDEU,0101,2017,5\nDEU,0101,2017,6\n"
             "DEU,0102,2017,1\nFRA,0101,2017,2\n")


def test_patents_duplicates_sum_stores_and_reports_every_row(cli_store, env_home, tmp_path,
                                                             capsys, request):
    f = write(tmp_path / "p.csv", PATENTS_DUP)
    code, out, err = run(capsys, "load", "patents", str(f), "--duplicates", "sum")
    assert code == 0, err
    store = cli_graph(request, cli_store, env_home)
    stored = store.run("MATCH (r:Region)-[p:PATENTS]->(t:Technology) RETURN r.code AS region, "
                       "t.code AS technology, p.count AS count ORDER BY region, technology")
    assert stored.values.tolist() == [["DE1", "G06F", 4.0], ["DE1", "H01L", 3.0],
                                      ["FR1", "H01L", 3.0]]
    assert reported(out, "patent counts") == len(stored)
    assert reported(out, "regions") == stored["region"].nunique()


def test_employment_and_trade_duplicates_sum_report_what_is_stored(cli_store, env_home,
                                                                   tmp_path, capsys, request):
    e = write(tmp_path / "e.csv", EMPLOYMENT_DUP)
    code, out, err = run(capsys, "load", "employment", str(e), "--classification", "NACE",
                         "--duplicates", "sum")
    assert code == 0, err
    t = write(tmp_path / "t.csv", TRADE_DUP)
    code, out2, err = run(capsys, "load", "trade", str(t), "--duplicates", "sum")
    assert code == 0, err
    store = cli_graph(request, cli_store, env_home)
    jobs = store.run("MATCH (r:Region)-[e:EMPLOYS]->(i:Industry) RETURN r.code AS region, "
                     "i.code AS industry, e.jobs AS jobs ORDER BY region, industry")
    assert jobs.values.tolist() == [["DE1", "10", 11.0], ["DE1", "11", 1.0],
                                    ["FR1", "10", 2.0]]  # NACE C10 is stored as division 10
    assert reported(out, "jobs counts") == len(jobs)
    exports = store.run("MATCH (r:Region)-[e:EXPORTS]->(p:Product) RETURN r.code AS region, "
                        "p.code AS product, e.value AS value ORDER BY region, product")
    assert exports.values.tolist() == [["DEU", "0101", 11.0], ["DEU", "0102", 1.0],
                                       ["FRA", "0101", 2.0]]
    assert reported(out2, "exports") == len(exports)
    assert reported(out2, "products") == exports["product"].nunique()


COLLAB = ("rcn,pic,role,contribution,type,country,start_date,end_date\n"
          "1,100,coordinator,10,HES,DE,2015-01-01,2017-12-31\n"
          "1,101,participant,5,PRC,fr,2015-01-01,2017-12-31\n"
          "2,100,participant,3,HES,DE,2016-01-01,2018-12-31\n"
          "2,102,participant,1,REC,IT,2016-01-01,2018-12-31\n"
          "2,102,participant,2,REC,IT,2016-01-01,2018-12-31\n")


def test_collaborations_report_what_is_stored(cli_store, env_home, tmp_path, capsys, request):
    f = write(tmp_path / "h2020.csv", COLLAB)
    code, out, err = run(capsys, "load", "collaborations", str(f), "--duplicates", "merge")
    assert code == 0, err
    store = cli_graph(request, cli_store, env_home)
    counts = store.counts().set_index("name")["count"].to_dict()
    assert reported(out, "organisations") == counts["Organisation"] == 3
    assert reported(out, "projects") == counts["Project"] == 2
    assert reported(out, "participations") == counts["PARTICIPATES_IN"] == 4
    merged = store.run("MATCH (:Organisation {id: '102'})-[p:PARTICIPATES_IN]->() "
                       "RETURN p.contribution AS c")
    assert merged["c"].tolist() == [3.0]


# -- item 4: years ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["1e20", "inf", "-inf", "1799", "2101", "nan"])
def test_parse_year_refuses_implausible_years(bad):
    frame = pd.DataFrame({"year": ["2019", bad]})
    with pytest.raises(LoaderError, match=r"f\.csv: column 'year' has 1 .*year\(s\).* at "
                                          r"line\(s\) 3"):
        parse_year(frame, "year", path="f.csv")


def test_parse_year_range_is_an_option():
    frame = pd.DataFrame({"year": ["1700"]})
    assert parse_year(frame, "year", path="f", year_range=(1500, 2100)).tolist() == [1700]


def test_every_loader_refuses_a_year_of_1e20(tmp_path):
    cases = [
        (read_trade, "region,product,year,value\nDEU,0101,2017,1\nDEU,0102,1e20,1\n", {}),
        (read_patents, "region,technology,year,count\nDE1,H01L,2010,1\nDE1,G06F,1e20,1\n", {}),
        (read_employment, "region,industry,year,jobs\nDE1,C10,2019,5\nDE1,C11,1e20,6\n",
         {"classification": "NACE"}),
        (read_collaborations, "organisation,partner,year\na,b,2019\na,c,1e20\n",
         {"layout": "partners"}),
    ]
    for i, (reader, text, kw) in enumerate(cases):
        f = write(tmp_path / f"f{i}.csv", text)
        with pytest.raises(LoaderError, match=rf"f{i}\.csv: column 'year' has 1 year\(s\) "
                           r"outside 1800-2100 at line\(s\) 3 \(e\.g\. '1e20'\)"):
            reader(f, **kw)


def test_cluster_since_outside_the_range_is_refused(tmp_path):
    f = write(tmp_path / "m.csv", "organisation,cluster,since\na,C1,2010\nb,C1,\nc,C1,1e20\n")
    with pytest.raises(LoaderError, match=r"m\.csv: column 'since' has 1 year\(s\) outside "
                                          r"1800-2100 at line\(s\) 4"):
        read_clusters(f)
    ok = read_clusters(write(tmp_path / "n.csv", "organisation,cluster,since\na,C1,2010\nb,C1,\n"))
    assert ok.memberships["since"].tolist()[0] == 2010
    assert ok.memberships["since"].isna().tolist() == [False, True]


# -- item 5: one code normaliser -------------------------------------------------------------


def test_normalise_codes_case_spaces_zero_width():
    codes = pd.Series(["deu", "DEU", " Deu ", "\u200bdeu\u200d", "\u00a0DEU\ufeff", None])
    out = normalise_codes(codes, path="f", column="region", upper=True)
    assert out.tolist()[:5] == ["DEU"] * 5
    assert pd.isna(out.iloc[5])
    kept = normalise_codes(pd.Series([" 0011 "]), path="f", column="product")
    assert kept.tolist() == ["0011"]


def test_patents_and_employment_normalise_region_codes(tmp_path):
    p = write(tmp_path / "p.csv", "region,technology,year,count\ndeu,H01L,2010,1\n"
              "DEU,G06F,2010,1\n Deu ,A61K,2010,1\n\u200bdeu,B01D,2010,1\n")
    assert read_patents(p).data["region"].unique().tolist() == ["DEU"]
    e = write(tmp_path / "e.csv", "region,industry,year,jobs\ndeu,C10,2019,1\nDEU,C11,2019,1\n"
              " Deu ,C12,2019,1\n")
    assert read_employment(e, classification="NACE").data["region"].unique().tolist() == ["DEU"]


def test_nul_in_a_code_is_refused_with_its_line(tmp_path):
    for i, (reader, text, kw) in enumerate([
        (read_trade, "region,product,year,value\nDEU,0101,2017,1\nFR\x00A,0101,2017,1\n", {}),
        (read_patents, "region,technology,year,count\nDE1,H01L,2010,1\nDE\x001,H01L,2010,1\n",
         {}),
        (read_employment, "region,industry,year,jobs\nDE1,C10,2019,5\nDE\x001,C10,2019,6\n",
         {"classification": "NACE"}),
    ]):
        f = write(tmp_path / f"n{i}.csv", text)
        with pytest.raises(LoaderError, match=rf"n{i}\.csv: column 'region' has a NUL "
                                              r"character at 1 line\(s\): 3"):
            reader(f, **kw)


# -- item 9: file lines in messages ------------------------------------------------------------


def test_lines_count_blank_lines_and_quoted_newlines(tmp_path):
    f = write(tmp_path / "t.csv", 'region,product,year,value\n\nDEU,0101,2017,1\n'
              '"FRA",0101,2017,"1\n"\n\nITA,0101,2017,oops\n')
    assert read_table(f).attrs["lines"].lines.tolist() == [3, 4, 7]
    with pytest.raises(LoaderError, match=r"non-numeric value\(s\) at line\(s\) 7 "):
        read_trade(f)
    g = write(tmp_path / "y.csv", "region,technology,year,count\n\nDE1,H01L,2010,1\n"
              "DE1,G06F,1e20,1\n")
    with pytest.raises(LoaderError, match=r"outside 1800-2100 at line\(s\) 4 "):
        read_patents(g)
    d = write(tmp_path / "d.csv", "region,industry,year,jobs\nDE1,C10,2019,5\n\n\n"
              "DE1,C10,2019,6\n")
    with pytest.raises(LoaderError, match=r"at lines 2, 5;"):
        read_employment(d, classification="NACE")


def test_a_plain_file_keeps_no_line_map(tmp_path):
    f = write(tmp_path / "t.csv", "a,b\n1,2\n3,4")
    assert "lines" not in read_table(f).attrs


# -- store: a property that becomes missing --------------------------------------------------


def test_property_that_becomes_missing_is_removed(store, tmp_path):
    first = write(tmp_path / "m1.csv", "organisation,cluster,since\na,C1,2010\nb,C1,2012\n")
    write_clusters(store, read_clusters(first))
    again = write(tmp_path / "m2.csv", "organisation,cluster,since\na,C1,\nb,C1,2012\n")
    write_clusters(store, read_clusters(again))
    back = store.run("MATCH (o:Organisation)-[m:MEMBER_OF]->(:Cluster) "
                     "RETURN o.id AS id, m.since AS since ORDER BY id")
    assert back["id"].tolist() == ["a", "b"]
    assert pd.isna(back["since"].iloc[0]) and back["since"].iloc[1] == 2012


def test_code_errors_name_file_lines_past_blank_lines(tmp_path):
    """Item 9: errors about activity codes (loaders/codes.py) count file lines, not records."""
    f = tmp_path / "p.csv"
    f.write_text('region,technology,year,count\nDE1,H01L,2010,1\n\n"DE2",ZZZZ,2010,1\n')
    with pytest.raises(LoaderError, match=r"code\(s\) of unknown form for IPC at line\(s\) 4 "):
        read_patents(f, classification="IPC")
