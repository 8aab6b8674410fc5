"""The report's section on segments: a region's cluster profile and, given priorities, their fit.

:func:`segment_section` adds to a report (``smartspec report --region``) one table and one
figure per classification: the segments of the relatedness network of the report's year (the
ones ``smartspec compute segments`` finds with its defaults), the region's value, share,
location quotient and stars in each, its specialised activities and best diversification
opportunity inside each, and, when the classification has an earlier year, the change since
then. With ``priorities`` (``priority, activity``) it adds the alignment of the region's
specialised segments (LQ >= 1) with them (:func:`smartspec.algorithms.segments.alignment`).
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..algorithms import segments as seg
from ..loaders._io import LoaderError
from ..workflows import segments as wf
from ..workflows.relatedness import DEFAULT_MIN_PROXIMITY
from . import markup
from .figures import plt

if TYPE_CHECKING:
    from ..workflows.space import Space

__all__ = ["segment_section", "segment_figure", "alignment_heatmap", "cluster_network_figure"]

#: Rows of the profile table the report shows.
SHOWN = ["segment", "label", "activities", "share", "lq", "stars", "specialised",
         "opportunities", "best_opportunity", "best_opportunity_name", "trend"]


def segment_figure(profile: pd.DataFrame, title: str):
    """Horizontal bars of the region's share in each segment, dark where LQ >= 1, with the LQ
    and stars written at the end of each bar."""
    shown = profile.sort_values("share").tail(20)
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.42 * len(shown)))
    labels = [f"{s}: {str(lab)[:55]}{'…' if len(str(lab)) > 55 else ''}"
              for s, lab in zip(shown["segment"], shown["label"], strict=True)]
    colours = np.where(shown["lq"] >= 1, "#08519c", "#9ecae1")
    ax.barh(range(len(shown)), shown["share"], color=colours)
    for i, (share, lq, stars) in enumerate(zip(shown["share"], shown["lq"], shown["stars"],
                                               strict=True)):
        ax.text(share, i, f"  LQ {lq:.2f}{' ' + '*' * int(stars) if stars else ''}",
                va="center", fontsize=8)
    ax.set_yticks(range(len(shown)), labels, fontsize=8)
    ax.set_xlabel("share of the region's total (dark: LQ >= 1)")
    ax.set_xlim(0, float(shown["share"].max()) * 1.25 if len(shown) else 1)
    ax.set_title(title)
    fig.tight_layout()
    return fig


def segment_section(doc, spaces: list[Space], region: str, years: dict[str, int], names, *,
                    priorities: Path | pd.DataFrame | None = None, resolution: float = 1.0,
                    runs: int = 10, seed: int = 0,
                    min_proximity: float = DEFAULT_MIN_PROXIMITY) -> dict[str, Any]:
    """Add the segment section for ``region`` to the report ``doc`` (``add``/``figure``).

    ``years`` gives the report's year per classification (a classification without one is
    left out), ``names`` the report's :class:`~smartspec.workflows.report.ReportNames`.
    ``priorities``: a file (``region, priority, activity``, the rows of ``region``; see
    ``smartspec compute alignment``) or a table ``priority, activity``. Returns the profile
    table of each classification shown.
    """
    out: dict[str, Any] = {}
    who = names.region(region)
    shown_any = False
    for space in spaces:
        cls = space.classification or space.label
        year = years.get(cls)
        if year is None:
            continue
        res = space.measures()
        since = space.years[0] if space.years[0] < year else None
        label_names = pd.Series({**names.activities, **names.short}, dtype=object)
        members, labels, profile = wf.region_segment_profile(
            space.data, res["proximity"], region, year, names=label_names,
            min_proximity=min_proximity, resolution=resolution, runs=runs, seed=seed,
            since=since, density=res["density"])
        if not shown_any:
            doc.add("<h2>Segments: clusters of related activities</h2>")
            shown_any = True
        attrs = members.attrs
        doc.add(f"<h3>{html.escape(cls)} {year}: {len(labels)} segments</h3><p>The "
                f"{html.escape(cls)} space of {year} (pairs with phi &ge; {min_proximity:g} "
                "or in the backbone) split into segments, communities of related activities "
                f"(Leiden, resolution {resolution:g}, consensus of {runs} runs; modularity "
                f"{attrs['modularity']:.3f}), each named after its most central activities. "
                f"For each segment {html.escape(who)} has value in: its share of the region's "
                "total, location quotient (LQ), European Cluster Observatory stars, the "
                "activities it is specialised in (RCA &ge; 1), its diversification "
                "opportunities inside the segment (density at least the region's median) and "
                "the best one"
                + (f", and the trend since {since}" if since is not None else "")
                + f". <code>smartspec compute segments --region {html.escape(region)} --year "
                f"{year}</code> lists them (<code>--resolution 2</code>: finer).</p>")
        if profile.empty:
            doc.add(f"<p class='note'>{html.escape(who)} has no value in {html.escape(cls)} "
                    f"{year}.</p>")
            continue
        table = profile.copy()
        table["best_opportunity_name"] = table["best_opportunity"].map(
            lambda c: names.activity(c, 50) if isinstance(c, str) else "")
        table = table[[c for c in SHOWN if c in table.columns]]
        doc.add(markup.table_html(table))
        fig = segment_figure(profile, f"Segment profile of {who}, {cls} {year}")
        doc.figure(fig, f"{cls}_{year}_segments", "The region's share of its total in each "
                   "segment; dark bars: LQ >= 1 (the region is specialised in the segment); "
                   "stars as the European Cluster Observatory gives them.")
        out[cls] = profile
        if priorities is None:
            continue
        prio = priorities
        if not isinstance(priorities, pd.DataFrame):
            try:
                prio, _ = wf.read_priorities(Path(priorities), pd.Index(pd.unique(
                    space.data["activity"])), space.prefix, region)
            except LoaderError as exc:
                doc.add(f"<p class='note'>No alignment with the priorities in "
                        f"{html.escape(cls)}: {html.escape(str(exc))}</p>")
                continue
        _alignment(doc, prio, members, labels, profile, space, res, year, min_proximity, who)
    return out


def _alignment(doc, priorities: pd.DataFrame, members: pd.DataFrame, labels: pd.DataFrame,
               profile: pd.DataFrame, space: Space, res: dict, year: int,
               min_proximity: float, who: str) -> None:
    """The priorities' best segment of the region (LQ >= 1) as a table."""
    mine = set(profile.loc[profile["lq"] >= 1, "segment"])
    known = set(space.data["activity"])
    prio = priorities[priorities["activity"].astype(str).isin(known)]
    if not mine or prio.empty:
        doc.add("<p class='note'>No alignment: the region has no segment with LQ &ge; 1 or "
                "the priorities name no activity of this classification.</p>")
        return
    sets = members[members["segment"].isin(mine)].rename(columns={"segment": "cluster"})
    edges = wf.computed_network(res["proximity"], year, min_proximity)
    out = seg.alignment(sets[["cluster", "activity"]], prio[["priority", "activity"]], edges)
    table = out["priorities"].copy()
    label = pd.Series(labels["label"].to_numpy(), index=labels["segment"].astype(str))
    table.insert(2, "segment_label", table["best_cluster"].map(label).fillna(""))
    table = table.rename(columns={"best_cluster": "best_segment"})
    gaps = table.loc[~table["served"], "priority"].tolist()
    doc.add(f"<h3>Priorities and {html.escape(who)}'s specialised segments, {year}</h3><p>"
            "Best-match relatedness of each priority's activities with the segments the region "
            "has LQ &ge; 1 in (served at 0.5 or more); priorities no segment serves: "
            f"{html.escape(', '.join(map(str, gaps)) or 'none')}.</p>" + markup.table_html(table))


# -- figures of `compute alignment` and `compute intercluster` ---------------------------

def alignment_heatmap(matrix: pd.DataFrame, names: pd.Series, threshold: float, title: str,
             path: Path) -> None:
    """The match matrix as a heatmap: clusters by rows, priorities by columns."""
    from .figures import plt, save_file

    grid = matrix.pivot(index="cluster", columns="priority", values="relatedness")
    rows = [f"{c} {str(names.get(c, ''))[:40]}".strip() for c in grid.index]
    fig, ax = plt.subplots(figsize=(4.5 + 0.9 * grid.shape[1], 1.5 + 0.45 * grid.shape[0]))
    im = ax.imshow(grid.to_numpy(), cmap="viridis", vmin=0, vmax=1, aspect="auto")
    ax.set_xticks(range(grid.shape[1]), [str(c) for c in grid.columns], rotation=45,
                  ha="right")
    ax.set_yticks(range(grid.shape[0]), rows)
    for (i, j), v in np.ndenumerate(grid.to_numpy()):
        ax.text(j, i, f"{v:.2f}", ha="center", va="center", fontsize=8,
                color="black" if v >= 0.6 else "white",
                fontweight="bold" if v >= threshold else "normal")
    fig.colorbar(im, ax=ax, label="relatedness (best-match average)")
    ax.set_title(title)
    fig.tight_layout()
    save_file(fig, path, dpi=120)
    plt.close(fig)


def cluster_network_figure(table: pd.DataFrame, names: pd.Series, title: str, path: Path) -> None:
    """Clusters on a circle; an edge per related pair coloured by relatedness, solid and wider
    with more ties, dashed where the members do not cooperate yet."""
    from matplotlib import cm, colors

    from .figures import plt, save_file

    nodes = sorted(set(table["cluster_a"]) | set(table["cluster_b"]))
    angle = 2 * np.pi * np.arange(len(nodes)) / len(nodes)
    pos = dict(zip(nodes, zip(np.cos(angle), np.sin(angle), strict=True), strict=True))
    fig, ax = plt.subplots(figsize=(11, 8))
    norm = colors.Normalize(vmin=0, vmax=1)
    cmap = plt.get_cmap("viridis")
    shown = table[table["relatedness"] > 0].sort_values("relatedness")
    for row in shown.itertuples(index=False):
        (x0, y0), (x1, y1) = pos[row.cluster_a], pos[row.cluster_b]
        ax.plot([x0, x1], [y0, y1], color=cmap(norm(row.relatedness)),
                linewidth=1 + 2 * np.log1p(row.ties), linestyle="-" if row.ties else "--",
                alpha=0.8)
    for node, (x, y) in pos.items():
        ax.scatter([x], [y], s=300, color="#444444", zorder=3)
        name = str(names.get(node, "")) if len(names) else ""
        name = name if len(name) <= 36 else name[:35].rstrip() + "…"
        side = "left" if x > 0.05 else "right" if x < -0.05 else "center"
        ax.annotate(f"{node}\n{name}".strip(), (x, y), xytext=(1.1 * x, 1.1 * y),
                    ha=side, va="center", fontsize=8)
    fig.colorbar(cm.ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7,
                 label="relatedness (dashed: no ties yet; width: ties)")
    ax.set_xlim(-2.2, 2.2), ax.set_ylim(-1.3, 1.3), ax.set_aspect("equal"), ax.axis("off")
    ax.set_title(title)
    fig.tight_layout()
    save_file(fig, path, dpi=120)
    plt.close(fig)
