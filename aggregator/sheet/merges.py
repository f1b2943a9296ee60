"""Cells merged down over several of the agencies' rows: what a reader of the sheet sees in each row. Pure.

Sheets and Excel keep a merged cell's value in its first (top-left) cell; every other cell of the block
reads empty. Offices merge the group column over the rows of a block ("Khối xã, phường" over its
communes), a unit's name over the rows it filled, a date over a day's rows. Read cell by cell, those
rows had no group, no name or no date, though each shows one.

The rules, for a block that starts in a data row (one that starts in the header is the header's):
- a text or date cell's value holds for every row of the block that has anything else typed in it (a row
  the block merely passes through stays blank: a group merged over 27 rows, 10 of them filled, gives 10
  rows, not 27);
- a figure holds for a row only when that row names the same unit as the block's first row (a unit's
  name merged over its rows, or typed again in each): it is that unit's figure, whichever of its rows
  wins. Merged over rows of different units, it is counted once, in its first row, and the other rows say
  so (``merged_down``'s second value): splitting it is the office's call, not ours;
- only the block's first column holds a value; the other columns it covers stay empty.

>>> import pandas as pd
>>> raw = pd.DataFrame({"group": ["Khối xã", None, None], "name": ["Xã A", "Xã B", None],
...                     "count": [5, 7, None]}, index=[3, 4, 5], dtype=object)
>>> filled, notes = merged_down(raw, [Merge(2, 5, 0, 1)], {"group": 0, "name": 1, "count": 2},
...                             figures=frozenset({"count"}), name="name")
>>> filled["group"].tolist()  # row 5 has nothing typed: still blank
['Khối xã', 'Khối xã', None]
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import NamedTuple

import pandas as pd

from aggregator.textnorm import clean_text, is_empty_cell


class Merge(NamedTuple):
    """A merged block of a tab, 0-based and end-exclusive, as Google's GridRange gives it."""

    first_row: int
    end_row: int
    first_column: int
    end_column: int


def filled_rows(rows: Sequence[Sequence[object]], merges: Sequence[Sequence[int]], first_data_row: int = 1
                ) -> Sequence[Sequence[object]]:
    """A tab's ``rows`` with each vertical block's value (one that starts at 0-based row ``first_data_row`` or
    below) in the rows of the block that have anything typed: a roster's group or district merged over its
    units. Every column alike (a roster holds no figures).

    >>> filled_rows([["unit_id", "group"], ["A", "p"], ["B", None], [None, None]], [(1, 4, 1, 2)])
    [['unit_id', 'group'], ['A', 'p'], ['B', 'p'], [None, None]]
    """
    if not merges:
        return rows
    out = [list(row) for row in rows]
    for first_row, end_row, column, _ in merges:
        if first_row < first_data_row or end_row - first_row < 2 or first_row >= len(out):
            continue
        value = out[first_row][column] if column < len(out[first_row]) else None
        for row in out[first_row + 1:end_row]:
            if not all(map(is_empty_cell, row)):
                row.extend([None] * (column + 1 - len(row)))
                row[column] = value
    return out


def merged_down(raw: pd.DataFrame, merges: Sequence[Merge], positions: Mapping[str, int], *,
                figures: Collection[str], name: str | None) -> tuple[pd.DataFrame, dict[str, dict[int, int]]]:
    """``raw`` (the mapped columns, indexed by 1-based sheet row) with merged cells' values in the rows they
    hold for (see the module's rules); and, per figure column, the rows whose figure was counted in a merged
    block's first row instead: {key: {row: first row}}. ``figures``: the keys of the number columns; ``name``:
    the unit-name column's key."""
    blocks = [(key, block) for block in merges if block.end_row - block.first_row > 1
              for key, position in positions.items() if position == block.first_column and key in raw.columns]
    blocks = [(key, block) for key, block in blocks if block.first_row + 1 in raw.index]  # starts in a data row
    if not blocks:
        return raw, {}
    typed = _typed_rows(raw, {row for _, block in blocks for row in _rows_below(block, raw.index)})
    at = {row: i for i, row in enumerate(raw.index.tolist())}
    named = {name} if name is not None and name in raw.columns else set()
    cells = {key: raw[key].tolist() for key in {key for key, _ in blocks} | named}
    for key, block in blocks:  # texts and dates first: a name merged over rows decides their figures
        if key not in figures:
            for row in _rows_below(block, raw.index):
                if row in typed:
                    cells[key][at[row]] = cells[key][at[block.first_row + 1]]
    names = [_folded(value) for value in cells[name]] if name in cells else [""] * len(raw)
    counted: dict[str, dict[int, int]] = {}
    for key, block in blocks:
        first = at[block.first_row + 1]
        for row in (row for row in _rows_below(block, raw.index) if key in figures and row in typed):
            if names[first] and names[at[row]] == names[first]:  # the same unit's row: its figure
                cells[key][at[row]] = cells[key][first]
            else:
                counted.setdefault(key, {})[row] = block.first_row + 1
    filled = raw.copy()
    for key, values in cells.items():
        filled[key] = pd.Series(values, index=raw.index, dtype=object)
    return filled, counted


def _folded(value: object) -> str:
    return clean_text(value).casefold() if isinstance(value, str) else ""


def _rows_below(block: Merge, index: pd.Index) -> list[int]:
    """The sheet rows (1-based) of a block under its first row that the tab's data reaches (a block may run
    down a whole column: only the rows read are walked)."""
    last = min(block.end_row, int(index.max())) if len(index) else 0
    return [row for row in range(block.first_row + 2, last + 1) if row in index]


def _typed_rows(raw: pd.DataFrame, rows: Collection[int]) -> set[int]:
    """Of ``rows``, those with anything typed in a mapped column."""
    picked = raw.loc[sorted(rows)]
    return {row for row, values in zip(picked.index.tolist(), picked.itertuples(index=False), strict=True)
            if not all(map(is_empty_cell, values))}
