"""Partner recommendation workflows: the learned ranker's model cache, lists and the backtest.

The learned method (:mod:`smartspec.algorithms.link_prediction`) needs a model trained on the
data up to the cut-off. :func:`learned_model` trains it once and caches it as a LightGBM text
file named by a fingerprint of that data (participations, topics and organisation attributes up
to the cut-off, the feature list and the training settings): the same data find the cached
model, any change trains a new one. The cache folder is ``$SMARTSPEC_HOME/models`` (default
``./.smartspec/models``), or the ``cache_dir`` given.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..algorithms import link_prediction as lp
from ..algorithms import recommendation as rec
from ..algorithms._validation import ValidationError

__all__ = [
    "METHODS",
    "DEFAULT_METHOD",
    "LearnedModel",
    "model_folder",
    "fingerprint",
    "learned_model",
    "recommend",
    "backtest",
]

#: Methods of ``smartspec recommend partners --method`` (the learned ranker first: default).
METHODS = ("learned", "weighted", "adamic_adar", "common_neighbours", "degree")

#: The default method: the one that wins the README backtest at both cut-offs.
DEFAULT_METHOD = "learned"

#: Training settings (part of the fingerprint): time splits, focal organisations sampled per
#: split, negative pairs kept per focal, label years after each split (None: up to the
#: cut-off), boosting rounds. Chosen on the ``--until 2016`` backtest (see the README).
TRAINING = {"splits": 2, "max_focal": 2000, "negatives": 100, "horizon": None, "rounds": 300,
            "seed": 0, "version": 4}


@dataclass
class LearnedModel:
    """A trained ranker and where it came from."""

    booster: object
    until: int | None
    fingerprint: str
    path: Path | None
    trained: bool
    seconds: float


def model_folder(cache_dir: str | Path | None = None) -> Path:
    """``cache_dir``, else ``$SMARTSPEC_HOME/models`` (``./.smartspec/models``)."""
    if cache_dir is not None:
        return Path(cache_dir)
    from ..graph_models.store import smartspec_home

    return smartspec_home() / "models"


def _seen(frame: pd.DataFrame, until: int | None) -> pd.DataFrame:
    if until is None:
        return frame
    years = pd.to_numeric(frame["year"], errors="coerce")
    return frame[(years <= until).to_numpy(dtype=bool, na_value=False)]


def fingerprint(participations: pd.DataFrame, topics: pd.DataFrame | None,
                organisations: pd.DataFrame | None, until: int | None) -> str:
    """SHA-256 of what the model may learn from: participations up to ``until`` (order
    ignored), the topics of their projects, the organisations' type and country, the features
    and the training settings.

    >>> p = pd.DataFrame({"organisation": ["a", "b"], "project": ["p", "p"], "year": [2015, 2019]})
    >>> fingerprint(p, None, None, 2016) == fingerprint(p.iloc[:1], None, None, 2016)
    True
    """
    h = hashlib.sha256()
    h.update(json.dumps({"until": until, "features": list(lp.FEATURES), "pool": lp.POOL,
                         "params": lp.PARAMS, "training": TRAINING}, sort_keys=True,
                        default=str).encode())
    part = _seen(participations, until)
    cols = [c for c in ("organisation", "project", "year", "role") if c in part.columns]
    table = part[cols].astype(str).sort_values(cols, kind="stable")
    h.update(pd.util.hash_pandas_object(table, index=False).to_numpy().tobytes())
    projects = set(part["project"].astype(str))
    if topics is not None and len(topics):
        t = topics[topics["project"].astype(str).isin(projects)][["project", "topic"]]
        t = t.astype(str).sort_values(["project", "topic"], kind="stable")
        h.update(pd.util.hash_pandas_object(t, index=False).to_numpy().tobytes())
    if organisations is not None and len(organisations):
        cols = [c for c in ("organisation", "type", "country") if c in organisations.columns]
        o = organisations[cols].astype(str)
        o = o[o["organisation"].isin(set(part["organisation"].astype(str)))]
        o = o.sort_values(cols, kind="stable")
        h.update(pd.util.hash_pandas_object(o, index=False).to_numpy().tobytes())
    return h.hexdigest()


def _training_until(participations: pd.DataFrame, until: int | None) -> int:
    """The last year the model learns from: ``until``, or for all data the last year with at
    least a quarter of the median yearly participations (a year barely begun in the snapshot
    would leave the latest split without labels)."""
    years = pd.to_numeric(participations["year"], errors="coerce").dropna().astype(int)
    if until is not None:
        return int(until)
    if years.empty:
        raise ValidationError("no dated participation to learn from")
    counts = years.value_counts().sort_index()
    full = counts[counts >= counts.median() / 4]
    return int(full.index.max())


def learned_model(participations: pd.DataFrame, topics: pd.DataFrame | None,
                  organisations: pd.DataFrame | None, *, until: int | None,
                  cache_dir: str | Path | None = None, cache: bool = True) -> LearnedModel:
    """The ranker for data up to ``until``: from the cache when the fingerprint matches,
    else trained (:func:`~.link_prediction.training_set`, :func:`~.link_prediction.train_ranker`)
    and cached. ``cache=False`` neither reads nor writes the cache."""
    from ..algorithms import _lightgbm_process as gbm

    last = _training_until(participations, until)
    seen = _seen(participations, last)
    fp = fingerprint(seen, topics, organisations, last)
    folder = model_folder(cache_dir)
    path = folder / f"partner-ranker-{fp[:20]}.txt"
    if cache and path.exists():
        t = time.perf_counter()
        booster = gbm.Booster.from_file(path)
        return LearnedModel(booster, last, fp, path, False, time.perf_counter() - t)
    t = time.perf_counter()
    x, y, groups = lp.training_set(seen, topics, organisations, until=last,
                                   splits=TRAINING["splits"], max_focal=TRAINING["max_focal"],
                                   negatives=TRAINING["negatives"],
                                   horizon=TRAINING["horizon"], seed=TRAINING["seed"])
    booster = lp.train_ranker(x, y, groups, rounds=TRAINING["rounds"])
    seconds = time.perf_counter() - t
    saved = None
    if cache:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        booster.save_model(str(tmp))
        tmp.replace(path)
        saved = path
    return LearnedModel(booster, last, fp, saved, True, seconds)


def _country_name(code):
    from ..loaders.countries import country_name

    return country_name(code)


def recommend(participations: pd.DataFrame, topics: pd.DataFrame | None,
              organisations: pd.DataFrame | None, focal: str | Sequence[str], *,
              method: str = DEFAULT_METHOD, until: int | None = None,
              index: rec.PartnerIndex | None = None, model: LearnedModel | None = None,
              cache_dir: str | Path | None = None, explain: bool = False,
              **filters) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """A partner list by ``method`` (:data:`METHODS`) and, with ``explain``, its evidence.

    ``filters`` are those of :func:`~.recommendation.recommend_partners` (``countries``,
    ``types``, ``international_only``, ``top``; ``weights`` for ``weighted``). Returns
    ``(table, evidence)``: for ``learned`` the evidence is the per-feature contributions
    with reasons in words (:func:`~.link_prediction.explain_learned`); for the others, the
    shared partners, topics and pipeline additions of :func:`~.recommendation.explain`.
    When no model can be learned (no earlier year with new ties), ``learned`` falls back to
    ``weighted`` and ``attrs["fallback"]`` says why.
    """
    if method not in METHODS:
        raise ValidationError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if index is None:
        index = rec.partner_index(participations, topics, organisations, until=until)
    fallback = None
    if method == "learned" and model is None:
        try:
            model = learned_model(participations, topics, organisations, until=until,
                                  cache_dir=cache_dir)
        except ValidationError as exc:  # e.g. a single year of data: nothing to learn from
            fallback = f"no learned model ({exc}); ranked by the weighted score"
            method = "weighted"
    if method == "learned":
        # recency windows end where the model's training did (a last year barely begun
        # would leave them near zero)
        li = lp.link_index(participations, topics, organisations, until=until, base=index,
                           year=model.until if until is None else None)
        filters.pop("weights", None)
        table = lp.recommend_learned(model.booster, li, focal, **filters)
        table.attrs.update(model=str(model.path) if model.path else None,
                           fingerprint=model.fingerprint, trained=model.trained)
        evidence = None
        if explain:
            evidence = lp.explain_learned(model.booster, li, focal, table["organisation"],
                                          country_name=_country_name)
        return table, evidence
    weights = filters.pop("weights", None)
    if method != "weighted":
        component = {"adamic_adar": "adamic_adar", "common_neighbours": "common_partners",
                     "degree": "partners"}[method]
        weights = _only({component: 1.0})
    table = rec.recommend_partners(index, focal, weights=weights, **filters)
    table.attrs["method"] = method
    if fallback:
        table.attrs["fallback"] = fallback
    evidence = rec.explain(index, focal, table["organisation"].tolist()) if explain else None
    return table, evidence


def _only(weights: dict) -> dict:
    """Weights that switch every default off but the given ones."""
    out = {k: 0.0 for k in rec.DEFAULT_WEIGHTS}
    out.update(weights)
    return rec.parse_weights(out)


def backtest(participations: pd.DataFrame, topics: pd.DataFrame | None,
             organisations: pd.DataFrame | None, *, until: int,
             cache_dir: str | Path | None = None, learned: bool = True, **options):
    """:func:`~.recommendation.backtest` with the learned ranker (trained on splits before
    ``until`` only, cached) as method ``learned``; ``options`` go to the backtest. The
    learned model is trained on rows up to ``until`` alone: the answers cannot reach it."""
    scorers = {}
    model = None
    index = options.pop("index", None) or rec.partner_index(participations, topics,
                                                            organisations, until=until)
    if learned:
        model = learned_model(participations, topics, organisations, until=until,
                              cache_dir=cache_dir)
        li = lp.link_index(participations, topics, organisations, until=until, base=index)

        def score(sets):
            return lp.learned_scores(model.booster, li, sets)[0]

        scorers["learned"] = score
    table = rec.backtest(participations, topics, organisations, until=until, index=index,
                         scorers=scorers, **options)
    if model is not None:
        table.attrs.update(model=str(model.path) if model.path else None,
                           trained=model.trained, training_seconds=round(model.seconds, 1))
    return table


#: Score columns a list shows to 4 decimals (the command's table, CSV and JSON, and the API).
ROUNDED = ("score", "weighted_score", "adamic_adar", "resource_allocation", "similarity", "fit",
           "complementarity", "experience", "pipeline")


def rounded(table: pd.DataFrame) -> pd.DataFrame:
    """A partner list with its score columns (:data:`ROUNDED`) rounded to 4 decimals."""
    out = table.copy()
    for col in ROUNDED:
        if col in out.columns:
            out[col] = out[col].round(4)
    return out
