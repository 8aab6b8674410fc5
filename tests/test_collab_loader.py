"""Collaboration and cluster loaders: CORDIS layouts, partner lists, ISO codes, bad input."""

from __future__ import annotations

import gzip

import pandas as pd
import pytest

from smartspec.loaders._io import LoaderError
from smartspec.loaders.clusters import read_clusters, region_level, write_clusters
from smartspec.loaders.collaborations import (
    city_code,
    read_collaborations,
    write_collaborations,
)
from smartspec.loaders.countries import country_table, to_alpha2, to_alpha3
from smartspec.loaders.datasets import data_path

CORDIS = data_path("h2020.csv.gz").parent
SHARED_HEADER = (
    "rcn,role,pic,type,contribution,country,start_date,end_date,max_contribution,total_cost,"
    "start_year,end_year,duration,group,nunique\n"
)


def write(path, text: str):
    path.write_text(text)
    return path


def shared_row(
    rcn,
    pic,
    type_="PRC",
    country="DE",
    role="participant",
    start="2016-01-01",
    end="2018-12-31",
    contribution="1000",
):
    tail = "1,1,2016,2018,36,eu15,1"
    return f"{rcn},{role},{pic},{type_},{contribution},{country},{start},{end},{tail}\n"


# -- ISO 3166 table ------------------------------------------------------------------------------


def test_country_table_is_iso_with_eu_variants():
    t = country_table()
    assert len(t) == 250 and t["alpha2"].is_unique and t["alpha3"].is_unique
    assert to_alpha3(["UK", "GB", "gbr", "EL", "GR", "XK", "NA", "de"]).tolist() == [
        "GBR",
        "GBR",
        "GBR",
        "GRC",
        "GRC",
        "XKX",
        "NAM",
        "DEU",
    ]
    assert to_alpha2(["GBR", "UK", "EL"]).tolist() == ["GB", "GB", "GR"]
    assert to_alpha3(["ZZ", "", None]).isna().all()
    # every CORDIS country code of the shipped data is known
    codes = pd.read_csv(CORDIS / "h2020.csv.gz", dtype=str, keep_default_na=False)["country"]
    assert to_alpha3(pd.unique(codes)).notna().all()


# -- layouts -------------------------------------------------------------------------------------


def test_shared_layout_maps_types_countries_and_namibia(tmp_path):
    f = write(
        tmp_path / "h.csv",
        SHARED_HEADER
        + shared_row(1, "a", "HES", "UK", "coordinator")
        + shared_row(1, "b", "PRC", "EL", contribution="NA")
        + shared_row(1, "c", "PUB", "NA")
        + shared_row(2, "a", "HES", "UK", start="NA", end="NA"),
    )
    t = read_collaborations(f)
    assert t.layout == "cordis-shared"
    orgs = t.organisations.set_index("id")
    assert orgs.loc[["a", "b", "c"], "country"].tolist() == ["GBR", "GRC", "NAM"]
    assert orgs.loc[["a", "b", "c"], "type"].tolist() == ["university", "firm", "public body"]
    assert orgs.loc["a", "type_code"] == "HES"
    assert t.participations["contribution"].isna().sum() == 1  # NA is missing, not Namibia
    assert t.projects.set_index("id").loc["2", "start_year"] is pd.NA
    assert any("without a start date" in n for n in t.notes)
    ties = t.ties()
    assert ties[["source", "target", "year"]].astype(str).values.tolist() == [
        ["a", "b", "2016"],
        ["a", "c", "2016"],
        ["b", "c", "2016"],
    ]


def test_cordis_open_data_layout_with_projects(tmp_path):
    write(
        tmp_path / "project.csv",
        "id;acronym;startDate;endDate;frameworkProgramme\n101;X;2021-03-01;2024-02-28;HORIZON\n",
    )
    f = write(
        tmp_path / "organization.csv",
        "projectID;organisationID;name;shortName;SME;activityType;city;country;nutsCode;"
        "geolocation;role;ecContribution\n"
        "101;9001;Acme GmbH;ACME;true;PRC;München;DE;DE212;48.1,11.6;coordinator;1000,5\n"
        "101;9002;Uni Paris;UP;false;HES;Paris;FR;FR101;48.85,2.35;participant;200\n",
    )
    t = read_collaborations(f)
    assert t.layout == "cordis"
    orgs = t.organisations.set_index("id")
    assert orgs.loc["9001", ["type", "country", "city", "sme"]].tolist() == [
        "firm",
        "DEU",
        "München",
        True,
    ]
    assert orgs.loc["9002", "latitude"] == pytest.approx(48.85)
    assert t.participations["contribution"].tolist() == [1000.5, 200.0]
    assert t.projects[["start_year", "end_year", "programme"]].values.tolist() == [
        [2021, 2024, "HORIZON"]
    ]
    assert city_code(pd.Series(["DEU"]), pd.Series(["München"])).tolist() == ["DEU-MUNICH"]


def test_partner_list_layout(tmp_path):
    f = write(
        tmp_path / "p.csv",
        "organisation,partner,year,partner_country,partner_type,known_before,channel,country\n"
        "acme,uni,2018,FR,university,yes,fair,DE\nacme,lab,2019,DE,RTO,no,,DE\n",
    )
    t = read_collaborations(f)
    assert t.layout == "partners"
    assert t.partnerships["known_before"].tolist() == [True, False]
    orgs = t.organisations.set_index("id")
    assert orgs.loc[["uni", "lab", "acme"], "type"].tolist() == [
        "university",
        "research organisation",
        "other",
    ]
    assert orgs.loc["acme", "country"] == "DEU"


# -- bad input: each a clear message naming the file and lines -----------------------------------


def test_unknown_type_refused_or_other(tmp_path):
    f = write(tmp_path / "h.csv", SHARED_HEADER + shared_row(1, "a") + shared_row(1, "b", "XYZ"))
    with pytest.raises(
        LoaderError,
        match=r"h\.csv: column 'type' has 1 unknown organisation "
        r"type\(s\) at line\(s\) 3 \('XYZ'\).*--unknown-types",
    ):
        read_collaborations(f)
    t = read_collaborations(f, unknown_types="other")
    assert t.organisations.set_index("id").loc["b", ["type", "type_code"]].tolist() == [
        "other",
        "XYZ",
    ]


def test_missing_and_unknown_countries(tmp_path):
    f = write(
        tmp_path / "h.csv", SHARED_HEADER + shared_row(1, "a") + shared_row(1, "b", country="")
    )
    with pytest.raises(
        LoaderError,
        match=r"column 'country' is empty at 1 line\(s\): 3.*"
        r"--missing-country unlocated",
    ):
        read_collaborations(f)
    t = read_collaborations(f, missing_country="unlocated")
    assert t.organisations.set_index("id").loc["b", "country"] is pd.NA or pd.isna(
        t.organisations.set_index("id").loc["b", "country"]
    )
    g = write(tmp_path / "g.csv", SHARED_HEADER + shared_row(1, "a", country="ZZ"))
    with pytest.raises(LoaderError, match=r"1 unknown country code\(s\) at line\(s\) 2 \('ZZ'\)"):
        read_collaborations(g)


def test_duplicate_participations_refused_or_merged(tmp_path):
    f = write(
        tmp_path / "h.csv",
        SHARED_HEADER
        + shared_row(1, "a", contribution="5")
        + shared_row(1, "b")
        + shared_row(1, "a", role="coordinator", contribution="7"),
    )
    with pytest.raises(
        LoaderError,
        match=r"1 duplicate participation\(s\).*organisation a in "
        r"project 1 at lines 2, 4.*--duplicates merge",
    ):
        read_collaborations(f)
    t = read_collaborations(f, duplicates="merge")
    row = t.participations.set_index("organisation").loc["a"]
    assert (row["role"], row["contribution"]) == ("coordinator", 12.0)


def test_dates_out_of_order(tmp_path):
    f = write(
        tmp_path / "h.csv", SHARED_HEADER + shared_row(7, "a", start="2019-05-01", end="2018-01-01")
    )
    with pytest.raises(
        LoaderError,
        match=r"1 project\(s\) end before they start, e\.g\. "
        r"project 7 \(2019-05-01 to 2018-01-01\) at line\(s\) 2",
    ):
        read_collaborations(f)


def test_self_ties_and_duplicates_in_partner_lists(tmp_path):
    f = write(tmp_path / "p.csv", "organisation,partner,year\na,b,2018\nc,C,2019\n")
    with pytest.raises(LoaderError, match=r"1 self-tie\(s\).*at line\(s\) 3"):
        read_collaborations(f)
    g = write(tmp_path / "q.csv", "organisation,partner,year\na,b,2018\na,b,2018\n")
    with pytest.raises(LoaderError, match=r"duplicate \(organisation, partner, year\)"):
        read_collaborations(g)
    assert len(read_collaborations(g, duplicates="merge").partnerships) == 1
    h = write(tmp_path / "r.csv", "organisation,partner,year,known_before\na,b,2018,maybe\n")
    with pytest.raises(LoaderError, match=r"'known_before'.*not yes/no at line\(s\) 2"):
        read_collaborations(h)


def test_unrecognised_layout(tmp_path):
    with pytest.raises(LoaderError, match="unrecognised collaboration layout"):
        read_collaborations(write(tmp_path / "x.csv", "a,b\n1,2\n"))


# -- clusters -------------------------------------------------------------------------------------


def test_cluster_files_and_bad_input(tmp_path):
    m = read_clusters(
        write(tmp_path / "m.csv", "organisation,cluster,since,type\na,C1,2015,firm\nb,C1,,HES\n")
    )
    assert m.layout == "membership"
    assert m.memberships["since"].tolist()[0] == 2015 and pd.isna(m.memberships["since"][1])
    a = read_clusters(
        write(tmp_path / "a.csv", "cluster,name,region,specialisation\nC1,Optics,de,C26;C27|C28\n")
    )
    assert a.clusters[["region", "level"]].values.tolist() == [["DEU", "country"]]
    assert a.specialisations["code"].tolist() == ["C26", "C27", "C28"]
    codes, levels = region_level(pd.Series(["DE2", "DE212", "uk"]))
    assert codes.tolist() == ["DE2", "DE212", "GBR"]
    assert levels.tolist() == ["nuts1", "nuts3", "country"]
    with pytest.raises(
        LoaderError,
        match=r"'since' has 1 value\(s\) that are not a year at "
        r"line\(s\) 2",
    ):
        read_clusters(write(tmp_path / "b.csv", "organisation,cluster,since\na,C1,soon\n"))
    with pytest.raises(LoaderError, match=r"duplicate \(organisation, cluster\)"):
        read_clusters(write(tmp_path / "d.csv", "organisation,cluster\na,C1\na,C1\n"))
    with pytest.raises(LoaderError, match="listed more than once"):
        read_clusters(write(tmp_path / "e.csv", "cluster,name\nC1,x\nC1,y\n"))


# -- stores: the shipped CORDIS files, twice, same counts -----------------------------------------


@pytest.fixture(scope="module")
def cordis_subset(tmp_path_factory):
    """The first 150 projects with at most 12 participants of the shipped H2020 file."""
    h = pd.read_csv(CORDIS / "h2020.csv.gz", dtype=str, keep_default_na=False)
    size = h.groupby("rcn")["pic"].transform("size")
    keep = pd.unique(h.loc[size <= 12, "rcn"])[:150]
    path = tmp_path_factory.mktemp("cordis") / "h2020_subset.csv.gz"
    with gzip.open(path, "wt") as fh:
        h[h["rcn"].isin(keep)].to_csv(fh, index=False)
    return path


def test_load_cordis_twice_same_counts(store, cordis_subset):
    table = read_collaborations(
        cordis_subset,
        organisations=CORDIS / "odfest2017_h2020_org_nodes.csv.gz",
        programme_parts=CORDIS / "programme_parts.csv.gz",
    )
    first = write_collaborations(store, table)
    c1 = store.counts()
    second = write_collaborations(store, table)
    pd.testing.assert_frame_equal(c1, store.counts())
    assert first == second
    counts = dict(zip(c1["name"], c1["count"], strict=True))
    assert counts["Project"] == 150
    assert counts["PARTICIPATES_IN"] == len(table.participations)
    assert counts["COLLABORATES_WITH"] == first["pairs"] > 0
    assert counts["LOCATED_IN"] == counts["Organisation"]  # every organisation has a country
    # every organisation has a type; countries keyed by ISO alpha-3 like the trade loader
    assert (
        store.run("MATCH (o:Organisation) WHERE o.`type` IS NULL RETURN count(o) AS n")["n"].iloc[0]
        == 0
    )
    uk = store.run("MATCH (r:Region {code: 'GBR'}) RETURN r.name AS name, r.level AS level")
    assert uk.values.tolist() == [["United Kingdom", "country"]]
    city = store.run(
        "MATCH (c:Region {level: 'city'})-[:PART_OF]->(k:Region) RETURN k.level AS level LIMIT 1"
    )
    assert city["level"].tolist() == ["country"]
    # clusters on top: members keep their CORDIS type
    pic = table.participations["organisation"].iloc[0]
    members = read_clusters(
        write(
            cordis_subset.parent / "m.csv", f"organisation,cluster,since\n{pic},C1,2015\nnew1,C1,\n"
        )
    )
    write_clusters(store, members)
    write_clusters(store, members)
    types = store.run(
        "MATCH (o:Organisation)-[m:MEMBER_OF]->(:Cluster {id: 'C1'}) "
        "RETURN o.id AS id, o.`type` AS type ORDER BY id"
    )
    expected = table.organisations.set_index("id").loc[pic, "type"]
    assert dict(zip(types["id"], types["type"], strict=True)) == {pic: expected, "new1": "other"}
