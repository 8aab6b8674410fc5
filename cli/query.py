"""``smartspec query``: the Cypher query library (list, show, run) and ad-hoc Cypher."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from ..cypher import library
from ..workflows.query import list_queries, run_cypher, run_query
from ._common import emit, fail, format_option, output_option, store_from

__all__ = ["query", "parse_params"]


def parse_params(items: tuple[str, ...], *, typed: bool = False) -> dict[str, Any]:
    """``k=v`` pairs from ``--param`` options as a dict.

    With ``typed=False`` values stay text (the library converts them by the query's header);
    with ``typed=True`` (ad-hoc ``--cypher``, which has no header) a value that reads as JSON
    (``2017``, ``1.5``, ``true``, ``null``, ``["a", "b"]``) becomes that value, anything else
    stays text.
    """
    params: dict[str, Any] = {}
    for item in items:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            fail(f"--param takes NAME=VALUE, got {item!r}")
        if name in params:
            fail(f"--param {name} given twice")
        if typed:
            try:
                value = json.loads(value)
            except ValueError:
                pass
        params[name] = value
    return params


@click.group()
def query() -> None:
    """The Cypher query library: named, documented queries that run on both stores.

    \b
    Examples:
      smartspec query list
      smartspec query show region_specialisations
      smartspec query run region_specialisations --param region=DEU --param year=2017
      smartspec query run --cypher "MATCH (r:Region) RETURN count(r) AS regions"
    """


@query.command("list")
@format_option()
@output_option()
def list_(fmt: str, output: Path | None) -> None:
    """List the library's queries: name, mode, parameters and what each answers.

    \b
    Examples:
      smartspec query list
      smartspec query list --format csv --output queries.csv
    """
    frame = list_queries()
    if fmt == "table" and output is None:
        widths = [max(len(c), *(len(str(v)) for v in frame[c])) for c in frame.columns[:-1]]
        for values in [list(frame.columns), *frame.itertuples(index=False)]:
            cells = [str(v).ljust(w) for v, w in zip(values, widths, strict=False)]
            click.echo("  ".join([*cells, values[-1]]))
        return
    emit(frame, fmt, output)


@query.command()
@click.argument("name")
def show(name: str) -> None:
    """Print a query: its header (parameters, mode, columns) and its Cypher.

    \b
    Example:
      smartspec query show region_opportunities
    """
    try:
        q = library.get(name)
    except library.QueryError as exc:
        fail(str(exc))
    click.echo(q.file_text.rstrip("\n") if q.file_text else f"{q.header()}\n\n{q.text}")


@query.command()
@click.argument("name", required=False)
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A query parameter (repeatable); lists are comma-separated.",
)
@click.option("--cypher", help="Run this Cypher statement instead of a library query.")
@click.option(
    "--write",
    is_flag=True,
    help="Allow writing to the graph: write queries, and --cypher that the database plans as a "
    "write, an administration command or LOAD CSV, are refused without it.",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0),
    default=300,
    show_default=True,
    help="Stop a statement that runs longer than this many seconds (0: no limit).",
)
@format_option()
@output_option()
@click.pass_context
def run(
    ctx: click.Context,
    name: str | None,
    params: tuple[str, ...],
    cypher: str | None,
    write: bool,
    timeout: float,
    fmt: str,
    output: Path | None,
) -> None:
    """Run a library query NAME (or --cypher) on the store and print the rows.

    Parameters are checked against the query's header (smartspec query show NAME): types,
    required ones, bounds and choices. Values always reach the database as Cypher
    parameters, never inside the query text. A query that writes (mode write) runs only with
    --write; --cypher runs read-only unless --write is given, as the database itself decides
    (Neo4j plans the statement first; kglite runs it in its read-only mode). A statement stops
    after --timeout seconds; Ctrl-C cancels it (on Neo4j too) and exits with status 130.

    \b
    Examples:
      smartspec query run region_specialisations -p region=DEU -p year=2017 -p limit=5
      smartspec query run complexity_over_time -p regions=DEU,FRA --format csv -o eci.csv
      smartspec query run --cypher "MATCH (r:Region {code: \\$c}) RETURN r.name" -p c=DEU
      smartspec query run delete_orphans --write
    """
    if (name is None) == (cypher is None):
        fail("give a query NAME or --cypher TEXT (one of them); see `smartspec query list`")
    try:
        if cypher is not None:
            values = parse_params(params, typed=True)
            with store_from(ctx) as store:
                frame = run_cypher(store, cypher, values, write=write, timeout=timeout)
        else:
            q = library.get(name)
            if q.writes and not write:
                fail(f"query {name!r} writes to the graph; add --write to run it")
            values = parse_params(params)
            q.bind(values)  # parameter errors before the store is opened
            with store_from(ctx) as store:
                frame = run_query(store, name, values, write=write, timeout=timeout)
    except library.QueryError as exc:
        fail(str(exc))
    emit(frame, fmt, output)
