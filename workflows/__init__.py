"""Workflows: read from a store, compute with :mod:`smartspec.algorithms`, write results back.

The layer between the pure algorithms and the user-facing surfaces: the Python API
(:func:`smartspec.connect`) and the command line (:mod:`smartspec.cli`) both call these
functions, so a click command holds option parsing, one workflow call and output only.

Every workflow takes a store and plain arguments (named as the command's options) and returns a
DataFrame, the table the command prints, with the conventions that made it in
``DataFrame.attrs``. A workflow never prints: it reports through ``say`` (the command line passes
standard error) and raises :class:`WorkflowError` for a request the data cannot answer, which the
command line prints as ``Error: <message>``.

Modules: :mod:`~smartspec.workflows.load` (every ``load`` command),
:mod:`~smartspec.workflows.specialisation`, :mod:`~smartspec.workflows.complexity`,
:mod:`~smartspec.workflows.relatedness` (with :mod:`~smartspec.workflows.engine`, the data and
engine they share), :mod:`~smartspec.workflows.knowledge` (cluster mapping),
:mod:`~smartspec.workflows.collaboration`, :mod:`~smartspec.workflows.pathways`,
:mod:`~smartspec.workflows.query` (the Cypher library), :mod:`~smartspec.workflows.space` (one
classification's activity space and the checks of what a user typed),
:mod:`~smartspec.workflows.tables` (names next to codes, rankings) and
:mod:`~smartspec.workflows.demo`.
"""

from ._base import WorkflowError

__all__ = ["WorkflowError"]
