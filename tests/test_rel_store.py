"""Issue 21 on both stores: one location per organisation across partial and full CORDIS
reloads (item 2), and the duplicate-relationship check at scale (item 11)."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pandas as pd

from smartspec.cypher import library
from smartspec.loaders.collaborations import read_collaborations, write_collaborations

H2020 = (
    "rcn,role,pic,type,contribution,country,start_date,end_date\n"
    "1,coordinator,100,HES,10,DE,2015-01-01,2017-12-31\n"
    "1,participant,101,PRC,5,FR,2015-01-01,2017-12-31\n"
    "2,participant,100,HES,3,DE,2016-01-01,2018-12-31\n"
    "2,participant,102,REC,1,IT,2016-01-01,2018-12-31\n"
)
ORG_NODES = (
    '"orgId","name","city","country","shortName"\n'
    '"100","TECHNISCHE UNIVERSITAET MUENCHEN","MUENCHEN","DE","TUM"\n'
    '"101","ACME SA","PARIS","FR","ACME"\n'
    '"102","ISTITUTO ROMANO","ROMA","IT",""\n'
)
PARTS = "rcn,programme_part\n1,SC4\n2,LEIT\n"


def _locations(store) -> pd.DataFrame:
    return store.run(
        "MATCH (o:Organisation) OPTIONAL MATCH (o)-[:LOCATED_IN]->(r:Region) "
        "RETURN o.id AS id, count(r) AS n, collect(r.code) AS regions ORDER BY id"
    )


def test_reload_without_companion_files_keeps_one_city_location(store, tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    (full / "h2020.csv").write_text(H2020)
    (full / "odfest2017_h2020_org_nodes.csv.gz").write_bytes(gzip.compress(ORG_NODES.encode()))
    (full / "programme_parts.csv.gz").write_bytes(gzip.compress(PARTS.encode()))
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(full / "h2020.csv", alone / "h2020.csv")

    write_collaborations(store, read_collaborations(full / "h2020.csv"))
    first = _locations(store)
    assert first["n"].tolist() == [1, 1, 1]
    cities = [list(r) for r in first["regions"]]
    assert [c[0].split("-")[0] for c in cities] == ["DEU", "FRA", "ITA"]
    assert all("-" in c[0] for c in cities)  # city-level: <alpha-3>-<CITY>

    partial = read_collaborations(alone / "h2020.csv")  # no names, no cities: countries only
    assert partial.organisations["city"].isna().all() if "city" in partial.organisations else True
    write_collaborations(store, partial)
    after_partial = _locations(store)
    assert after_partial["n"].tolist() == [1, 1, 1]  # no second, country-level LOCATED_IN
    assert [list(r) for r in after_partial["regions"]] == cities  # the city is kept

    write_collaborations(store, read_collaborations(full / "h2020.csv"))
    again = _locations(store)
    assert again["n"].tolist() == [1, 1, 1]
    assert [list(r) for r in again["regions"]] == cities
    names = store.run("MATCH (o:Organisation) RETURN o.id AS id, o.name AS name ORDER BY id")
    assert names["name"].tolist()[0] == "TECHNISCHE UNIVERSITAET MUENCHEN"


def test_duplicate_relationship_check_finds_planted_duplicates(store):
    store.run(
        "CREATE (:Region {code: 'AAA'}), (:Region {code: 'BBB'}), (:Product {code: '0101'}), "
        "(:Product {code: '0102'}), (:Organisation {id: 'o1'}), (:Organisation {id: 'o2'})",
        write=True,
    )
    store.run(
        "MATCH (a:Region {code: 'AAA'}), (b:Region {code: 'BBB'}), (p:Product {code: '0101'}), "
        "(q:Product {code: '0102'}), (o1:Organisation {id: 'o1'}), (o2:Organisation {id: 'o2'}) "
        # planted: two EXPORTS of one region, product and year
        "CREATE (a)-[:EXPORTS {year: 2017, value: 1.0}]->(p), "
        "(a)-[:EXPORTS {year: 2017, value: 2.0}]->(p), "
        # not duplicates: other year, other region
        "(a)-[:EXPORTS {year: 2018, value: 1.0}]->(p), (b)-[:EXPORTS {year: 2017}]->(p), "
        # planted: an undirected pair stored in both directions
        "(o2)-[:COLLABORATES_WITH {projects: 1}]->(o1), "
        "(o1)-[:COLLABORATES_WITH {projects: 1}]->(o2), "
        # planted: three proximities of one method (two reversed), one of another method
        "(q)-[:PROXIMITY {year: 2017, method: 'cond'}]->(p), "
        "(p)-[:PROXIMITY {year: 2017, method: 'cond'}]->(q), "
        "(q)-[:PROXIMITY {year: 2017, method: 'cond'}]->(p), "
        "(p)-[:PROXIMITY {year: 2017, method: 'other'}]->(q), "
        # a directed type in both directions is not a duplicate
        "(a)-[:PART_OF]->(b), (b)-[:PART_OF]->(a)",
        write=True,
    )
    found = library.run(store, "check_duplicate_relationships")
    got = [
        [r.type, r.node_a, r.node_b, None if pd.isna(r.year) else int(r.year),
         None if pd.isna(r.method) else r.method, int(r.count)]
        for r in found.itertuples()
    ]
    assert got == [
        ["COLLABORATES_WITH", "o1", "o2", None, None, 2],
        ["EXPORTS", "AAA", "0101", 2017, None, 2],
        ["PROXIMITY", "0101", "0102", 2017, "cond", 3],
    ]


def test_duplicate_relationship_check_is_empty_on_a_clean_load(store):
    path = Path(__file__).resolve().parents[1] / "loaders" / "data" / "world_trade_1980.csv.gz"
    from smartspec.loaders.trade import read_trade, write_trade

    write_trade(store, read_trade(path, year=1980, level=2))
    assert library.run(store, "check_duplicate_relationships").empty
