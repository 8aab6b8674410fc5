"""The learned partner ranker: features by hand, honesty (no data after the cut-off reaches it),
contributions that add up, explanations in words, the model cache and the CLI."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from test_recommend_components import tiny_network

from smartspec.algorithms import link_prediction as lp
from smartspec.algorithms import recommendation as rec
from smartspec.algorithms._validation import ValidationError
from smartspec.workflows import partners as flows


def _synthetic(seed=0, years=range(2012, 2021), orgs=200, per_year=30):
    """Projects of 3-6 members; members pulled towards earlier partners, same topic, country."""
    rng = np.random.default_rng(seed)
    ids = [f"o{i:03d}" for i in range(orgs)]
    country = rng.choice(["DEU", "FRA", "ITA", "JPN"], size=orgs)
    home = rng.integers(0, 3, size=orgs)
    rows, topics = [], []
    partners = {i: set() for i in range(orgs)}
    k = 0
    for y in years:
        for _ in range(per_year):
            topic = int(rng.integers(0, 3))
            lead = int(rng.choice(np.flatnonzero(home == topic)))
            members = {lead}
            size = int(rng.integers(3, 7))
            while len(members) < size:
                pool = set().union(*(partners[m] for m in members)) - members
                if pool and rng.random() < 0.6:
                    members.add(int(rng.choice(sorted(pool))))
                else:
                    members.add(int(rng.integers(0, orgs)))
            for m in members:
                partners[m] |= members - {m}
                rows.append((ids[m], f"p{k}", y, "coordinator" if m == lead else "participant"))
            topics.append((f"p{k}", "ABC"[topic]))
            k += 1
    part = pd.DataFrame(rows, columns=["organisation", "project", "year", "role"])
    top = pd.DataFrame(topics, columns=["project", "topic"])
    org = pd.DataFrame({"organisation": ids, "name": [f"Org {i}" for i in range(orgs)],
                        "type": rng.choice(["firm", "university"], size=orgs),
                        "country": country})
    return part, top, org


# -- features ---------------------------------------------------------------------------------


def test_features_by_hand():
    part, topics, orgs = tiny_network()
    li = lp.link_index(part, topics, orgs, until=2016)
    assert li.year == 2016
    pos = {o: i for i, o in enumerate(li.base.organisations)}
    f = lp._Features(li, [np.array([pos["a"]])])
    c = np.array([pos["d"], pos["e"], pos["f"]])
    r = np.zeros(3, dtype=int)
    got = {name: f.get(name, r, c) for name in lp.FEATURES}
    # a's partners: b, c. d shares b and c; e shares c; f nobody
    assert got["common_partners"].tolist() == [2, 1, 0]
    # Adamic-Adar: b has 3 partners (a, c, d), c has 4 (a, b, d, e)
    assert got["adamic_adar"][0] == pytest.approx(1 / math.log(3) + 1 / math.log(4))
    # Jaccard of a {b, c} and d {b, c, e}: 2 / 3
    assert got["jaccard"][0] == pytest.approx(2 / 3)
    assert got["distance"].tolist() == [2, 2, 4]
    # c's ties of 2015-2016 are recent, b's too (q 2015): every shared partner is recent
    assert got["recent_common"].tolist() == [2, 1, 0]
    # only a coordinated (p): no shared partner coordinated
    assert got["coordinator_paths"].tolist() == [0, 0, 0]
    # projects started in 2016 / 2015
    assert got["cand_recent"].tolist() == [1, 1, 1] and got["cand_previous"].tolist() == [1, 0, 0]
    assert got["cand_years"].tolist() == [1, 0, 0]
    # a is in DEU; d is in ITA (new for a, whose partners are DEU, FRA); e in FRA (not new)
    assert got["same_country"].tolist() == [0, 0, 0]
    assert got["new_country"].tolist() == [1, 0, 1]
    assert got["focal_partners"].tolist() == [2, 2, 2]
    # nothing before 2015: every partner is new; a has 2 partners, d 3, e 2, f none
    assert got["cand_new_partners"].tolist() == [3, 2, 0]
    assert got["preferential_attachment"] == pytest.approx([math.log(7), math.log(5), 0])
    # projects of 3 or more: p (a, b, c) and r (c, d, e); q (b, d) and s (f) are smaller
    assert got["cand_collaborative"].tolist() == [1, 1, 0]
    assert got["cand_consortium"] == pytest.approx([math.log(3.5), math.log(4), math.log(2)])
    # ties of 2015 weigh 0.5, of 2016 1: a-b, a-c 0.5 (p); b-d 0.5 (q); c-d 1 (r)
    assert got["decayed_adamic_adar"][0] == pytest.approx(0.25 / math.log(3) + 0.5 / math.log(4))
    weighted = rec.combine({k: f.batch.component(k) for k in rec.DEFAULT_WEIGHTS},
                           rec.DEFAULT_WEIGHTS)[0, c]
    assert got["weighted"] == pytest.approx(weighted)
    # relative to a's pool (d, e and f): d has the largest Adamic-Adar, e the next, f none
    assert f.pool[0, c].all()
    assert got["adamic_adar_rank"] == pytest.approx([0, math.log(2), math.log(3)])
    aa_e = 1 / math.log(4) / (1 / math.log(3) + 1 / math.log(4))
    assert got["adamic_adar_share"] == pytest.approx([1, aa_e, 0])


def test_candidate_pool_keeps_network_and_content_candidates():
    part, topics, orgs = _synthetic()
    li = lp.link_index(part, topics, orgs, until=2018)
    members = np.array([0])
    f = lp._Features(li, [members])
    pool = lp.candidate_pool(f, {"adamic_adar": 5, "walk": 5, "content": 3, "activity": 2})
    assert not (pool & ~f.batch.candidates).any()  # never a partner or the focal itself
    top_aa = np.argsort(-np.where(f.batch.candidates[0], f.batch.aa[0], -1))[:5]
    assert pool[0, top_aa].all()
    assert 5 <= pool.sum() <= 15


# -- honesty ----------------------------------------------------------------------------------


def _model(part, topics, orgs, until):
    x, y, groups = lp.training_set(part, topics, orgs, until=until, splits=2, max_focal=None)
    return lp.train_ranker(x, y, groups, rounds=20, params={"min_data_in_leaf": 5})


def test_nothing_after_the_cutoff_reaches_the_model():
    part, topics, orgs = _synthetic()
    until = 2017
    li = lp.link_index(part, topics, orgs, until=until)
    sets = [np.array([i]) for i in range(0, len(li.base.organisations), 13)]
    model = _model(part, topics, orgs, until)
    scores = lp.learned_scores(model, li, sets)[0]
    # shuffle who took part in the later projects, and drop half of them
    later = part["year"] > until
    rng = np.random.default_rng(1)
    shuffled = part.copy()
    shuffled.loc[later, "organisation"] = rng.permutation(part.loc[later, "organisation"])
    shuffled = shuffled.drop(shuffled[later].sample(frac=0.5, random_state=1).index)
    li2 = lp.link_index(shuffled, topics, orgs, until=until)
    model2 = _model(shuffled, topics, orgs, until)
    assert model2.model_to_string() == model.model_to_string()
    np.testing.assert_array_equal(lp.learned_scores(model2, li2, sets)[0], scores)
    assert flows.fingerprint(shuffled, topics, orgs, until) == flows.fingerprint(
        part, topics, orgs, until)
    # ... while a change before the cut-off does change the model's data
    earlier = part.drop(part.index[part["year"] == until][:3])
    assert flows.fingerprint(earlier, topics, orgs, until) != flows.fingerprint(
        part, topics, orgs, until)


def test_training_labels_are_the_next_year_ties():
    part, topics, orgs = tiny_network()
    x, y, groups = lp.training_set(part, topics, orgs, until=2016, splits=2, max_focal=None)
    # one split (2015 -> 2016; 2014 has no tie). Up to 2015 only a, b, c, d exist; r (2016)
    # ties c and d (e is new in 2016, not a candidate yet). Queries: c (candidate d) and
    # d (candidates a, c), in row order
    assert groups == [1, 2] and len(x) == 3
    assert y.tolist() == [1, 0, 1]
    with pytest.raises(ValidationError, match="no earlier time split"):
        lp.training_set(part, topics, orgs, until=2015, splits=1)


def test_training_labels_reach_the_cutoff():
    part, topics, orgs = tiny_network()
    # until 2018: split 2017 labels the ties of 2018 (a-d, a-e), and so does split 2016 with
    # labels up to the cut-off; with a one-year horizon split 2016 (labels 2017) has none
    x, y, groups = lp.training_set(part, topics, orgs, until=2018, splits=2, max_focal=None)
    x1, y1, groups1 = lp.training_set(part, topics, orgs, until=2018, splits=2,
                                      max_focal=None, horizon=1)
    assert groups == groups1 * 2 and y.tolist() == y1.tolist() * 2
    assert y1.sum() == 4  # a-d, a-e (query a), d-a, e-a


# -- contributions and words ------------------------------------------------------------------


def test_contributions_add_up_and_reasons_name_names():
    part, topics, orgs = _synthetic()
    model = _model(part, topics, orgs, 2017)
    li = lp.link_index(part, topics, orgs, until=2017)
    table = lp.recommend_learned(model, li, "o000", top=10)
    assert table["rank"].tolist() == list(range(1, 11))
    assert table["score"].is_monotonic_decreasing
    members = np.array([li.base.organisations.get_loc("o000")])
    _, c, x = lp._pair_rows(li, members, table["organisation"], lp.FEATURES)
    contrib = lp.contributions(model, x)
    np.testing.assert_allclose(contrib.sum(axis=1), lp.score_pairs(model, x), atol=1e-9)
    ev = lp.explain_learned(model, li, "o000", table["organisation"],
                            country_name={"JPN": "Japan", "DEU": "Germany",
                                          "ITA": "Italy", "FRA": "France"}.get)
    assert len(ev) == 10 * len(lp.FEATURES)
    per = ev.groupby("organisation", sort=False)["contribution"].sum()
    assert per.to_numpy() + contrib[0, -1] == pytest.approx(
        lp.score_pairs(model, x)[: len(per)] * 0 + per.to_numpy() + contrib[0, -1])
    reasons = ev.loc[ev["reason"] != "", "reason"]
    assert len(reasons) > 0
    said = ev[ev["reason"] != ""]
    assert not said.duplicated(["organisation", "reason"]).any()  # one phrase, said once
    assert (said.groupby("organisation").size() <= 3).all()
    assert (said["reason_contribution"] >= said["contribution"] - 1e-12).all()
    shared = reasons[reasons.str.contains("shared partner")]
    if len(shared):
        assert "Org " in shared.iloc[0]


def test_reasons_in_words_on_the_tiny_network():
    part, topics, orgs = tiny_network()
    li = lp.link_index(part, topics, orgs, until=2016)
    members = np.array([li.base.organisations.get_loc("a")])
    f = lp._Features(li, [members])
    d = li.base.organisations.get_loc("d")
    e = li.base.organisations.get_loc("e")
    words = lp._words(li, f, members, d, "common_partners", 2.0, None)
    assert words == "2 shared partners: Beta, Gamma"
    assert lp._words(li, f, members, d, "new_country", 1.0,
                     {"ITA": "Italy"}.get) == "adds a partner country: Italy"
    assert lp._words(li, f, members, d, "new_type", 1.0, None) == \
        "adds a partner type: research organisation"
    assert lp._words(li, f, members, e, "similarity", 0.5, None) == ""  # a: X, e: Y
    b = li.base.organisations.get_loc("b")
    fb = lp._Features(li, [np.array([b])])
    assert lp._words(li, fb, np.array([b]), e, "similarity", 0.5, None) == "works in Y like you"


# -- workflow: cache and lists ----------------------------------------------------------------


@pytest.fixture()
def quick(monkeypatch):
    monkeypatch.setitem(flows.TRAINING, "rounds", 10)
    monkeypatch.setitem(lp.PARAMS, "min_data_in_leaf", 5)


def test_model_cache_by_fingerprint(tmp_path, quick):
    part, topics, orgs = _synthetic()
    first = flows.learned_model(part, topics, orgs, until=2017, cache_dir=tmp_path)
    assert first.trained and first.path.exists()
    again = flows.learned_model(part, topics, orgs, until=2017, cache_dir=tmp_path)
    assert not again.trained and again.fingerprint == first.fingerprint
    assert again.booster.model_to_string().strip() == first.booster.model_to_string().strip()
    # later rows change nothing; earlier ones retrain
    later = part[part["year"] <= 2018]
    assert not flows.learned_model(later, topics, orgs, until=2017, cache_dir=tmp_path).trained
    changed = part.drop(part.index[:4])
    other = flows.learned_model(changed, topics, orgs, until=2017, cache_dir=tmp_path)
    assert other.trained and other.fingerprint != first.fingerprint
    assert len(list(tmp_path.glob("partner-ranker-*.txt"))) == 2


def test_workflow_methods(tmp_path, quick):
    part, topics, orgs = _synthetic()
    learned, ev = flows.recommend(part, topics, orgs, "o001", until=2018, cache_dir=tmp_path,
                                  explain=True, top=5)
    assert learned.attrs["method"] == "learned" and len(learned) == 5
    assert set(ev["organisation"]) == set(learned["organisation"])
    weighted, _ = flows.recommend(part, topics, orgs, "o001", method="weighted", until=2018,
                                  top=5)
    idx = rec.partner_index(part, topics, orgs, until=2018)
    pd.testing.assert_frame_equal(weighted, rec.recommend_partners(idx, "o001", top=5),
                                  check_like=True)
    aa, _ = flows.recommend(part, topics, orgs, "o001", method="adamic_adar", until=2018,
                            top=5)
    assert aa["adamic_adar"].is_monotonic_decreasing
    with pytest.raises(ValidationError, match="unknown method"):
        flows.recommend(part, topics, orgs, "o001", method="magic")


def test_backtest_with_the_learned_method(tmp_path, quick):
    part, topics, orgs = _synthetic()
    out = flows.backtest(part, topics, orgs, until=2017, cache_dir=tmp_path, ks=(5,),
                         max_focal=None, cluster_size=(2, 50))
    assert list(out.columns[:7]) == ["method", "k", "precision", "recall", "mrr", "coverage",
                                     "focal_actors"]
    assert out["method"].unique().tolist() == ["learned", "weighted", *rec.BASELINES]
    org = out[out["level"] == "organisation"]
    sizes = org[(org["method"] == "learned")].groupby("group")["focal_actors"].first()
    assert sizes["all"] == sizes.drop("all").sum()  # newcomers + established
    assert set(out["level"]) == {"organisation", "cluster"}
    main = out[(out["level"] == "organisation") & (out["group"] == "all")].set_index("method")
    # every method ranks the same focal actors (quality is tested on the real data)
    assert main["focal_actors"].nunique() == 1 and 0 < main.loc["learned", "mrr"] <= 1
    assert ((out["hits"] >= 0) & (out["hits"] <= 1)).all()


def test_cli_partners_and_backtest_learned(tmp_path, monkeypatch, quick):
    from smartspec.cli.main import cli

    part, topics, orgs = _synthetic()
    monkeypatch.setenv("SMARTSPEC_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(
        "smartspec.cli.partners.read_partner_data",
        lambda *a, **k: __import__("smartspec.cli.partners", fromlist=["PartnerData"])
        .PartnerData(part, topics, orgs, pd.DataFrame(columns=["organisation", "cluster",
                                                               "cluster_name"]), "synthetic"))
    res = CliRunner().invoke(cli, ["recommend", "partners", "--organisation", "o002",
                                   "--until", "2018", "--explain", "--top", "3"])
    assert res.exit_code == 0, res.output
    assert "method learned" in res.output
    assert list((tmp_path / "home" / "models").glob("partner-ranker-*.txt"))
    res = CliRunner().invoke(cli, ["recommend", "partners", "--organisation", "o002",
                                   "--weights", "fit=1", "--method", "learned"])
    assert res.exit_code != 0 and "--method weighted" in res.output
    res = CliRunner().invoke(cli, ["recommend", "backtest", "--until", "2017", "--k", "5",
                                   "--format", "csv", "--methods", "learned,adamic_adar"])
    assert res.exit_code == 0, res.output
    header = res.output.strip().splitlines()[0]
    assert header == ("method,k,precision,recall,mrr,coverage,focal_actors,hits,level,group")
    res = CliRunner().invoke(cli, ["recommend", "backtest", "--until", "2017",
                                   "--methods", "magic"])
    assert res.exit_code != 0 and "unknown method" in res.output


def test_a_focal_sets_scores_do_not_depend_on_its_batch():
    part, topics, orgs = _synthetic()
    li = lp.link_index(part, topics, orgs, until=2017)
    model = _model(part, topics, orgs, 2017)
    cluster = np.array([3, 9, 27, 40])
    alone = lp.learned_scores(model, li, [cluster])[0]
    mixed = lp.learned_scores(model, li, [np.array([1]), cluster, np.arange(50, 90)])[0]
    np.testing.assert_allclose(alone[0], mixed[1], rtol=0, atol=1e-9)
