"""The real data shipped with smartspec (see ``loaders/data/NOTICE.md`` for sources and licences).

>>> data_path("world_trade_2017.csv.gz").name
'world_trade_2017.csv.gz'
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ._io import LoaderError
from .trade import TradeTable, read_trade

__all__ = ["data_path", "world_trade_2017"]


def data_path(name: str) -> Path:
    """Path of a shipped data file (the package is installed as files, so it is a real path)."""
    path = Path(str(resources.files("smartspec.loaders") / "data" / name))
    if not path.exists():
        shipped = sorted(p.name for p in path.parent.glob("*.csv.gz"))
        raise LoaderError(f"no shipped data file {name!r}; shipped: {', '.join(shipped)}")
    return path


def world_trade_2017() -> TradeTable:
    """World exports 2017 by country and HS12 4-digit product, validated (176,971 values)."""
    return read_trade(
        data_path("world_trade_2017.csv.gz"), layout="shared", year=2017, classification="HS12"
    )
