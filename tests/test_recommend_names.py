"""recommend partners --organisation by name (fuzzy, case and accents ignored), and
organisations without a name shown as such, never NaN."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.cli.main import cli
from smartspec.workflows.partner_data import NO_NAME, match_names


@pytest.fixture
def participations(tmp_path):
    rows = [
        # project 1: Acme, Université Lyon, no-name org; project 2: Acme, Lyon Biopôle, Sofia
        ("1", "a1", "Acme Robotics GmbH", "DE"), ("1", "u1", "Université de Lyon", "FR"),
        ("1", "x1", "", "IT"),
        ("2", "a1", "Acme Robotics GmbH", "DE"), ("2", "b1", "Lyon Biopôle", "FR"),
        ("2", "s1", "Sofia Tech Park", "BG"),
        ("3", "u1", "Université de Lyon", "FR"), ("3", "s1", "Sofia Tech Park", "BG"),
        ("3", "x1", "", "IT"), ("3", "a2", "ACME Robotics Italia", "IT"),
        ("4", "u1", "Université de Lyon", "FR"), ("4", "n1", "Nordic Lab", "SE"),
    ]
    text = "projectID;organisationID;name;country;activityType;role\n" + "".join(
        f"{p};{o};{n};{c};PRC;participant\n" for p, o, n, c in rows
    )
    path = tmp_path / "organization.csv"
    path.write_text(text)
    (tmp_path / "project.csv").write_text(
        "id;startDate;endDate\n1;2015-01-01;2016-01-01\n2;2016-01-01;2017-01-01\n"
        "3;2018-01-01;2019-01-01\n4;2019-01-01;2020-01-01\n"
    )
    return path


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    """The learned model's cache in a temporary SMARTSPEC_HOME, not the working folder."""
    monkeypatch.setenv("SMARTSPEC_HOME", str(tmp_path / "home"))


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_match_names_ignores_case_and_accents():
    got = match_names("UNIVERSITE DE LYON", pd.Series(["u1", "b1", "x"]),
                      pd.Series(["Université de Lyon", "Lyon Biopôle", NO_NAME]))
    assert got["id"].tolist()[0] == "u1" and got["exact"].iloc[0]
    assert "x" not in set(got["id"])  # no name never matches
    tum = match_names("Technische Universität München", pd.Series(["t"]),
                      pd.Series(["TECHNISCHE UNIVERSITAET MUENCHEN"]))
    assert tum["exact"].tolist() == [True]  # transliteration folded


def test_partners_by_name_and_no_name_shown(participations):
    r = run("recommend", "partners", "--organisation", "universite de lyon", "--input",
            str(participations), "--explain")
    assert r.exit_code == 0, r.output
    assert "using u1 Université de Lyon [FRA] (name)" in r.output
    assert "Partner candidates for organisation u1 (Université de Lyon, FRA)" in r.output
    assert NO_NAME in r.output or "x1" not in r.output
    assert "nan" not in r.output.lower().replace("nantes", "")
    # by id, the focal without a name is labelled, not NaN
    r = run("recommend", "partners", "--organisation", "x1", "--input", str(participations),
            "--explain", "--format", "json")
    assert r.exit_code == 0, r.output
    assert f"x1 ({NO_NAME}, ITA)" in r.output and "NaN" not in r.output
    r = run("recommend", "partners", "--organisation", "b1", "--input", str(participations),
            "--format", "csv")
    assert r.exit_code == 0, r.output
    table = pd.read_csv(pd.io.common.StringIO(r.output))
    assert table.loc[table["organisation"] == "x1", "name"].tolist() == [NO_NAME]


def test_ambiguous_and_unknown_names_exit_non_zero(participations):
    r = run("recommend", "partners", "--organisation", "acme robotics", "--input",
            str(participations))
    assert r.exit_code != 0
    assert "matches 2 organisations" in r.output
    assert "a1  Acme Robotics GmbH  [DEU]" in r.output and "a2  ACME Robotics Italia  [ITA]" in (
        r.output
    )
    r = run("recommend", "partners", "--organisation", "Sofia Tech Prk", "--input",
            str(participations))
    assert r.exit_code == 0, r.output
    assert "using s1 Sofia Tech Park [BGR] (closest name" in r.output
    r = run("recommend", "partners", "--organisation", "Nowhere Institute", "--input",
            str(participations))
    assert r.exit_code != 0 and "unknown organisation 'Nowhere Institute'" in r.output
