"""``recommend activities --strategy`` on the shipped world trade (issue 20): names, market size
recomputed from the raw file, market growth once a second period is loaded, the strategic
approach in the header."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.algorithms.opportunities import APPROACHES, STRATEGIES
from smartspec.cli.main import cli
from smartspec.loaders.datasets import data_path

TRADE = {year: data_path(f"world_trade_{year}.csv.gz") for year in (1980, 2017)}


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def world(year: int) -> pd.Series:
    """World exports per HS code recomputed from the raw file (missing values: no exports)."""
    raw = pd.read_csv(TRADE[year], dtype=str)
    value = pd.to_numeric(raw["export_value_usd"])
    return value.groupby(raw["product_code"]).sum()


def load(year: int) -> None:
    code, _, err = invoke("load", "trade", str(TRADE[year]), "--year", str(year),
                          "--classification", "HS12")
    assert code == 0, err


@pytest.mark.parametrize("strategy", ["balanced"])
def test_kor_balanced_top10_on_shipped_trade(env_home, strategy):
    load(2017)
    code, out, err = invoke("recommend", "activities", "--region", "KOR", "--strategy", strategy,
                            "--top", "10")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "KOR (South Korea) 2017, HS12: complexity = PCI"
    assert lines[1].startswith("strategy: balanced (weights: distance")
    approach = lines[2]
    assert approach.startswith("strategic approach: ")
    assert any(f"strategic approach: {a} (" in approach for a in APPROACHES)
    assert "market_growth = n/a (no loaded period before 2017)" in lines[3]

    code, out, err = invoke("recommend", "activities", "--region", "KOR", "--strategy", strategy,
                            "--top", "10", "--format", "csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"activity": str, "growth_period": str},
                        keep_default_na=False, na_values=[""])
    assert len(table) == 10 and table["rank"].tolist() == list(range(1, 11))
    # names: every row has the HS12 name of its code
    assert table["activity_name"].notna().all() and (table["activity_name"].str.len() > 3).all()
    # market size = the sum over all regions of the raw file; the region's exports and share
    w = world(2017)
    assert table["world_value"].to_numpy() == pytest.approx(w[table["activity"]].to_numpy())
    raw = pd.read_csv(TRADE[2017], dtype=str)
    kor = raw[raw["reporter_iso"].str.upper() == "KOR"]
    kor = pd.to_numeric(kor["export_value_usd"]).groupby(kor["product_code"]).sum()
    own = kor.reindex(table["activity"]).fillna(0).to_numpy()
    assert table["region_value"].to_numpy() == pytest.approx(own)
    assert table["world_share"].to_numpy() == pytest.approx(own / w[table["activity"]].to_numpy(),
                                                            abs=5e-5)  # rounded to 4 digits
    # candidates only, sorted by the score, ratings on 1-10
    assert (table["rca"] < 1).all()
    assert table["score"].is_monotonic_decreasing
    for col in ("distance_decile", "complexity_decile", "cog_decile", "score_decile"):
        assert table[col].between(1, 10).all(), col
    assert table["market_growth"].isna().all()

    # fixed weights: the preset itself; a different order than the quadrant default
    code, fixed, err = invoke("recommend", "activities", "--region", "KOR", "--strategy",
                              strategy, "--fixed-weights", "--top", "10")
    assert code == 0, err
    w = STRATEGIES["balanced"]
    assert (f"weights: distance {w['distance']:.2f}, PCI {w['pci']:.2f}, COG {w['cog']:.2f}"
            in fixed.splitlines()[1])

    # a second period: market growth is the CAGR 1980-2017 of the world totals
    load(1980)
    code, out, err = invoke("recommend", "activities", "--region", "KOR", "--year", "2017",
                            "--strategy", strategy, "--top", "10", "--format", "csv",
                            "--classification", "HS12")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"activity": str, "growth_period": str})
    assert (table["growth_period"] == "1980-2017").all()
    w0 = world(1980).reindex(table["activity"]).to_numpy()
    w1 = world(2017)[table["activity"]].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        cagr = np.where(w0 > 0, (w1 / w0) ** (1 / 37) - 1, np.nan)
    assert table["market_growth"].to_numpy() == pytest.approx(cagr, abs=5e-5, nan_ok=True)
    assert np.isfinite(table["market_growth"]).any()


def test_unknown_strategy_is_refused(env_home):
    code, _, err = invoke("recommend", "activities", "--region", "KOR", "--strategy", "safe")
    assert code != 0 and "safe" in err


def test_workflow_quadrant_order_unchanged_and_approaches_named(synthetic_trade):
    from smartspec.algorithms.opportunities import opportunity_table
    from smartspec.cli._space import Space
    from smartspec.workflows.opportunities import activity_opportunities

    space = Space(synthetic_trade, "Product", "HS92", [2000, 2010],
                  {2000: ["HS92"], 2010: ["HS92"]},
                  region_names=pd.Series({"DEU": "Germany"}))
    found = activity_opportunities(space, "DEU", 2010)
    res = space.measures()
    plain = opportunity_table(res["density"], res["activities"], region="DEU", year=2010,
                              specialisation=res["specialisation"])
    assert found.table["activity"].tolist() == plain["activity"].tolist()
    assert found.weights is None and found.strategy == "quadrant"
    assert found.approaches.loc[found.approaches["region"] == "DEU", "region_name"].item() == \
        "Germany"
    assert found.approach["approach"] in APPROACHES
    # market growth over the two loaded periods, recomputed
    w = synthetic_trade.groupby(["year", "activity"])["value"].sum()
    row = found.table.iloc[0]
    expected = (w[(2010, row["activity"])] / w[(2000, row["activity"])]) ** 0.1 - 1
    assert row["market_growth"] == pytest.approx(expected)
    assert found.growth_period == "2000-2010"
    lines = found.header().splitlines()
    assert lines[0] == "DEU (Germany) 2010, HS92: complexity = PCI"
    assert lines[2].startswith(f"strategic approach: {found.approach['approach']} (ECI ")
    # a preset re-ranks by the score
    ranked = activity_opportunities(space, "DEU", 2010, strategy="long-jumps")
    assert ranked.table["score"].is_monotonic_decreasing
    assert ranked.weights == STRATEGIES["long-jumps"]
