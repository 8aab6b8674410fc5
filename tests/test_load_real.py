"""Real data into both stores: loading twice gives the same graph; a killed load converges."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from smartspec.loaders.datasets import data_path
from smartspec.loaders.trade import read_trade, write_trade

TRADE_2017 = data_path("world_trade_2017.csv.gz")


@pytest.fixture(scope="module")
def table_2017():
    return read_trade(TRADE_2017, year=2017, classification="HS12")


def test_world_trade_2017_twice_same_counts(store, table_2017):
    write_trade(store, table_2017)
    first = store.counts()
    write_trade(store, table_2017)
    second = store.counts()
    pd.testing.assert_frame_equal(first, second)
    assert dict(zip(first["name"], first["count"], strict=True)) == {
        "EXPORTS": 176_971,
        "Product": 1_222 + 97 + 10,  # with the HS12 chapters and sectors above them
        "Region": 224 + 44,  # with their continents, UN regions and other groups
        "PART_OF": 2_246,  # every heading in its chapter (all 1,222 are HS12 headings)
    }


def _count_exports(store) -> int:
    return int(store.run("MATCH ()-[r:EXPORTS]->() RETURN count(r) AS c")["c"].iloc[0])


@pytest.mark.neo4j
def test_killed_load_leaves_whole_batches_and_converges(neo4j_store, neo4j_uri, tmp_path):
    batch = 5_000
    env = {
        **os.environ,
        "NEO4J_URI": neo4j_uri,
        "SMARTSPEC_BATCH_SIZE": str(batch),
        "SMARTSPEC_HOME": str(tmp_path),
    }
    cmd = [
        sys.executable,
        "-m",
        "smartspec.cli.main",
        "--store",
        "neo4j",
        "load",
        "trade",
        str(TRADE_2017),
        "--year",
        "2017",
    ]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and _count_exports(neo4j_store) < 3 * batch:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    cut = _count_exports(neo4j_store)
    assert 0 < cut < 176_971, "the load was not cut midway"
    assert cut % batch == 0, f"{cut} relationships: a batch was half-written"
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    counts = dict(zip(neo4j_store.counts()["name"], neo4j_store.counts()["count"], strict=True))
    assert counts == {"EXPORTS": 176_971, "Product": 1_222, "Region": 224 + 44, "PART_OF": 927}


def test_killed_embedded_load_leaves_the_file_unchanged(tmp_path):
    env = {**os.environ, "SMARTSPEC_HOME": str(tmp_path)}
    env.pop("NEO4J_URI", None)
    base = [sys.executable, "-m", "smartspec.cli.main", "--store", "embedded", "load", "trade"]
    small = tmp_path / "small.csv"
    small.write_text("region,product,year,value\nAAA,0001,2017,1\n")
    subprocess.run([*base, str(small)], env=env, check=True, capture_output=True)
    before = (tmp_path / "graph.kgl").read_bytes()
    proc = subprocess.Popen(
        [*base, str(TRADE_2017), "--year", "2017"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(1.5)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (tmp_path / "graph.kgl").read_bytes() == before
    subprocess.run(
        [*base, str(TRADE_2017), "--year", "2017"], env=env, check=True, capture_output=True
    )
    from smartspec.graph_models.embedded_store import EmbeddedStore

    with EmbeddedStore(tmp_path / "graph.kgl") as s:
        counts = dict(zip(s.counts()["name"], s.counts()["count"], strict=True))
    assert counts == {"EXPORTS": 176_972, "Product": 1_223, "Region": 225 + 44, "PART_OF": 927}
