"""Figures of the smart specialisation analysis (matplotlib, Agg backend; PNG and SVG).

Every plot function takes the tables the algorithms return and gives back ``(figure, meta)``:
the matplotlib figure and a dict of what was drawn (numbers of nodes, highlighted nodes, points
per quadrant ...), so that tests and the report can check a known element. :func:`save` writes a
figure as PNG and SVG; :func:`product_space_svg` draws the product space as plain SVG with a
tooltip on every node (interactive in any browser, no script, nothing downloaded).

Sectors are the first digit(s) of an activity code (after a ``XXX:`` classification prefix):
with one digit, SITC codes fall in the ten SITC sections and HS codes in ten groups of HS
chapters (0 = chapters 01-09, ..., 9 = chapters 90-99); see :data:`SITC_SECTIONS` and
:data:`HS_GROUPS`.
"""

from __future__ import annotations

import base64
import html
import io
import os
from collections.abc import Mapping
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ..algorithms.projection import backbone  # noqa: E402

__all__ = [
    "SITC_SECTIONS",
    "HS_GROUPS",
    "IPC_SECTIONS",
    "sector_of",
    "sector_name",
    "short_label",
    "save",
    "save_file",
    "reproducible_rc",
    "to_base64_png",
    "product_space",
    "product_space_svg",
    "opportunity_scatter",
    "spectrograph_plot",
    "matrix_plot",
    "complexity_over_time",
    "rca_sector_trends",
]

#: SITC rev. 2 sections (first digit).
SITC_SECTIONS = {
    "0": "food and live animals", "1": "beverages and tobacco", "2": "crude materials",
    "3": "mineral fuels", "4": "animal and vegetable oils", "5": "chemicals",
    "6": "manufactured goods by material", "7": "machinery and transport equipment",
    "8": "miscellaneous manufactured articles", "9": "other commodities",
}
#: Groups of HS chapters by their first digit.
HS_GROUPS = {
    "0": "animals and vegetables (01-09)", "1": "food, fats, beverages (10-19)",
    "2": "food preparations, minerals, chemicals (20-29)", "3": "chemicals, plastics (30-39)",
    "4": "hides, wood, paper (40-49)", "5": "textiles (50-59)",
    "6": "apparel, footwear, stone, glass (60-69)", "7": "pearls, metals (70-79)",
    "8": "metals, machinery, vehicles (80-89)", "9": "instruments, arms, misc. (90-99)",
}
#: IPC sections (CPC adds Y), WIPO's titles shortened.
IPC_SECTIONS = {
    "A": "human necessities", "B": "performing operations, transporting",
    "C": "chemistry, metallurgy", "D": "textiles, paper", "E": "fixed constructions",
    "F": "mechanical engineering, lighting, heating, weapons", "G": "physics",
    "H": "electricity", "Y": "new technological developments (CPC tagging)",
}
_PALETTE = plt.get_cmap("tab10")


def sector_of(codes: pd.Series | list[str], digits: int = 1) -> pd.Series:
    """The sector of each code: its first ``digits`` digits after any ``XXX:`` prefix."""
    s = pd.Series(codes, dtype=str)
    return s.str.split(":").str[-1].str[:digits]


def sector_name(sector: str, classification: str | None) -> str:
    """A readable name of a one-character sector: SITC section, group of HS chapters, IPC/CPC
    section; for other classifications (NACE, NAICS ...), whose first digit is no level of
    their hierarchy, the codes it stands for (``1…``).

    >>> sector_name("7", "SITC2"), sector_name("H", "IPC"), sector_name("1", "NACE")
    ('7 machinery and transport equipment', 'H electricity', 'codes 1…')
    >>> sector_name("8", "HS92")
    '8 metals, machinery, vehicles (80-89)'
    """
    cls = (classification or "HS").upper()
    if cls.startswith("SITC"):
        table = SITC_SECTIONS
    elif cls.startswith("HS"):
        table = HS_GROUPS
    elif cls.startswith(("IPC", "CPC")) or sector in IPC_SECTIONS:
        table = IPC_SECTIONS
    else:
        return f"codes {sector}…" if len(sector) == 1 else sector
    return f"{sector} {table[sector]}" if len(sector) == 1 and sector in table else sector


def short_label(code: str, names: Mapping[str, str] | pd.Series | None = None,
                width: int = 32) -> str:
    """A label a reader understands: the code (without its ``XXX:`` prefix) and its name,
    shortened to ``width`` characters at a word boundary.

    ``names`` maps stored codes to names (a short name, where the classification has one, reads
    best). A code without a name is shown alone.

    >>> short_label("8542", {"8542": "Electronic integrated circuits and microassemblies"}, 30)
    '8542 Electronic integrated…'
    >>> short_label("SITC2:7641", {})
    '7641'
    """
    shown = str(code).split(":")[-1]
    name = names.get(code) if names is not None else None
    if name is None or (isinstance(name, float) and np.isnan(name)) or not str(name).strip():
        return shown
    text = f"{shown} {' '.join(str(name).split())}"
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    if " " in cut[len(shown) + 1:]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "…"


def reproducible_rc() -> dict[str, str]:
    """matplotlib settings for a reproducible build: with ``SOURCE_DATE_EPOCH`` set, the SVG's
    element ids are salted with a fixed text instead of matplotlib's random one (matplotlib
    already dates the SVG by that variable; the PNG carries no date); otherwise none."""
    return {"svg.hashsalt": "smartspec"} if os.environ.get("SOURCE_DATE_EPOCH") else {}


def save_file(fig, path: str | Path, **kwargs) -> Path:
    """``fig.savefig(path, **kwargs)`` under :func:`reproducible_rc`, making the folder: with
    ``SOURCE_DATE_EPOCH`` set the same figure gives the same SVG bytes."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with matplotlib.rc_context(reproducible_rc()):
        fig.savefig(path, **kwargs)
    return path


def save(fig, stem: str | Path) -> list[Path]:
    """Write ``fig`` as ``stem.png`` (150 dpi) and ``stem.svg``; returns the two paths.

    With ``SOURCE_DATE_EPOCH`` set (reproducible builds) the SVG is the same bytes for the same
    figure (:func:`save_file`)."""
    stem = Path(stem)
    return [save_file(fig, stem.with_suffix(".png"), dpi=150, bbox_inches="tight"),
            save_file(fig, stem.with_suffix(".svg"), bbox_inches="tight")]


def to_base64_png(fig, dpi: int = 110) -> str:
    """The figure as a base64 PNG (for an ``<img src="data:image/png;base64,...">``)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    return base64.b64encode(buf.getvalue()).decode("ascii")


# -- product space -------------------------------------------------------------------------------


def _layout(edges: pd.DataFrame, seed: int) -> pd.DataFrame:
    """The seeded layout of the report's charts (:func:`smartspec.reports.charts.space_layout`):
    the same picture in every run on the same edges."""
    from .charts import _seeded_layout

    return _seeded_layout(edges, seed)


def product_space(
    proximity: pd.DataFrame,
    specialised: list[str] | set[str],
    *,
    threshold: float = 0.55,
    classification: str | None = None,
    title: str = "",
    seed: int = 0,
):
    """The product (or knowledge) space backbone with a region's specialisations highlighted.

    Parameters
    ----------
    proximity : DataFrame
        ``activity_a, activity_b, proximity`` of one period.
    specialised : list or set of str
        Activities to highlight (the region's ``M = 1``).
    threshold : float
        Backbone: maximum spanning tree plus links with ``phi >= threshold`` (Hidalgo et al.).
    classification : str, optional
        For the sector legend.
    title : str
    seed : int
        Seed of the Fruchterman-Reingold layout.

    Returns
    -------
    (Figure, dict)
        ``meta``: ``n_nodes, n_edges, n_highlighted, layout`` (a table ``activity, x, y,
        sector, highlighted``) and ``edges`` (the backbone).
    """
    bb = backbone(proximity[["activity_a", "activity_b", "proximity"]], threshold=threshold)
    lay = _layout(bb, seed)
    spec = {str(s) for s in specialised}
    lay["sector"] = sector_of(lay["activity"]).to_numpy()
    lay["highlighted"] = lay["activity"].isin(spec).to_numpy()
    pos = lay.set_index("activity")[["x", "y"]]
    fig, ax = plt.subplots(figsize=(10, 8))
    a = pos.loc[bb["activity_a"].astype(str)].to_numpy()
    b = pos.loc[bb["activity_b"].astype(str)].to_numpy()
    from matplotlib.collections import LineCollection

    ax.add_collection(LineCollection(np.stack([a, b], axis=1), colors="#cccccc", linewidths=0.4,
                                     zorder=1))
    other = lay[~lay["highlighted"]]
    ax.scatter(other["x"], other["y"], s=8, c="#dddddd", edgecolors="#bbbbbb", linewidths=0.3,
               zorder=2)
    hi = lay[lay["highlighted"]]
    sectors = sorted(lay["sector"].unique())
    for i, sec in enumerate(sectors):
        part = hi[hi["sector"] == sec]
        if len(part):
            ax.scatter(part["x"], part["y"], s=28, color=_PALETTE(i % 10), edgecolors="black",
                       linewidths=0.3, zorder=3, label=sector_name(sec, classification))
    ax.set_axis_off()
    ax.set_title(title or "Product space backbone")
    if len(hi):
        ax.legend(loc="lower left", fontsize=7, frameon=False, title="sector (highlighted)",
                  title_fontsize=7)
    ax.autoscale()
    meta = {"n_nodes": len(lay), "n_edges": len(bb), "n_highlighted": int(len(hi)),
            "layout": lay, "edges": bb}
    return fig, meta


def product_space_svg(meta: dict, *, width: int = 900, height: int = 720,
                      rca: pd.Series | None = None, classification: str | None = None,
                      names: Mapping[str, str] | pd.Series | None = None,
                      pci: pd.Series | None = None) -> str:
    """The product space of :func:`product_space` as a plain SVG with a tooltip per node.

    Hovering a node shows its code and name (``names``: code -> full name), its sector, and,
    where given (Series indexed by activity), the region's RCA and the activity's PCI;
    highlighted nodes are drawn in their sector's colour. No script is needed.

    >>> # <title>8542 Electronic integrated circuits - sector 8 ... - RCA 3.21 - PCI 1.04</title>
    """
    lay, bb = meta["layout"], meta["edges"]
    x, y = lay["x"].to_numpy(), lay["y"].to_numpy()
    pad = 20
    sx = (width - 2 * pad) / max(np.ptp(x), 1e-9)
    sy = (height - 2 * pad) / max(np.ptp(y), 1e-9)
    s = min(sx, sy)
    px = pad + (x - x.min()) * s
    py = pad + (y - y.min()) * s
    where = dict(zip(lay["activity"], zip(px, py, strict=True), strict=True))
    sectors = sorted(lay["sector"].unique())
    colour = {sec: matplotlib.colors.to_hex(_PALETTE(i % 10)) for i, sec in enumerate(sectors)}
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="100%" role="img" aria-label="product space">',
           "<style>circle:hover{stroke:#000;stroke-width:2}</style>", '<g stroke="#ccc" '
           'stroke-width="0.6">']
    for a, b in zip(bb["activity_a"].astype(str), bb["activity_b"].astype(str), strict=True):
        (x1, y1), (x2, y2) = where[a], where[b]
        out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
    out.append("</g>")
    order = lay.sort_values("highlighted")
    for act, sec, hi in zip(order["activity"], order["sector"], order["highlighted"],
                            strict=True):
        cx, cy = where[act]
        tip = f"{short_label(act, names, width=120)} - sector {sector_name(sec, classification)}"
        if rca is not None and act in rca.index:
            tip += f" - RCA {rca[act]:.2f}"
        if pci is not None and act in pci.index and pd.notna(pci[act]):
            tip += f" - PCI {pci[act]:.2f}"
        fill, r = (colour[sec], 5) if hi else ("#e5e5e5", 3)
        out.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{fill}" '
                   f'stroke="#999" stroke-width="0.4" class="{"spec" if hi else "other"}">'
                   f"<title>{html.escape(tip)}</title></circle>")
    out.append("</svg>")
    return "".join(out)


# -- opportunities -------------------------------------------------------------------------------

_QUAD_COLOURS = {"low risk, high gain": "#1b9e77", "low risk, low gain": "#7570b3",
                 "high risk, high gain": "#d95f02", "high risk, low gain": "#999999"}


def opportunity_scatter(table: pd.DataFrame, *, labels: int = 10, title: str = "",
                        log_y: bool | None = None,
                        names: Mapping[str, str] | pd.Series | None = None):
    """Branching opportunities: relatedness density (x) against complexity (y), quadrants drawn.

    ``table`` is one region and period of :func:`~smartspec.algorithms.opportunities.
    opportunity_table`. The ``labels`` best-ranked points are numbered on the plot and listed
    beside it with their codes and, from ``names`` (code -> short name), their names
    (:func:`short_label`). ``log_y`` defaults to True for Fitness-Complexity
    (``attrs["complexity"] == "fitness"``).

    Returns ``(Figure, meta)`` with ``n_points``, ``quadrants`` (count per quadrant),
    ``x_cut``, ``y_cut``, ``labelled`` (how many) and ``labels`` (their texts).
    """
    if log_y is None:
        log_y = table.attrs.get("complexity") == "fitness"
    t = table.dropna(subset=["density", "complexity"])
    fig, ax = plt.subplots(figsize=(11, 6))
    counts = {}
    for q, col in _QUAD_COLOURS.items():
        part = t[t["quadrant"] == q]
        counts[q] = int(len(part))
        ax.scatter(part["density"], part["complexity"], s=12, color=col, alpha=0.7,
                   label=f"{q} ({len(part)})")
    x_cut = float(t["x_cut"].iloc[0]) if "x_cut" in t and len(t) else float(t["density"].median())
    y_cut = (float(t["y_cut"].iloc[0]) if "y_cut" in t and len(t)
             else float(t["complexity"].median()))
    ax.axvline(x_cut, color="black", lw=0.8, ls="--")
    ax.axhline(y_cut, color="black", lw=0.8, ls="--")
    top = t.nsmallest(labels, "rank") if "rank" in t else t.head(labels)
    # the best-ranked candidates crowd one corner: number them on the plot, name them beside it
    texts = [short_label(a, names, width=40) for a in top["activity"]]
    ax.scatter(top["density"], top["complexity"], s=36, facecolors="none", edgecolors="black",
               linewidths=0.8, zorder=3)
    for k, (xv, yv) in enumerate(zip(top["density"], top["complexity"], strict=True), 1):
        ax.annotate(str(k), (xv, yv), fontsize=7, fontweight="bold", xytext=(3, 2),
                    textcoords="offset points")
    if texts:
        fig.subplots_adjust(right=0.64)
        fig.text(0.66, 0.88, "best-ranked candidates\n" + "\n".join(
            f"{k:>2}  {text}" for k, text in enumerate(texts, 1)), va="top", fontsize=7.5,
            linespacing=1.5)
    if log_y and (t["complexity"] > 0).all() and len(t):
        ax.set_yscale("log")
    ax.set_xlabel("relatedness density (risk: low on the right)")
    ax.set_ylabel("complexity (" + ("Fitness-Complexity" if log_y else "PCI") + "; gain)")
    ax.set_title(title or "Branching opportunities")
    ax.legend(fontsize=7, loc="best")
    return fig, {"n_points": int(len(t)), "quadrants": counts, "x_cut": x_cut, "y_cut": y_cut,
                 "labelled": int(len(top)), "labels": texts}


# -- spectrograph and matrix ---------------------------------------------------------------------


def spectrograph_plot(specialisation: pd.DataFrame, activities: pd.DataFrame, *, region: str,
                      year: object, order_by: str = "pci", title: str = "",
                      names: Mapping[str, str] | pd.Series | None = None, labels: int = 5,
                      quantity: str = "exports"):
    """IPPR's spectrograph: a region's export shares with activities ordered by complexity.

    ``specialisation`` is ``region, activity, year, value, m``; ``activities`` holds
    ``activity, year`` and ``order_by`` (``pci`` or ``complexity``). Bars are the region's shares
    of its total at each activity's complexity rank (1 = most complex on the left), coloured
    where the region is specialised. Each bar is a line at least one pixel wide at any
    resolution: a real space has more activities than the figure has pixels, and bars one
    activity wide (under a pixel) were dropped or kept by the rasteriser depending on where they
    fell. The ``labels`` largest bars are labelled with code and name (``names``: code -> short
    name). ``quantity`` names what the shares are of (exports, patents, jobs).

    Returns ``(Figure, meta)`` with ``n_activities``, ``n_bars`` (activities the region has),
    ``n_specialised`` and ``labelled`` (the label texts, largest share first). Raises
    :class:`ValueError` when no activity of ``year`` has ``order_by``.
    """
    acts = activities[activities["year"] == year].dropna(subset=[order_by])
    if acts.empty:
        raise ValueError(f"no spectrograph of {region} in {year}: no activity has a {order_by} "
                         "in that year (is the region-activity network connected?)")
    acts = acts.sort_values([order_by, "activity"], ascending=[False, True]).reset_index()
    acts["rank"] = np.arange(1, len(acts) + 1)
    mine = specialisation[(specialisation["region"] == region)
                          & (specialisation["year"] == year)]
    mine = mine.assign(share=mine["value"] / mine["value"].sum())
    t = acts[["activity", "rank"]].merge(mine[["activity", "share", "m"]], on="activity",
                                          how="left").fillna({"share": 0.0, "m": 0})
    fig, ax = plt.subplots(figsize=(10, 4))
    spec = t["m"] == 1
    lw = max(0.75, min(3.0, 500.0 / max(len(t), 1)))  # points: >= 1 px from 96 dpi up
    for sel, colour, label in ((~spec, "#9ecae1", "RCA < 1"), (spec, "#08519c", "RCA >= 1")):
        part = t[sel & (t["share"] > 0)]
        ax.vlines(part["rank"], 0, part["share"] * 100, colors=colour, linewidth=lw,
                  label=label)
    top = t[t["share"] > 0].nlargest(labels, "share")
    texts = [short_label(a, names, width=34) for a in top["activity"]]
    placed: list[tuple[float, float]] = []
    span_x, span_y = len(t) + 1, max(float(top["share"].max()) * 100, 1e-9) if len(top) else 1
    for text, xv, yv in zip(texts, top["rank"], top["share"] * 100, strict=True):
        # the largest bars often stand together: a label near an earlier (taller) one goes to
        # the left of its bar when it stands left of it, else up a line
        near = [px for px, py in placed
                if abs(xv - px) < 0.12 * span_x and abs(yv - py) < 0.08 * span_y]
        if near and all(xv < px for px in near):
            ax.annotate(text, (xv, yv), fontsize=6.5, xytext=(-2, 2), ha="right",
                        textcoords="offset points")
        else:
            ax.annotate(text, (xv, yv), fontsize=6.5, xytext=(2, 2 + 9 * len(near)),
                        textcoords="offset points")
        placed.append((xv, yv))
    ax.set_xlabel(f"activities ordered by {'PCI' if order_by == 'pci' else 'Fitness-Complexity'}"
                  " (most complex on the left)")
    ax.set_ylabel(f"share of the region's {quantity} (%)")
    ax.set_xlim(0, len(t) + 1)
    ax.set_ylim(0, max(float(t["share"].max()) * 100 * 1.08, 1e-9))
    ax.set_title(title or f"Spectrograph of {region}, {year}")
    ax.legend(fontsize=8, loc="upper right")
    return fig, {"n_activities": int(len(t)), "n_bars": int((t["share"] > 0).sum()),
                 "n_specialised": int(spec.sum()), "labelled": texts}


def matrix_plot(specialisation: pd.DataFrame, regions: pd.DataFrame, activities: pd.DataFrame,
                *, year: object, region: str | None = None, title: str = "",
                region_name: str | None = None, max_cells: tuple[int, int] = (450, 600)):
    """The region-activity matrix M ordered by fitness (rows) and complexity (columns).

    Rows: regions by decreasing Fitness; columns: activities by increasing Fitness-Complexity,
    which shows the triangular (nested) shape of Tacchella et al. (2012). ``region``'s row is
    marked and labelled (with ``region_name`` when given).

    M is drawn as an image of at most ``max_cells`` (rows, columns) cells, each the share of
    ones among the matrix entries it covers (grey levels; black = all ones). A real space has
    more activities than the figure has pixels: one marker per entry (the former drawing) fell
    under a pixel and the embedded PNG came out as an empty frame.

    Returns ``(Figure, meta)`` with ``shape``, ``n_ones``, ``cells`` (shape of the image) and
    ``region_row`` (0-based position of ``region``, None when absent).
    """
    from matplotlib.colors import PowerNorm

    reg = regions[(regions["year"] == year)].dropna(subset=["fitness"])
    reg = reg.sort_values(["fitness", "region"], ascending=[False, True])
    act = activities[(activities["year"] == year)].dropna(subset=["complexity"])
    act = act.sort_values(["complexity", "activity"])
    ri = pd.Index(reg["region"])
    ai = pd.Index(act["activity"])
    m = specialisation[(specialisation["year"] == year) & (specialisation["m"] == 1)]
    r, a = ri.get_indexer(m["region"]), ai.get_indexer(m["activity"])
    ok = (r >= 0) & (a >= 0)
    nr, na = max(len(ri), 1), max(len(ai), 1)
    br, bc = min(nr, max_cells[0]), min(na, max_cells[1])
    row_bin = np.arange(nr) * br // nr
    col_bin = np.arange(na) * bc // na
    ones = np.zeros((br, bc))
    np.add.at(ones, (row_bin[r[ok]], col_bin[a[ok]]), 1.0)
    size = np.outer(np.bincount(row_bin, minlength=br), np.bincount(col_bin, minlength=bc))
    share = ones / size
    fig, ax = plt.subplots(figsize=(8, 6))
    ax.imshow(share, cmap="Greys", norm=PowerNorm(0.5, vmin=0.0, vmax=1.0), aspect="auto",
              interpolation="antialiased", extent=(-0.5, na - 0.5, nr - 0.5, -0.5))
    row = int(ri.get_loc(region)) if region is not None and region in ri else None
    if row is not None:
        ax.axhline(row, color="#d62728", lw=0.8)
        label = f"{region_name} ({region})" if region_name else str(region)
        ax.annotate(label, (na - 0.5, row), color="#d62728", fontsize=8,
                    xytext=(3, 0), textcoords="offset points", va="center")
    ax.set_xlabel("activities by increasing complexity")
    ax.set_ylabel("regions by decreasing fitness")
    ax.set_title(title or f"Region-activity matrix M, {year}")
    return fig, {"shape": (len(ri), len(ai)), "n_ones": int(ok.sum()), "cells": share.shape,
                 "region_row": row}


# -- over time -----------------------------------------------------------------------------------


def complexity_over_time(regions: pd.DataFrame, *, focus: list[str], title: str = "",
                         names: Mapping[str, str] | pd.Series | None = None):
    """ECI, Fitness (log10) and diversification (number of RCAs) over time for some regions.

    ``regions`` is ``region, year, eci, fitness, diversity`` and optionally ``classification``
    (periods of different classifications are marked by the marker shape: the measures are
    computed within each classification, so levels of diversity are not comparable across
    them); a line joins the periods of one classification only, never a period of one to a
    period of another. The legend names each region (``names``: code -> name). Returns
    ``(Figure, meta)`` with ``n_lines`` (regions drawn), ``n_segments`` (lines of one region
    and classification), ``years`` and ``legend`` (its texts).
    """
    t = regions[regions["region"].isin(focus)].sort_values("year")
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    cls = t["classification"] if "classification" in t else pd.Series("", index=t.index)
    markers = {c: mk for c, mk in zip(sorted(cls.unique()), "osD^v", strict=False)}
    drawn = lines = 0
    for i, reg in enumerate(focus):
        part = t[t["region"] == reg]
        if part.empty:
            continue
        drawn += 1
        colour = _PALETTE(i % 10)
        part_cls = cls.loc[part.index]
        for ax, col in zip(axes, ["eci", "fitness", "diversity"], strict=True):
            yv = np.log10(part[col]) if col == "fitness" else part[col]
            labelled = False
            # a line joins the periods of one classification only: measures of two
            # classifications are not on one scale (the SITC 2000 point between HS 1980 and
            # HS 2017 stands alone)
            for c, mk in markers.items():
                sel = (part_cls == c).to_numpy()
                if not sel.any():
                    continue
                label = (_region_label(reg, names) if col == "eci" and not labelled else None)
                ax.plot(part["year"][sel], np.asarray(yv)[sel], color=colour, marker=mk,
                        markersize=5, lw=1.5 if i == 0 else 1, label=label)
                labelled = True
                lines += 1
    for ax, lab in zip(axes, ["ECI", "log10 Fitness", "diversity (number of RCA >= 1)"],
                       strict=True):
        ax.set_title(lab, fontsize=10)
        ax.set_xlabel("year")
    if drawn:
        axes[0].legend(fontsize=8)
    if len(markers) > 1:
        note = ", ".join(f"{mk} {c}" for c, mk in markers.items())
        fig.text(0.5, -0.02, f"markers: {note} (measures within each classification)",
                 ha="center", fontsize=8)
    fig.suptitle(title or "Complexity and diversification over time")
    fig.tight_layout()
    legend = [x.get_text() for x in axes[0].get_legend().get_texts()] if drawn else []
    return fig, {"n_lines": drawn, "years": sorted(t["year"].unique().tolist()),
                 "legend": legend, "n_segments": lines // 3}


def _region_label(code: str, names: Mapping[str, str] | pd.Series | None) -> str:
    """``Name (CODE)`` with the name shortened, or the code alone."""
    name = names.get(code) if names is not None else None
    if name is None or not isinstance(name, str) or not name.strip():
        return str(code)
    name = name if len(name) <= 24 else name[:23].rstrip() + "…"
    return f"{name} ({code})"


def rca_sector_trends(data: pd.DataFrame, *, region: str, digits: int = 1,
                      classification: str | None = None, title: str = "",
                      sector_names: Mapping[str, str] | None = None):
    """RCA of a region's sectors over time (sector = first digit(s) of the activity code).

    ``data`` is the long table ``region, activity, year, value`` of one classification. Values
    are summed to sectors first and Balassa's RCA is computed on the sector table, period by
    period. Sectors are named by ``sector_names`` (sector -> name) when given, else by
    :func:`sector_name` (SITC sections, groups of HS chapters). Returns ``(Figure, meta)`` with
    ``n_sectors``, ``years``, ``table`` (``sector, year, rca``) and ``legend``.
    """
    from ..algorithms.specialisation import rca

    agg = data.assign(activity=sector_of(data["activity"], digits).to_numpy())
    agg = agg.groupby(["region", "activity", "year"], as_index=False)["value"].sum()
    r = rca(agg)
    mine = r[r["region"] == region].rename(columns={"activity": "sector"})
    fig, ax = plt.subplots(figsize=(9, 5))
    sectors = sorted(mine["sector"].unique())
    for i, sec in enumerate(sectors):
        part = mine[mine["sector"] == sec].sort_values("year")
        label = (short_label(sec, sector_names, width=40) if sector_names and sec in sector_names
                 else sector_name(sec, classification))
        ax.plot(part["year"], part["rca"], marker="o", color=_PALETTE(i % 10), label=label)
    ax.axhline(1.0, color="black", lw=0.8, ls="--")
    ax.set_yscale("log")
    ax.set_xlabel("year")
    ax.set_ylabel("RCA of the sector (log scale)")
    ax.set_title(title or f"RCA by sector, {region}")
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    years = sorted(mine["year"].unique().tolist())
    legend = [x.get_text() for x in ax.get_legend().get_texts()]
    return fig, {"n_sectors": len(sectors), "years": years,
                 "table": mine[["sector", "year", "rca"]].reset_index(drop=True),
                 "legend": legend}
