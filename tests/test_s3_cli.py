"""recommend, pathways, report and model end to end on small stores, and their bad-input errors."""

from __future__ import annotations

import base64
import io
import re
import warnings

import pandas as pd
import pytest

from smartspec.cli.main import main
from smartspec.loaders.datasets import data_path


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


@pytest.fixture
def small_store(env_home, capsys, tmp_path, synthetic_trade):
    """A store with two HS periods of synthetic trade and one SITC2 period."""
    data = synthetic_trade
    f = tmp_path / "trade.csv"
    data.rename(columns={"activity": "product"}).to_csv(f, index=False)
    code, _, err = run(capsys, "load", "trade", str(f), "--classification", "HS92")
    assert code == 0, err
    sitc = data[data["year"] == 2010].assign(year=2005)
    g = tmp_path / "sitc.csv"
    sitc.rename(columns={"activity": "product"}).to_csv(g, index=False)
    code, _, err = run(capsys, "load", "trade", str(g), "--classification", "SITC2",
                       "--code-prefix", "SITC2:")
    assert code == 0, err
    # a region with data in 2010 only
    h = tmp_path / "tiny.csv"
    h.write_text("region,product,year,value\nZZZ,0101,2010,0.01\n")
    code, _, err = run(capsys, "load", "trade", str(h), "--classification", "HS92")
    assert code == 0, err
    return data


def test_recommend_activities(small_store, capsys):
    code, out, err = run(capsys, "recommend", "activities", "--region", "deu", "--top", "5",
                         "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"activity": str})
    # the framework's columns, then the ratings and the market context (issue 20)
    assert list(table.columns) == ["region", "activity", "activity_name", "year", "rca",
                                   "density", "distance", "complexity", "cog", "quadrant",
                                   "score", "rank", "distance_decile", "complexity_decile",
                                   "cog_decile", "score_decile", "world_value", "market_growth",
                                   "growth_period", "region_value", "world_share"]
    assert table["year"].unique().tolist() == [2010] and table["region"].unique() == ["DEU"]
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    code, out, err = run(capsys, "recommend", "activities", "--region", "Germany", "--year",
                         "2005", "--complexity", "fitness")
    assert code == 0, err
    assert out.startswith("DEU (Germany) 2005, SITC2: complexity = Fitness-Complexity")
    assert "SITC2:" in out


def test_pathways(small_store, capsys):
    code, out, err = run(capsys, "recommend", "activities", "--region", "GRC", "--top", "1",
                         "--format", "csv")
    assert code == 0, err
    target = pd.read_csv(io.StringIO(out), dtype={"activity": str})["activity"].iloc[0]
    code, out, err = run(capsys, "pathways", "--region", "GRC", "--target", target)
    assert code == 0, err
    assert f"target {target}" in out and "shortest paths" in out
    code, out, err = run(capsys, "pathways", "--region", "GRC", "--target", target,
                         "--table", "paths", "--format", "csv")
    assert code == 0, err
    paths = pd.read_csv(io.StringIO(out), dtype={"activity": str})
    assert paths.groupby("path")["activity"].last().eq(target).all()
    assert paths[paths["step"] == 0]["specialised"].all()


def test_model_entry_and_growth(small_store, capsys):
    code, out, err = run(capsys, "model", "entry")
    assert code == 0, err
    assert "entry (linear probability model) on HS92, periods 2000->2010" in out
    assert re.search(r"H1\s+(supported|not supported|rejected)", out)
    code, out, err = run(capsys, "model", "growth", "--format", "csv", "--fixed-effects",
                         "region,year")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    # the default control (issue 20): the log of the initial value, listed as a control
    assert table["term"].tolist() == ["density", "complexity", "density_x_complexity",
                                      "log_size"]
    assert table["role"].tolist() == ["regressor"] * 3 + ["control"]
    assert table["hypothesis"].tolist() == ["H2", "H4", "H6", ""]
    code, out, err = run(capsys, "model", "growth", "--controls", "none")
    assert code == 0, err
    assert "controls: none" in out and "log_size" not in out
    code, out, err = run(capsys, "model", "growth", "--controls", "log_size,log_rca",
                         "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), keep_default_na=False).set_index("term")
    assert table.loc["log_rca", "verdict"] == "not identified"  # one origin period
    code, out, err = run(capsys, "model", "growth")
    assert code == 0, err
    assert "controls: log_size (ln initial value X(t))" in out
    code, _, err = run(capsys, "model", "growth", "--controls", "gdp")
    assert code != 0 and "unknown control(s) gdp" in err


def test_report_is_one_self_contained_file(small_store, capsys, tmp_path):
    out_dir = tmp_path / "rep"
    code, out, err = run(capsys, "report", "--region", "DEU", "--peers", "FRA,ita",
                         "--output", str(out_dir))
    assert code == 0, err
    files = list(out_dir.iterdir())
    assert [f.name for f in files] == ["smartspec_report_DEU.html"]
    page = files[0].read_text()
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', page)
    # 3 + sector trends (HS), 3 (SITC2), a segment profile per classification, over time
    assert len(images) == 10
    assert page.count('alt="The region&#x27;s share of its total in each segment') == 2
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    # interactive charts: approach, product space, treemap, feasibility per classification
    assert page.count("<svg") == 8 and "data-tip=" in page
    assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert "Germany (DEU)" in page and "France (FRA)" in page and "ITA" in page


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["recommend", "activities", "--region", "DEX"], "unknown region 'DEX'"),
        (["recommend", "activities", "--region", "DEX"], "did you mean DEU"),
        (["recommend", "activities", "--region", "DEU", "--year", "1999"],
         "year 1999 is not loaded; loaded years: 2000 (HS92), 2005 (SITC2), 2010 (HS92)"),
        (["recommend", "activities", "--region", "ZZZ", "--year", "2000"],
         "region ZZZ has no HS92 data in 2000"),
        (["recommend", "activities", "--region", "DEU", "--classification", "HS9"],
         "did you mean HS92"),
        (["pathways", "--region", "DEU", "--target", "870"], "did you mean 8704, 8703"),
        (["pathways", "--region", "GRC", "--target", "8701", "--year", "2000", "--k", "0"],
         "k must be"),
        (["pathways", "--region", "DEU", "--target", "8701", "--year", "2000"],
         "DEU is already specialised in 8701 in 2000"),
        (["model", "entry", "--horizon", "3"], "possible horizons: 10"),
        (["model", "entry", "--fixed-effects", "region,country"], "unknown fixed effect"),
        (["model", "entry", "--classification", "SITC2"], "this needs 2 at least"),
        (["report", "--region", "Germny"], "did you mean DEU"),
        (["report", "--region", "DEU", "--year", "1990"], "year 1990 is not loaded"),
    ],
)
def test_bad_input_gives_one_clear_line(small_store, capsys, args, message):
    code, out, err = run(capsys, *args)
    assert code != 0
    assert message in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_empty_store_says_what_to_load(env_home, capsys):
    code, _, err = run(capsys, "recommend", "activities", "--region", "DEU")
    assert code == 1 and "load some first" in err


def test_shipped_world_trade_classifications(env_home, capsys):
    """The three shipped tables: HS 1980 and 2017 form a panel; SITC2 stays apart."""
    for name, extra in (("world_trade_1980.csv.gz", ["--year", "1980", "--classification",
                                                      "HS92"]),
                        ("world_trade_2017.csv.gz", ["--year", "2017", "--classification",
                                                      "HS92"]),
                        ("world_trade_avg_1998_to_2000.csv.gz",
                         ["--year", "2000", "--classification", "SITC2", "--code-prefix",
                          "SITC2:"])):
        code, _, err = run(capsys, "load", "trade", str(data_path(name)), *extra)
        assert code == 0, err
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        code, out, err = run(capsys, "model", "entry")
    assert code == 0, err
    assert "on HS92, periods 1980->2017" in out
    assert re.search(r"H1\s+supported", out)
    code, out, err = run(capsys, "recommend", "activities", "--region", "DEU", "--year", "2000",
                         "--top", "3", "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out))
    assert table["activity"].str.startswith("SITC2:").all()


def test_region_without_specialisations_is_refused():
    """With Balassa RCA every exporter has one RCA >= 1; other M rules can leave none."""
    from smartspec.workflows import WorkflowError
    from smartspec.workflows.space import Space

    spec = pd.DataFrame({"region": ["AAA", "BBB"], "activity": ["x", "x"], "year": 2000,
                         "m": [0, 1]})
    space = Space(pd.DataFrame(), "Product", "HS92", [2000], {2000: ["HS92"]},
                  _measures={"specialisation": spec})
    assert space.specialisations("BBB", 2000) == ["x"]
    with pytest.raises(WorkflowError, match="AAA has no specialisation .RCA >= 1. in 2000"):
        space.specialisations("AAA", 2000)
