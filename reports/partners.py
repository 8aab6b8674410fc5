"""The partner report (``smartspec report --organisation ID|NAME`` and ``--cluster C``): one
self-contained HTML page on an organisation's or a cluster's partners.

The page holds a world map (and a Europe close-up) of the current partners by country with the
recommended ones marked (inline SVG from shipped geometry: :mod:`smartspec.reports.world_map`), the
local-buzz / global-pipeline profile over time, the ego network's strongest ties, and the
recommended partners with their reasons in words. Figures are embedded (PNG as ``data:`` URIs,
the maps as SVG); the page has no script and loads nothing: it opens offline and prints.

The data are the recommender's (:func:`smartspec.workflows.partner_data.read_partner_store`),
the focal is resolved as ``smartspec recommend partners`` resolves it, and the list is the one
that command prints with the same method and ``--top``
(:func:`smartspec.workflows.partners.recommend`).
"""

from __future__ import annotations

import base64
import html
import math
from pathlib import Path

import matplotlib
import pandas as pd

from .. import __version__
from ..workflows import partner_report as wp
from ..workflows.partner_data import NO_NAME
from . import markup, world_map

__all__ = ["build_partner_page", "profile_figure", "ego_figure", "short_name", "DEFAULT_TOP"]

#: Recommended partners listed by default (as ``smartspec recommend partners --top``).
DEFAULT_TOP = 20

#: The partner report's style: the shared one, cells aligned at the top, the maps.
CSS = markup.base_css(1150) + """th,td{vertical-align:top}
.maps{display:grid;grid-template-columns:1fr;gap:.6em}
.wide{overflow-x:auto}
"""

#: Tie colours: the member's own country (local buzz) and abroad (global pipelines).
_LOCAL, _ABROAD, _UNKNOWN, _MEMBER = "#1b9e77", "#d95f02", "#bbbbbb", "#08306b"
_NATIONAL = "#7570b3"


#: Column headers of the profile table.
_PROFILE_COLUMNS = {
    "year": "year", "projects": "projects", "ties": "ties", "local_ties": "local",
    "national_ties": "national",
    "international_ties": "international", "unknown_ties": "country unknown",
    "international_share": "international share", "ei_index": "E-I index",
    "partner_countries": "partner countries abroad",
    "partner_country_diversity": "partner-country diversity",
    "new_partner_share": "new-partner share", "pipeline_actors": "members with ties abroad",
    "international_ties_per_actor": "international ties per member",
    "pipeline_actor_share": "share of members with ties abroad",
    "pipeline_gini": "Gini of ties abroad", "actors": "active members",
    "internal_ties": "ties between members", "internal_density": "density between members",
}


#: How the page's sources say each ranking method (``report.method``).
_METHOD_SOURCES = {
    "learned": "smartspec's learned ranker (LightGBM lambdarank over network, experience and "
               "content features, trained on earlier years of the same data: supervised link "
               "prediction after Lichtenwalter et al. 2010; reasons from TreeSHAP "
               "contributions, Lundberg et al. 2020).",
    "weighted": "smartspec's weighted partner score (network proximity, Adamic-Adar; "
                "technological fit at an optimal cognitive distance, Nooteboom et al. 2007; "
                "complementarity; experience; pipeline additions).",
    "adamic_adar": "Adamic-Adar (Adamic &amp; Adar 2003) on the partner network.",
    "common_neighbours": "common partners on the partner network.",
    "degree": "the candidates' number of partners (preferential attachment).",
}


def short_name(name, width: int = 34) -> str:
    text = name if isinstance(name, str) and name.strip() else NO_NAME
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def _country(code, names: dict[str, str]) -> str:
    if not isinstance(code, str):
        return "?"
    return f"{names[code]} ({code})" if code in names else code


def _table(frame: pd.DataFrame, attrs: list[str] | None = None) -> str:
    """Rows as HTML (numbers right-aligned with separators, everything escaped); ``attrs`` are
    added to each row."""
    return markup.table_html(frame, grouped=True, attrs=attrs)


def profile_figure(profile: pd.DataFrame, who: str):
    """Ties per year by geography (bars) and the shares and partner countries (lines)."""
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.2))
    years = profile["year"].astype(int).to_numpy()
    zero = pd.Series(0, index=profile.index)
    local = profile["local_ties"].to_numpy(dtype=float)
    national = profile.get("national_ties", zero).to_numpy(dtype=float)
    intl = profile["international_ties"].to_numpy(dtype=float)
    unknown = profile.get("unknown_ties", zero).to_numpy(float)
    city = "national_ties" in profile.columns
    ax1.bar(years, local, color=_LOCAL, label="local (same city)" if city
            else "local (same country)")
    if city:
        ax1.bar(years, national, bottom=local, color=_NATIONAL, label="national")
    ax1.bar(years, intl, bottom=local + national, color=_ABROAD, label="international")
    if unknown.any():
        ax1.bar(years, unknown, bottom=local + national + intl, color=_UNKNOWN,
                label="country unknown")
    ax1.set_title(f"Partners per year: local buzz and global pipelines\n{who}", fontsize=10)
    ax1.set_ylabel("member-partner ties (distinct pairs)")
    ax1.set_xticks(years)
    ax1.legend(fontsize=8, loc="upper left")
    ax2.plot(years, profile["international_share"], "-o", color=_ABROAD, ms=4,
             label="international share of ties")
    ax2.plot(years, profile["new_partner_share"], "-s", color="#6a51a3", ms=4,
             label="share of ties with new partners")
    ax2.set_ylim(0, 1.05)
    ax2.set_ylabel("share")
    ax2.set_xticks(years)
    ax3 = ax2.twinx()
    ax3.plot(years, profile["partner_countries"], "--^", color="#555", ms=4,
             label="partner countries abroad")
    ax3.set_ylabel("partner countries abroad")
    ax3.set_ylim(0, max(1, float(profile["partner_countries"].max())) * 1.15)
    lines = ax2.get_legend_handles_labels()
    more = ax3.get_legend_handles_labels()
    ax2.legend(lines[0] + more[0], lines[1] + more[1], fontsize=8, loc="lower left")
    ax2.set_title("Openness over time", fontsize=10)
    fig.tight_layout()
    return fig


def _node_label(org: str, name, country, joint: int, width: int = 38) -> str:
    named = isinstance(name, str) and name != NO_NAME
    return (f"{short_name(name, width) if named else org + ' (no name)'} "
            f"[{country if isinstance(country, str) else '?'}] {joint}")


def ego_figure(report: wp.PartnerReport, names: dict[str, str]):
    """The ego network, labelled: one organisation at the centre of a ring of its strongest
    partners (grouped by country); a cluster's members in a column on the left and their
    strongest partners in a column on the right (grouped by country), ties within a column as
    arcs. Edge width is joint projects; colour: local (the member's country) or international.
    """
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch

    nodes, edges = report.ego_nodes, report.ego_edges
    members = nodes[nodes["role"] == "member"].sort_values(
        ["joint_projects", "organisation"], ascending=[False, True], ignore_index=True)
    partners = nodes[nodes["role"] == "partner"].sort_values(
        ["country", "joint_projects"], ascending=[True, False], na_position="last",
        ignore_index=True)
    country = dict(zip(nodes["organisation"], nodes["country"], strict=True))
    label_of = dict(zip(nodes["organisation"], nodes["name"], strict=True))
    joint_of = dict(zip(nodes["organisation"], nodes["joint_projects"], strict=True))
    radial = len(members) <= 1
    pos, texts = {}, []  # texts: (x, y, text, rotation, ha, bold)
    if radial:
        fig, ax = plt.subplots(figsize=(11, 10))
        for m in members["organisation"]:
            pos[m] = (0.0, 0.0)
            texts.append((0.0, -0.09, short_name(label_of[m], 30), 0.0, "center", True))
        for k, p in enumerate(partners["organisation"]):
            a = 2 * math.pi * k / max(1, len(partners)) + math.pi / 2
            pos[p] = (math.cos(a), math.sin(a))
            deg = math.degrees(a) % 360
            right = deg <= 90 or deg >= 270
            texts.append((1.07 * math.cos(a), 1.07 * math.sin(a),
                          _node_label(p, label_of[p], country.get(p), joint_of[p]),
                          deg if right else deg - 180, "left" if right else "right", False))
    else:
        rows = max(len(members), len(partners))
        fig, ax = plt.subplots(figsize=(11, max(5.0, 0.36 * rows + 1.5)))

        def column(ids, x, ha, bold):
            for k, o in enumerate(ids):
                y = 1 - 2 * (k + 0.5) / len(ids) if len(ids) > 1 else 0.0
                pos[o] = (x, y)
                texts.append((x + (-0.04 if ha == "right" else 0.04), y,
                              _node_label(o, label_of[o], country.get(o), joint_of[o], 34),
                              0.0, ha, bold))

        column(list(members["organisation"]), -0.5, "right", True)
        column(list(partners["organisation"]), 0.5, "left", False)
    top = max(1, int(edges["joint_projects"].max())) if len(edges) else 1
    home = report.home
    for e in edges.sort_values("joint_projects").itertuples(index=False):
        (x1, y1), (x2, y2) = pos[e.source], pos[e.target]
        width = 0.6 + 4.5 * e.joint_projects / top
        if e.kind == "partner-partner":
            col, alpha = "#9e9e9e", 0.45
        elif e.kind == "member-member":
            col, alpha = _MEMBER, 0.8
        else:
            c1, c2 = country.get(e.source), country.get(e.target)
            known = isinstance(c1, str) and isinstance(c2, str)
            col = _UNKNOWN if not known else _LOCAL if c1 == c2 else _ABROAD
            alpha = 0.85
        if not radial and e.kind != "member-partner":
            # within a column: an arc bulging towards the middle
            bend = -0.6 if (x1 < 0) == (y2 < y1) else 0.6
            ax.add_patch(FancyArrowPatch((x1, y1), (x2, y2), arrowstyle="-", lw=width,
                                         color=col, alpha=alpha, zorder=1,
                                         connectionstyle=f"arc3,rad={bend}"))
        else:
            ax.plot([x1, x2], [y1, y2], color=col, alpha=alpha, lw=width, zorder=1,
                    solid_capstyle="round")
    biggest = max(1, int(nodes["joint_projects"].max())) if len(nodes) else 1
    mset = set(members["organisation"])
    for o, (x, y) in pos.items():
        c = country.get(o)
        col = _MEMBER if o in mset else (_LOCAL if c in home else _ABROAD if isinstance(c, str)
                                         else _UNKNOWN)
        size = 40 + 260 * math.sqrt(joint_of[o] / biggest)
        ax.scatter([x], [y], s=size * (1.6 if radial and o in mset else 1), color=col,
                   zorder=3, edgecolors="white", linewidths=1)
    for x, y, text, rot, ha, bold in texts:
        ax.text(x, y, text, rotation=rot, rotation_mode="anchor", ha=ha,
                va="top" if radial and bold else "center", fontsize=8.5 if bold else 7.5,
                fontweight="bold" if bold else "normal", zorder=5,
                bbox={"boxstyle": "round,pad=0.2", "fc": "white", "ec": "none", "alpha": 0.8}
                if radial and bold else None)
    for lab, col in (("member", _MEMBER), ("partner in a member's country", _LOCAL),
                     ("partner abroad", _ABROAD)):
        ax.scatter([], [], color=col, s=40, label=lab)
    ax.plot([], [], color="#9e9e9e", lw=2, label="tie between partners")
    if not radial:
        ax.plot([], [], color=_MEMBER, lw=2, label="tie between members")
    ax.axis("off")
    if radial:
        ax.set_aspect("equal")
        ax.set_xlim(-2.0, 2.0)
        ax.set_ylim(-1.75, 1.75)
        ax.legend(loc="lower left", bbox_to_anchor=(-0.02, -0.04), fontsize=8, frameon=False)
    else:
        ax.set_xlim(-1.9, 1.9)
        ax.set_ylim(-1.08, 1.08)
        ax.text(-0.5, 1.06, "members", ha="center", fontsize=9, fontweight="bold")
        ax.text(0.5, 1.06, "their strongest partners", ha="center", fontsize=9,
                fontweight="bold")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, 0.0), ncol=5, fontsize=8,
                  frameon=False)
    fig.tight_layout()
    return fig


def _profile_section(report: wp.PartnerReport, prof: pd.DataFrame, who: str,
                     save_dir: Path | None, saved: list[Path]) -> list[str]:
    """The profile's text, figure and table."""
    parts: list[str] = []
    fig = profile_figure(prof, who)
    uri = markup.png_uri(fig, save_dir, "profile", saved)
    parts.append("<h2>Local buzz and global pipelines over time</h2>"
                 "<p>Each year's ties of the "
                 + ("cluster's members" if report.kind == "cluster" else "organisation")
                 + " with the organisations they share a project with (projects by start year). "
                 + ("Local: the partner is in the member's city (or NUTS 3 region); national: "
                    "elsewhere in its country, or located by country only (such a partner is "
                    "never counted local); international: abroad"
                    if report.locality == "city" else
                    "Local: the partner is in the member's country (the store places no "
                    "member in a city); international: abroad")
                 + " (Bathelt, Malmberg &amp; Maskell 2004). E-I index = (external - local) / all "
                 "ties (Krackhardt &amp; Stern 1988); partner-country diversity is the Shannon "
                 "entropy of the international ties by country; new partners are those first "
                 "met that year (every partner is new in the data's first year, 2014 for "
                 "Horizon 2020; the last years are partial, the data end in December 2020).</p>"
                 f"<figure><img alt='Ties per year' src='{uri}'>"
                 "<figcaption>Left: ties per year by geography. Right: international share, "
                 "share of ties with new partners, and partner countries abroad."
                 "</figcaption></figure>")
    shown = prof.copy()
    if "unknown_ties" in shown and not shown["unknown_ties"].any():
        shown = shown.drop(columns=["unknown_ties"])
    shown = shown.rename(columns=_PROFILE_COLUMNS)
    for c in shown.columns:
        if pd.api.types.is_float_dtype(shown[c]):
            shown[c] = shown[c].round(3)
    parts.append(f"<div class='wide'>{_table(shown)}</div>")
    return parts


def _ego_section(report: wp.PartnerReport, names: dict[str, str],
                 save_dir: Path | None, saved: list[Path]) -> list[str]:
    """The ego network's text and figure."""
    parts: list[str] = []
    left = report.ego_left_out
    fig = ego_figure(report, names)
    n_p = int((report.ego_nodes["role"] == "partner").sum())
    uri = markup.png_uri(fig, save_dir, "ego", saved)
    parts.append("<h2>Ego network: the strongest ties</h2>"
                 f"<p>The {n_p} partners with most joint projects (label: name, [country], "
                 "joint projects"
                 + ("; a member's number counts its projects with the drawn partners), grouped "
                    "by country in the right column; ties between members and between partners "
                    "are arcs" if report.kind == "cluster" else "), grouped by country round "
                    "the ring")
                 + "; line width: joint projects; grey: the strongest ties between these "
                 "partners. Not drawn: "
                 f"{left.get('partners_not_drawn', 0):,} other partners, "
                 f"{left.get('partner_ties_not_drawn', 0):,} weaker ties between the drawn "
                 "partners"
                 + (f", {left['members_not_drawn']:,} members without a drawn tie"
                    if report.kind == "cluster" else "")
                 + ".</p>"
                 f"<figure><img alt='Ego network' src='{uri}'>"
                 "</figure>")
    return parts


def build_partner_page(report: wp.PartnerReport, *, save_dir: Path | None = None
                       ) -> tuple[str, dict]:
    """The page as one HTML string, and what it holds (maps, figures, list ids)."""
    names = wp.country_names()
    saved: list[Path] = []
    who = report.label
    stamp = markup.build_time()
    recs = report.recommendations
    parts = [f"<h1>Partner report: {html.escape(who)}</h1>"]
    weights = ", ".join(f"{k}={v:g}" for k, v in report.weights.items())
    parts.append(
        f"<p class='note'>smartspec {__version__}, {stamp}; data: {html.escape(report.source)}"
        f" ({'projects up to ' + str(report.until) if report.until else 'all years'}); "
        f"ranking method <code>{html.escape(report.method)}</code>"
        + (f" (weights {html.escape(weights)})" if weights else "")
        + f"; {report.candidates:,} candidates (organisations without a joint project yet).</p>")
    # key figures
    p = report.partners
    intl = p["country"].map(lambda c: isinstance(c, str) and c not in report.home)
    key = pd.DataFrame({"indicator": [
        "members with projects" if report.kind == "cluster" else "organisation",
        "projects", "coordinated", "current partners", "of them abroad",
        "partner countries abroad"],
        "value": [
            (f"{len(report.members):,}" + (f" of {report.cluster_size:,} members"
                                          if report.cluster_size else ""))
            if report.kind == "cluster" else
            f"{report.members['name'].iloc[0]} ({report.members['organisation'].iloc[0]}), "
            f"{_country(report.members['country'].iloc[0], names)}, "
            f"{report.members['type'].iloc[0] or 'type unknown'}",
            f"{report.projects:,}",
            f"{int(report.members['coordinated'].sum()):,}",
            f"{len(p):,}",
            f"{int(intl.sum()):,} ({100 * intl.mean():.1f} %)" if len(p) else "0",
            f"{p.loc[intl, 'country'].nunique():,}"]})
    parts.append("<h2>Key figures</h2>" + _table(key))
    if report.kind == "cluster":
        m = report.members.copy()
        m["country"] = m["country"].map(lambda c: _country(c, names))
        parts.append("<p>Members with projects in the data:</p>" + _table(
            m.sort_values("projects", ascending=False)[
                ["organisation", "name", "country", "type", "projects", "coordinated",
                 "partners"]]))
    # maps
    partner_counts = {c: int(n) for c, n in zip(report.countries["country"],
                                                report.countries["partners"], strict=True)
                      if isinstance(c, str) and n > 0}
    recommended = {c: [short_name(n, 60) for n in v] for c, v in
                   zip(report.countries["country"], report.countries["recommended_names"],
                       strict=True) if isinstance(c, str) and v}
    maps = []
    info = {}
    for view, title in (("europe", "Europe"), ("world", "World")):
        svg, drawn = world_map.world_map_svg(partner_counts, recommended, home=report.home,
                                             names=names, view=view,
                                             title=f"Partners of {who}: {title}")
        maps.append(f"<figure>{svg}<figcaption>{title}: countries coloured by the number of "
                    "current partners there; orange circles: recommended partners (their "
                    "number); thick outline: the focal's country. Hover a country or a circle "
                    "for names.</figcaption></figure>")
        info[view] = drawn
        if save_dir is not None:
            save_dir.mkdir(parents=True, exist_ok=True)
            path = save_dir / f"map_{view}.svg"
            path.write_text(svg, encoding="utf-8")
            saved.append(path)
    unplaced = sorted(set(info["world"]["missing"]))
    parts.append("<h2>Where the partners are</h2>"
                 f"<p>{len(p):,} current partners in {len(partner_counts):,} countries; "
                 f"{len(recs)} recommended partners in {len(recommended)} countries.</p>"
                 f"<div class='maps'>{''.join(maps)}</div>")
    if info["world"]["points"]:
        parts.append("<p class='note'>Too small for the map's 1:110m scale, shown as a dot at "
                     "the capital: " + html.escape(", ".join(
                         _country(c, names) for c in info["world"]["points"])) + ".</p>")
    if unplaced:
        parts.append("<p class='note'>Not on the map (no geometry or capital known): "
                     + html.escape(", ".join(_country(c, names) for c in unplaced)) + ".</p>")
    top_c = report.countries.head(15).copy()
    top_c["recommended_names"] = top_c["recommended_names"].map(
        lambda v: "; ".join(short_name(n, 40) for n in v))
    top_c = top_c.rename(columns={"country_name": "name", "joint_projects": "joint projects",
                                  "recommended_names": "recommended partners there"})
    parts.append(f"<p>Countries with most partners (of {len(report.countries):,}):</p>"
                 + _table(top_c[["country", "name", "partners", "joint projects", "recommended",
                                 "recommended partners there"]]))
    # profile over time, ego network (an organisation without ties has neither)
    prof = report.profile
    nobody = "has" if report.kind == "organisation" else "have"
    if prof.empty or "local_ties" not in prof:
        parts.append("<h2>Local buzz and global pipelines over time</h2><p class='note'>"
                     f"{html.escape(who)} {nobody} no dated tie in the data: no profile to "
                     "draw.</p>")
    else:
        parts += _profile_section(report, prof, who, save_dir, saved)
    if not (report.ego_nodes["role"] == "partner").any():
        parts.append("<h2>Ego network: the strongest ties</h2><p class='note'>"
                     f"{html.escape(who)} {nobody} no partner in the data: no network to "
                     "draw.</p>")
    else:
        parts += _ego_section(report, names, save_dir, saved)
    # the list
    table = recs.copy()
    table["country"] = table["country"].map(lambda c: _country(c, names))
    table["name"] = table["name"].map(lambda n: n if isinstance(n, str) else NO_NAME)
    table["score"] = table["score"].round(4)
    shown = table[["rank", "organisation", "name", "country", "type", "score", "common_partners",
                   "reasons"]].rename(columns={"common_partners": "shared partners",
                                               "reasons": "why"})
    attrs = [f'data-rank="{int(r)}" data-organisation="{html.escape(str(o), quote=True)}"'
             for r, o in zip(recs["rank"], recs["organisation"], strict=True)]
    body = _table(shown, attrs).replace("<table>", "<table id='recommendations'>", 1)
    csv = recs.drop(columns=["reasons"]).assign(reasons=recs["reasons"]).to_csv(index=False)
    href = "data:text/csv;base64," + base64.b64encode(csv.encode("utf-8")).decode("ascii")
    note = (f"<p class='note'>Note: {html.escape(report.note)} (fit, complementarity, "
            "experience).</p>" if report.note else "")
    flag = "--cluster" if report.kind == "cluster" else "--organisation"
    parts.append(
        f"<h2>Recommended partners</h2><p>The {len(recs)} best-ranked organisations that "
        + ("no member works" if report.kind == "cluster" else "it does not work")
        + " with yet, each with the evidence behind it (shared partners, topics, what it adds), "
        f"as <code>smartspec recommend partners {flag} ... --top {report.top}</code> lists "
        f"them. <a download='partners.csv' href='{href}'>Download the list as CSV</a> (every "
        f"score component).</p>{note}{body}")
    parts.append(
        "<h2>Sources and methods</h2><p class='note'>Collaborations: the store's project "
        "participations (the shipped data are CORDIS Horizon 2020, &copy; European Union, CC BY "
        "4.0). Recommendation: " + _METHOD_SOURCES.get(report.method, report.method)
        + " Map: Natural Earth 1:110m countries "
        "(public domain) via the world-atlas package (ISC), Equal Earth projection (Šavrič, "
        "Patterson &amp; Jenny 2018); small countries at their capital from GeoNames (CC BY "
        "4.0). The page loads nothing from the network.</p>")
    page = markup.page(f"smartspec partner report: {who}", CSS, "\n".join(parts))
    return page, {"organisations": recs["organisation"].astype(str).tolist(), "saved": saved,
                  "maps": info, "figures": 2}
