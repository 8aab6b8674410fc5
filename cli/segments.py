"""``smartspec compute segments | alignment | intercluster``: segments, priorities, cooperation.

``compute segments`` finds segments (communities of related activities) in the relatedness
network of one year, or takes them from a definitions file, writes them as
``(:Product|Technology|Industry)-[:IN_SEGMENT {centrality}]->(:Segment {id, method, year,
label})`` and prints the definitions or a region's cluster profile. ``compute alignment`` matches
a region's clusters (its specialised segments, cluster organisations, or with ``--activity
topic`` the organisations of a region grouped by main topic) with the activities of its
smart-specialisation priorities; ``compute intercluster`` ranks pairs of clusters by how related
and how little cooperating they are. The work is done by the workflows
:func:`~smartspec.workflows.segments.segments`,
:func:`~smartspec.workflows.segments.run_alignment` and
:func:`~smartspec.workflows.segments.run_intercluster`; this module parses options, calls one,
draws the figure (:mod:`smartspec.reports.segments`) and prints.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..algorithms import segments as seg
from ..workflows import segments as wf
from ._common import emit, format_option, output_option, say, store_from
from ._space import ACTIVITY_CHOICE, classification_option
from .compute import DEFAULT_MIN_PROXIMITY, _one_line_errors

__all__ = ["segments_command", "alignment_command", "intercluster_command"]


def _segment_options(command=None, *, topics: bool = False):
    """The options of segments, alignment and intercluster (``topics``: ``--activity topic``,
    the topics of organisations' projects, is offered)."""
    if command is None:
        return lambda cmd: _segment_options(cmd, topics=topics)
    activity = (click.option("--activity", type=click.Choice([*ACTIVITY_CHOICE.choices, "topic"]),
                             default="product", show_default=True,
                             help="Which activities: products (EXPORTS), technologies, "
                                  "industries, or topic: the topics (programme parts) of "
                                  "organisations' projects (ACTIVE_IN), related by "
                                  "co-specialisation of organisations.")
                if topics else
                click.option("--activity", type=ACTIVITY_CHOICE, default="product",
                             show_default=True,
                             help="Which activities: products (EXPORTS), technologies, "
                                  "industries."))
    options = [
        activity,
        classification_option(),
        click.option("--year", type=int, help="Year of the network and profile [the latest]."),
        click.option("--algorithm", type=click.Choice(seg.ALGORITHMS), default="leiden",
                     show_default=True, help="Community detection (igraph)."),
        click.option("--resolution", type=click.FloatRange(min=0, min_open=True), default=1.0,
                     show_default=True,
                     help="Modularity resolution: above 1 gives more, smaller segments."),
        click.option("--runs", type=click.IntRange(min=1), default=10, show_default=True,
                     help="Runs (seeds seed, seed+1, ...) of the consensus."),
        click.option("--seed", type=click.IntRange(min=0), default=0, show_default=True,
                     help="First random seed."),
        click.option("--min-proximity", type=click.FloatRange(min=0),
                     default=DEFAULT_MIN_PROXIMITY, show_default=True,
                     help="Without stored PROXIMITY: pairs with phi >= this (plus the "
                          "backbone) make the network."),
        click.option("--definitions", type=click.Path(path_type=Path),
                     help="Use these segments instead (CSV: activity, cluster[, label]); "
                          "stored with method 'given'."),
        click.option("--label-size", type=click.IntRange(min=1), default=3, show_default=True,
                     help="Most central activities named in a label."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command("segments")
@_segment_options
@click.option("--region", help="Print this region's cluster profile (code or name).")
@click.option("--since", type=int, help="With --region: compare with this earlier year "
                                        "(share change, emerging / declining).")
@click.option("--no-write", is_flag=True, help="Do not write the segments to the graph.")
@format_option()
@output_option()
@click.pass_context
@_one_line_errors
def segments_command(ctx: click.Context, activity: str, classification: str | None,
                     year: int | None, algorithm: str, resolution: float, runs: int, seed: int,
                     min_proximity: float, definitions: Path | None, label_size: int,
                     region: str | None, since: int | None, no_write: bool, fmt: str,
                     output: Path | None) -> None:
    """Segments: communities of related activities, and a region's cluster profile.

    The relatedness network of the year (the stored PROXIMITY pairs, else proximities computed
    from the data) is split into communities by Leiden or Louvain at --resolution, made stable
    by consensus over --runs seeds (Lancichinetti & Fortunato 2012), each labelled by its
    --label-size most central activities (mean proximity to the other members). --definitions
    FILE (activity, cluster[, label]) gives the segments instead, e.g. the US Cluster Mapping
    definitions. Written as (:Product)-[:IN_SEGMENT {centrality}]->(:Segment {id, method,
    year, label, parameters}), replacing those of the same method and year.

    Without --region: the definitions (segment, label, activity, activity_name, centrality).
    With --region: one row per segment the region has value in: region, year, segment, label,
    activities (members with value), value, share (of the region's total), lq (location
    quotient), size (share of the segment's world value), stars (European Cluster Observatory:
    size, LQ >= 2, focus), specialised (members with RCA >= 1), opportunities (members not yet
    specialised with a density at least the region's median) and the best one; with --since,
    the share change and the trend (emerging, declining, growing, shrinking, new).

    \b
    Examples:
      smartspec compute segments --format csv -o segments.csv
      smartspec compute segments --region DEU --year 2017
      smartspec compute segments --region DEU --year 2017 --since 1980 --resolution 2
      smartspec compute segments --definitions clusters.csv --region DEU
    """
    with store_from(ctx) as store:
        frame = wf.segments(store, activity=activity, classification=classification, year=year,
                            algorithm=algorithm, resolution=resolution, runs=runs, seed=seed,
                            min_proximity=min_proximity, definitions=definitions,
                            label_size=label_size, region=region, since=since,
                            write=not no_write, say=say)
    emit(frame, fmt, output)


def _topic_options(command):
    options = [
        click.option("--min-members", type=click.IntRange(min=1), default=5, show_default=True,
                     help="--clusters topics: keep clusters with at least this many members."),
        click.option("--save-clusters", type=click.Path(dir_okay=False, path_type=Path),
                     help="Topic clusters: also write their memberships (organisation, "
                          "cluster, cluster_name, organisation_name) as CSV."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


@click.command("alignment")
@click.option("--priorities", type=click.Path(path_type=Path), required=True,
              help="CSV of the region's priorities: region, priority, activity.")
@click.option("--region", help="Region whose priorities and clusters are matched, code or name "
                               "(needed when the file names several).")
@click.option("--clusters", type=click.Choice(wf.CLUSTER_KINDS),
              help="The region's segments with LQ >= --min-lq [default], the cluster "
                   "organisations located in it (load clusters), or with --activity topic "
                   "the organisations located in it grouped by main topic [default there].")
@click.option("--min-lq", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Segments the region is specialised in: LQ at least this.")
@click.option("--threshold", type=click.FloatRange(min=0, max=1), default=0.5,
              show_default=True, help="A cluster serves a priority at relatedness >= this.")
@click.option("--table", type=click.Choice(wf.ALIGNMENT_TABLES),
              default="priorities", show_default=True,
              help="Best cluster per priority, best priority per cluster, or every pair.")
@click.option("--figure", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the match matrix as a heatmap (PNG or SVG by the suffix).")
@_topic_options
@_segment_options(topics=True)
@format_option()
@output_option()
@click.pass_context
@_one_line_errors
def alignment_command(ctx: click.Context, priorities: Path, region: str | None,
                      clusters: str | None, min_lq: float, threshold: float, table: str,
                      figure: Path | None, min_members: int, save_clusters: Path | None,
                      activity: str, classification: str | None,
                      year: int | None, algorithm: str, resolution: float, runs: int, seed: int,
                      min_proximity: float, definitions: Path | None, label_size: int, fmt: str,
                      output: Path | None) -> None:
    """Alignment of a region's clusters with its smart-specialisation (RIS3) priorities.

    Each priority names activities (codes of the loaded classification); each cluster is a set
    of activities: the region's segments with LQ >= --min-lq (found as compute segments finds
    them, or --definitions), or the cluster organisations located in the region with their
    SPECIALISES_IN activities. Relatedness of a cluster and a priority is the best-match
    average over the relatedness network of the year: for each activity of one, its highest
    proximity to an activity of the other (1 to itself), averaged, both ways. They match at
    --threshold or above.

    With --activity topic (collaboration data: organisations ACTIVE_IN the topics, programme
    parts, of their projects) the activities are topics, related when the same organisations
    specialise in both (Hidalgo et al. 2007 proximity over organisations). A cluster is, by
    default (--clusters topics), the organisations located in --region whose main topic (most
    projects) is one topic, kept with at least --min-members members; with --clusters
    organisations, the loaded clusters with members. Either way its profile is the topics its
    members together are specialised in (RCA >= 1 against all organisations).

    Tables: priorities (priority, best_cluster, relatedness, served: False = no cluster serves
    it), clusters (cluster, best_priority, relatedness, matched: False = matches no
    priority), matrix (every pair); the gaps come first and are listed on standard error.

    \b
    Examples:
      smartspec compute alignment --priorities ris3.csv --region DEU --year 2017
      smartspec compute alignment --priorities ris3.csv --clusters organisations --table matrix
      smartspec compute alignment --priorities ris3.csv --figure alignment.png
      smartspec compute alignment --activity topic --region ESP-BARCELONA --priorities p.csv
    """
    with store_from(ctx) as store:
        found = wf.run_alignment(
            store, priorities, region=region, clusters=clusters, min_lq=min_lq,
            threshold=threshold, min_members=min_members, save_clusters=save_clusters,
            activity=activity, classification=classification, year=year, algorithm=algorithm,
            resolution=resolution, runs=runs, seed=seed, min_proximity=min_proximity,
            definitions=definitions, label_size=label_size, say=say)
    if figure is not None:
        from ..reports.segments import alignment_heatmap  # matplotlib: only for a figure

        alignment_heatmap(found.matrix, found.names, threshold, found.title, figure)
        click.echo(f"wrote {figure}", err=True)
    emit(found.table(table), fmt, output)


# -- inter-cluster cooperation -------------------------------------------------------------------

@click.command("intercluster")
@click.option("--clusters", type=click.Choice(wf.CLUSTER_KINDS),
              help="Cluster organisations (load clusters: members, region and specialisation) "
                   "[default], the segments of --region with LQ >= --min-lq, or with "
                   "--activity topic the organisations of --region grouped by main topic "
                   "[default there].")
@click.option("--region", help="Only clusters located in this region (needed for segments "
                               "and topics).")
@click.option("--min-lq", type=click.FloatRange(min=0), default=1.0, show_default=True,
              help="Segments of the region: LQ at least this.")
@click.option("--links", type=click.IntRange(min=0), default=3, show_default=True,
              help="Activity pairs listed as what links two clusters.")
@click.option("--top", type=click.IntRange(min=0), default=0, show_default=True,
              help="Rows, highest opportunity first (0: all).")
@click.option("--figure", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the cluster network (PNG or SVG by the suffix).")
@_topic_options
@_segment_options(topics=True)
@format_option()
@output_option()
@click.pass_context
@_one_line_errors
def intercluster_command(ctx: click.Context, clusters: str | None, region: str | None,
                         min_lq: float, links: int, top: int, figure: Path | None,
                         min_members: int, save_clusters: Path | None,
                         activity: str, classification: str | None, year: int | None,
                         algorithm: str, resolution: float, runs: int, seed: int,
                         min_proximity: float, definitions: Path | None, label_size: int,
                         fmt: str, output: Path | None) -> None:
    """Inter-cluster cooperation: related clusters whose members do not yet work together.

    For every pair of clusters: relatedness (best-match average of their activities over the
    relatedness network of the year), ties (member pairs, one of each cluster, that already
    collaborate: COLLABORATES_WITH or reported partnerships), possible (member pairs there
    could be), cooperation = ties / possible, and opportunity = relatedness x (1 -
    cooperation), highest first: the cross-innovation opportunities. links: the most related
    activity pairs of the two; starters: the member pair not yet tied with the most partners in
    common (its number in brackets), with their names in starters_names.

    With --activity topic the activities are the topics (programme parts) of organisations'
    projects and the clusters, by default, the organisations of --region grouped by main topic
    (see compute alignment --help); --clusters organisations takes the loaded clusters and
    profiles them by their members' topics.

    \b
    Examples:
      smartspec compute intercluster --activity product --format csv -o pairs.csv
      smartspec compute intercluster --region DEU --figure clusters.png
      smartspec compute intercluster --clusters segments --region DEU --year 2017 --top 10
      smartspec compute intercluster --activity topic --region ESP-BARCELONA --top 10
    """
    with store_from(ctx) as store:
        found = wf.run_intercluster(
            store, clusters=clusters, region=region, min_lq=min_lq, links=links, top=top,
            min_members=min_members, save_clusters=save_clusters, activity=activity,
            classification=classification, year=year, algorithm=algorithm,
            resolution=resolution, runs=runs, seed=seed, min_proximity=min_proximity,
            definitions=definitions, label_size=label_size, say=say)
    if figure is not None:
        from ..reports.segments import cluster_network_figure  # matplotlib: only for a figure

        cluster_network_figure(found.pairs, found.names, found.title, figure)
        click.echo(f"wrote {figure}", err=True)
    emit(found.table, fmt, output)
