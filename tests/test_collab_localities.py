"""Localities of organisations: NUTS chains, one city per city, mojibake, and a load that never
forgets what the store knows (one location per organisation, names never replaced by ids)."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.cli.collaboration import read_network, resolve_actor_sets
from smartspec.cli.main import cli
from smartspec.loaders.collaborations import read_collaborations, write_collaborations
from smartspec.loaders.localities import city_key, city_localities, nuts_chain, repair_text

#: The header of CORDIS organization.csv (H2020 and Horizon Europe), every field quoted, ';'.
CORDIS_HEADER = (
    "projectID;projectAcronym;organisationID;vatNumber;name;shortName;SME;activityType;street;"
    "postCode;city;country;nutsCode;geolocation;organizationURL;contactForm;contentUpdateDate;rcn;"
    "order;role;ecContribution;netEcContribution;totalCost;endOfParticipation;active"
)


def cordis_row(project, org, name, city, country, nuts, role="participant", type_="PRC"):
    fields = [
        project, "ACR", org, "", name, "", "false", type_, "Street 1", "80333", city, country,
        nuts, "48.1,11.6", "", "", "2024-01-01 10:00:00", "1", "1", role, "1000.5", "1000.5",
        "2000", "false", "true",
    ]
    return ";".join(f'"{f}"' for f in fields)


@pytest.fixture
def organization_csv(tmp_path):
    rows = [
        cordis_row("101", "9001", "Acme GmbH", "München", "DE", "DE212", role="coordinator"),
        cordis_row("101", "9002", "Uni Augsburg", "Augsburg", "DE", "DE271", type_="HES"),
        cordis_row("101", "9003", "Athens Lab", "Athina", "EL", "EL303", type_="REC"),
        cordis_row("102", "9001", "Acme GmbH", "MUENCHEN", "DE", "DE212", role="coordinator"),
        cordis_row("102", "9004", "Munich Tech", "Munich", "DE", "DE21H"),
        cordis_row("102", "9005", "London Ltd", "London", "UK", "UKI31"),
        cordis_row("102", "9006", "Extra-regio", "Muenchen", "DE", "DEZZZ"),
    ]
    path = tmp_path / "organization.csv"
    path.write_text(CORDIS_HEADER.replace(";", '";"').join('""') + "\n" + "\n".join(rows) + "\n")
    (tmp_path / "project.csv").write_text(
        '"id";"acronym";"startDate";"endDate"\n"101";"A";"2021-01-01";"2023-12-31"\n'
        '"102";"B";"2022-01-01";"2024-12-31"\n'
    )
    return path


# -- pure functions ------------------------------------------------------------------------------


def test_city_spellings_are_one_locality_with_a_readable_name():
    cities = pd.Series(["München", "MUENCHEN", "Muenchen", "MUNCHEN", "Munich", "München", "Köln",
                        "KOELN", "Cologne", "Aarhus", "Århus"])
    countries = pd.Series(["DEU"] * 9 + ["DNK"] * 2)
    codes, names = city_localities(countries, cities)
    assert codes.iloc[:6].nunique() == 1 and codes.iloc[6:9].nunique() == 1
    assert codes.iloc[0] != codes.iloc[6]
    assert codes.iloc[9] == codes.iloc[10]
    assert set(names.iloc[:6]) == {"München"}  # the most frequent mixed-case spelling
    assert set(names.iloc[6:9]) == {"Köln"}
    # the same name in another country is another place
    other, _ = city_localities(pd.Series(["DEU", "AUT"]), pd.Series(["Neustadt", "Neustadt"]))
    assert other.iloc[0] != other.iloc[1]
    assert city_key(pd.Series(["St. Gallen", "ST-GALLEN"])).nunique() == 1


def test_mojibake_repaired_and_counted():
    fixed, n = repair_text(pd.Series(["MÃ¼nchen", "Bernhard J√∂ckel", "Plain", "Marie Sk?odowska"]))
    assert fixed.tolist() == ["München", "Bernhard Jöckel", "Plain", "Marie Sk?odowska"]
    assert n == 2


def test_nuts_chain_up_to_the_country_with_eu_prefixes():
    regions, part_of = nuts_chain(pd.Series(["EL303", "UKI31", "DE212"]))
    edges = set(map(tuple, part_of.values.tolist()))
    assert {("EL303", "EL30"), ("EL30", "EL3"), ("EL3", "GRC"), ("UKI3", "UKI"),
            ("UKI", "GBR"), ("DE2", "DEU")} <= edges
    lv = dict(zip(regions["code"], regions["level"], strict=True))
    assert (lv["EL303"], lv["EL30"], lv["EL3"]) == ("nuts3", "nuts2", "nuts1")
    assert dict(zip(regions["code"], regions["name"], strict=True))["UKI31"] == (
        "UKI31 (United Kingdom)"
    )


# -- the CORDIS organization.csv header, NUTS localities --------------------------------------


def test_cordis_organization_header_reads_with_nuts(organization_csv):
    t = read_collaborations(organization_csv)
    assert t.layout == "cordis"
    orgs = t.organisations.set_index("id")
    assert orgs.loc["9001", "nuts"] == "DE212"
    assert pd.isna(orgs.loc["9006", "nuts"])  # extra-regio: no place, located by city
    assert orgs.loc["9005", "country"] == "GBR" and orgs.loc["9003", "country"] == "GRC"
    assert t.participations["contribution"].tolist()[0] == 1000.5
    assert t.projects.set_index("id").loc["102", "start_year"] == 2022


def test_nuts_localities_in_the_store_and_actor_sets(store, organization_csv):
    t = read_collaborations(organization_csv)
    write_collaborations(store, t)
    counts = store.counts()
    write_collaborations(store, t)  # idempotent
    pd.testing.assert_frame_equal(counts, store.counts())
    loc = store.run(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(r:Region) "
        "RETURN o.id AS id, r.code AS code, r.level AS level ORDER BY id"
    )
    assert loc.values.tolist() == [
        ["9001", "DE212", "nuts3"], ["9002", "DE271", "nuts3"], ["9003", "EL303", "nuts3"],
        ["9004", "DE21H", "nuts3"], ["9005", "UKI31", "nuts3"], ["9006", "DEU-MUNICH", "city"],
    ]
    chain = store.run(
        "MATCH (:Region {code: 'DE212'})-[:PART_OF]->(a:Region)-[:PART_OF]->(b:Region)"
        "-[:PART_OF]->(c:Region) RETURN a.code AS a, b.code AS b, c.code AS c, c.name AS name"
    )
    assert chain.values.tolist() == [["DE21", "DE2", "DEU", "Germany"]]
    net = read_network(store)
    actors = net["actors"].set_index("actor")
    assert actors.loc["9003", "country"] == "GRC" and actors.loc["9001", "city"] == "DE212"
    m, kinds = resolve_actor_sets(["region:DE21"], net["actors"], net["clusters"], net["regions"])
    assert sorted(m["actor"]) == ["9001", "9004"] and kinds == {"DE21": "region"}
    m, _ = resolve_actor_sets(["region:de2"], net["actors"], net["clusters"], net["regions"])
    assert sorted(m["actor"]) == ["9001", "9002", "9004"]
    m, _ = resolve_actor_sets(["region:DEU"], net["actors"], net["clusters"], net["regions"])
    assert sorted(m["actor"]) == ["9001", "9002", "9004", "9006"]
    m, _ = resolve_actor_sets(["region:GR"], net["actors"], net["clusters"], net["regions"])
    assert m["actor"].tolist() == ["9003"]


def test_compute_collaboration_on_a_nuts2_region(cli_store, organization_csv, tmp_path):
    runner = CliRunner()
    r = runner.invoke(cli, ["load", "collaborations", str(organization_csv), "--sep", ";"],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    out = tmp_path / "de21.csv"
    r = runner.invoke(cli, ["compute", "collaboration", "--actor-set", "region:DE21",
                            "--format", "csv", "--output", str(out), "--no-write"],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    table = pd.read_csv(out)
    assert set(table["actor_set"]) == {"DE21"}
    assert set(table["actor_set_name"]) == {"DE21 (Germany)"}  # names next to codes
    assert table["actors"].max() == 2


# -- defect: a partner list overwrote names with ids and added a second LOCATED_IN --------------


def test_partner_list_keeps_names_and_one_location(store, tmp_path, organization_csv):
    write_collaborations(store, read_collaborations(organization_csv))
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "organisation,partner,year,country,partner_country,partner_type\n"
        "9001,9002,2023,DE,DE,HES\n9006,newco,2023,DE,FR,\n"
    )
    write_collaborations(store, read_collaborations(survey, layout="partners"))
    orgs = store.run(
        "MATCH (o:Organisation) OPTIONAL MATCH (o)-[l:LOCATED_IN]->(r:Region) "
        "RETURN o.id AS id, o.name AS name, o.`type` AS type, count(l) AS n, "
        "collect(r.code) AS regions ORDER BY id"
    ).set_index("id")
    assert orgs.loc["9001", "name"] == "Acme GmbH" and orgs.loc["9002", "name"] == "Uni Augsburg"
    assert orgs.loc["9006", "name"] == "Extra-regio"
    assert orgs.loc["9001", "type"] == "firm" and orgs.loc["9002", "type"] == "university"
    assert orgs.loc["9002", "type"] == "university"
    assert orgs["n"].max() == 1  # one location each
    assert list(orgs.loc["9001", "regions"]) == ["DE212"]  # NUTS 3 beats the country
    assert list(orgs.loc["9006", "regions"]) == ["DEU-MUNICH"]  # the city beats the country
    assert pd.isna(orgs.loc["newco", "name"]) and orgs.loc["newco", "type"] == "other"
    assert list(orgs.loc["newco", "regions"]) == ["FRA"]


def test_more_precise_location_replaces_a_stored_one(store, tmp_path, organization_csv):
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "organisation,partner,year,country,partner_country,city\n9001,9002,2023,DE,DE,Munich\n"
    )
    write_collaborations(store, read_collaborations(survey, layout="partners"))
    before = store.run("MATCH (:Organisation {id: '9002'})-[:LOCATED_IN]->(r) RETURN r.code AS c")
    assert before["c"].tolist() == ["DEU"]
    write_collaborations(store, read_collaborations(organization_csv))
    loc = store.run(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(r:Region) WHERE o.id IN ['9001', '9002'] "
        "RETURN o.id AS id, r.code AS code ORDER BY id"
    )
    assert loc.values.tolist() == [["9001", "DE212"], ["9002", "DE271"]]


def test_a_file_without_project_dates_keeps_stored_dates(store, organization_csv):
    write_collaborations(store, read_collaborations(organization_csv))
    (organization_csv.parent / "project.csv").rename(organization_csv.parent / "elsewhere.csv")
    again = read_collaborations(organization_csv)
    assert again.projects["start_year"].isna().all()
    write_collaborations(store, again)
    got = store.run("MATCH (p:Project) RETURN p.id AS id, p.start_year AS y ORDER BY id")
    assert got.values.tolist() == [["101", 2021], ["102", 2022]]


def test_partner_names_and_sep_options(cli_store, tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text(
        "organisation;name;partner;partner_name;year;partner_country;country\n"
        "a;Acme GmbH;u;Universit\u00c3\u00a9 de Lyon;2023;FR;DE\n"
    )
    runner = CliRunner()
    r = runner.invoke(cli, ["load", "collaborations", str(survey), "--layout", "partners",
                            "--sep", "semicolon"], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    assert "repaired 1 name(s)" in r.output
    members = tmp_path / "members.tsv"
    members.write_text("organisation\tcluster\tsince\na\tC1\t2015\n")
    r = runner.invoke(cli, ["load", "clusters", str(members), "--sep", "tab"],
                      catch_exceptions=False)
    assert r.exit_code == 0, r.output
    r = runner.invoke(cli, ["load", "clusters", str(members), "--sep", "::"],
                      catch_exceptions=False)
    assert r.exit_code != 0 and "not one character" in r.output
    r = runner.invoke(cli, ["query", "run", "--cypher",
                            "MATCH (o:Organisation) RETURN o.id AS id, o.name AS name ORDER BY id",
                            "--format", "csv"], catch_exceptions=False)
    assert r.output.splitlines()[1:] == ["a,Acme GmbH", "u,Université de Lyon"]
