"""Product classification vintages: names, and converting trade values between them.

HS (the Harmonized System) is revised every five years; UN Comtrade and CEPII BACI name the
vintages ``H0`` ... ``H6`` or ``HS92`` ... ``HS22``:

====  =====  ====  =====  ====  =====  ====  =====
H0    HS92   H1    HS96   H2    HS02   H3    HS07
H4    HS12   H5    HS17   H6    HS22
====  =====  ====  =====  ====  =====  ====  =====

and SITC has revisions ``S1`` ... ``S4`` (``SITC1`` ... ``SITC4``). A panel across revisions is
one product space only after converting every year to one vintage. :func:`convert` does that
with the conversion weights of the Harvard Growth Lab (atlas-common-data, Apache-2.0; shipped
in ``loaders/data/concordances/`` with the licence): the value ``v`` of a source code ``a`` goes
to the target codes ``b`` in shares ``w(a, b)`` with ``sum_b w(a, b) = 1``, so totals are
preserved. HS96 ... HS22 go to HS92 through every revision in between (HS22 -> HS17 -> ... ->
HS92, precomputed by ``build_concordances.py``); SITC1 and SITC3 go to SITC2.

Conversion is defined on 6-digit HS codes (4-digit SITC codes). A 4- or 2-digit HS code is
converted with aggregated weights: its value is taken as spread equally over the 6-digit codes
of its heading in the source vintage, each converted, and the result summed by target heading
(``w(A, B) = mean over a in A of sum over b in B of w(a, b)``). That is exact when the heading's
codes all stay in one target heading (most headings) and an approximation otherwise; the load's
notes say how much value such headings carry.

>>> classification_name("H4"), classification_name("HS 2012"), classification_name("S3")
('HS12', 'HS12', 'SITC3')
"""

from __future__ import annotations

import re
import warnings
from functools import lru_cache
from importlib import resources
from pathlib import Path

import pandas as pd

from ._io import LoaderError

__all__ = [
    "HS_VINTAGES",
    "SITC_REVISIONS",
    "CONVERSION_TARGETS",
    "classification_name",
    "conversion_table",
    "convert",
    "read_concordance",
]

#: Comtrade vintage codes -> the names smartspec records.
HS_VINTAGES: dict[str, str] = {
    "H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12", "H5": "HS17",
    "H6": "HS22",
}
SITC_REVISIONS: dict[str, str] = {"S1": "SITC1", "S2": "SITC2", "S3": "SITC3", "S4": "SITC4"}
#: Classifications ``convert`` converts to, with the sources it converts from.
CONVERSION_TARGETS: dict[str, tuple[str, ...]] = {
    "HS92": ("HS96", "HS02", "HS07", "HS12", "HS17", "HS22"),
    "SITC2": ("SITC1", "SITC3"),
}
_FILES = {"HS92": "hs_to_hs92.csv.gz", "SITC2": "sitc_to_sitc2.csv.gz"}
_CODE_WIDTH = {"HS92": 6, "SITC2": 4}
_YEARS = {"1992": "HS92", "1988": "HS92", "1996": "HS96", "2002": "HS02", "2007": "HS07",
          "2012": "HS12", "2017": "HS17", "2022": "HS22"}


def classification_name(name: str | None) -> str | None:
    """The canonical name of a classification: ``H4``, ``HS12``, ``HS2012`` -> ``HS12``.

    ``S1`` ... ``S4`` / ``SITC rev. 2`` -> ``SITC1`` ... ``SITC4``; other names (``HS``,
    ``NACE``) come back stripped and upper-cased; ``None`` stays ``None``.

    >>> classification_name("hs2017"), classification_name("SITC rev. 2"), classification_name("HS")
    ('HS17', 'SITC2', 'HS')
    >>> classification_name("HS 1988/92"), classification_name("SITC Revision 2")
    ('HS92', 'SITC2')
    """
    if name is None:
        return None
    text = str(name).strip().upper()
    if text in HS_VINTAGES:
        return HS_VINTAGES[text]
    if text in SITC_REVISIONS:
        return SITC_REVISIONS[text]
    compact = re.sub(r"[\s._-]", "", text)
    compact = re.sub(r"^HS(?:19)?88/(?:19)?92$", "HS92", compact)
    m = re.fullmatch(r"HS(\d{2}|\d{4})", compact)
    if m:
        digits = m.group(1)
        year = digits if len(digits) == 4 else ("19" if digits >= "88" else "20") + digits
        if year in _YEARS:
            return _YEARS[year]
    m = re.fullmatch(r"SITC(?:REV(?:ISION)?)?([1-4])", compact)
    if m:
        return f"SITC{m.group(1)}"
    return text


def _data_file(name: str) -> Path:
    return Path(str(resources.files("smartspec.loaders") / "data" / "concordances" / name))


@lru_cache(maxsize=4)
def _weights(target: str) -> pd.DataFrame:
    path = _data_file(_FILES[target])
    table = pd.read_csv(path, dtype={"source": str, "from": str, "to": str, "weight": "float64"})
    return table


def conversion_table(source: str, target: str, digits: int | None = None) -> pd.DataFrame:
    """The weights ``from, to, weight`` converting ``source`` codes to ``target`` codes.

    ``digits`` (HS: 2, 4 or 6; SITC: 4) is the length of the codes converted; shorter HS codes
    get aggregated weights (module docstring). The weights of one ``from`` code sum to 1.

    >>> t = conversion_table("HS17", "HS92")
    >>> float(t.groupby("from")["weight"].sum().max().round(12))
    1.0
    """
    source, target = classification_name(source), classification_name(target)
    if target not in CONVERSION_TARGETS:
        raise LoaderError(
            f"cannot convert to {target}; smartspec converts to "
            f"{', '.join(CONVERSION_TARGETS)}"
        )
    if source not in CONVERSION_TARGETS[target]:
        raise LoaderError(
            f"cannot convert {source} to {target}; {target} is converted from "
            f"{', '.join(CONVERSION_TARGETS[target])}"
        )
    width = _CODE_WIDTH[target]
    digits = width if digits is None else digits
    table = _weights(target)
    table = table.loc[table["source"] == source, ["from", "to", "weight"]]
    if digits == width:
        return table.reset_index(drop=True)
    if target != "HS92" or digits not in (2, 4):
        raise LoaderError(
            f"{source} codes of {digits} digits cannot be converted; use {width}-digit codes"
        )
    heading = table["from"].str[:digits]
    n_codes = table.groupby(heading)["from"].transform("nunique")
    agg = pd.DataFrame(
        {"from": heading, "to": table["to"].str[:digits], "weight": table["weight"] / n_codes}
    )
    return agg.groupby(["from", "to"], as_index=False)["weight"].sum()


def read_concordance(path: str | Path) -> tuple[pd.DataFrame, str, tuple[str, str]]:
    """A user's conversion table: ``from, to, weight``, a description for the notes, and the
    source and target classifications its header names (``HS 2012`` -> ``HS12``).

    Reads the tables publishers distribute: UNSD's HS conversion workbooks (``.xlsx``, and the
    old ``.xls``, whose header sits below a title block: the sheet whose name says
    "Conversion" is used, its header found as the first row of two text cells above codes)
    and WITS concordance CSVs (``HS 1988/92 Product Code, ..., SITC Revision 2 Product Code,
    ...``: the first two columns whose names contain "code"). Codes keep their leading zeros.
    A conversion table maps each source code to one target code; a source code listed with
    ``k`` targets has its value split equally over them (weight ``1/k``), so totals are kept.
    """
    from ._io import read_table  # the shared reader: separator, encoding, gzip

    path = Path(path)
    if not path.exists():
        raise LoaderError(f"{path}: file not found")
    if path.suffix.lower() in (".xlsx", ".xls", ".xlsm"):
        try:
            with warnings.catch_warnings():  # pandas announces xlrd's retirement for .xls
                warnings.filterwarnings("ignore", message=".*xlrd engine is deprecated")
                book = pd.ExcelFile(path)
        except Exception as exc:  # noqa: BLE001 - openpyxl / xlrd raise many kinds
            raise LoaderError(f"{path}: not a readable workbook ({exc})") from None
        sheets = [s for s in book.sheet_names if "conversion" in s.lower()] or book.sheet_names
        sheet = sheets[0]
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*xlrd engine is deprecated")
            cells = pd.read_excel(book, sheet_name=sheet, header=None, dtype=str)
        codes = cells.apply(lambda c: c.str.strip().str.fullmatch(r"\d{2,8}").fillna(False))
        text = cells.notna() & ~codes
        found = None
        for r in range(min(len(cells) - 1, 60)):
            for c in range(cells.shape[1] - 1):
                if text.iat[r, c] and text.iat[r, c + 1] and codes.iat[r + 1, c] \
                        and codes.iat[r + 1, c + 1]:
                    found = (r, c)
                    break
            if found:
                break
        if found is None:
            raise LoaderError(
                f"{path}: sheet {sheet!r} has no header of two columns above product codes"
            )
        r, c = found
        pairs = cells.iloc[r + 1 :, [c, c + 1]]
        names = (str(cells.iat[r, c]).strip(), str(cells.iat[r, c + 1]).strip())
        what = f"{path.name}, sheet {sheet!r} ({names[0]} -> {names[1]})"
    else:
        raw = read_table(path)
        code_cols = [col for col in raw.columns if "code" in col.lower()]
        cols = code_cols[:2] if len(code_cols) >= 2 else list(raw.columns[:2])
        if len(cols) < 2:
            raise LoaderError(f"{path}: a concordance needs a source and a target code column")
        pairs = raw[cols]
        names = (cols[0], cols[1])
        what = f"{path.name} ({names[0]} -> {names[1]})"
    pairs = pairs.set_axis(["from", "to"], axis=1).apply(lambda col: col.str.strip())
    pairs = pairs.dropna().loc[lambda d: (d["from"] != "") & (d["to"] != "")].drop_duplicates()
    if pairs.empty:
        raise LoaderError(f"{path}: no code pairs found")
    pairs["weight"] = 1.0 / pairs.groupby("from")["to"].transform("size")
    split = int((pairs.groupby("from").size() > 1).sum())
    if split:
        what += f"; {split} source code(s) with several targets split equally"
    labels = tuple(
        classification_name(
            re.sub(r"(?i)^(from|to)\s+|\s*product\s+code$", "", n).strip()
        )
        for n in names
    )
    return pairs.reset_index(drop=True), what, labels


def convert(
    frame: pd.DataFrame,
    source: str,
    target: str,
    *,
    keys: tuple[str, ...] = ("region", "year"),
    path: str | Path = "",
    table: pd.DataFrame | None = None,
) -> tuple[pd.DataFrame, float]:
    """Convert ``frame`` (``product, value`` plus ``keys``) from ``source`` to ``target`` codes.

    Returns the converted frame (one row per ``keys`` and target product, values summed) and
    the share of the value carried by codes that left their own heading at 4 digits or fewer
    (0 for 6-digit input), for the notes. Codes that the source vintage does not have are
    refused, naming them. ``table`` (``from, to, weight``, e.g. from :func:`read_concordance`)
    replaces the shipped weights; its codes must have the length of the data's codes.

    >>> f = pd.DataFrame({"region": ["A"], "year": [2020], "product": ["854232"],
    ...                   "value": [100.0]})
    >>> out, _ = convert(f, "HS17", "HS92")
    >>> round(float(out["value"].sum()), 9)
    100.0
    >>> out.nlargest(2, "value")["product"].tolist()  # HS17 854232 was split in HS92
    ['854219', '854211']
    """
    source, target = classification_name(source), classification_name(target)
    if frame.empty:
        return frame.copy(), 0.0
    if table is not None:
        known = frame["product"].isin(table["from"])
        if not known.all():
            bad = pd.unique(frame.loc[~known, "product"])
            raise LoaderError(
                f"{path}: {len(bad)} product code(s) are not in the concordance and cannot be "
                f"converted: {', '.join(map(str, bad[:5]))}"
            )
        merged = frame.merge(table, left_on="product", right_on="from", how="inner")
        merged["value"] = merged["value"] * merged["weight"]
        merged["product"] = merged["to"]
        return merged.groupby([*keys, "product"], sort=False, as_index=False)["value"].sum(), 0.0
    lengths = frame["product"].str.len().unique()
    if len(lengths) != 1:
        raise LoaderError(
            f"{path}: {source} codes of several lengths ({', '.join(map(str, sorted(lengths)))}"
            " digits) cannot be converted together; choose one with --level"
        )
    digits = int(lengths[0])
    table = conversion_table(source, target, digits)
    known = frame["product"].isin(table["from"])
    if not known.all():
        bad = pd.unique(frame.loc[~known, "product"])
        raise LoaderError(
            f"{path}: {len(bad)} product code(s) are not {source} codes and cannot be converted "
            f"to {target}: {', '.join(map(str, bad[:5]))}"
        )
    moved = 0.0
    if digits < _CODE_WIDTH[target]:
        leaving = table.loc[table["from"] != table["to"], "from"].unique()
        total = frame["value"].sum()
        if total > 0:
            moved = float(frame.loc[frame["product"].isin(leaving), "value"].sum() / total)
    merged = frame.merge(table, left_on="product", right_on="from", how="inner")
    merged["value"] = merged["value"] * merged["weight"]
    merged["product"] = merged["to"]
    out = merged.groupby([*keys, "product"], sort=False, as_index=False)["value"].sum()
    return out, moved
