"""``smartspec report``: one self-contained HTML report on a region's smart specialisation."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import click
import matplotlib.pyplot as plt
import pandas as pd

from .. import __version__
from ..algorithms.opportunities import opportunity_table
from ..algorithms.opportunities import pathways as k_paths
from ..graph_models import schema
from ..graph_models.results import read_names
from ..graph_models.store import Store
from ..loaders.countries import country_table, to_alpha3
from . import figures
from ._common import fail, store_from
from ._segment_section import segment_section
from ._space import ACTIVITY_CHOICE, Space, activity_label, load_spaces

__all__ = ["report", "build_report", "ReportNames", "read_report_names", "QUANTITIES"]

#: What the observed value of each activity label is, as the report words it: the quantity,
#: the key-figures row with its unit, and what "the region has the activity" means.
QUANTITIES: dict[str, dict[str, str]] = {
    "Product": {"quantity": "exports", "row": "exports (USD)", "has": "products exported"},
    "Technology": {"quantity": "patents", "row": "patents (count)",
                   "has": "technologies patented"},
    "Industry": {"quantity": "jobs", "row": "jobs", "has": "industries with jobs"},
}


@dataclass
class ReportNames:
    """Names the report shows next to codes: regions, activities (full) and activities (short,
    for figure labels; the classification's short name where it has one, else the name)."""

    regions: dict[str, str] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)
    #: by classification: names of the one-character sectors where the graph holds them as
    #: nodes of the hierarchy (SITC sections, IPC/CPC sections), e.g. ``{"SITC2": {"7": ...}}``
    sectors: dict[str, dict[str, str]] = field(default_factory=dict)

    def region(self, code: str) -> str:
        """``Name (CODE)``, or the code alone when it has no name."""
        name = self.regions.get(code)
        return f"{name} ({code})" if name else str(code)

    def activity(self, code: str, width: int = 70) -> str:
        """The activity's name shortened to ``width`` characters ('' when it has none)."""
        name = self.activities.get(code, "")
        return name if len(name) <= width else name[: width - 1].rstrip() + "…"


def _country_names(codes: list[str]) -> dict[str, str]:
    """ISO 3166 names of the codes that are countries (alpha-2, alpha-3, UK/EL)."""
    a3 = to_alpha3(codes)
    table = country_table()
    name_of = dict(zip(table["alpha3"], table["name"], strict=True))
    names = a3.map(name_of)
    return {c: n for c, n in zip(codes, names, strict=True) if isinstance(n, str)}


def _short_names(store: Store, label: str, codes: list[str]) -> dict[str, str]:
    """``short_name`` of ``label`` nodes by key, where the node has one."""
    key = schema.quote(schema.node(label).key)
    table = store.run(f"MATCH (n:{schema.quote(label)}) WHERE n.{key} IN $codes AND "
                      f"n.short_name IS NOT NULL RETURN n.{key} AS key, n.short_name AS name",
                      {"codes": codes})
    if table.empty:
        return {}
    return {str(k): str(v) for k, v in zip(table["key"], table["name"], strict=True)
            if str(v).strip()}


def _real_names(names: pd.Series, label: str) -> dict[str, str]:
    """The names that are names: not empty, and not the embedded store's stand-in title
    ``<Label>_<id>`` that kglite returns as ``n.name`` for a node stored without a name."""
    if names.empty:
        return {}
    text = names.astype(str).str.strip()
    keep = names.notna() & (text != "") & ~text.str.fullmatch(rf"{label}_\d+")
    return dict(zip(names.index[keep], text[keep], strict=True))


def read_report_names(store: Store | None, spaces: list[Space], label: str) -> ReportNames:
    """Names of the regions and activities of ``spaces``: from the graph (``name``,
    ``short_name``), and ISO 3166 names for country codes the graph does not name."""
    regions = sorted({str(r) for s in spaces for r in pd.unique(s.data["region"])})
    acts = sorted({str(a) for s in spaces for a in pd.unique(s.data["activity"])})
    out = ReportNames(regions=_country_names(regions))
    if store is not None:
        out.regions.update(_real_names(read_names(store, "Region", regions), "Region"))
        out.activities = _real_names(read_names(store, label, acts), label)
        out.short = {**out.activities, **_short_names(store, label, acts)}
        for space in spaces:
            out.sectors[space.classification or label] = _sector_names(store, space)
    return out


def _sector_names(store: Store, space: Space) -> dict[str, str]:
    """Graph names of a space's one-character sectors, for SITC (sections) and technologies
    (IPC/CPC sections) only: elsewhere the first digit is no level of the hierarchy (an HS
    node ``1`` is an Atlas sector, NACE's first digit no section)."""
    cls = (space.classification or "").upper()
    if not (cls.startswith("SITC") or space.label == "Technology"):
        return {}
    sectors = figures.sector_of(pd.Series(pd.unique(space.data["activity"]))).unique().tolist()
    codes = [space.prefix + sec for sec in sectors]
    full = _real_names(read_names(store, space.label, codes), space.label)
    named = {**full, **_short_names(store, space.label, codes)}
    return {code[len(space.prefix):]: name for code, name in named.items()}


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;
max-width:1100px;color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #08519c;padding-bottom:.2em;
margin-top:2em}h3{margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;margin:.6em 0}
th,td{border:1px solid #ddd;padding:3px 7px;text-align:left}th{background:#f0f4fa}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
img{max-width:100%;height:auto;border:1px solid #eee}
.note{color:#555;font-size:.9em}.svgbox{border:1px solid #eee}
figure{margin:1em 0}figcaption{font-size:.85em;color:#555}
"""


def _table_html(frame: pd.DataFrame, digits: int = 3, right: tuple[str, ...] = ()) -> str:
    """A small table as HTML: numbers rounded and right-aligned (and the ``right`` columns of
    formatted numbers), text (codes, names, routes) left-aligned, missing values empty, every
    cell escaped."""
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    cols = []
    for col in frame.columns:
        values = frame[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        if pd.api.types.is_float_dtype(values):
            values = values.round(digits)
            text = values.map(lambda v: "" if pd.isna(v) else f"{v:.{digits}f}")
        else:
            text = values.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
                              else str(v))
        css = "n" if numeric or col in right else "t"
        cols.append([f"<td class='{css}'>{html.escape(v)}</td>" for v in text])
    rows = "".join(f"<tr>{''.join(cells)}</tr>" for cells in zip(*cols, strict=True))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


class _Doc:
    def __init__(self, save_dir: Path | None) -> None:
        self.parts: list[str] = []
        self.images = 0
        self.save_dir = save_dir
        self.saved: list[Path] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def figure(self, fig, name: str, caption: str) -> None:
        data = figures.to_base64_png(fig)
        if self.save_dir is not None:
            self.saved += figures.save(fig, self.save_dir / name)
        plt.close(fig)
        self.images += 1
        self.add(f'<figure><img alt="{html.escape(caption)}" '
                 f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}'
                 "</figcaption></figure>")


def _amount(value: float) -> str:
    """A total as a reader reads it: whole numbers with separators, else one decimal."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _space_section(doc: _Doc, space: Space, region: str, year: int | None, top: int,
                   names: ReportNames) -> dict:
    """The section of one classification; returns the regions table for the time figure."""
    res = space.measures()
    cls = space.classification or space.label
    words = QUANTITIES.get(space.label, QUANTITIES["Product"])
    who = names.region(region)
    regions = res["regions"].assign(classification=cls)
    have = sorted(space.data.loc[space.data["region"] == region, "year"].unique().tolist())
    doc.add(f"<h2>{html.escape(cls)}: {', '.join(map(str, space.years))}</h2>")
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
    doc.add(f"<h3>Key figures of {html.escape(who)}, {html.escape(cls)} {y}</h3>"
            + _table_html(key, right=("value",)))
    if not specialised:
        doc.add(f"<p class='note'>{html.escape(who)} has no specialisation (RCA >= 1) in {y}: "
                "no opportunities or pathways to compute.</p>")
        return {"regions": regions}
    opp = opportunity_table(res["density"], res["activities"], specialisation=spec,
                            region=region, year=y)
    counts = opp["quadrant"].value_counts().reindex(opp["quadrant"].cat.categories).fillna(0)
    doc.add(f"<h3>Diversification opportunities, {y}</h3><p>{len(opp):,} activities in which "
            f"{html.escape(who)} is not specialised, placed by relatedness density and PCI (split "
            "at the medians of these candidates; Balland et al. 2018): "
            + "; ".join(f"{q}: {int(c)}" for q, c in counts.items()) + ".</p>")
    fig, _ = figures.opportunity_scatter(opp, names=names.short,
                                         title=f"Branching opportunities of {who}, {y}")
    doc.figure(fig, f"{cls}_{y}_opportunities", "Relatedness density against PCI; dashed lines "
               "at the medians; the best-ranked candidates are labelled.")
    shown = opp.head(top).copy()
    shown["quadrant"] = shown["quadrant"].astype(str)
    shown = shown.drop(columns=["region", "year"])
    shown.insert(1, "name", shown["activity"].map(names.activity))
    doc.add(f"<p>Top {len(shown)} (sorted by quadrant, then by the mean percentile of density "
            "and PCI):</p>" + _table_html(shown))
    prox = res["proximity"]
    prox = prox[prox["year"] == y]
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
                + _table_html(pd.DataFrame(rows)))
    doc.add(f"<h3>{html.escape(cls)} space, {y}</h3>")
    fig, meta = figures.product_space(prox, specialised, classification=cls,
                                      title=f"{cls} space backbone, {y}: {who}'s "
                                      f"{len(specialised)} specialisations highlighted")
    rca = mine.set_index("activity")["rca"]
    acts_y = res["activities"][res["activities"]["year"] == y].set_index("activity")
    pci = acts_y["pci"] if "pci" in acts_y else None
    doc.add("<p class='note'>Interactive version: hover a node for its code, name, sector, "
            f"{html.escape(who)}'s RCA and its PCI.</p><div class='svgbox'>"
            + figures.product_space_svg(meta, rca=rca, classification=cls,
                                        names=names.activities, pci=pci) + "</div>")
    doc.figure(fig, f"{cls}_{y}_product_space",
               f"Backbone (maximum spanning tree + links with phi >= 0.55): {meta['n_nodes']} "
               f"activities, {meta['n_edges']} links, {meta['n_highlighted']} highlighted.")
    fig, _ = figures.spectrograph_plot(spec, res["activities"], region=region, year=y,
                                       names=names.short, quantity=words["quantity"],
                                       title=f"Spectrograph of {who}, {y}")
    doc.figure(fig, f"{cls}_{y}_spectrograph", "Spectrograph (IPPR 2014, figures 3.11-3.13): "
               f"shares of the region's {words['quantity']} with activities ordered by PCI; the "
               "largest are labelled.")
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


def build_report(spaces: list[Space], region: str, *, peers: list[str] | None = None,
                 year: int | None = None, top: int = 15, save_dir: Path | None = None,
                 source: str = "", names: ReportNames | None = None,
                 priorities: Path | None = None) -> tuple[str, dict]:
    """The report as one HTML string, and what it holds (images, peers, sections).

    ``names`` (:func:`read_report_names`) puts names next to codes in titles, tables, figure
    labels and hovers; without it, country codes are named from ISO 3166 and activities shown
    by code.
    """
    if names is None:
        names = read_report_names(None, spaces, spaces[0].label if spaces else "Product")
    label = spaces[0].label if spaces else "Product"
    words = QUANTITIES.get(label, QUANTITIES["Product"])
    who = names.region(region)
    doc = _Doc(save_dir)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
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
        out = _space_section(doc, space, region, year, top, names)
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
    doc.add(_table_html(tab))
    doc.add("<h2>Sources and methods</h2><p class='note'>Data: the "
            f"{html.escape(label.lower())} data in the store ({html.escape(source)}); totals "
            "are sums of the values as loaded, in the loaded file's own units. Names: the "
            "graph's classification and region names, ISO 3166 names for countries. Methods: "
            "Hidalgo et al. (2007) product space; Hausmann, Hidalgo et al. (2011) ECI/PCI; "
            "Tacchella et al. (2012) Fitness-Complexity; Balland, Boschma, Crespo &amp; Rigby "
            "(2018) smart specialisation framework; IPPR (2014) spectrograph. Sectors are the "
            "first character of the activity code (SITC sections; groups of HS chapters).</p>")
    body = "\n".join(doc.parts)
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>smartspec "
            f"report: {html.escape(who)}</title><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'><style>{_CSS}</style></head>"
            f"<body>{body}</body></html>")
    return page, {"images": doc.images, "peers": peers, "years": years, "saved": doc.saved}


@click.command()
@click.option("--region", required=True, help="Region code (e.g. KOR, UK), or a country name.")
@click.option("--peers", help="Comma-separated peer regions [4 closest in ECI].")
@click.option("--year", type=int, help="Year of the snapshot sections [each classification's "
              "latest].")
@click.option("--top", type=int, default=15, show_default=True, help="Opportunities listed.")
@click.option("--activity", type=ACTIVITY_CHOICE, default="product", show_default=True,
              help="Which activities: products, technologies, industries.")
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Folder of the report.")
@click.option("--save-figures", is_flag=True, help="Also write every figure as PNG and SVG "
              "into OUTPUT/figures.")
@click.option("--priorities", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="RIS3 priorities (region, priority, activity): their best segments.")
@click.pass_context
def report(ctx: click.Context, region: str, peers: str | None, year: int | None, top: int,
           activity: str, out_dir: Path, save_figures: bool, priorities: Path | None) -> None:
    """One self-contained HTML report on a region (figures embedded, readable offline).

    For each classification in the store: key figures (the region's total, the total of all
    regions and the region's share, in the activity's unit: exports (USD), patents (count) or
    jobs; ECI, Fitness, diversity, COI), the diversification opportunities and their quadrants,
    related pathways, the product space with the region's specialisations (also as interactive
    SVG), the spectrograph, the matrix ordered by fitness and complexity, RCA by sector over
    time; then ECI, Fitness and diversification over time for the region and its peers.

    Names stand next to codes everywhere: the graph's region and activity names (after
    `load trade --classification HS92`), ISO 3166 names for countries the graph does not name;
    figure labels use short names.

    \b
    Examples:
      smartspec report --region KOR
      smartspec report --region DEU --peers FRA,ITA,JPN --output reports --save-figures
    """
    label = activity_label(activity)
    with store_from(ctx) as store:
        spaces = load_spaces(store, activity=label)
        source = store.describe()
        names = read_report_names(store, spaces, label)
    code = next((s.region(region) for s in spaces
                 if region.strip().upper() in set(s.data["region"])), None)
    if code is None:
        code = spaces[0].region(region)  # a country name, or a one-line error with suggestions
    if year is not None and all(year not in s.years for s in spaces):
        loaded = sorted({y for s in spaces for y in s.years})
        fail(f"year {year} is not loaded; loaded years: {', '.join(map(str, loaded))}")
    peer_list = None
    if peers:
        peer_list = []
        for p in (x.strip() for x in peers.split(",") if x.strip()):
            hits = [s for s in spaces if p.upper() in set(s.data["region"])]
            peer_list.append((hits[0] if hits else spaces[0]).region(p))
    save_dir = out_dir / "figures" if save_figures else None
    page, info = build_report(spaces, code, peers=peer_list, year=year, top=top,
                              save_dir=save_dir, source=source, names=names,
                              priorities=priorities)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"smartspec_report_{code}.html"
    path.write_text(page, encoding="utf-8")
    click.echo(f"wrote {path} on {names.region(code)} ({len(page) / 1e6:.1f} MB, "
               f"{info['images']} figures; "
               f"years {', '.join(f'{k} {v}' for k, v in info['years'].items())}; peers "
               f"{', '.join(info['peers']) or 'none'})")
    if info["saved"]:
        click.echo(f"wrote {len(info['saved'])} PNG/SVG files to {save_dir}")

