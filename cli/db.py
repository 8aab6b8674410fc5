"""``smartspec db``: the local Neo4j server and store statistics."""

from __future__ import annotations

from pathlib import Path

import click

from ..graph_models import neo4j_server
from ._common import emit, fail, format_option, output_option, store_from

__all__ = ["db"]


@click.group()
def db() -> None:
    """Manage the local Neo4j server and inspect the store.

    \b
    Examples:
      smartspec db start --port 7687
      smartspec db status
      smartspec db stats --format csv
      smartspec db stop
    """


_home = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Server data folder (default $SMARTSPEC_HOME/neo4j).",
)


@db.command()
@click.option("--port", type=int, default=7687, show_default=True, help="Bolt port on 127.0.0.1.")
@_home
@click.option("--timeout", type=float, default=180, show_default=True, help="Seconds to wait.")
def start(port: int, home: Path | None, timeout: float) -> None:
    """Start embedded Neo4j 5.26 (built with Maven on first use) and print its URI.

    The server listens on 127.0.0.1 only, with authentication on: user neo4j, with a password
    generated at the first start and kept in <home>/password (mode 0600). smartspec reads it
    when NEO4J_URI names this server and NEO4J_PASSWORD is unset; to change it, write another
    (8 characters or more) into that file and restart. LOAD CSV reads files under <home>/import
    only. Needs Java 17+ and Maven; users with Docker can run `docker compose up -d` instead.
    """
    try:
        info = neo4j_server.start(port=port, home=home, timeout=timeout)
    except neo4j_server.Neo4jServerError as exc:
        fail(str(exc))
    _describe(info)


def _describe(info: neo4j_server.ServerInfo) -> None:
    """Where the server runs, and how to reach it (user, password file, import folder)."""
    click.echo(f"Neo4j is running at {info.uri} (pid {info.pid}, data in {info.home})")
    click.echo(
        f"user neo4j, password in {neo4j_server.password_file(info.home)} (readable by you "
        "only); LOAD CSV reads files under "
        f"{info.home / neo4j_server.IMPORT_DIR} only"
    )
    if info.home == neo4j_server.default_home():
        click.echo(f"use it with: export NEO4J_URI={info.uri}  (smartspec reads the password "
                   "file itself; other clients need it)")
    else:
        click.echo(f"use it with: export NEO4J_URI={info.uri} "
                   f"NEO4J_PASSWORD=$(cat {neo4j_server.password_file(info.home)})")


@db.command()
@_home
def stop(home: Path | None) -> None:
    """Stop the local Neo4j server."""
    if neo4j_server.stop(home=home):
        click.echo("Neo4j stopped")
    else:
        click.echo("Neo4j was not running")


@db.command()
@_home
def status(home: Path | None) -> None:
    """Say whether the local Neo4j server runs (exit status 1 when it does not)."""
    info = neo4j_server.status(home=home)
    if info is None:
        click.echo("Neo4j is not running")
        raise SystemExit(1)
    _describe(info)


@db.command()
@format_option()
@output_option()
@click.pass_context
def stats(ctx: click.Context, fmt: str, output: Path | None) -> None:
    """Node counts by label and relationship counts by type (rows kind,name,count)."""
    with store_from(ctx) as store:
        counts = store.counts()
    emit(counts, fmt, output)
