"""The diversification models of ``smartspec model entry|growth`` on one activity space: the
transitions table, the fit (:func:`smartspec.algorithms.diversification.fit_entry` or
:func:`~smartspec.algorithms.diversification.fit_growth`), the verdicts on hypotheses H1-H6 and
the coefficients table the command prints (Balland et al. 2018).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from ..algorithms import diversification as dv
from ..algorithms._validation import ValidationError

if TYPE_CHECKING:
    from .space import Space

__all__ = ["OUTCOMES", "FIXED_EFFECTS", "FittedModel", "parse_fixed_effects", "parse_controls",
           "diversification_model"]

#: The two models: entry into specialisation (H1, H3, H5) and growth (H2, H4, H6).
OUTCOMES = ("entry", "growth")
#: The fixed effects a model can take.
FIXED_EFFECTS = ("region", "activity", "year")


@dataclass
class FittedModel:
    """A fitted model as the command shows it."""

    #: ``term, role (regressor/control), coef, se, stat, p_value (text), ci_low, ci_high,
    #: hypothesis, expected, verdict``, regressors then controls
    coefficients: pd.DataFrame
    #: ``hypothesis, verdict, statement`` ... (:func:`dv.hypotheses`)
    verdicts: pd.DataFrame
    #: the fit (:class:`~smartspec.algorithms.diversification.ModelResult`: ``n_obs``,
    #: ``dropped``, ``n_clusters``, ``absorbed``, ``controls``, ``info``, ``model``)
    fit: dv.ModelResult
    #: the (origin, outcome) years of the transitions
    periods: list[tuple[int, int]]


def parse_fixed_effects(text: str) -> tuple[str, ...]:
    """``"region,year"`` as a tuple, refusing unknown names.

    >>> parse_fixed_effects("region, year")
    ('region', 'year')
    """
    fe = tuple(f.strip() for f in text.split(",") if f.strip())
    bad = [f for f in fe if f not in FIXED_EFFECTS]
    if bad:
        raise ValidationError(f"unknown fixed effect(s) {', '.join(bad)}; choose from "
                              f"{', '.join(FIXED_EFFECTS)}")
    return fe


def parse_controls(text: str) -> tuple[str, ...]:
    """``"log_size,rca"`` as a tuple (``none`` or empty: no control), refusing unknown names.

    >>> parse_controls("none"), parse_controls("log_size")
    ((), ('log_size',))
    """
    if text.strip().lower() in ("", "none"):
        return ()
    ctrl = tuple(c.strip() for c in text.split(",") if c.strip())
    bad = [c for c in ctrl if c not in dv.CONTROLS]
    if bad:
        raise ValidationError(f"unknown control(s) {', '.join(bad)}; choose from "
                              f"{', '.join(dv.CONTROLS)} or none")
    return ctrl


def diversification_model(space: Space, outcome: str, *, horizon: int | None = None,
                          complexity: str = "pci", fixed_effects: tuple[str, ...] = FIXED_EFFECTS,
                          alpha: float = 0.05, model: str = "lpm",
                          controls: tuple[str, ...] = ()) -> FittedModel:
    """Fit the entry or growth model on ``space`` (a classification with two periods at least)
    and judge the hypotheses at ``alpha``. ``model`` (``lpm``/``logit``) is the entry model's,
    ``controls`` the growth model's. Raises :class:`ValidationError` on what cannot be fitted.
    """
    if outcome not in OUTCOMES:
        raise ValidationError(f"unknown outcome {outcome!r}; choose from {', '.join(OUTCOMES)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        table = dv.transitions(space.data, horizon=horizon, complexity=complexity)
    if outcome == "entry":
        res = dv.fit_entry(table, model=model, fixed_effects=fixed_effects)
        verdicts = dv.hypotheses(entry=res, alpha=alpha)
    else:
        res = dv.fit_growth(table, fixed_effects=fixed_effects, controls=controls)
        verdicts = dv.hypotheses(growth=res, alpha=alpha)
    coefs = res.coefficients.merge(verdicts[["term", "hypothesis", "expected", "verdict"]],
                                   on="term", how="outer")
    gone = [c for c in res.controls if c not in set(coefs["term"])]  # absorbed controls
    if gone:
        coefs = pd.concat([coefs, pd.DataFrame({"term": gone, "verdict": "not identified"})],
                          ignore_index=True)
    coefs.insert(1, "role", coefs["term"].map(lambda t: "control" if t in dv.CONTROLS
                                              else "regressor"))
    is_control = coefs["role"] == "control"
    for col in ("hypothesis", "expected", "verdict"):
        coefs[col] = coefs[col].astype(object).where(~is_control | coefs[col].notna(), "")
    order = [*dv.TERMS, *dv.CONTROLS]
    coefs = coefs.sort_values("term", key=lambda t: t.map(order.index)).reset_index(drop=True)
    coefs = coefs.round({"coef": 4, "se": 4, "stat": 2, "ci_low": 4, "ci_high": 4})
    coefs["p_value"] = coefs["p_value"].map(lambda p: f"{p:.2g}" if pd.notna(p) else "")
    return FittedModel(coefficients=coefs, verdicts=verdicts, fit=res,
                       periods=list(table.attrs["periods"]))
