"""Issue 17: the segment section of ``smartspec report --region`` (cli/_segment_section.py).

A hand-made space with two groups of related products (planted segments), names for the
products, and priorities one of which no segment of the region serves.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from smartspec.cli._space import Space
from smartspec.cli.main import main
from smartspec.reports.segments import segment_section
from smartspec.workflows.report import ReportNames

COUNTRIES = ["DEU", "FRA", "ITA", "ESP", "NLD", "BEL", "AUT", "POL", "SWE", "DNK"]
NAMES = {"1001": "Wheat", "1002": "Barley", "1003": "Oats", "2001": "Steel bars",
         "2002": "Steel wire", "2003": "Steel tubes", "3001": "Tin ore", "4001": "Paper"}


def _data() -> pd.DataFrame:
    """1001-1003 made by DEU, FRA, ITA, ESP (DEU twice as much of 1001), 2001-2003 by four
    others, 3001 and 4001 by one country each."""
    rows = []
    for i, country in enumerate(COUNTRIES[:8]):
        group = "100" if i < 4 else "200"
        rows += [(country, f"{group}{k}", 200.0 if (country, k) == ("DEU", 1) else 100.0)
                 for k in (1, 2, 3)]
    rows += [("SWE", "3001", 100.0), ("DNK", "4001", 100.0), ("DEU", "2001", 10.0)]
    return pd.DataFrame(rows, columns=["region", "activity", "value"]).assign(year=2017)


class _Doc:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.figures: list[tuple[str, str]] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def figure(self, fig, name: str, caption: str) -> None:
        assert fig.axes and fig.axes[0].patches  # bars drawn
        self.figures.append((name, caption))


def _cells(text: str) -> list[list[str]]:
    rows = re.findall(r"<tr>(.*?)</tr>", text)
    return [re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", r) for r in rows]


def test_segment_section_profile_and_alignment_by_hand():
    space = Space(_data(), "Product", "HS12", [2017], {2017: ["HS12"]},
                  activity_names=pd.Series(NAMES, dtype=object))
    names = ReportNames(regions={"DEU": "Germany"}, activities=NAMES, short=NAMES)
    doc = _Doc()
    priorities = pd.DataFrame({"priority": ["Agri-food", "Agri-food", "Mining"],
                               "activity": ["1001", "1002", "3001"]})
    out = segment_section(doc, [space], "DEU", {"HS12": 2017}, names, priorities=priorities,
                          runs=3)
    text = "\n".join(doc.parts)
    assert "<h2>Segments: clusters of related activities</h2>" in text
    assert "HS12 2017: 4 segments" in text
    profile = out["HS12"]
    # DEU: 400 in the grain segment, 10 in steel; world: 1300 grain, 1210 steel of 2710
    by = profile.set_index("segment")
    assert by["share"].sum() == pytest.approx(1.0)
    assert by.loc[0, "share"] == pytest.approx(400 / 410)
    assert by.loc[0, "lq"] == pytest.approx((400 / 410) / (1300 / 2710))
    assert by.loc[1, "lq"] == pytest.approx((10 / 410) / (1210 / 2710))
    table = _cells(doc.parts[2])
    assert table[0][:3] == ["segment", "label", "activities"]
    # labels are product names (the most central first: 1001-1003 all 1.0, by code)
    assert table[1][1] == "Wheat; Barley; Oats"
    assert table[2][1] == "Steel bars; Steel wire; Steel tubes"
    # DEU is not specialised in steel (RCA of 2001: 0.05): its candidates there tie on
    # density, the first by code is the best opportunity, named
    steel = dict(zip(table[0], table[2], strict=True))
    assert (steel["best_opportunity"], steel["best_opportunity_name"]) == ("2001", "Steel bars")
    assert doc.figures and doc.figures[0][0] == "HS12_2017_segments"
    # alignment: grain serves Agri-food; Mining (an unrelated product) is served by no segment
    assert "priorities no segment serves: Mining" in text
    rows = _cells(doc.parts[-1].split("</p>", 1)[1])
    assert rows[0] == ["priority", "best_segment", "segment_label", "relatedness", "served"]
    assert rows[1][:3] == ["Mining", "0", "Wheat; Barley; Oats"] and rows[1][4] == "False"
    assert rows[2][:3] == ["Agri-food", "0", "Wheat; Barley; Oats"] and rows[2][4] == "True"


def test_report_has_the_segment_section(env_home, capsys, tmp_path, synthetic_trade):
    path = tmp_path / "t.csv"
    synthetic_trade.rename(columns={"activity": "product"}).to_csv(path, index=False)
    with pytest.raises(SystemExit) as info:
        main(["load", "trade", str(path)])
    assert info.value.code == 0, capsys.readouterr().err
    ris3 = tmp_path / "ris3.csv"
    ris3.write_text("region,priority,activity\nDEU,Machinery,8401\nDEU,Machinery,8402\n"
                    "FRA,Textiles,6101\n")
    with pytest.raises(SystemExit) as info:
        main(["report", "--region", "DEU", "--output", str(tmp_path / "rep"), "--priorities",
              str(ris3)])
    assert info.value.code == 0, capsys.readouterr().err
    page = (tmp_path / "rep" / "smartspec_report_DEU.html").read_text()
    # the priorities of DEU (not FRA's) against its specialised segments
    align = page.split("Priorities and ", 1)[1]
    rows = _cells(align[:align.index("</table>") + 8])
    assert rows[0] == ["priority", "best_segment", "segment_label", "relatedness", "served"]
    assert [r[0] for r in rows[1:]] == ["Machinery"]
    section = page[page.index("<h2>Segments: clusters of related activities</h2>"):]
    assert "smartspec compute segments --region DEU --year 2010" in section
    assert "and the trend since 2000" in section  # two years: the change is shown
    head = _cells(section[:section.index("</table>") + 8])[0]
    assert head[:3] == ["segment", "label", "activities"] and head[-1] == "trend"
    assert 'alt="The region&#x27;s share of its total in each segment' in section
    # the section comes before the time comparison
    assert page.index("Segments: clusters") < page.index("Complexity and diversification")


def test_segment_section_priorities_file_of_another_region(tmp_path):
    space = Space(_data(), "Product", "HS12", [2017], {2017: ["HS12"]},
                  activity_names=pd.Series(NAMES, dtype=object))
    names = ReportNames(regions={"DEU": "Germany"}, activities=NAMES, short=NAMES)
    path = tmp_path / "ris3.csv"
    path.write_text("region,priority,activity\nFRA,Grain,1001\n")
    doc = _Doc()
    segment_section(doc, [space], "DEU", {"HS12": 2017}, names, priorities=path, runs=3)
    note = doc.parts[-1]
    assert "No alignment with the priorities in HS12" in note and "no priorities of region" in note
    assert "Priorities and" not in "\n".join(doc.parts)
