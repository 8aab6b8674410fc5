"""Names a person reads in recommend and pathways, and regions typed as a person types them
(issue 15: ``UK`` was suggested as ``UKR``)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from smartspec.cli._space import resolve_region
from smartspec.cli.main import cli
from smartspec.graph_models.store import open_store

REGIONS = ["GBR", "UKR", "DEU", "FRA", "KOR", "GRC", "CIV"]
PRODUCTS = ["0101", "0102", "0201", "2709", "8471", "8542", "8703", "8802"]
PRODUCT_NAMES = {"0101": "Horses", "8471": "Computers", "8542": "Integrated circuits",
                 "8703": "Cars", "8802": "Aircraft"}


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def named(text: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


# -- resolve_region ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed,code", [
    ("UK", "GBR"), ("uk", "GBR"), ("gb", "GBR"), ("EL", "GRC"), ("gbr", "GBR"), ("UKR", "UKR"),
    ("Germany", "DEU"), ("germany ", "DEU"), ("UKRAINE", "UKR"), ("South Korea", "KOR"),
    ("cote d'ivoire", "CIV"), ("Côte d'Ivoire", "CIV"), ("Britannia", "GBR"),
])
def test_codes_aliases_and_names_resolve(typed, code):
    stored = pd.Series({"GBR": "Britannia"})  # a stored name is matched too
    assert resolve_region(typed, REGIONS, stored, where="HS92 (2017)") == code


def test_unknown_regions_get_suggestions_and_countries_without_data_say_so():
    with pytest.raises(Exception, match=r"unknown region 'Fance' in HS92 \(2017\); did you "
                                        r"mean FRA"):
        resolve_region("Fance", REGIONS, where="HS92 (2017)")
    with pytest.raises(Exception, match=r"'UK' is GBR \(United Kingdom\), which is not in HS92"):
        resolve_region("UK", ["UKR", "DEU"], where="HS92 (2017)")


# -- recommend and pathways on a store -----------------------------------------------------------


@pytest.fixture
def world(cli_store, tmp_path):
    """Seven countries x eight products (2017, random positive values), some nodes named."""
    rng = np.random.default_rng(7)
    rows = pd.DataFrame([(r, p) for r in REGIONS for p in PRODUCTS],
                        columns=["region", "product"])
    rows["year"] = 2017
    rows["value"] = rng.lognormal(3, 1.5, len(rows)).round(3)
    f = tmp_path / "world.csv"
    rows.to_csv(f, index=False)
    code, _, err = invoke("load", "trade", str(f))
    assert code == 0, err
    with open_store() as store:
        store.upsert_nodes("Region", pd.DataFrame({"code": ["GBR", "UKR"],
                                                   "name": ["United Kingdom", "Ukraine"]}))
        store.upsert_nodes("Product", pd.DataFrame({"code": list(PRODUCT_NAMES),
                                                    "name": list(PRODUCT_NAMES.values())}))
        # the tables show a node's short name where it has one (Atlas name_short_en)
        store.run("MATCH (p:Product {code: '8471'}) SET p.name = 'Automatic data processing "
                  "machines and units thereof', p.short_name = 'Computers'", write=True)
    return rows


def test_recommend_names_activities_and_resolves_uk(world):
    code, text, err = invoke("recommend", "activities", "--region", "UK", "--top", "0",
                             "--format", "csv")
    assert code == 0, err
    table = named(text)
    assert table["region"].unique().tolist() == ["GBR"]
    assert list(table.columns[:3]) == ["region", "activity", "activity_name"]
    assert (table["activity_name"] == table["activity"].map(PRODUCT_NAMES).fillna("")).all()
    code, text, err = invoke("recommend", "activities", "--region", "united kingdom", "--top", "3")
    assert code == 0, err
    assert text.startswith("GBR (United Kingdom) 2017, Product: complexity = PCI")
    code, text, err = invoke("recommend", "activities", "--region", "EL", "--top", "1")
    assert code == 0, err
    assert text.startswith("GRC (Greece) 2017")  # named by the load (reference tables)
    code, _, err = invoke("recommend", "activities", "--region", "Ukrain")
    assert code == 1 and "did you mean UKR" in err


def test_pathways_name_the_target_and_the_route(world):
    code, text, err = invoke("recommend", "activities", "--region", "UK", "--top", "0",
                             "--format", "csv")
    assert code == 0, err
    target = named(text)["activity"].iloc[0]
    code, text, err = invoke("pathways", "--region", "UK", "--target", target, "--table",
                             "paths", "--format", "csv")
    assert code == 0, err
    paths = named(text)
    assert list(paths.columns[:4]) == ["path", "step", "activity", "activity_name"]
    assert (paths["activity_name"] == paths["activity"].map(PRODUCT_NAMES).fillna("")).all()
    code, text, err = invoke("pathways", "--region", "UK", "--target", target)
    assert code == 0, err
    name = PRODUCT_NAMES.get(target)
    assert text.startswith("GBR (United Kingdom) 2017, Product: ")
    assert f"target {target} ({name})" in text if name else f"target {target}\n" in text
    route = paths[paths["path"] == paths["path"].min()]
    shown = " -> ".join(f"{a} {n}".strip() for a, n in zip(route["activity"],
                                                           route["activity_name"], strict=True))
    assert shown in text
