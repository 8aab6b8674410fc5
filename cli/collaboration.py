"""Collaboration commands: ``smartspec load collaborations|clusters`` and
``smartspec compute collaboration`` (local buzz, global pipelines, brokerage, partner selection).
"""

from __future__ import annotations

from pathlib import Path

import click
import numpy as np
import pandas as pd

from ..algorithms import collaboration as collab
from ..loaders import collaborations as collab_loader
from ..loaders._io import LoaderError
from ..workflows import load as load_workflow
from ..workflows.collaboration import (
    ActorSetError,
    collaboration_tables,
    read_network,
    region_hierarchy,
    resolve_actor_sets,
    run_collaboration,
    set_names,
)
from ._common import emit, fail, format_option, output_option, sep_option, store_from

__all__ = [
    "load_collaborations",
    "load_clusters",
    "compute_collaboration",
    "read_network",
    "resolve_actor_sets",
    "region_hierarchy",
    "run_collaboration",
    "set_names",
]


# -- load --------------------------------------------------------------------------------------


# one definition for both loaders that map organisation type codes
_unknown_types = click.option(
    "--unknown-types",
    type=click.Choice(["error", "other"]),
    default="error",
    show_default=True,
    help="Unknown organisation type codes: refuse the file or load them as 'other'.",
)


@click.command("collaborations")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--layout",
    type=click.Choice(collab_loader.COLLABORATION_LAYOUTS),
    default="auto",
    show_default=True,
    help="cordis-shared (shipped H2020 data), cordis (CORDIS open data), partners (plain list).",
)
@click.option(
    "--organisations",
    type=click.Path(path_type=Path),
    help="Organisation names/cities (cordis-shared; default: the shipped file next to FILE).",
)
@click.option(
    "--programme-parts",
    type=click.Path(path_type=Path),
    help="Project programme parts: the shipped rcn,programme_part table, CORDIS legalBasis.csv "
    "or topics.csv (default: programme_parts.csv.gz / legalBasis.csv next to FILE).",
)
@click.option(
    "--programme-names",
    type=click.Path(path_type=Path),
    help="Titles for programme parts: CORDIS cordisref-H2020programmes.csv or "
    "cordisref-H2020topics.csv.",
)
@click.option(
    "--projects",
    type=click.Path(path_type=Path),
    help="CORDIS project table with dates (cordis; default: project.csv next to FILE).",
)
@click.option(
    "--duplicates",
    type=click.Choice(["reject", "merge"]),
    default="reject",
    show_default=True,
    help="Duplicate participations / partner rows: refuse the file or merge them.",
)
@_unknown_types
@click.option(
    "--missing-country",
    type=click.Choice(["error", "unlocated"]),
    default="error",
    show_default=True,
    help="Organisations without a country: refuse the file or load them without a location.",
)
@click.option(
    "--no-pairs",
    is_flag=True,
    help="Do not write the COLLABORATES_WITH projection (measures recompute it anyway).",
)
@sep_option()
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of FILE.")
@click.pass_context
def load_collaborations(
    ctx: click.Context,
    file: Path,
    layout: str,
    organisations: Path | None,
    programme_parts: Path | None,
    programme_names: Path | None,
    projects: Path | None,
    duplicates: str,
    unknown_types: str,
    missing_country: str,
    no_pairs: bool,
    sep: str | None,
    encoding: str,
) -> None:
    """Load organisations, projects and participations (or a partner list) into the graph.

    Writes Organisation {id, name, type, type_code} LOCATED_IN one Region: its NUTS 3 region
    when the file has nutsCode (PART_OF NUTS 2, NUTS 1 and the country), else its city (one
    Region per city however spelt: München, MUENCHEN, Munich), else its country (ISO alpha-3,
    CORDIS UK/EL -> GBR/GRC). A load never replaces a stored name or type with a missing one,
    nor a stored location with a less precise one. Project,
    PARTICIPATES_IN {role, contribution}, programme parts as Topic, and the one-mode
    COLLABORATES_WITH {first_year, last_year, projects} projection of shared projects; partner
    lists become PARTNERS_WITH {year, known_before, channel}. Loading twice leaves the same graph.

    \b
    Examples:
      smartspec load collaborations loaders/data/h2020.csv.gz
      smartspec load collaborations organization.csv --projects project.csv
      smartspec load collaborations organization.csv --programme-parts legalBasis.csv
      smartspec load collaborations survey.csv --layout partners --duplicates merge
    """
    try:
        table = load_workflow.read_collaborations(
            file,
            layout=layout,
            organisations=organisations,
            programme_parts=programme_parts,
            programme_names=programme_names,
            projects=projects,
            duplicates=duplicates,
            unknown_types=unknown_types,
            missing_country=missing_country,
            sep=sep,
            encoding=encoding,
        )
    except LoaderError as exc:
        fail(str(exc))
    with store_from(ctx) as store:
        done = load_workflow.write_collaborations(store, table, pairs=not no_pairs)
    written, where = done.iloc[0], done.attrs["store"]
    click.echo(
        f"loaded {file} ({table.layout} layout) into {where}: {written['organisations']:,} "
        f"organisations, {written['projects']:,} projects, {written['participations']:,} "
        f"participations, {written['pairs']:,} collaborating pairs, "
        f"{written['partnerships']:,} reported partnerships"
    )
    if written.get("moved"):
        click.echo(
            f"{written['moved']:,} organisation(s) located anew (the file's location is as or "
            "more precise than the stored one, which was removed: one location each)"
        )
    for note in table.notes:
        click.echo(note)


@click.command("clusters")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--activity",
    type=click.Choice(["industry", "technology", "product"]),
    default="industry",
    show_default=True,
    help="What the specialisation codes of an attributes file are.",
)
@click.option(
    "--duplicates",
    type=click.Choice(["reject", "merge"]),
    default="reject",
    show_default=True,
    help="An organisation listed twice for a cluster: refuse, or keep the earliest since.",
)
@_unknown_types
@sep_option()
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of FILE.")
@click.pass_context
def load_clusters(
    ctx: click.Context,
    file: Path,
    activity: str,
    duplicates: str,
    unknown_types: str,
    sep: str | None,
    encoding: str,
) -> None:
    """Load cluster membership (organisation, cluster, since) or attributes (cluster, name,
    region, specialisation).

    Membership becomes (:Organisation)-[:MEMBER_OF {since}]->(:Cluster); attributes become
    (:Cluster)-[:LOCATED_IN]->(:Region) and (:Cluster)-[:SPECIALISES_IN]->(activity).

    \b
    Examples:
      smartspec load clusters members.csv
      smartspec load clusters clusters.csv --activity technology
    """
    from ..loaders.clusters import read_clusters

    try:
        table = read_clusters(
            file,
            activity=activity.capitalize(),
            duplicates=duplicates,
            unknown_types=unknown_types,
            encoding=encoding,
            sep=sep,
        )
    except LoaderError as exc:
        fail(str(exc))
    with store_from(ctx) as store:
        done = load_workflow.write_clusters(store, table)
    written, where = done.iloc[0], done.attrs["store"]
    click.echo(
        f"loaded {file} ({table.layout}) into {where}: {written['clusters']:,} clusters, "
        f"{written['members']:,} memberships, {written['specialisations']:,} specialisations"
    )
    for note in table.notes:
        click.echo(note)


# -- compute -----------------------------------------------------------------------------------


_TABLE_COLUMNS = [
    "actor_set",
    "actor_set_name",
    "year",
    "actors",
    "ties",
    "local_share",
    "national_share",
    "international_share",
    "ei_index",
    "partner_countries",
    "internal_density",
    "pipeline_actor_share",
    "pipeline_gini",
    "new_partner_share",
    "tech_proximity_chosen",
    "tech_proximity_available",
]


@click.command("collaboration")
@click.option(
    "--actor-set",
    "actor_sets",
    multiple=True,
    required=True,
    help="cluster:ID, region:CODE (NUTS region at any level, city or country Region), "
    "country:CODE, type:NAME, or "
    "country:all; repeat for several.",
)
@click.option(
    "--locality",
    type=click.Choice(collab.LOCALITIES),
    help="What 'local' means: same city or same country (default: country for country sets, "
    "city otherwise).",
)
@click.option(
    "--period-length",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Years per period.",
)
@click.option(
    "--country-attributes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV country,<attributes...> (e.g. group, language) for cultural proximity "
    "(default: EU-15 / EU-13 / H2020-associated groups).",
)
@click.option(
    "--betweenness-sources",
    type=click.IntRange(0),
    default=200,
    show_default=True,
    help="Sampled sources for betweenness in large networks (0: exact).",
)
@click.option(
    "--figures",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for figures (PNG and SVG): ego network and shares over time.",
)
@click.option(
    "--actors-output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write per-member brokerage roles and betweenness (CSV).",
)
@click.option(
    "--write/--no-write",
    default=True,
    show_default=True,
    help="Write COLLABORATION_PROFILE relationships back to the graph.",
)
@format_option()
@output_option()
@click.pass_context
def compute_collaboration(
    ctx: click.Context,
    actor_sets: tuple[str, ...],
    locality: str | None,
    period_length: int,
    country_attributes: Path | None,
    betweenness_sources: int,
    figures: Path | None,
    actors_output: Path | None,
    write: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Local buzz, global pipelines, brokerage and partner selection of actor sets, per period.

    For each actor set and period: local / national / international ties and shares, E-I index,
    partner countries and their diversity; density, clustering and components of the internal
    network; international ties per actor and their concentration (Gini, top-5 share);
    Gould-Fernandez brokerage roles with locality as the group, betweenness and the brokerage
    share of each actor type; new versus known partners and the technological and cultural
    proximity of chosen against available partners. Written back as
    (:Region|:Cluster)-[:COLLABORATION_PROFILE {year, ...}]->(:Measure {id: 'collaboration'}).

    \b
    Examples:
      smartspec compute collaboration --actor-set country:DE
      smartspec compute collaboration --actor-set region:DEU-MUNICH --figures figs
      smartspec compute collaboration --actor-set region:DE21
      smartspec compute collaboration --actor-set cluster:C1 --period-length 3
      smartspec compute collaboration --actor-set country:all --format csv -o collab.csv
    """
    try:
        with store_from(ctx) as store:
            done = collaboration_tables(
                store,
                list(actor_sets),
                locality=locality,
                period_length=period_length,
                country_attributes=country_attributes,
                betweenness_sources=betweenness_sources or None,
                write=write,
            )
    except ActorSetError as exc:
        raise click.BadParameter(str(exc), param_hint="--actor-set") from None
    summary, result, actors = done["summary"], done["result"], done["network"]
    if fmt == "table":
        emit(summary[[c for c in _TABLE_COLUMNS if c in summary.columns]].round(3), fmt, output)
    else:
        emit(summary, fmt, output)
    if actors_output is not None:
        actors_output.parent.mkdir(parents=True, exist_ok=True)
        result["actors"].to_csv(actors_output, index=False)
        click.echo(f"wrote {len(result['actors']):,} member rows to {actors_output}", err=True)
    if figures is not None:
        paths = draw_figures(result, actors, figures)
        click.echo(f"wrote {len(paths)} figures to {figures}", err=True)


# -- figures -----------------------------------------------------------------------------------

_COLOURS = {
    "member": "#222222",
    "local": "#1b9e77",
    "national": "#7570b3",
    "international": "#d95f02",
    "unknown": "#bbbbbb",
}


def draw_figures(result, actors: pd.DataFrame, folder: Path, *, max_partners: int = 150):
    """Ego network of each actor set coloured by locality, and tie shares over time (PNG+SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    from ..reports.figures import save_file

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    summary, mt = result["summary"], result["member_ties"]
    sets = list(pd.unique(summary["actor_set"]))[:12]
    # shares over time
    fig, ax = plt.subplots(figsize=(7, 4))
    for aset in sets:
        s = summary[summary["actor_set"] == aset].sort_values("year")
        for kind, style in (("local", "-"), ("international", "--")):
            ax.plot(s["year"], s[f"{kind}_share"], style, marker="o", ms=3, label=f"{aset} {kind}")
    ax.set_xlabel("period")
    ax.set_ylabel("share of ties")
    ax.set_ylim(0, 1)
    ax.set_title("Local and international ties over time")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    for ext in ("png", "svg"):
        p = save_file(fig, folder / f"shares_over_time.{ext}", dpi=120)
        written.append(p)
    plt.close(fig)
    # ego networks
    for aset in sets[:4]:
        ties = mt[mt["actor_set"] == aset]
        if ties.empty:
            continue
        counts = ties.groupby(["actor", "partner", "internal", "kind"], as_index=False)[
            "projects"
        ].sum()
        ext_t = counts[~counts["internal"]].nlargest(max_partners, "projects")
        int_t = counts[counts["internal"]].nlargest(max_partners, "projects")
        g = nx.Graph()
        for row in pd.concat([int_t, ext_t]).itertuples(index=False):
            g.add_edge(row.actor, row.partner, weight=float(row.projects))
        members = set(ties["actor"]) | set(ties.loc[ties["internal"], "partner"])
        kind_of = dict(zip(ext_t["partner"], ext_t["kind"], strict=False))
        colours = [
            _COLOURS["member"] if n in members else _COLOURS.get(kind_of.get(n), "#bbbbbb")
            for n in g.nodes
        ]
        fig, ax = plt.subplots(figsize=(7, 7))
        pos = nx.spring_layout(g, seed=1, k=1 / max(1, np.sqrt(g.number_of_nodes())))
        nx.draw_networkx_edges(g, pos, ax=ax, alpha=0.15, width=0.5)
        nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colours, node_size=18)
        for kind, colour in _COLOURS.items():
            ax.scatter([], [], c=colour, label=kind, s=20)
        ax.legend(loc="lower left", fontsize=8)
        ax.set_title(f"Ego network of {aset} (top {max_partners} partners by joint projects)")
        ax.axis("off")
        fig.tight_layout()
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(aset))
        for ext in ("png", "svg"):
            p = save_file(fig, folder / f"ego_network_{safe}.{ext}", dpi=120)
            written.append(p)
        plt.close(fig)
    return written
