"""Run the examples in the docstrings of the Python API and the workflows, each in a fresh folder
(``tmp_path``) with the small trade file the API's module docstring shows (``trade_csv``)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

TRADE_CSV = (
    "region,product,year,value\n"
    "DEU,0101,2017,10\n"
    "DEU,8703,2017,30\n"
    "DEU,8802,2017,30\n"
    "DEU,3004,2017,30\n"
    "FRA,0101,2017,20\n"
    "FRA,8703,2017,40\n"
    "FRA,8802,2017,40\n"
    "ITA,0101,2017,50\n"
    "ITA,8703,2017,50\n"
    "ESP,0101,2017,90\n"
    "ESP,3004,2017,1\n"
)

MODULES = ["smartspec.api"] + sorted(
    f"smartspec.workflows.{info.name}"
    for info in pkgutil.iter_modules(importlib.import_module("smartspec.workflows").__path__)
)


def _examples() -> list[tuple[str, str]]:
    finder = doctest.DocTestFinder()
    out = []
    for name in MODULES:
        for test in finder.find(importlib.import_module(name)):
            if test.examples:
                out.append((name, test.name))
    return out


EXAMPLES = _examples()


def test_the_api_and_the_main_workflows_have_examples():
    names = {test for _, test in EXAMPLES}
    for wanted in ("smartspec.api", "smartspec.api.connect", "smartspec.api.Graph.cypher",
                   "smartspec.workflows.complexity.complexity",
                   "smartspec.workflows.relatedness.relatedness",
                   "smartspec.workflows.specialisation.specialisation",
                   "smartspec.workflows.load.load_trade",
                   "smartspec.workflows.pathways.pathways"):
        assert wanted in names


@pytest.mark.parametrize(("module", "name"), EXAMPLES, ids=[n for _, n in EXAMPLES])
def test_docstring_example(module, name, tmp_path, monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    monkeypatch.setenv("SMARTSPEC_HOME", str(tmp_path / "home"))
    trade = tmp_path / "trade.csv"
    trade.write_text(TRADE_CSV)
    (test,) = [t for t in doctest.DocTestFinder().find(importlib.import_module(module))
               if t.name == name]
    test.globs.update(tmp_path=Path(tmp_path), trade_csv=trade,
                      pd=importlib.import_module("pandas"))
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0
