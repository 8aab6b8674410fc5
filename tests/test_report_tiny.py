"""The region report on tiny tables, the model workflow against the command, and the doctests of
the report and model workflows and the shared page markup."""

from __future__ import annotations

import doctest
import io
import re

import numpy as np
import pandas as pd
import pytest

from smartspec.cli._space import Space
from smartspec.cli.main import main
from smartspec.reports import figures, markup
from smartspec.workflows import model as wm
from smartspec.workflows import report as wr

PRODUCTS = ["0101", "0102", "0201", "0202", "8401", "8402", "8501", "8502"]
#: 3 regions, 8 products, one year; M falls into unconnected parts (ITA shares no product with
#: the others' specialisations), so no product has a PCI
DISCONNECTED = {"DEU": [825, 459, 23, None, 97, 268, 810, 935],
                "FRA": [163, 661, None, None, 2, 374, 102, None],
                "ITA": [90, 334, None, 528, None, None, 960, None]}


def run(capsys, *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_info:
        main(list(args))
    out, err = capsys.readouterr()
    return exit_info.value.code, out, err


def _csv(tmp_path, table: dict[str, list]) -> str:
    rows = [{"region": r, "product": p, "year": 2017, "value": float(v)}
            for r, values in table.items() for p, v in zip(PRODUCTS, values, strict=True)
            if v is not None]
    path = tmp_path / "tiny.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return str(path)


def test_doctests_of_the_workflows_and_markup():
    for module in (wr, wm, markup):
        result = doctest.testmod(module, extraglobs={"pd": pd},
                                 optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.attempted > 0 and result.failed == 0, module.__name__


def test_spectrograph_without_pci_says_why():
    spec = pd.DataFrame({"region": ["A"], "activity": ["x"], "year": [2017], "value": [1.0],
                         "m": [1]})
    acts = pd.DataFrame({"activity": ["x"], "year": [2017], "pci": [np.nan]})
    with pytest.raises(ValueError, match="no activity has a pci in that year"):
        figures.spectrograph_plot(spec, acts, region="A", year=2017)


@pytest.mark.parametrize("region", ["DEU", "FRA", "ITA"])
def test_report_on_a_disconnected_tiny_table(env_home, capsys, tmp_path, region):
    """Regression: a 3-region, 8-product, one-year table crashed the report ("Axis limits cannot
    be NaN or Inf" in the spectrograph; the feasibility chart before it on this one). Now the
    report is written and says which parts need a PCI."""
    code, _, err = run(capsys, "load", "trade", _csv(tmp_path, DISCONNECTED),
                       "--classification", "HS92")
    assert code == 0, err
    code, out, err = run(capsys, "report", "--region", region, "--output", str(tmp_path))
    assert code == 0, err
    page = (tmp_path / f"smartspec_report_{region}.html").read_text(encoding="utf-8")
    assert "No activity has a PCI in HS92 2017: the region-activity network (M) falls into" in page
    assert "Spectrograph" not in page and "Growth opportunities" not in page
    assert "Key figures of" in page and "HS92 space, 2017" in page  # the rest is there
    assert re.search(r"\d+ interactive charts, \d+ figures", out)


def test_report_on_a_connected_tiny_table(env_home, capsys, tmp_path):
    """Every product in every region: one connected M; the full report, spectrograph too."""
    rng = np.random.default_rng(1)
    table = {r: rng.integers(1, 1000, len(PRODUCTS)).tolist() for r in ("DEU", "FRA", "ITA")}
    code, _, err = run(capsys, "load", "trade", _csv(tmp_path, table), "--classification", "HS92")
    assert code == 0, err
    code, _, err = run(capsys, "report", "--region", "DEU", "--output", str(tmp_path))
    assert code == 0, err
    page = (tmp_path / "smartspec_report_DEU.html").read_text(encoding="utf-8")
    assert "Spectrograph" in page and "No activity has a PCI" not in page


def test_model_workflow_is_what_the_command_prints(env_home, capsys, tmp_path, synthetic_trade):
    f = tmp_path / "trade.csv"
    synthetic_trade.rename(columns={"activity": "product"}).to_csv(f, index=False)
    code, _, err = run(capsys, "load", "trade", str(f), "--classification", "HS92")
    assert code == 0, err
    code, out, err = run(capsys, "model", "growth", "--format", "csv", "--fixed-effects",
                         "region,year")
    assert code == 0, err
    shown = pd.read_csv(io.StringIO(out), keep_default_na=False)
    space = Space(data=synthetic_trade, label="Product", classification="HS92",
                  years=sorted(synthetic_trade["year"].unique().tolist()), all_years={})
    fitted = wm.diversification_model(space, "growth", fixed_effects=("region", "year"),
                                      controls=("log_size",))
    assert fitted.coefficients["term"].tolist() == shown["term"].tolist()
    assert np.allclose(fitted.coefficients["coef"].to_numpy(float), shown["coef"].to_numpy(float))
    assert fitted.periods == [(2000, 2010)]
    with pytest.raises(wm.ValidationError, match="unknown fixed effect"):
        wm.parse_fixed_effects("region,country")


def test_report_is_byte_reproducible_with_source_date_epoch(env_home, capsys, tmp_path,
                                                             monkeypatch):
    """SOURCE_DATE_EPOCH (reproducible-builds.org) sets the time the page says it was built:
    two builds of the same report are then byte-identical."""
    rng = np.random.default_rng(1)
    table = {r: rng.integers(1, 1000, len(PRODUCTS)).tolist() for r in ("DEU", "FRA", "ITA")}
    code, _, err = run(capsys, "load", "trade", _csv(tmp_path, table), "--classification", "HS92")
    assert code == 0, err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14 22:13:20 UTC
    pages = []
    for out in ("one", "two"):
        code, _, err = run(capsys, "report", "--region", "DEU", "--output", str(tmp_path / out),
                           "--save-figures")
        assert code == 0, err
        pages.append((tmp_path / out / "smartspec_report_DEU.html").read_bytes())
    assert "2023-11-14 22:13 UTC" in pages[0].decode("utf-8")
    assert pages[0] == pages[1]
    # the saved figures too (matplotlib's SVG ids are otherwise salted at random)
    saved = sorted(p.name for p in (tmp_path / "one" / "figures").iterdir())
    assert any(n.endswith(".svg") for n in saved) and any(n.endswith(".png") for n in saved)
    for name in saved:
        assert (tmp_path / "one" / "figures" / name).read_bytes() == (
            tmp_path / "two" / "figures" / name).read_bytes(), name
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    code, _, err = run(capsys, "report", "--region", "DEU", "--output", str(tmp_path / "bad"))
    assert code == 1 and "SOURCE_DATE_EPOCH" in err and "'yesterday'" in err


def test_build_time_honours_source_date_epoch(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert markup.build_time() == "1970-01-01 00:00 UTC"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", markup.build_time())
