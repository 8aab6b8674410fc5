"""smartspec: economic complexity, relatedness and cluster collaboration on a Neo4j graph.

From Python: ``g = smartspec.connect()`` opens the graph (Neo4j when ``NEO4J_URI`` is set, else
the embedded store) and its methods mirror the commands (:mod:`smartspec.api`). Importing
smartspec stays cheap: the API, the workflows and the algorithms load when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["connect", "Graph", "WorkflowError", "__version__"]

if TYPE_CHECKING:  # pragma: no cover
    from .api import Graph, WorkflowError, connect


def __getattr__(name: str) -> Any:
    if name in ("connect", "Graph", "WorkflowError"):
        from . import api

        return getattr(api, name)
    raise AttributeError(f"module 'smartspec' has no attribute {name!r}")
