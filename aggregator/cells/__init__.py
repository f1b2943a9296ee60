"""Cells: one reader per column type (CONTRACT §3), and the frame that applies them to a tab's rows."""

from __future__ import annotations

import pandas as pd

from aggregator.cells.counts import CountColumn, read_counts
from aggregator.cells.dates import DateColumn, read_dates
from aggregator.models import ColumnType

__all__ = ["CountColumn", "DateColumn", "read_counts", "read_dates", "read_numbers"]


def read_numbers(kind: ColumnType, cells: pd.Series, percent_formatted: pd.Series | None = None) -> CountColumn:
    """Read one numeric column (count, money, decimal, percent) by its type."""
    if kind is ColumnType.COUNT:
        return read_counts(cells)
    raise NotImplementedError(f"no reader for {kind} yet")  # wired when the money/decimal/percent readers land
