"""Cells: one reader per column type (CONTRACT §3), and the frame that applies them to a tab's rows."""

from __future__ import annotations

import pandas as pd

from aggregator.cells.counts import CountColumn, read_counts
from aggregator.cells.dates import DateColumn, read_dates
from aggregator.cells.decimals import read_decimals
from aggregator.cells.money import read_money
from aggregator.cells.numeric import NumberColumn
from aggregator.cells.percents import read_percents
from aggregator.models import NUMERIC_TYPES, ColumnType

__all__ = [
    "NUMBER_TYPES",
    "CountColumn",
    "DateColumn",
    "NumberColumn",
    "read_counts",
    "read_dates",
    "read_decimals",
    "read_money",
    "read_numbers",
    "read_percents",
]

# Column types whose cells are numbers: values + notes + problems, read by ``read_numbers``.
NUMBER_TYPES = NUMERIC_TYPES


def read_numbers(
    kind: ColumnType | str, cells: pd.Series, percent_formatted: pd.Series | bool | None = None
) -> NumberColumn:
    """Read a number column of type ``kind`` (count, money, decimal or percent); index kept.

    Values are Int64 for count and money, Float64 for decimal and percent (0–100 scale).
    ``percent_formatted`` (percent only): which cells the sheet formats as a percentage, see
    ``read_percents``; other types ignore it.

    >>> read_numbers("money", pd.Series(["2,5 triệu"])).values.tolist()
    [2500000]

    Raises:
        ValueError: ``kind`` is not a number type (date, text, ignored, or unknown).
    """
    column_type = ColumnType(kind)
    if column_type is ColumnType.PERCENT:
        return read_percents(cells, percent_formatted)
    if column_type is ColumnType.COUNT:
        return read_counts(cells)
    if column_type is ColumnType.MONEY:
        return read_money(cells)
    if column_type is ColumnType.DECIMAL:
        return read_decimals(cells)
    raise ValueError(f"{column_type.value} columns hold no numbers; read_numbers reads {sorted(NUMBER_TYPES)}")
