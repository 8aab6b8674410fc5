"""Code hierarchies (IPC / CPC, NAICS, NACE) and the doctests of the issue-7 modules."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

from smartspec.algorithms import clusters
from smartspec.loaders import codes
from smartspec.loaders._io import LoaderError


@pytest.mark.parametrize("module", [codes, clusters])
def test_doctests(module):
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_technology_codes_at_every_level():
    parsed = codes.parse_codes(
        pd.Series(["H01L 21/762", "H01L21/00", "A61K  31/00", "G06F", "B01", "C", "Y02E10/50"]),
        "CPC")
    assert parsed.loc["H01L 21/762", ["section", "class", "subclass", "group"]].tolist() == [
        "H", "H01", "H01L", "H01L 21/00"]
    assert parsed.loc["H01L21/00", "group"] == "H01L 21/00"
    assert parsed.loc["A61K  31/00", "group"] == "A61K 31/00"
    assert parsed["depth"].tolist() == [3, 3, 3, 2, 1, 0, 3]
    # IPC has no section Y
    assert codes.parse_codes(pd.Series(["Y02E"]), "IPC")["depth"].tolist() == [-1]


def test_naics_and_nace_codes():
    naics = codes.parse_codes(pd.Series(["31----", "3254//", "325412", "44", "48-49", "10"]),
                              "NAICS")
    assert naics["sector"].fillna("?").tolist() == ["31-33", "31-33", "31-33", "44-45",
                                                    "48-49", "?"]
    assert naics.loc["325412", "industry"] == "32541"
    assert naics["depth"].tolist() == [0, 2, 4, 0, 0, -1]
    nace = codes.parse_codes(pd.Series(["C1011", "10.11", "C10", "10.1", "G", "C46", "04"]),
                             "NACE")
    assert nace.loc["C1011", ["section", "division", "group", "class"]].tolist() == [
        "C", "10", "10.1", "10.11"]
    assert nace.loc["10.1", "section"] == "C"
    # C46: division 46 is in section G; division 04 does not exist
    assert nace["depth"].tolist() == [3, 3, 1, 2, 0, -1, -1]


def test_hierarchy_nodes_and_links():
    nodes, links = codes.hierarchy(["H01L", "H01S", "G06F"], "IPC", prefix="")
    assert nodes["code"].tolist() == ["G", "H", "G06", "H01", "G06F", "H01L", "H01S"]
    assert nodes.set_index("code").loc["H", "name"] == "Electricity"
    assert sorted(map(tuple, links.values.tolist())) == [
        ("G06", "G"), ("G06F", "G06"), ("H01", "H"), ("H01L", "H01"), ("H01S", "H01")]
    nodes, links = codes.hierarchy(["3113"], "NAICS", prefix="US:")
    assert links.values.tolist() == [["US:311", "US:31-33"], ["US:3113", "US:311"]]
    assert nodes["level"].tolist() == ["sector", "subsector", "industry_group"]


def test_normalise_errors_name_lines():
    s = pd.Series(["H01L", "H01", "X9"])
    with pytest.raises(LoaderError, match=r"f.csv: column 'c' has 1 code\(s\) of unknown form "
                                          r"for IPC at line\(s\) 4 \(e.g. 'X9'\)"):
        codes.normalise(s, "IPC", "subclass", path="f.csv", column="c")
    with pytest.raises(LoaderError, match=r"mixes code levels: 1 at class \(e.g. 'H01', line 3\)"
                                          r"; 1 at subclass"):
        codes.normalise(s[:2], "IPC", "class", path="f.csv", column="c", single_level=True)
    with pytest.raises(LoaderError, match=r"coarser level \(class\) than the chosen level "
                                          r"subclass at line\(s\) 3"):
        codes.normalise(s[:2], "IPC", "subclass", path="f.csv", column="c")
    with pytest.raises(LoaderError, match="unknown NAICS level '7'"):
        codes.normalise(pd.Series(["3113"]), "NAICS", "7", path="f", column="c")
    out, level = codes.normalise(pd.Series(["311313", "3114"]), "NAICS", "4", path="f",
                                 column="c")
    assert (out.tolist(), level) == (["3113", "3114"], "industry_group")
