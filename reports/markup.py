"""What the report pages share: the base style sheet, the page around a body, tables as HTML,
figures as ``data:`` URIs, and ``report.js`` to inline.

Both pages (the region report, :mod:`smartspec.reports.region`, and the partner report,
:mod:`smartspec.reports.partners`) are one self-contained HTML file: the style is inline, the
figures are embedded and nothing is loaded from the network.
"""

from __future__ import annotations

import html
import math
import os
from collections.abc import Sequence
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from ..workflows._base import WorkflowError
from . import figures

__all__ = ["base_css", "build_time", "page", "table_html", "png_uri", "script"]


def build_time() -> str:
    """The time a page says it was built, ``YYYY-MM-DD HH:MM UTC``: now, or the time of
    ``SOURCE_DATE_EPOCH`` (seconds since 1970, UTC) when set, so that two builds of the same
    report are byte-identical (https://reproducible-builds.org/specs/source-date-epoch/). A
    value that is not a whole number of seconds is refused, as the specification asks.

    >>> import os
    >>> os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    >>> build_time()
    '2023-11-14 22:13 UTC'
    >>> del os.environ["SOURCE_DATE_EPOCH"]
    """
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given is None or given == "":
        when = datetime.now(timezone.utc)
    else:
        try:
            when = datetime.fromtimestamp(int(given.strip()), timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise WorkflowError(f"SOURCE_DATE_EPOCH is {given!r}, not a number of seconds "
                                "since 1970-01-01 UTC") from None
    return when.strftime("%Y-%m-%d %H:%M UTC")


def base_css(max_width: int = 1100) -> str:
    """The style both pages start from (fonts, headings, tables, figures, notes)."""
    return f"""
body{{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:2em auto;
max-width:{max_width}px;color:#222;line-height:1.45;padding:0 1em}}
h1{{font-size:1.7em;margin-bottom:.2em}}h2{{border-bottom:2px solid #08519c;padding-bottom:.2em;
margin-top:2em}}
table{{border-collapse:collapse;font-size:.85em;margin:.6em 0}}
th,td{{border:1px solid #ddd;padding:3px 7px;text-align:left}}th{{background:#f0f4fa}}
td.n{{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}}
img{{max-width:100%;height:auto;border:1px solid #eee}}
.note{{color:#555;font-size:.9em}}
figure{{margin:1em 0}}figcaption{{font-size:.85em;color:#555}}
"""


def page(title: str, css: str, body: str, script_text: str | None = None) -> str:
    """A whole HTML page: ``title`` (escaped here), the inline ``css``, the ``body`` (HTML) and
    an inline script when given (:func:`script`)."""
    tail = f"<script>{script_text}</script>" if script_text is not None else ""
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><meta name='viewport' "
            f"content='width=device-width, initial-scale=1'><style>{css}</style></head>"
            f"<body>{body}{tail}</body></html>")


def _fixed(values: pd.Series, digits: int) -> pd.Series:
    """Cell texts of a column: floats with ``digits`` decimals, the rest as they print."""
    if pd.api.types.is_float_dtype(values):
        return values.round(digits).map(lambda v: "" if pd.isna(v) else f"{v:.{digits}f}")
    return values.map(lambda v: "" if v is None or (isinstance(v, float) and pd.isna(v))
                      else str(v))


def _grouped(values: pd.Series, plain: bool) -> list[str]:
    """Cell texts of a column: floats with 3 decimals and thousands separators, integers with
    separators (``plain``: without, for years and ranks), the rest as they print."""
    out = []
    for v in values:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            out.append("")
        elif isinstance(v, float):
            out.append(f"{v:,.3f}")
        elif isinstance(v, (int, np.integer)) and not isinstance(v, bool) and not plain:
            out.append(f"{v:,}")
        else:
            out.append(str(v))
    return out


def table_html(frame: pd.DataFrame, *, digits: int = 3, right: Sequence[str] = (),
               grouped: bool = False, plain: Sequence[str] = ("year", "rank"),
               attrs: Sequence[str] | None = None) -> str:
    """A table as HTML: numeric columns (and the ``right`` columns of formatted numbers)
    right-aligned, text (codes, names, routes) left-aligned, missing values empty, every cell
    escaped.

    Numbers are written with ``digits`` decimals for floats, or, with ``grouped``, with
    thousands separators (floats with 3 decimals; integer columns named in ``plain`` without
    separators). ``attrs`` are added to each row's ``<tr>``.

    >>> t = table_html(pd.DataFrame({"code": ["a<"], "x": [1.23456]}))
    >>> t[t.index("<tbody>"):]
    "<tbody><tr><td class='t'>a&lt;</td><td class='n'>1.235</td></tr></tbody></table>"
    >>> t = table_html(pd.DataFrame({"year": [2020], "n": [12345]}), grouped=True)
    >>> t[t.index("<tbody>"):]
    "<tbody><tr><td class='n'>2020</td><td class='n'>12,345</td></tr></tbody></table>"
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    cols = []
    for col in frame.columns:
        values = frame[col]
        numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
        text = _grouped(values, col in plain) if grouped else _fixed(values, digits)
        css = "n" if numeric or col in right else "t"
        cols.append([f"<td class='{css}'>{html.escape(v)}</td>" for v in text])
    rows = []
    for k, cells in enumerate(zip(*cols, strict=True)):
        extra = f" {attrs[k]}" if attrs else ""
        rows.append(f"<tr{extra}>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def png_uri(fig, save_dir: Path | None, stem: str, saved: list[Path]) -> str:
    """A matplotlib figure as a PNG ``data:`` URI; with ``save_dir`` also written there as
    ``stem``.png/.svg (the paths appended to ``saved``). The figure is closed."""
    data = figures.to_base64_png(fig)
    if save_dir is not None:
        saved += figures.save(fig, save_dir / stem)
    figures.plt.close(fig)
    return f"data:image/png;base64,{data}"


def script() -> str:
    """``report.js`` (shipped beside this module) to inline in a ``<script>`` element (which
    only ``</script`` would end)."""
    text = (resources.files("smartspec.reports") / "report.js").read_text(encoding="utf-8")
    return text.replace("</script", "<\\/script")
