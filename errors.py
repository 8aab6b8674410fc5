"""The base class of the errors smartspec raises on bad input or a failed store operation.

``except smartspec.SmartspecError`` catches them all: a file that cannot be loaded
(:class:`~smartspec.loaders._io.LoaderError`), a bad parameter
(:class:`ValidationError`, defined here so that every layer can raise it), a workflow's refusal
(:class:`~smartspec.workflows.WorkflowError`), a Cypher query or its parameters
(:class:`~smartspec.cypher.library.QueryError`), a graph schema
(:class:`~smartspec.graph_models.schema.SchemaError`), the store
(:class:`~smartspec.graph_models.store.StoreError`) or the local Neo4j server
(:class:`~smartspec.graph_models.neo4j_server.Neo4jServerError`). Each is also the
``ValueError`` or ``RuntimeError`` it always was, so ``except ValueError`` keeps working.
"""

from __future__ import annotations

__all__ = ["SmartspecError", "ValidationError"]


class SmartspecError(Exception):
    """An error of smartspec: the message says what is wrong and where (file, line, column,
    parameter)."""


class ValidationError(SmartspecError, ValueError):
    """Raised when input data or a parameter does not have the expected form.

    The message always says what was expected and what was given.
    """
