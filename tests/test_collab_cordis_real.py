"""The CORDIS companion files as the publisher ships them (../shared/data/real_formats/cordis)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.cli.main import cli
from smartspec.loaders._io import LoaderError
from smartspec.loaders.collaborations import (
    read_collaborations,
    read_programme_names,
    write_collaborations,
)

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real_formats" / "cordis"
needs_real = pytest.mark.skipif(
    not REAL.is_dir(), reason=f"real CORDIS files not found at {REAL} (shared data absent)"
)


def organization(tmp_path, projects):
    """A CORDIS organization.csv (real header, ';', quoted) for the given project ids."""
    header = ("projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;"
              "street;postCode;city;country;nutsCode;geolocation;organizationURL;contactForm;"
              "contentUpdateDate;rcn;order;role;ecContribution;netEcContribution;totalCost;"
              "endOfParticipation;active")
    lines = [";".join(f'"{h}"' for h in header.split(";"))]
    for i, p in enumerate(projects):
        for org, country, nuts in ((f"9{i}1", "DE", "DE212"), (f"9{i}2", "FR", "FR101")):
            fields = [p, "A", org, "", f"Org {org}", "", "false", "PRC", "", "", "City",
                      country, nuts, "", "", "", "", "1", "1", "participant", "1", "1", "1",
                      "false", "true"]
            lines.append(";".join(f'"{f}"' for f in fields))
    path = tmp_path / "organization.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


@needs_real
def test_horizon_europe_legal_basis_as_programme_parts(store, tmp_path):
    real = pd.read_csv(REAL / "horizon_europe_legalBasis.csv", sep=";", dtype=str)
    several = real["projectID"][real["projectID"].duplicated()].iloc[0]  # a project with 2+ rows
    projects = [real["projectID"].iloc[0], several]
    t = read_collaborations(
        organization(tmp_path, projects),
        programme_parts=REAL / "horizon_europe_legalBasis.csv",
    )
    main = real[real["uniqueProgrammePart"].eq("true") & real["projectID"].isin(projects)]
    assert sorted(map(tuple, t.topics.values.tolist())) == sorted(
        map(tuple, main[["projectID", "legalBasis"]].values.tolist())
    )
    names = dict(zip(t.topic_names["code"], t.topic_names["name"], strict=True))
    assert names["HORIZON.1.1"] == "European Research Council (ERC)"
    write_collaborations(store, t)
    got = store.run("MATCH (t:Topic {code: 'HORIZON.1.1'}) RETURN t.name AS name")
    assert got["name"].tolist() == ["European Research Council (ERC)"]


@needs_real
def test_horizon_europe_topics_as_programme_parts(tmp_path):
    t = read_collaborations(
        organization(tmp_path, ["101116741"]), programme_parts=REAL / "horizon_europe_topics.csv"
    )
    assert t.topics.values.tolist() == [["101116741", "ERC-2023-STG"]]
    assert t.topic_names.values.tolist() == [["ERC-2023-STG", "ERC STARTING GRANTS"]]


@needs_real
def test_h2020_reference_tables_name_topics(tmp_path):
    progs = read_programme_names(REAL / "cordisref-H2020programmes.csv")
    names = dict(zip(progs["code"], progs["name"], strict=True))
    assert names["H2020-EU.3.4.7.1"] == "Exploratory Research"
    # the one title with an embedded newline and tabs, read whole and collapsed
    assert names["GALILEO-4-2014"].endswith("inside or outside of the European Union")
    assert progs["code"].is_unique and len(progs) > 1000
    topics = read_programme_names(REAL / "cordisref-H2020topics.csv")
    assert dict(zip(topics["code"], topics["name"], strict=True))["ERC-PoC-2015"] == (
        "ERC Proof of Concept Grant"
    )
    # an H2020 organisation file whose programme parts are legal-basis codes, named from them
    (tmp_path / "legalBasis.csv").write_text(
        '"projectID";"legalBasis";"title";"uniqueProgrammePart"\n'
        '"1";"H2020-EU.3.4.7.1";"";"true"\n"2";"H2020-EU.9.9.";"";"true"\n'
    )
    r = CliRunner().invoke(
        cli,
        ["--store", "embedded", "load", "collaborations", str(organization(tmp_path, ["1", "2"])),
         "--programme-names", str(REAL / "cordisref-H2020programmes.csv"), "--sep", ";"],
        catch_exceptions=False,
        env={"SMARTSPEC_HOME": str(tmp_path / "home")},
    )
    assert r.exit_code == 0, r.output
    assert "1 of 2 programme parts named" in r.output


def test_refused_companion_files(tmp_path):
    bad = tmp_path / "names.csv"
    bad.write_text("a;b\n1;2\n")
    with pytest.raises(LoaderError, match="not a CORDIS programme or topic reference table"):
        read_programme_names(bad)
    with pytest.raises(LoaderError, match="not a programme-parts file"):
        read_collaborations(organization(tmp_path, ["1"]), programme_parts=bad)
