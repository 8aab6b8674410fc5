"""With SOURCE_DATE_EPOCH set (reproducible builds) every SVG figure smartspec writes is the same
bytes in every run: the `compute alignment` / `compute intercluster` figures
(:mod:`smartspec.reports.segments`) and the `compute collaboration --figures` ones
(:func:`smartspec.cli.collaboration.draw_figures`), as the report's
(:func:`smartspec.reports.figures.save`)."""

from __future__ import annotations

import pandas as pd
import pytest

from smartspec.cli.collaboration import draw_figures
from smartspec.reports import segments


def _alignment(path):
    matrix = pd.DataFrame({"cluster": ["C1", "C1", "C2", "C2"],
                           "priority": ["P1", "P2", "P1", "P2"],
                           "relatedness": [0.9, 0.1, 0.2, 0.7]})
    names = pd.Series({"C1": "Food cluster", "C2": "Steel cluster"})
    segments.alignment_heatmap(matrix, names, 0.5, "Alignment", path)


def _network(path):
    table = pd.DataFrame({"cluster_a": ["C1", "C1", "C2"], "cluster_b": ["C2", "C3", "C3"],
                          "relatedness": [0.9, 0.4, 0.6], "ties": [0, 2, 1]})
    names = pd.Series({"C1": "Food cluster", "C2": "Steel cluster", "C3": "Paper cluster"})
    segments.cluster_network_figure(table, names, "Clusters", path)


def _collaboration(folder):
    summary = pd.DataFrame({"actor_set": ["DEU", "DEU", "C1", "C1"],
                            "year": [2015, 2016, 2015, 2016],
                            "local_share": [0.2, 0.3, 0.5, 0.4],
                            "international_share": [0.5, 0.4, 0.1, 0.3]})
    member_ties = pd.DataFrame({"actor_set": ["C1"] * 4,
                                "actor": ["a", "a", "b", "a"],
                                "partner": ["b", "p", "r", "r"],
                                "internal": [True, False, False, False],
                                "kind": ["local", "international", "national", "national"],
                                "projects": [2, 1, 3, 1]})
    result = {"summary": summary, "member_ties": member_ties}
    return sorted(p.name for p in draw_figures(result, pd.DataFrame(), folder))


@pytest.mark.parametrize("draw", [_alignment, _network])
def test_segment_figures_are_byte_identical(draw, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first, second = tmp_path / "a" / "fig.svg", tmp_path / "b" / "fig.svg"
    draw(first)
    draw(second)
    text = first.read_text()
    assert text.startswith("<?xml") and "<clipPath" in text and "2023-11-14" in text
    assert first.read_bytes() == second.read_bytes()


def test_collaboration_figures_are_byte_identical(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    names = _collaboration(tmp_path / "a")
    assert names == ["ego_network_C1.png", "ego_network_C1.svg", "shares_over_time.png",
                     "shares_over_time.svg"]
    assert _collaboration(tmp_path / "b") == names
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
