"""Partner recommendation: explain, the backtest on a hand-checked case, the CLI and bad input."""

from __future__ import annotations

import gzip
import json
import math

import pandas as pd
import pytest
from click.testing import CliRunner
from test_recommend_components import tiny_network

from smartspec.algorithms import recommendation as rec
from smartspec.algorithms._validation import ValidationError
from smartspec.cli.partners import backtest, partners


def test_explain_lists_shared_partners_topics_and_pipelines():
    part, topics, orgs = tiny_network()
    idx = rec.partner_index(part, topics, orgs, until=2016)
    ev = rec.explain(idx, "a", ["d"])
    shared = ev[ev["evidence"] == "shared partner"]
    # b has 3 partners, c has 4: b (1/ln 3) says more and comes first
    assert shared["item"].tolist() == ["b", "c"]
    assert shared["name"].tolist() == ["Beta", "Gamma"]
    assert shared["value"].tolist() == pytest.approx([1 / math.log(3), 1 / math.log(4)], abs=1e-4)
    assert ev.loc[ev["evidence"] == "new country", "item"].tolist() == ["ITA"]
    assert ev.loc[ev["evidence"] == "new type", "item"].tolist() == ["research organisation"]
    # b works in X and Y; e works in Y only: a shared topic with its share
    ev_b = rec.explain(idx, "b", ["e"])
    topic = ev_b[ev_b["evidence"] == "shared topic"]
    assert topic["item"].tolist() == ["Y"] and topic["value"].tolist() == [0.5]


def test_backtest_hand_checked():
    part, topics, orgs = tiny_network()
    out = rec.backtest(part, topics, orgs, until=2016, ks=(1, 2),
                       methods=["common_neighbours"], groups=False, clusters=False)
    # focal a: CN d=2, e=1 (both new) -> RR 1; d: a=2 -> RR 1; e: b=2, a=1 -> RR 1/2
    one, two = out.iloc[0], out.iloc[1]
    assert out["focal_actors"].tolist() == [3, 3]
    assert one["mrr"] == pytest.approx((1 + 1 + 0.5) / 3)
    assert one["precision"] == pytest.approx(2 / 3)
    assert one["recall"] == pytest.approx((0.5 + 1 + 0) / 3)
    assert two["precision"] == pytest.approx((1 + 0.5 + 0.5) / 3)
    assert two["recall"] == pytest.approx(1.0)
    assert one["coverage"] == pytest.approx(3 / 6)  # {d, a, b} of 6 candidates
    assert two["coverage"] == pytest.approx(5 / 6)


def test_backtest_hits_groups_and_clusters_hand_checked():
    part, topics, orgs = tiny_network()
    out = rec.backtest(part, topics, orgs, until=2016, ks=(1, 2), methods=["common_neighbours"],
                       newcomer_partners=2, cluster_size=(2, 10))
    key = out.set_index(["level", "group", "k"])
    # Hits@1: a (d first: new) and d (a first) but not e (b first): 2/3; Hits@2: all three
    assert key.loc[("organisation", "all", 1), "hits"] == pytest.approx(2 / 3)
    assert key.loc[("organisation", "all", 2), "hits"] == pytest.approx(1.0)
    # newcomers (at most 2 partners up to 2016): a (RR 1) and e (RR 1/2); established: d
    assert key.loc[("organisation", "newcomers", 1), "focal_actors"] == 2
    assert key.loc[("organisation", "newcomers", 1), "mrr"] == pytest.approx(0.75)
    assert key.loc[("organisation", "established", 1), "mrr"] == pytest.approx(1.0)
    # clusters (country x topic, 2+ members): DEU-X {a, b} and FRA-Y {c, e}. {a, b} reaches
    # c, d; of the candidates e, f, e (a's new partner, 2 common partners) comes first: a hit.
    # {c, e}'s only candidate is f, with no new tie: not scored
    assert key.loc[("cluster", "all", 1), "focal_actors"] == 1
    assert key.loc[("cluster", "all", 1), "mrr"] == pytest.approx(1.0)
    assert key.loc[("cluster", "all", 1), "hits"] == pytest.approx(1.0)
    assert out.attrs["clusters"] == 1 and out.attrs["cluster_pool"] == 2


def test_backtest_rows_and_honesty():
    part, topics, orgs = tiny_network()
    out = rec.backtest(part, topics, orgs, until=2016, ks=(1, 2))
    assert list(out.columns) == ["method", "k", "precision", "recall", "mrr", "coverage",
                                 "focal_actors", "hits", "level", "group"]
    assert out["method"].unique().tolist() == ["weighted", *rec.BASELINES]
    # changing what happens after the year changes no score: the answers only
    later = part.assign(year=part["year"].where(part["year"] <= 2016, 2019))
    again = rec.backtest(later, topics, orgs, until=2016, ks=(1, 2))
    pd.testing.assert_frame_equal(out, again)
    with pytest.raises(ValidationError, match="no organisation"):
        rec.backtest(part, topics, orgs, until=2018)


def test_recommend_bad_input():
    part, topics, orgs = tiny_network()
    idx = rec.partner_index(part, topics, orgs, until=2016)
    with pytest.raises(ValidationError, match="did you mean"):
        rec.recommend_partners(idx, "aa")
    with pytest.raises(ValidationError, match="no candidate left"):
        rec.recommend_partners(idx, "a", countries=["USA"])
    lone = rec.recommend_partners(idx, "f", top=None)
    assert (lone["basis"] == "content only").all() and lone.attrs["note"]
    assert (lone["common_partners"] == 0).all()


# -- CLI --------------------------------------------------------------------------------------


@pytest.fixture()
def files(tmp_path, monkeypatch):
    monkeypatch.setenv("SMARTSPEC_HOME", str(tmp_path / "home"))  # the learned model's cache
    part, topics, orgs = tiny_network()
    proj_year = part.drop_duplicates("project").set_index("project")["year"]
    cc = {"DEU": "DE", "FRA": "FR", "ITA": "IT", "ESP": "ES"}
    code = {"university": "HES", "firm": "PRC", "research organisation": "REC"}
    o = orgs.set_index("organisation")
    rows = pd.DataFrame({
        "rcn": part["project"].map(lambda p: str(100 + ord(p))),
        "role": part["role"],
        "pic": part["organisation"].map(lambda x: str(900 + ord(x))),
        "type": part["organisation"].map(lambda x: code[o.loc[x, "type"]]),
        "contribution": 1000,
        "country": part["organisation"].map(lambda x: cc[o.loc[x, "country"]]),
        "start_date": part["project"].map(lambda p: f"{proj_year[p]}-01-01"),
        "end_date": part["project"].map(lambda p: f"{proj_year[p] + 2}-12-31"),
    })
    h2020 = tmp_path / "h2020.csv.gz"
    with gzip.open(h2020, "wt") as fh:
        rows.to_csv(fh, index=False)
    parts = tmp_path / "parts.csv"
    pd.DataFrame({"rcn": topics["project"].map(lambda p: str(100 + ord(p))),
                  "programme_part": topics["topic"]}).to_csv(parts, index=False)
    clusters = tmp_path / "clusters.csv"
    pd.DataFrame({"organisation": ["997", "998"], "cluster": ["K1", "K1"],
                  "cluster_name": ["Alpha cluster"] * 2}).to_csv(clusters, index=False)
    return ["--input", str(h2020), "--programme-parts", str(parts)], str(clusters)


def _run(command, args):
    return CliRunner().invoke(command, args, catch_exceptions=False)


def test_cli_partners_formats_and_explain(files):
    base, _ = files
    res = _run(partners, ["--organisation", "997", "--until", "2016", *base])  # 997 = a
    assert res.exit_code == 0, res.output
    assert "Partner candidates for organisation 997" in res.output
    assert "method learned" in res.output
    res = _run(partners, ["--organisation", "997", "--until", "2016", "--format", "json",
                          "--explain", *base])
    payload = json.loads(res.output)
    assert payload["method"] == "learned"
    assert {e["feature"] for e in payload["partners"][0]["evidence"]} >= {"adamic_adar"}
    res = _run(partners, ["--organisation", "997", "--until", "2016", "--format", "json",
                          "--explain", "--method", "weighted", *base])
    payload = json.loads(res.output)
    assert [p["organisation"] for p in payload["partners"]] == ["1000", "1001", "1002"]
    evidence = payload["partners"][0]["evidence"]
    assert [e["item"] for e in evidence if e["evidence"] == "shared partner"] == ["998", "999"]
    res = _run(partners, ["--organisation", "997", "--until", "2016", "--explain",
                          "--method", "weighted", *base])
    assert "shared partner: 998" in res.output and "new country: ITA" in res.output
    res = _run(partners, ["--organisation", "997", "--until", "2016", "--format", "csv",
                          "--international-only", "--country", "IT", "--country", "ESP",
                          "--weights", "pipeline=1", *base])
    lines = res.output.strip().splitlines()
    assert lines[0].startswith("rank,organisation,name,country,type,score")
    assert [ln.split(",")[1] for ln in lines[1:]] == ["1000", "1002"]  # d (ITA), f (ESP)


def test_cli_partners_cluster(files):
    base, clusters = files
    res = _run(partners, ["--cluster", "K1", "--until", "2016", "--clusters", clusters,
                          "--format", "csv", *base])
    assert res.exit_code == 0, res.output
    # a and b together reach c and d: only e and f are left
    assert [ln.split(",")[1] for ln in res.output.strip().splitlines()[1:]] == ["1001", "1002"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--organisation", "9977"], "did you mean 997"),
        (["--cluster", "K2"], "unknown cluster 'K2'; did you mean K1"),
        (["--organisation", "997", "--country", "US"], "no candidate left after the filters"),
        (["--organisation", "997", "--country", "ZZ"], "unknown country code(s) ZZ"),
        (["--organisation", "997", "--type", "castle"], "unknown organisation type 'castle'"),
        (["--organisation", "997", "--weights", "magic=1"], "unknown weight 'magic'"),
        (["--organisation", "997", "--weights", "fit=1", "--method", "learned"],
         "--weights goes with --method weighted"),
        ([], "give exactly one of --organisation ID or --cluster ID"),
    ],
)
def test_cli_partners_bad_input(files, args, message):
    base, clusters = files
    res = CliRunner().invoke(partners, [*args, "--until", "2016", "--clusters", clusters, *base])
    assert res.exit_code != 0
    assert message in res.output
    assert "Traceback" not in res.output


def test_cli_partners_without_ties_says_so(files):
    base, _ = files
    res = CliRunner().invoke(partners, ["--organisation", "1002", "--until", "2016", *base])
    assert res.exit_code == 0
    assert "has no partners in the data; ranking on content only" in res.output
    assert "content only" in res.output


def test_cli_backtest_csv(files):
    base, _ = files
    res = _run(backtest, ["--until", "2016", "--k", "1,2", "--format", "csv", *base])
    assert res.exit_code == 0, res.output
    lines = res.output.strip().splitlines()
    assert lines[0] == "method,k,precision,recall,mrr,coverage,focal_actors,hits,level,group"
    first = [ln for ln in lines[1:] if ln.endswith(",organisation,all")]
    assert [ln.split(",")[0] for ln in first] == [
        m for m in ["learned", "weighted", *rec.BASELINES] for _ in (1, 2)]
    bad = CliRunner().invoke(backtest, ["--until", "2020", *base])
    assert bad.exit_code != 0 and "no project starts after 2020" in bad.output
    bad = CliRunner().invoke(backtest, ["--until", "2016", "--k", "0", *base])
    assert bad.exit_code != 0 and "positive integers" in bad.output
