"""Test fixtures: one real Neo4j server for the whole session, and stores on both backends.

The Neo4j server is the embedded Neo4j 5.26 of ``smartspec db start`` (built with Maven on first
use), started once per session on a free port with its data in a temporary folder, or the server
named by ``NEO4J_URI`` (and ``NEO4J_PASSWORD``) when that is set. The session's server has
authentication on, as every ``smartspec db start`` server: its generated password is put in
``NEO4J_PASSWORD`` for the session, so stores and CLI runs (subprocesses too) pick it up. Without
Java and Maven the Neo4j tests fail, unless ``SMARTSPEC_SKIP_NEO4J=1`` says to skip them.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartspec.graph_models.embedded_store import EmbeddedStore
from smartspec.loaders.datasets import data_path

TRADE_2017 = data_path("world_trade_2017.csv.gz")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory) -> str:
    """URI of a running Neo4j for the session (started here unless NEO4J_URI is set)."""
    if os.environ.get("SMARTSPEC_SKIP_NEO4J") == "1":
        pytest.skip("SMARTSPEC_SKIP_NEO4J=1: Neo4j tests skipped")
    if os.environ.get("NEO4J_URI"):
        yield os.environ["NEO4J_URI"]
        return
    from smartspec.graph_models import neo4j_server

    home = tmp_path_factory.mktemp("smartspec") / "neo4j"  # as $SMARTSPEC_HOME/neo4j
    info = neo4j_server.start(port=_free_port(), home=home, timeout=300)
    os.environ["SMARTSPEC_TEST_NEO4J_URI"] = info.uri
    os.environ["SMARTSPEC_TEST_NEO4J_HOME"] = str(home)
    before = os.environ.get("NEO4J_PASSWORD")
    os.environ["NEO4J_PASSWORD"] = neo4j_server.password_file(home).read_text().strip()
    try:
        yield info.uri
    finally:
        neo4j_server.stop(home=home)
        if before is None:
            os.environ.pop("NEO4J_PASSWORD", None)
        else:
            os.environ["NEO4J_PASSWORD"] = before


@pytest.fixture
def neo4j_home(neo4j_uri) -> Path:
    """The home folder of the session's server (skipped for a server named by NEO4J_URI)."""
    home = os.environ.get("SMARTSPEC_TEST_NEO4J_HOME")
    if not home:
        pytest.skip("the Neo4j server was not started by the tests (NEO4J_URI is set)")
    return Path(home)


@pytest.fixture
def neo4j_store(neo4j_uri):
    """A Neo4j store on an emptied database."""
    from smartspec.graph_models.neo4j_store import Neo4jStore

    store = Neo4jStore(uri=neo4j_uri)  # the password: NEO4J_PASSWORD
    store.run("MATCH (n) DETACH DELETE n", write=True)
    yield store
    store.close()


@pytest.fixture
def embedded_store(tmp_path):
    """An embedded store in a fresh file."""
    store = EmbeddedStore(tmp_path / "graph.kgl")
    yield store
    store.close()


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store(request):
    """Each test using it runs on both stores."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def trade_2017() -> pd.DataFrame:
    """The shipped 2017 world-trade table as the algorithms see it."""
    df = pd.read_csv(TRADE_2017, dtype=str)
    return pd.DataFrame(
        {
            "region": df["reporter_iso"].str.upper(),
            "activity": df["product_code"],
            "year": 2017,
            "value": pd.to_numeric(df["export_value_usd"]),
        }
    ).dropna()


@pytest.fixture
def env_home(tmp_path, monkeypatch) -> Path:
    """A fresh SMARTSPEC_HOME and no NEO4J_URI: the CLI uses a new embedded store."""
    monkeypatch.setenv("SMARTSPEC_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("NEO4J_URI", raising=False)
    return tmp_path / "home"


@pytest.fixture(params=["embedded", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def cli_store(request, env_home, monkeypatch) -> str:
    """The store the CLI uses, once each: a new embedded store, then the session's Neo4j,
    emptied (``NEO4J_URI`` set). Returns the kind."""
    if request.param == "neo4j":
        request.getfixturevalue("neo4j_store")  # empties the database
        monkeypatch.setenv("NEO4J_URI", request.getfixturevalue("neo4j_uri"))
    return request.param


SYNTHETIC_REGIONS = [
    "AUT",
    "BEL",
    "CZE",
    "DEU",
    "DNK",
    "ESP",
    "FIN",
    "FRA",
    "GRC",
    "HUN",
    "ITA",
    "NLD",
    "POL",
    "PRT",
    "SWE",
]
SYNTHETIC_PRODUCTS = [
    f"{c}{i:02d}" for c in ("01", "27", "39", "61", "84", "87", "90") for i in (1, 2, 3, 4)
]


@pytest.fixture(scope="session")
def synthetic_trade() -> pd.DataFrame:
    """Two periods of a nested region x product table (capabilities against difficulty)."""
    rng = np.random.default_rng(0)
    cap = np.linspace(0.1, 1.0, len(SYNTHETIC_REGIONS))
    diff = rng.random(len(SYNTHETIC_PRODUCTS))
    rows = []
    for year, noise in ((2000, 0.0), (2010, 0.6)):
        for i, r in enumerate(SYNTHETIC_REGIONS):
            for j, p in enumerate(SYNTHETIC_PRODUCTS):
                if cap[i] + 0.25 >= diff[j] or rng.random() < 0.15:
                    v = np.exp(rng.normal(3 + 2 * cap[i], 1 + noise))
                    rows.append((r, p, year, round(float(v), 2)))
    return pd.DataFrame(rows, columns=["region", "activity", "year", "value"])
