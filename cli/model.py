"""``smartspec model``: how regions diversify (entry and growth models, hypotheses H1-H6)."""

from __future__ import annotations

import click

from ..algorithms._validation import ValidationError
from ..workflows import model as wm
from ._common import emit, fail, format_option, output_option, render, store_from
from ._space import ACTIVITY_CHOICE, activity_label, classification_option, load_space

__all__ = ["model"]


def _options(func):
    for option in reversed([
        click.option("--horizon", type=int,
                     help="Years from origin to outcome [each period to the next one]."),
        click.option("--complexity", type=click.Choice(["pci", "fitness"]), default="pci",
                     show_default=True, help="Complexity: PCI or log10 Fitness-Complexity."),
        click.option("--fixed-effects", default="region,activity,year", show_default=True,
                     help="Comma-separated fixed effects (region, activity, year)."),
        click.option("--alpha", type=float, default=0.05, show_default=True,
                     help="Significance level of the verdicts."),
        click.option("--activity", type=ACTIVITY_CHOICE, default="product", show_default=True,
                     help="Which activities: products, technologies, industries."),
        classification_option(),
        format_option(),
        output_option(),
    ]):
        func = option(func)
    return func


@click.group()
def model() -> None:
    """Econometric models of how regions diversify (Balland et al. 2018, H1-H6)."""


#: What each control is, for the header line.
CONTROL_TEXT = {"size": "initial value X(t)", "log_size": "ln initial value X(t)",
                "rca": "initial RCA(t)", "log_rca": "ln initial RCA(t)"}


def _run(ctx, outcome: str, horizon, complexity, fixed_effects, alpha, activity, classification,
         fmt, output, model_kind: str = "lpm", controls: str = "none") -> None:
    try:
        fe = wm.parse_fixed_effects(fixed_effects)
        ctrl = wm.parse_controls(controls)
    except ValidationError as exc:
        fail(str(exc))
    label = activity_label(activity)
    with store_from(ctx) as store:
        space = load_space(store, activity=label, classification=classification, min_years=2)
    try:
        fitted = wm.diversification_model(space, outcome, horizon=horizon, complexity=complexity,
                                          fixed_effects=fe, alpha=alpha, model=model_kind,
                                          controls=ctrl)
    except ValidationError as exc:
        fail(str(exc))
    res, coefs, verdicts = fitted.fit, fitted.coefficients, fitted.verdicts
    periods = ", ".join(f"{a}->{b}" for a, b in fitted.periods)
    kind = {"lpm": "linear probability model", "logit": "logit"}[res.model]
    what = f"entry ({kind})" if outcome == "entry" else "growth of log value (OLS)"
    if fmt == "table":
        click.echo(f"{what} on {space.classification or label}, periods {periods}; "
                   f"complexity = {complexity}")
        click.echo(f"N = {res.n_obs:,} ({res.dropped:,} dropped), clusters (regions) = "
                   f"{res.n_clusters}, fixed effects: {', '.join(fe) or 'none'}; "
                   f"mean outcome {res.info['mean_outcome']:.4f}")
        if res.absorbed:
            click.echo(f"absorbed by the fixed effects (not identified): "
                       f"{', '.join(res.absorbed)}; try --fixed-effects region,year")
        if outcome == "growth":
            used = ", ".join(f"{c} ({CONTROL_TEXT[c]})" for c in res.controls) or "none"
            click.echo(f"controls: {used}")
        click.echo("density and complexity are z-scores; SE clustered by region\n")
    emit(coefs, fmt, output)
    if fmt == "table" and output is None:
        click.echo("\nHypotheses (p < alpha with the expected sign = supported):")
        click.echo(render(verdicts[["hypothesis", "verdict", "statement"]], "table"), nl=False)


@model.command("entry")
@click.option("--model", "model_kind", type=click.Choice(["lpm", "logit"]), default="lpm",
              show_default=True, help="Linear probability model or logit.")
@_options
@click.pass_context
def entry(ctx, model_kind, horizon, complexity, fixed_effects, alpha, activity, classification,
          fmt, output) -> None:
    """Entry model: does relatedness (and complexity) predict new specialisations? (H1, H3, H5)

    Sample: region-activity pairs with RCA < 1 at the origin period; outcome 1 when RCA >= 1
    `horizon` years later. Regressors: relatedness density, complexity (PCI) and their product
    (z-scores), with region, activity and year fixed effects; standard errors clustered by
    region. Uses the classification with two periods at least (HS: 1980 and 2017 on the shipped
    data; SITC2 has one period).

    \b
    Examples:
      smartspec model entry
      smartspec model entry --horizon 37 --model logit
      smartspec model entry --fixed-effects region,year --format csv --output entry.csv
    """
    _run(ctx, "entry", horizon, complexity, fixed_effects, alpha, activity, classification, fmt,
         output, model_kind)


@model.command("growth")
@click.option("--controls", default="log_size", show_default=True,
              help="Comma-separated controls at the origin period: size, log_size, rca, "
              "log_rca (initial value and RCA, in levels or logs), or none.")
@_options
@click.pass_context
def growth(ctx, controls, horizon, complexity, fixed_effects, alpha, activity, classification,
           fmt, output) -> None:
    """Growth model: does relatedness (and complexity) predict growth? (H2, H4, H6)

    Sample: region-activity pairs with positive values in both periods; outcome
    log X(t + h) - log X(t). Same regressors, fixed effects and clustering as the entry model,
    plus controls at the origin (default: the log of the initial value, so that relatedness
    is not credited with mean reversion; coefficients in their own units). The table lists
    each control (role = control); one that the fixed effects absorb (e.g. log_rca next to
    log_size with region, activity and year fixed effects and one origin period) is marked
    not identified.

    \b
    Examples:
      smartspec model growth
      smartspec model growth --controls log_size,log_rca --fixed-effects region,year
      smartspec model growth --controls none
    """
    _run(ctx, "growth", horizon, complexity, fixed_effects, alpha, activity, classification, fmt,
         output, controls=controls)
