"""Partner recommendation commands: ``partners`` (explainable lists) and ``backtest``.

Both are plain click commands; the ``recommend`` group attaches them. They read the
collaboration data from the store (``PARTICIPATES_IN``, ``Project.start_year``, ``ADDRESSES``
topics, ``Organisation`` with ``LOCATED_IN`` its country, ``MEMBER_OF`` clusters; a store with
only ``COLLABORATES_WITH`` pairs works too) or, with ``--input``, straight from a collaboration
file in a layout the collaboration loader reads (e.g. the shipped CORDIS ``h2020.csv.gz``).
"""

from __future__ import annotations

import json
from pathlib import Path

import click
import pandas as pd

from ..algorithms import recommendation as rec
from ..algorithms._validation import ValidationError
from ..loaders._io import LoaderError
from ..workflows import partner_data
from ..workflows import partners as flows
from ..workflows._base import WorkflowError
from ..workflows.partner_data import (
    NO_NAME,
    PartnerData,
    parse_countries,
    parse_types,
    read_partner_file,
    read_partner_store,
)
from ._common import emit, fail, format_option, output_option, render, store_from

__all__ = ["partners", "backtest", "read_partner_data", "resolve_focal"]


def read_partner_data(ctx, input_file, programme_parts, organisations, clusters) -> PartnerData:
    """The recommender's tables from ``--input`` files or, without them, from the store."""
    try:
        if input_file is not None:
            return read_partner_file(input_file, programme_parts, organisations, clusters)
        if programme_parts is not None or clusters is not None:
            fail("--programme-parts and --clusters go with --input FILE")
        with store_from(ctx) as store:
            return read_partner_store(store)
    except LoaderError as exc:
        fail(str(exc))
    raise AssertionError("unreachable")


def _input_options(func):
    for option in reversed(
        [
            click.option("--input", "input_file", type=click.Path(exists=True, dir_okay=False,
                         path_type=Path),
                         help="Collaboration file (e.g. CORDIS h2020.csv.gz) instead of the "
                         "store."),
            click.option("--programme-parts", type=click.Path(exists=True, dir_okay=False,
                         path_type=Path),
                         help="Project programme parts (rcn, programme_part) for --input "
                         "[programme_parts.csv.gz next to it]."),
            click.option("--organisations", "organisations_file",
                         type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         help="Organisation names for --input [the shipped file next to it]."),
            click.option("--clusters", "clusters_file",
                         type=click.Path(exists=True, dir_okay=False, path_type=Path),
                         help="Cluster membership file (organisation, cluster) for --input."),
        ]
    ):
        func = option(func)
    return func


def _weights(text: str | None) -> dict[str, float]:
    try:
        return rec.parse_weights(text)
    except ValidationError as exc:
        raise click.BadParameter(str(exc), param_hint="--weights") from None


def _filters(countries: tuple[str, ...], types: tuple[str, ...]) -> tuple:
    """``--country`` and ``--type`` as the recommender's filters (None when not given)."""
    try:
        codes = parse_countries(countries) if countries else None
    except WorkflowError as exc:
        raise click.BadParameter(str(exc), param_hint="--country") from None
    try:
        names = parse_types(types) if types else None
    except WorkflowError as exc:
        raise click.BadParameter(str(exc), param_hint="--type") from None
    return codes, names


def resolve_focal(data: PartnerData, index: rec.PartnerIndex, organisation: str | None,
                  cluster: str | None) -> tuple:
    """:func:`~smartspec.workflows.partner_data.resolve_focal` for ``--organisation`` or
    ``--cluster``: the choice of a name is said on standard error, a refusal exits non-zero."""
    try:
        return partner_data.resolve_focal(data, index, organisation, cluster,
                                          say=lambda line: click.echo(line, err=True))
    except WorkflowError as exc:
        fail(str(exc))
    raise AssertionError("unreachable")


_TABLE_COLUMNS = ["rank", "organisation", "name", "country", "type", "score", "common_partners",
                  "adamic_adar", "fit", "complementarity", "projects", "coordinated",
                  "new_country"]


@click.command("partners")
@click.option("--organisation", "organisation",
              help="Focal organisation: its id (e.g. a CORDIS PIC) or its name (case and accents "
              "ignored; an ambiguous name lists the candidates).")
@click.option("--cluster", help="Focal cluster id (or name): partners for all its members.")
@click.option("--country", "countries", multiple=True,
              help="Only candidates in this country (repeatable; alpha-2 or alpha-3).")
@click.option("--type", "types", multiple=True,
              help="Only candidates of this type (repeatable): university, firm, research "
              "organisation, public body, cluster management, other.")
@click.option("--international-only", is_flag=True,
              help="Only candidates outside the focal's country (every member's).")
@click.option("--top", type=int, default=20, show_default=True, help="Rows to show (0: all).")
@click.option("--explain", "show_evidence", is_flag=True,
              help="Show the evidence behind each name (shared partners, topics, pipelines).")
@click.option("--weights", help="Score weights as name=value,... over the defaults "
              f"({', '.join(f'{k}={v:g}' for k, v in rec.DEFAULT_WEIGHTS.items())}); names: "
              f"{', '.join(rec.COMPONENTS)}.")
@click.option("--until", type=int, help="Use only projects starting up to this year [all].")
@click.option("--method", type=click.Choice(flows.METHODS),
              help=f"learned: the LightGBM ranker trained on earlier years (cached); weighted: "
              f"the hand-weighted score (--weights); or a single baseline [{flows.DEFAULT_METHOD}"
              "; weighted with --weights].")
@_input_options
@format_option()
@output_option()
@click.pass_context
def partners(ctx, organisation, cluster, countries, types, international_only, top,
             show_evidence, weights, until, method, input_file, programme_parts,
             organisations_file, clusters_file, fmt, output):
    """Partner candidates for an organisation or a cluster, each with the reasons for it.

    Candidates are organisations the focal (for a cluster: any member) has not worked with.
    The default method, learned, ranks them with a gradient-boosted model (LightGBM
    lambdarank) trained on earlier time splits of the same data (what the network looked like
    in a year, and the ties that formed after it); it is trained once (1-2 minutes on the
    CORDIS data) and cached by a fingerprint of the data. With
    --explain each row's score is split into feature contributions (TreeSHAP) and said in
    words ("3 shared partners: ...", "works in LEIT like you", "adds a partner country: ...").
    --method weighted keeps the hand-weighted score below.

    Each row carries every component of the weighted score: network proximity (common partners,
    Adamic-Adar, resource allocation), technological fit at an optimal distance (inverted U
    on topic-profile similarity), complementarity (related topics outside the focal
    portfolio), experience (projects, coordinations) and what it adds to the focal's pipelines
    (new country, new type). score = sum of weight x component, with ln(1 + x) for the network
    counts. A focal without partners gets a content-only ranking, labelled as such.

    \b
    Examples:
      smartspec recommend partners --organisation 999993953 --international-only --explain
      smartspec recommend partners --organisation "Politecnico di Milano" --top 10
      smartspec recommend partners --cluster C1 --country DE --country FR --type firm
      smartspec recommend partners --organisation 999993953 --weights pipeline=0.3 \\
          --input h2020.csv.gz --format csv --output partners.csv
    """
    if bool(organisation) == bool(cluster):
        fail("give exactly one of --organisation ID or --cluster ID")
    if weights and method not in (None, "weighted"):
        fail("--weights goes with --method weighted")
    method = method or ("weighted" if weights else flows.DEFAULT_METHOD)
    w = _weights(weights)
    country_codes, type_names = _filters(countries, types)
    data = read_partner_data(ctx, input_file, programme_parts, organisations_file, clusters_file)
    try:
        index = rec.partner_index(data.participations, data.topics, data.organisations,
                                  until=until)
    except ValidationError as exc:
        fail(str(exc))
    focal, label, _ = resolve_focal(data, index, organisation, cluster)
    try:
        table, evidence = flows.recommend(
            data.participations, data.topics, data.organisations, focal, method=method,
            until=until, index=index, explain=show_evidence, countries=country_codes,
            types=type_names, international_only=international_only, top=top or None,
            weights=w)
    except ValidationError as exc:
        fail(str(exc))
    if table.attrs.get("fallback"):
        click.echo(f"note: {table.attrs['fallback']}", err=True)
        method = "weighted"
    if table.attrs.get("note"):
        click.echo(f"note: {label} has no partners in the data; ranking on content only "
                   "(fit, complementarity, experience), labelled 'content only'", err=True)
    table = flows.rounded(table)
    if fmt == "table":
        how = ("weights " + ", ".join(f"{k}={v:g}" for k, v in w.items())
               if method == "weighted" else f"method {method}")
        text = (f"Partner candidates for {label}: {table.attrs['candidates']:,} candidates, "
                f"data {'up to ' + str(until) if until else 'all years'}, {how}\n")
        shown = table[_TABLE_COLUMNS].copy()
        shown["name"] = shown["name"].map(lambda s: s if not isinstance(s, str) or len(s) <= 40
                                          else s[:39] + "~")
        text += render(shown, "table")
        if evidence is not None:
            for _, row in table.iterrows():
                ev = evidence[evidence["organisation"] == row["organisation"]]
                nm = row["name"] if isinstance(row["name"], str) else NO_NAME
                score = "" if pd.isna(row["score"]) else f" score {row['score']:.3f}"
                text += f"\n{row['rank']}. {row['organisation']} {nm} " \
                        f"[{row['country'] or '?'}, {row['type'] or '?'}]{score} " \
                        f"({row['basis']})\n"
                if "reason" in ev.columns:
                    said = ev[ev["reason"] != ""].sort_values("reason_contribution",
                                                              ascending=False, kind="stable")
                    for _, e in said.iterrows():
                        text += f"   {e['reason']} ({e['reason_contribution']:+.3f})\n"
                    if said.empty:
                        text += "   (no single strong reason)\n"
                    continue
                if ev.empty:
                    text += "   (no shared partner or topic evidence)\n"
                for _, e in ev.iterrows():
                    name = f" {e['name']}" if isinstance(e["name"], str) else ""
                    text += f"   {e['evidence']}: {e['item']}{name} ({e['value']:g}; " \
                            f"{e['detail']})\n"
        _write(text, output, len(table))
    elif fmt == "csv" and evidence is not None:
        ev = evidence.rename(columns={"name": "item_name"})
        long = table[["rank", "organisation", "name", "score"]].merge(
            ev, on="organisation", how="left")
        emit(long, "csv", output)
    elif fmt == "json":
        records = json.loads(table.to_json(orient="records"))
        if evidence is not None:
            ev = json.loads(evidence.to_json(orient="records"))
            for r in records:
                r["evidence"] = [e for e in ev if e["organisation"] == r["organisation"]]
        payload = {"focal": label, "until": until, "method": method,
                   "weights": w if method == "weighted" else None,
                   "candidates": table.attrs["candidates"], "note": table.attrs.get("note"),
                   "partners": records}
        _write(json.dumps(payload, indent=2) + "\n", output, len(table))
    else:
        emit(table, fmt, output)


def _write(text: str, output: Path | None, rows: int) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text)
        click.echo(f"wrote {rows:,} rows to {output}", err=True)


def _ks(text: str) -> list[int]:
    try:
        ks = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise click.BadParameter(f"expected integers separated by commas, got {text!r}",
                                 param_hint="--k") from None
    if not ks or min(ks) < 1:
        raise click.BadParameter(f"expected positive integers, got {text!r}", param_hint="--k")
    return ks


@click.command("backtest")
@click.option("--until", type=int, required=True, help="Last year the methods may see.")
@click.option("--k", "k_text", default="10,20,50", show_default=True,
              help="Cut-offs for precision, recall, Hits and coverage.")
@click.option("--horizon", type=int, help="Score ties formed within this many years [all].")
@click.option("--max-focal", type=int, default=2000, show_default=True,
              help="Sample this many focal organisations (seeded); 0: all.")
@click.option("--max-clusters", type=int, default=300, show_default=True,
              help="Sample this many clusters (country x programme part) (seeded); 0: all.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the samples, the random baseline and tie-breaking.")
@click.option("--weights", help="The weighted method's weights (as for `partners`).")
@click.option("--methods", "methods_text",
              help="Methods to score, comma-separated [learned,weighted,random,degree,"
              "common_neighbours,adamic_adar].")
@_input_options
@format_option()
@output_option()
@click.pass_context
def backtest(ctx, until, k_text, horizon, max_focal, max_clusters, seed, weights, methods_text,
             input_file, programme_parts, organisations_file, clusters_file, fmt, output):
    """Time-split backtest: fit on ties up to --until, score the new ties formed after it.

    Methods: learned (the LightGBM ranker, trained only on splits that end by --until:
    features up to year t, labels = ties formed in t + 1 <= --until; cached), weighted (the
    hand-weighted score) and the baselines random (seeded), degree (preferential attachment),
    common_neighbours and adamic_adar. Focal actors: organisations with partners up to --until
    that form a new tie afterwards (sampled to --max-focal); candidates: every organisation
    present up to --until that is not a partner yet, the same for every method.

    Columns: method, k, precision, recall, mrr, coverage (share of candidates in any top k),
    focal_actors, hits (Hits@k: share of focal actors with a new partner in their top k),
    level, group. Rows: level organisation, group all (every focal actor), then newcomers
    (at most 10 partners up to --until) and established; then level cluster: the
    organisations of one country with a project in one programme part, ranked as a set, a
    hit when any member forms the tie.

    \b
    Examples:
      smartspec recommend backtest --until 2017
      smartspec recommend backtest --until 2017 --k 10,20,50 --format csv \\
          --input h2020.csv.gz
    """
    ks = _ks(k_text)
    w = _weights(weights)
    all_methods = ("learned", "weighted", *rec.BASELINES)
    methods = [m.strip() for m in (methods_text or ",".join(all_methods)).split(",")
               if m.strip()]
    bad = [m for m in methods if m not in all_methods]
    if bad or not methods:
        raise click.BadParameter(f"unknown method(s) {', '.join(bad) or '(none)'}; expected "
                                 f"some of {', '.join(all_methods)}", param_hint="--methods")
    data = read_partner_data(ctx, input_file, programme_parts, organisations_file, clusters_file)
    years = pd.to_numeric(data.participations["year"], errors="coerce")
    if not (years <= until).any():
        fail(f"no project starts in or before {until} (years {int(years.min())}-"
             f"{int(years.max())})")
    if not (years > until).any():
        fail(f"no project starts after {until}: nothing to score (last year {int(years.max())})")
    try:
        table = flows.backtest(data.participations, data.topics, data.organisations,
                               until=until, learned="learned" in methods, methods=methods,
                               ks=ks, horizon=horizon, max_focal=max_focal or None,
                               max_clusters=max_clusters or None, seed=seed, weights=w)
    except ValidationError as exc:
        fail(str(exc))
    if fmt == "table":
        click.echo(f"Backtest: ties up to {until} -> new ties after it; "
                   f"{table.attrs['candidates']:,} candidates, {table['focal_actors'].iloc[0]:,} "
                   f"focal actors (of {table.attrs['focal_pool']:,}), "
                   f"{table.attrs['clusters']:,} clusters (of {table.attrs['cluster_pool']:,}), "
                   f"seed {seed}")
    out = table.copy()
    for col in ("precision", "recall", "mrr", "coverage", "hits"):
        out[col] = out[col].round(4)
    emit(out, fmt, output)
