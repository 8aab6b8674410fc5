"""Collaboration commands: ``smartspec load collaborations|clusters`` and
``smartspec compute collaboration`` (local buzz, global pipelines, brokerage, partner selection).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
import pandas as pd

from ..algorithms import collaboration as collab
from ..graph_models.results import read_names
from ..graph_models.store import Store
from ..loaders import clusters as cluster_loader
from ..loaders import collaborations as collab_loader
from ..loaders._io import LoaderError
from ..loaders.countries import to_alpha3
from ..loaders.localities import LOCATION_PRECISION
from ._common import (
    emit,
    fail,
    format_option,
    output_option,
    progress_bar,
    sep_option,
    store_from,
)

__all__ = [
    "load_collaborations",
    "load_clusters",
    "compute_collaboration",
    "read_network",
    "resolve_actor_sets",
    "region_hierarchy",
    "run_collaboration",
]


# -- load --------------------------------------------------------------------------------------


# one definition for both loaders that map organisation type codes
_unknown_types = click.option(
    "--unknown-types",
    type=click.Choice(["error", "other"]),
    default="error",
    show_default=True,
    help="Unknown organisation type codes: refuse the file or load them as 'other'.",
)


@click.command("collaborations")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--layout",
    type=click.Choice(collab_loader.COLLABORATION_LAYOUTS),
    default="auto",
    show_default=True,
    help="cordis-shared (shipped H2020 data), cordis (CORDIS open data), partners (plain list).",
)
@click.option(
    "--organisations",
    type=click.Path(path_type=Path),
    help="Organisation names/cities (cordis-shared; default: the shipped file next to FILE).",
)
@click.option(
    "--programme-parts",
    type=click.Path(path_type=Path),
    help="Project programme parts: the shipped rcn,programme_part table, CORDIS legalBasis.csv "
    "or topics.csv (default: programme_parts.csv.gz / legalBasis.csv next to FILE).",
)
@click.option(
    "--programme-names",
    type=click.Path(path_type=Path),
    help="Titles for programme parts: CORDIS cordisref-H2020programmes.csv or "
    "cordisref-H2020topics.csv.",
)
@click.option(
    "--projects",
    type=click.Path(path_type=Path),
    help="CORDIS project table with dates (cordis; default: project.csv next to FILE).",
)
@click.option(
    "--duplicates",
    type=click.Choice(["reject", "merge"]),
    default="reject",
    show_default=True,
    help="Duplicate participations / partner rows: refuse the file or merge them.",
)
@_unknown_types
@click.option(
    "--missing-country",
    type=click.Choice(["error", "unlocated"]),
    default="error",
    show_default=True,
    help="Organisations without a country: refuse the file or load them without a location.",
)
@click.option(
    "--no-pairs",
    is_flag=True,
    help="Do not write the COLLABORATES_WITH projection (measures recompute it anyway).",
)
@sep_option()
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of FILE.")
@click.pass_context
def load_collaborations(
    ctx: click.Context,
    file: Path,
    layout: str,
    organisations: Path | None,
    programme_parts: Path | None,
    programme_names: Path | None,
    projects: Path | None,
    duplicates: str,
    unknown_types: str,
    missing_country: str,
    no_pairs: bool,
    sep: str | None,
    encoding: str,
) -> None:
    """Load organisations, projects and participations (or a partner list) into the graph.

    Writes Organisation {id, name, type, type_code} LOCATED_IN one Region: its NUTS 3 region
    when the file has nutsCode (PART_OF NUTS 2, NUTS 1 and the country), else its city (one
    Region per city however spelt: München, MUENCHEN, Munich), else its country (ISO alpha-3,
    CORDIS UK/EL -> GBR/GRC). A load never replaces a stored name or type with a missing one,
    nor a stored location with a less precise one. Project,
    PARTICIPATES_IN {role, contribution}, programme parts as Topic, and the one-mode
    COLLABORATES_WITH {first_year, last_year, projects} projection of shared projects; partner
    lists become PARTNERS_WITH {year, known_before, channel}. Loading twice leaves the same graph.

    \b
    Examples:
      smartspec load collaborations loaders/data/h2020.csv.gz
      smartspec load collaborations organization.csv --projects project.csv
      smartspec load collaborations organization.csv --programme-parts legalBasis.csv
      smartspec load collaborations survey.csv --layout partners --duplicates merge
    """
    try:
        with progress_bar(f"reading {file.name}") as advance:
            table = collab_loader.read_collaborations(
                file,
                layout=layout,
                organisations=organisations,
                programme_parts=programme_parts,
                programme_names=programme_names,
                projects=projects,
                duplicates=duplicates,
                unknown_types=unknown_types,
                missing_country=missing_country,
                sep=sep,
                encoding=encoding,
                progress=advance,
            )
    except LoaderError as exc:
        fail(str(exc))
    with store_from(ctx) as store:
        total = len(table.participations) + len(table.partnerships)
        with progress_bar("writing collaborations", total=total) as advance:
            written = collab_loader.write_collaborations(
                store, table, pairs=not no_pairs, progress=advance
            )
        where = store.describe()
    click.echo(
        f"loaded {file} ({table.layout} layout) into {where}: {written['organisations']:,} "
        f"organisations, {written['projects']:,} projects, {written['participations']:,} "
        f"participations, {written['pairs']:,} collaborating pairs, "
        f"{written['partnerships']:,} reported partnerships"
    )
    if written.get("moved"):
        click.echo(
            f"{written['moved']:,} organisation(s) located anew (the file's location is as or "
            "more precise than the stored one, which was removed: one location each)"
        )
    for note in table.notes:
        click.echo(note)


@click.command("clusters")
@click.argument("file", type=click.Path(path_type=Path))
@click.option(
    "--activity",
    type=click.Choice(["industry", "technology", "product"]),
    default="industry",
    show_default=True,
    help="What the specialisation codes of an attributes file are.",
)
@click.option(
    "--duplicates",
    type=click.Choice(["reject", "merge"]),
    default="reject",
    show_default=True,
    help="An organisation listed twice for a cluster: refuse, or keep the earliest since.",
)
@_unknown_types
@sep_option()
@click.option("--encoding", default="utf-8", show_default=True, help="Text encoding of FILE.")
@click.pass_context
def load_clusters(
    ctx: click.Context,
    file: Path,
    activity: str,
    duplicates: str,
    unknown_types: str,
    sep: str | None,
    encoding: str,
) -> None:
    """Load cluster membership (organisation, cluster, since) or attributes (cluster, name,
    region, specialisation).

    Membership becomes (:Organisation)-[:MEMBER_OF {since}]->(:Cluster); attributes become
    (:Cluster)-[:LOCATED_IN]->(:Region) and (:Cluster)-[:SPECIALISES_IN]->(activity).

    \b
    Examples:
      smartspec load clusters members.csv
      smartspec load clusters clusters.csv --activity technology
    """
    try:
        table = cluster_loader.read_clusters(
            file,
            activity=activity.capitalize(),
            duplicates=duplicates,
            unknown_types=unknown_types,
            encoding=encoding,
            sep=sep,
        )
    except LoaderError as exc:
        fail(str(exc))
    with store_from(ctx) as store:
        written = cluster_loader.write_clusters(store, table)
        where = store.describe()
    click.echo(
        f"loaded {file} ({table.layout}) into {where}: {written['clusters']:,} clusters, "
        f"{written['members']:,} memberships, {written['specialisations']:,} specialisations"
    )
    for note in table.notes:
        click.echo(note)


# -- compute -----------------------------------------------------------------------------------


def read_network(store: Store) -> dict[str, pd.DataFrame]:
    """Read what the measures need from the graph, once: ties, actors, profiles, clusters."""
    part = store.read_relationships("PARTICIPATES_IN", start="Organisation", end="Project")
    years = store.read_table("MATCH (p:Project) RETURN p.id AS project, p.start_year AS year")
    if not part.empty:
        part = part.rename(columns={"start": "actor", "end": "project"})
        part = part.merge(years, on="project", how="left")
        ties = collab.project_ties(part)
    else:
        ties = pd.DataFrame(columns=["source", "target", "year", "projects"])
    reported = store.read_relationships(
        "PARTNERS_WITH",
        start="Organisation",
        end="Organisation",
        properties=["year", "known_before"],
    )
    if not reported.empty:
        reported = reported.rename(columns={"start": "source", "end": "target"})
        reported = reported[reported["source"] != reported["target"]]
        ties = pd.concat([ties, reported.assign(projects=1)], ignore_index=True)
    orgs = store.read_table("MATCH (o:Organisation) RETURN o.id AS actor, o.`type` AS type")
    places = store.read_table(
        "MATCH (o:Organisation)-[:LOCATED_IN]->(r:Region) "
        "RETURN o.id AS actor, r.code AS region, r.level AS level"
    )
    hierarchy = region_hierarchy(store)
    actors = (
        orgs.drop_duplicates("actor") if not orgs.empty else pd.DataFrame(columns=["actor", "type"])
    )
    if not places.empty:
        # the most precise location if a store holds several (loads before one-location rule)
        rank = places["level"].map(LOCATION_PRECISION).fillna(1)
        places = places.assign(_r=rank).sort_values("_r", ascending=False, kind="stable")
        places = places.drop_duplicates("actor")
        is_country = places["level"].eq("country").to_numpy()
        country = hierarchy.loc[hierarchy["level"] == "country"].drop_duplicates("code")
        country = country.set_index("code")["ancestor"]
        places["country"] = np.where(
            is_country, places["region"], places["region"].map(country).to_numpy()
        )
        # the locality of local buzz: the city or NUTS region an organisation is in
        places["city"] = np.where(is_country, None, places["region"])
        actors = actors.merge(
            places[["actor", "country", "city", "region"]], on="actor", how="left"
        )
    else:
        actors = actors.assign(country=None, city=None, region=None)
    profiles = store.read_relationships(
        "ACTIVE_IN", start="Organisation", end="Topic", properties=["weight"]
    ).rename(columns={"start": "actor", "end": "activity", "weight": "value"})
    members = store.read_relationships("MEMBER_OF", start="Organisation", end="Cluster").rename(
        columns={"start": "actor", "end": "actor_set"}
    )
    for frame in (ties,):
        frame["year"] = pd.to_numeric(frame["year"]).astype("Int64")
    return {
        "ties": ties,
        "actors": actors,
        "profiles": profiles,
        "clusters": members,
        "regions": hierarchy,
    }


def region_hierarchy(store: Store) -> pd.DataFrame:
    """Every Region with each Region it is ``PART_OF`` directly or not, itself included:
    ``code, ancestor, level`` (the ancestor's level), e.g. ``DE212`` with ``DE212``, ``DE21``,
    ``DE2`` and ``DEU``."""
    nodes = store.read_table("MATCH (r:Region) RETURN r.code AS code, r.level AS level")
    if nodes.empty:
        return pd.DataFrame(columns=["code", "ancestor", "level"])
    nodes = nodes.drop_duplicates("code")
    edges = store.read_relationships("PART_OF", start="Region", end="Region")
    levels = nodes.set_index("code")["level"]
    out = [pd.DataFrame({"code": nodes["code"], "ancestor": nodes["code"]})]
    step = out[0]
    parents = edges[["start", "end"]] if not edges.empty else pd.DataFrame(columns=["start", "end"])
    for _ in range(8):  # NUTS 3 -> 2 -> 1 -> country -> groups: a few steps at most
        step = step.merge(parents, left_on="ancestor", right_on="start")[["code", "end"]]
        step = step.rename(columns={"end": "ancestor"}).drop_duplicates()
        if step.empty:
            break
        out.append(step)
    table = pd.concat(out, ignore_index=True).drop_duplicates()
    return table.assign(level=table["ancestor"].map(levels).to_numpy())


def resolve_actor_sets(
    specs: list[str],
    actors: pd.DataFrame,
    clusters: pd.DataFrame,
    regions: pd.DataFrame | None = None,
):
    """Membership table and a kind per set from ``cluster:ID``, ``region:CODE``,
    ``country:CODE``, ``type:NAME`` (``country:all`` / ``region:all`` / ``cluster:all``).

    ``region:CODE`` takes the organisations located in that Region or in any Region ``PART_OF``
    it (``regions``: :func:`region_hierarchy`): a country, a city, or a NUTS region at any level
    (``region:DE21`` holds the organisations of DE211, DE212, ...)."""
    parts, kinds = [], {}
    for spec in specs:
        kind, _, code = spec.partition(":")
        kind = kind.strip().lower()
        if not code or kind not in ("cluster", "region", "country", "type"):
            raise click.BadParameter(
                f"{spec!r}: use cluster:ID, region:CODE, country:CODE or type:NAME "
                "(or country:all)",
                param_hint="--actor-set",
            )
        if kind == "country":
            if code.lower() == "all":
                m = collab.actor_sets(actors, "country")
            else:
                a3 = to_alpha3([code]).iloc[0]
                if not isinstance(a3, str):
                    raise click.BadParameter(
                        f"unknown country code {code!r}", param_hint="--actor-set"
                    )
                m = actors.loc[actors["country"] == a3, ["actor"]].assign(actor_set=a3)
        elif kind == "region":
            if code.lower() == "all":
                m = collab.actor_sets(actors, "city")
            else:
                c = code.strip().upper()
                a3 = to_alpha3([c]).iloc[0]
                c = a3 if isinstance(a3, str) else c
                hit = (actors["city"] == c) | (actors["country"] == c)
                if regions is not None and len(regions) and "region" in actors.columns:
                    inside = set(regions.loc[regions["ancestor"] == c, "code"])
                    hit |= actors["region"].isin(inside)
                m = actors.loc[hit, ["actor"]].assign(actor_set=c)
        elif kind == "type":
            if code.lower() == "all":
                m = collab.actor_sets(actors, "type")
            else:
                m = actors.loc[actors["type"] == code.lower(), ["actor"]].assign(actor_set=code)
        else:
            m = clusters if code.lower() == "all" else clusters[clusters["actor_set"] == code]
        if m.empty:
            raise click.ClickException(f"actor set {spec!r} has no members in the store")
        parts.append(m[["actor", "actor_set"]])
        kinds.update(dict.fromkeys(m["actor_set"].unique().tolist(), kind))
    return pd.concat(parts, ignore_index=True).drop_duplicates(), kinds


def run_collaboration(
    store: Store,
    specs: list[str],
    *,
    locality: str | None = None,
    period_length: int = 1,
    country_attributes: pd.DataFrame | None = None,
    betweenness_sources: int | None = 200,
    write: bool = True,
) -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """Read the network, compute every measure for the actor sets, write profiles back."""
    net = read_network(store)
    if net["ties"].empty:
        raise click.ClickException(
            f"no collaborations in {store.describe()}; load some first "
            "(smartspec load collaborations FILE)"
        )
    membership, kinds = resolve_actor_sets(
        specs, net["actors"], net["clusters"], net["regions"]
    )
    if locality is None:
        locality = "country" if set(kinds.values()) == {"country"} else "city"
    ties = collab.assign_periods(net["ties"], period_length)
    result = collab.collaboration_measures(
        ties,
        net["actors"],
        membership,
        locality=locality,
        profiles=net["profiles"] if not net["profiles"].empty else None,
        country_attributes=country_attributes,
        betweenness_sources=betweenness_sources,
    )
    summary = result["summary"]
    summary.insert(1, "set_kind", summary["actor_set"].map(kinds))
    if write:
        _write_profiles(store, summary, period_length, betweenness_sources)
    return result, net["actors"]


def _write_profiles(store: Store, summary: pd.DataFrame, period_length, sources) -> None:
    from ..graph_models import schema

    props = [c for c in schema.relationship("COLLABORATION_PROFILE").properties if c != "year"]
    node = pd.DataFrame(
        {
            "id": ["collaboration"],
            "family": ["collaboration"],
            "parameters": [
                json.dumps({"period_length": period_length, "betweenness_sources": sources})
            ],
        }
    )
    store.upsert_nodes("Measure", node)
    for kind, label in (("country", "Region"), ("region", "Region"), ("cluster", "Cluster")):
        rows = summary[summary["set_kind"] == kind]
        if rows.empty:
            continue
        cols = [c for c in props if c in rows.columns]
        out = rows[["actor_set", "year", *cols]].rename(columns={"actor_set": "start"})
        out = out.assign(end="collaboration", year=out["year"].astype("int64"))
        store.upsert_relationships("COLLABORATION_PROFILE", out, start=label, end="Measure")


_TABLE_COLUMNS = [
    "actor_set",
    "actor_set_name",
    "year",
    "actors",
    "ties",
    "local_share",
    "national_share",
    "international_share",
    "ei_index",
    "partner_countries",
    "internal_density",
    "pipeline_actor_share",
    "pipeline_gini",
    "new_partner_share",
    "tech_proximity_chosen",
    "tech_proximity_available",
]


@click.command("collaboration")
@click.option(
    "--actor-set",
    "actor_sets",
    multiple=True,
    required=True,
    help="cluster:ID, region:CODE (NUTS region at any level, city or country Region), "
    "country:CODE, type:NAME, or "
    "country:all; repeat for several.",
)
@click.option(
    "--locality",
    type=click.Choice(collab.LOCALITIES),
    help="What 'local' means: same city or same country (default: country for country sets, "
    "city otherwise).",
)
@click.option(
    "--period-length",
    type=click.IntRange(1),
    default=1,
    show_default=True,
    help="Years per period.",
)
@click.option(
    "--country-attributes",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="CSV country,<attributes...> (e.g. group, language) for cultural proximity "
    "(default: EU-15 / EU-13 / H2020-associated groups).",
)
@click.option(
    "--betweenness-sources",
    type=click.IntRange(0),
    default=200,
    show_default=True,
    help="Sampled sources for betweenness in large networks (0: exact).",
)
@click.option(
    "--figures",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for figures (PNG and SVG): ego network and shares over time.",
)
@click.option(
    "--actors-output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write per-member brokerage roles and betweenness (CSV).",
)
@click.option(
    "--write/--no-write",
    default=True,
    show_default=True,
    help="Write COLLABORATION_PROFILE relationships back to the graph.",
)
@format_option()
@output_option()
@click.pass_context
def compute_collaboration(
    ctx: click.Context,
    actor_sets: tuple[str, ...],
    locality: str | None,
    period_length: int,
    country_attributes: Path | None,
    betweenness_sources: int,
    figures: Path | None,
    actors_output: Path | None,
    write: bool,
    fmt: str,
    output: Path | None,
) -> None:
    """Local buzz, global pipelines, brokerage and partner selection of actor sets, per period.

    For each actor set and period: local / national / international ties and shares, E-I index,
    partner countries and their diversity; density, clustering and components of the internal
    network; international ties per actor and their concentration (Gini, top-5 share);
    Gould-Fernandez brokerage roles with locality as the group, betweenness and the brokerage
    share of each actor type; new versus known partners and the technological and cultural
    proximity of chosen against available partners. Written back as
    (:Region|:Cluster)-[:COLLABORATION_PROFILE {year, ...}]->(:Measure {id: 'collaboration'}).

    \b
    Examples:
      smartspec compute collaboration --actor-set country:DE
      smartspec compute collaboration --actor-set region:DEU-MUNICH --figures figs
      smartspec compute collaboration --actor-set region:DE21
      smartspec compute collaboration --actor-set cluster:C1 --period-length 3
      smartspec compute collaboration --actor-set country:all --format csv -o collab.csv
    """
    attrs = None
    if country_attributes is not None:
        try:
            attrs = pd.read_csv(country_attributes, dtype=str)
        except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
            fail(f"{country_attributes}: cannot read ({exc})")
        if "country" not in attrs.columns:
            fail(f"{country_attributes}: needs a 'country' column; found {', '.join(attrs)}")
        attrs["country"] = to_alpha3(attrs["country"])
        attrs = attrs.dropna(subset=["country"])
    with store_from(ctx) as store:
        result, actors = run_collaboration(
            store,
            list(actor_sets),
            locality=locality,
            period_length=period_length,
            country_attributes=attrs,
            betweenness_sources=betweenness_sources or None,
            write=write,
        )
        summary = set_names(store, result["summary"])
        members = result["actors"]
        if "actor" in members.columns and len(members):
            ids = members["actor"].astype(str)
            names = read_names(store, "Organisation", ids.unique().tolist())
            members = members.copy()
            members.insert(members.columns.get_loc("actor") + 1, "actor_name",
                           ids.map(names).astype(object).fillna("").to_numpy())
            result["actors"] = members
    if fmt == "table":
        emit(summary[[c for c in _TABLE_COLUMNS if c in summary.columns]].round(3), fmt, output)
    else:
        emit(summary, fmt, output)
    if actors_output is not None:
        actors_output.parent.mkdir(parents=True, exist_ok=True)
        result["actors"].to_csv(actors_output, index=False)
        click.echo(f"wrote {len(result['actors']):,} member rows to {actors_output}", err=True)
    if figures is not None:
        paths = draw_figures(result, actors, figures)
        click.echo(f"wrote {len(paths)} figures to {figures}", err=True)


def set_names(store: Store, summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` with ``actor_set_name`` after ``actor_set``: the Region name of a country or
    region set (``DE21 (Germany)``, ``München``), the Cluster name of a cluster, the type of a
    type set; empty where the store has no name."""
    kind = summary["set_kind"].astype(str).to_numpy()
    codes = summary["actor_set"].astype(str)
    name = pd.Series("", index=summary.index, dtype=object)
    for label, kinds in (("Region", ("region", "country")), ("Cluster", ("cluster",))):
        rows = np.isin(kind, kinds)
        if rows.any():
            names = read_names(store, label, codes[rows].unique().tolist())
            name[rows] = codes[rows].map(names).astype(object).fillna("").to_numpy()
    name[kind == "type"] = codes[kind == "type"].to_numpy()
    out = summary.copy()
    out.insert(out.columns.get_loc("actor_set") + 1, "actor_set_name", name.to_numpy())
    out.attrs = dict(summary.attrs)
    return out


# -- figures -----------------------------------------------------------------------------------

_COLOURS = {
    "member": "#222222",
    "local": "#1b9e77",
    "national": "#7570b3",
    "international": "#d95f02",
    "unknown": "#bbbbbb",
}


def draw_figures(result, actors: pd.DataFrame, folder: Path, *, max_partners: int = 150):
    """Ego network of each actor set coloured by locality, and tie shares over time (PNG+SVG)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import networkx as nx

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    summary, mt = result["summary"], result["member_ties"]
    sets = list(pd.unique(summary["actor_set"]))[:12]
    # shares over time
    fig, ax = plt.subplots(figsize=(7, 4))
    for aset in sets:
        s = summary[summary["actor_set"] == aset].sort_values("year")
        for kind, style in (("local", "-"), ("international", "--")):
            ax.plot(s["year"], s[f"{kind}_share"], style, marker="o", ms=3, label=f"{aset} {kind}")
    ax.set_xlabel("period")
    ax.set_ylabel("share of ties")
    ax.set_ylim(0, 1)
    ax.set_title("Local and international ties over time")
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    for ext in ("png", "svg"):
        p = folder / f"shares_over_time.{ext}"
        fig.savefig(p, dpi=120)
        written.append(p)
    plt.close(fig)
    # ego networks
    for aset in sets[:4]:
        ties = mt[mt["actor_set"] == aset]
        if ties.empty:
            continue
        counts = ties.groupby(["actor", "partner", "internal", "kind"], as_index=False)[
            "projects"
        ].sum()
        ext_t = counts[~counts["internal"]].nlargest(max_partners, "projects")
        int_t = counts[counts["internal"]].nlargest(max_partners, "projects")
        g = nx.Graph()
        for row in pd.concat([int_t, ext_t]).itertuples(index=False):
            g.add_edge(row.actor, row.partner, weight=float(row.projects))
        members = set(ties["actor"]) | set(ties.loc[ties["internal"], "partner"])
        kind_of = dict(zip(ext_t["partner"], ext_t["kind"], strict=False))
        colours = [
            _COLOURS["member"] if n in members else _COLOURS.get(kind_of.get(n), "#bbbbbb")
            for n in g.nodes
        ]
        fig, ax = plt.subplots(figsize=(7, 7))
        pos = nx.spring_layout(g, seed=1, k=1 / max(1, np.sqrt(g.number_of_nodes())))
        nx.draw_networkx_edges(g, pos, ax=ax, alpha=0.15, width=0.5)
        nx.draw_networkx_nodes(g, pos, ax=ax, node_color=colours, node_size=18)
        for kind, colour in _COLOURS.items():
            ax.scatter([], [], c=colour, label=kind, s=20)
        ax.legend(loc="lower left", fontsize=8)
        ax.set_title(f"Ego network of {aset} (top {max_partners} partners by joint projects)")
        ax.axis("off")
        fig.tight_layout()
        safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in str(aset))
        for ext in ("png", "svg"):
            p = folder / f"ego_network_{safe}.{ext}"
            fig.savefig(p, dpi=120)
            written.append(p)
        plt.close(fig)
    return written
