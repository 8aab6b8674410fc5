"""What the region report (``smartspec report --region``) reads from the store: the activity
spaces of one activity label (every classification loaded) and the names it shows next to codes.

The page itself is built by :func:`smartspec.reports.region.build_report` from these, without
the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from ..graph_models import schema
from ..graph_models.results import read_names
from ..graph_models.store import Store
from ..loaders.countries import country_table, to_alpha3

if TYPE_CHECKING:
    from .space import Space

__all__ = ["ReportNames", "read_report_names", "RegionReportData", "read_region_report",
           "RegionReport", "write_region_report"]


@dataclass
class ReportNames:
    """Names the report shows next to codes: regions, activities (full) and activities (short,
    for figure labels; the classification's short name where it has one, else the name)."""

    regions: dict[str, str] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)
    short: dict[str, str] = field(default_factory=dict)
    #: by classification: names of the one-character sectors where the graph holds them as
    #: nodes of the hierarchy (SITC sections, IPC/CPC sections), e.g. ``{"SITC2": {"7": ...}}``
    sectors: dict[str, dict[str, str]] = field(default_factory=dict)

    def region(self, code: str) -> str:
        """``Name (CODE)``, or the code alone when it has no name.

        >>> ReportNames(regions={"KOR": "Korea"}).region("KOR"), ReportNames().region("X")
        ('Korea (KOR)', 'X')
        """
        name = self.regions.get(code)
        return f"{name} ({code})" if name else str(code)

    def activity(self, code: str, width: int = 70) -> str:
        """The activity's name shortened to ``width`` characters ('' when it has none)."""
        name = self.activities.get(code, "")
        return name if len(name) <= width else name[: width - 1].rstrip() + "…"


@dataclass
class RegionReportData:
    """What the region report reads from the store."""

    spaces: list[Space]
    names: ReportNames
    #: the store as the page names it (:meth:`Store.describe`)
    source: str


def read_region_report(store: Store, label: str) -> RegionReportData:
    """The spaces of ``label`` (``Product``, ``Technology``, ``Industry``; one per
    classification) and their names, as :func:`smartspec.reports.region.build_report` takes
    them."""
    from .space import load_spaces

    spaces = load_spaces(store, activity=label)
    return RegionReportData(spaces=spaces, names=read_report_names(store, spaces, label),
                            source=store.describe())


def _country_names(codes: list[str]) -> dict[str, str]:
    """ISO 3166 names of the codes that are countries (alpha-2, alpha-3, UK/EL)."""
    a3 = to_alpha3(codes)
    table = country_table()
    name_of = dict(zip(table["alpha3"], table["name"], strict=True))
    names = a3.map(name_of)
    return {c: n for c, n in zip(codes, names, strict=True) if isinstance(n, str)}


def _short_names(store: Store, label: str, codes: list[str]) -> dict[str, str]:
    """``short_name`` of ``label`` nodes by key, where the node has one."""
    key = schema.quote(schema.node(label).key)
    table = store.run(f"MATCH (n:{schema.quote(label)}) WHERE n.{key} IN $codes AND "
                      f"n.short_name IS NOT NULL RETURN n.{key} AS key, n.short_name AS name",
                      {"codes": codes})
    if table.empty:
        return {}
    return {str(k): str(v) for k, v in zip(table["key"], table["name"], strict=True)
            if str(v).strip()}


def _real_names(names: pd.Series, label: str) -> dict[str, str]:
    """The names that are names: not empty, and not the embedded store's stand-in title
    ``<Label>_<id>`` that kglite returns as ``n.name`` for a node stored without a name."""
    if names.empty:
        return {}
    text = names.astype(str).str.strip()
    keep = names.notna() & (text != "") & ~text.str.fullmatch(rf"{label}_\d+")
    return dict(zip(names.index[keep], text[keep], strict=True))


def read_report_names(store: Store | None, spaces: list[Space], label: str) -> ReportNames:
    """Names of the regions and activities of ``spaces``: from the graph (``name``,
    ``short_name``), and ISO 3166 names for country codes the graph does not name."""
    regions = sorted({str(r) for s in spaces for r in pd.unique(s.data["region"])})
    acts = sorted({str(a) for s in spaces for a in pd.unique(s.data["activity"])})
    out = ReportNames(regions=_country_names(regions))
    if store is not None:
        out.regions.update(_real_names(read_names(store, "Region", regions), "Region"))
        out.activities = _real_names(read_names(store, label, acts), label)
        out.short = {**out.activities, **_short_names(store, label, acts)}
        for space in spaces:
            out.sectors[space.classification or label] = _sector_names(store, space)
    return out


def _sector_names(store: Store, space: Space) -> dict[str, str]:
    """Graph names of a space's one-character sectors, for SITC (sections) and technologies
    (IPC/CPC sections) only: elsewhere the first digit is no level of the hierarchy (an HS
    node ``1`` is an Atlas sector, NACE's first digit no section)."""
    cls = (space.classification or "").upper()
    if not (cls.startswith("SITC") or space.label == "Technology"):
        return {}
    # the sector of a code: its first character after any ``XXX:`` prefix (as the figures')
    acts = pd.Series(pd.unique(space.data["activity"]), dtype=str)
    sectors = acts.str.split(":").str[-1].str[:1].unique().tolist()
    codes = [space.prefix + sec for sec in sectors]
    full = _real_names(read_names(store, space.label, codes), space.label)
    named = {**full, **_short_names(store, space.label, codes)}
    return {code[len(space.prefix):]: name for code, name in named.items()}


@dataclass
class RegionReport:
    """What :func:`write_region_report` wrote: the page's ``path``, the region's ``code`` and
    ``label`` (name and code), the page's size in bytes and ``info`` (charts, images, years,
    peers, saved figure files) from :func:`smartspec.reports.region.build_report`."""

    path: Path
    code: str
    label: str
    size: int
    info: dict
    save_dir: Path | None = None

    def summary(self) -> str:
        """The line ``smartspec report --region`` prints."""
        info = self.info
        return (f"wrote {self.path} on {self.label} ({self.size / 1e6:.1f} MB, "
                f"{info['charts']} interactive charts, {info['images']} figures; "
                f"years {', '.join(f'{k} {v}' for k, v in info['years'].items())}; peers "
                f"{', '.join(info['peers']) or 'none'})")


def write_region_report(
    store: Store,
    region: str,
    *,
    peers: list[str] | None = None,
    year: int | None = None,
    top: int = 15,
    strategy: str = "balanced",
    priorities: Path | None = None,
    activity: str = "product",
    output: Path | str = ".",
    save_figures: bool = False,
) -> RegionReport:
    """Read the store, build the region report and write ``smartspec_report_<code>.html`` into
    the folder ``output`` (figures as PNG/SVG into ``output/figures`` with ``save_figures``).

    ``region`` and ``peers`` take codes in any case, aliases (UK, EL) or country names; the
    region is looked up first in the classification that holds its code. ``year`` must be
    loaded in at least one classification.
    """
    from ..reports.region import build_report
    from ._base import WorkflowError, activity_label

    data = read_region_report(store, activity_label(activity))
    spaces = data.spaces
    code = next((s.region(region) for s in spaces
                 if region.strip().upper() in set(s.data["region"])), None)
    if code is None:
        code = spaces[0].region(region)  # a country name, or a one-line error with suggestions
    if year is not None and all(year not in s.years for s in spaces):
        loaded = sorted({y for s in spaces for y in s.years})
        raise WorkflowError(f"year {year} is not loaded; loaded years: "
                            f"{', '.join(map(str, loaded))}")
    peer_list = None
    if peers:
        peer_list = []
        for p in (str(x).strip() for x in peers if str(x).strip()):
            hits = [s for s in spaces if p.upper() in set(s.data["region"])]
            peer_list.append((hits[0] if hits else spaces[0]).region(p))
    folder = Path(output)
    save_dir = folder / "figures" if save_figures else None
    page, info = build_report(spaces, code, peers=peer_list, year=year, top=top,
                              save_dir=save_dir, source=data.source, names=data.names,
                              strategy=strategy, priorities=priorities)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"smartspec_report_{code}.html"
    path.write_text(page, encoding="utf-8")
    return RegionReport(path=path, code=code, label=data.names.region(code), size=len(page),
                        info=info, save_dir=save_dir)
