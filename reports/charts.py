"""Interactive charts of the HTML report: plain SVG built here, made interactive by the small
script ``report.js`` shipped beside this module (hover, filter by cluster, switch strategy).

Why hand-written SVG and not a charting library: the report must be one file that opens
offline, so any library would be inlined into every report. plotly.js, the usual choice, is a
4.5 MB script from a 15 MB wheel that smartspec does not otherwise need; the four charts here
(a network on a fixed layout, two scatters, a treemap) are a few hundred lines of SVG and about
200 lines of script, add nothing to install, and every mark carries its data (``data-tip``,
``data-c`` cluster, ``data-a`` activity code) so tests can read what a reader sees.

Every function takes the tables of the analysis and returns ``(svg, meta)``: the SVG text and
a dict of what was drawn (counts, positions) for tests and captions.

Product space layout (:func:`space_layout`):

- HS codes at 4 digits (any HS vintage) are placed at the position the Atlas of Economic
  Complexity gives the HS92 heading with the same code (``product_space_x/y`` of the shipped
  atlas-common-data HS92 table) and coloured by the Atlas's product-space cluster; the Atlas's
  own edges are drawn. Codes that are no placed HS92 heading (HS12 headings created after
  1992) are listed as off the layout.
- Every other classification (SITC too: the legacy SITC coordinates of the shipped table come
  without the edges drawn on them) (and the knowledge space of technologies, industries) gets a
  Fruchterman-Reingold layout of the backbone (maximum spanning tree plus links with
  ``phi >= 0.55``) started from seeded random positions with igraph's random numbers drawn
  from a seeded generator, so the same data give the same picture from run to run.
"""

from __future__ import annotations

import html
import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..algorithms._validation import ValidationError
from ..algorithms.projection import backbone
from ..loaders.classifications import product_classification, product_space, product_table
from . import figures

__all__ = [
    "ATLAS_CLUSTER_COLOURS",
    "OTHER_CLUSTER",
    "Layout",
    "space_layout",
    "cluster_colours",
    "money",
    "product_space_svg",
    "feasibility_svg",
    "approach_svg",
    "treemap_svg",
    "squarify",
    "cluster_bar",
    "cluster_short",
]

#: Colours of the eight clusters of the Atlas's HS92 product space (smartspec's palette; the
#: shipped tables name the clusters but carry no colours).
ATLAS_CLUSTER_COLOURS = {
    "Agriculture": "#e3b21b",
    "Construction, Building, and Home Supplies": "#a0694a",
    "Electronic and Electrical Goods": "#2f9bd6",
    "Industrial Chemicals and Metals": "#8e5ab5",
    "Metalworking and Electrical Machinery and Parts": "#24568f",
    "Minerals": "#c6423a",
    "Textile Apparel and Accessories": "#2e9d5b",
    "Textile and Home Goods": "#e07bb8",
}
#: Short names of the Atlas clusters (``name_short_en`` of the shipped cluster table) for tables.
ATLAS_CLUSTER_SHORT = {
    "Agriculture": "Agricultural Goods",
    "Construction, Building, and Home Supplies": "Construction Goods",
    "Electronic and Electrical Goods": "Electronics",
    "Industrial Chemicals and Metals": "Chemicals and Basic Metals",
    "Metalworking and Electrical Machinery and Parts": "Metalworking and Machinery",
    "Minerals": "Minerals",
    "Textile Apparel and Accessories": "Apparel",
    "Textile and Home Goods": "Textile and Home Goods",
}
#: The cluster of an HS product that is not placed in the Atlas's HS92 product space.
OTHER_CLUSTER = "not in the Atlas product space"
_OTHER_COLOUR = "#9a9a9a"
_GREY = "#dedede"


@dataclass
class Layout:
    """Where each activity of a space is drawn and in which cluster it falls.

    ``nodes``: ``activity, x, y, cluster`` (placed activities; x, y in the layout's units,
    y pointing down); ``edges``: ``activity_a, activity_b``; ``clusters``: activity -> cluster
    name for every activity of the space (placed or not); ``order``: cluster names in legend
    order; ``source``: how the layout was made, in words; ``off_layout``: activities of the
    space the layout does not place.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    clusters: dict[str, str]
    order: list[str]
    source: str
    off_layout: list[str] = field(default_factory=list)
    kind: str = "computed"
    #: why activities are off the layout (reason -> activities), for the Atlas layout
    off_reasons: dict[str, list[str]] = field(default_factory=dict)


def _off_reasons(off: list[str], prefix: str) -> dict[str, list[str]]:
    """Split HS codes off the Atlas layout: HS92 headings the Atlas leaves out of its product
    space, and codes that are no HS92 heading (headings created after 1992)."""
    table = product_table("HS92")
    headings = set(table.loc[table["level"] == "heading", "code"])
    bare = _strip(off, prefix)
    out = {"HS92 headings the Atlas does not place in its product space":
           [a for a, b in zip(off, bare, strict=True) if b in headings],
           "not HS92 headings": [a for a, b in zip(off, bare, strict=True)
                                 if b not in headings]}
    return {k: v for k, v in out.items() if v}


def _strip(codes: Sequence[str], prefix: str) -> list[str]:
    return [str(c)[len(prefix):] if prefix and str(c).startswith(prefix) else str(c)
            for c in codes]


def _hs_clusters(codes: list[str], prefix: str) -> dict[str, str]:
    """Atlas cluster of each HS code through the HS92 heading with the same first 4 digits."""
    nodes, _ = product_space("HS92")
    by_code = dict(zip(nodes["code"], nodes["cluster"], strict=True))
    bare = _strip(codes, prefix)
    return {c: by_code.get(b[:4], OTHER_CLUSTER) if len(b) >= 4 else OTHER_CLUSTER
            for c, b in zip(codes, bare, strict=True)}


def _sector_clusters(codes: list[str], classification: str | None,
                     sector_names: Mapping[str, str] | None) -> dict[str, str]:
    sectors = figures.sector_of(pd.Series(codes, dtype=str))
    out = {}
    for code, sec in zip(codes, sectors, strict=True):
        if sector_names and sec in sector_names:
            out[code] = figures.short_label(sec, sector_names, width=48)
        else:
            out[code] = figures.sector_name(sec, classification)
    return out


def _seeded_layout(edges: pd.DataFrame, seed: int) -> pd.DataFrame:
    """Fruchterman-Reingold on ``edges`` from seeded start positions, igraph drawing its random
    numbers from a generator seeded with ``seed`` (restored afterwards): the same edges give
    the same layout in every run."""
    import igraph as ig

    edges = edges.sort_values(["activity_a", "activity_b"]).reset_index(drop=True)
    nodes = pd.Index(sorted(set(edges["activity_a"].astype(str))
                            | set(edges["activity_b"].astype(str))))
    g = ig.Graph(n=len(nodes), edges=list(zip(
        nodes.get_indexer(edges["activity_a"].astype(str)),
        nodes.get_indexer(edges["activity_b"].astype(str)), strict=True)))
    start = np.random.default_rng(seed).random((len(nodes), 2)).tolist()
    ig.set_random_number_generator(random.Random(seed))
    try:
        lay = g.layout_fruchterman_reingold(weights=edges["proximity"].tolist(), seed=start,
                                            niter=500)
    finally:
        ig.set_random_number_generator(random)
    xy = np.asarray(lay.coords)
    return pd.DataFrame({"activity": nodes, "x": xy[:, 0], "y": xy[:, 1]})


def space_layout(activities: Sequence[str], *, classification: str | None, prefix: str = "",
                 proximity: pd.DataFrame | None = None, seed: int = 0,
                 threshold: float = 0.55,
                 sector_names: Mapping[str, str] | None = None) -> Layout:
    """The layout of a space's activities (see the module docstring for the two cases).

    ``proximity`` (``activity_a, activity_b, proximity`` of one period) is needed for the
    backbone of a computed layout; ``sector_names`` names one-character sectors
    (SITC sections, IPC sections) where the graph holds them.
    """
    acts = sorted({str(a) for a in activities})
    cls = product_classification(classification)
    bare = _strip(acts, prefix)
    if cls in ("HS92", "HS12", "HS22") and bare and all(len(b) == 4 for b in bare):
        clusters = _hs_clusters(acts, prefix)
        nodes, edges = product_space("HS92", prefix=prefix)
        placed = nodes[nodes["code"].isin(acts)]
        keep = set(placed["code"])
        e = edges[edges["source"].isin(keep) & edges["target"].isin(keep)]
        order = [c for c in ATLAS_CLUSTER_COLOURS if c in set(clusters.values())]
        if OTHER_CLUSTER in set(clusters.values()):
            order.append(OTHER_CLUSTER)
        where = "" if cls == "HS92" else f" ({cls} codes identical to HS92 headings)"
        return Layout(
            nodes=pd.DataFrame({"activity": placed["code"].to_numpy(),
                                "x": placed["x"].to_numpy(), "y": placed["y"].to_numpy(),
                                "cluster": placed["cluster"].to_numpy()}),
            edges=pd.DataFrame({"activity_a": e["source"].to_numpy(),
                                "activity_b": e["target"].to_numpy()}),
            clusters=clusters, order=order, kind="atlas",
            source=f"the Atlas of Economic Complexity's HS92 product space layout{where}, its "
                   "clusters and the edges it draws",
            off_layout=[a for a in acts if a not in keep],
            off_reasons=_off_reasons([a for a in acts if a not in keep], prefix))
    clusters = _sector_clusters(acts, classification, sector_names)
    order = sorted(set(clusters.values()))
    if proximity is None or proximity.empty:
        kind = cls or classification or "unclassified"
        raise ValidationError(
            f"a computed layout of {kind} activities needs the proximity of the "
            "period (a table activity_a, activity_b, proximity); only HS92/HS12/HS22 4-digit "
            f"products take the Atlas layout without it; got {len(acts)} activities "
            f"({', '.join(acts[:3])}{', ...' if len(acts) > 3 else ''})")
    prox = proximity[proximity["activity_a"].isin(acts) & proximity["activity_b"].isin(acts)]
    bb = backbone(prox[["activity_a", "activity_b", "proximity"]], threshold=threshold)
    nodes = _seeded_layout(bb, seed)
    kind, source = "computed", (
        "a Fruchterman-Reingold layout of the backbone (maximum spanning tree + links with "
        f"phi >= {threshold}) from seeded start positions (seed {seed}): the same every run on "
        "the same data; coloured by sector")
    nodes["cluster"] = nodes["activity"].map(clusters).to_numpy()
    keep = set(nodes["activity"])
    return Layout(nodes=nodes.reset_index(drop=True),
                  edges=bb[["activity_a", "activity_b"]].reset_index(drop=True),
                  clusters=clusters, order=order, kind=kind, source=source,
                  off_layout=[a for a in acts if a not in keep])


def cluster_short(name: str) -> str:
    """A cluster's short name for tables (the Atlas's short name, else the name).

    >>> cluster_short("Metalworking and Electrical Machinery and Parts")
    'Metalworking and Machinery'
    """
    return ATLAS_CLUSTER_SHORT.get(name, "not placed" if name == OTHER_CLUSTER else name)


def cluster_colours(order: Sequence[str]) -> dict[str, str]:
    """A colour per cluster: the Atlas palette for its clusters, tab10 for sectors."""
    import matplotlib.colors as mcolors
    import matplotlib.pyplot as plt

    pal = plt.get_cmap("tab10")
    out = {}
    for i, name in enumerate(order):
        if name in ATLAS_CLUSTER_COLOURS:
            out[name] = ATLAS_CLUSTER_COLOURS[name]
        elif name == OTHER_CLUSTER:
            out[name] = _OTHER_COLOUR
        else:
            out[name] = mcolors.to_hex(pal(i % 10))
    return out


def money(value: float, unit: str = "USD") -> str:
    """An amount as a reader reads it: ``12.3 bn USD``, ``450 m USD``, ``7,200 USD``.

    >>> money(1.234e10), money(4.5e8), money(7200), money(float("nan"))
    ('12.3 bn USD', '450 m USD', '7,200 USD', '')
    """
    if value is None or not np.isfinite(value):
        return ""
    v = float(value)
    suffix = f" {unit}" if unit else ""
    if abs(v) >= 1e9:
        return f"{v / 1e9:,.1f} bn{suffix}"
    if abs(v) >= 1e6:
        return f"{v / 1e6:,.0f} m{suffix}"
    return f"{v:,.0f}{suffix}"


def _attr(text: str) -> str:
    return html.escape(str(text), quote=True)


def _svg_open(width: int, height: int, label: str, cls: str) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
            f'width="100%" style="max-width:{width}px" class="chart {cls}" role="img" '
            f'aria-label="{_attr(label)}" '
            'font-family="system-ui,Helvetica,Arial,sans-serif">')


def _radius(values: pd.Series, r_min: float, r_max: float) -> pd.Series:
    """Radii with area proportional to the value (sqrt scale) between r_min and r_max."""
    v = values.astype(float).clip(lower=0).fillna(0.0)
    top = float(v.max()) if len(v) else 0.0
    if top <= 0:
        return pd.Series(r_min, index=values.index)
    return r_min + (r_max - r_min) * np.sqrt(v / top)


def _index_of(order: Sequence[str]) -> dict[str, int]:
    return {name: i for i, name in enumerate(order)}


def cluster_bar(sid: str, order: Sequence[str], colours: Mapping[str, str],
                counts: Mapping[str, int] | None = None) -> str:
    """The cluster legend of a section: one button per cluster (click: show only the clusters
    chosen; ``report.js``) with its colour and name."""
    out = [f'<div class="clusterbar" data-sid="{_attr(sid)}"><span class="lbl">Clusters '
           "(click to filter):</span>"]
    for i, name in enumerate(order):
        n = f" ({counts.get(name, 0)})" if counts is not None else ""
        out.append(f'<button type="button" class="cl" data-c="{i}" aria-pressed="false">'
                   f'<i style="background:{colours[name]}"></i>{html.escape(name)}{n}</button>')
    out.append('<button type="button" class="cl-all">show all</button></div>')
    return "".join(out)


def _scale(values: np.ndarray, lo: float, hi: float, pad: float = 0.0):
    vmin, vmax = float(np.nanmin(values)), float(np.nanmax(values))
    if not np.isfinite(vmin) or vmax - vmin < 1e-12:
        vmin, vmax = vmin - 1.0, vmax + 1.0
    span = vmax - vmin
    vmin, vmax = vmin - pad * span, vmax + pad * span
    return (lambda v: lo + (np.asarray(v, dtype=float) - vmin) / (vmax - vmin) * (hi - lo)), (
        vmin, vmax)


def _ticks(vmin: float, vmax: float, n: int = 6) -> list[float]:
    raw = (vmax - vmin) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.ceil(vmin / step) * step
    out, v = [], start
    while v <= vmax + 1e-12:
        out.append(round(v, 10))
        v += step
    return out


def _axes(sx, sy, xr, yr, box, xlabel: str, ylabel: str, cls: str = "",
          hide: bool = False) -> str:
    """Axis lines, ticks and labels of a scatter inside ``box = (left, top, right, bottom)``."""
    left, top, right, bottom = box
    hidden = ' style="display:none"' if hide else ""
    out = [f'<g class="axes {cls}" font-size="11" fill="#444"{hidden}>',
           f'<rect x="{left}" y="{top}" width="{right - left}" height="{bottom - top}" '
           'fill="none" stroke="#bbb"/>']
    for t in _ticks(*xr):
        x = float(sx(t))
        out.append(f'<line x1="{x:.1f}" y1="{bottom}" x2="{x:.1f}" y2="{bottom + 4}" '
                   f'stroke="#888"/><text x="{x:.1f}" y="{bottom + 16}" text-anchor="middle">'
                   f"{t:g}</text>")
    for t in _ticks(*yr):
        y = float(sy(t))
        out.append(f'<line x1="{left - 4}" y1="{y:.1f}" x2="{left}" y2="{y:.1f}" '
                   f'stroke="#888"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">'
                   f"{t:g}</text>")
    out.append(f'<text x="{(left + right) / 2:.0f}" y="{bottom + 34}" text-anchor="middle" '
               f'font-size="12">{html.escape(xlabel)}</text>')
    out.append(f'<text transform="translate({left - 42},{(top + bottom) / 2:.0f}) rotate(-90)" '
               f'text-anchor="middle" font-size="12">{html.escape(ylabel)}</text></g>')
    return "".join(out)


# -- product space -------------------------------------------------------------------------------


def _tip(lines: Sequence[str]) -> str:
    return _attr("\n".join(line for line in lines if line))


def product_space_svg(layout: Layout, *, specialised: Sequence[str], world: pd.Series,
                      rca: pd.Series | None = None, pci: pd.Series | None = None,
                      names: Mapping[str, str] | None = None, quantity: str = "world trade",
                      unit: str = "USD", width: int = 960, height: int = 640,
                      title: str = "") -> tuple[str, dict]:
    """The product space on ``layout``: node area = ``world`` (the activity's total over all
    regions), colour = cluster; the region's ``specialised`` activities in their cluster's
    colour with a dark rim, the others grey. Hover (``data-tip``): code and name, cluster,
    RCA, PCI, world total.

    Returns ``(svg, meta)`` with ``n_nodes``, ``n_edges``, ``n_highlighted``, ``positions``
    (activity -> (x, y) in SVG units) and ``colours`` (cluster -> colour).
    """
    nodes = layout.nodes.copy()
    colours = cluster_colours(layout.order)
    idx = _index_of(layout.order)
    spec = {str(s) for s in specialised}
    pad, top_pad = 14, 30 if title else 14
    x, y = nodes["x"].to_numpy(float), nodes["y"].to_numpy(float)
    s = min((width - 2 * pad) / max(np.ptp(x), 1e-9),
            (height - pad - top_pad) / max(np.ptp(y), 1e-9)) if len(nodes) else 1.0
    ox = (width - s * np.ptp(x)) / 2 if len(nodes) else 0
    oy = top_pad + (height - pad - top_pad - s * np.ptp(y)) / 2 if len(nodes) else 0
    nodes["px"] = ox + (x - (x.min() if len(x) else 0)) * s
    nodes["py"] = oy + (y - (y.min() if len(y) else 0)) * s
    nodes["world"] = nodes["activity"].map(world).astype(float).fillna(0.0).to_numpy()
    nodes["r"] = _radius(nodes["world"], 2.0, 11.0).to_numpy()
    nodes["hi"] = nodes["activity"].isin(spec).to_numpy()
    where = dict(zip(nodes["activity"], zip(nodes["px"], nodes["py"], strict=True),
                     strict=True))
    out = [_svg_open(width, height, title or "product space", "space")]
    if title:
        out.append(f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="14" '
                   f'font-weight="600">{html.escape(title)}</text>')
    out.append('<g stroke="#cfcfcf" stroke-width="0.6">')
    n_edges = 0
    for a, b in zip(layout.edges["activity_a"], layout.edges["activity_b"], strict=True):
        if a in where and b in where:
            (x1, y1), (x2, y2) = where[a], where[b]
            out.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}"/>')
            n_edges += 1
    out.append("</g><g>")
    # grey nodes first, the region's on top; large below small within each
    order = nodes.sort_values(["hi", "r"], ascending=[True, False])
    for row in order.itertuples(index=False):
        act = row.activity
        lines = [figures.short_label(act, names, width=110), f"cluster: {row.cluster}"]
        if rca is not None and act in rca.index and pd.notna(rca[act]):
            lines.append(f"RCA {float(rca[act]):.2f}" + (" (specialised)" if row.hi else ""))
        if pci is not None and act in pci.index and pd.notna(pci[act]):
            lines.append(f"PCI {float(pci[act]):.2f}")
        lines.append(f"{quantity}: {money(row.world, unit)}")
        fill = colours[row.cluster] if row.hi else _GREY
        stroke = "#333" if row.hi else "#b5b5b5"
        out.append(f'<circle cx="{row.px:.1f}" cy="{row.py:.1f}" r="{row.r:.1f}" '
                   f'fill="{fill}" stroke="{stroke}" stroke-width="{0.7 if row.hi else 0.4}" '
                   f'class="mk {"spec" if row.hi else "other"}" data-a="{_attr(act)}" '
                   f'data-c="{idx[row.cluster]}" data-tip="{_tip(lines)}"/>')
    out.append("</g></svg>")
    meta = {"n_nodes": int(len(nodes)), "n_edges": n_edges, "n_highlighted": int(nodes["hi"].sum()),
            "positions": where, "colours": colours}
    return "".join(out), meta


# -- feasibility ---------------------------------------------------------------------------------


def feasibility_svg(table: pd.DataFrame, *, clusters: Mapping[str, str], order: Sequence[str],
                    names: Mapping[str, str] | None = None, quantity: str = "world trade",
                    unit: str = "USD", width: int = 960, height: int = 520,
                    title: str = "") -> tuple[str, dict]:
    """Feasibility: distance (``1 - density``, nearer on the left) against PCI or COG (the
    script switches the y axis; both positions are in ``data-y-pci`` / ``data-y-cog``), point
    area = ``world_value``, colour = cluster. ``table``: one region's candidates with
    ``activity, distance, complexity, cog, world_value``.

    Returns ``(svg, meta)`` with ``n_points`` and ``positions`` (activity -> (x, y_pci,
    y_cog)).
    """
    t = table.dropna(subset=["distance", "complexity", "cog"]).copy()
    colours = cluster_colours(order)
    idx = _index_of(order)
    box = (70, 34 if title else 14, width - 16, height - 46)
    sx, xr = _scale(t["distance"].to_numpy(float), box[0], box[2], pad=0.03)
    sy_p, yr_p = _scale(t["complexity"].to_numpy(float), box[3], box[1], pad=0.05)
    sy_c, yr_c = _scale(t["cog"].to_numpy(float), box[3], box[1], pad=0.05)
    t["px"] = sx(t["distance"])
    t["py_pci"] = sy_p(t["complexity"])
    t["py_cog"] = sy_c(t["cog"])
    t["r"] = _radius(t["world_value"], 2.0, 14.0).to_numpy()
    t["cluster"] = t["activity"].map(clusters).fillna(OTHER_CLUSTER)
    out = [_svg_open(width, height, title or "feasibility", "feas")]
    if title:
        out.append(f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="14" '
                   f'font-weight="600">{html.escape(title)}</text>')
    out.append(_axes(sx, sy_p, xr, yr_p, box, "distance (1 - density): nearer on the left",
                     "PCI (product complexity)", "ax-pci"))
    out.append(_axes(sx, sy_c, xr, yr_c, box, "distance (1 - density): nearer on the left",
                     "COG (complexity outlook gain)", "ax-cog", hide=True))
    out.append("<g>")
    for row in t.sort_values("r", ascending=False).itertuples(index=False):
        lines = [figures.short_label(row.activity, names, width=110),
                 f"cluster: {row.cluster}", f"distance {row.distance:.3f}",
                 f"PCI {row.complexity:.2f}, COG {row.cog:.2f}",
                 f"{quantity}: {money(row.world_value, unit)}"]
        colour = colours.get(row.cluster, _OTHER_COLOUR)
        out.append(f'<circle cx="{row.px:.1f}" cy="{row.py_pci:.1f}" r="{row.r:.1f}" '
                   f'fill="{colour}" fill-opacity="0.75" stroke="#444" stroke-width="0.4" '
                   f'class="mk pt" data-a="{_attr(row.activity)}" '
                   f'data-c="{idx.get(row.cluster, len(order) - 1)}" '
                   f'data-y-pci="{row.py_pci:.1f}" data-y-cog="{row.py_cog:.1f}" '
                   f'data-tip="{_tip(lines)}"/>')
    out.append("</g></svg>")
    positions = {a: (float(px), float(p), float(c)) for a, px, p, c in
                 zip(t["activity"], t["px"], t["py_pci"], t["py_cog"], strict=True)}
    return "".join(out), {"n_points": int(len(t)), "positions": positions, "colours": colours}


# -- strategic approach --------------------------------------------------------------------------


def approach_svg(table: pd.DataFrame, *, region: str, names: Mapping[str, str] | None = None,
                 width: int = 760, height: int = 520, title: str = "") -> tuple[str, dict]:
    """COI (y) against ECI (x) of every region, split at ``x_cut`` / ``y_cut`` into the four
    strategic approaches, each quadrant named; ``region`` highlighted and labelled.

    ``table``: ``region, x, coi, x_cut, y_cut, approach`` (``strategic_approaches``; ``x``
    is ECI). Returns ``(svg, meta)`` with ``n_points``, ``region_xy`` and ``quadrants``
    (approach -> number of regions).
    """
    t = table.dropna(subset=["x", "coi"]).copy()
    box = (64, 34 if title else 14, width - 16, height - 46)
    sx, xr = _scale(t["x"].to_numpy(float), box[0], box[2], pad=0.05)
    sy, yr = _scale(t["coi"].to_numpy(float), box[3], box[1], pad=0.05)
    x_cut = float(t["x_cut"].iloc[0]) if len(t) else 0.0
    y_cut = float(t["y_cut"].iloc[0]) if len(t) else 0.0
    cx, cy = float(np.clip(sx(x_cut), box[0], box[2])), float(np.clip(sy(y_cut), box[1], box[3]))
    out = [_svg_open(width, height, title or "strategic approach", "approach")]
    if title:
        out.append(f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="14" '
                   f'font-weight="600">{html.escape(title)}</text>')
    quads = [("parsimonious industrial policy", box[0], box[1], cx, cy, "#eef5e9"),
             ("light touch", cx, box[1], box[2], cy, "#e8f0fa"),
             ("strategic bets", box[0], cy, cx, box[3], "#fbf1e6"),
             ("technological frontier", cx, cy, box[2], box[3], "#f3ecf8")]
    mine = t[t["region"] == region]
    own = mine["approach"].iloc[0] if len(mine) else None
    for name, x0, y0, x1, y1, fill in quads:
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{max(x1 - x0, 0):.1f}" '
                   f'height="{max(y1 - y0, 0):.1f}" fill="{fill}"/>')
        top = y0 < cy
        ty = y0 + 16 if top else y1 - 8
        tx, anchor = (x0 + 6, "start") if x0 < cx else (x1 - 6, "end")
        weight = "700" if name == own else "400"
        out.append(f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}" font-size="13" '
                   f'font-weight="{weight}" fill="#555" class="quad">{html.escape(name)}</text>')
    out.append(f'<line x1="{cx:.1f}" y1="{box[1]}" x2="{cx:.1f}" y2="{box[3]}" stroke="#777" '
               f'stroke-dasharray="4 3"/><line x1="{box[0]}" y1="{cy:.1f}" x2="{box[2]}" '
               f'y2="{cy:.1f}" stroke="#777" stroke-dasharray="4 3"/>')
    xlabel = "ECI (economic complexity)" if table.attrs.get("x", "eci") == "eci" else (
        "ECI relative to income")
    out.append(_axes(sx, sy, xr, yr, box, xlabel, "COI (complexity outlook)"))
    out.append("<g>")
    region_xy = None
    for row in t.sort_values("region").itertuples(index=False):
        name = names.get(row.region) if names else None
        label = f"{name} ({row.region})" if name else str(row.region)
        tip = _tip([label, f"ECI {row.x:.2f}, COI {row.coi:.2f}", f"approach: {row.approach}"])
        px, py = float(sx(row.x)), float(sy(row.coi))
        if row.region == region:
            region_xy = (px, py)
            continue
        out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.2" fill="#7a8ca3" '
                   f'fill-opacity="0.65" class="mk reg" data-r="{_attr(row.region)}" '
                   f'data-tip="{tip}"/>')
    if region_xy is not None:
        row = mine.iloc[0]
        name = names.get(region) if names else None
        label = f"{name} ({region})" if name else region
        tip = _tip([label, f"ECI {row['x']:.2f}, COI {row['coi']:.2f}",
                    f"approach: {row['approach']}"])
        px, py = region_xy
        anchor = "end" if px > (box[0] + box[2]) / 2 else "start"
        dx = -10 if anchor == "end" else 10
        out.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="7" fill="#d62728" stroke="#000" '
                   f'stroke-width="1" class="mk me" data-r="{_attr(region)}" '
                   f'data-tip="{tip}"/><text x="{px + dx:.1f}" y="{py + 4:.1f}" '
                   f'text-anchor="{anchor}" font-size="13" font-weight="700" fill="#b01c1c">'
                   f"{html.escape(label)}</text>")
    out.append("</g></svg>")
    counts = t["approach"].value_counts().to_dict()
    return "".join(out), {"n_points": int(len(t)), "region_xy": region_xy,
                          "quadrants": {str(k): int(v) for k, v in counts.items()}}


# -- treemap -------------------------------------------------------------------------------------


def _worst(row: list[float], side: float) -> float:
    s = sum(row)
    return max(max(side * side * r / (s * s), (s * s) / (side * side * r)) for r in row)


def squarify(values: Sequence[float], x: float, y: float, w: float, h: float,
             ) -> list[tuple[float, float, float, float]]:
    """Squarified treemap (Bruls, Huizing & van Wijk 2000): rectangles ``(x, y, w, h)`` for
    ``values`` (positive, sorted in decreasing order) filling the box, areas proportional to
    the values.

    >>> [tuple(round(v, 2) for v in r) for r in squarify([2, 1, 1], 0, 0, 2, 2)]
    [(0, 0, 1.0, 2.0), (1.0, 0, 1.0, 1.0), (1.0, 1.0, 1.0, 1.0)]
    """
    total = float(sum(values))
    if total <= 0 or w <= 0 or h <= 0:
        return [(x, y, 0.0, 0.0) for _ in values]
    areas = [float(v) * w * h / total for v in values]
    rects: list[tuple[float, float, float, float]] = []
    i = 0
    while i < len(areas):
        side = min(w, h)
        row = [areas[i]]
        j = i + 1
        while j < len(areas) and areas[j] > 0 and _worst(row + [areas[j]], side) <= _worst(
                row, side):
            row.append(areas[j])
            j += 1
        s = sum(row)
        if w >= h:
            cw = s / h if h else 0.0
            yy = y
            for a in row:
                rh = a / cw if cw else 0.0
                rects.append((x, yy, cw, rh))
                yy += rh
            x, w = x + cw, w - cw
        else:
            rh = s / w if w else 0.0
            xx = x
            for a in row:
                cw = a / rh if rh else 0.0
                rects.append((xx, y, cw, rh))
                xx += cw
            y, h = y + rh, h - rh
        i = j
    return rects


def treemap_svg(values: pd.Series, *, clusters: Mapping[str, str], order: Sequence[str],
                names: Mapping[str, str] | None = None, short: Mapping[str, str] | None = None,
                rca: pd.Series | None = None, quantity: str = "exports", unit: str = "USD",
                width: int = 960, height: int = 520, title: str = "") -> tuple[str, dict]:
    """The region's ``values`` (activity -> amount, e.g. exports) as a treemap: clusters
    first (area = the cluster's share, labelled with name and share), products inside.

    Returns ``(svg, meta)`` with ``n_rects``, ``clusters`` (cluster -> share of the total)
    and ``total``.
    """
    v = values[values > 0].astype(float)
    total = float(v.sum())
    colours = cluster_colours(order)
    idx = _index_of(order)
    frame = pd.DataFrame({"activity": v.index.astype(str), "value": v.to_numpy()})
    frame["cluster"] = frame["activity"].map(clusters).fillna(OTHER_CLUSTER)
    by_cluster = frame.groupby("cluster")["value"].sum().sort_values(ascending=False)
    top = 30 if title else 4
    out = [_svg_open(width, height, title or "treemap", "treemap")]
    if title:
        out.append(f'<text x="{width / 2:.0f}" y="18" text-anchor="middle" font-size="14" '
                   f'font-weight="600">{html.escape(title)}</text>')
    n = 0
    labels = []
    for cl, (x0, y0, w0, h0) in zip(
            by_cluster.index, squarify(by_cluster.tolist(), 2, top, width - 4, height - top - 2),
            strict=True):
        part = frame[frame["cluster"] == cl].sort_values(["value", "activity"],
                                                           ascending=[False, True])
        colour = colours.get(cl, _OTHER_COLOUR)
        out.append(f'<g class="mk tm" data-c="{idx.get(cl, len(order) - 1)}">')
        for row, (x1, y1, w1, h1) in zip(part.itertuples(index=False), squarify(
                part["value"].tolist(), x0, y0, w0, h0), strict=True):
            lines = [figures.short_label(row.activity, names, width=110), f"cluster: {cl}",
                     f"{quantity}: {money(row.value, unit)} ({100 * row.value / total:.2f} % "
                     "of the region's total)"]
            if rca is not None and row.activity in rca.index and pd.notna(rca[row.activity]):
                lines.append(f"RCA {float(rca[row.activity]):.2f}")
            out.append(f'<rect x="{x1:.1f}" y="{y1:.1f}" width="{w1:.1f}" height="{h1:.1f}" '
                       f'fill="{colour}" stroke="#fff" stroke-width="0.6" '
                       f'data-a="{_attr(row.activity)}" data-tip="{_tip(lines)}"/>')
            n += 1
            if w1 > 70 and h1 > 22:
                text = figures.short_label(row.activity, short or names,
                                           width=max(int(w1 / 6.5), 6))
                labels.append(f'<text x="{x1 + 3:.1f}" y="{y1 + 13:.1f}" font-size="10.5" '
                              f'fill="#fff" pointer-events="none">{html.escape(text)}</text>')
                if h1 > 36:
                    labels.append(f'<text x="{x1 + 3:.1f}" y="{y1 + 26:.1f}" font-size="10" '
                                  f'fill="#fff" pointer-events="none">'
                                  f"{100 * row.value / total:.1f} %</text>")
        out.append(f'<rect x="{x0:.1f}" y="{y0:.1f}" width="{w0:.1f}" height="{h0:.1f}" '
                   'fill="none" stroke="#fff" stroke-width="3" pointer-events="none"/></g>')
    out.extend(labels)
    out.append("</svg>")
    shares = {str(k): float(val / total) for k, val in by_cluster.items()} if total else {}
    return "".join(out), {"n_rects": n, "clusters": shares, "total": total}
