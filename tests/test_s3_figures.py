"""Figures of the smart specialisation analysis: produced, non-empty, with a known element."""

from __future__ import annotations

import warnings

import pytest

from smartspec.algorithms.opportunities import opportunity_table
from smartspec.algorithms.pipeline import compute_all
from smartspec.reports import figures


@pytest.fixture(scope="module")
def measures(synthetic_trade):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        data = synthetic_trade
        return data, compute_all(data, min_proximity=0.0)


def _png_ok(fig) -> None:
    assert len(figures.to_base64_png(fig, dpi=40)) > 1000


def test_product_space_highlights_the_specialisations(measures, tmp_path):
    data, res = measures
    prox = res["proximity"][res["proximity"]["year"] == 2010]
    spec = res["specialisation"]
    mine = spec[(spec["region"] == "DEU") & (spec["year"] == 2010) & (spec["m"] == 1)]
    fig, meta = figures.product_space(prox, mine["activity"], classification="HS92")
    nodes = set(meta["layout"]["activity"])
    assert meta["n_highlighted"] == len(set(mine["activity"]) & nodes) > 0
    assert meta["n_nodes"] == len(nodes) and meta["n_edges"] >= meta["n_nodes"] - 1
    paths = figures.save(fig, tmp_path / "space")
    assert [p.suffix for p in paths] == [".png", ".svg"]
    assert all(p.stat().st_size > 1000 for p in paths)
    svg = figures.product_space_svg(meta, rca=mine.set_index("activity")["rca"])
    assert svg.count("<circle") == meta["n_nodes"]
    assert svg.count('class="spec"') == meta["n_highlighted"]
    assert svg.count("<line") == meta["n_edges"]


def test_opportunity_scatter_draws_every_candidate(measures):
    _, res = measures
    opp = opportunity_table(res["density"], res["activities"], region="DEU", year=2010)
    fig, meta = figures.opportunity_scatter(opp, labels=5)
    assert meta["n_points"] == opp["complexity"].notna().sum()
    assert sum(meta["quadrants"].values()) == meta["n_points"]
    assert meta["labelled"] == 5
    _png_ok(fig)


def test_spectrograph_matrix_and_over_time(measures):
    data, res = measures
    spec, acts, regs = res["specialisation"], res["activities"], res["regions"]
    fig, meta = figures.spectrograph_plot(spec, acts, region="DEU", year=2010)
    mine = spec[(spec["region"] == "DEU") & (spec["year"] == 2010)]
    assert meta["n_specialised"] == int(mine["m"].sum())
    assert meta["n_bars"] == len(mine)
    _png_ok(fig)
    fig, meta = figures.matrix_plot(spec, regs, acts, year=2010, region="DEU")
    order = regs[regs["year"] == 2010].sort_values(["fitness", "region"],
                                                   ascending=[False, True])
    assert meta["region_row"] == order["region"].tolist().index("DEU")
    assert meta["n_ones"] == int(spec[spec["year"] == 2010]["m"].sum())
    _png_ok(fig)
    fig, meta = figures.complexity_over_time(regs.assign(classification="HS92"),
                                             focus=["DEU", "FRA", "XXX"])
    assert meta["n_lines"] == 2 and meta["years"] == [2000, 2010]
    _png_ok(fig)


def test_rca_sector_trends_sum_to_sectors(measures):
    data, _ = measures
    fig, meta = figures.rca_sector_trends(data, region="DEU", classification="HS92")
    assert meta["n_sectors"] == len(figures.sector_of(data["activity"]).unique())
    assert meta["years"] == [2000, 2010]
    assert figures.sector_name("8", "SITC2") == "8 miscellaneous manufactured articles"
    assert figures.sector_of(["SITC2:7641", "8802"]).tolist() == ["7", "8"]
    _png_ok(fig)
