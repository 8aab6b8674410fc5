"""Workflows: read from a store, compute with :mod:`smartspec.algorithms`, write results back.

The layer between the pure algorithms and the user-facing surfaces: the Python API
(:func:`smartspec.connect`) and the command line (:mod:`smartspec.cli`) both call these
functions, so a click command holds option parsing, one workflow call and output only.
"""

from ._base import WorkflowError

__all__ = ["WorkflowError"]
