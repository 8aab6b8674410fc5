"""Pure algorithms: tables or sparse panels in, keyed tables out (no I/O, no database).

Families: :mod:`.specialisation` (RCA, M, filters, changes), :mod:`.complexity` (ECI/PCI,
Fitness, PRODY/EXPY, NODF), :mod:`.relatedness` (proximity, density, COI/COG),
:mod:`.projection` (two-mode projections, backbone, communities) and :mod:`.pipeline`
(everything in one pass).

The functions ``complexity.complexity`` and ``specialisation.specialisation`` are not
re-exported here: their names are the modules' names, which stay importable as
``smartspec.algorithms.complexity``.
"""

from .complexity import (
    Complexity,
    connectivity,
    eci,
    expy,
    fitness_complexity,
    nodf,
    pci,
    product_index,
    prody,
    reflections,
    spectrograph,
    subnational_eci,
)
from .panel import Panel, as_panel
from .pipeline import compute_all
from .projection import backbone, communities, project, to_igraph, to_networkx
from .relatedness import (
    cog,
    coi,
    cooccurrence_proximity,
    cross_density,
    cross_proximity,
    density,
    distance,
    proximity,
    region_proximity,
    relative_relatedness,
)
from .specialisation import (
    diversity,
    entries_exits,
    filter_totals,
    rca,
    rca_trend,
    smooth,
    trim,
    ubiquity,
)

__all__ = [
    "Panel", "as_panel", "Complexity", "compute_all",
    "rca", "diversity", "ubiquity", "smooth", "filter_totals", "trim",
    "entries_exits", "rca_trend",
    "reflections", "eci", "pci", "fitness_complexity", "subnational_eci",
    "prody", "expy", "product_index", "nodf", "spectrograph", "connectivity",
    "proximity", "region_proximity", "cooccurrence_proximity", "density", "distance",
    "relative_relatedness", "coi", "cog", "cross_proximity", "cross_density",
    "project", "to_networkx", "to_igraph", "backbone", "communities",
]
