"""The partner recommender's data and its focal: tables from a store or a file, names to ids.

What ``smartspec recommend partners``, ``smartspec report --organisation/--cluster`` and
:meth:`smartspec.api.Graph.recommend_partners` share before any ranking:

- :func:`read_partner_store` / :func:`read_partner_file`: the tables the recommender needs
  (:class:`PartnerData`) from the graph (``PARTICIPATES_IN``, ``Project.start_year``,
  ``ADDRESSES`` topics, ``Organisation`` with the country it is ``LOCATED_IN``, ``MEMBER_OF``
  clusters; a store with only ``COLLABORATES_WITH`` pairs works too) or straight from a
  collaboration file the collaboration loader reads (e.g. the shipped CORDIS ``h2020.csv.gz``);
- :func:`resolve_organisation` and :func:`cluster_members`: what a user typed (an id or a name,
  case, accents and transliterations ignored; rapidfuzz for near matches) to ids;
- :func:`parse_countries`, :func:`parse_types`: the candidate filters as the user spells them.

Every refusal is a :class:`~smartspec.workflows.WorkflowError` with a one-line message (several
lines when it lists the candidates of an ambiguous name).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..algorithms import recommendation as rec
from ..loaders._io import LoaderError
from ._base import Say, WorkflowError, silent

__all__ = [
    "NO_NAME",
    "GOOD_MATCH",
    "PartnerData",
    "read_partner_file",
    "read_partner_store",
    "match_names",
    "resolve_organisation",
    "cluster_members",
    "focal_label",
    "resolve_focal",
    "parse_countries",
    "parse_types",
]

#: How an organisation without a name in the source is shown (never ``NaN``).
NO_NAME = "(no name in source)"

#: A name matches when its similarity (rapidfuzz WRatio on folded text, 0-100) reaches this.
GOOD_MATCH = 90.0


@dataclass
class PartnerData:
    """The tables the recommender needs: ``participations (organisation, project, year,
    role)``, ``topics (project, topic)``, ``organisations (organisation, name, type, country)``
    and ``clusters (organisation, cluster, cluster_name)``; ``source`` says where they came
    from."""

    participations: pd.DataFrame
    topics: pd.DataFrame
    organisations: pd.DataFrame
    clusters: pd.DataFrame
    source: str


def read_partner_file(path: str | Path, programme_parts: str | Path | None = None,
                      organisations: str | Path | None = None,
                      clusters: str | Path | None = None) -> PartnerData:
    """The recommender's tables from a collaboration file (any layout
    :func:`~smartspec.loaders.collaborations.read_collaborations` reads), with optional
    programme parts, organisation names and a cluster membership file.

    Raises :class:`~smartspec.loaders._io.LoaderError` for an unreadable file or one without
    project participations (a pairs-only file cannot date who joined which project).
    """
    from ..loaders.collaborations import read_collaborations

    table = read_collaborations(
        path,
        programme_parts=programme_parts,
        organisations=organisations,
        duplicates="merge",
        unknown_types="other",
        missing_country="unlocated",
    )
    if table.participations.empty:
        raise LoaderError(
            f"{path}: no project participations (layout {table.layout}); the recommender needs "
            "a participation file such as CORDIS h2020.csv.gz"
        )
    years = table.projects.set_index("id")["start_year"]
    part = table.participations.assign(year=table.participations["project"].map(years))
    orgs = table.organisations.rename(columns={"id": "organisation"})
    members = pd.DataFrame(columns=["organisation", "cluster", "cluster_name"])
    if clusters is not None:
        from ..loaders.clusters import read_clusters

        ct = read_clusters(clusters, duplicates="merge", unknown_types="other")
        members = ct.memberships[["organisation", "cluster"]].copy()
        names = ct.clusters.set_index("id")["name"] if "name" in ct.clusters else {}
        members["cluster_name"] = members["cluster"].map(names) if len(names) else None
    return PartnerData(
        participations=part[["organisation", "project", "year", "role"]],
        topics=table.topics,
        organisations=_named(orgs[["organisation", "name", "type", "country"]]),
        clusters=members,
        source=str(path),
    )


def _named(orgs: pd.DataFrame) -> pd.DataFrame:
    """Organisations with :data:`NO_NAME` where the source has no name (or an empty one)."""
    name = orgs["name"].astype("object")
    empty = name.isna() | (name.astype(str).str.strip() == "")
    return orgs.assign(name=name.where(~empty, NO_NAME))


def read_partner_store(store) -> PartnerData:
    """The recommender's tables from the graph in ``store``.

    Participations come from ``PARTICIPATES_IN`` (dated by ``Project.start_year``); a graph
    with only ``COLLABORATES_WITH`` pairs gives each pair a two-member pseudo-project dated
    by its ``first_year``. Raises :class:`~smartspec.loaders._io.LoaderError` when the graph
    holds neither.
    """
    part = store.read_table(
        "MATCH (o:Organisation)-[r:PARTICIPATES_IN]->(p:Project) "
        "RETURN o.id AS organisation, p.id AS project, p.start_year AS year, r.role AS role"
    )
    if part.empty:
        pairs = store.read_relationships(
            "COLLABORATES_WITH",
            start="Organisation",
            end="Organisation",
            properties=["first_year"],
        )
        if pairs.empty:
            raise LoaderError(
                f"the store ({store.describe()}) holds no PARTICIPATES_IN or COLLABORATES_WITH "
                "relationships; load them with `smartspec load collaborations FILE`, or pass "
                "--input FILE"
            )
        # each pair as a two-member pseudo-project dated by its first joint year
        key = "pair:" + pairs["start"].astype(str) + ":" + pairs["end"].astype(str)
        part = pd.concat(
            [
                pd.DataFrame({"organisation": pairs[c], "project": key,
                              "year": pairs["first_year"], "role": None})
                for c in ("start", "end")
            ],
            ignore_index=True,
        )
    topics = store.read_table(
        "MATCH (p:Project)-[:ADDRESSES]->(t:Topic) RETURN p.id AS project, t.code AS topic"
    )
    orgs = store.read_table(
        "MATCH (o:Organisation) "
        "OPTIONAL MATCH (o)-[:LOCATED_IN]->(:Region)-[:PART_OF*0..]->(c:Region {level: 'country'}) "
        "RETURN o.id AS organisation, o.name AS name, o.`type` AS type, min(c.code) AS country"
    )
    members = store.read_table(
        "MATCH (o:Organisation)-[:MEMBER_OF]->(k:Cluster) "
        "RETURN o.id AS organisation, k.id AS cluster, k.name AS cluster_name"
    )
    if topics.empty:
        topics = pd.DataFrame(columns=["project", "topic"])
    if members.empty:
        members = pd.DataFrame(columns=["organisation", "cluster", "cluster_name"])
    for frame, cols in ((part, ["organisation", "project"]), (topics, ["project", "topic"]),
                        (orgs, ["organisation"]), (members, ["organisation", "cluster"])):
        for c in cols:
            frame[c] = frame[c].astype(str)
    return PartnerData(part, topics, _named(orgs), members, store.describe())


def parse_countries(values: Sequence[str]) -> list[str]:
    """ISO alpha-3 codes for the ``countries`` filter (alpha-2, alpha-3, ``UK``, ``EL``).

    >>> parse_countries(["DE", "fra", "EL"])
    ['DEU', 'FRA', 'GRC']
    """
    from ..loaders.countries import to_alpha3

    values = list(values)
    codes = to_alpha3(values)
    bad = [v for v, c in zip(values, codes, strict=True) if c is None or c != c]
    if bad:
        raise WorkflowError(
            f"unknown country code(s) {', '.join(bad)}; use ISO alpha-2 or alpha-3 (UK, EL "
            "accepted)"
        )
    return list(codes)


def parse_types(values: Sequence[str]) -> list[str]:
    """Organisation types for the ``types`` filter: smartspec's names or CORDIS codes.

    >>> parse_types(["university", "PRC", "research-organisation"])
    ['university', 'firm', 'research organisation']
    """
    from ..loaders.collaborations import TYPE_CODES

    known = sorted(set(TYPE_CODES.values()))
    out = []
    for v in values:
        key = " ".join(v.replace("_", " ").replace("-", " ").split()).upper()
        folded = " ".join(v.replace("_", " ").replace("-", " ").split()).lower()
        if v.lower() in known:
            out.append(v.lower())
        elif folded in known:
            out.append(folded)
        elif key in TYPE_CODES:
            out.append(TYPE_CODES[key])
        else:
            raise WorkflowError(
                f"unknown organisation type {v!r}; use one of {', '.join(known)} (or a CORDIS "
                "code such as HES, PRC, REC, PUB, OTH)"
            )
    return out


def _fold(values: pd.Series) -> pd.Series:
    """Names for comparison: case, accents, punctuation and the German / Nordic
    transliterations folded (``Universität München`` = ``UNIVERSITAET MUENCHEN``)."""
    from ..loaders.localities import city_key

    return city_key(values.astype("object"))


def match_names(query: str, ids: pd.Series, names: pd.Series) -> pd.DataFrame:
    """Candidates for a name typed by a user: ``id, name, score`` (0-100), best first.

    Case, accents and transliterations (ue for ü) are ignored; the score is rapidfuzz's
    ``WRatio`` (whole and partial similarity) on the folded names, 100 for an exact folded
    match. Rows without a name (or :data:`NO_NAME`) never match.

    >>> match_names("universite de lyon", pd.Series(["1", "2"]),
    ...             pd.Series(["Université de Lyon", "Lyon Biopôle"]))["id"].tolist()[0]
    '1'
    """
    from rapidfuzz import fuzz, process

    ok = names.notna() & (names.astype(str) != NO_NAME)
    ids, names = ids[ok].astype(str).reset_index(drop=True), names[ok].reset_index(drop=True)
    folded = _fold(names)
    q = _fold(pd.Series([query])).iloc[0] or ""
    distinct = pd.unique(folded)
    scores = process.cdist([q], list(distinct), scorer=fuzz.WRatio, workers=1)[0]
    by_name = dict(zip(distinct, scores, strict=True))
    out = pd.DataFrame({"id": ids, "name": names, "score": folded.map(by_name).astype(float)})
    out.loc[folded == q, "score"] = 100.0
    out["exact"] = folded == q
    return out.sort_values(["exact", "score"], ascending=False, kind="stable").reset_index(
        drop=True
    )


def resolve_organisation(data: PartnerData, index: rec.PartnerIndex, text: str, *,
                         say: Say = silent) -> str:
    """The organisation id for what a user typed: an id as it is, else a name.

    A name resolves when exactly one organisation has it (case and accents ignored), or when
    exactly one has a good fuzzy match (:data:`GOOD_MATCH`); the choice is told through
    ``say``. Several good matches raise :class:`WorkflowError` listing the candidates (id,
    name, country); so does a name nothing matches, with the closest names.
    """
    orgs = data.organisations
    if text in index.organisations or text in set(orgs["organisation"].astype(str)):
        return text
    present = orgs[orgs["organisation"].astype(str).isin(index.organisations)]
    present = present.drop_duplicates("organisation")
    cands = match_names(text, present["organisation"], present["name"])
    exact = cands[cands["exact"]]
    good = exact if len(exact) else cands[cands["score"] >= GOOD_MATCH]
    where = present.set_index(present["organisation"].astype(str))["country"]
    if len(good) == 1:
        row = good.iloc[0]
        how = "name" if row["exact"] else f"closest name, similarity {row['score']:.0f}"
        say(f"--organisation {text!r}: using {row['id']} {row['name']} "
            f"[{where.get(row['id']) or '?'}] ({how})")
        return str(row["id"])
    if len(good) > 1:
        shown = good.head(15)
        lines = "\n".join(f"  {r.id}  {r.name}  [{where.get(r.id) or '?'}]  {r.score:.0f}"
                          for r in shown.itertuples())
        more = f"\n  ... and {len(good) - len(shown)} more" if len(good) > len(shown) else ""
        raise WorkflowError(f"--organisation {text!r} matches {len(good)} organisations; give "
                            f"one of their ids:\n{lines}{more}")
    near = cands[cands["score"] >= 60].head(5)
    hint = "; ".join(f"{r.id} {r.name}" for r in near.itertuples())
    ids = rec.close_matches(text, index.organisations)
    when = f" up to {index.until}" if index.until is not None else ""
    raise WorkflowError(
        f"unknown organisation {text!r} (no id or name with a participation{when})"
        + (f"; did you mean {', '.join(ids)}?" if ids else "")
        + (f"; closest names: {hint}" if hint else ""))


def cluster_members(data: PartnerData, cluster: str,
                    index: rec.PartnerIndex) -> tuple[list[str], str, int]:
    """A cluster's members with a participation in ``index``, its label and its size.

    ``cluster`` is an id or a name (exact, then fuzzy as for organisations). Returns
    ``(members present, "cluster ID (name)", number of members)``; raises
    :class:`WorkflowError` for an unknown or ambiguous cluster or one whose members have no
    project in the data.
    """
    known = data.clusters
    ids = pd.unique(known["cluster"].astype(str)) if len(known) else []
    if cluster not in set(ids):
        names = known.drop_duplicates("cluster")
        by_name = names[names["cluster_name"].astype(str).str.lower() == cluster.lower()]
        if len(by_name) != 1 and len(names) and names["cluster_name"].notna().any():
            cands = match_names(cluster, names["cluster"], names["cluster_name"])
            good = cands[cands["exact"]]
            good = good if len(good) else cands[cands["score"] >= GOOD_MATCH]
            if len(good) > 1:
                raise WorkflowError(
                    f"--cluster {cluster!r} matches {len(good)} clusters; give one of their "
                    "ids:\n" + "\n".join(f"  {r.id}  {r.name}" for r in good.itertuples()))
            by_name = names[names["cluster"].astype(str).isin(good["id"])]
        if len(by_name) == 1:
            cluster = str(by_name["cluster"].iloc[0])
        else:
            if not len(ids):
                raise WorkflowError(
                    f"unknown cluster {cluster!r}: {data.source} has no cluster memberships "
                    "(load them with `smartspec load clusters FILE`, or pass --clusters FILE "
                    "with --input)")
            hint = rec.close_matches(cluster, list(ids) + names["cluster_name"].dropna()
                                     .astype(str).tolist())
            tail = f"; did you mean {', '.join(hint)}?" if hint else ""
            raise WorkflowError(f"unknown cluster {cluster!r}{tail}")
    members = known.loc[known["cluster"].astype(str) == cluster, "organisation"].astype(str)
    name = known.loc[known["cluster"].astype(str) == cluster, "cluster_name"].dropna()
    present = [m for m in members if m in index.organisations]
    if not present:
        raise WorkflowError(
            f"cluster {cluster!r} has {len(members)} member(s), none with a project in the data")
    label = f"cluster {cluster}" + (f" ({name.iloc[0]})" if len(name) else "")
    return present, label, len(members)


def focal_label(index: rec.PartnerIndex, organisation: str) -> str:
    """``organisation ID (name, country)``, as list headings name the focal."""
    pos = index.organisations.get_indexer([organisation])[0]
    name = index.name[pos] if pos >= 0 else None
    country = index.country[pos] if pos >= 0 else None
    extra = ", ".join(str(x) for x in (name if isinstance(name, str) else NO_NAME, country)
                      if x)
    return f"organisation {organisation}" + (f" ({extra})" if extra else "")


def resolve_focal(data: PartnerData, index: rec.PartnerIndex, organisation: str | None,
                  cluster: str | None, *, say: Say = silent) -> tuple[str | list[str], str,
                                                                     int | None]:
    """``(focal, label, cluster size)`` for an organisation or a cluster: the organisation's
    id (:func:`resolve_organisation`, its label by :func:`focal_label`, size None) or the
    cluster's member ids (:func:`cluster_members`) when ``cluster`` is given (the callers
    refuse both or neither in their own words)."""
    if cluster:
        return cluster_members(data, cluster, index)
    org = resolve_organisation(data, index, str(organisation), say=say)
    return org, focal_label(index, org), None
