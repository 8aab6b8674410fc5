"""Loading files into the graph: every file is read and validated completely before anything is
written, then written in batches (idempotent: loading a file twice leaves the same graph).

Each function returns a one-row table of what was loaded (the file, its layout and what was
written) with ``attrs["notes"]`` (what the reader left out or changed, in words),
``attrs["years"]`` and ``attrs["store"]`` (the store written to). The readers' arguments are
those of :mod:`smartspec.loaders` (``read_trade``, ``read_patents``, ``read_employment``,
``read_collaborations``, ``read_clusters``), which the ``smartspec load ...`` options mirror.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..graph_models.store import Store
from ..loaders import clusters as cluster_loader
from ..loaders import collaborations as collab_loader
from ..loaders import employment as emp_loader
from ..loaders import patents as pat_loader
from ..loaders import trade as trade_loader
from ..loaders._io import LoaderError
from ._base import progress_bar

__all__ = [
    "load_trade",
    "load_classification",
    "load_patents",
    "load_employment",
    "load_collaborations",
    "load_clusters",
]


def _summary(row: dict[str, Any], *, notes: list[str], years: list[int] | None,
             store: Store) -> pd.DataFrame:
    frame = pd.DataFrame([row])
    frame.attrs = {"notes": list(notes), "years": list(years or []), "store": store.describe()}
    return frame


def load_trade(
    store: Store,
    path: str | Path,
    *,
    layout: str = "auto",
    region_col: str = "region",
    product_col: str = "product",
    year_col: str = "year",
    value_col: str = "value",
    year: int | None = None,
    classification: str | None = None,
    code_prefix: str = "",
    level: int | None = None,
    region_level: str = "country",
    convert_to: str | None = None,
    concordance: str | Path | None = None,
    country_codes: str | Path | None = None,
    flow: str = "export",
    duplicates: str = "reject",
    missing: str = "skip",
    encoding: str = "utf-8",
    sep: str | None = None,
) -> pd.DataFrame:
    """Load export values into ``(:Region)-[:EXPORTS {year, value}]->(:Product)``.

    ``layout``: auto, long (``region_col, product_col, year_col, value_col``), shared (the
    shipped world-trade files), baci or comtrade. ``year``: the year of a file without a year
    column (or the one kept). ``classification`` (e.g. HS92, HS12, SITC2) names the products
    (HS and SITC get names and hierarchy from the shipped tables); ``code_prefix`` (e.g.
    ``"SITC2:"``) keeps two classifications apart. ``level``: product digits (longer codes
    are summed). ``convert_to`` converts other HS / SITC vintages (or use a ``concordance``
    file). Rows without a value are skipped and counted (``missing="error"`` refuses the
    file); duplicate rows are refused unless ``duplicates="sum"``.

    Returns one row: file, layout, classification, level, exports, regions, products,
    missing_values, duplicates_summed. ``smartspec load trade`` loads the same way.

    >>> import smartspec
    >>> g = smartspec.connect(path=tmp_path / "graph.kgl")
    >>> done = g.load_trade(trade_csv, year=2017, classification="HS92")
    >>> done[["layout", "classification", "exports", "regions", "products"]]
      layout classification  exports  regions  products
    0   long            HS92       11        4         4
    >>> g.close()
    """
    table = read_trade(
        path, layout=layout, region_col=region_col, product_col=product_col,
        year_col=year_col, value_col=value_col, year=year, classification=classification,
        code_prefix=code_prefix, duplicates=duplicates, missing=missing, encoding=encoding,
        sep=sep, level=level, country_codes=country_codes, convert_to=convert_to,
        concordance_file=concordance, flow=flow)
    return write_trade(store, table, region_level=region_level)


def read_trade(path: str | Path, **options: Any) -> trade_loader.TradeTable:
    """:func:`smartspec.loaders.trade.read_trade` with a progress bar (nothing is written)."""
    path = Path(path)
    with progress_bar(f"reading {path.name}") as advance:
        return trade_loader.read_trade(path, progress=advance, **options)


def write_trade(store: Store, table: trade_loader.TradeTable, *,
                region_level: str = "country") -> pd.DataFrame:
    """Write a table of :func:`read_trade`; returns the summary of :func:`load_trade`."""
    with progress_bar("writing exports", total=len(table.data)) as advance:
        written = trade_loader.write_trade(store, table, level=region_level, progress=advance)
    row = {"file": str(table.path), "layout": table.layout,
           "classification": table.classification, "level": table.level, **written,
           "missing_values": table.missing_values, "duplicates_summed": table.duplicates_summed}
    return _summary(row, notes=table.notes, years=table.years, store=store)


def load_classification(store: Store, name: str, *, code_prefix: str = "") -> pd.DataFrame:
    """Load a whole reference classification (HS92, HS12, HS22, SITC2: names and hierarchy of
    every code) or ``countries`` (every country, PART_OF its continent, regions and groups).

    Returns one row: name, what, named, nodes, links, unknown; ``attrs["summary"]`` is the
    line ``smartspec load classification`` prints.
    """
    from ..loaders import classifications as ref

    if name.strip().lower() == "countries":
        if code_prefix:
            raise LoaderError("--code-prefix is for product classifications, not countries")
        canonical = None
    else:
        canonical = ref.product_classification(name)
        if canonical is None:
            raise LoaderError(
                f"unknown classification {name!r}; choose one of "
                f"{', '.join(ref.PRODUCT_CLASSIFICATIONS)} or countries"
            )
    store.create_schema()
    if canonical is None:
        done = ref.write_countries(store)
    else:
        done = ref.write_product_classification(store, None, canonical, prefix=code_prefix)
    frame = _summary({"name": canonical or "countries", "what": done.what, "named": done.named,
                      "nodes": done.nodes, "links": done.links,
                      "unknown": len(done.unknown)}, notes=[], years=None, store=store)
    frame.attrs["summary"] = done.summary()
    return frame


def load_patents(store: Store, path: str | Path, *, knowledge_space: bool = True,
                 region_level: str | None = None, **options: Any) -> pd.DataFrame:
    """Load patent counts into ``(:Region)-[:PATENTS {year, count}]->(:Technology)`` with the
    IPC / CPC hierarchy; from patent-level layouts (regpat, patentsview) also the knowledge
    space (co-classification, association strength) as PROXIMITY unless
    ``knowledge_space=False``. ``options``: those of
    :func:`smartspec.loaders.patents.read_patents` (layout, classes, classification, level,
    columns, year, counting, code_prefix, technology_fields ...).

    Returns one row: file, layout, classification, level, patents, regions, technologies,
    hierarchy_nodes, part_of, knowledge_space (pairs written, or empty).
    """
    table, space = read_patents(path, knowledge_space=knowledge_space, **options)
    return write_patents(store, table, space, region_level=region_level)


def read_patents(path: str | Path, *, knowledge_space: bool = True,
                 **options: Any) -> tuple[pat_loader.PatentTable, pd.DataFrame | None]:
    """:func:`smartspec.loaders.patents.read_patents` with a progress bar, and the knowledge
    space of a patent-level layout (None otherwise or when not asked for)."""
    path = Path(path)
    with progress_bar(f"reading {path.name}") as advance:
        table = pat_loader.read_patents(path, progress=advance, **options)
    space = None
    if knowledge_space and table.classes is not None:
        space = pat_loader.knowledge_space(table)
    return table, space


def write_patents(store: Store, table: pat_loader.PatentTable, space: pd.DataFrame | None,
                  *, region_level: str | None = None) -> pd.DataFrame:
    """Write the tables of :func:`read_patents`; returns the summary of :func:`load_patents`."""
    with progress_bar("writing patents", total=len(table.data)) as advance:
        written = pat_loader.write_patents(store, table, region_level=region_level,
                                           progress=advance)
    n_space = pat_loader.write_knowledge_space(store, space) if space is not None else None
    row = {"file": str(table.path), "layout": table.layout,
           "classification": table.classification, "level": table.level, **written,
           "knowledge_space": n_space}
    return _summary(row, notes=table.notes, years=table.years, store=store)


def load_employment(store: Store, path: str | Path, **options: Any) -> pd.DataFrame:
    """Load jobs into ``(:Region)-[:EMPLOYS {year, jobs}]->(:Industry)`` with the NACE / NAICS
    hierarchy. ``options``: those of :func:`smartspec.loaders.employment.read_employment`
    (layout, classification, level, region_level, columns, year, indicator, suppressed,
    select ...).

    Returns one row: file, layout, classification, level, employs, regions, industries,
    hierarchy_nodes, part_of.
    """
    return write_employment(store, read_employment(path, **options))


def read_employment(path: str | Path, **options: Any) -> emp_loader.EmploymentTable:
    """:func:`smartspec.loaders.employment.read_employment` with a progress bar."""
    path = Path(path)
    with progress_bar(f"reading {path.name}") as advance:
        return emp_loader.read_employment(path, progress=advance, **options)


def write_employment(store: Store, table: emp_loader.EmploymentTable) -> pd.DataFrame:
    """Write a table of :func:`read_employment`; returns the summary of
    :func:`load_employment`."""
    with progress_bar("writing employment", total=len(table.data)) as advance:
        written = emp_loader.write_employment(store, table, progress=advance)
    row = {"file": str(table.path), "layout": table.layout,
           "classification": table.classification, "level": table.level, **written}
    return _summary(row, notes=table.notes, years=table.years, store=store)


def load_collaborations(store: Store, path: str | Path, *, pairs: bool = True,
                        **options: Any) -> pd.DataFrame:
    """Load organisations, projects and participations (or a partner list): Organisation
    LOCATED_IN its most precise Region, Project, PARTICIPATES_IN, programme parts as Topic and,
    unless ``pairs=False``, the COLLABORATES_WITH projection. ``options``: those of
    :func:`smartspec.loaders.collaborations.read_collaborations` (layout, organisations,
    programme_parts, programme_names, projects, duplicates, unknown_types, missing_country ...).

    Returns one row: file, layout, organisations, projects, participations, pairs,
    partnerships, moved (organisations located anew).
    """
    return write_collaborations(store, read_collaborations(path, **options), pairs=pairs)


def read_collaborations(path: str | Path, **options: Any) -> collab_loader.CollaborationTable:
    """:func:`smartspec.loaders.collaborations.read_collaborations` with a progress bar."""
    path = Path(path)
    with progress_bar(f"reading {path.name}") as advance:
        return collab_loader.read_collaborations(path, progress=advance, **options)


def write_collaborations(store: Store, table: collab_loader.CollaborationTable, *,
                         pairs: bool = True) -> pd.DataFrame:
    """Write a table of :func:`read_collaborations`; returns the summary of
    :func:`load_collaborations`."""
    total = len(table.participations) + len(table.partnerships)
    with progress_bar("writing collaborations", total=total) as advance:
        written = collab_loader.write_collaborations(store, table, pairs=pairs, progress=advance)
    row = {"file": str(table.path), "layout": table.layout, **written}
    row.setdefault("moved", 0)
    return _summary(row, notes=table.notes, years=None, store=store)


def load_clusters(store: Store, path: str | Path, *, activity: str = "industry",
                  **options: Any) -> pd.DataFrame:
    """Load cluster membership (organisation, cluster, since) as MEMBER_OF, or attributes
    (cluster, name, region, specialisation) as LOCATED_IN and SPECIALISES_IN ``activity``
    (industry, technology or product). ``options``: those of
    :func:`smartspec.loaders.clusters.read_clusters` (duplicates, unknown_types, encoding, sep).

    Returns one row: file, layout, clusters, members, specialisations.
    """
    table = cluster_loader.read_clusters(path, activity=activity.capitalize(), **options)
    return write_clusters(store, table)


def write_clusters(store: Store, table: cluster_loader.ClusterTable) -> pd.DataFrame:
    """Write a table of :func:`smartspec.loaders.clusters.read_clusters`; returns the summary
    of :func:`load_clusters`."""
    written = cluster_loader.write_clusters(store, table)
    row = {"file": str(table.path), "layout": table.layout, **written}
    return _summary(row, notes=table.notes, years=None, store=store)
