"""The report's interactive charts (``smartspec.reports.charts``) on known inputs: the Atlas layout
where the Atlas has one, a seeded layout that is the same in every run elsewhere, treemap areas,
the four strategic-approach quadrants, and time series that never join two classifications."""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from smartspec.loaders.classifications import product_space, product_table
from smartspec.loaders.datasets import data_path
from smartspec.reports import charts, figures


def _tips(svg: str) -> dict[str, str]:
    """Hover texts by activity (``data-a``) or region (``data-r``)."""
    return {a: html.unescape(t) for a, t in re.findall(
        r'data-[ar]="([^"]*)"[^>]*data-tip="([^"]*)"', svg)}


def _circles(svg: str) -> dict[str, tuple[float, float, float]]:
    return {a: (float(x), float(y), float(r)) for x, y, r, a in re.findall(
        r'<circle cx="([-\d.]+)" cy="([-\d.]+)" r="([\d.]+)"[^>]*data-a="([^"]*)"', svg)}


@pytest.fixture(scope="module")
def hs12_codes() -> list[str]:
    table = pd.read_csv(data_path("world_trade_2017.csv.gz"), dtype=str)
    col = next(c for c in table.columns if "product" in c or c == "activity")
    return sorted(table[col].str.zfill(4).unique())


def test_hs12_codes_take_the_atlas_hs92_positions(hs12_codes):
    assert len(hs12_codes) == 1222
    lay = charts.space_layout(hs12_codes, classification="HS12")
    nodes, edges = product_space("HS92")
    hs92 = product_table("HS92")
    headings = set(hs92.loc[hs92["level"] == "heading", "code"])
    placed = set(nodes["code"])
    assert lay.kind == "atlas"
    assert set(lay.nodes["activity"]) == placed & set(hs12_codes)
    assert len(lay.nodes) + len(lay.off_layout) == 1222
    # the two reasons, counted by hand from the shipped tables
    reasons = lay.off_reasons
    assert set(reasons["not HS92 headings"]) == set(hs12_codes) - headings
    assert len(reasons["not HS92 headings"]) == 14
    assert set(reasons["HS92 headings the Atlas does not place in its product space"]) == (
        (set(hs12_codes) & headings) - placed)
    # positions and clusters are the Atlas's own
    mine = lay.nodes.set_index("activity")
    ref = nodes.set_index("code").loc[mine.index]
    assert np.allclose(mine[["x", "y"]].to_numpy(), ref[["x", "y"]].to_numpy())
    assert (mine["cluster"] == ref["cluster"]).all()
    assert lay.clusters["8703"] == "Metalworking and Electrical Machinery and Parts"
    assert lay.clusters["2852"] == charts.OTHER_CLUSTER  # no HS92 heading
    # edges: the Atlas's among the placed codes
    keep = set(mine.index)
    expected = edges[edges["source"].isin(keep) & edges["target"].isin(keep)]
    assert len(lay.edges) == len(expected) > 4000


def test_product_space_svg_draws_the_layout_to_scale(hs12_codes):
    lay = charts.space_layout(hs12_codes, classification="HS12")
    world = pd.Series(1.0, index=hs12_codes)
    world["8542"] = 100.0
    svg, meta = charts.product_space_svg(lay, specialised=["8542", "8703"], world=world,
                                         rca=pd.Series({"8542": 2.5, "8703": 1.7}),
                                         pci=pd.Series({"8542": 1.234}),
                                         names={"8542": "Electronic integrated circuits"})
    circles = _circles(svg)
    assert len(circles) == meta["n_nodes"] == len(lay.nodes)
    # SVG positions are one affine map of the Atlas coordinates (same scale on both axes)
    xy = lay.nodes.set_index("activity")[["x", "y"]]
    a, b = "8703", "0101"
    sx = (circles[a][0] - circles[b][0]) / (xy.loc[a, "x"] - xy.loc[b, "x"])
    sy = (circles[a][1] - circles[b][1]) / (xy.loc[a, "y"] - xy.loc[b, "y"])
    assert sx == pytest.approx(sy, rel=0.01) and sx > 0
    # node area follows world trade: the largest node is 8542
    assert max(circles, key=lambda k: circles[k][2]) == "8542"
    tip = _tips(svg)["8542"]
    assert tip.splitlines() == ["8542 Electronic integrated circuits",
                                "cluster: Electronic and Electrical Goods",
                                "RCA 2.50 (specialised)", "PCI 1.23", "world trade: 100 USD"]
    colour = charts.ATLAS_CLUSTER_COLOURS["Electronic and Electrical Goods"]
    assert re.search(rf'fill="{colour}"[^>]*class="mk spec" data-a="8542"', svg)
    assert re.search(r'fill="#dedede"[^>]*class="mk other" data-a="0101"', svg)


_LAYOUT_RUN = """
import json, sys
import numpy as np, pandas as pd
from smartspec.reports import charts
rng = np.random.default_rng(3)
acts = [f"X{i:03d}" for i in range(120)]
pairs = [(a, b, float(rng.random())) for i, a in enumerate(acts) for b in acts[i + 1:]]
prox = pd.DataFrame(pairs, columns=["activity_a", "activity_b", "proximity"])
lay = charts.space_layout(acts, classification="NACE", proximity=prox)
print(json.dumps(lay.nodes[["activity", "x", "y"]].round(9).values.tolist()))
"""


def test_computed_layout_is_the_same_in_every_run():
    """Two separate processes (fresh random states, other hash seeds) draw the same layout."""
    runs = []
    for seed in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", _LAYOUT_RUN], capture_output=True,
                              text=True, env={**__import__("os").environ,
                                              "PYTHONHASHSEED": seed}, check=True)
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1] and len(runs[0]) == 120
    coords = np.array([r[1:] for r in runs[0]])
    assert np.ptp(coords[:, 0]) > 0 and np.ptp(coords[:, 1]) > 0


def test_other_classifications_are_coloured_by_sector():
    acts = ["SITC2:0011", "SITC2:7641", "SITC2:7642"]
    prox = pd.DataFrame({"activity_a": ["SITC2:0011", "SITC2:7641"],
                         "activity_b": ["SITC2:7641", "SITC2:7642"], "proximity": [0.3, 0.8]})
    lay = charts.space_layout(acts, classification="SITC2", prefix="SITC2:", proximity=prox,
                              sector_names={"7": "Machinery and vehicles"})
    assert lay.kind == "computed" and not lay.off_layout
    assert lay.clusters == {"SITC2:0011": "0 food and live animals",
                            "SITC2:7641": "7 Machinery and vehicles",
                            "SITC2:7642": "7 Machinery and vehicles"}
    assert len(lay.edges) == 2


def test_squarify_areas_fill_the_box():
    values = [50, 20, 12, 8, 6, 3, 1]
    rects = charts.squarify(values, 10, 20, 300, 200)
    areas = np.array([w * h for _, _, w, h in rects])
    assert np.allclose(areas / areas.sum(), np.array(values) / sum(values))
    assert areas.sum() == pytest.approx(300 * 200)
    for x, y, w, h in rects:
        assert x >= 10 - 1e-9 and y >= 20 - 1e-9 and x + w <= 310 + 1e-9 and y + h <= 220 + 1e-9
    # squarified: no sliver thinner than 1:8 here
    assert max(max(w / h, h / w) for _, _, w, h in rects) < 8


def test_treemap_shares_by_cluster():
    values = pd.Series({"8542": 60.0, "8703": 30.0, "0101": 10.0, "2852": 0.0})
    clusters = {"8542": "Electronic and Electrical Goods",
                "8703": "Metalworking and Electrical Machinery and Parts",
                "0101": "Agriculture", "2852": charts.OTHER_CLUSTER}
    order = list(charts.ATLAS_CLUSTER_COLOURS)
    svg, meta = charts.treemap_svg(values, clusters=clusters, order=order,
                                   names={"8542": "Electronic integrated circuits"})
    assert meta["n_rects"] == 3 and meta["total"] == 100.0
    assert meta["clusters"] == {"Electronic and Electrical Goods": 0.6,
                                "Metalworking and Electrical Machinery and Parts": 0.3,
                                "Agriculture": 0.1}
    rects = {a: float(w) * float(h) for w, h, a in re.findall(
        r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="([\d.]+)"[^>]*data-a="(\d+)"',
        svg)}
    assert rects["8542"] / rects["0101"] == pytest.approx(6.0, rel=0.02)
    assert _tips(svg)["8542"].splitlines()[2] == "exports: 60 USD (60.00 % of the region's total)"


def test_approach_chart_names_the_four_quadrants_and_the_region():
    from smartspec.algorithms.opportunities import strategic_approaches

    regs = pd.DataFrame({"region": ["KOR", "DEU", "AGO", "TZA", "ZZZ"],
                         "eci": [1.8, 1.9, -1.5, -0.5, 0.6], "coi": [1.4, -0.3, -1.1, 0.8, 0.2]})
    table = strategic_approaches(regs, regs)
    svg, meta = charts.approach_svg(table, region="KOR", names={"KOR": "South Korea"})
    assert meta["quadrants"] == {"light touch": 2, "technological frontier": 1,
                                 "strategic bets": 1, "parsimonious industrial policy": 1}
    names = re.findall(r'class="quad">([^<]*)</text>', svg)
    assert sorted(names) == sorted(["light touch", "technological frontier", "strategic bets",
                                    "parsimonious industrial policy"])
    assert re.search(r'font-weight="700" fill="#555" class="quad">light touch<', svg)
    assert "South Korea (KOR)</text>" in svg and svg.count('class="mk me"') == 1
    assert _tips(svg)["KOR"].splitlines() == ["South Korea (KOR)", "ECI 1.80, COI 1.40",
                                              "approach: light touch"]
    # KOR's marker stands right of the ECI = 0 line and above COI = 0
    x0 = float(re.search(r'<line x1="([\d.]+)" y1="\d+" x2="\1"', svg).group(1))
    assert meta["region_xy"][0] > x0


def test_time_series_never_join_two_classifications():
    regs = pd.DataFrame({
        "region": ["KOR"] * 3 + ["DEU"] * 3, "year": [1980, 2000, 2017] * 2,
        "classification": ["HS12", "SITC2", "HS12"] * 2,
        "eci": [1.2, 1.6, 1.8, 1.9, 1.7, 1.8], "fitness": [2.0, 3.0, 4.0, 5.0, 4.0, 4.5],
        "diversity": [300, 280, 245, 400, 380, 377]})
    fig, meta = figures.complexity_over_time(regs, focus=["KOR", "DEU"])
    assert meta["n_segments"] == 4  # per region: HS12 1980-2017, SITC2 2000 alone
    for ax in fig.axes:
        for line in ax.get_lines():
            years = set(line.get_xdata().tolist())
            assert years in ({1980, 2017}, {2000}), years
    assert meta["legend"] == ["KOR", "DEU"]


def test_cluster_short_names_are_the_shipped_ones():
    path = data_path("classifications/hs92_ps_clusters.csv.gz")
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        table = pd.read_csv(fh)
    assert dict(zip(table["name_en"], table["name_short_en"], strict=True)) == (
        charts.ATLAS_CLUSTER_SHORT)
    assert set(table["name_en"]) == set(charts.ATLAS_CLUSTER_COLOURS)


def test_money():
    assert charts.money(2.6e9) == "2.6 bn USD"
    assert charts.money(7.39e8) == "739 m USD"
    assert charts.money(1234, "") == "1,234"


def test_docstring_examples_of_the_charts():
    import doctest

    result = doctest.testmod(charts, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted >= 3


def test_computed_layout_without_proximity_is_a_smartspec_validation_error():
    from smartspec.algorithms._validation import ValidationError

    with pytest.raises(ValidationError, match=r"a computed layout of NACE activities needs the "
                       r"proximity of the period .* got 2 activities \(A01, B05\)"):
        charts.space_layout(["B05", "A01"], classification="NACE")
