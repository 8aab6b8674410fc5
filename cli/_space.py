"""Click options for the commands that read one activity space; the space itself is
:mod:`smartspec.workflows.space` (re-exported here for the commands that import it from cli)."""

from __future__ import annotations

import click

from ..workflows.space import Space, activity_label, load_space, load_spaces, resolve_region

__all__ = [
    "ACTIVITY_CHOICE",
    "Space",
    "load_space",
    "load_spaces",
    "activity_label",
    "classification_option",
    "resolve_region",
]

ACTIVITY_CHOICE = click.Choice(["product", "technology", "industry"])


def classification_option():
    return click.option(
        "--classification",
        help="Which classification to use when the store holds several (e.g. HS92, SITC2); "
        "default: the one of --year, else of the latest year.",
    )
