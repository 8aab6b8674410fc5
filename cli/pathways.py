"""``smartspec pathways``: how a region could reach an activity through the proximity network."""

from __future__ import annotations

from pathlib import Path

import click

from ..workflows.pathways import find_pathways
from ._common import emit, format_option, output_option, render, store_from
from ._space import ACTIVITY_CHOICE, classification_option

__all__ = ["pathways"]


@click.command()
@click.option("--region", required=True,
              help="Region code (e.g. GBR; UK and EL work) or name (e.g. United Kingdom).")
@click.option("--target", required=True, help="Target activity code (e.g. 8802).")
@click.option("--year", type=int, help="Period [the latest of the classification].")
@click.option("--k", "k", type=int, default=3, show_default=True, help="Shortest paths to list.")
@click.option("--top", type=int, default=10, show_default=True,
              help="Related specialisations to list.")
@click.option("--min-proximity", type=float, default=0.0, show_default=True,
              help="Use only links with phi >= this (e.g. 0.3; the backbone uses 0.55).")
@click.option("--activity", type=ACTIVITY_CHOICE, default="product", show_default=True,
              help="Which activities: products (EXPORTS), technologies, industries.")
@classification_option()
@click.option("--table", type=click.Choice(["both", "related", "paths"]), default="both",
              show_default=True, help="Which table to print (csv/json print one: paths).")
@format_option()
@output_option()
@click.pass_context
def pathways(
    ctx: click.Context,
    region: str,
    target: str,
    year: int | None,
    k: int,
    top: int,
    min_proximity: float,
    activity: str,
    classification: str | None,
    table: str,
    fmt: str,
    output: Path | None,
) -> None:
    """How a region could reach a target activity from what it already does.

    Lists the region's specialisations (RCA >= 1) most related to the target (by proximity
    phi), and the k shortest paths from any specialisation to the target through the proximity
    network, each link weighted by the distance 1 - phi (Yen's k shortest simple paths).
    Intermediate steps the region is not yet specialised in are stepping stones. Activities
    are shown with their names (activity_name; the route as "code name -> code name") where
    their nodes have one.

    \b
    Examples:
      smartspec pathways --region GBR --target 8802
      smartspec pathways --region DEU --target 8541 --k 5 --min-proximity 0.3
      smartspec pathways --region KOR --target 8471 --year 1980 --table paths --format csv
    """
    with store_from(ctx) as store:
        found = find_pathways(store, region, target, year=year, k=k, top=top,
                              min_proximity=min_proximity, activity=activity,
                              classification=classification)
    space, code, goal, year, spec = (found.space, found.region, found.target, found.year,
                                     found.specialisations)
    related, paths, label = found.related, found.paths, space.label
    if fmt != "table" or table != "both":
        emit(related if table == "related" else paths, fmt, output)
        return
    target_name = space.activity_name(goal)
    target = f"{goal} ({target_name})" if target_name else goal
    text = [f"{space.named(code)} {year}, {space.classification or label}: {len(spec)} "
            f"specialisations; target {target}\n",
            f"\nSpecialisations of {code} most related to {goal} (phi):\n",
            render(related, "table"),
            f"\n{k} shortest paths to {goal} (distance 1 - phi"
            + (f", links with phi >= {min_proximity}" if min_proximity > 0 else "") + "):\n"]
    if paths.empty:
        text.append("(no path: the target is not reachable with these links)\n")
    else:
        steps = paths["activity"].where(paths["activity_name"] == "",
                                        paths["activity"] + " " + paths["activity_name"])
        routes = paths.assign(step_text=steps).groupby("path").agg(
            length=("length", "first"), hops=("hops", "first"),
            route=("step_text", " -> ".join),
            stepping_stones=("specialised", lambda s: int((~s.astype(bool)).sum()) - 1))
        text.append(render(routes.reset_index(), "table"))
        text.append("\nSteps:\n")
        text.append(render(paths, "table"))
    out = "".join(text)
    if output is None:
        click.echo(out, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(out)
        click.echo(f"wrote pathways to {output}", err=True)

