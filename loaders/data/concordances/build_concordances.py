"""Build the shipped concordance tables from the Growth Lab conversion weights (run once).

Source: Harvard Growth Lab, atlas-common-data 1.1.1 (Apache-2.0), ``conversion_weights/``:
``conversion_weights_<A>_to_<B>.csv.gz`` with columns ``<A>, <B>, weight, group_id``; the weights
of one source code sum to 1 and every source code of the vintage is listed (also the unchanged
ones, with weight 1 to themselves). The files lost the leading zeros of the codes (``10111`` is
HS ``010111``, SITC ``11`` is ``0011``): they are restored here.

Written next to this script:

``hs_to_hs92.csv.gz``
    ``source, from, to, weight``: HS96 ... HS22 (H1 ... H6) 6-digit codes to HS92 (H0), chained
    one revision at a time (H6 -> H5 -> H4 -> H3 -> H2 -> H1 -> H0): the weight of ``from -> to``
    is the sum over paths of the product of the step weights. Zero weights are left out.
``sitc_to_sitc2.csv.gz``
    ``source, from, to, weight``: SITC rev. 1 and rev. 3 4-digit codes to SITC rev. 2 (direct
    tables S1 -> S2 and S3 -> S2).

Usage::

    python loaders/data/concordances/build_concordances.py /path/to/conversion_weights
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
HS_CHAIN = ["H6", "H5", "H4", "H3", "H2", "H1", "H0"]
HS_NAMES = {"H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12", "H5": "HS17",
            "H6": "HS22"}


def _step(folder: Path, a: str, b: str, width: int) -> pd.DataFrame:
    raw = pd.read_csv(folder / f"conversion_weights_{a}_to_{b}.csv.gz", dtype=str)
    out = pd.DataFrame(
        {
            "from": raw[a].str.strip().str.zfill(width),
            "to": raw[b].str.strip().str.zfill(width),
            "weight": raw["weight"].astype("float64"),
        }
    )
    return out[out["weight"] > 0]


def _compose(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """first: x -> y, second: y -> z; returns x -> z with summed products of weights."""
    both = first.merge(second, left_on="to", right_on="from", suffixes=("", "_2"))
    missing = set(first["to"]) - set(second["from"])
    if missing:
        raise SystemExit(f"codes without a next step: {sorted(missing)[:5]}")
    both["weight"] = both["weight"] * both["weight_2"]
    return both.groupby(["from", "to_2"], as_index=False)["weight"].sum().rename(
        columns={"to_2": "to"}
    )


def build(folder: Path) -> None:
    tables = []
    chained: pd.DataFrame | None = None
    for a, b in zip(HS_CHAIN[-2::-1], HS_CHAIN[:0:-1], strict=True):
        # a: H1 ... H6 (newer), b: its predecessor; chained holds b -> H0 so far
        step = _step(folder, a, b, 6)
        chained = step if chained is None else _compose(step, chained)
        total = chained.groupby("from")["weight"].transform("sum")
        chained = chained.assign(weight=chained["weight"] / total)  # exact sums of 1
        tables.append(chained.assign(source=HS_NAMES[a]))
    hs = pd.concat(tables, ignore_index=True)[["source", "from", "to", "weight"]]
    hs.sort_values(["source", "from", "to"]).to_csv(
        HERE / "hs_to_hs92.csv.gz", index=False, float_format="%.17g"
    )
    sitc = pd.concat(
        [_step(folder, s, "S2", 4).assign(source=f"SITC{s[1]}") for s in ("S1", "S3")],
        ignore_index=True,
    )[["source", "from", "to", "weight"]]
    sitc.sort_values(["source", "from", "to"]).to_csv(
        HERE / "sitc_to_sitc2.csv.gz", index=False, float_format="%.17g"
    )


if __name__ == "__main__":
    build(Path(sys.argv[1]))
