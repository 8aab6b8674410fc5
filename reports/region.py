"""The region report (``smartspec report --region``): one self-contained HTML page on a region's
smart specialisation, built from the activity spaces and names
:func:`smartspec.workflows.report.read_region_report` reads."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from .. import __version__
from ..algorithms._validation import ValidationError
from ..algorithms.opportunities import (
    APPROACH_DESCRIPTIONS,
    BALANCED_BY_APPROACH,
    QUADRANT_STRATEGY,
    opportunity_table,
    strategic_approaches,
)
from ..algorithms.opportunities import pathways as k_paths
from ..workflows.opportunities import activity_opportunities
from ..workflows.report import ReportNames, read_report_names
from . import charts, figures, markup
from .segments import segment_section

if TYPE_CHECKING:
    from ..workflows.space import Space

__all__ = ["build_report", "opportunity_data", "QUANTITIES", "STRATEGY_LABELS", "CSS"]

#: What the observed value of each activity label is, as the report words it: the quantity,
#: the key-figures row with its unit, and what "the region has the activity" means.
QUANTITIES: dict[str, dict[str, str]] = {
    "Product": {"quantity": "exports", "row": "exports (USD)", "has": "products exported",
                "unit": "USD", "world": "world trade", "market": "world market"},
    "Technology": {"quantity": "patents", "row": "patents (count)",
                   "has": "technologies patented", "unit": "", "world": "all regions' patents",
                   "market": "all regions' patents"},
    "Industry": {"quantity": "jobs", "row": "jobs", "has": "industries with jobs", "unit": "",
                 "world": "all regions' jobs", "market": "all regions' jobs"},
}

#: The strategies the report's opportunity table switches between, as the page names them:
#: the Atlas presets (:data:`~smartspec.algorithms.opportunities.STRATEGIES`) and the smart
#: specialisation quadrant ordering of Balland et al. (2018).
STRATEGY_LABELS: dict[str, str] = {
    "low-hanging": "low-hanging fruit",
    "balanced": "balanced portfolio",
    "long-jumps": "long jumps",
    QUADRANT_STRATEGY: "smart specialisation quadrants",
}


#: The region report's style: the shared one and its charts, controls and tables.
CSS = markup.base_css(1100) + """h3{margin-top:1.6em}.svgbox{border:1px solid #eee}
.tip{position:fixed;display:none;z-index:10;max-width:420px;background:#fff;border:1px solid
#888;border-radius:3px;padding:5px 8px;font-size:12.5px;white-space:pre-line;pointer-events:none;
box-shadow:0 2px 6px rgba(0,0,0,.2)}
svg.chart{display:block;border:1px solid #eee;background:#fff}
svg.chart .mk{transition:opacity .15s}svg.chart .off{opacity:.07}
svg.chart circle.mk:hover{stroke:#000;stroke-width:2}
svg.feas circle.top{stroke:#000;stroke-width:2.2;fill-opacity:1}
.clusterbar{display:flex;flex-wrap:wrap;gap:4px;align-items:center;margin:.5em 0;font-size:.82em}
.clusterbar .lbl{color:#555;margin-right:4px}
.clusterbar button{border:1px solid #ccc;background:#fafafa;border-radius:12px;padding:2px 9px;
cursor:pointer;font:inherit}.clusterbar button.on{background:#dde8f5;border-color:#08519c}
.clusterbar i{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;
vertical-align:-1px}
.controls{margin:.6em 0;font-size:.9em}.controls label{margin-right:1em;white-space:nowrap}
.controls .lbl{font-weight:600;margin-right:.6em}.scroll{overflow-x:auto}
table.opp{font-size:.8em}table.opp th{cursor:help}details{font-size:.85em;color:#555}
"""


class _Doc:
    def __init__(self, save_dir: Path | None) -> None:
        self.parts: list[str] = []
        self.images = 0
        self.charts = 0
        self.save_dir = save_dir
        self.saved: list[Path] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def chart(self, svg: str, name: str, caption: str) -> None:
        """An interactive SVG chart (written as ``name.svg`` too with ``--save-figures``)."""
        if self.save_dir is not None:
            self.save_dir.mkdir(parents=True, exist_ok=True)
            path = self.save_dir / f"{name}.svg"
            path.write_text(svg, encoding="utf-8")
            self.saved.append(path)
        self.charts += 1
        self.add(f"<figure>{svg}<figcaption>{html.escape(caption)}</figcaption></figure>")

    def figure(self, fig, name: str, caption: str) -> None:
        uri = markup.png_uri(fig, self.save_dir, name, self.saved)
        self.images += 1
        self.add(f'<figure><img alt="{html.escape(caption)}" '
                 f'src="{uri}"><figcaption>{html.escape(caption)}'
                 "</figcaption></figure>")


def _amount(value: float) -> str:
    """A total as a reader reads it: whole numbers with separators, else one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _sid(cls: str) -> str:
    """An id for a classification's section (letters, digits, dashes)."""
    return "s-" + "".join(c if c.isalnum() else "-" for c in str(cls)).lower()


def _approaches(regions: pd.DataFrame, year: int) -> pd.DataFrame:
    """Every region's strategic approach in ``year`` (ECI x COI split at 0; Atlas rule)."""
    table = regions[regions["year"] == year]
    try:
        return strategic_approaches(table, table, year=year)
    except ValidationError:  # no region with ECI and COI: no chart, no row
        return pd.DataFrame(columns=["region", "eci", "coi", "x", "x_cut", "y_cut",
                                     "approach"])


def _approach_part(doc: _Doc, approaches: pd.DataFrame, region: str, year: int, cls: str,
                   sid: str, names: ReportNames) -> None:
    placed = approaches.dropna(subset=["approach"])
    if placed.empty:
        return
    who = names.region(region)
    mine = placed[placed["region"] == region]
    doc.add(f"<h3>Strategic approach, {year}</h3>")
    if len(mine):
        a = str(mine["approach"].iloc[0])
        doc.add(f"<p>{html.escape(who)}: <b>{html.escape(a)}</b> (ECI "
                f"{float(mine['x'].iloc[0]):.2f}, COI {float(mine['coi'].iloc[0]):.2f}): "
                f"{html.escape(APPROACH_DESCRIPTIONS[a])}.</p>")
    svg, _ = charts.approach_svg(placed, region=region, names=names.regions,
                                 title=f"Complexity outlook (COI) against economic complexity "
                                 f"(ECI) of {len(placed)} regions, {cls} {year}")
    doc.chart(svg, f"{cls}_{year}_strategic_approach",
              "The four strategic approaches of the Atlas of Economic Complexity: COI against "
              "ECI, both split at 0 (ECI and COI are z-scores across regions); hover a point "
              "for its region. The Atlas controls ECI for income and names the frontier "
              "countries from a list; here the quadrants apply as they stand.")


def _space_part(doc: _Doc, layout, bar: str, specialised: list[str], world: pd.Series,
                rca: pd.Series, pci: pd.Series | None, names: ReportNames, words: dict,
                who: str, cls: str, year: int) -> None:
    placed = len(set(specialised) & set(layout.nodes["activity"]))
    shown = (f"{placed} of its {len(specialised)}" if placed < len(specialised)
             else f"its {len(specialised)}")
    svg, meta = charts.product_space_svg(
        layout, specialised=specialised, world=world, rca=rca, pci=pci,
        names=names.activities, quantity=words["world"], unit=words["unit"],
        title=f"{cls} space, {year}: {who}, {shown} specialisations placed, in colour")
    off = ""
    if layout.off_layout:
        parts = []
        for reason, acts in (layout.off_reasons or {"not placed": layout.off_layout}).items():
            listed = ", ".join(figures.short_label(a, names.short, width=36) for a in acts[:12])
            more = f" and {len(acts) - 12} more" if len(acts) > 12 else ""
            parts.append(f"{len(acts)} {html.escape(reason)} ({html.escape(listed)}{more})")
        share = float(world.reindex(layout.off_layout).fillna(0).sum() / world.sum())
        off = (f"<details><summary>{len(layout.off_layout)} of the {len(layout.clusters):,} "
               f"activities of the data are off the layout ({100 * share:.1f} % of "
               f"{html.escape(words['world'])})</summary>" + "; ".join(parts) + ".</details>")
    doc.add(f"<h3>{html.escape(cls)} space, {year}</h3><p class='note'>Layout: "
            f"{html.escape(layout.source)}. Node area: {html.escape(words['world'])}; colour: "
            f"cluster, grey where {html.escape(who)} is not specialised (RCA &lt; 1). Hover a "
            f"node for its name, code, cluster, RCA and PCI; click clusters to show only them "
            f"(in every chart and table of this section).</p>{off}" + bar)
    doc.chart(svg, f"{cls}_{year}_product_space",
              f"{meta['n_nodes']} activities, {meta['n_edges']} links, "
              f"{meta['n_highlighted']} specialisations of {who} in colour.")


def _treemap_part(doc: _Doc, values: pd.Series, layout, rca: pd.Series, names: ReportNames,
                  words: dict, who: str, cls: str, year: int) -> None:
    svg, meta = charts.treemap_svg(values, clusters=layout.clusters, order=layout.order,
                                   names=names.activities, short=names.short, rca=rca,
                                   quantity=words["quantity"], unit=words["unit"],
                                   title=f"What {who} {_verb(words)}, {cls} {year}")
    top = sorted(meta["clusters"].items(), key=lambda kv: -kv[1])[:3]
    doc.add(f"<h3>{html.escape(words['quantity'].capitalize())} by cluster, {year}</h3><p>"
            f"{html.escape(who)}'s {html.escape(words['quantity'])} by cluster: "
            + "; ".join(f"{html.escape(k)} {100 * v:.1f} %" for k, v in top)
            + (" …" if len(meta["clusters"]) > 3 else "") + "</p>")
    doc.chart(svg, f"{cls}_{year}_treemap", f"Treemap of the region's "
              f"{words['quantity']} ({charts.money(meta['total'], words['unit'])}): clusters "
              "(white borders), then activities; area = amount. Hover for name, amount, share "
              "and RCA.")


def _verb(words: dict) -> str:
    return {"exports": "exports", "patents": "patents", "jobs": "employs"}.get(
        words["quantity"], "has")


def _short(names: ReportNames, act: str, width: int = 48) -> str:
    """The activity's short name (else its name), shortened to ``width`` characters."""
    name = names.short.get(act) or names.activities.get(act, "")
    return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def _fmt(value, spec: str) -> str:
    return "" if value is None or pd.isna(value) else format(float(value), spec)


def opportunity_data(space: Space, clusters: dict[str, str], order: list[str], region: str,
                     year: int, names: ReportNames, words: dict, top: int,
                     strategy: str = "balanced") -> dict:
    """What the report's opportunity table shows, for every strategy, from the workflow that
    ``smartspec recommend activities --strategy S`` prints
    (:func:`~smartspec.workflows.opportunities.activity_opportunities`, *balanced* with the
    weights of the region's strategic approach as there): the candidates with market context
    (``rows``: activity -> formatted cells) and their order under each strategy (``order``:
    strategy -> activities, best first). The page's table is the first ``top`` of
    ``order[strategy]`` among the clusters chosen; ``tables`` holds the workflow's tables."""
    found = {name: activity_opportunities(space, region, year, strategy=name)
             for name in STRATEGY_LABELS}
    base = found["balanced"].table.set_index("activity")
    idx = {name: i for i, name in enumerate(order)}
    rows = {}
    for act, r in base.iterrows():
        cl = clusters.get(act, charts.OTHER_CLUSTER)
        rows[act] = {
            "c": idx.get(cl, len(order) - 1), "activity": str(act).split(":")[-1],
            "name": _short(names, act), "full": names.activities.get(act, ""),
            "cluster": charts.cluster_short(cl),
            "distance": _fmt(r["distance"], ".3f"), "pci": _fmt(r["complexity"], ".2f"),
            "cog": _fmt(r["cog"], ".2f"), "near": _fmt(r["distance_decile"], ".0f"),
            "cplx": _fmt(r["complexity_decile"], ".0f"), "gain": _fmt(r["cog_decile"], ".0f"),
            "world": charts.money(r["world_value"], words["unit"]),
            "growth": "" if pd.isna(r["market_growth"]) else f"{100 * r['market_growth']:+.1f}",
            "own": charts.money(r["region_value"], words["unit"]),
            "share": "" if pd.isna(r["world_share"]) else f"{100 * r['world_share']:.3f}",
            "score": {}, "score_decile": {}}
    for name, res in found.items():
        t = res.table
        for act, sc, dec in zip(t["activity"], t["score"], t["score_decile"], strict=True):
            rows[act]["score"][name] = _fmt(sc, ".3f")
            rows[act]["score_decile"][name] = _fmt(dec, ".0f")
    texts = {}
    for name, res in found.items():
        w = res.weights
        if w is None:
            texts[name] = (f"{STRATEGY_LABELS[name]}: low risk / high gain first (density and "
                           "PCI above the candidates' medians), then by the mean percentile of "
                           "density and PCI (Balland et al. 2018); score = that mean percentile.")
            continue
        why = ""
        if name == "balanced" and res.approach is not None:
            a = res.approach["approach"]
            why = (f", the Atlas's weights where the strategic approach is {a}"
                   if a in BALANCED_BY_APPROACH else
                   f", the fixed preset: the Atlas gives no balanced weights for {a}")
        texts[name] = (f"{STRATEGY_LABELS[name]}: score = {w['distance']:.2f} x nearness + "
                       f"{w['pci']:.2f} x PCI + {w['cog']:.2f} x COG, each rescaled to 0-1 "
                       f"among the candidates (Atlas of Economic Complexity preset{why}).")
    growth = found["balanced"].growth_period
    period = tuple(growth.split("-")) if growth else (None, None)
    span = f"{period[0]}-{period[1]}" if period[0] is not None else "(one period)"
    columns = [
        ["rank", "#", "n", "rank under the strategy (among the clusters shown)"],
        ["activity", "code", "t", "code in the classification"],
        ["name", "name", "t", "short name (hover for the full name)"],
        ["cluster", "cluster", "t", "product-space cluster (Atlas) or sector"],
        ["distance", "distance", "n", "1 - relatedness density (lower = nearer)"],
        ["pci", "PCI", "n", "product complexity index"],
        ["cog", "COG", "n", "complexity outlook gain"],
        ["near", "near", "n", "nearness rating 1-10 (10 = the nearest tenth)"],
        ["cplx", "cplx", "n", "complexity rating 1-10 (10 = the most complex tenth)"],
        ["gain", "gain", "n", "opportunity-gain rating 1-10 (10 = the largest COG tenth)"],
        ["score", "score", "n", "strategy score (0-1)"],
        ["world", words["market"], "n", f"{words['market']} in {year}: sum over all regions"],
        ["growth", "growth %/yr", "n",
         f"compound annual growth of the {words['market']} {span}, nominal"],
        ["own", f"{region} {words['quantity']}", "n", f"{region}'s {words['quantity']}, {year}"],
        ["share", f"{region} share %", "n", f"{region}'s share of the {words['market']}"]]
    return {"top": int(top), "default": strategy, "columns": columns, "rows": rows,
            "order": {name: [str(a) for a in res.table["activity"]]
                      for name, res in found.items()},
            "words": texts, "growth_period": growth, "tables": {
                name: res.table for name, res in found.items()}}


def _opp_rows_html(data: dict, strategy: str) -> str:
    """The table body as ``report.js`` renders it with no cluster chosen (the page as saved)."""
    out = []
    for k, act in enumerate(data["order"][strategy][: data["top"]], 1):
        row = data["rows"][act]
        cells = []
        for key, _, css, _ in data["columns"]:
            v = (str(k) if key == "rank" else row[key][strategy]
                 if key in ("score", "score_decile") else row[key])
            title = f" title='{html.escape(row['full'])}'" if key == "name" else ""
            cells.append(f"<td class='{css}'{title}>{html.escape(str(v))}</td>")
        out.append(f"<tr data-a='{html.escape(act)}' data-c='{row['c']}'>{''.join(cells)}"
                   "</tr>")
    return "".join(out)


def _growth_part(doc: _Doc, space: Space, layout, bar: str, region: str,
                 year: int, names: ReportNames, words: dict, who: str, cls: str, sid: str,
                 top: int, strategy: str) -> None:
    data = opportunity_data(space, layout.clusters, layout.order, region, year, names, words,
                            top, strategy)
    feas = data.pop("tables")["balanced"]
    svg, meta = charts.feasibility_svg(feas, clusters=layout.clusters, order=layout.order,
                                       names=names.activities, quantity=words["world"],
                                       unit=words["unit"],
                                       title=f"Feasibility of {who}'s {len(feas):,} candidate "
                                       f"activities, {cls} {year}")
    radios = "".join(
        f"<label><input type='radio' class='strategy' name='strategy-{sid}' value='{k}'"
        f"{' checked' if k == strategy else ''}> {html.escape(v)}</label>"
        for k, v in STRATEGY_LABELS.items())
    yaxis = "".join(
        f"<label><input type='radio' class='yaxis' name='yaxis-{sid}' value='{k}'"
        f"{' checked' if k == 'pci' else ''}> {v}</label>"
        for k, v in (("pci", "PCI"), ("cog", "COG")))
    doc.add(f"<h3>Growth opportunities, {year}</h3><p>The {len(feas):,} activities in which "
            f"{html.escape(who)} is not specialised (RCA &lt; 1), as the Atlas of Economic "
            "Complexity shows them: distance (1 - relatedness density) against complexity or "
            f"opportunity gain, sized by {html.escape(words['world'])}; the table ranks them "
            f"by the strategy chosen, with the market: {html.escape(words['market'])} in "
            f"{year}, its growth {html.escape(data['growth_period'] or '(one period loaded)')} "
            f"(compound, nominal), {html.escape(who)}'s {html.escape(words['quantity'])} and "
            "share. Ratings 1-10 are deciles among the candidates (10 = nearest, most complex, "
            "largest gain).</p>"
            f"<div class='controls'><span class='lbl'>Strategy:</span>{radios}</div>"
            f"<div class='controls'><span class='lbl'>Chart y axis:</span>{yaxis}</div>" + bar)
    doc.chart(svg, f"{cls}_{year}_feasibility", "Distance against PCI (or COG); the table's "
              "activities ringed in black. Hover a point for its name.")
    body = _opp_rows_html(data, strategy)
    head = "".join(f"<th title='{html.escape(c[3])}'>{html.escape(c[1])}</th>"
                   for c in data["columns"])
    doc.add(f"<p class='note strategy-words'>{html.escape(data['words'][strategy])}</p>"
            f"<div class='scroll'><table class='opp' id='opp-{sid}'><thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table></div>"
            "<script type='application/json' class='oppdata'>"
            + json.dumps(data, ensure_ascii=False).replace("</", "<\\/") + "</script>")


def _space_section(doc: _Doc, space: Space, region: str, year: int | None, top: int,
                   names: ReportNames, strategy: str = "balanced") -> dict:
    """The section of one classification; returns the regions table for the time figure."""
    res = space.measures()
    cls = space.classification or space.label
    words = QUANTITIES.get(space.label, QUANTITIES["Product"])
    who = names.region(region)
    regions = res["regions"].assign(classification=cls)
    have = sorted(space.data.loc[space.data["region"] == region, "year"].unique().tolist())
    doc.add(f"<h2>{html.escape(cls)}: {', '.join(map(str, space.years))}</h2>")
    sid = _sid(cls)
    if not have:
        doc.add(f"<p class='note'>{html.escape(who)} has no {html.escape(cls)} data.</p>")
        return {"regions": regions}
    y = year if year in have else have[-1]
    spec = res["specialisation"]
    mine = spec[(spec["region"] == region) & (spec["year"] == y)]
    specialised = mine.loc[mine["m"] == 1, "activity"].tolist()
    reg_y = regions[regions["year"] == y].copy()
    reg_y["eci_rank"] = reg_y["eci"].rank(ascending=False, method="min")
    reg_y["fitness_rank"] = reg_y["fitness"].rank(ascending=False, method="min")
    row = reg_y[reg_y["region"] == region].iloc[0]
    n = int(reg_y["eci"].notna().sum())
    # totals are sums of the values as stored (the loaded file's own numbers): the region's,
    # all regions' (every region of this classification and year: the world for trade data,
    # the country for the NUTS regions of one country) and the region's share
    own = float(space.data.loc[(space.data["region"] == region) & (space.data["year"] == y),
                               "value"].sum())
    world = float(space.data.loc[space.data["year"] == y, "value"].sum())
    key = pd.DataFrame({
        "indicator": ["year", words["row"], f"all regions' {words['row']}",
                      f"share of all regions' {words['quantity']}", words["has"],
                      "diversity (RCA >= 1)", "ECI", "ECI rank", "Fitness", "Fitness rank",
                      "COI (z-score)"],
        "value": [str(y), _amount(own), _amount(world),
                  f"{100 * own / world:.2f} %" if world else "",
                  f"{len(mine):,}", f"{len(specialised)}",
                  f"{row['eci']:.3f}", f"{row['eci_rank']:.0f} of {n}", f"{row['fitness']:.3f}",
                  f"{row['fitness_rank']:.0f} of {n}", f"{row['coi']:.3f}"]})
    approaches = _approaches(res["regions"], y)
    mine_a = approaches[(approaches["region"] == region) & approaches["approach"].notna()]
    if len(mine_a):
        key.loc[len(key)] = ["strategic approach (Atlas)", str(mine_a["approach"].iloc[0])]
    doc.add(f"<h3>Key figures of {html.escape(who)}, {html.escape(cls)} {y}</h3>"
            + markup.table_html(key, right=("value",)))
    _approach_part(doc, approaches, region, y, cls, sid, names)
    if not specialised:
        doc.add(f"<p class='note'>{html.escape(who)} has no specialisation (RCA >= 1) in {y}: "
                "no opportunities or pathways to compute.</p>")
        return {"regions": regions}
    opp = opportunity_table(res["density"], res["activities"], specialisation=spec,
                            region=region, year=y)
    now = space.data[space.data["year"] == y]
    world = now.groupby("activity")["value"].sum()
    prox = res["proximity"]
    prox = prox[prox["year"] == y]
    layout = charts.space_layout(pd.unique(now["activity"]), classification=cls,
                                 prefix=space.prefix, proximity=prox,
                                 sector_names=names.sectors.get(cls))
    colours = charts.cluster_colours(layout.order)
    bar = charts.cluster_bar(sid, layout.order, colours)
    rca = mine.set_index("activity")["rca"]
    acts_y = res["activities"][res["activities"]["year"] == y].set_index("activity")
    pci = acts_y["pci"] if "pci" in acts_y else None
    _space_part(doc, layout, bar, specialised, world, rca, pci, names, words, who, cls, y)
    _treemap_part(doc, mine.set_index("activity")["value"], layout, rca, names, words, who,
                  cls, y)
    if pci is not None and pci.notna().any():
        _pci_parts(doc, space, res, opp, layout, bar, specialised, region, y, names, words,
                   who, cls, sid, top, strategy)
    else:
        n_comp = int(acts_y["component"].nunique()) if "component" in acts_y else 0
        doc.add(f"<p class='note'>No activity has a PCI in {html.escape(cls)} {y}"
                + (f": the region-activity network (M) falls into {n_comp} unconnected parts, "
                   "and ECI/PCI need one connected network" if n_comp > 1 else "")
                + ". Left out, as they order activities by PCI: the growth opportunities, the "
                "smart specialisation quadrants, related pathways and the spectrograph.</p>")
    fig, _ = figures.matrix_plot(spec, res["regions"], res["activities"], year=y, region=region,
                                 region_name=names.regions.get(region))
    doc.figure(fig, f"{cls}_{y}_matrix", "Matrix M ordered by Fitness (rows) and "
               "Fitness-Complexity (columns): the nested, triangular shape (grey: share of "
               "ones where several entries share a pixel).")
    if len(have) > 1:
        fig, meta = figures.rca_sector_trends(space.data, region=region, classification=cls,
                                              title=f"RCA by sector, {who}",
                                              sector_names=names.sectors.get(cls))
        doc.figure(fig, f"{cls}_rca_sectors", "RCA by sector (first character of the code), "
                   f"{', '.join(map(str, meta['years']))}.")
    return {"regions": regions, "year": y}



def _pci_parts(doc: _Doc, space: Space, res: dict, opp: pd.DataFrame, layout, bar: str,
               specialised: list[str], region: str, y: int, names: ReportNames, words: dict,
               who: str, cls: str, sid: str, top: int, strategy: str) -> None:
    """The parts that order activities by PCI: growth opportunities, quadrants, related
    pathways, spectrograph."""
    spec = res["specialisation"]
    prox = res["proximity"]
    prox = prox[prox["year"] == y]
    _growth_part(doc, space, layout, bar, region, y, names, words, who, cls, sid, top, strategy)
    counts = opp["quadrant"].value_counts().reindex(opp["quadrant"].cat.categories).fillna(0)
    doc.add(f"<h3>Smart specialisation quadrants, {y}</h3><p>{len(opp):,} activities in which "
            f"{html.escape(who)} is not specialised, placed by relatedness density and PCI (split "
            "at the medians of these candidates; Balland et al. 2018): "
            + "; ".join(f"{q}: {int(c)}" for q, c in counts.items()) + ". The table above "
            f"orders them this way under <i>{STRATEGY_LABELS[QUADRANT_STRATEGY]}</i>.</p>")
    fig, _ = figures.opportunity_scatter(opp, names=names.short,
                                         title=f"Branching opportunities of {who}, {y}")
    doc.figure(fig, f"{cls}_{y}_opportunities", "Relatedness density against PCI; dashed lines "
               "at the medians; the best-ranked candidates are labelled.")
    best = opp[opp["quadrant"] == "low risk, high gain"].head(3)["activity"].tolist()
    rows = []
    for target in best:
        p = k_paths(prox, specialised=specialised, activity=target, k=1, min_proximity=0.3)
        if not p.empty:
            rows.append({"target": target, "name": names.activity(target),
                         "route": " -> ".join(figures.short_label(a, names.short, width=30)
                                              for a in p["activity"]),
                         "hops": int(p["hops"].iloc[0]), "length (1 - phi)":
                         float(p["length"].iloc[0])})
    if rows:
        doc.add("<h3>Related pathways</h3><p>Shortest route from a current specialisation to "
                "each of the top low-risk, high-gain targets, through links with phi >= 0.3 "
                "(<code>smartspec pathways</code> lists more):</p>"
                + markup.table_html(pd.DataFrame(rows)))
    fig, _ = figures.spectrograph_plot(spec, res["activities"], region=region, year=y,
                                       names=names.short, quantity=words["quantity"],
                                       title=f"Spectrograph of {who}, {y}")
    doc.figure(fig, f"{cls}_{y}_spectrograph", "Spectrograph (IPPR 2014, figures 3.11-3.13): "
               f"shares of the region's {words['quantity']} with activities ordered by PCI; the "
               "largest are labelled.")


def build_report(spaces: list[Space], region: str, *, peers: list[str] | None = None,
                 year: int | None = None, top: int = 15, save_dir: Path | None = None,
                 source: str = "", names: ReportNames | None = None,
                 strategy: str = "balanced",
                 priorities: Path | None = None) -> tuple[str, dict]:
    """The report as one HTML string, and what it holds (images, peers, sections).

    ``names`` (:func:`read_report_names`) puts names next to codes in titles, tables, figure
    labels and hovers; without it, country codes are named from ISO 3166 and activities shown
    by code. ``strategy`` orders the opportunity table as the page opens (a key of
    :data:`STRATEGY_LABELS`; the reader switches in the browser).
    """
    if names is None:
        names = read_report_names(None, spaces, spaces[0].label if spaces else "Product")
    label = spaces[0].label if spaces else "Product"
    words = QUANTITIES.get(label, QUANTITIES["Product"])
    who = names.region(region)
    doc = _Doc(save_dir)
    stamp = markup.build_time()
    doc.add(f"<h1>Smart specialisation report: {html.escape(who)}</h1>")
    periods = "; ".join(f"{s.classification or 'unclassified'} "
                        f"{', '.join(map(str, s.years))}" for s in spaces)
    doc.add(f"<p class='note'>smartspec {__version__}, {stamp}; store: {html.escape(source)}; "
            f"{html.escape(label.lower())} data ({html.escape(words['quantity'])}): "
            f"{html.escape(periods)}. Each classification is analysed on its own: codes of two "
            "classifications are different activities. RCA is Balassa's, M = RCA >= 1; ECI/PCI "
            "eigenvector form (Growth Lab scaling); density with proximity diagonal 1.</p>")
    regs = []
    years = {}
    for space in spaces:
        doc.add(f"<section class='space' data-sid='{_sid(space.classification or label)}'>")
        out = _space_section(doc, space, region, year, top, names, strategy)
        doc.add("</section>")
        regs.append(out["regions"])
        if "year" in out:
            years[space.classification or space.label] = out["year"]
    segment_section(doc, spaces, region, years, names, priorities=priorities)
    allreg = pd.concat(regs, ignore_index=True)
    if peers is None:
        latest = allreg[allreg["year"] == allreg["year"].max()].dropna(subset=["eci"])
        if region in set(latest["region"]):
            own = latest.loc[latest["region"] == region].iloc[0]
            near = latest[latest["region"] != region]
            # tiny exporters (Bouvet Island exports 14 products) can sit next to any ECI: peers
            # must have at least a quarter of the region's diversity
            near = near[near["diversity"] >= 0.25 * float(own["diversity"])]
            near = near.assign(gap=(near["eci"] - float(own["eci"])).abs())
            peers = near.nsmallest(4, "gap")["region"].tolist()
            how = ("the four regions closest in ECI in the latest year, among those with at "
                   "least a quarter of its diversity")
        else:
            peers, how = [], ""
    else:
        how = "chosen"
    doc.add("<h2>Complexity and diversification over time</h2>")
    if peers:
        doc.add(f"<p>{html.escape(who)} and peers ({how}): "
                f"{html.escape(', '.join(map(names.region, peers)))}.</p>")
    fig, meta = figures.complexity_over_time(allreg, focus=[region] + peers,
                                             names=names.regions)
    doc.figure(fig, "over_time", "ECI, Fitness and the number of activities with RCA >= 1, "
               "computed within each period's classification.")
    tab = allreg[allreg["region"].isin([region] + peers)][
        ["region", "year", "classification", "diversity", "eci", "fitness", "coi"]]
    tab = tab.sort_values(["region", "year"])
    tab.insert(1, "name", tab["region"].map(names.regions).fillna(""))
    doc.add(markup.table_html(tab))
    doc.add("<h2>Sources and methods</h2><p class='note'>Data: the "
            f"{html.escape(label.lower())} data in the store ({html.escape(source)}); totals "
            "are sums of the values as loaded, in the loaded file's own units. Names: the "
            "graph's classification and region names, ISO 3166 names for countries. Methods: "
            "Hidalgo et al. (2007) product space; Hausmann, Hidalgo et al. (2011) ECI/PCI; "
            "Tacchella et al. (2012) Fitness-Complexity; Balland, Boschma, Crespo &amp; Rigby "
            "(2018) smart specialisation framework; IPPR (2014) spectrograph. Sectors are the "
            "first character of the activity code (SITC sections; groups of HS chapters).</p>")
    body = "\n".join(doc.parts)
    page = markup.page(f"smartspec report: {who}", CSS, body, markup.script())
    return page, {"images": doc.images, "charts": doc.charts, "peers": peers, "years": years,
                  "saved": doc.saved}
