"""The report opened in a real browser (headless Chromium), as a reader opens it.

A small report is built on a named store and opened with ``chromium --headless``: the screenshot
must show a page (title, tables, figures: not blank), and every image must have been decoded by
the browser (``naturalWidth > 0``: no broken image icon). Skipped where Chromium is not
installed; ``.ci/run`` installs Debian's ``chromium`` when it is missing.
"""

from __future__ import annotations

import io
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
  document.body.dataset.svgs = document.querySelectorAll('svg circle title').length;
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
    assert attrs == {"images": str(len(srcs)), "broken": "0",
                     "svgs": str(page.count("<circle"))}
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
