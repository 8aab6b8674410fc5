"""What every workflow shares: its error, how it reports progress and what it did.

A workflow never prints: it takes ``say``, a function called with each line worth telling a
person (what was written, what a filter left out), which the command line points at standard
error and the Python API leaves silent; and it shows a progress bar only when standard error is
a terminal.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

from ..errors import SmartspecError

__all__ = ["WorkflowError", "Say", "progress_bar", "silent", "ACTIVITIES", "activity_label"]

#: A function a workflow calls with one line of news (no newline).
Say = Callable[[str], None]

#: The activities a region can have, as the ``activity`` argument names them.
ACTIVITIES = ("product", "technology", "industry")


class WorkflowError(SmartspecError, ValueError):
    """A request the data cannot answer (no data loaded, an unknown region, ...): the message
    is one line for a person, and the command line prints it as ``Error: <message>``."""


def silent(line: str) -> None:
    """The ``say`` that tells nothing."""


def activity_label(activity: str) -> str:
    """The node label of an activity: ``product`` -> ``Product`` (a label is kept as it is).

    >>> activity_label("technology"), activity_label("Product")
    ('Technology', 'Product')
    """
    return activity.capitalize()


@contextlib.contextmanager
def progress_bar(desc: str, total: int | None = None, unit: str = "rows") -> Iterator[Callable]:
    """A tqdm bar on standard error when it is a terminal; yields ``advance(n)``."""
    from tqdm import tqdm

    bar = tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=True,
        disable=not sys.stderr.isatty(),
        leave=False,
        file=sys.stderr,
    )
    try:
        yield bar.update
    finally:
        bar.close()
