"""One BACI-size year into the embedded store, as a whole command, and read back.

Makes (once, cached in ``$SMARTSPEC_BENCH_DATA`` or ``~/.cache/smartspec-bench``) a synthetic
yearly file in CEPII BACI's real layout, as the V202301 release writes it (see
``tests/test_trade_formats.py`` for the real excerpt it copies): header ``t,i,j,k,v,q``
unquoted, comma, LF; ``i``/``j`` numeric exporter/importer codes (ISO 3166 numeric and BACI's
own, such as 251 France, 842 USA, 490 Other Asia, plus a little trade of 697 Europe EFTA nes and
849 US Misc. Pacific Islands, which map to no country); ``k`` the HS92 6-digit code written as a
number (codes below 100000 lose their leading zero, as in V202301), with a few rows of the
non-HS code ``9999AA``; ``v`` (thousands of USD) and ``q`` (tonnes) right-aligned and
space-padded to 12 characters with 3 decimals, a missing ``q`` as a right-aligned ``NA``. Rows
are unique per (i, j, k) and sorted, ~9 M by default (one BACI year has 8-11 M).

Then, each as a separate process under ``/usr/bin/time -v`` (wall time and peak resident memory
of the whole command) into a new embedded store:

- ``smartspec load trade BACI_HS92_Y2021_V202301.csv --level 6`` (HS6) and without
  ``--level`` (HS4);
- reading back: the EXPORTS relationships (count and value) and the Product nodes, compared with
  the file's own totals computed here with pyarrow (the value of rows whose exporter maps to a
  country and whose product is an HS code, times 1,000).

Figures, not pass/fail; ``--repeat N`` runs each load N times::

    python benchmarks/bench_baci.py                 # 9 M rows
    python benchmarks/bench_baci.py --rows 1000000  # quick
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_input import CPU, data_dir, timed  # noqa: E402

#: Exporter codes that map to no country (left out by the loader, reported with their value).
NO_COUNTRY = ("697", "849")


def make_baci(rows: int, year: int = 2021, seed: int = 0) -> Path:
    """The synthetic BACI year (made once per size)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from smartspec.loaders.classifications import product_table
    from smartspec.loaders.trade import numeric_country_codes

    folder = data_dir() / f"baci_{rows}"
    folder.mkdir(exist_ok=True)
    path = folder / f"BACI_HS92_Y{year}_V202301.csv"
    if path.exists():
        return path
    start = time.perf_counter()
    rng = np.random.default_rng(seed)
    countries = sorted({int(c) for c in numeric_country_codes()}, key=int)
    countries = [c for c in countries if c not in (58, 280, 711, 736, 890)]  # not in 2021
    exporters = np.array([*countries, *map(int, NO_COUNTRY)])
    importers = np.array(countries)
    hs6 = product_table("HS92")
    hs6 = [c for c in hs6.loc[hs6["level"] == "subheading", "code"].astype(str) if c.isdigit()]
    products = np.array([*(int(c) for c in hs6), -1])  # -1: 9999AA
    n_e, n_i, n_p = len(exporters), len(importers), len(products)
    # exporter, importer and product sizes (lognormal): big traders trade more products
    w_e = rng.lognormal(0, 1.6, n_e)
    w_e[-len(NO_COUNTRY):] *= 0.02
    w_i = rng.lognormal(0, 1.4, n_i)
    w_p = rng.lognormal(0, 1.0, n_p)
    w_p[-1] = 0.01
    flat = np.zeros(0, dtype=np.int64)
    while len(flat) < rows:  # unique (i, j, k), sorted
        draw = int((rows - len(flat)) * 1.3) + 1000
        e = rng.choice(n_e, draw, p=w_e / w_e.sum())
        i = rng.choice(n_i, draw, p=w_i / w_i.sum())
        k = rng.choice(n_p, draw, p=w_p / w_p.sum())
        own = exporters[e] == importers[i]  # no trade with oneself
        new = ((e.astype(np.int64) * n_i + i) * n_p + k)[~own]
        flat = np.unique(np.concatenate([flat, new]))
    if len(flat) > rows:
        flat = np.sort(rng.choice(flat, rows, replace=False))
    ei, rest = np.divmod(flat, n_i * n_p)
    ii, kk = np.divmod(rest, n_p)
    n = len(flat)

    def padded(milli: np.ndarray) -> pa.Array:
        whole = pc.cast(pa.array(milli // 1000), pa.string())
        frac = pc.utf8_lpad(pc.cast(pa.array(milli % 1000), pa.string()), 3, "0")
        return pc.utf8_lpad(pc.binary_join_element_wise(whole, frac, "."), 12, " ")

    v = np.maximum(np.round(rng.lognormal(1.0, 2.6, n) * 1000), 1).astype(np.int64)
    q = np.maximum(np.round(rng.lognormal(0.0, 2.8, n) * 1000), 1).astype(np.int64)
    q_text = pc.if_else(pa.array(rng.random(n) < 0.1), " " * 10 + "NA", padded(q))
    k_text = pc.cast(pa.array(products[kk]), pa.string())
    k_text = pc.if_else(pa.array(products[kk] < 0), "9999AA", k_text)
    table = pa.table({
        "t": pa.array(np.full(n, year)), "i": pa.array(exporters[ei]),
        "j": pa.array(importers[ii]), "k": k_text, "v": padded(v), "q": q_text,
    })
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as fh:
        fh.write(b"t,i,j,k,v,q\n")
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False,
                                                     quoting_style="none"))
    tmp.rename(path)
    print(f"made {path} ({path.stat().st_size / 2**20:.0f} MB, {n:,} rows) in "
          f"{time.perf_counter() - start:.0f} s", flush=True)
    return path


def file_totals(path: Path) -> dict[str, float]:
    """The file's totals, read with pyarrow: rows, value (USD) of country exporters and HS
    codes, and that value's exporter-product pairs at HS6 and HS4."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from smartspec.loaders.trade import numeric_country_codes

    t = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
        column_types={"i": pa.string(), "k": pa.string(), "v": pa.string()},
        include_columns=["i", "k", "v"]))
    v = pc.cast(pc.utf8_trim_whitespace(t["v"]), pa.float64())
    kept = pc.and_(pc.invert(pc.is_in(t["i"], pa.array(NO_COUNTRY))),
                   pc.invert(pc.equal(t["k"], "9999AA")))
    hs6 = pc.utf8_lpad(t["k"], 6, "0")
    iso = numeric_country_codes()  # several codes are one country (251 and 250 are FRA)
    codes = pc.unique(t["i"]).to_pylist()
    region = pc.take(pa.array([iso.get(c, c) for c in codes]), pc.index_in(t["i"], pa.array(codes)))
    pairs = pa.table({"i": region, "k6": hs6, "k4": pc.utf8_slice_codeunits(hs6, 0, 4)})
    pairs = pairs.filter(kept)
    return {
        "rows": t.num_rows,
        "value": float(pc.sum(pc.multiply(v.filter(kept), 1000.0)).as_py()),
        "pairs6": pairs.group_by(["i", "k6"]).aggregate([]).num_rows,
        "pairs4": pairs.group_by(["i", "k4"]).aggregate([]).num_rows,
    }


def read_back(home: Path) -> dict[str, float]:
    from smartspec.graph_models.embedded_store import EmbeddedStore

    with EmbeddedStore(home / "graph.kgl") as store:
        out = store.run("MATCH (:Region)-[r:EXPORTS]->(:Product) "
                        "RETURN count(r) AS n, sum(r.value) AS value")
    return {"pairs": int(out["n"].iloc[0]), "value": float(out["value"].iloc[0])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=9_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--levels", default="6,4", help="HS levels loaded, e.g. 6 or 6,4")
    args = parser.parse_args()
    path = make_baci(args.rows)
    print(f"{path} ({path.stat().st_size / 2**20:.0f} MB); python {sys.executable}; "
          f"{os.cpu_count()} CPUs", flush=True)
    start = time.perf_counter()
    totals = file_totals(path)
    print(f"file: {totals['rows']:,} rows; value of country exporters and HS codes "
          f"{totals['value']:,.0f} USD; exporter-product pairs HS6 {totals['pairs6']:,}, "
          f"HS4 {totals['pairs4']:,} (pyarrow, {time.perf_counter() - start:.1f} s)",
          flush=True)
    for level in (int(x) for x in args.levels.split(",")):
        walls, rss, back = [], [], {}
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as tmp:
                env = {**os.environ, "SMARTSPEC_HOME": tmp}
                cmd = [sys.executable, "-m", "smartspec.cli.main", "load", "trade", str(path)]
                if level != 4:
                    cmd += ["--level", str(level)]
                wall, peak, _ = timed(cmd, env)
                walls.append(wall)
                rss.append(peak)
                back = read_back(Path(tmp))
        runs = ", ".join(f"{w:.1f}" for w in walls)
        runs += "; CPU " + ", ".join(f"{c:.1f}" for c in CPU[-len(walls):])
        want = totals[f"pairs{level}"]
        print(f"load trade HS{level}: best {min(walls):.1f} s, median "
              f"{statistics.median(walls):.1f} s, peak RSS {max(rss):.2f} GB (runs: {runs}); "
              f"{totals['rows'] / statistics.median(walls):,.0f} file rows/s", flush=True)
        print(f"  read back: {back['pairs']:,} EXPORTS (file: {want:,}), value "
              f"{back['value']:,.0f} USD (file: {totals['value']:,.0f}; relative difference "
              f"{abs(back['value'] - totals['value']) / totals['value']:.1e})", flush=True)


if __name__ == "__main__":
    main()
