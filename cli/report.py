"""``smartspec report``: one self-contained HTML report on a region's smart specialisation, or on
an organisation's or a cluster's partners (the pages: :mod:`smartspec.reports`)."""

from __future__ import annotations

from pathlib import Path

import click

from ..algorithms import recommendation as rec
from ..algorithms._validation import ValidationError
from ..algorithms.opportunities import QUADRANT_STRATEGY, STRATEGIES
from ..workflows import partner_report as wp
from ..workflows import partners as flows
from ..workflows.report import write_region_report
from ._common import fail, store_from
from ._space import ACTIVITY_CHOICE
from .partners import read_partner_data, resolve_focal

__all__ = ["report", "run_partner_report"]


@click.command()
@click.option("--region", help="Region code (e.g. KOR, UK), or a country name.")
@click.option("--organisation", help="A partner report on this organisation instead (id or name).")
@click.option("--cluster", help="A partner report on this cluster's members instead (id or name).")
@click.option("--method", type=click.Choice(flows.METHODS),
              help="Partner ranking method of --organisation/--cluster, as for `recommend "
              f"partners` [{flows.DEFAULT_METHOD}].")
@click.option("--peers", help="Comma-separated peer regions [4 closest in ECI].")
@click.option("--year", type=int, help="Year of the snapshot sections [each classification's "
              "latest].")
@click.option("--top", type=int, default=15, show_default=True, help="Opportunities listed "
              "(recommended partners: 20 unless given).")
@click.option("--strategy", type=click.Choice([*STRATEGIES, QUADRANT_STRATEGY]), default="balanced",
              show_default=True, help="Order of the opportunity table as the page opens "
              "(Atlas presets, or quadrant: Balland et al.); switchable in the browser.")
@click.option("--activity", type=ACTIVITY_CHOICE, default="product", show_default=True,
              help="Which activities: products, technologies, industries.")
@click.option("--output", "-o", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              default=Path("."), show_default=True, help="Folder of the report.")
@click.option("--save-figures", is_flag=True, help="Also write every figure as PNG and SVG "
              "into OUTPUT/figures.")
@click.option("--priorities", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="RIS3 priorities (region, priority, activity): their best segments.")
@click.pass_context
def report(ctx: click.Context, region: str | None, organisation: str | None,
           cluster: str | None, method: str | None, peers: str | None, year: int | None,
           top: int, strategy: str, activity: str, out_dir: Path,
           save_figures: bool, priorities: Path | None) -> None:
    """One self-contained HTML report on a region (figures embedded, readable offline).

    For each classification in the store: key figures (the region's total, the total of all
    regions and the region's share, in the activity's unit: exports (USD), patents (count) or
    jobs; ECI, Fitness, diversity, COI, the Atlas's strategic approach), the strategic-approach
    chart (COI against ECI of all regions), the product space (HS products on the Atlas's
    layout and clusters; other classifications on a seeded layout) with the region's
    specialisations, its exports by cluster (treemap), the growth opportunities (feasibility
    scatter and a table with world market, growth and the region's share, ordered by a
    strategy), the smart specialisation quadrants, related pathways, the spectrograph, the
    matrix ordered by fitness and complexity, RCA by sector over time; then ECI, Fitness and
    diversification over time for the region and its peers.

    The page is interactive and needs no network (its script is inline): hover any mark for
    its name, click clusters to filter, switch the strategy and the feasibility y axis.

    With --organisation or --cluster the page is a partner report (a map, the focal's profile
    and the partner list ranked by --method); --peers, --year, --strategy, --activity and
    --priorities belong to the region report and are refused there.

    The page says when it was built; with SOURCE_DATE_EPOCH set (seconds since 1970, the
    reproducible-builds convention) it says that time instead, and two builds of the same
    report are byte-identical.

    Names stand next to codes everywhere: the graph's region and activity names (after
    `load trade --classification HS92`), ISO 3166 names for countries the graph does not name;
    figure labels use short names.

    \b
    Examples:
      smartspec report --region KOR
      smartspec report --region DEU --peers FRA,ITA,JPN --output reports --save-figures
      smartspec report --organisation "Politecnico di Milano"   # partners: map, profile, list
    """
    if sum(bool(x) for x in (region, organisation, cluster)) != 1:
        fail("give exactly one of --region, --organisation or --cluster")
    if method and region:
        fail("--method goes with --organisation or --cluster")
    if organisation or cluster:
        _refuse_region_options(ctx)
        run_partner_report(ctx, organisation=organisation, cluster=cluster, method=method,
                           top=top, out_dir=out_dir, save_figures=save_figures)
        return
    peer_list = [x for x in peers.split(",")] if peers else None
    with store_from(ctx) as store:
        done = write_region_report(store, region, peers=peer_list, year=year, top=top,
                                   strategy=strategy, priorities=priorities,
                                   activity=activity, output=out_dir,
                                   save_figures=save_figures)
    click.echo(done.summary())
    if done.info["saved"]:
        click.echo(f"wrote {len(done.info['saved'])} PNG/SVG files to {done.save_dir}")


#: Options of the region report that a partner report has no use for.
REGION_ONLY = ("peers", "year", "strategy", "activity", "priorities")


def _refuse_region_options(ctx: click.Context) -> None:
    """Stop when an option of the region report is given with --organisation or --cluster: it
    would be ignored (a partner report lists partners, ordered by --method; --strategy orders a
    region's opportunities)."""
    from click.core import ParameterSource

    given = [f"--{name}" for name in REGION_ONLY
             if ctx.get_parameter_source(name) not in (None, ParameterSource.DEFAULT,
                                                         ParameterSource.DEFAULT_MAP)]
    if given:
        verb = "goes" if len(given) == 1 else "go"
        fail(f"{', '.join(given)} only {verb} with --region (the region report); a partner "
             "report on --organisation or --cluster ranks partners by --method")


def run_partner_report(ctx: click.Context, *, organisation: str | None, cluster: str | None,
                       method: str | None, top: int, out_dir: Path,
                       save_figures: bool = False) -> Path:
    """Resolve the focal as ``recommend partners`` does, build the page, write it.

    ``top`` counts only when given on the command line (``report``'s default is the region
    report's 15); otherwise the list has ``recommend partners``' default length, 20."""
    from click.core import ParameterSource

    # the page modules load matplotlib: only when a page is made
    from ..reports.partners import DEFAULT_TOP, build_partner_page, short_name

    if ctx.get_parameter_source("top") != ParameterSource.COMMANDLINE:
        top = DEFAULT_TOP
    method = method or flows.DEFAULT_METHOD
    data = read_partner_data(ctx, None, None, None, None)
    with store_from(ctx) as store:
        localities = wp.read_localities(store)
    try:
        index = rec.partner_index(data.participations, data.topics, data.organisations)
    except ValidationError as exc:
        fail(str(exc))
    focal, label, size = resolve_focal(data, index, organisation, cluster)
    if cluster:
        ids = set(data.clusters["cluster"].astype(str))
        # the id the name resolved to (the label reads "cluster ID (name)")
        slug = "cluster_" + (cluster if cluster in ids
                             else label.removeprefix("cluster ").split(" (")[0])
    else:
        pos = index.organisations.get_indexer([focal])[0]
        name = index.name[pos] if pos >= 0 else None
        label = f"{short_name(name, 80)} ({focal})"
        slug = focal
    save_dir = out_dir / "figures" if save_figures else None
    try:
        report = wp.partner_report_data(data, index, focal, label,
                                        method=method, top=top,
                                        cluster_size=size, localities=localities)
    except ValidationError as exc:
        fail(str(exc))
    if report.method != method:
        click.echo(f"note: ranked by {report.method}: no {method} model could be learned from "
                   "these data (no earlier year with new ties)", err=True)
    page, info = build_partner_page(report, save_dir=save_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in slug)
    path = out_dir / f"smartspec_partners_{safe}.html"
    path.write_text(page, encoding="utf-8")
    click.echo(f"wrote {path} on {label} ({len(page) / 1e6:.1f} MB; {len(report.partners):,} "
               f"current partners in {report.countries['partners'].gt(0).sum():,} countries; "
               f"{len(info['organisations'])} recommended, method {report.method})")
    if info["saved"]:
        click.echo(f"wrote {len(info['saved'])} PNG/SVG files to {save_dir}")
    return path
