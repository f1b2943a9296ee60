"""Cells: one reader per column type (CONTRACT §3), and the frame that applies them to a tab's rows."""

from aggregator.cells.counts import CountColumn, read_counts
from aggregator.cells.dates import DateColumn, read_dates

__all__ = ["CountColumn", "DateColumn", "read_counts", "read_dates"]
