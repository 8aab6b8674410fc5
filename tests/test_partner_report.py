"""The partner report (``smartspec report --organisation|--cluster``) on the shipped Horizon 2020
data, opened in headless Chromium: the maps render, the page's list is the CLI's list, and the
page loads nothing from the network. Plus the map's geometry and projection against the peer
JavaScript packages (d3-geo, topojson-client) on hand-picked points.
"""

from __future__ import annotations

import doctest
import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner
from PIL import Image

from smartspec.algorithms import recommendation as rec
from smartspec.algorithms._validation import ValidationError
from smartspec.cli.main import cli
from smartspec.loaders.datasets import data_path
from smartspec.reports import markup, world_map
from smartspec.reports import partners as page_module
from smartspec.workflows import partner_report as wp
from smartspec.workflows.partner_data import PartnerData

CHROMIUM = next((p for p in (shutil.which(n) for n in ("chromium", "chromium-browser",
                                                        "google-chrome")) if p), None)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium on PATH (Debian: apt-get install chromium; .ci/run "
    "installs it)")

#: Politecnico di Milano (PIC 999879881), asked for by name as a user would.
ORG_NAME, ORG_ID = "Politecnico di Milano", "999879881"


# -- the map: geometry and projection --------------------------------------------------------


def test_doctests_of_the_report_modules():
    for module in (world_map, wp, markup):
        result = doctest.testmod(module, extraglobs={"np": np, "pd": pd},
                                 optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_equal_earth_matches_d3_geo():
    """Reference: d3-geo 3.1.2 ``geoEqualEarthRaw`` (radians in, unit-radius plane out), run in
    node on these points."""
    d3 = {(10, 50): (0.124035, 0.941540), (-74, 40.7): (-0.981862, 0.786841),
          (139.7, 35.7): (1.909466, 0.698035), (180, 0): (2.706630, 0.0),
          (0, 90): (0.0, 1.317363), (-58.4, -34.6): (-0.802993, -0.678050)}
    lon, lat = zip(*d3, strict=True)
    x, y = world_map.equal_earth(lon, lat)
    want = np.array(list(d3.values()))
    assert np.allclose(x, want[:, 0], atol=1e-6) and np.allclose(y, want[:, 1], atol=1e-6)


def test_topojson_decoding_matches_topojson_client():
    """Reference: topojson-client 3.1.0 ``feature()`` on the shipped file: polygons, points per
    outer ring and the first points of Germany, France and Russia."""
    topo = json.loads(data_path("maps/countries-110m.json").read_text(encoding="utf-8"))
    feats = {f["id"]: f for f in world_map.decode_topology(topo, "countries")}
    ref = {"276": ("Germany", [58], [14.121141211412123, 53.75623762376003]),
           "250": ("France", [19, 48, 7], [-51.658716587165856, 4.155807753115468]),
           "643": ("Russia", [11, 7, 9, 7, 8, 15, 9, 26, 22, 468, 10, 18],
                   [93.77913779137793, 81.02504928204206])}
    for code, (name, sizes, first) in ref.items():
        f = feats[code]
        assert f["name"] == name
        assert [len(p[0]) for p in f["polygons"]] == sizes
        assert np.allclose(f["polygons"][0][0][0], first, atol=1e-9)
    assert len(feats) == 175  # 177 features; N. Cyprus and Somaliland have no ISO id


def test_countries_are_coded_and_none_crosses_the_map():
    drawn = {c.code: c for c in world_map.countries()}
    assert {"DEU", "FRA", "ITA", "USA", "XKX", "RUS", "FJI"} <= set(drawn)
    assert "ATA" not in drawn
    half = world_map.equal_earth([180.0], [0.0])[0][0]
    for c in world_map.countries():
        for ring in c.path.split("M")[1:]:
            xs = np.array([float(p.split(",")[0]) for p in ring.rstrip("Z").split("L")])
            # a ring crossing the antimeridian unsplit would jump across the whole map
            assert np.abs(np.diff(xs)).max() < half, c.name
    # the marker point of France is in metropolitan France, not French Guiana
    x, y = drawn["FRA"].point
    fx, fy = world_map.equal_earth([2.5], [46.5])
    assert abs(x - fx[0]) < 0.05 and abs(y + fy[0]) < 0.05


def test_map_colours_partners_and_places_small_countries():
    svg, info = world_map.world_map_svg({"DEU": 300, "FRA": 12, "MLT": 3},
                                        {"JPN": ["A", "B"], "SGP": ["C"]}, home={"DEU"})
    assert info["countries"] == ["DEU", "FRA"] and info["points"] == ["MLT"]
    assert sorted(info["markers"]) == ["JPN", "SGP"] and info["missing"] == []
    assert re.search(r'data-code="DEU" data-partners="300" stroke="#111"', svg)
    assert 'data-code="JPN" data-recommended="2"' in svg
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    with pytest.raises(ValueError, match="unknown map view"):
        world_map.world_map_svg({}, {}, home=set(), view="mars")


def test_unknown_map_view_is_a_smartspec_validation_error():
    with pytest.raises(ValidationError, match=r"unknown map view 'mars'; use one of world, europe"):
        world_map.world_map_svg({}, {}, home=set(), view="mars")


def test_the_list_is_the_recommenders_for_every_method(tmp_path):
    """The report's list is :func:`workflows.partners.recommend`'s, whatever the method; the
    learned ranker falls back to ``weighted`` when the data have one year only."""
    from smartspec.workflows import partners as flows

    data, index = _toy()
    for method in ("weighted", "adamic_adar", "degree"):
        want, _ = flows.recommend(data.participations, data.topics, data.organisations, "a",
                                  method=method, index=index, top=5)
        r = wp.partner_report_data(data, index, "a", "A", top=5, method=method)
        assert r.method == method
        assert r.recommendations["organisation"].tolist() == want["organisation"].tolist()
    want, _ = flows.recommend(data.participations, data.topics, data.organisations, "a",
                              method="learned", index=index, top=5, cache_dir=tmp_path)
    r = wp.partner_report_data(data, index, "a", "A", top=5, method="learned",
                               cache_dir=tmp_path)
    assert r.method == "learned" and r.recommendations["reasons"].str.len().gt(0).all()
    assert r.recommendations["organisation"].tolist() == want["organisation"].tolist()
    # one year of data: nothing to learn from, ranked (and said) by the weighted score
    once = data.participations.assign(year=2015)
    one_year = PartnerData(once, data.topics, data.organisations, data.clusters, "toy")
    index1 = rec.partner_index(once, None, data.organisations)
    r = wp.partner_report_data(one_year, index1, "a", "A", top=5, method="learned",
                               cache_dir=tmp_path)
    assert r.method == "weighted"
    with pytest.raises(ValidationError, match="unknown method 'magic'"):
        wp.partner_report_data(data, index, "a", "A", method="magic")


def _toy():
    """a, b in city X, c in city Y (all DEU); d, e in FRA; f in ITA. Projects: p1 (2015) a b d,
    p2 (2016) a c, p3 (2016) d e, p4 (2017) a d e, p5 (2017) e f."""
    part = pd.DataFrame({
        "organisation": list("abdacdeadeef"),
        "project": ["p1"] * 3 + ["p2"] * 2 + ["p3"] * 2 + ["p4"] * 3 + ["p5"] * 2,
        "year": [2015] * 3 + [2016] * 4 + [2017] * 5, "role": None})
    orgs = pd.DataFrame({"organisation": list("abcdef"), "name": list("ABCDEF"),
                         "type": "firm", "country": ["DEU"] * 3 + ["FRA"] * 2 + ["ITA"]})
    data = PartnerData(part, pd.DataFrame(columns=["project", "topic"]), orgs,
                       pd.DataFrame(columns=["organisation", "cluster", "cluster_name"]), "toy")
    return data, rec.partner_index(part, None, orgs)


def test_unknown_organisation_ids_are_a_smartspec_error_and_a_key_error():
    from smartspec import SmartspecError

    _, index = _toy()
    assert index.positions(["b", "a"]).tolist() == [1, 0]
    for kind in (SmartspecError, ValidationError, KeyError):
        with pytest.raises(kind):
            index.positions(["a", "zz"])
    with pytest.raises(rec.UnknownOrganisationError) as info:
        index.positions(["a", "zz", "yy"])
    # the message names the unknown ids and what the index holds, unquoted as KeyError would
    assert str(info.value) == ("unknown organisation id(s) 'zz', 'yy': the partner index holds "
                               "the 6 organisations with a participation")


def test_report_data_by_hand():
    data, index = _toy()
    cities = pd.DataFrame({"organisation": list("abc"), "city": ["X", "X", "Y"]})
    r = wp.partner_report_data(data, index, "a", "A", top=5, localities=cities, method="weighted")
    assert r.locality == "city"
    prof = r.profile.set_index("year")
    # 2015: b local (same city), d abroad; 2016: c national; 2017: d (known) and e abroad
    assert prof[["projects", "local_ties", "national_ties", "international_ties"]].values.tolist(
        ) == [[1, 1, 0, 1], [1, 0, 1, 0], [1, 0, 0, 2]]
    assert prof["international_share"].tolist() == [0.5, 0.0, 1.0]
    assert prof["new_partner_share"].tolist() == [1.0, 1.0, 0.5]
    assert prof["partner_countries"].tolist() == [1, 0, 1]
    assert r.partners[["organisation", "joint_projects", "first_year", "last_year"]
                      ].values.tolist() == [["d", 2, 2015, 2017], ["b", 1, 2015, 2015],
                                            ["c", 1, 2016, 2016], ["e", 1, 2017, 2017]]
    by_country = r.countries.set_index("country")
    assert by_country.loc["DEU", ["partners", "joint_projects"]].tolist() == [2, 2]
    assert by_country.loc["FRA", ["partners", "joint_projects"]].tolist() == [2, 3]
    assert by_country.loc["ITA", ["partners", "recommended"]].tolist() == [0, 1]
    assert by_country.loc["ITA", "recommended_names"] == ["F"]
    assert r.recommendations["organisation"].tolist() == ["f"] and r.projects == 3
    assert r.recommendations["reasons"][0].startswith("1 shared partner (E)")
    assert r.recommendations["reasons"][0].endswith("1 project, 0 coordinated")
    assert "adds a partner country: Italy" in r.recommendations["reasons"][0]
    kinds = r.ego_edges.groupby("kind")["joint_projects"].sum().to_dict()
    assert kinds == {"member-partner": 5, "partner-partner": 3}  # b-d 1, d-e 2
    # without cities the country is the locality: c is local then
    r = wp.partner_report_data(data, index, "a", "A", top=5, method="weighted")
    assert r.locality == "country" and "national_ties" not in r.profile
    assert r.profile["local_ties"].tolist() == [1, 1, 0]


def test_report_of_an_organisation_without_partners():
    data, _ = _toy()
    part = pd.concat([data.participations, pd.DataFrame(
        {"organisation": ["g"], "project": ["p6"], "year": [2018], "role": None})])
    orgs = pd.concat([data.organisations, pd.DataFrame(
        {"organisation": ["g"], "name": ["G"], "type": ["firm"], "country": ["ESP"]})])
    data.participations, data.organisations = part, orgs
    index = rec.partner_index(part, None, orgs)
    r = wp.partner_report_data(data, index, "g", "G", top=3, method="weighted")
    assert r.partners.empty and r.profile.empty and r.projects == 1
    assert r.recommendations["basis"].eq("content only").all() and len(r.recommendations) == 3
    page, info = page_module.build_partner_page(r)
    assert "G has no dated tie in the data: no profile to draw" in page
    assert "G has no partner in the data: no network to draw" in page
    assert "content-only ranking" in page and page.count("<svg") == 2
    assert info["organisations"] == r.recommendations["organisation"].tolist()


def test_cluster_report_data_by_hand():
    data, index = _toy()
    r = wp.partner_report_data(data, index, ["a", "b"], "cluster K", top=5, cluster_size=3,
                               method="weighted")
    assert r.kind == "cluster" and r.cluster_size == 3
    # a-b is a tie between members: local and internal; partners c, d, e
    assert sorted(r.partners["organisation"]) == ["c", "d", "e"]
    assert r.partners.set_index("organisation").loc["d", "members"] == 2
    assert r.profile.set_index("year").loc[2015, "internal_ties"] == 1
    assert r.recommendations["organisation"].tolist() == ["f"]


# -- the report on the real data -------------------------------------------------------------


def _run(env: dict, *args: str):
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def h2020(tmp_path_factory):
    """An embedded store with the shipped Horizon 2020 data and one cluster: the 31
    organisations the shipped organisation file places in Tampere."""
    root = tmp_path_factory.mktemp("partner_report")
    env = {"SMARTSPEC_HOME": str(root / "home"), "NEO4J_URI": None}
    res = _run(env, "load", "collaborations", str(data_path("h2020.csv.gz")))
    assert res.exit_code == 0, res.output
    nodes = pd.read_csv(data_path("odfest2017_h2020_org_nodes.csv.gz"),
                        usecols=["orgId", "city"], dtype=str)
    tampere = nodes.loc[nodes["city"].str.upper() == "TAMPERE", "orgId"]
    members = root / "tampere.csv"
    pd.DataFrame({"organisation": tampere, "cluster": "TRE",
                  "cluster_name": "Tampere R&D organisations"}).to_csv(members, index=False)
    res = _run(env, "load", "clusters", str(members))
    assert res.exit_code == 0, res.output
    out = root / "out"
    pages = {}
    for key, flag, value in (("organisation", "--organisation", ORG_NAME),
                             ("cluster", "--cluster", "Tampere R&D organisations")):
        res = _run(env, "report", flag, value, "--output", str(out))
        assert res.exit_code == 0, res.output
        pages[key] = Path(re.search(r"wrote (\S+\.html)", res.output).group(1))
    lists = {"organisation": _cli_list(env, "--organisation", ORG_ID),
             "cluster": _cli_list(env, "--cluster", "TRE")}
    return {"env": env, "root": root, "pages": pages, "members": len(tampere), "lists": lists}


def _cli_list(env: dict, *args: str) -> list[str]:
    res = _run(env, "recommend", "partners", *args, "--format", "csv")
    assert res.exit_code == 0, res.output
    table = pd.read_csv(io.StringIO(res.stdout), dtype={"organisation": str})
    return table["organisation"].tolist()


def test_report_files_and_static_content(h2020):
    org, clu = h2020["pages"]["organisation"], h2020["pages"]["cluster"]
    assert org.name == f"smartspec_partners_{ORG_ID}.html"
    assert clu.name == "smartspec_partners_cluster_TRE.html"
    for path in (org, clu):
        page = path.read_text(encoding="utf-8")
        # self-contained: no script, no stylesheet link, nothing fetched by URL
        assert "<script" not in page and "<link" not in page and "@import" not in page
        refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', page)
        assert refs and all(r.startswith("data:") for r in refs), refs[:5]
        assert not re.search(r"url\(\s*['\"]?https?:", page)
        assert page.count("<svg") >= 2 and page.count("data:image/png;base64,") == 2
        for heading in ("Where the partners are", "Local buzz and global pipelines over time",
                        "Ego network", "Recommended partners"):
            assert heading in page
    page = org.read_text(encoding="utf-8")
    assert "<th>national</th>" in page  # the store places organisations in cities
    assert "POLITECNICO DI MILANO (999879881)" in page
    assert "Italy (ITA)" in page  # names next to codes
    assert 'data-code="ITA" data-partners="' in page


def test_page_list_is_the_cli_list(h2020):
    for key in ("organisation", "cluster"):
        page = h2020["pages"][key].read_text(encoding="utf-8")
        on_page = re.findall(r'<tr data-rank="\d+" data-organisation="([^"]+)"', page)
        assert len(on_page) == 20
        assert on_page == h2020["lists"][key]


def test_report_refuses_bad_requests(h2020):
    env = h2020["env"]
    for args, message in (
        ((), "give exactly one of --region, --organisation or --cluster"),
        (("--region", "KOR", "--cluster", "TRE"),
         "give exactly one of --region, --organisation or --cluster"),
        (("--organisation", ORG_ID, "--method", "magic"), "Invalid value for '--method'"),
        (("--cluster", "TRX"), "unknown cluster 'TRX'; did you mean TRE"),
    ):
        res = CliRunner().invoke(cli, ["report", *args], env=env)
        assert res.exit_code != 0
        assert message in res.output


@pytest.mark.parametrize("args", [
    ("--organisation", ORG_ID, "--strategy", "long-jumps"),
    ("--cluster", "TRE", "--strategy", "quadrant"),
    ("--organisation", ORG_ID, "--strategy", "balanced"),  # the default, but typed
    ("--organisation", ORG_ID, "--peers", "FRA", "--year", "2017"),
])
def test_partner_report_refuses_the_region_report_options(env_home, args):
    """--strategy (and the other options of the region report) would be ignored by a partner
    report: refused, before any data is read, naming what was given."""
    res = CliRunner().invoke(cli, ["report", *args, "--output", str(env_home / "out")])
    assert res.exit_code == 1
    given = [a for a in args if a.startswith("--") and a not in ("--organisation", "--cluster")]
    assert f"{', '.join(given)} only go{'es' if len(given) == 1 else ''} with --region" in \
        res.output
    assert not (env_home / "out").exists()


def test_report_top_and_figures_are_passed_through(h2020):
    env = h2020["env"]
    out = h2020["root"] / "top5"
    res = _run(env, "report", "--organisation", ORG_ID, "--top", "5", "--output", str(out),
               "--save-figures")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in (out / "figures").iterdir()) == [
        "ego.png", "ego.svg", "map_europe.svg", "map_world.svg", "profile.png", "profile.svg"]
    page = (out / f"smartspec_partners_{ORG_ID}.html").read_text(encoding="utf-8")
    on_page = re.findall(r'data-organisation="([^"]+)"', page)
    # the CLI ranks every candidate and keeps the first --top: its top 5 open its top 20
    assert on_page == h2020["lists"]["organisation"][:5]


# -- in the browser --------------------------------------------------------------------------

#: Appended to a copy of the page: after loading, write into the DOM where the maps are, what
#: the browser fetched (resource timing), and the list's ids as the browser sees them.
_PROBE = """<script>window.addEventListener('load', () => {
  const maps = Array.from(document.querySelectorAll('svg.worldmap')).map(s => {
    const r = s.getBoundingClientRect();
    return [Math.round(r.left), Math.round(r.top + window.scrollY), Math.round(r.width),
            Math.round(r.height)].join(',');
  });
  document.body.dataset.maps = maps.join(';');
  document.body.dataset.fetched = performance.getEntriesByType('resource')
    .map(e => e.name).filter(n => !n.startsWith('data:')).length;
  document.body.dataset.broken = Array.from(document.images)
    .filter(i => !i.complete || i.naturalWidth === 0).length;
  document.body.dataset.list = Array.from(
    document.querySelectorAll('#recommendations tbody tr')).map(
      r => r.dataset.organisation + ':' + r.cells[2].textContent.length).join(' ');
});</script>"""

#: No name resolves and no connection can be made: any fetch would fail (and be counted).
_OFFLINE = ("--host-resolver-rules=MAP * ~NOTFOUND", "--disable-background-networking",
            "--no-proxy-server")


def chromium(profile: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--no-first-run", "--disable-extensions", f"--user-data-dir={profile}", *_OFFLINE,
         *args], capture_output=True, text=True, timeout=180, check=False)


def _probe(page: Path, tmp: Path) -> dict[str, str]:
    probe = tmp / f"probe_{page.name}"
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"),
                     encoding="utf-8")
    done = chromium(tmp / "profile", "--window-size=1200,2000", "--virtual-time-budget=15000",
                    "--dump-dom", probe.resolve().as_uri())
    body = re.search(r"<body([^>]*)>", done.stdout)
    assert body, done.stderr[-2000:]
    return dict(re.findall(r'data-(\w+)="([^"]*)"', body.group(1)))


def _map_ink(page: Path, box: tuple[int, int, int, int], tmp: Path) -> dict[str, float]:
    """Shares of the map's pixels in the choropleth's blues and the markers' orange."""
    left, top, width, height = box
    shot = tmp / f"shot_{page.stem}.png"
    done = chromium(tmp / "profile", f"--screenshot={shot}",
                    f"--window-size=1200,{top + height + 50}", page.resolve().as_uri())
    assert shot.exists(), done.stderr[-2000:]
    rgb = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    area = rgb[top:top + height, left:left + width]
    r, g, b = area[..., 0], area[..., 1], area[..., 2]
    blue = (b > r + 40) & (b > 120)
    orange = (r > 200) & (g > 80) & (g < 150) & (b < 60)
    return {"blue": float(blue.mean()), "orange": float(orange.mean()),
            "std": float(area.std()), "pixels": area.shape[0] * area.shape[1]}


@needs_chromium
def test_report_opens_offline_with_maps_and_the_cli_list(h2020, tmp_path):
    for key in ("organisation", "cluster"):
        page = h2020["pages"][key]
        seen = _probe(page, tmp_path)
        assert seen["fetched"] == "0" and seen["broken"] == "0"
        ids = [item.split(":")[0] for item in seen["list"].split()]
        assert len(ids) == 20 and ids == h2020["lists"][key]
        assert all(int(item.split(":")[1]) > 0 for item in seen["list"].split())  # names
        maps = [tuple(int(v) for v in m.split(",")) for m in seen["maps"].split(";")]
        assert len(maps) == 2 and all(w > 600 and h > 250 for _, _, w, h in maps)
        europe = _map_ink(page, maps[0], tmp_path)
        # Europe: most of the land is a partner country (blue); the recommendations are there
        assert europe["blue"] > 0.2 and europe["orange"] > 0.002 and europe["std"] > 20, europe


@needs_chromium
def test_the_map_check_can_fail(tmp_path):
    """A page whose map has no partner and no marker is blank to the ink check, and a page that
    fetches an image over HTTP is counted by the probe (and shows it broken, being offline)."""
    svg, _ = world_map.world_map_svg({}, {}, home=set(), view="europe")
    empty = tmp_path / "empty.html"
    empty.write_text(f"<!DOCTYPE html><html><body style='margin:0'>{svg}</body></html>")
    seen = _probe(empty, tmp_path)
    box = tuple(int(v) for v in seen["maps"].split(","))
    ink = _map_ink(empty, box, tmp_path)
    # the legend's swatch and dot are the only ink: far below what the real check asks
    assert ink["blue"] < 0.01 and ink["orange"] < 0.001 and ink["pixels"] > 100_000
    online = tmp_path / "online.html"
    online.write_text("<!DOCTYPE html><html><body><img src='http://example.invalid/x.png'>"
                      "</body></html>")
    seen = _probe(online, tmp_path)
    assert seen["fetched"] == "1" and seen["broken"] == "1"


def test_page_builder_names_what_it_left_out(h2020):
    page = h2020["pages"]["cluster"].read_text(encoding="utf-8")
    n = h2020["members"]
    assert f"{n} of {n} members" in page or f"of {n} members" in page
    assert re.search(r"Not drawn: [\d,]+ other partners, [\d,]+ weaker ties between the drawn "
                     r"partners, [\d,]+ members without a drawn tie", page)
    assert page_module.DEFAULT_TOP == 20
