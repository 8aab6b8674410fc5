"""What every smartspec command shares: store choice, output formats, progress and errors."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from ..graph_models.store import STORE_KINDS, Store, open_store
from ..workflows._base import progress_bar

__all__ = [
    "FORMATS",
    "format_option",
    "sep_option",
    "output_option",
    "emit",
    "store_from",
    "progress_bar",
    "fail",
    "say",
]

FORMATS = ("table", "csv", "json")


def format_option(default: str = "table"):
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default=default,
        show_default=True,
        help="Output format.",
    )


def output_option():
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, writable=True, path_type=Path),
        help="Write the result to this file instead of standard output.",
    )


def sep_option():
    """``--sep``: the input file's separator (``, ; |`` or ``tab``); sniffed when not given."""
    from ..loaders._io import LoaderError, parse_sep

    def convert(ctx, param, value):
        try:
            return parse_sep(value)
        except LoaderError as exc:
            raise click.BadParameter(str(exc)) from None

    return click.option(
        "--sep",
        callback=convert,
        help="Separator of FILE: ',', ';', '|' or 'tab' (default: sniffed from the header).",
    )


def render(frame: pd.DataFrame, fmt: str) -> str:
    """A table as text in one of :data:`FORMATS`."""
    if fmt == "csv":
        return frame.to_csv(index=False)
    if fmt == "json":
        return json.dumps(json.loads(frame.to_json(orient="records")), indent=2) + "\n"
    if frame.empty:
        return "(no rows)\n"
    with pd.option_context("display.max_rows", 200, "display.width", 160):
        return frame.to_string(index=False) + "\n"


def emit(frame: pd.DataFrame, fmt: str, output: Path | None) -> None:
    """Print ``frame`` or write it to ``output`` (then say where on standard error)."""
    text = render(frame, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
        click.echo(f"wrote {len(frame):,} rows to {output}", err=True)


def store_from(ctx: click.Context) -> Store:
    """Open the store chosen by ``--store`` or the environment (see ``smartspec --help``)."""
    kind = (ctx.find_root().obj or {}).get("store")
    return open_store(kind)


def say(line: str) -> None:
    """A workflow's news, on standard error (the ``say`` every command passes)."""
    click.echo(line, err=True)


def fail(message: str) -> None:
    """Stop the command with a one-line error (exit status 1)."""
    raise click.ClickException(message)


STORE_CHOICE = click.Choice(STORE_KINDS)
