"""The knowledge-base loaders on the files users download, as publishers ship them: Eurostat's
bulk TSV (real ``tour_occ_arn2.tsv.gz`` and a hand-made file of the older ``geo\\time`` shape),
US Census ZIP / County Business Patterns (real ``zbp16totals.txt.gz`` and a hand-made CBP file
in the same conventions), OECD REGPAT's ``|``-separated files (hand-made in REGPAT's exact
header: no real file can be had), and WIPO's IPC -> 35 technology fields concordance (real
PatentsView ``ipc_technology.csv``). Expected numbers are computed here from the files with
plain Python, not with the loaders' code."""

from __future__ import annotations

import csv
import gzip
import re
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.cli.main import cli
from smartspec.loaders._io import LoaderError, read_table
from smartspec.loaders.employment import (
    CBP_SIZE_CLASSES,
    cbp_cells,
    detect_layout,
    read_employment,
    write_employment,
)
from smartspec.loaders.patents import (
    field_of,
    read_patents,
    read_technology_fields,
    write_patents,
)

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real_formats"
EUROSTAT = REAL / "eurostat_tsv" / "tour_occ_arn2.tsv.gz"
ZBP = REAL / "us_census_cbp" / "zbp16totals.txt.gz"
IPC_TECH = REAL / "patents" / "ipc_technology.csv"


def real(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real publisher file {path} not present (shared test data)")
    return path


def write(path: Path, text: str, newline: str = "\n") -> Path:
    path.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return path


# -- Eurostat bulk TSV: the real file -------------------------------------------------------------

AGGREGATES = {"EA", "EA20", "EU25", "EU27_2007", "EU27_2020", "EU28"}


def eurostat_by_hand(unit: str, c_resid: str, nuts_len: int) -> tuple[dict, Counter, int]:
    """Totals by year of the NACE groups I551, I552, I553 at one NUTS level, the flags of the
    values summed, and the number of ':' cells, straight from the file."""
    totals: dict[int, float] = defaultdict(float)
    flags: Counter = Counter()
    missing = 0
    with gzip.open(EUROSTAT, "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        years = [int(y.strip()) for y in header[1:]]
        for line in fh:
            cells = line.rstrip("\n").split("\t")
            freq, resid, un, nace, geo = cells[0].split(",")
            if (un, resid) != (unit, c_resid) or nace not in ("I551", "I552", "I553"):
                continue
            if geo in AGGREGATES or len(geo) != nuts_len:
                continue
            for year, cell in zip(years, cells[1:], strict=True):
                value, _, flag = cell.strip().partition(" ")
                if value == ":":
                    missing += 1
                    continue
                totals[year] += float(value)
                flags.update(flag.replace("@C", "c").replace(" ", ""))
    return dict(totals), flags, missing


def test_eurostat_real_tsv_needs_one_value_per_dimension():
    f = real(EUROSTAT)
    assert detect_layout(list(read_table(f).columns)) == "sbs"
    with pytest.raises(LoaderError, match=r"tour_occ_arn2.tsv.gz: dimension 'c_resid' holds 3 "
                                          r"values \(DOM, FOR, TOTAL\); choose one with --select "
                                          r"c_resid=VALUE"):
        read_employment(f)
    with pytest.raises(LoaderError, match=r"dimension 'unit' holds 2 values \(NR, PCH_PRE\)"):
        read_employment(f, select={"c_resid": "TOTAL"})
    with pytest.raises(LoaderError, match="unit PCH_PRE is a percentage, rate or index"):
        read_employment(f, select={"c_resid": "TOTAL", "unit": "PCH_PRE"})
    with pytest.raises(LoaderError, match=r"no rows with c_resid = 'ALL'; c_resid holds: DOM, "
                                          "FOR, TOTAL"):
        read_employment(f, select={"c_resid": "ALL", "unit": "NR"})
    with pytest.raises(LoaderError, match=r"the file has no dimension 'indic_sb'; its dimensions "
                                          r"are freq, c_resid, unit, nace_r2, geo"):
        read_employment(f, select={"indic_sb": "V16110"})


def test_eurostat_real_tsv_totals_levels_and_flags():
    f = real(EUROSTAT)
    t = read_employment(f, select={"unit": "NR", "c_resid": "TOTAL"})
    assert (t.layout, t.classification, t.level, t.region_level) == ("sbs", "NACE", "group",
                                                                      "nuts2")
    totals, flags, missing = eurostat_by_hand("NR", "TOTAL", 4)
    got = t.data.groupby("year")["jobs"].sum().to_dict()
    assert got.keys() == totals.keys()
    assert all(got[y] == pytest.approx(totals[y], rel=1e-12) for y in totals)
    assert sorted(t.data["industry"].unique()) == ["55.1", "55.2", "55.3"]
    assert t.data["region"].str.len().eq(4).all()
    assert not t.data["region"].isin(AGGREGATES).any()
    assert t.suppressed == missing
    notes = "\n".join(t.notes)
    assert ("left out 1,080 rows of aggregates that are not regions (EA, EA20, EU25, "
            "EU27_2007, EU27_2020, EU28)") in notes
    assert re.search(r"left out 6,660 at country \(e.g. AL\); 24,300 at nuts1 \(e.g. AL0\)",
                     notes)
    assert "aggregate codes that are not one NACE code (I551-I553, I552_I553)" in notes
    expected_flags = ", ".join(
        f"{flags[k]:,} {k}" for k in sorted(flags))
    shown = re.sub(r" \([a-z ]+\)", "", notes.split("flags on the values kept: ")[1])
    assert shown == expected_flags
    assert t.estimated == flags["e"]
    # another NUTS level, asked for by name (nuts0 is the country level)
    countries = read_employment(f, select={"unit": "NR", "c_resid": "TOTAL"},
                                region_level="nuts0", year=2019)
    c_totals, _, _ = eurostat_by_hand("NR", "TOTAL", 2)
    assert countries.region_level == "country"
    assert countries.data["jobs"].sum() == pytest.approx(c_totals[2019], rel=1e-12)
    assert "EL" in set(countries.data["region"])  # NUTS codes kept as written (not GR)
    with pytest.raises(LoaderError, match="unknown region level 'nuts4'"):
        read_employment(f, select={"unit": "NR", "c_resid": "TOTAL"}, region_level="nuts4")
    with pytest.raises(LoaderError, match=r"no rows at the NACE level division in column "
                                          r"'nace_r2'; the file's codes are at group"):
        read_employment(f, select={"unit": "NR", "c_resid": "TOTAL"}, level="division")


def test_eurostat_real_tsv_write_is_idempotent(store):
    t = read_employment(real(EUROSTAT), select={"unit": "NR", "c_resid": "FOR"}, year=2019)
    first = write_employment(store, t)
    second = write_employment(store, t)
    assert first == second
    assert first["employs"] == len(t.data)
    back = store.run("MATCH (r:Region)-[e:EMPLOYS]->(i:Industry) RETURN sum(e.jobs) AS jobs, "
                     "count(e) AS n")
    assert back["n"].iloc[0] == len(t.data)
    assert back["jobs"].iloc[0] == pytest.approx(t.data["jobs"].sum())
    by_hand, _, _ = eurostat_by_hand("NR", "FOR", 4)
    assert back["jobs"].iloc[0] == pytest.approx(by_hand[2019], rel=1e-12)


# -- Eurostat bulk TSV: the older geo\time shape (nama_10r_3empers style), hand-made -----------

OLD_TSV = (
    "unit,wstatus,nace_r2,geo\\time\t2019 \t2018 \n"
    "THS,EMP,TOTAL,AT11\t150.2 \t148.9 \n"
    "THS,EMP,B-E,AT11\t30.1 \t29.8 \n"
    "THS,EMP,C,AT11\t25.5 \t: \n"
    "THS,EMP,F,AT11\t12.25 e\t12.0 \n"
    "THS,EMP,C,AT12\t: c\t101.5 p\n"
    "THS,EMP,C,AT\t800.0 \t790.0 \n"
    "THS,EMP,C,EU27_2020\t30000.0 \t29000.0 \n"
    "THS,SAL,C,AT11\t24.0 \t23.0 \n"
)


def test_eurostat_old_geo_time_layout(tmp_path):
    f = write(tmp_path / "nama_10r_3empers.tsv", OLD_TSV)
    with pytest.raises(LoaderError, match=r"dimension 'wstatus' holds 2 values \(EMP, SAL\)"):
        read_employment(f)
    t = read_employment(f, select={"wstatus": "EMP"})
    assert (t.level, t.region_level) == ("section", "nuts2")
    # thousands -> persons; ':' and ': c' skipped; TOTAL, B-E, AT and EU27_2020 reported
    assert t.data.values.tolist() == [["AT11", "C", 2019, 25500.0],
                                      ["AT11", "F", 2018, 12000.0],
                                      ["AT11", "F", 2019, 12250.0],
                                      ["AT12", "C", 2018, 101500.0]]
    assert "unit THS: values in thousands, multiplied by 1,000" in t.notes
    assert "skipped 2 missing cells (1 confidential)" in t.notes
    assert "flags on the values kept: 1 e (estimated), 1 p (provisional)" in t.notes
    assert any("(B-E, TOTAL)" in n for n in t.notes)
    assert any("left out 2 rows of aggregates that are not regions (EU27_2020)" in n
               for n in t.notes)
    assert read_employment(f, select={"wstatus": "EMP"}, region_level="country").data[
        "jobs"].tolist() == [790000.0, 800000.0]


def test_eurostat_bad_cells_name_line_and_column(tmp_path):
    bad = write(tmp_path / "a.tsv", OLD_TSV.replace("12.0 \n", "12,0 \n"))
    with pytest.raises(LoaderError, match=r"a.tsv: 1 cell\(s\) that are neither a number with "
                                          r"flags nor ':' , first at line 5, column '2018': "
                                          r"'12,0 '"):
        read_employment(bad, select={"wstatus": "EMP"})
    neg = write(tmp_path / "n.tsv", OLD_TSV.replace("101.5 p", "-1.5 p"))
    with pytest.raises(LoaderError, match=r"n.tsv: 1 negative value\(s\), first at line 6, "
                                          r"column '2018': '-1.5'"):
        read_employment(neg, select={"wstatus": "EMP"})
    keys = write(tmp_path / "k.tsv", OLD_TSV.replace("THS,EMP,F,AT11", "THS,EMP,AT11"))
    with pytest.raises(LoaderError, match=r"k.tsv: column 1 \('unit,wstatus,nace_r2,geo\\\\time'"
                                          r"\) does not hold 4 comma-separated keys .* at "
                                          r"line\(s\) 5"):
        read_employment(keys, select={"wstatus": "EMP"})
    with pytest.raises(LoaderError, match=r"m.tsv: 2 confidential or missing cell\(s\), first "
                                          r"at line 6, column '2019'; pass --suppressed drop"):
        read_employment(write(tmp_path / "m.tsv", OLD_TSV), select={"wstatus": "EMP"},
                        suppressed="error")


SDMX = """DATAFLOW,LAST UPDATE,freq,unit,nace_r2,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG,CONF_STATUS
ESTAT:NAMA_10R_3EMPERS(1.0),01/01/24,A,THS,C,AT11,2021,25.5,,
ESTAT:NAMA_10R_3EMPERS(1.0),01/01/24,A,THS,F,AT11,2021,12.0,e,
ESTAT:NAMA_10R_3EMPERS(1.0),01/01/24,A,THS,C,AT12,2021,,,C
ESTAT:NAMA_10R_3EMPERS(1.0),01/01/24,A,PC_TOT,C,AT11,2021,17.0,,
"""


def test_eurostat_sdmx_csv_dimensions_and_confidential_status(tmp_path):
    f = write(tmp_path / "nama.csv", SDMX)
    with pytest.raises(LoaderError, match=r"dimension 'unit' holds 2 values \(PC_TOT, THS\)"):
        read_employment(f)
    with pytest.raises(LoaderError, match="unit PC_TOT is a percentage"):
        read_employment(f, select={"unit": "PC_TOT"})
    t = read_employment(f, select={"unit": "THS"})
    assert t.data.values.tolist() == [["AT11", "C", 2021, 25500.0], ["AT11", "F", 2021, 12000.0]]
    assert "skipped 1 missing cells (1 confidential)" in t.notes
    assert t.estimated == 1
    with pytest.raises(LoaderError, match=r"--select chooses dimensions of a Eurostat file \(sbs "
                                          r"layout\); this file has the cbp layout"):
        read_employment(write(tmp_path / "cbp16co.txt", CBP_2016), select={"unit": "NR"})


# -- Census ZIP / County Business Patterns --------------------------------------------------------


def test_zbp_totals_real_file_refused_with_the_reason():
    f = real(ZBP)
    with pytest.raises(LoaderError, match=r"zbp16totals.txt.gz: ZIP Code Business Patterns "
                                          r"totals \(columns zip, emp, ... and no naics column\)"
                                          r": employment of all industries per ZIP code, not "
                                          r"regions x industries; load a County Business "
                                          r"Patterns file \(cbpYYco.txt"):
        read_employment(f)
    with pytest.raises(LoaderError, match="ZIP Code Business Patterns totals"):
        read_employment(f, layout="cbp")


def test_zbp_real_file_suppression_conventions():
    """The CBP flag rules hold on the real ZIP file: suppressed = emp 0 with a size class
    (emp_nf D); G / H / J mark published (noise-infused) values; ZIPs keep leading zeros."""
    f = real(ZBP)
    raw = read_table(f)
    assert raw["zip"].iloc[0] == "00501" and raw["zip"].str.len().eq(5).all()
    with gzip.open(f, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    withheld = [r for r in rows if r["emp_nf"] == "D"]
    assert len(withheld) == 4984
    cells = cbp_cells(raw, f)
    assert int(cells["suppressed"].sum()) == len(withheld)
    assert set(raw.loc[cells["suppressed"], "emp_nf"]) == {"D"}
    assert (cells.loc[cells["suppressed"], "jobs"] == 0).all()
    assert set(raw.loc[~cells["suppressed"], "emp_nf"]) == {"G", "H", "J"}
    classes = {r["empflag"] for r in withheld}
    assert classes <= set(CBP_SIZE_CLASSES)
    mids = sum((CBP_SIZE_CLASSES[r["empflag"]][0] + CBP_SIZE_CLASSES[r["empflag"]][1]) / 2
               for r in withheld)
    assert cells["midpoint"].sum() == pytest.approx(mids)
    published = sum(float(r["emp"]) for r in rows if r["emp_nf"] != "D")
    assert cells.loc[~cells["suppressed"], "jobs"].sum() == pytest.approx(published)


# cbp16co.txt in the real file's conventions: quoted strings, unquoted numbers, CRLF, codes with
# leading zeros, empflag size class with emp 0 and emp_nf D, noise flags G / H / J
CBP_2016 = ('"fipstate","fipscty","naics","empflag","emp_nf","emp","qp1_nf","qp1","ap_nf",'
            '"ap","est"\n') + '''"01","001","------",,"G",10748,"G",1,"G",1,846
"01","001","3113//","A","D",0,"D",0,"D",0,2
"01","001","3114//",,"H",310,"G",1,"G",1,3
"01","001","4411//",,"J",820,"H",1,"H",1,9
"06","037","3113//","F","D",0,"D",0,"D",0,4
"06","037","3114//",,"G",0,"G",0,"G",0,1
'''


def test_cbp_file_in_the_census_conventions(tmp_path):
    f = write(tmp_path / "cbp16co.txt", CBP_2016, newline="\r\n")
    t = read_employment(f)
    # A: 0-19 -> 9.5; F: 500-999 -> 749.5; the published 0 stays a zero (it is no suppression)
    assert t.data.values.tolist() == [["01001", "3113", 2016, 9.5],
                                      ["01001", "3114", 2016, 310.0],
                                      ["01001", "4411", 2016, 820.0],
                                      ["06037", "3113", 2016, 749.5],
                                      ["06037", "3114", 2016, 0.0]]
    assert (t.suppressed, t.estimated) == (2, 2)
    detail = write(tmp_path / "zbp16detail.txt", '"zip","name","naics","est","n1_4"\n'
                   '"00501","HOLTSVILLE, NY","------",2,2\n')
    with pytest.raises(LoaderError, match=r"ZIP Code Business Patterns detail .* has no "
                                          r"employment column"):
        read_employment(detail)


# -- OECD REGPAT: '|'-separated files in the exact REGPAT header (hand-made) -----------------

REGPAT_INV = """appln_id|person_id|reg_code|ctry_code|reg_share|inv_share
1|11|DE111|DE|1|0.5
1|12|FR101|FR|1|0.5
2|21|DE111|DE|1|0.333
2|22|DE111|DE|1|0.333
2|23|FR101|FR|1|0.333
3|31|FR101|FR|1|1
"""
REGPAT_IPC = """appln_id|prio_year|app_year|IPC
1|2010|2011|H01L  21/00
1|2010|2011|H01L  23/48
1|2010|2011|G06F   3/00
2|2010|2010|H01L  21/762
3|2011|2011|A61K  31/00
3|2011|2011|G06F  17/30
"""
# as test_knowledge_patents.FRACTIONAL (the same applications, comma-separated there)
FRACTIONAL = [
    ["DE111", "G06F", 2010, 0.25], ["DE111", "H01L", 2010, 0.25 + 2 / 3],
    ["FR101", "A61K", 2011, 0.5], ["FR101", "G06F", 2010, 0.25], ["FR101", "G06F", 2011, 0.5],
    ["FR101", "H01L", 2010, 0.25 + 1 / 3],
]


def rounded(values):
    return [[r, t, y, round(c, 6)] for r, t, y, c in values]


def regpat_files(tmp_path):
    return (write(tmp_path / "202001_EPO_Inv_reg.txt", REGPAT_INV),
            write(tmp_path / "202001_EPO_IPC.txt", REGPAT_IPC, newline="\r\n"))


def test_regpat_pipe_files_load(tmp_path):
    inv, ipc = regpat_files(tmp_path)
    sniffed = read_patents(inv, layout="regpat", classes=ipc)
    assert rounded(sniffed.data.values.tolist()) == rounded(FRACTIONAL)
    forced = read_patents(inv, layout="regpat", classes=ipc, sep="|")
    assert rounded(forced.data.values.tolist()) == rounded(FRACTIONAL)
    with pytest.raises(LoaderError, match=r"202001_EPO_Inv_reg.txt: column.*'appln_id'.* not "
                                          r"found; found: appln_id\|person_id"):
        read_patents(inv, layout="regpat", classes=ipc, sep=",")
    bad = write(tmp_path / "bad_IPC.txt", REGPAT_IPC.replace("G06F  17/30", "G6F 17/30"))
    with pytest.raises(LoaderError, match=r"bad_IPC.txt: column 'IPC' has 1 code\(s\) of unknown "
                                          r"form for IPC at line\(s\) 7"):
        read_patents(inv, layout="regpat", classes=bad)


def test_load_commands_take_sep_and_select(tmp_path, env_home):
    inv, ipc = regpat_files(tmp_path)
    r = CliRunner().invoke(cli, ["load", "patents", str(inv), "--layout", "regpat", "--classes",
                                 str(ipc), "--sep", "|"])
    assert r.exit_code == 0, r.output
    assert "6 patent counts of 2 regions in 3 technologies" in r.output
    if IPC_TECH.exists():
        r = CliRunner().invoke(cli, ["load", "patents", str(inv), "--layout", "regpat",
                                     "--classes", str(ipc), "--technology-fields",
                                     str(IPC_TECH)])
        assert r.exit_code == 0, r.output
        assert ("(regpat layout, WIPO field, year 2010, 2011)" in r.output
                and "6 patent counts of 2 regions in 3 technologies" in r.output)
    r = CliRunner().invoke(cli, ["load", "patents", str(inv), "--layout", "regpat", "--classes",
                                 str(ipc), "--sep", "::"])
    assert r.exit_code != 0 and "is not one character" in r.output
    f = write(tmp_path / "nama_10r_3empers.tsv", OLD_TSV)
    r = CliRunner().invoke(cli, ["load", "employment", str(f), "--select", "wstatus=EMP"])
    assert r.exit_code == 0, r.output
    assert "4 jobs counts of 2 regions in 2 industries" in r.output
    assert "unit THS: values in thousands, multiplied by 1,000" in r.output
    r = CliRunner().invoke(cli, ["load", "employment", str(f), "--select", "wstatus"])
    assert r.exit_code != 0 and "write DIMENSION=VALUE" in r.output
    r = CliRunner().invoke(cli, ["load", "employment", str(f)])
    assert r.exit_code != 0 and "--select wstatus=VALUE" in r.output


# -- WIPO technology fields (PatentsView ipc_technology.csv) ------------------------------------


def fields_by_hand() -> list[dict]:
    with open(real(IPC_TECH), encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_technology_fields_bad_patterns_name_line_and_column(tmp_path):
    head = "\ufeffField_number,Sector_en,Field_en,IPC_code\r\n"
    bad = write(tmp_path / "t.csv", head + "1,Electrical engineering,Machines,F21H%\r\n"
                "1,Electrical engineering,Machines,F21*\r\n")
    with pytest.raises(LoaderError, match=r"t.csv: column 'IPC_code' has 1 pattern\(s\) that "
                                          r"are not an IPC subclass or main group followed by % "
                                          r"at line\(s\) 3 \(e.g. 'F21\*'"):
        read_technology_fields(bad)
    two = write(tmp_path / "u.csv", head + "1,Electrical engineering,Machines,F21H%\r\n"
                "1,Electrical engineering,Lamps,F21K%\r\n")
    with pytest.raises(LoaderError, match=r"u.csv: column 'Field_en' names field 1 in more than "
                                          r"one way \(lines 2, 3\)"):
        read_technology_fields(two)


def test_technology_fields_real_concordance():
    rows = fields_by_hand()
    f = read_technology_fields(IPC_TECH)
    assert len(f) == len(rows) == 764
    assert f["field"].nunique() == 35
    assert f.drop_duplicates("sector")[["sector", "sector_name"]].values.tolist() == [
        ["WIPO:I", "Electrical engineering"], ["WIPO:II", "Instruments"],
        ["WIPO:III", "Chemistry"], ["WIPO:IV", "Mechanical engineering"],
        ["WIPO:V", "Other fields"]]
    names = {f"WIPO:{r['Field_number']}": r["Field_en"] for r in rows}
    assert dict(zip(f["field"], f["field_name"], strict=True)) == names
    codes = ["H04N   3/10", "H04N  21/20", "H01L  21/00", "A61K   8/02", "A61K  31/00",
             "F21H 1/00", "H04N"]
    got = field_of(pd.Series(codes), f)
    # H04N is split between fields by main group: a bare subclass matches none
    assert got.where(got.notna(), None).tolist() == [
        "WIPO:2", "WIPO:4", "WIPO:8", "WIPO:14", "WIPO:16", "WIPO:1", None]


def test_regpat_counted_in_technology_fields(tmp_path, store):
    inv, ipc = regpat_files(tmp_path)
    t = read_patents(inv, layout="regpat", classes=ipc, technology_fields=real(IPC_TECH))
    assert (t.classification, t.level) == ("WIPO", "field")
    # H01L -> 8 Semiconductors, G06F -> 6 Computer technology, A61K 31 -> 16 Pharmaceuticals;
    # application 1 has two fields (8, 6): 1/2 each, split by the inventor regions
    assert rounded(t.data.values.tolist()) == rounded([
        ["DE111", "WIPO:6", 2010, 0.25], ["DE111", "WIPO:8", 2010, 0.25 + 2 / 3],
        ["FR101", "WIPO:16", 2011, 0.5], ["FR101", "WIPO:6", 2010, 0.25],
        ["FR101", "WIPO:6", 2011, 0.5], ["FR101", "WIPO:8", 2010, 0.25 + 1 / 3]])
    assert t.data.groupby("year")["count"].sum().round(9).to_dict() == {2010: 2.0, 2011: 1.0}
    for _ in range(2):
        written = write_patents(store, t)
    assert written == {"regions": 2, "technologies": 3, "hierarchy_nodes": 5, "part_of": 3,
                       "patents": 6}
    back = store.run("MATCH (t:Technology)-[:PART_OF]->(s:Technology) RETURN t.code AS code, "
                     "t.name AS name, t.level AS level, s.code AS sector, s.name AS sector_name "
                     "ORDER BY code")
    assert back.values.tolist() == [
        ["WIPO:16", "Pharmaceuticals", "field", "WIPO:III", "Chemistry"],
        ["WIPO:6", "Computer technology", "field", "WIPO:I", "Electrical engineering"],
        ["WIPO:8", "Semiconductors", "field", "WIPO:I", "Electrical engineering"]]
    counts = store.counts().set_index("name")["count"].to_dict()
    assert counts == {"Region": 2, "Technology": 5, "PART_OF": 3, "PATENTS": 6}
    with pytest.raises(LoaderError, match="technology_fields= is for the patent-level layouts"):
        read_patents(write(tmp_path / "c.csv", "region,technology,year,count\nA,H01L,2010,1\n"),
                     technology_fields=IPC_TECH)


def test_reader_notes_reach_the_load_report(tmp_path):
    """What the reader did (here: a Windows-1252 file read as such) is told with the notes."""
    pat = tmp_path / "counts.csv"
    pat.write_bytes("region,technology,year,count\nM\u00fcnchen,H01L,2010,1\n".encode("cp1252"))
    t = read_patents(pat)
    assert t.data["region"].tolist() == ["M\u00fcnchen"]
    assert any("not UTF-8" in n for n in t.notes)
    jobs = tmp_path / "jobs.csv"
    jobs.write_bytes("region,industry,year,jobs\nK\u00f6ln,C10,2019,5\n".encode("cp1252"))
    e = read_employment(jobs, classification="NACE")
    assert e.data["region"].tolist() == ["K\u00f6ln"]
    assert any("not UTF-8" in n for n in e.notes)
