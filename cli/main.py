"""The ``smartspec`` command: one group per job (db, load, compute, recommend, query, ...)."""

from __future__ import annotations

import logging
import sys

import click

from .. import __version__
from ..workflows import WorkflowError
from ._common import STORE_CHOICE
from .collaboration import compute_collaboration, load_clusters, load_collaborations
from .compute import compute
from .db import db
from .demo import demo
from .knowledge import clusters as compute_clusters
from .knowledge import load_employment, load_patents
from .load import load
from .model import model
from .partners import backtest as recommend_backtest
from .partners import partners as recommend_partners
from .pathways import pathways
from .query import query
from .recommend import recommend
from .report import report
from .segments import alignment_command, intercluster_command, segments_command

__all__ = ["cli", "main"]

EPILOG = """\b
Store: --store, else Neo4j when NEO4J_URI is set (with NEO4J_USER, NEO4J_PASSWORD,
NEO4J_DATABASE), else the embedded kglite store in $SMARTSPEC_HOME (default ./.smartspec).
\b
Examples:
  smartspec demo
  smartspec db start && export NEO4J_URI=bolt://127.0.0.1:7687
  smartspec load trade world_trade_2017.csv.gz --year 2017 --classification HS12
  smartspec compute specialisation --output rca.csv --format csv
"""


class _Group(click.Group):
    """The root group: a workflow's :class:`~smartspec.workflows.WorkflowError` becomes a
    one-line click error (``Error: <message>``, exit status 1) in every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WorkflowError as exc:
            raise click.ClickException(str(exc)) from exc


@click.group(cls=_Group, epilog=EPILOG, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--store", type=STORE_CHOICE, help="Which store to use (overrides NEO4J_URI).")
@click.option(
    "--debug",
    is_flag=True,
    help="Show the full traceback of an error, and the Neo4j warnings (e.g. retried transactions).",
)
@click.version_option(__version__, prog_name="smartspec")
@click.pass_context
def cli(ctx: click.Context, store: str | None, debug: bool) -> None:
    """smartspec: economic complexity, relatedness and collaboration analysis on a graph."""
    ctx.ensure_object(dict)
    ctx.obj.update(store=store, debug=debug)
    if not debug:
        # the driver and the Neo4j store log each retried transaction (e.g. a deadlock between
        # parallel writers, then retried successfully) as a warning; errors still surface.
        # The driver also logs a lost connection as an error ("Failed to read from defunct
        # connection") before raising it: the raised error is reported, once, on one line
        logging.getLogger("smartspec.graph_models.neo4j_store").setLevel(logging.ERROR)
        logging.getLogger("neo4j").setLevel(logging.CRITICAL)


for command in (load_patents, load_employment, load_collaborations, load_clusters):
    load.add_command(command)
for command in (compute_clusters, compute_collaboration, segments_command, alignment_command,
                intercluster_command):
    compute.add_command(command)
for command in (recommend_partners, recommend_backtest):
    recommend.add_command(command)
for command in (db, load, compute, recommend, pathways, report, model, query, demo):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: runs the CLI, turning expected errors into one line and a non-zero exit."""
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=argv, prog_name="smartspec", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except Exception as exc:  # one clear line unless --debug
        if debug:
            raise
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        click.echo(f"Error: {message}", err=True)
        sys.exit(1)
    sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()
