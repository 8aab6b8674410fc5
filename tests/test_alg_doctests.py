"""Run the hand-checkable examples in every docstring of the library (not the CLI)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

PACKAGES = ["algorithms", "loaders", "graph_models", "cypher"]
MODULES = sorted(
    f"smartspec.{package}.{info.name}"
    for package in PACKAGES
    for info in pkgutil.iter_modules(importlib.import_module(f"smartspec.{package}").__path__)
)


def test_every_measure_module_is_collected():
    for name in ("specialisation", "complexity", "relatedness", "projection", "collaboration",
                 "opportunities", "diversification"):
        assert f"smartspec.algorithms.{name}" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, extraglobs={"pd": importlib.import_module("pandas"),
                                                 "np": importlib.import_module("numpy")},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
