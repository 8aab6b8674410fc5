"""Run the hand-checkable examples in every algorithms docstring."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["panel", "_validation", "specialisation", "complexity", "relatedness", "projection",
           "pipeline"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"smartspec.algorithms.{name}")
    result = doctest.testmod(module, extraglobs={"pd": importlib.import_module("pandas"),
                                                 "np": importlib.import_module("numpy")},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
