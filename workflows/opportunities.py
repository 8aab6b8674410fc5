"""A region's diversification opportunities with market context and its strategic approach.

:func:`activity_opportunities` takes one activity space read from the store (a
:class:`smartspec.workflows.space.Space`: the observed values of one classification, all its years,
the stored names and the measures computed on them) and returns everything
``smartspec recommend activities`` and the region report show: the candidates ranked by a
strategy (the smart specialisation quadrants or an Atlas preset), their decile ratings, the world
market of each candidate (size in the year, growth over the loaded years), the region's current
exports and world share, and where the region sits among all regions on COI against ECI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from ..algorithms._validation import ValidationError, check_choice
from ..algorithms.opportunities import (
    COMPLEXITY_MEASURES,
    QUADRANT_STRATEGY,
    QUADRANTS,
    STRATEGIES,
    approach_of,
    market_context,
    opportunity_table,
    strategic_approaches,
    strategy_scores,
    strategy_weights,
)

if TYPE_CHECKING:  # only the space's attributes are used here
    from .space import Space

__all__ = ["STRATEGY_CHOICES", "ActivityOpportunities", "activity_opportunities",
           "region_opportunities"]

#: ``--strategy`` values: the smart specialisation quadrants, then the Atlas presets.
STRATEGY_CHOICES = (QUADRANT_STRATEGY, *STRATEGIES)

#: Output columns after the keys and names, in order.
COLUMNS = (
    "rca", "density", "distance", "complexity", "cog", "quadrant", "score", "rank",
    "distance_decile", "complexity_decile", "cog_decile", "score_decile",
    "world_value", "market_growth", "growth_period", "region_value", "world_share",
)


@dataclass
class ActivityOpportunities:
    """The result of :func:`activity_opportunities`.

    Attributes
    ----------
    region, region_name, year, classification, complexity, strategy
        What was asked (``region`` is the stored code).
    label : str
        The activity kind (``Product``, ``Technology``, ``Industry``).
    weights : dict or None
        The strategy's weights over distance, PCI and COG (None for the quadrant ordering).
    approach : dict or None
        The region's strategic approach (:func:`~smartspec.algorithms.opportunities.
        strategic_approach` fields); None when the region has no ECI or COI.
    approaches : DataFrame
        Every region's ``eci, coi, approach`` with ``region_name``: the strategic-approach chart.
    table : DataFrame
        Every candidate, ranked: ``region, activity, activity_name, year`` and :data:`COLUMNS`.
    """

    region: str
    region_name: str
    year: int
    classification: str | None
    complexity: str
    strategy: str
    label: str
    weights: dict[str, float] | None
    approach: dict[str, object] | None
    approaches: pd.DataFrame = field(repr=False)
    table: pd.DataFrame = field(repr=False)

    @property
    def growth_period(self) -> str:
        """``"t0-t"`` of the market growth, or '' when a single period is loaded."""
        periods = self.table["growth_period"].dropna().unique().tolist() if len(self.table) else []
        return str(periods[0]) if periods else ""

    def header(self) -> str:
        """The lines printed above the table: what is ranked how, and the strategic approach."""
        who = f"{self.region} ({self.region_name})" if self.region_name else self.region
        measure = "PCI" if self.complexity == "pci" else "Fitness-Complexity"
        lines = [f"{who} {self.year}, {self.classification or self.label}: "
                 f"complexity = {measure}"]
        if self.weights is None:
            lines.append("strategy: quadrant (smart specialisation framework: low risk first, "
                         "then mean percentile of density and complexity)")
        else:
            w = self.weights
            lines.append(f"strategy: {self.strategy} (weights: distance {w['distance']:.2f}, "
                         f"{measure} {w['pci']:.2f}, COG {w['cog']:.2f}; Atlas of Economic "
                         "Complexity presets)")
        if self.approach is None:
            lines.append("strategic approach: none (the region has no ECI or COI)")
        else:
            a = self.approach
            lines.append(f"strategic approach: {a['approach']} (ECI {a['eci']:+.2f}, rank "
                         f"{a['eci_rank']} of {a['n_regions']}; COI {a['coi']:+.2f}, rank "
                         f"{a['coi_rank']}): {a['description']}")
        growth = self.growth_period
        lines.append("market: world_value = sum of all regions' values in "
                     f"{self.year}; market_growth = "
                     + (f"compound annual growth {growth}" if growth
                        else f"n/a (no loaded period before {self.year})")
                     + "; world_share = region_value / world_value")
        return "\n".join(lines)


def activity_opportunities(
    space: Space,
    region: str,
    year: int | None = None,
    *,
    complexity: str = "pci",
    strategy: str = QUADRANT_STRATEGY,
    by_approach: bool = True,
    quadrant: str | None = None,
    density_cut: float | None = None,
    complexity_cut: float | None = None,
) -> ActivityOpportunities:
    """Rank a region's candidate activities with market context and its strategic approach.

    Parameters
    ----------
    space : Space
        One classification read from the store (``smartspec.workflows.space.load_space``).
    region : str
        The region's stored code.
    year : int, optional
        The period (default: the latest of the space).
    complexity : {"pci", "fitness"}
        Gain axis of the quadrants and the complexity criterion of the presets.
    strategy : str
        ``quadrant`` (the smart specialisation ordering of
        :func:`~smartspec.algorithms.opportunities.opportunity_table`) or a key of
        :data:`~smartspec.algorithms.opportunities.STRATEGIES`.
    by_approach : bool
        *balanced* takes the weights of the region's strategic approach, as the Atlas does
        (False: always the fixed *balanced* preset).
    quadrant : str, optional
        Only candidates in this quadrant.
    density_cut, complexity_cut : float, optional
        Quadrant cut-offs (default: the medians of the region's candidates).

    Returns
    -------
    ActivityOpportunities
    """
    check_choice(complexity, COMPLEXITY_MEASURES, name="complexity")
    check_choice(strategy, STRATEGY_CHOICES, name="strategy")
    if quadrant is not None:
        check_choice(quadrant, QUADRANTS, name="quadrant")
    year = space.years[-1] if year is None else year
    if year not in space.years:
        raise ValidationError(f"year {year} is not in {space.title}")
    res = space.measures()
    regions = res["regions"]
    approaches = strategic_approaches(regions, regions, year=year)
    approaches = space.with_names(approaches, "region", kind="region")
    try:
        approach: dict[str, object] | None = approach_of(approaches, region)
    except ValidationError:  # outside the main component: no ECI or COI
        approach = None
    table = opportunity_table(res["density"], res["activities"], complexity=complexity,
                              specialisation=res["specialisation"], region=region, year=year,
                              x_cut=density_cut, y_cut=complexity_cut)
    weights = None
    if strategy != QUADRANT_STRATEGY:
        weights = strategy_weights(strategy, approach["approach"] if approach and by_approach
                                   else None)
        table = strategy_scores(table, weights)
    else:
        table = strategy_scores(table, QUADRANT_STRATEGY)
    market = market_context(space.data, region, year, activities=table["activity"].tolist())
    table = table.merge(market.drop(columns="year"), on="activity", how="left")
    if quadrant:
        table = table[table["quadrant"] == quadrant]
    table = table.copy()
    table["quadrant"] = table["quadrant"].astype(str)
    table = space.with_names(table[["region", "activity", "year", *COLUMNS]], "activity")
    return ActivityOpportunities(
        region=region, region_name=space.region_name(region), year=int(year),
        classification=space.classification, complexity=complexity, strategy=strategy,
        label=space.label, weights=weights, approach=approach, approaches=approaches,
        table=table.reset_index(drop=True),
    )


#: Decimals of the columns a person reads (``recommend activities`` and the Python API).
DIGITS = {"rca": 3, "density": 4, "distance": 4, "complexity": 4, "cog": 4, "score": 3,
          "market_growth": 4, "world_share": 4}


def region_opportunities(
    store,
    region: str,
    *,
    year: int | None = None,
    top: int = 20,
    strategy: str = QUADRANT_STRATEGY,
    fixed_weights: bool = False,
    activity: str = "product",
    complexity: str = "pci",
    quadrant: str | None = None,
    density_cut: float | None = None,
    complexity_cut: float | None = None,
    classification: str | None = None,
) -> ActivityOpportunities:
    """``smartspec recommend activities`` on a store: read the space, rank, round.

    ``region`` is a code (DEU, de, UK, EL) or a name; ``top`` rows are kept (0: all), rounded
    as printed. The result's ``table.attrs`` carry region, year, classification, complexity,
    strategy and weights; :meth:`ActivityOpportunities.header` is the command's header.
    """
    from ..algorithms._validation import ValidationError as _Invalid
    from ._base import WorkflowError
    from .space import activity_label, load_space

    label = activity_label(activity)
    space = load_space(store, activity=label, classification=classification, year=year)
    when = space.year_or_latest(year)
    code = space.region(region, when)
    space.specialisations(code, when)  # a region without any has nothing to relate to
    try:
        found = activity_opportunities(space, code, when, complexity=complexity,
                                       strategy=strategy, by_approach=not fixed_weights,
                                       quadrant=quadrant, density_cut=density_cut,
                                       complexity_cut=complexity_cut)
    except _Invalid as exc:
        raise WorkflowError(str(exc)) from None
    table = found.table.head(top) if top else found.table
    table = table.round({k: v for k, v in DIGITS.items() if k in table})
    table.attrs = {"region": code, "year": when, "classification": space.classification,
                   "complexity": complexity, "strategy": strategy, "weights": found.weights}
    found.table = table
    return found
