"""LightGBM in its own process: the learned ranker works in a session that also uses kglite and
python-igraph (three static-TLS libraries that cannot share one process), and the process gives
LightGBM's own answers."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from smartspec.algorithms import _lightgbm_process as gbm


def _data(n: int = 400, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 4))
    y = (x[:, 0] + 0.3 * x[:, 1] + 0.1 * rng.random(n) > 0.7).astype(np.int32)
    return x, y, [20] * (n // 20)


def test_predictions_and_contributions_are_lightgbms(tmp_path):
    x, y, groups = _data()
    params = {"objective": "lambdarank", "verbose": -1, "num_threads": 1, "seed": 0,
              "deterministic": True, "min_data_in_leaf": 5}
    booster = gbm.train(params, x, y, groups, 20, ["a", "b", "c", "d"])
    scores = booster.predict(x)
    contrib = booster.predict(x, pred_contrib=True)
    assert scores.shape == (len(x),) and contrib.shape == (len(x), 5)
    # TreeSHAP contributions and the expected value sum to the score
    assert np.allclose(contrib.sum(axis=1), scores)
    # the informative feature carries the most weight, the noise features the least
    spread = np.abs(contrib[:, :4]).mean(axis=0)
    assert spread[0] == spread.max() and spread[0] > 3 * spread[2:].max()
    # saved and read back, the model scores the same
    path = tmp_path / "model.txt"
    booster.save_model(path)
    assert np.array_equal(gbm.Booster.from_file(path).predict(x), scores)
    assert "feature_names=a b c d" in path.read_text()
    # one model text is loaded into the process once, however many boosters hold it
    assert gbm._CHILD.load(path.read_text()) == gbm._CHILD.load(booster.model_to_string())
    # a process that ended is started again, and the booster loads its model there
    gbm._CHILD.close()
    assert np.array_equal(booster.predict(x), scores)


def test_an_error_in_the_process_is_raised_here():
    x, y, groups = _data()
    with pytest.raises(gbm.LightGBMProcessError, match="LightGBM failed"):
        gbm.train({"objective": "no-such-objective", "verbose": -1}, x, y, groups, 5,
                  ["a", "b", "c", "d"])
    # the process survives its error
    booster = gbm.train({"objective": "binary", "verbose": -1, "num_threads": 1}, x, y, None,
                        5, ["a", "b", "c", "d"])
    assert booster.predict(x[:3]).shape == (3,)


def test_one_session_uses_kglite_igraph_and_the_ranker(tmp_path):
    """In a fresh interpreter: the embedded store, igraph and the learned ranker, in the order
    a notebook might use them (which failed with 'cannot allocate memory in static TLS block'
    while LightGBM was loaded in-process)."""
    script = textwrap.dedent("""
        import random
        import kglite, igraph
        import numpy as np
        from smartspec.algorithms import _lightgbm_process as gbm
        g = igraph.Graph.Famous("Zachary")
        random.seed(0)  # igraph draws from Python's random: Louvain's count varies by seed
        before = len(g.community_multilevel())
        x = np.random.default_rng(0).random((200, 3)); y = (x[:, 0] > 0.5).astype(int)
        b = gbm.train({"objective": "binary", "verbose": -1, "num_threads": 1}, x, y, None,
                      10, ["a", "b", "c"])
        assert b.predict(x).shape == (200,)
        from sklearn.ensemble import HistGradientBoostingClassifier
        HistGradientBoostingClassifier(max_iter=5).fit(x, y)
        random.seed(0)
        assert len(igraph.Graph.Famous("Zachary").community_multilevel()) == before
        graph = kglite.KnowledgeGraph()
        print("ok", before)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ")
