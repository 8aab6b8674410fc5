"""End-to-end: load collaborations and clusters, compute collaboration, figures (both stores)."""

from __future__ import annotations

import json

from click.testing import CliRunner

from smartspec.cli.main import cli


def run(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result


def test_collaboration_commands(cli_store, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text(
        "rcn,role,pic,type,contribution,country,start_date,end_date\n"
        "1,coordinator,a,PRC,1,DE,2015-01-01,2017-01-01\n1,participant,b,HES,1,DE,2015-01-01,"
        "2017-01-01\n1,participant,p,REC,1,FR,2015-01-01,2017-01-01\n"
        "2,coordinator,a,PRC,1,DE,2016-01-01,2018-01-01\n2,participant,r,PUB,1,IT,2016-01-01,"
        "2018-01-01\n"
    )
    r = run("load", "collaborations", str(f))
    assert r.exit_code == 0, r.output
    assert "3 collaborating pairs" in r.output or "4 collaborating pairs" in r.output
    m = tmp_path / "m.csv"
    m.write_text("organisation,cluster,since\na,C1,2014\nb,C1,2015\n")
    assert run("load", "clusters", str(m)).exit_code == 0
    out = tmp_path / "c.json"
    r = run(
        "compute",
        "collaboration",
        "--actor-set",
        "country:DE",
        "--actor-set",
        "cluster:C1",
        "--format",
        "json",
        "-o",
        str(out),
        "--figures",
        str(tmp_path / "figs"),
    )
    assert r.exit_code == 0, r.output
    rows = json.loads(out.read_text())
    deu = [x for x in rows if x["actor_set"] == "DEU" and x["year"] == 2015][0]
    assert deu["ties"] == 3 and deu["local_ties"] == 0  # no cities: DE ties are national
    assert {p.name for p in (tmp_path / "figs").iterdir()} >= {
        "shares_over_time.png",
        "shares_over_time.svg",
        "ego_network_C1.png",
        "ego_network_C1.svg",
    }
    r = run("compute", "collaboration", "--actor-set", "country:ZZ")
    assert r.exit_code != 0 and "unknown country code 'ZZ'" in r.output
    bad = tmp_path / "bad.csv"
    bad.write_text("organisation,partner,year\nx,x,2018\n")
    r = CliRunner().invoke(cli, ["load", "collaborations", str(bad)])
    assert r.exit_code != 0 and "self-tie" in r.output
