"""How far can a learned partner ranker go on these data? A model trained on the answers.

The learned ranker (``smartspec recommend partners --method learned``) is trained on time splits
before the backtest's cut-off. This diagnostic asks what the same features, candidate pool and
LightGBM settings could reach at best: it trains on the backtest's own answers (the ties formed
after ``--until``), with K-fold cross-validation over the backtest's focal organisations (a
model never scores the organisations whose answers it was trained on), and scores it in the
same backtest as the learned ranker and the baselines (same 2,000 focal organisations, seed,
candidates and tie-breaking). It is not a method (it sees the future); it is an upper bound for
what tuning the ranker on these features can give. Run from the repository root::

    python benchmarks/ceiling_partner_ranker.py                 # --until 2016, 2 folds
    python benchmarks/ceiling_partner_ranker.py --until 2017 --folds 5

Prints MRR, recall@20 and Hits@20 of each method and each one's gain over the best baseline.
Takes about 4 minutes on a 2-core machine (the learned model is trained once, in a temporary
cache).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

from smartspec.algorithms import link_prediction as lp
from smartspec.algorithms import recommendation as rec
from smartspec.workflows import partners as flows
from smartspec.workflows.partner_data import read_partner_file

DATA = Path(__file__).resolve().parents[1] / "loaders" / "data"
BASELINES = ("weighted", "adamic_adar", "common_neighbours", "degree")


def answer_rows(li, truth_all, focal: np.ndarray, negatives: int, rng):
    """Training rows from the answers: every pooled pair of a focal organisation with at least
    one new tie in its pool, its new ties labelled 1, at most ``negatives`` others (seeded),
    as :func:`smartspec.algorithms.link_prediction.training_set` keeps them
    (:func:`~smartspec.algorithms.link_prediction.query_pairs`)."""
    xs, ys, groups = [], [], []
    for start in range(0, len(focal), 128):
        block = focal[start:start + 128]
        r, c, x, _ = lp.pair_features(li, [np.array([i]) for i in block])
        lab = np.asarray(truth_all[block[r], c]).ravel() > 0
        for sel in lp.query_pairs(r, lab, len(block), negatives, rng):
            xs.append(x[sel])
            ys.append(lab[sel].astype(np.int32))
            groups.append(int(sel.sum()))
    return np.vstack(xs), np.concatenate(ys), groups


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--until", type=int, default=2016)
    parser.add_argument("--folds", type=int, default=2)
    parser.add_argument("--max-focal", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    began = time.perf_counter()
    data = read_partner_file(args.data / "h2020.csv.gz", args.data / "programme_parts.csv.gz")
    p, t, o = data.participations, data.topics, data.organisations
    index = rec.partner_index(p, t, o, until=args.until)
    truth_all = rec.new_ties(index, p)
    # the backtest's focal organisations (its sample: the same seed, the first draw)
    focal = rec.focal_sample(rec.focal_pool(index, truth_all), args.max_focal,
                             np.random.default_rng(args.seed))
    li = lp.link_index(p, t, o, until=args.until, base=index)
    fold = np.full(len(index.organisations), -1)
    fold[focal] = np.random.default_rng(args.seed + 1).integers(0, args.folds, len(focal))

    rng = np.random.default_rng(args.seed + 2)
    models = []
    for k in range(args.folds):
        x, y, groups = answer_rows(li, truth_all, focal[fold[focal] != k],
                                   flows.TRAINING["negatives"], rng)
        models.append(lp.train_ranker(x, y, groups, rounds=flows.TRAINING["rounds"]))
        print(f"fold {k + 1}/{args.folds}: trained on the answers of "
              f"{int((fold[focal] != k).sum()):,} focal organisations ({len(y):,} pairs), "
              f"{time.perf_counter() - began:.0f} s", flush=True)

    def on_answers(sets):
        out = np.empty((len(sets), len(index.organisations)))
        rows = np.array([s[0] for s in sets])
        for k in range(args.folds):
            mine = np.flatnonzero(fold[rows] == k)
            if len(mine):
                out[mine] = lp.learned_scores(models[k], li, [sets[i] for i in mine])[0]
        return out

    with tempfile.TemporaryDirectory() as cache:
        model = flows.learned_model(p, t, o, until=args.until, cache_dir=cache)

        def learned(sets):
            return lp.learned_scores(model.booster, li, sets)[0]

        table = rec.backtest(p, t, o, until=args.until, ks=(20,), index=index,
                             max_focal=args.max_focal, seed=args.seed,
                             scorers={"answers (CV)": on_answers, "learned": learned},
                             methods=("answers (CV)", "learned", *BASELINES),
                             groups=False, clusters=False)
    table = table.set_index("method")[["mrr", "recall", "hits"]]
    best = table.loc[list(BASELINES)].max()
    print(f"\n--until {args.until}: {len(focal):,} focal organisations, k 20 "
          f"({time.perf_counter() - began:.0f} s)")
    print(f"{'method':17s} {'MRR':>7s} {'R@20':>7s} {'Hits@20':>8s}   gain over the best "
          "baseline (MRR, R@20)")
    for method, row in table.iterrows():
        gain = (row / best - 1) * 100
        print(f"{method:17s} {row['mrr']:7.4f} {row['recall']:7.4f} {row['hits']:8.4f}   "
              f"{gain['mrr']:+.1f} %, {gain['recall']:+.1f} %")


if __name__ == "__main__":
    main()
