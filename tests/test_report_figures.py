"""Report figures as a reader sees them: drawn at the report's resolution, named, not blank.

The figures of a real-sized space (about 200 regions x 1,200 activities) have more rows and
columns than the embedded PNG has pixels; marks thinner than a pixel vanished (the matrix M was an
empty frame in the HTML, the spectrograph lost its tallest bar). These tests decode the PNG the
report embeds and look at its pixels.
"""

from __future__ import annotations

import base64
import io

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from smartspec.reports import figures


def png_pixels(data: bytes | str) -> np.ndarray:
    """RGB pixels of a PNG given as bytes or base64 text."""
    raw = base64.b64decode(data) if isinstance(data, str) else data
    return np.asarray(Image.open(io.BytesIO(raw)).convert("RGB")).astype(int)


def ink(pixels: np.ndarray, box: tuple[float, float, float, float] = (0.2, 0.8, 0.15, 0.85),
        ) -> float:
    """Share of non-white pixels in a box (row and column fractions) of the image: the middle
    of the plot area by default, away from titles, tick labels and legends."""
    h, w = pixels.shape[:2]
    part = pixels[int(box[0] * h):int(box[1] * h), int(box[2] * w):int(box[3] * w)]
    return float((np.abs(part - 255).max(axis=2) > 40).mean())


@pytest.fixture(scope="module")
def wide():
    """A nested region x activity table of real size: 220 regions, 1,250 activities."""
    rng = np.random.default_rng(1)
    regions = [f"R{i:03d}" for i in range(220)]
    acts = [f"{i:04d}" for i in range(1250)]
    cap = np.linspace(1, 0, len(regions))
    diff = rng.random(len(acts))
    r, a = np.nonzero(cap[:, None] + 0.15 >= diff[None, :])
    spec = pd.DataFrame({"region": np.array(regions)[r], "activity": np.array(acts)[a],
                         "year": 2017, "value": rng.lognormal(10, 2, len(r)), "m": 1})
    regs = pd.DataFrame({"region": regions, "year": 2017, "fitness": cap + 0.01})
    actt = pd.DataFrame({"activity": acts, "year": 2017, "complexity": diff, "pci": diff})
    return spec, regs, actt


def test_matrix_of_a_real_sized_space_is_drawn_in_the_embedded_png(wide):
    spec, regs, acts = wide
    fig, meta = figures.matrix_plot(spec, regs, acts, year=2017, region="R010",
                                    region_name="Ruritania")
    assert meta["shape"] == (220, 1250) and meta["n_ones"] == len(spec)
    share = len(spec) / (220 * 1250)
    pixels = png_pixels(figures.to_base64_png(fig))  # the report's resolution
    # before the fix: 0.0 (sub-pixel markers vanish); the matrix is about 45 % ones
    assert ink(pixels) > 0.5 * share
    assert ink(png_pixels(figures.to_base64_png(fig, dpi=40))) > 0.5 * share


def test_spectrograph_draws_every_bar_and_names_the_largest(wide):
    _, _, acts = wide
    order = acts.sort_values(["pci", "activity"], ascending=[False, True])["activity"].tolist()
    tall = order[30::60][:20]  # 20 bars of 4.9 % each, far apart; 1,230 bars of 0.005 %
    mine = pd.DataFrame({"region": "R000", "activity": order, "year": 2017, "value": 1.0,
                         "m": 0})
    mine.loc[mine["activity"].isin(tall), "value"] = 1000.0
    fig, meta = figures.spectrograph_plot(mine, acts, region="R000", year=2017,
                                          names={tall[0]: "Electronic integrated circuits"})
    assert any(text.startswith(f"{tall[0]} Electronic") for text in meta["labelled"])
    ax = fig.axes[0]
    ax.get_legend().remove()  # keep only the bars: no legend, no labels in the top band
    for text in list(ax.texts):
        text.remove()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)  # the report's resolution
    pixels = png_pixels(buf.getvalue())
    x0, y0, x1, y1 = np.asarray(ax.get_window_extent().extents) * 110 / fig.dpi
    h = pixels.shape[0]
    top, bottom = int(h - y1) + 3, int(h - y1 + 0.2 * (y1 - y0))
    dark = (np.abs(pixels[top:bottom, int(x0) + 3:int(x1) - 3] - 255).max(axis=2) > 40)
    columns = dark.any(axis=0)
    bars = int(columns[0]) + int((columns[1:] & ~columns[:-1]).sum())
    assert bars == len(tall)  # before the fix: 16 (bars narrower than a pixel vanished)


def test_labels_are_short_names_next_to_codes():
    names = {"8542": "Electronic integrated circuits and microassemblies, parts thereof"}
    assert figures.short_label("8542", names, width=30) == "8542 Electronic integrated…"
    assert figures.short_label("SITC2:7641", {}) == "7641"
    assert figures.short_label("0101", {"0101": "Horses"}) == "0101 Horses"


def test_figures_docstring_examples():
    import doctest

    assert doctest.testmod(figures, optionflags=doctest.NORMALIZE_WHITESPACE).failed == 0
