"""The employment loader: long, County Business Patterns and Eurostat SBS layouts, the CBP
suppression rule, bad input, and idempotent writes on both stores."""

from __future__ import annotations

import pytest

from smartspec.loaders._io import LoaderError
from smartspec.loaders.employment import detect_layout, read_employment, write_employment


def write(path, text):
    path.write_text(text)
    return path


CBP_2017 = """fipstate,fipscty,naics,emp_nf,emp,qp1_nf,qp1,ap_nf,ap,est
01,001,------,G,10000,G,1,G,1,100
01,001,31----,G,3000,G,1,G,1,10
01,001,3113//,G,1200,G,1,G,1,3
01,001,3114//,D,0,G,1,G,1,2
01,001,4411//,G,800,G,1,G,1,4
01,003,3113//,H,50,G,1,G,1,1
01,003,5413//,G,400,G,1,G,1,5
"""
# up to 2016: empflag gives the size class of a suppressed cell (B: 20-99 -> midpoint 59.5)
CBP_2014 = """fipstate,fipscty,naics,empflag,emp_nf,emp,qp1_nf,qp1,ap_nf,ap,est
1,1,------,,G,2000,G,1,G,1,9
1,1,3113//,,G,1200,G,1,G,1,3
1,1,3114//,B,D,0,G,1,G,1,2
1,3,3114//,,D,0,G,1,G,1,2
1,3,5413//,,G,400,G,1,G,1,5
1,3,541330,,G,300,G,1,G,1,3
"""


def test_cbp_levels_regions_year_and_suppression(tmp_path):
    f = write(tmp_path / "cbp17co.txt", CBP_2017)
    assert detect_layout(CBP_2017.split("\n")[0].split(",")) == "cbp"
    t = read_employment(f)
    assert (t.layout, t.classification, t.level, t.years, t.region_level) == (
        "cbp", "NAICS", "industry_group", [2017], "county")
    assert t.data.values.tolist() == [["01001", "3113", 2017, 1200.0],
                                      ["01001", "4411", 2017, 800.0],
                                      ["01003", "3113", 2017, 50.0],
                                      ["01003", "5413", 2017, 400.0]]
    assert t.suppressed == 1  # 3114 withheld (emp_nf D) without a size class: skipped
    assert "skipped 1 suppressed cell(s) without a size class" in t.notes
    sectors = read_employment(f, level="2")
    assert sectors.data.values.tolist() == [["01001", "31-33", 2017, 3000.0]]
    g = write(tmp_path / "cbp14co.txt", CBP_2014)
    assert read_employment(g).level == "national_industry"  # default: the finest in the file
    mid = read_employment(g, level="4")
    assert mid.data.values.tolist() == [["01001", "3113", 2014, 1200.0],
                                        ["01001", "3114", 2014, 59.5],
                                        ["01003", "5413", 2014, 400.0]]
    assert (mid.suppressed, mid.estimated) == (2, 1)
    drop = read_employment(g, level="4", suppressed="drop")
    assert drop.data["jobs"].tolist() == [1200.0, 400.0]
    with pytest.raises(LoaderError, match=r"cbp14co.txt: 2 suppressed employment cell\(s\) "
                                          r"\(empflag / emp_nf\) at line\(s\) 4, 5; pass "
                                          "--suppressed midpoint or drop"):
        read_employment(g, level="4", suppressed="error")
    assert read_employment(g, level="national_industry").data.values.tolist() == [
        ["01003", "541330", 2014, 300.0]]


def test_cbp_negative_jobs_and_unknown_codes(tmp_path):
    neg = write(tmp_path / "cbp17co.txt", CBP_2017.replace("800", "-800"))
    with pytest.raises(LoaderError, match=r"column 'emp' has 1 negative value\(s\) at line\(s\) "
                                          r"6 \(e.g. '-800'\)"):
        read_employment(neg)
    bad = write(tmp_path / "cbp16co.txt", CBP_2017.replace("4411//", "4X11//"))
    with pytest.raises(LoaderError, match=r"column 'naics' has 1 code\(s\) of unknown form for "
                                          r"NAICS at line\(s\) 6 \(e.g. '4X11//'\)"):
        read_employment(bad)


SBS_TSV = (
    "nace_r2,indic_sb,geo\\time\t2018 \t2017 \n"
    "B-N_S95_X_K,V16110,DE11\t900 \t880 \n"
    "C,V16110,DE11\t500 \t490 \n"
    "C10,V16110,DE11\t120 \t: c\n"
    "C20,V16110,DE11\t380 \t370 \n"
    "C10,V16110,DE12\t60 p\t55 \n"
    "C20,V16110,DE12\t: c\t30 \n"
    "C10,V16110,DE\t5000 \t4900 \n"
    "C10,V11210,DE11\t12 \t11 \n"
    "C10,V16110,EU28\t9999 \t9999 \n"
)
SBS_CSV = """DATAFLOW,LAST UPDATE,freq,nace_r2,indic_sbs,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG
ESTAT:SBS_R_NUTS2021(1.0),01/01/24,A,C10,EMP_NR,ITC4,2021,1000,
ESTAT:SBS_R_NUTS2021(1.0),01/01/24,A,C20,EMP_NR,ITC4,2021,,c
ESTAT:SBS_R_NUTS2021(1.0),01/01/24,A,C10,EMP_NR,ITF3,2021,300,
ESTAT:SBS_R_NUTS2021(1.0),01/01/24,A,C1011,EMP_NR,ITF3,2021,100,
ESTAT:SBS_R_NUTS2021(1.0),01/01/24,A,C10,ENT_NR,ITF3,2021,30,
"""


def test_sbs_tsv_and_sdmx_csv(tmp_path):
    t = read_employment(write(tmp_path / "sbs_r_nuts06_r2.tsv", SBS_TSV))
    assert (t.layout, t.classification, t.level, t.region_level) == ("sbs", "NACE", "division",
                                                                      "nuts2")
    # V16110 only, NUTS 2 only, divisions only; ': c' cells skipped (confidential)
    assert t.data.values.tolist() == [["DE11", "10", 2018, 120.0], ["DE11", "20", 2017, 370.0],
                                      ["DE11", "20", 2018, 380.0], ["DE12", "10", 2017, 55.0],
                                      ["DE12", "10", 2018, 60.0], ["DE12", "20", 2017, 30.0]]
    assert t.suppressed == 2
    assert "skipped 2 missing cells (2 confidential)" in t.notes
    with pytest.raises(LoaderError, match="confidential or missing cell"):
        read_employment(tmp_path / "sbs_r_nuts06_r2.tsv", suppressed="error")
    units = read_employment(tmp_path / "sbs_r_nuts06_r2.tsv", indicator="V11210")
    assert units.data.values.tolist() == [["DE11", "10", 2017, 11.0], ["DE11", "10", 2018, 12.0]]
    c = read_employment(write(tmp_path / "sbs.csv", SBS_CSV), level="division")
    assert c.data.values.tolist() == [["ITC4", "10", 2021, 1000.0], ["ITF3", "10", 2021, 300.0]]
    assert read_employment(tmp_path / "sbs.csv").data.values.tolist() == [
        ["ITF3", "10.11", 2021, 100.0]]


def test_long_layout_and_bad_input(tmp_path):
    f = write(tmp_path / "jobs.csv", "region,industry,year,jobs\nAT11,10.11,2019,50\n"
              "AT11,10.12,2019,25\nAT12,C2011,2019,10\nAT12,20.12,2019,\n")
    with pytest.raises(LoaderError, match="pass --classification NACE or NAICS"):
        read_employment(f)
    t = read_employment(f, classification="nace")
    assert t.level == "class" and t.missing_values == 1
    assert t.data.values.tolist() == [["AT11", "10.11", 2019, 50.0],
                                      ["AT11", "10.12", 2019, 25.0],
                                      ["AT12", "20.11", 2019, 10.0]]
    div = read_employment(f, classification="NACE", level="division")
    assert div.data.values.tolist() == [["AT11", "10", 2019, 75.0], ["AT12", "20", 2019, 10.0]]
    neg = write(tmp_path / "neg.csv", "region,industry,year,jobs\nAT11,10.11,2019,-5\n")
    with pytest.raises(LoaderError, match=r"neg.csv: column 'jobs' has 1 negative value\(s\) at "
                                          r"line\(s\) 2 \(e.g. '-5'\)"):
        read_employment(neg, classification="NACE")
    mixed = write(tmp_path / "mixed.csv", "region,industry,year,jobs\nAT11,10.11,2019,5\n"
                  "AT11,10,2019,50\n")
    with pytest.raises(LoaderError, match=r"mixes code levels: 1 at division \(e.g. '10', line 3"
                                          r"\); 1 at class"):
        read_employment(mixed, classification="NACE")
    unknown = write(tmp_path / "u.csv", "region,industry,year,jobs\nUS06,3113,2019,5\n"
                    "US06,3499,2019,5\n")
    with pytest.raises(LoaderError, match=r"code\(s\) of unknown form for NAICS at line\(s\) 3 "
                                          r"\(e.g. '3499'\)"):
        read_employment(unknown, classification="NAICS")
    dup = write(tmp_path / "d.csv", "region,industry,year,jobs\nUS06,3113,2019,5\n"
                "US06,3113,2019,7\n")
    with pytest.raises(LoaderError, match="duplicate"):
        read_employment(dup, classification="NAICS")
    assert read_employment(dup, classification="NAICS", duplicates="sum").data[
        "jobs"].tolist() == [12.0]


def test_write_is_idempotent_with_hierarchy(store, tmp_path):
    t = read_employment(write(tmp_path / "cbp17co.txt", CBP_2017))
    for _ in range(2):
        written = write_employment(store, t)
    # 3113, 4411, 5413 with 311, 441, 541 and the sectors 31-33, 44-45, 54
    assert written == {"regions": 2, "industries": 3, "hierarchy_nodes": 9, "part_of": 6,
                       "employs": 4}
    counts = store.counts().set_index("name")["count"].to_dict()
    assert counts == {"Region": 2, "Industry": 9, "PART_OF": 6, "EMPLOYS": 4}
    back = store.run("MATCH (r:Region)-[e:EMPLOYS]->(i:Industry)-[:PART_OF]->(:Industry)"
                     "-[:PART_OF]->(s:Industry) RETURN r.code AS region, r.level AS level, "
                     "i.code AS industry, e.jobs AS jobs, s.code AS sector, s.name AS name "
                     "ORDER BY region, industry")
    assert back.values.tolist() == [
        ["01001", "county", "3113", 1200.0, "31-33", "Manufacturing"],
        ["01001", "county", "4411", 800.0, "44-45", "Retail Trade"],
        ["01003", "county", "3113", 50.0, "31-33", "Manufacturing"],
        ["01003", "county", "5413", 400.0, "54",
         "Professional, Scientific, and Technical Services"]]
