"""What the HTML report says: names next to codes, the activity's own words and units, totals
that are the loaded file's, and no blank figure (checked on the embedded PNGs)."""

from __future__ import annotations

import base64
import html
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from smartspec.cli.main import main
from smartspec.graph_models.store import open_store
from smartspec.loaders.datasets import data_path

SITC = "world_trade_avg_1998_to_2000.csv.gz"


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def images(page: str) -> list[tuple[str, np.ndarray]]:
    """``(alt text, RGB pixels)`` of every image embedded in the page."""
    found = re.findall(r'<img alt="([^"]*)" src="data:image/png;base64,([^"]*)"', page)
    return [(html.unescape(alt), np.asarray(Image.open(io.BytesIO(base64.b64decode(data)))
                                            .convert("RGB")).astype(int))
            for alt, data in found]


def ink(pixels: np.ndarray) -> float:
    """Share of non-white pixels in the middle of the image (20-80 % of the height, 15-85 % of
    the width): where a figure draws its data, away from titles, tick labels and legends."""
    h, w = pixels.shape[:2]
    part = pixels[int(0.2 * h):int(0.8 * h), int(0.15 * w):int(0.85 * w)]
    return float((np.abs(part - 255).max(axis=2) > 40).mean())


class _Table(HTMLParser):
    """The first HTML table of a text as rows of cell texts (pandas.read_html needs lxml)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.done = False

    def handle_starttag(self, tag, attrs):
        if self.done:
            return
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None and not self.done:
            self.rows[-1].append("".join(self.cell).strip())
            self.cell = None
        elif tag == "table":
            self.done = True

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def first_table(text: str) -> pd.DataFrame:
    """The first table in ``text`` (header row first), all cells as text."""
    parser = _Table()
    parser.feed(text[text.index("<table"):])
    return pd.DataFrame(parser.rows[1:], columns=parser.rows[0])


def key_figures(page: str, classification: str) -> dict[str, str]:
    """The key-figures table of a classification's section, as ``indicator -> value``."""
    table = first_table(page.split(f"<h2>{classification}:", 1)[1])
    return dict(zip(table["indicator"], table["value"], strict=True))


def _set_names(products: dict[str, tuple[str, str]], regions: dict[str, str]) -> None:
    """Names on stored nodes, as the classification loads write them."""
    with open_store("embedded") as store:
        store.upsert_nodes("Product", pd.DataFrame(
            {"code": list(products), "name": [v[0] for v in products.values()],
             "short_name": [v[1] for v in products.values()]}))
        store.upsert_nodes("Region", pd.DataFrame({"code": list(regions),
                                                   "name": list(regions.values())}))


@pytest.fixture
def named_store(env_home, capsys, tmp_path, synthetic_trade):
    """Synthetic HS trade of two periods; every product named, DEU named by the graph."""
    f = tmp_path / "trade.csv"
    synthetic_trade.rename(columns={"activity": "product"}).to_csv(f, index=False)
    code, _, err = run(capsys, "load", "trade", str(f), "--classification", "HS92")
    assert code == 0, err
    products = {p: (f"Long product name number {i} with several words, parts and accessories",
                    f"Product {i}") for i, p in enumerate(sorted(synthetic_trade["activity"]
                                                                 .unique()))}
    _set_names(products, {"DEU": "Deutschland"})
    return products


def test_report_names_regions_and_activities(named_store, capsys, tmp_path):
    code, out, err = run(capsys, "report", "--region", "deu", "--peers", "FRA",
                         "--output", str(tmp_path))
    assert code == 0, err
    assert "Deutschland (DEU)" in out
    page = (tmp_path / "smartspec_report_DEU.html").read_text()
    assert "<h1>Smart specialisation report: Deutschland (DEU)</h1>" in page
    assert "<title>smartspec report: Deutschland (DEU)</title>" in page
    assert "Key figures of Deutschland (DEU), HS92 2010" in page
    assert "France (FRA)" in page  # a country the graph does not name: its ISO 3166 name
    assert "Region_" not in page  # the embedded store's stand-in title of an unnamed node
    # the opportunities table: short names next to the codes, the full name on hover
    section = page.split("Growth opportunities, 2010", 1)[1]
    table = first_table(section)
    assert list(table.columns[:4]) == ["#", "code", "name", "cluster"]
    assert len(table) == 15 and table["#"].tolist() == [str(k) for k in range(1, 16)]
    for act, name in zip(table["code"], table["name"], strict=True):
        assert name == named_store[act][1]
    titles = re.findall(r"<td class='t' title='([^']*)'>Product \d+</td>",
                        section.split("</table>", 1)[0])
    assert len(titles) == 15 and all(html.unescape(t).startswith("Long product name")
                                     for t in titles)
    # the product space (HS92 codes: the Atlas layout): code, full name, cluster, RCA and PCI
    # on every highlighted node
    tips = re.findall(r'class="mk spec" data-a="\d{4}" data-c="\d+" data-tip="([^"]*)"', page)
    assert tips and all(re.fullmatch(r"\d{4} Long product name number \d+ .*\ncluster: .+\n"
                                     r"RCA \d+\.\d\d \(specialised\)\nPCI -?\d+\.\d\d\n"
                                     r"world trade: .* USD", html.unescape(t)) for t in tips)
    # the over-time table names the regions
    last = page.rsplit("<table", 1)[1]
    assert "Deutschland" in last and "France" in last
    # every figure (with the RCA-by-sector trends of two periods) draws in its plot area
    shown = images(page)
    # quadrants, spectrograph, matrix, RCA by sector, over time, and the segment profile
    # (cli/_segment_section.py)
    assert len(shown) == 6
    assert all(ink(pixels) > 0.002 for _, pixels in shown), [
        (alt[:30], ink(pixels)) for alt, pixels in shown]


def test_figures_label_with_short_names(named_store):
    from smartspec.algorithms.opportunities import opportunity_table
    from smartspec.cli._space import load_spaces
    from smartspec.reports import figures
    from smartspec.workflows.report import read_report_names

    with open_store("embedded") as store:
        spaces = load_spaces(store, activity="Product")
        names = read_report_names(store, spaces, "Product")
    assert names.regions["DEU"] == "Deutschland" and names.regions["FRA"] == "France"
    res = spaces[0].measures()
    opp = opportunity_table(res["density"], res["activities"], region="DEU", year=2010)
    _, meta = figures.opportunity_scatter(opp, labels=3, names=names.short)
    assert meta["labels"] == [f"{a} {named_store[a][1]}" for a in
                              opp.nsmallest(3, "rank")["activity"]]
    _, meta = figures.spectrograph_plot(res["specialisation"], res["activities"], region="DEU",
                                        year=2010, names=names.short, labels=2)
    assert all(re.fullmatch(r"\d{4} Product \d+", t) for t in meta["labelled"])
    _, meta = figures.complexity_over_time(res["regions"], focus=["DEU", "FRA"],
                                           names=names.regions)
    assert meta["legend"] == ["Deutschland (DEU)", "France (FRA)"]
    fig, _ = figures.matrix_plot(res["specialisation"], res["regions"], res["activities"],
                                 year=2010, region="DEU", region_name="Deutschland")
    assert "Deutschland (DEU)" in [t.get_text() for t in fig.axes[0].texts]
    _, meta = figures.rca_sector_trends(spaces[0].data, region="DEU", classification="HS92",
                                        sector_names={"8": "Machinery"})
    assert "8 Machinery" in meta["legend"] and "0 animals and vegetables (01-09)" in meta["legend"]


@pytest.mark.parametrize(
    ("kind", "codes", "row", "quantity"),
    [("industry", [f"{d}.{g}{c}" for d in (10, 13, 20, 25, 28, 29, 30) for g, c in
                   ((1, 1), (1, 2), (2, 0), (3, 1))], "jobs", "jobs"),
     ("technology", [f"{s}{n:02d}{c}" for s in "ABCDEFG" for n, c in
                     ((1, 'B'), (21, 'C'), (23, 'K'), (61, 'F'))], "patents (count)",
      "patents")],
)
def test_report_words_follow_the_activity(env_home, capsys, tmp_path, synthetic_trade, kind,
                                          codes, row, quantity):
    """Before the fix, every report spoke of exports in USD."""
    acts = sorted(synthetic_trade["activity"].unique())
    table = synthetic_trade.assign(activity=synthetic_trade["activity"].map(
        dict(zip(acts, codes, strict=True))))
    f = tmp_path / f"{kind}.csv"
    if kind == "industry":
        table.rename(columns={"activity": "industry", "value": "jobs"}).to_csv(f, index=False)
        load = ("load", "employment", str(f), "--classification", "NACE", "--level", "class")
    else:
        table.rename(columns={"activity": "technology", "value": "count"}).to_csv(f, index=False)
        load = ("load", "patents", str(f))
    code, _, err = run(capsys, *load)
    assert code == 0, err
    code, _, err = run(capsys, "report", "--region", "DEU", "--activity", kind,
                       "--output", str(tmp_path / "out"))
    assert code == 0, err
    page = (tmp_path / "out" / "smartspec_report_DEU.html").read_text()
    cls = re.search(r"<h2>([^:<]+):", page).group(1)
    key = key_figures(page, cls)
    total = table.loc[(table["region"] == "DEU") & (table["year"] == 2010), "value"].sum()
    assert abs(float(key[row].replace(",", "")) - total) <= 0.05
    words = re.sub(r'src="data:[^"]*"', "", page)  # base64 text may hold any three letters
    assert "USD" not in words and "exports" not in words
    assert f"shares of the region's {quantity}" in html.unescape(words)


@pytest.fixture(scope="module")
def sitc_report(tmp_path_factory):
    """The report on KOR from the shipped SITC rev. 2 table (1998-2000), loaded unchanged."""
    home = tmp_path_factory.mktemp("sitc")
    mp = pytest.MonkeyPatch()
    mp.setenv("SMARTSPEC_HOME", str(home / "home"))
    mp.delenv("NEO4J_URI", raising=False)
    try:
        for args in (("load", "trade", str(data_path(SITC)), "--year", "2000",
                      "--classification", "SITC2", "--code-prefix", "SITC2:"),
                     ("report", "--region", "KOR", "--output", str(home / "out"))):
            with pytest.raises(SystemExit) as exit_info:
                main(list(args))
            assert exit_info.value.code == 0
    finally:
        mp.undo()
    return (home / "out" / "smartspec_report_KOR.html").read_text()


def test_sitc_totals_are_the_files_own(sitc_report):
    """The shipped 1998-2000 table is not in the 2017 table's units: the R package built it
    with ``mean(trade_value_usd)`` over the rows of a reporter and product
    (economiccomplexity ``dev/world_trade_avg_1998_to_2000.R``), so its totals are 1/26 (Norway)
    to 1/123 (Japan) of a country's yearly exports and no unit factor recovers them. The report
    shows the file's own totals and the region's share of the file's total, the number
    comparable across the two tables."""
    raw = pd.read_csv(data_path(SITC), dtype={"country": str, "product": str})
    kor = raw.loc[raw["country"] == "kor", "value"].sum()
    key = key_figures(sitc_report, "SITC2")
    assert key["exports (USD)"] == f"{kor:,.0f}" == "2,426,655,016"
    assert key["all regions' exports (USD)"] == f"{raw['value'].sum():,.0f}" == "119,740,265,088"
    assert key["share of all regions' exports"] == f"{100 * kor / raw['value'].sum():.2f} %"
    assert key["products exported"] == f"{(raw['country'] == 'kor').sum():,}"


def test_no_figure_of_the_report_is_blank(sitc_report):
    """Every embedded PNG draws something in its plot area; the matrix M (about 20 % ones)
    draws it densely. Before the fix the matrix's middle was empty (ink 0.0)."""
    shown = images(sitc_report)
    # quadrants, spectrograph, matrix, segment profile, over time (the product space is an
    # interactive SVG: tests/test_report_browser.py looks at it in a browser)
    assert len(shown) == 5
    for alt, pixels in shown:
        assert ink(pixels) > 0.002, alt
    matrix = [p for alt, p in shown if alt.startswith("Matrix M")]
    assert len(matrix) == 1 and ink(matrix[0]) > 0.03


def test_embedded_images_are_whole_pngs(sitc_report):
    found = re.findall(r'<img [^>]*src="([^"]*)"', sitc_report)
    assert found and all(src.startswith("data:image/png;base64,") for src in found)
    assert all(base64.b64decode(src.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
               for src in found)
    assert Path(data_path(SITC)).exists()


def test_report_names_on_both_stores(cli_store, capsys, tmp_path, synthetic_trade):
    """Names come from the graph on either store; an unnamed node shows its code (or its ISO
    name), never a store's stand-in."""
    from smartspec.cli._space import load_spaces
    from smartspec.workflows.report import read_report_names

    f = tmp_path / "trade.csv"
    synthetic_trade.rename(columns={"activity": "product"}).to_csv(f, index=False)
    # a classification the shipped reference tables do not name: only the names set here count
    code, _, err = run(capsys, "load", "trade", str(f), "--classification", "HSX")
    assert code == 0, err
    with open_store(cli_store) as store:
        store.upsert_nodes("Product", pd.DataFrame({
            "code": ["8701", "8702"], "name": ["Tractors (other than tractors of heading 8709)",
                                               "Motor vehicles for the transport of ten persons"],
            "short_name": ["Tractors", ""]}))
        store.upsert_nodes("Region", pd.DataFrame({"code": ["DEU"], "name": ["Deutschland"]}))
        names = read_report_names(store, load_spaces(store), "Product")
    assert names.regions["DEU"] == "Deutschland" and names.regions["GRC"] == "Greece"
    assert names.activities == {"8701": "Tractors (other than tractors of heading 8709)",
                                "8702": "Motor vehicles for the transport of ten persons"}
    assert names.short == {"8701": "Tractors",
                           "8702": "Motor vehicles for the transport of ten persons"}
    code, _, err = run(capsys, "report", "--region", "GRC", "--output", str(tmp_path / "out"))
    assert code == 0, err
    page = (tmp_path / "out" / "smartspec_report_GRC.html").read_text()
    assert "<h1>Smart specialisation report: Greece (GRC)</h1>" in page
    # a classification without an Atlas layout: a computed one, clusters are sectors
    tips = {a: html.unescape(t) for a, t in re.findall(
        r'<circle [^>]*class="mk (?:spec|other)" data-a="(\d+)" data-c="\d+" '
        r'data-tip="([^"]*)"', page)}
    assert tips["8701"].startswith("8701 Tractors (other than tractors of heading 8709)\n"
                                   "cluster: 8 metals, machinery, vehicles (80-89)\nRCA ")
    assert tips["8703"].startswith("8703\ncluster: 8 metals") and "Region_" not in page
    assert "a Fruchterman-Reingold layout of the backbone" in page


def test_sector_names(env_home, capsys, tmp_path, synthetic_trade):
    """Sectors named from the graph where its first character is a level of the hierarchy
    (SITC sections), by the built-in tables otherwise; never HS chapter groups on NACE codes."""
    from smartspec.cli._space import load_spaces
    from smartspec.reports import figures
    from smartspec.workflows.report import read_report_names

    f = tmp_path / "sitc.csv"
    synthetic_trade.rename(columns={"activity": "product"}).to_csv(f, index=False)
    code, _, err = run(capsys, "load", "trade", str(f), "--classification", "SITC2",
                       "--code-prefix", "SITC2:")
    assert code == 0, err
    with open_store("embedded") as store:
        store.upsert_nodes("Product", pd.DataFrame({
            "code": ["SITC2:0", "SITC2:8"], "classification": "SITC2",
            "name": ["Food and live animals chiefly for food",
                     "Miscellaneous manufactured articles"], "short_name": ["Food", ""]}))
        spaces = load_spaces(store)
        names = read_report_names(store, spaces, "Product")
    assert names.sectors == {"SITC2": {"0": "Food",
                                       "8": "Miscellaneous manufactured articles"}}
    _, meta = figures.rca_sector_trends(spaces[0].data, region="DEU", classification="SITC2",
                                        sector_names=names.sectors["SITC2"])
    assert meta["legend"][:3] == ["0 Food", "2 crude materials", "3 mineral fuels"]
    assert "8 Miscellaneous manufactured articles" in meta["legend"]
    nace = spaces[0].data.assign(activity="1" + spaces[0].data["activity"].str[-3:])
    _, meta = figures.rca_sector_trends(nace, region="DEU", classification="NACE")
    assert meta["legend"] == ["codes 1…"]
