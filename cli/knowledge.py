"""``smartspec load patents|employment`` and ``smartspec compute clusters``: knowledge bases and
cluster mapping (issue 7)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click
import numpy as np
import pandas as pd

from ..loaders import employment as emp_loader
from ..loaders import patents as pat_loader
from ..loaders._io import LoaderError
from ..workflows import load as load_workflow
from ..workflows.knowledge import CLUSTER_METHOD, run_clusters
from ..workflows.knowledge import clusters as clusters_workflow
from ._common import emit, fail, format_option, output_option, sep_option, store_from

__all__ = ["load_patents", "load_employment", "clusters", "run_clusters", "CLUSTER_METHOD"]


def _echo_notes(notes: Sequence[str]) -> None:
    for note in notes:
        click.echo(note)


@click.command("patents")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--layout", type=click.Choice(pat_loader.PATENT_LAYOUTS), default="long",
              show_default=True, help="long (region x technology counts), regpat, patentsview.")
@click.option("--classes", "classes", type=click.Path(path_type=Path),
              help="Class file of a patent-level layout (REGPAT IPC file, PatentsView "
                   "g_cpc_current), joined on the patent id.")
@click.option("--classification", type=click.Choice(["IPC", "CPC"], case_sensitive=False),
              help="Technology classification [IPC; CPC for patentsview].")
@click.option("--level", type=click.Choice(["section", "class", "subclass", "group"]),
              default="subclass", show_default=True,
              help="Level the codes are normalised to (H / H01 / H01L / H01L 21/00).")
@click.option("--region-col", help="Region column [long: region; regpat: reg_code; "
                                   "patentsview: location].")
@click.option("--technology-col", help="Technology column of the long layout [technology].")
@click.option("--count-col", help="Count column of the long layout [count].")
@click.option("--year-col", help="Year column [year; regpat: prio_year; patentsview: year, "
                                 "else patent_date].")
@click.option("--patent-col", help="Patent id column [regpat: appln_id; patentsview: "
                                   "patent_id].")
@click.option("--share-col", help="Inventor share column of regpat [inv_share].")
@click.option("--class-col", help="Class column [regpat: IPC; patentsview: cpc, cpc_group].")
@click.option("--year", type=int, help="Year of a file without a year column (or keep only it).")
@click.option("--counting", type=click.Choice(pat_loader.COUNTING), default="fractional",
              show_default=True, help="Split each application by inventor region and class, "
                                      "or count it whole for each.")
@click.option("--tolerance", type=float, default=0.01, show_default=True,
              help="How far REGPAT inventor shares of an application may sum from 1.")
@click.option("--code-prefix", default="", help="Put before every code, e.g. 'CPC:'.")
@click.option("--region-level", help="Level recorded on Region nodes, e.g. nuts3 or metro.")
@click.option("--knowledge-space/--no-knowledge-space", default=True, show_default=True,
              help="Patent-level layouts: write the co-classification knowledge space "
                   "(association strength) as PROXIMITY.")
@click.option("--duplicates", type=click.Choice(["reject", "sum"]), default="reject",
              show_default=True, help="Long layout: several rows for one key.")
@click.option("--technology-fields", type=click.Path(path_type=Path),
              help="WIPO IPC -> 35 technology fields concordance (PatentsView "
                   "ipc_technology.csv): count applications in the 35 named fields instead of "
                   "IPC classes (regpat, patentsview).")
@click.option("--encoding", default="utf-8", show_default=True,
              help="Text encoding of FILE (UTF-8, with a BOM or not, falls back to "
                   "Windows-1252).")
@sep_option()
@click.pass_context
def load_patents(ctx: click.Context, file: Path, layout: str, classes: Path | None,
                 classification: str | None, level: str, region_col, technology_col, count_col,
                 year_col, patent_col, share_col, class_col, year: int | None, counting: str,
                 tolerance: float, code_prefix: str, region_level: str | None,
                 knowledge_space: bool, duplicates: str, technology_fields: Path | None,
                 encoding: str, sep: str | None) -> None:
    """Load patent counts into (:Region)-[:PATENTS {year, count}]->(:Technology).

    IPC / CPC codes are normalised to --level (default subclass: "H01L 21/00" -> H01L), the
    hierarchy up to the section is written as (:Technology)-[:PART_OF]->(:Technology); codes of
    unknown form or coarser than --level refuse the file. REGPAT and PatentsView tables are
    counted fractionally: each application is one patent, split by inventor region (REGPAT
    inv_share, which must sum to one per application within --tolerance) and equally over its
    distinct classes. From them the knowledge space (classes co-listed on the same
    applications, association strength) is written as PROXIMITY {method:
    'cooccurrence:association'}. Loading the same file twice leaves the same graph.

    \b
    Examples:
      smartspec load patents counts.csv --level class
      smartspec load patents 202001_EPO_Inv_reg.txt --layout regpat \\
          --classes 202001_EPO_IPC.txt --region-level nuts3
      smartspec load patents 202001_EPO_Inv_reg.txt --layout regpat \\
          --classes 202001_EPO_IPC.txt --technology-fields ipc_technology.csv
      smartspec load patents inventors_cpc.csv --layout patentsview --region-level county
    """
    try:
        table, space = load_workflow.read_patents(
            file, knowledge_space=knowledge_space, layout=layout, classes=classes,
            classification=classification.upper() if classification else None, level=level,
            region_col=region_col, technology_col=technology_col, year_col=year_col,
            count_col=count_col, patent_col=patent_col, share_col=share_col,
            class_col=class_col, year=year, counting=counting, tolerance=tolerance,
            code_prefix=code_prefix, duplicates=duplicates, encoding=encoding, sep=sep,
            technology_fields=technology_fields)
    except LoaderError as exc:
        fail(str(exc))
    with store_from(ctx) as store:
        try:
            done = load_workflow.write_patents(store, table, space, region_level=region_level)
        except LoaderError as exc:
            fail(str(exc))
    written, where = done.iloc[0], done.attrs["store"]
    n_space = None if pd.isna(written["knowledge_space"]) else int(written["knowledge_space"])
    click.echo(
        f"loaded {file} ({table.layout} layout, {table.classification} {table.level}, year "
        f"{', '.join(map(str, table.years))}) into {where}: {written['patents']:,} patent "
        f"counts of {written['regions']:,} regions in {written['technologies']:,} technologies "
        f"({written['hierarchy_nodes']:,} Technology nodes with the hierarchy, "
        f"{written['part_of']:,} PART_OF)")
    if n_space is not None:
        click.echo(f"knowledge space: {n_space:,} co-classified pairs written as PROXIMITY "
                   "(cooccurrence:association)")
    _echo_notes(table.notes)


@click.command("employment")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--layout", type=click.Choice(emp_loader.EMPLOYMENT_LAYOUTS), default="auto",
              show_default=True, help="long, cbp (County Business Patterns), sbs (Eurostat).")
@click.option("--classification", type=click.Choice(["NACE", "NAICS"], case_sensitive=False),
              help="Industry classification (required for long; CBP is NAICS, SBS NACE).")
@click.option("--level", help="Industry level: NACE section/division/group/class; NAICS "
                              "sector/subsector/industry_group/industry/national_industry or "
                              "2-6 [long: the file's; cbp, sbs: the finest in the file].")
@click.option("--region-level", help="Region level [cbp: county/state/metro, recorded; sbs: "
                                     "nuts0 (country), nuts1, nuts2 or nuts3, the one kept; "
                                     "default the finest in the file].")
@click.option("--region-col", default="region", show_default=True, help="Region column (long).")
@click.option("--industry-col", default="industry", show_default=True,
              help="Industry column (long).")
@click.option("--year-col", default="year", show_default=True, help="Year column (long).")
@click.option("--jobs-col", default="jobs", show_default=True, help="Jobs column (long).")
@click.option("--year", type=int, help="Year of a file without a year column (or keep only it).")
@click.option("--indicator", help="SBS indicator [persons employed: V16110 or EMP_NR].")
@click.option("--suppressed", type=click.Choice(emp_loader.SUPPRESSED_RULES),
              default="midpoint", show_default=True,
              help="Suppressed cells: CBP size-class midpoint, skip them, or refuse the file.")
@click.option("--code-prefix", default="", help="Put before every code, e.g. 'NAICS:'.")
@click.option("--duplicates", type=click.Choice(["reject", "sum"]), default="reject",
              show_default=True, help="Several rows for one key: refuse the file or add up.")
@click.option("--select", "select", multiple=True, metavar="DIM=VALUE",
              help="Eurostat (sbs): the value kept of a dimension besides nace_r2 and geo, e.g. "
                   "--select unit=NR --select c_resid=TOTAL; required for every dimension "
                   "with several values.")
@click.option("--encoding", default="utf-8", show_default=True,
              help="Text encoding of FILE (UTF-8, with a BOM or not, falls back to "
                   "Windows-1252).")
@sep_option()
@click.pass_context
def load_employment(ctx: click.Context, file: Path, layout: str, classification: str | None,
                    level: str | None, region_level: str | None, region_col: str,
                    industry_col: str, year_col: str, jobs_col: str, year: int | None,
                    indicator: str | None, suppressed: str, code_prefix: str, duplicates: str,
                    select: tuple[str, ...], encoding: str, sep: str | None) -> None:
    """Load jobs into (:Region)-[:EMPLOYS {year, jobs}]->(:Industry).

    NACE or NAICS codes are normalised to --level and the hierarchy is written as
    (:Industry)-[:PART_OF]->(:Industry). CBP and Eurostat files hold every level: the rows at
    --level are kept and aggregates (CBP ------, Eurostat B-N_S95_X_K, I551-I553) left out and
    reported. Eurostat bulk TSV / SDMX-CSV: every dimension besides nace_r2 and geo holding
    several values (freq, unit, c_resid, wstatus ...) is chosen with --select DIM=VALUE; NUTS
    levels mixed in one file are never mixed in the graph (--region-level keeps one, the
    others are reported), EU / euro-area totals are left out, flags (e, b, u, c, @C ...) are
    counted, THS units are multiplied by 1,000. ZIP Code Business Patterns totals (no naics)
    are refused with the reason. Suppressed CBP
    cells (empflag size class, emp_nf D/S/N) take the midpoint of their size class by default
    (--suppressed drop skips them); missing values are never zeros; negative jobs refuse the
    file. Loading the same file twice leaves the same graph.

    \b
    Examples:
      smartspec load employment jobs.csv --classification NACE
      smartspec load employment cbp17co.txt --level 4
      smartspec load employment sbs_r_nuts06_r2.tsv --level division
      smartspec load employment nama_10r_3empers.tsv.gz --select wstatus=EMP \\
          --region-level nuts2
    """
    chosen: dict[str, str] = {}
    for item in select:
        dim, eq, value = item.partition("=")
        if not eq or not dim.strip() or not value.strip():
            fail(f"--select {item!r}: write DIMENSION=VALUE, e.g. --select unit=NR")
        if dim.strip() in chosen:
            fail(f"--select {dim.strip()} given twice: one value per dimension")
        chosen[dim.strip()] = value.strip()
    try:
        table = load_workflow.read_employment(
            file, layout=layout, classification=classification, level=level,
            region_level=region_level, region_col=region_col, industry_col=industry_col,
            year_col=year_col, jobs_col=jobs_col, year=year, indicator=indicator,
            suppressed=suppressed, code_prefix=code_prefix, duplicates=duplicates,
            select=chosen or None, encoding=encoding, sep=sep)
    except LoaderError as exc:
        fail(str(exc))
    with store_from(ctx) as store:
        try:
            done = load_workflow.write_employment(store, table)
        except LoaderError as exc:
            fail(str(exc))
    written, where = done.iloc[0], done.attrs["store"]
    click.echo(
        f"loaded {file} ({table.layout} layout, {table.classification} {table.level}, year "
        f"{', '.join(map(str, table.years))}) into {where}: {written['employs']:,} jobs "
        f"counts of {written['regions']:,} regions in {written['industries']:,} industries "
        f"({written['hierarchy_nodes']:,} Industry nodes with the hierarchy, "
        f"{written['part_of']:,} PART_OF)")
    _echo_notes(table.notes)


# -- compute clusters -------------------------------------------------------------------------

@click.command("clusters")
@click.option("--activity", type=click.Choice(["industry", "technology"]), default="industry",
              show_default=True, help="Industries (EMPLOYS) or technologies (PATENTS).")
@click.option("--year", type=int, help="Year to rate [the latest].")
@click.option("--level", help="Activity level to use, as recorded on the nodes (e.g. class, "
                              "industry_group, subclass); needed when several are loaded.")
@click.option("--size-top", type=float, default=0.10, show_default=True,
              help="Size star: the top share of all pairs by share of the activity's total.")
@click.option("--lq-min", type=float, default=2.0, show_default=True,
              help="Specialisation star: LQ at least this.")
@click.option("--focus-top", type=float, default=0.10, show_default=True,
              help="Focus star: the top share of all pairs by share of the region's total.")
@click.option("--min-value", type=float, default=0.0, show_default=True,
              help="No star for pairs below this many jobs (patents).")
@click.option("--min-stars", type=click.IntRange(0, 3), default=1, show_default=True,
              help="Pairs with at least this many stars become mapped clusters.")
@click.option("--variety-level", help="Group level of related / unrelated variety in the "
                                      "regions table, e.g. sector, division, class.")
@click.option("--table", type=click.Choice(["clusters", "pairs", "regions"]),
              default="clusters", show_default=True,
              help="Print the mapped clusters, every rated pair, or the regions' Hoover, "
                   "Krugman and variety.")
@click.option("--no-write", is_flag=True, help="Compute and print only.")
@format_option()
@output_option()
@click.pass_context
def clusters(ctx: click.Context, activity: str, year: int | None, level: str | None,
             size_top: float, lq_min: float, focus_top: float, min_value: float, min_stars: int,
             variety_level: str | None, table: str, no_write: bool, fmt: str,
             output: Path | None) -> None:
    """Cluster mapping: the European Cluster Observatory star rating, written to the graph.

    Every region-activity pair of the year gets up to three stars: size (among the top
    --size-top of pairs by its share of the activity's total), specialisation (LQ >= --lq-min)
    and focus (among the top --focus-top by its share of the region's total). Pairs with
    --min-stars or more become (:Cluster {method: 'star rating'})-[:LOCATED_IN]->(:Region)
    with -[:SPECIALISES_IN {stars, lq, size, focus, value, year, parameters}]-> the activity;
    rerunning replaces the previous mapping of that activity label.

    \b
    Examples:
      smartspec compute clusters
      smartspec compute clusters --activity technology --lq-min 1.5 --format csv -o stars.csv
      smartspec compute clusters --table regions --variety-level sector
    """
    for name, v in (("--size-top", size_top), ("--focus-top", focus_top)):
        if not 0 <= v <= 1:
            fail(f"{name} must be a share in [0, 1], got {v}")
    if lq_min < 0 or min_value < 0:
        fail("--lq-min and --min-value must be >= 0")
    with store_from(ctx) as store:
        frame = clusters_workflow(store, activity=activity, year=year, level=level,
                                  size_top=size_top, lq_min=lq_min, focus_top=focus_top,
                                  min_value=min_value, min_stars=min_stars,
                                  variety_level=variety_level, table=table, write=not no_write)
    label = activity.capitalize()
    info = frame.attrs
    if fmt == "table":
        frame = frame.copy()
        for c in frame.columns:
            if pd.api.types.is_float_dtype(frame[c]):
                frame[c] = np.round(frame[c], 4)
    if table == "clusters" and output is None and fmt == "table":
        done = "written" if not no_write else "found (not written)"
        click.echo(f"{info['mapped']:,} mapped clusters {done} ({label}, year "
                   f"{info['year']})", err=True)
    emit(frame, fmt, output)
