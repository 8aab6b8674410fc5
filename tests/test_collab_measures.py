"""Collaboration measures, hand-worked on small networks (every brokerage role included)."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from smartspec.algorithms import collaboration as c
from smartspec.algorithms._validation import ValidationError

# Berlin: a, b, e; Munich: m; Paris: p; Rome: r (country groups by the default EU table)
ACTORS = pd.DataFrame(
    {
        "actor": list("abemprx"),
        "type": [
            "firm",
            "university",
            "firm",
            "research organisation",
            "firm",
            "public body",
            "firm",
        ],
        "country": ["DEU", "DEU", "DEU", "DEU", "FRA", "ITA", None],
        "city": ["B", "B", "B", "M", "P", "R", None],
    }
)


def ties(pairs, year=2015):
    return pd.DataFrame(
        {"source": [p[0] for p in pairs], "target": [p[1] for p in pairs], "year": year}
    )


BERLIN = pd.DataFrame({"actor": list("abe"), "actor_set": "BER"})


def test_projection_by_year_and_summary():
    part = pd.DataFrame(
        {
            "actor": list("abcabd"),
            "project": ["p", "p", "p", "q", "q", "r"],
            "year": [2015, 2015, 2015, 2017, 2017, None],
        }
    )
    t = c.project_ties(part)
    assert t[["source", "target", "projects"]].values.tolist() == [
        ["a", "b", 1],
        ["a", "b", 1],
        ["a", "c", 1],
        ["b", "c", 1],
    ]
    s = c.collaboration_pairs(t).set_index(["source", "target"])
    assert s.loc[("a", "b")].tolist() == [2015, 2017, 2]


def test_tie_geography_hand_worked():
    # a-b internal local, a-m national, a-p and b-p international, e-r international, a-x unknown
    t = ties([("a", "b"), ("a", "m"), ("a", "p"), ("b", "p"), ("e", "r"), ("a", "x")])
    g = c.tie_geography(t, ACTORS, BERLIN).iloc[0]
    assert (
        g["ties"],
        g["local_ties"],
        g["national_ties"],
        g["international_ties"],
        g["unknown_ties"],
    ) == (6, 1, 1, 3, 1)
    assert g["international_share"] == pytest.approx(3 / 5)
    assert g["ei_index"] == pytest.approx((4 - 1) / 5)
    assert g["membership_ei_index"] == pytest.approx((5 - 1) / 6)
    assert g["partner_countries"] == 2
    # shares FRA 2/3, ITA 1/3
    assert g["partner_country_diversity"] == pytest.approx(
        -(2 / 3 * np.log(2 / 3) + 1 / 3 * np.log(1 / 3))
    )
    country = c.tie_geography(t, ACTORS, BERLIN, locality="country").iloc[0]
    assert country["local_ties"] == 2 and country["national_ties"] == 0


def test_distance_bands_when_coordinates_exist():
    actors = ACTORS.assign(
        latitude=[52.52, 52.5, 52.5, 48.14, 48.86, 41.9, np.nan],
        longitude=[13.40, 13.4, 13.4, 11.58, 2.35, 12.5, np.nan],
    )
    g = c.tie_geography(ties([("a", "b"), ("a", "m"), ("a", "p")]), actors, BERLIN).iloc[0]
    assert [g["ties_0_50km"], g["ties_50_250km"], g["ties_250_1000km"], g["ties_1000km_plus"]] == [
        1,
        0,
        2,
        0,
    ]


def test_local_buzz_hand_worked():
    t = ties([("a", "b"), ("a", "p")])
    b = c.local_buzz(t, ACTORS, BERLIN).iloc[0]
    # active members a, b (e has no tie): one internal tie, density 1, one component
    assert (
        b["actors"],
        b["internal_ties"],
        b["internal_density"],
        b["internal_components"],
        b["internal_avg_degree"],
    ) == (2, 1, 1.0, 1, 1.0)
    t2 = ties([("a", "b"), ("b", "e"), ("a", "e"), ("e", "p")])
    b2 = c.local_buzz(t2, ACTORS, BERLIN).iloc[0]
    assert b2["internal_clustering"] == pytest.approx(1.0)
    assert b2["internal_density"] == pytest.approx(1.0)


def test_global_pipelines_and_gini():
    t = ties([("a", "p"), ("a", "r"), ("b", "p"), ("b", "e")])
    p = c.global_pipelines(t, ACTORS, BERLIN).iloc[0]
    # international ties: a 2, b 1, e 0
    assert p["pipeline_actors"] == 2
    assert p["international_ties_per_actor"] == pytest.approx(1.0)
    assert p["pipeline_actor_share"] == pytest.approx(2 / 3)
    assert p["pipeline_gini"] == pytest.approx(c.gini([0, 1, 2])) == pytest.approx(4 / 9)
    assert p["pipeline_top5_share"] == 1.0
    assert c.gini([5]) == 0.0 and c.gini([]) == 0.0


@pytest.mark.parametrize(
    "groups, role",
    [
        ((1, 1, 1), "coordinator"),
        ((1, 2, 1), "consultant"),
        ((1, 2, 2), "gatekeeper"),
        ((1, 1, 2), "representative"),
        ((1, 2, 3), "liaison"),
    ],
)
def test_every_gould_fernandez_role_directed(groups, role):
    t = ties([("a", "b"), ("b", "c")])
    g = pd.Series(dict(zip("abc", groups, strict=True)))
    r = c.brokerage_roles(t, g, directed=True).set_index("actor")
    assert r.loc["b", role] == 1
    assert r.loc["b", "brokerage"] == 1
    assert r.loc[["a", "c"], "brokerage"].sum() == 0


def test_closed_triads_broker_nothing_and_undirected_convention():
    g = pd.Series({"a": 1, "b": 1, "c": 2})
    closed = ties([("a", "b"), ("b", "c"), ("a", "c")])
    assert c.brokerage_roles(closed, g)["brokerage"].sum() == 0
    # undirected a - b - c with c in another group: one gatekeeper and one representative
    r = c.brokerage_roles(ties([("a", "b"), ("b", "c")]), g).set_index("actor").loc["b"]
    assert (r["gatekeeper"], r["representative"], r["coordinator"]) == (1, 1, 0)
    # star around b, leaves in groups 1, 1, 2, 3: 1 coordinator, 4 gate/rep (2 x 2), 1 liaison
    g2 = pd.Series({"b": 1, "a": 1, "e": 1, "p": 2, "r": 3})
    star = c.brokerage_roles(ties([("b", x) for x in "aepr"]), g2).set_index("actor").loc["b"]
    assert star[list(c.ROLES)].tolist() == [1, 0, 4, 4, 1]
    # reciprocated directed ties are not paths back to the same actor
    back = c.brokerage_roles(ties([("a", "b"), ("b", "a")]), g, directed=True)
    assert back["brokerage"].sum() == 0


def test_roles_match_brute_force_on_random_graph():
    rng = np.random.default_rng(3)
    g = nx.gnp_random_graph(25, 0.2, seed=3, directed=True)
    groups = pd.Series({n: int(rng.integers(0, 4)) for n in g.nodes})
    t = ties(list(g.edges))
    got = c.brokerage_roles(t, groups, directed=True).set_index("actor")
    expected = {n: dict.fromkeys(c.ROLES, 0) for n in g.nodes}
    for b in g.nodes:
        for a in g.predecessors(b):
            for d in g.successors(b):
                if a == d or g.has_edge(a, d):
                    continue
                ga, gb, gd = groups[a], groups[b], groups[d]
                if ga == gb == gd:
                    k = "coordinator"
                elif ga == gd:
                    k = "consultant"
                elif gb == gd:
                    k = "gatekeeper"
                elif ga == gb:
                    k = "representative"
                else:
                    k = "liaison"
                expected[b][k] += 1
    for n in got.index:
        assert got.loc[n, list(c.ROLES)].tolist() == [expected[n][k] for k in c.ROLES]


def test_betweenness_exact_and_sampled():
    g = nx.karate_club_graph()
    t = ties(list(g.edges))
    exact = c.betweenness(t).set_index("actor")["betweenness"]
    ref = nx.betweenness_centrality(g)
    assert all(exact[n] == pytest.approx(ref[n]) for n in g.nodes)
    sampled = c.betweenness(t, sources=20, seed=1).set_index("actor")["betweenness"]
    assert sampled.idxmax() == exact.idxmax()


def test_brokerage_summary_and_type_shares():
    t = ties([("a", "b"), ("b", "p"), ("b", "m"), ("e", "p")])
    s, per = c.brokerage(t, ACTORS, BERLIN)
    row = per.set_index("actor").loc["b"]
    # b: open pairs (a,p) gate/rep, (a,m) gate/rep, (p,m) liaison
    assert (row["gatekeeper"], row["representative"], row["liaison"]) == (2, 2, 1)
    srow = s.iloc[0]
    assert srow["brokerage_share_university"] == pytest.approx(1.0)
    assert srow["max_betweenness"] > 0


def test_partner_selection_new_known_and_proximity():
    t = pd.DataFrame(
        {
            "source": ["a", "a", "a", "b"],
            "target": ["p", "p", "m", "r"],
            "year": [2015, 2016, 2016, 2016],
        }
    )
    profiles = pd.DataFrame(
        {"actor": list("apmbr"), "activity": ["x", "x", "y", "x", "y"], "value": 1.0}
    )
    s = c.partner_selection(t, ACTORS, BERLIN, profiles=profiles).set_index("year")
    assert s.loc[2015, ["partners", "new_partners"]].tolist() == [1, 1]
    assert s.loc[2016, ["partners", "new_partners", "known_partners"]].tolist() == [3, 2, 1]
    # new in 2016: a-m (national), b-r (international)
    assert s.loc[2016, "new_national_share"] == 0.5
    assert s.loc[2016, "new_international_share"] == 0.5
    # chosen: cos(a, m) = 0, cos(b, r) = 0 -> 0; available for a: {b, r} minus partners {p, m}
    # -> cos(a,b)=1, cos(a,r)=0 -> 0.5; for b: {a, p, m} -> 1, 1, 0 -> 2/3; weights 1 and 1
    assert s.loc[2016, "tech_proximity_chosen"] == pytest.approx(0.0)
    assert s.loc[2016, "tech_proximity_available"] == pytest.approx((0.5 + 2 / 3) / 2)
    # cultural (default EU groups): a-m same country 1, b-r both EU15 0.5 -> chosen 0.75
    assert s.loc[2016, "cultural_proximity_chosen"] == pytest.approx(0.75)


def test_known_before_flag_overrides_history():
    t = pd.DataFrame({"source": ["a"], "target": ["p"], "year": [2018], "known_before": [True]})
    s = c.partner_selection(t, ACTORS, BERLIN).iloc[0]
    assert (s["new_partners"], s["known_partners"]) == (0, 1)


def test_cultural_proximity_table():
    p = c.cultural_proximity()
    assert p.loc["DEU", "DEU"] == 1 and p.loc["DEU", "FRA"] == 0.5 and p.loc["DEU", "POL"] == 0
    attrs = pd.DataFrame({"country": ["CHE", "DEU", "FRA"], "language": ["de;fr", "de", "fr"]})
    q = c.cultural_proximity(attrs)
    assert q.loc["CHE", "FRA"] == 0.5 and q.loc["DEU", "FRA"] == 0.0


def test_collaboration_measures_all_sets_and_periods():
    t = pd.DataFrame({"source": list("aab"), "target": list("bpp"), "year": [2015, 2016, 2017]})
    binned = c.assign_periods(t, 2)
    assert binned["year"].tolist() == [2015, 2015, 2017]
    r = c.collaboration_measures(
        binned, ACTORS, c.actor_sets(ACTORS, "country"), locality="country"
    )
    s = r["summary"].set_index(["actor_set", "year"])
    assert s.loc[("DEU", 2015), "ties"] == 2 and s.loc[("FRA", 2017), "ties"] == 1
    assert s.loc[("DEU", 2015), "local_share"] == 0.5
    assert set(r["actors"]["actor"]) <= set("abp")


def test_bad_input():
    with pytest.raises(ValidationError, match="self-tie"):
        c.member_ties(ties([("a", "a")]), ACTORS, BERLIN)
    with pytest.raises(ValidationError, match="locality must be one of city, country"):
        c.tie_geography(ties([("a", "b")]), ACTORS, BERLIN, locality="nuts")
    with pytest.raises(ValidationError, match="lacks column"):
        c.tie_geography(ties([("a", "b")]), ACTORS.drop(columns="country"), BERLIN)
