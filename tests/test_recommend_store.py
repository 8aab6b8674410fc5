"""``smartspec recommend partners`` on the store, after ``smartspec load collaborations``."""

from __future__ import annotations

from click.testing import CliRunner

from smartspec.cli.main import cli

HEADER = ("rcn,role,pic,type,contribution,country,start_date,end_date,max_contribution,"
          "total_cost,start_year,end_year,duration,group,nunique\n")


def row(rcn: int, pic: str, country: str, start: str = "2016-01-01") -> str:
    tail = "2018-12-31,1,1,2016,2018,36,eu15,1"
    return f"{rcn},participant,{pic},PRC,1000,{country},{start},{tail}\n"


def test_partners_from_the_store(cli_store, tmp_path):
    # f works with a (DE) and b (FR); a and b both work with c (IT) and d (ES): c and d are
    # partners of f's partners, c twice (through a and b), d once (through a)
    f = tmp_path / "h.csv"
    f.write_text(HEADER + row(1, "f", "DE") + row(1, "a", "DE") + row(2, "f", "DE")
                 + row(2, "b", "FR") + row(3, "a", "DE") + row(3, "c", "IT")
                 + row(4, "b", "FR") + row(4, "c", "IT") + row(5, "a", "DE") + row(5, "d", "ES"))
    runner = CliRunner()
    loaded = runner.invoke(cli, ["load", "collaborations", str(f)], catch_exceptions=False)
    assert loaded.exit_code == 0, loaded.stderr
    out = runner.invoke(cli, ["recommend", "partners", "--organisation", "f", "--top", "5",
                              "--format", "csv"], catch_exceptions=False)
    assert out.exit_code == 0, out.stderr
    lines = [line.split(",") for line in out.stdout.strip().splitlines()]
    header, ranked = lines[0], [dict(zip(lines[0], r, strict=True)) for r in lines[1:]]
    assert header[:2] == ["rank", "organisation"]
    assert [r["organisation"] for r in ranked][:2] == ["c", "d"]
    unknown = runner.invoke(cli, ["recommend", "partners", "--organisation", "zz"])
    assert unknown.exit_code == 1 and "unknown organisation" in unknown.stderr.lower()
