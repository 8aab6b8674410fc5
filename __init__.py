"""smartspec: economic complexity, relatedness and cluster collaboration on a Neo4j graph.

From Python: ``g = smartspec.connect()`` opens the graph (Neo4j when ``NEO4J_URI`` is set, else
the embedded store) and its methods mirror the commands (:mod:`smartspec.api`). Importing
smartspec stays cheap: the API, the workflows and the algorithms load when first used. Every
error smartspec raises on bad input or a failed store operation is a :class:`SmartspecError`
(:mod:`smartspec.errors`); :class:`WorkflowError` is the workflows' own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["connect", "Graph", "SmartspecError", "WorkflowError", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .api import Graph, WorkflowError, connect
    from .errors import SmartspecError


def __getattr__(name: str) -> Any:
    # no import at the top: the repository root is this package, and pytest imports this file
    # on its own (no parent package) when it collects the tests
    if name == "SmartspecError":
        from .errors import SmartspecError

        return SmartspecError
    if name in ("connect", "Graph", "WorkflowError"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'smartspec' has no attribute {name!r}")
