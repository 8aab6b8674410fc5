"""The Arrow reader (issue 18): the same tables and messages as the pandas reader, Parquet input
wherever a CSV is accepted, and compute_all's table choices equal to what they replace."""

from __future__ import annotations

import gzip

import numpy as np
import pandas as pd
import pytest

pa = pytest.importorskip("pyarrow")
import pyarrow.parquet as pq  # noqa: E402

from smartspec.algorithms.pipeline import compute_all  # noqa: E402
from smartspec.cli.compute import read_input, run_engine  # noqa: E402
from smartspec.loaders import _io  # noqa: E402
from smartspec.loaders._io import LoaderError, parse_numeric, parse_year, read_table  # noqa: E402
from smartspec.loaders.trade import read_trade  # noqa: E402

CSV = (
    "region,activity,year,value\n"
    "DEU, 0101 ,2019,      52.051\n"
    "deu,0102,2019,1e3\n"
    "FRA,0101,2020,   \n"
    "FRA,0102,2020,+5\n"
)


def _pandas_read(path, **kw):
    """The pandas reader of read_table, as it read every file before the Arrow reader."""
    return _io._read_chunks(path, path.read_bytes()[:2] == b"\x1f\x8b", ",", "utf-8", None, None)


@pytest.mark.parametrize("gz", [False, True])
def test_arrow_reads_what_pandas_read(tmp_path, gz):
    path = tmp_path / ("t.csv.gz" if gz else "t.csv")
    data = CSV.encode()
    path.write_bytes(gzip.compress(data) if gz else data)
    arrow = read_table(path)
    assert arrow["region"].array.__arrow_array__() is not None  # Arrow strings
    old = _pandas_read(path)
    pd.testing.assert_frame_equal(arrow.astype(object), old.astype(object), check_dtype=False)
    assert arrow["value"].isna().tolist() == [False, False, True, False]  # a cell of spaces
    assert parse_numeric(arrow, "value", path=path).tolist()[:2] == [52.051, 1000.0]
    assert parse_year(arrow, "year", path=path).tolist() == [2019, 2019, 2020, 2020]


def test_bad_cells_are_named_by_line_on_the_arrow_path(tmp_path):
    rows = "".join(f"r{i},a,2019,{i}\n" for i in range(20_000))
    path = tmp_path / "big.csv"
    path.write_text("region,activity,year,value\n" + rows + "r,a,2019,12x\n\nr,a,20.5,1\n")
    frame = read_table(path)
    with pytest.raises(LoaderError, match=r"column 'value' has 1 non-numeric value\(s\) at "
                                          r"line\(s\) 20002 \(e.g. '12x'\)"):
        parse_numeric(frame, "value", path=path)
    # the blank line shifts the last record to line 20004
    with pytest.raises(LoaderError, match=r"non-integer year\(s\) at line\(s\) 20004"):
        parse_year(frame, "year", path=path)
    path.write_text("region,activity,year,value\n" + rows + "r,a,2019,nan\n")
    with pytest.raises(LoaderError, match=r"line\(s\) 20002 \(e.g. 'nan'\)"):
        parse_numeric(read_table(path), "value", path=path)


def test_odd_files_go_to_the_pandas_reader(tmp_path):
    # a quoted cell after a space, and a ragged row: read as pandas reads them, or refused
    path = tmp_path / "q.csv"
    path.write_text('a,b\n1, "x,y"\n2,z\n')
    assert read_table(path)["b"].tolist() == ["x,y", "z"]
    path.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(LoaderError, match="not a readable table"):
        read_table(path)


def test_usecols_categorical_numeric(tmp_path):
    path = tmp_path / "b.csv"
    path.write_text("t,i,j,k,v,q\n2021,4,24,382390,      52.051,          NA\n"
                    "2021,4,24,10111,       0.264,       1.854\n")
    frame = read_table(path, usecols=lambda h: ["t", "i", "k", "v"], categorical=["i", "k"],
                       numeric=["v"])
    assert list(frame.columns) == ["t", "i", "k", "v"]
    assert frame.attrs["header"] == ["t", "i", "j", "k", "v", "q"]
    assert isinstance(frame["k"].dtype, pd.CategoricalDtype)
    assert frame["v"].dtype == np.float64 and frame["v"].tolist() == [52.051, 0.264]
    # a cell that is no number: the column comes as text, and its check names the line
    path.write_text("t,i,j,k,v,q\n2021,4,24,382390,      52.051,1\n2021,4,24,10111,  x,1\n")
    frame = read_table(path, usecols=lambda h: ["t", "i", "k", "v"], numeric=["v"])
    with pytest.raises(LoaderError, match=r"line\(s\) 3 \(e.g. 'x'\)"):
        parse_numeric(frame, "v", path=path)


def _parquet(tmp_path, frame, name="p.parquet"):
    path = tmp_path / name
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
    return path


def test_parquet_is_read_everywhere_a_csv_is(tmp_path):
    frame = pd.DataFrame({"region": pd.Categorical(["DEU", "deu ", "FRA"]),
                          "activity": ["0101", "0102", "0101"], "year": [2019, 2019, 2020],
                          "value": [1.5, np.nan, 3.0]})
    path = _parquet(tmp_path, frame)
    text = read_table(path)  # every column as text, as a CSV is read
    assert text["year"].tolist() == ["2019", "2019", "2020"]
    assert text["value"].isna().tolist() == [False, True, False]
    kept = read_table(path, keep_numbers=True)
    assert kept["value"].dtype == np.float64 and kept["year"].dtype == np.int64
    data = read_input(path)
    assert data["region"].astype(str).tolist() == ["DEU", "deu", "FRA"]  # stripped
    # the trade loader reads it too (long layout), codes upper-cased, the missing value skipped
    table = read_trade(path, region_col="region", product_col="activity")
    assert sorted(table.data["region"]) == ["DEU", "FRA"] and table.missing_values == 1
    # errors name the row as the line of the same table written as CSV (row 1 = line 2)
    bad = _parquet(tmp_path, frame.assign(year=["2019", "2019", "20x"]), "bad.parquet")
    with pytest.raises(LoaderError, match=r"bad.parquet: column 'year' .* line\(s\) 4"):
        read_input(bad)


def test_compute_complexity_from_parquet_equals_csv(tmp_path):
    from click.testing import CliRunner

    from smartspec.cli.main import cli

    rng = np.random.default_rng(3)
    cells = [(f"r{r}", f"a{a}", y) for r in range(12) for a in range(30) for y in (2019, 2020)]
    frame = pd.DataFrame(cells, columns=["region", "activity", "year"])
    frame["value"] = rng.lognormal(0, 1, len(frame))
    frame = frame.sample(frac=0.7, random_state=1)
    csv = tmp_path / "p.csv"
    frame.to_csv(csv, index=False)
    outs = []
    for path in (csv, _parquet(tmp_path, frame)):
        out = tmp_path / f"{path.suffix[1:]}.csv"
        res = CliRunner().invoke(cli, ["compute", "complexity", "--input", str(path),
                                       "--format", "csv", "--output", str(out)])
        assert res.exit_code == 0, res.output
        outs.append(pd.read_csv(out))
    pd.testing.assert_frame_equal(outs[0], outs[1], rtol=1e-12)


def test_compute_all_tables_and_present_only_equal_the_merges():
    rng = np.random.default_rng(0)
    rows = [(f"r{r}", f"a{a}", y) for r in range(15) for a in range(40) for y in (1, 2, 3)]
    df = pd.DataFrame(rows, columns=["region", "activity", "year"]).sample(frac=0.5,
                                                                            random_state=2)
    df["value"] = rng.lognormal(0, 1, len(df))
    df = df[~((df["year"] == 3) & (df["region"] == "r0"))]  # r0 absent in year 3
    for method in ("balassa", "additive"):
        full = compute_all(df, method=method)
        fast = compute_all(df, method=method, tables=["regions", "activities", "density"],
                           present_only=True)
        assert set(fast) == {"regions", "activities", "density"}
        obs = full["specialisation"]
        keys = ["year"]
        regions = full["regions"].merge(obs[["region", *keys]].drop_duplicates(),
                                        on=["region", *keys])
        pd.testing.assert_frame_equal(fast["regions"], regions, check_dtype=False)
        acts = full["activities"].merge(obs[["activity", *keys]].drop_duplicates(),
                                        on=["activity", *keys])
        pd.testing.assert_frame_equal(fast["activities"], acts, check_dtype=False)
        dens = full["density"].merge(obs[["region", "activity", "year", "rca"]], how="left",
                                     on=["region", "activity", "year"])
        if method == "balassa":
            dens["rca"] = dens["rca"].fillna(0.0)
        else:  # minus the activity's share of the year's total
            world = obs.groupby(["year", "activity"])["value"].sum()
            share = world / world.groupby("year").transform("sum")
            miss = dens["rca"].isna()
            dens.loc[miss, "rca"] = -share.reindex(
                pd.MultiIndex.from_frame(dens.loc[miss, ["year", "activity"]])).to_numpy()
        pd.testing.assert_frame_equal(fast["density"][dens.columns], dens, check_dtype=False)
        # without density the dense matrices are one period at a time: the same scores
        lean = compute_all(df, method=method, tables=["regions"])
        pd.testing.assert_frame_equal(lean["regions"], full["regions"])
    tables, params, _ = run_engine(df, pair_table=False)
    assert params["years"] == [1, 2, 3] and len(tables["pairs"]) == 0
    assert "r0" not in tables["regions"].loc[tables["regions"]["year"] == 3, "region"].tolist()
