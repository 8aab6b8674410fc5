"""The report opened in a real browser (headless Chromium), as a reader opens it.

A small report is built on a named store and opened with ``chromium --headless``: the screenshot
must show a page (title, tables, figures: not blank), and every image must have been decoded by
the browser (``naturalWidth > 0``: no broken image icon). Skipped where Chromium is not
installed; ``.ci/run`` installs Debian's ``chromium`` when it is missing.
"""

from __future__ import annotations

import html
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from smartspec.cli.main import main
from smartspec.graph_models.store import open_store

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser",
                                                        "google-chrome")) if p), None)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install chromium; .ci/run "
    "installs it)")

#: Appended to a copy of the report (the report itself has no script): after loading, the
#: browser writes how many images it decoded and how many it could not into the DOM.
_PROBE = """<script>window.addEventListener('load', () => {
  const imgs = Array.from(document.images);
  document.body.dataset.images = imgs.length;
  document.body.dataset.broken = imgs.filter(i => !i.complete || i.naturalWidth === 0).length;
  document.body.dataset.svgs = document.querySelectorAll('svg circle[data-tip]').length;
});</script>"""


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    """Run headless Chromium once (as root it needs --no-sandbox; its own profile folder)."""
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture
def report_page(env_home, capsys, tmp_path, synthetic_trade) -> Path:
    f = tmp_path / "trade.csv"
    synthetic_trade.rename(columns={"activity": "product"}).to_csv(f, index=False)
    for args in (("load", "trade", str(f), "--classification", "HS92"),):
        with pytest.raises(SystemExit) as exit_info:
            main(list(args))
        assert exit_info.value.code == 0, capsys.readouterr().err
    acts = sorted(synthetic_trade["activity"].unique())
    with open_store("embedded") as store:
        store.upsert_nodes("Product", pd.DataFrame({
            "code": acts, "name": [f"Product number {i} of the test" for i in range(len(acts))],
            "short_name": [f"Product {i}" for i in range(len(acts))]}))
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--region", "Germany", "--output", str(tmp_path / "out")])
    assert exit_info.value.code == 0, capsys.readouterr().err
    return tmp_path / "out" / "smartspec_report_DEU.html"


def test_report_renders_in_chromium(report_page, tmp_path):
    shot = tmp_path / "shot.png"
    done = chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,3000",
                    report_page.resolve().as_uri())
    assert shot.exists(), done.stderr[-2000:]
    pixels = np.asarray(Image.open(shot).convert("L")).astype(int)
    assert pixels.shape == (3000, 1200)
    dark = pixels < 200
    assert dark.mean() > 0.02 and pixels.std() > 20  # a page, not a blank or grey sheet
    assert dark[:120].mean() > 0.005  # the title at the top
    # figures below the tables: rows of the lower half with colour or ink
    rows_with_ink = dark[1500:].any(axis=1).mean()
    assert rows_with_ink > 0.3


def test_report_has_no_broken_image_in_chromium(report_page, tmp_path):
    page = report_page.read_text(encoding="utf-8")
    srcs = re.findall(r'<img [^>]*src="([^"]*)"', page)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    probe = tmp_path / "probe.html"
    probe.write_text(page.replace("</body>", _PROBE + "</body>"), encoding="utf-8")
    done = chromium(tmp_path / "profile", "--virtual-time-budget=10000", "--dump-dom",
                    probe.resolve().as_uri())
    body = re.search(r"<body([^>]*)>", done.stdout)
    assert body, done.stderr[-2000:]
    attrs = dict(re.findall(r'data-(\w+)="(\d+)"', body.group(1)))
    assert attrs == {"images": str(len(srcs)), "broken": "0", "ready": "1",
                     "svgs": str(len(re.findall(r"<circle [^>]*data-tip=", page)))}
    assert "Product number" in done.stdout  # the names reached the browser's DOM


def test_the_checks_can_fail(tmp_path):
    """An empty page's screenshot is blank to the checks above, and a truncated PNG counts as
    a broken image."""
    empty = tmp_path / "empty.html"
    empty.write_text("<!DOCTYPE html><html><body></body></html>")
    shot = tmp_path / "empty.png"
    chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=1200,3000",
             empty.resolve().as_uri())
    pixels = np.asarray(Image.open(io.BytesIO(shot.read_bytes())).convert("L")).astype(int)
    assert (pixels < 200).mean() == 0.0
    broken = tmp_path / "broken.html"
    broken.write_text('<!DOCTYPE html><html><body><img src="data:image/png;base64,iVBORw0KGgo='
                      '"><img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAA'
                      'fFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==">'
                      + _PROBE + "</body></html>")
    done = chromium(tmp_path / "profile", "--virtual-time-budget=10000", "--dump-dom",
                    broken.resolve().as_uri())
    attrs = dict(re.findall(r'data-(\w+)="(\d+)"', re.search(r"<body([^>]*)>",
                                                              done.stdout).group(1)))
    assert attrs["images"] == "2" and attrs["broken"] == "1"


# -- the report on the shipped world trade, as `smartspec report --region KOR` writes it -------

#: Appended to a copy of the KOR report: where every chart and image is on the page (document
#: coordinates, before anything is clicked), then what a reader's hover, cluster click, strategy
#: switch and y-axis switch do, all written as JSON into <pre id="probe">.
_KOR_PROBE = """<script>window.addEventListener('load', () => {
  const out = {rects: [], height: document.documentElement.scrollHeight};
  document.querySelectorAll('svg.chart, img').forEach(el => {
    const r = el.getBoundingClientRect();
    out.rects.push({kind: el.tagName.toLowerCase() === 'img' ? 'img' : el.getAttribute('class'),
                    label: el.getAttribute('aria-label') || el.getAttribute('alt'),
                    x: r.left + scrollX, y: r.top + scrollY, w: r.width, h: r.height});
  });
  const sec = document.querySelector('section.space');
  out.sid = sec.dataset.sid;
  out.top = sec.dataset.top.split(',');
  const node = sec.querySelector('svg.space circle.mk.spec');
  node.dispatchEvent(new MouseEvent('mouseover', {bubbles: true, clientX: 50, clientY: 50}));
  const tip = document.querySelector('div.tip');
  out.tip = tip.textContent;
  out.tipShown = getComputedStyle(tip).display;
  const button = Array.from(sec.querySelectorAll('.clusterbar button.cl')).find(
    b => b.textContent.startsWith('Metalworking and Electrical Machinery and Parts'));
  const c = button.dataset.c;
  button.click();
  const marks = Array.from(sec.querySelectorAll('.mk[data-c]'));
  out.cluster = c;
  out.offOther = marks.filter(m => m.dataset.c !== c && m.classList.contains('off')).length;
  out.onOther = marks.filter(m => m.dataset.c !== c && !m.classList.contains('off')).length;
  out.offChosen = marks.filter(m => m.dataset.c === c && m.classList.contains('off')).length;
  out.onChosen = marks.filter(m => m.dataset.c === c && !m.classList.contains('off')).length;
  out.topCluster = sec.dataset.top.split(',');
  out.rowsCluster = Array.from(sec.querySelectorAll('table.opp tbody tr')).map(
    tr => tr.children[1].textContent);
  const low = sec.querySelector('input.strategy[value="low-hanging"]');
  low.checked = true;
  low.dispatchEvent(new Event('change'));
  out.topLowCluster = sec.dataset.top.split(',');
  sec.querySelector('.clusterbar button.cl-all').click();
  out.topLow = sec.dataset.top.split(',');
  out.ringed = Array.from(sec.querySelectorAll('svg.feas circle.top')).map(x => x.dataset.a);
  const cog = sec.querySelector('input.yaxis[value="cog"]');
  cog.checked = true;
  cog.dispatchEvent(new Event('change'));
  const pts = Array.from(sec.querySelectorAll('svg.feas circle.pt'));
  out.cyIsCog = pts.every(p => p.getAttribute('cy') === p.dataset.yCog);
  out.cogAxisShown = getComputedStyle(sec.querySelector('svg.feas g.ax-cog')).display;
  out.pciAxisShown = getComputedStyle(sec.querySelector('svg.feas g.ax-pci')).display;
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
});</script>"""


def _cli(*args: str) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    assert exit_info.value.code == 0


@pytest.fixture(scope="module")
def kor(tmp_path_factory):
    """``smartspec report --region KOR`` on the shipped world trade of 2017 and 1980 (HS12
    4-digit, loaded as the README does), the page opened in Chromium with the probe, and the
    CLI's rankings of the same store."""
    from smartspec.loaders.datasets import data_path

    home = tmp_path_factory.mktemp("kor")
    mp = pytest.MonkeyPatch()
    mp.setenv("SMARTSPEC_HOME", str(home / "home"))
    mp.delenv("NEO4J_URI", raising=False)
    cli = {}
    try:
        for year in (2017, 1980):
            _cli("load", "trade", str(data_path(f"world_trade_{year}.csv.gz")),
                 "--classification", "HS12", "--year", str(year))
        _cli("report", "--region", "KOR", "--output", str(home / "out"))
        for strategy in ("balanced", "low-hanging"):
            out = home / f"{strategy}.csv"
            _cli("recommend", "activities", "--region", "KOR", "--strategy", strategy,
                 "--top", "0", "--format", "csv", "--output", str(out))
            cli[strategy] = pd.read_csv(out, dtype={"activity": str})
    finally:
        mp.undo()
    page = home / "out" / "smartspec_report_KOR.html"
    probe = home / "probe.html"
    text = page.read_text(encoding="utf-8")
    probe.write_text(text.replace("</body>", _KOR_PROBE + "</body>"), encoding="utf-8")
    done = chromium(home / "profile", "--window-size=1200,1600", "--virtual-time-budget=20000",
                    "--dump-dom", probe.resolve().as_uri())
    found = re.search(r'<pre id="probe">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-3000:]
    result = json.loads(html.unescape(found.group(1)))
    shot = home / "shot.png"
    chromium(home / "profile", f"--screenshot={shot}",
             f"--window-size=1200,{int(result['height']) + 10}", page.resolve().as_uri())
    return {"page": text, "probe": result, "shot": np.asarray(Image.open(shot).convert("RGB"))
            .astype(int), "cli": cli}


def _crop(shot: np.ndarray, rect: dict) -> np.ndarray:
    x, y = int(rect["x"]), int(rect["y"])
    return shot[y:y + int(rect["h"]), x:x + int(rect["w"])]


def _ink(pixels: np.ndarray) -> float:
    """Share of pixels that are not white or near-white."""
    return float((np.abs(pixels - 255).max(axis=2) > 40).mean()) if pixels.size else 0.0


def _colours(pixels: np.ndarray, colours: list[str], tol: int = 18) -> dict[str, int]:
    """How many pixels are each of ``colours`` (hex), within ``tol`` per channel."""
    out = {}
    for hexcol in colours:
        rgb = np.array([int(hexcol[i:i + 2], 16) for i in (1, 3, 5)])
        out[hexcol] = int((np.abs(pixels - rgb).max(axis=2) <= tol).sum())
    return out


def test_kor_report_has_every_chart_and_none_is_blank(kor):
    from smartspec.reports.charts import ATLAS_CLUSTER_COLOURS

    rects = kor["probe"]["rects"]
    kinds = [r["kind"].split()[-1] if r["kind"] != "img" else "img" for r in rects]
    # approach, product space, treemap, feasibility; quadrants, spectrograph, matrix, RCA
    # by sector (two periods), segment profile, over time
    assert kinds == ["approach", "space", "treemap", "feas"] + ["img"] * 6, kinds
    assert any((r["label"] or "").startswith("The region's share of its total in each segment")
               for r in rects), [r["label"] for r in rects]
    shot = kor["shot"]
    assert shot.shape[0] >= max(r["y"] + r["h"] for r in rects)
    for rect in rects:
        pixels = _crop(shot, rect)
        assert rect["w"] > 300 and rect["h"] > 200, rect
        assert _ink(pixels) > 0.03, (rect["label"], _ink(pixels))
    by_kind = dict(zip(kinds, rects, strict=False))
    # the product space: nodes in (nearly) every Atlas cluster colour, not only grey
    found = _colours(_crop(shot, by_kind["space"]), list(ATLAS_CLUSTER_COLOURS.values()))
    assert sum(n > 20 for n in found.values()) >= 7, found
    # the strategic-approach chart: KOR's red marker
    assert _colours(_crop(shot, by_kind["approach"]), ["#d62728"])["#d62728"] > 60
    # the treemap: mostly colour, cluster colours among it
    tm = _crop(shot, by_kind["treemap"])
    assert _ink(tm) > 0.6
    assert sum(n > 200 for n in _colours(tm, list(ATLAS_CLUSTER_COLOURS.values())).values()) >= 6
    # the matrix M: dense, not an empty frame
    matrix = next(r for r in rects if (r["label"] or "").startswith("Matrix M"))
    assert _ink(_crop(shot, matrix)) > 0.15


def test_kor_top_opportunities_equal_the_cli(kor):
    """The page opens on *balanced*: its table is the CLI's
    ``recommend activities --region KOR --strategy balanced --top 10`` (and beyond)."""
    page_top = kor["probe"]["top"]
    cli = kor["cli"]["balanced"]
    assert len(page_top) == 15
    assert page_top[:10] == cli["activity"].head(10).tolist()
    assert page_top == cli["activity"].head(15).tolist()
    # the table as saved (before any script runs) is the same list, with names and markets
    table = re.search(r"<table class='opp'.*?</table>", kor["page"], re.S).group(0)
    codes = re.findall(r"<tr data-a='([^']*)'", table)
    assert codes == page_top
    first = cli.iloc[0]
    assert f">{first['activity_name']}<" in table
    assert "bn USD" in table or "m USD" in table
    # the weights the page states are those the ranking used: balanced takes the weights of
    # the region's strategic approach, as `recommend activities` does
    from smartspec.algorithms.opportunities import strategy_weights

    approach = re.search(r"<td class='t'>strategic approach \(Atlas\)</td><td class='n'>"
                         r"([^<]+)</td>", kor["page"]).group(1)
    w = strategy_weights("balanced", approach=approach)
    words = re.search(r"<p class='note strategy-words'>([^<]*)</p>", kor["page"]).group(1)
    assert words.startswith(f"balanced portfolio: score = {w['distance']:.2f} x nearness + "
                            f"{w['pci']:.2f} x PCI + {w['cog']:.2f} x COG"), words
    assert f"weights where the strategic approach is {approach}" in words


def test_kor_interactions(kor):
    from smartspec.loaders.classifications import product_space

    p = kor["probe"]
    # hover: the tooltip shows the node's code, name, cluster, RCA and PCI
    assert p["tipShown"] == "block"
    assert re.match(r"\d{4} .+\ncluster: .+\nRCA \d+\.\d\d \(specialised\)\nPCI -?\d", p["tip"])
    # a cluster clicked: every mark of the others dimmed, none of its own
    assert p["onOther"] == 0 and p["offOther"] > 500
    assert p["offChosen"] == 0 and p["onChosen"] > 50
    nodes, _ = product_space("HS92")
    cluster = dict(zip(nodes["code"], nodes["cluster"], strict=True))
    metal = "Metalworking and Electrical Machinery and Parts"
    for strategy, key in (("balanced", "topCluster"), ("low-hanging", "topLowCluster")):
        cli = kor["cli"][strategy]
        expected = [a for a in cli["activity"] if cluster.get(a) == metal][:15]
        assert p[key] == expected, strategy
    assert p["rowsCluster"] == p["topCluster"]
    # all clusters again, low-hanging fruit: the CLI's order; those points ringed
    assert p["topLow"] == kor["cli"]["low-hanging"]["activity"].head(15).tolist()
    assert sorted(p["ringed"]) == sorted(p["topLow"])
    assert p["topLow"] != p["top"]
    # y axis switched to COG: every point moved to its COG position, the COG axis shown
    assert p["cyIsCog"] and p["cogAxisShown"] != "none" and p["pciAxisShown"] == "none"


def test_kor_report_needs_no_network(kor):
    page = kor["page"]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "<script src" not in page and "<link" not in page
    assert "@import" not in page and "url(http" not in page
