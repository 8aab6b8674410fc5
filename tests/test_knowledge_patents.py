"""The patent loader: long, REGPAT and PatentsView layouts, fractional counting by hand, the
knowledge space against a hand-computed association-strength matrix, bad input, and idempotent
writes on both stores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartspec.loaders._io import LoaderError
from smartspec.loaders.patents import (
    knowledge_space,
    read_patents,
    write_knowledge_space,
    write_patents,
)

INVENTORS = """appln_id,person_id,reg_code,ctry_code,reg_share,inv_share
1,11,DE111,DE,1,0.5
1,12,FR101,FR,1,0.5
2,21,DE111,DE,1,0.333
2,22,DE111,DE,1,0.333
2,23,FR101,FR,1,0.333
3,31,FR101,FR,1,1
"""
IPC = """appln_id,prio_year,app_year,IPC
1,2010,2011,H01L  21/00
1,2010,2011,H01L  23/48
1,2010,2011,G06F   3/00
2,2010,2010,H01L  21/762
3,2011,2011,A61K  31/00
3,2011,2011,G06F  17/30
"""
# By hand (fractional): application 1 (2010) is DE111 1/2, FR101 1/2 and has two distinct
# subclasses (H01L twice, G06F): 1/4 to each pair. Application 2 (2010): shares 0.333 sum to
# 0.999 (within the tolerance) and are divided by it: DE111 2/3, FR101 1/3, all to H01L.
# Application 3 (2011): FR101 alone, A61K and G06F 1/2 each.
FRACTIONAL = [
    ["DE111", "G06F", 2010, 0.25],
    ["DE111", "H01L", 2010, 0.25 + 2 / 3],
    ["FR101", "A61K", 2011, 0.5],
    ["FR101", "G06F", 2010, 0.25],
    ["FR101", "G06F", 2011, 0.5],
    ["FR101", "H01L", 2010, 0.25 + 1 / 3],
]


def write(path, text):
    path.write_text(text)
    return path


def rows(table):
    return [[r, t, y, round(c, 6)] for r, t, y, c in table.data.values.tolist()]


def expected(values):
    return [[r, t, y, round(c, 6)] for r, t, y, c in values]


def test_regpat_fractional_counting_by_hand(tmp_path):
    t = read_patents(write(tmp_path / "inv.csv", INVENTORS), layout="regpat",
                     classes=write(tmp_path / "ipc.csv", IPC))
    assert (t.classification, t.level, t.counting, t.patents) == ("IPC", "subclass",
                                                                   "fractional", 3)
    assert rows(t) == expected(FRACTIONAL)
    # each application is one patent in total
    assert t.data.groupby("year")["count"].sum().round(9).to_dict() == {2010: 2.0, 2011: 1.0}
    whole = read_patents(tmp_path / "inv.csv", layout="regpat", classes=tmp_path / "ipc.csv",
                         counting="whole")
    assert whole.data["count"].tolist() == [1.0, 2.0, 1.0, 1.0, 1.0, 2.0]
    cls = read_patents(tmp_path / "inv.csv", layout="regpat", classes=tmp_path / "ipc.csv",
                       level="class", year=2010)
    assert rows(cls) == expected([["DE111", "G06", 2010, 0.25], ["DE111", "H01", 2010, 11 / 12],
                                  ["FR101", "G06", 2010, 0.25], ["FR101", "H01", 2010, 7 / 12]])


def test_regpat_joined_file_needs_person_id(tmp_path):
    inv = pd.read_csv(pd.io.common.StringIO(INVENTORS), dtype=str)
    ipc = pd.read_csv(pd.io.common.StringIO(IPC), dtype=str)
    joined = inv.merge(ipc, on="appln_id")
    joined.to_csv(tmp_path / "joined.csv", index=False)
    t = read_patents(tmp_path / "joined.csv", layout="regpat")
    assert rows(t) == expected(FRACTIONAL)
    joined.drop(columns="person_id").to_csv(tmp_path / "noid.csv", index=False)
    with pytest.raises(LoaderError, match=r"inventor shares \(inv_share\) of 1 application\(s\) "
                                          r"do not sum to one within 0.01, e.g. 2 \(0.666\).*"
                                          "without person_id"):
        read_patents(tmp_path / "noid.csv", layout="regpat")


def test_regpat_shares_not_summing_to_one(tmp_path):
    bad = INVENTORS.replace("3,31,FR101,FR,1,1", "3,31,FR101,FR,1,0.5\n3,32,DE111,DE,1,0.3")
    f = write(tmp_path / "inv.csv", bad)
    with pytest.raises(LoaderError, match=r"inv.csv: the inventor shares \(inv_share\) of 1 "
                                          r"application\(s\) do not sum to one within 0.01, "
                                          r"e.g. 3 \(0.8\)"):
        read_patents(f, layout="regpat", classes=write(tmp_path / "ipc.csv", IPC))
    ok = read_patents(f, layout="regpat", classes=tmp_path / "ipc.csv", tolerance=0.25)
    # within the tolerance: 0.5 / 0.8 and 0.3 / 0.8 of application 3
    got = ok.data[ok.data.year == 2011].set_index(["region", "technology"])["count"]
    assert got.round(6).to_dict() == {("DE111", "A61K"): 0.1875, ("DE111", "G06F"): 0.1875,
                                      ("FR101", "A61K"): 0.3125, ("FR101", "G06F"): 0.3125}


PATENTSVIEW = """patent_id,inventor_sequence,location,patent_date,cpc
P1,0,06037,2015-03-10,H01L21/762; G06F3/01
P1,1,06037,2015-03-10,H01L21/762; G06F3/01
P1,2,36061,2015-03-10,H01L21/762; G06F3/01
P2,0,36061,2016-01-05,G06F16/00|Y02E10/50
"""


def test_patentsview_one_file_and_a_class_file(tmp_path):
    # P1: 06037 has 2 of 3 inventors, 36061 1; two subclasses: 1/3 and 1/6 per pair.
    # P2 (2016): 36061 alone; G06F and Y02E 1/2 each.
    hand = expected([["06037", "G06F", 2015, 1 / 3], ["06037", "H01L", 2015, 1 / 3],
                     ["36061", "G06F", 2015, 1 / 6], ["36061", "G06F", 2016, 0.5],
                     ["36061", "H01L", 2015, 1 / 6], ["36061", "Y02E", 2016, 0.5]])
    t = read_patents(write(tmp_path / "pv.csv", PATENTSVIEW), layout="patentsview")
    assert t.classification == "CPC"
    assert rows(t) == hand
    write(tmp_path / "inventors.csv", "patent_id,inventor_id,location,year\nP1,a,06037,2015\n"
          "P1,b,06037,2015\nP1,c,36061,2015\nP2,d,36061,2016\n")
    write(tmp_path / "g_cpc_current.csv", "patent_id,cpc_sequence,cpc_section,cpc_subclass,"
          "cpc_group\nP1,0,H,H01L,H01L21/762\nP1,1,G,G06F,G06F3/01\nP1,2,H,H01L,H01L21/00\n"
          "P2,0,G,G06F,G06F16/00\nP2,1,Y,Y02E,Y02E10/50\n")
    t2 = read_patents(tmp_path / "inventors.csv", layout="patentsview",
                      classes=tmp_path / "g_cpc_current.csv")
    assert rows(t2) == hand
    # IPC has no section Y: the same file read as IPC is refused, naming the line
    with pytest.raises(LoaderError, match=r"column 'cpc' has 1 code\(s\) of unknown form for "
                                          r"IPC at line\(s\) 5"):
        read_patents(tmp_path / "pv.csv", layout="patentsview", classification="IPC")


def test_knowledge_space_matches_hand_computed_association(tmp_path):
    # classes A01B, B01D, C07D, H01L (A, B, C, D) on five patents of one year:
    # p1 A B C; p2 A B; p3 B C; p4 C D; p5 A (alone: adds no pair)
    lists = {"p1": "A01B;B01D;C07D", "p2": "A01B;B01D", "p3": "B01D;C07D", "p4": "C07D;H01L",
             "p5": "A01B"}
    text = "patent_id,location,year,cpc\n" + "".join(
        f"{p},r{i % 2},2020,\"{c}\"\n" for i, (p, c) in enumerate(lists.items()))
    t = read_patents(write(tmp_path / "p.csv", text), layout="patentsview")
    space = knowledge_space(t)
    # C: AB 2, AC 1, BC 2, CD 1; s = (3, 4, 4, 1); t = 2 * 6 = 12;
    # association C_ij t / (s_i s_j): AB 24/12, AC 12/12, BC 24/16, CD 12/4
    hand = pd.DataFrame(
        [[0, 2.0, 1.0, 0], [2.0, 0, 1.5, 0], [1.0, 1.5, 0, 3.0], [0, 0, 3.0, 0]],
        index=["A01B", "B01D", "C07D", "H01L"], columns=["A01B", "B01D", "C07D", "H01L"])
    got = pd.DataFrame(0.0, index=hand.index, columns=hand.columns)
    for a, b, phi in space[["activity_a", "activity_b", "proximity"]].values:
        got.loc[a, b] = got.loc[b, a] = phi
    np.testing.assert_allclose(got.to_numpy(), hand.to_numpy())
    assert space["cooccurrences"].tolist() == [2, 1, 2, 1]
    assert (space["year"] == 2020).all()


def test_long_layout_sums_to_the_level_and_refuses_bad_codes(tmp_path):
    f = write(tmp_path / "c.csv", "region,technology,year,count\nDE1,H01L 21/00,2000,2\n"
              "DE1,H01L 23/00,2000,3.5\nDE1,G06F 3/00,2000,1\nFR1,H01L 21/00,2000,\n")
    t = read_patents(f)
    assert rows(t) == [["DE1", "G06F", 2000, 1.0], ["DE1", "H01L", 2000, 5.5]]
    assert t.missing_values == 1
    assert read_patents(f, level="section").data["count"].tolist() == [1.0, 5.5]
    mixed = write(tmp_path / "m.csv", "region,technology,count\nDE1,H01L,2\nDE1,H01,3\n")
    with pytest.raises(LoaderError, match=r"m.csv: column 'technology' mixes code levels: 1 at "
                                          r"class \(e.g. 'H01', line 3\); 1 at subclass \(e.g. "
                                          r"'H01L', line 2\)"):
        read_patents(mixed, year=2000)
    unknown = write(tmp_path / "u.csv", "region,technology,count\nDE1,H01L,2\nDE1,Z01Q,3\n")
    with pytest.raises(LoaderError, match=r"unknown form for IPC at line\(s\) 3 \(e.g. 'Z01Q'\)"):
        read_patents(unknown, year=2000)
    coarse = write(tmp_path / "k.csv", "region,technology,count\nDE1,H01,2\n")
    with pytest.raises(LoaderError, match=r"coarser level \(class\) than the chosen level "
                                          "subclass"):
        read_patents(coarse, year=2000)
    with pytest.raises(LoaderError, match="no year column 'year'"):
        read_patents(coarse, level="class")
    neg = write(tmp_path / "n.csv", "region,technology,count\nDE1,H01L,-2\n")
    with pytest.raises(LoaderError, match="negative value"):
        read_patents(neg, year=2000)


def test_write_is_idempotent_with_hierarchy_and_knowledge_space(store, tmp_path):
    t = read_patents(write(tmp_path / "inv.csv", INVENTORS), layout="regpat",
                     classes=write(tmp_path / "ipc.csv", IPC))
    space = knowledge_space(t)
    for _ in range(2):
        written = write_patents(store, t, region_level="nuts3")
        write_knowledge_space(store, space)
    assert written == {"regions": 2, "technologies": 3, "hierarchy_nodes": 9, "part_of": 6,
                       "patents": 6}
    counts = store.counts().set_index("name")["count"].to_dict()
    assert counts == {"Region": 2, "Technology": 9, "PART_OF": 6, "PATENTS": 6, "PROXIMITY": 2}
    back = store.run("MATCH (r:Region)-[p:PATENTS]->(t:Technology) RETURN r.code AS region, "
                     "t.code AS technology, p.year AS year, p.`count` AS count "
                     "ORDER BY region, technology, year")
    assert [[a, b, int(y), round(c, 6)] for a, b, y, c in back.values.tolist()] == expected(
        FRACTIONAL)
    chain = store.run("MATCH (a:Technology {code: 'H01L'})-[:PART_OF]->(b:Technology)"
                      "-[:PART_OF]->(c:Technology) RETURN b.code AS b, b.level AS level, "
                      "c.code AS c, c.name AS name, c.classification AS cl")
    assert chain.values.tolist() == [["H01", "class", "H", "Electricity", "IPC"]]
    prox = store.run("MATCH (a:Technology)-[p:PROXIMITY]->(b:Technology) RETURN a.code AS a, "
                     "b.code AS b, p.year AS year, p.phi AS phi, p.method AS method, "
                     "p.cooccurrences AS n ORDER BY year")
    assert prox.values.tolist() == [["G06F", "H01L", 2010, 2.0, "cooccurrence:association", 1.0],
                                    ["A61K", "G06F", 2011, 2.0, "cooccurrence:association", 1.0]]


def test_classification_clash_is_refused(embedded_store, tmp_path):
    f = write(tmp_path / "c.csv", "region,technology,year,count\nDE1,H01L,2000,2\n")
    write_patents(embedded_store, read_patents(f))
    cpc = read_patents(f, classification="CPC")
    with pytest.raises(LoaderError, match="technology code H is already in the graph as IPC, "
                                          "and this file is CPC; load it with --code-prefix CPC:"):
        write_patents(embedded_store, cpc)
    ok = read_patents(f, classification="CPC", code_prefix="CPC:")
    assert write_patents(embedded_store, ok)["hierarchy_nodes"] == 3
    assert embedded_store.run("MATCH (t:Technology {code: 'CPC:H01L'})-[:PART_OF]->(p) "
                              "RETURN p.code AS p")["p"].tolist() == ["CPC:H01"]
