"""Raw tab rows → one tidy DataFrame of typed values, problems and notes. Pure.

The frame has one row per sheet data row (index = 1-based spreadsheet row number), one column per
mapped campaign key (Int64 for count and money, Float64 for decimal and percent, tz-aware for dates, str or
None for text), and the cycle's own columns, all named with a leading "_" (keys never start with one):
- ``TYPED_NAME``: the name as typed in the ``unit_name`` column (NFC, invisible characters removed);
- ``GROUP_HINT``: the ``group_hint`` column's text, ``SUBMITTED``/``DATE_ONLY``: the ``submitted_at`` column;
- ``PROBLEMS``: tuple of (key, typed value, message) per row; ``NOTES``: tuple of str;
- ``BLANK``: True when the row has no values: nothing at all, or only a name (and a group) typed in advance or a
  section heading (ignored; ``NAME_ONLY`` tells those apart: rows_name_only, the others rows_blank);
- ``FINGERPRINT``: a stable hash of the row's content (for "first seen" history);
- ``FIRST_SEEN``/``SEEN_ORDER``: when the history first saw the row's content and its place in that order
  (set by the cycle when it keeps a history);
- ``IGNORED``/``CONFIRMED``/``PINNED``: what the office's decisions did to the row (decisions/apply.py);
- ``weight_column(key)``: how many units stand behind a percent (a roll-up's child mean), when the tab says;
- ``COVERAGE``: a roll-up child's own (reported, expected) units, or None (roll-ups only).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from itertools import zip_longest
from typing import Any, cast

import numpy as np
import numpy.typing as npt
import pandas as pd

from aggregator.campaign import ColumnSettings
from aggregator.cells.column import DATE_ONLY as DATE_ONLY  # a frame column, named beside its reader's
from aggregator.cells.column import ColumnReading, read_column
from aggregator.cells.date_window import Zones as Zones  # how the frame reads dates (app/pipeline.py makes them)
from aggregator.cells.fingerprint import TypedCells, fingerprints, fingerprints_of
from aggregator.models import NUMERIC_TYPES, CellValue, ColumnRole, ColumnType, RawTab
from aggregator.sheet.headers import HeaderMap
from aggregator.sheet.merges import Merge, merged_down
from aggregator.textnorm import is_empty_cell
from aggregator.work import Share, Task, in_line

TYPED_NAME, GROUP_HINT, SUBMITTED = "_typed_name", "_group_hint", "_submitted_at"
BLANK, PROBLEMS, NOTES, FINGERPRINT = "_blank", "_problems", "_notes", "_fingerprint"
NAME_ONLY = "_name_only"  # blank but for a name (and a group): counted apart from the blank rows
TOTAL_ROW = "_total_row"  # the sheet's own total ("Tổng cộng"): ignored as BLANK is, counted apart
_IDENTITY = frozenset({ColumnRole.UNIT_NAME, ColumnRole.GROUP_HINT})  # who a row is about, not what it reports
MATCH, UNIT_ID = "_match", "_unit_id"  # added by the cycle once names are matched
FIRST_SEEN, SEEN_ORDER = "_first_seen", "_seen_order"  # added by the cycle from its history (when it has one)
# added by the office's decisions (aggregator/decisions/apply.py): settled as no unit, cells whose value the
# office confirmed (tuple of (key, typed, value)), the row pinned as its unit's
IGNORED, CONFIRMED, PINNED = "_ignored", "_confirmed", "_pinned"
COVERAGE = "_coverage"  # a roll-up child's own (reported, expected) units (adapters/status_files.py)
ROLE_COLUMNS = {ColumnRole.UNIT_NAME: TYPED_NAME, ColumnRole.GROUP_HINT: GROUP_HINT,
                ColumnRole.SUBMITTED_AT: SUBMITTED}
CellProblem = tuple[str, str, str]  # a row's PROBLEMS: (key, the cell as typed, message)
ConfirmedValue = tuple[str, str, object]  # a row's CONFIRMED: (key, the cell as typed, the value confirmed)


def problems_at(table: pd.DataFrame, row: int) -> tuple[CellProblem, ...]:
    # pandas-stubs type a cell as a scalar; the PROBLEMS column holds a tuple in every row
    return cast(tuple[CellProblem, ...], table.at[row, PROBLEMS])


def confirmed_at(table: pd.DataFrame, row: int) -> tuple[ConfirmedValue, ...]:
    return cast(tuple[ConfirmedValue, ...], table.at[row, CONFIRMED])  # a tuple in every row, as PROBLEMS


def weight_column(key: str) -> str:
    return f"_n:{key}"


def range_column(key: str) -> str:
    return f"_range:{key}"


@dataclass(frozen=True)
class Frame:
    table: pd.DataFrame
    rows_read: int
    # what a row's fingerprint is made from, the columns read with each cell as typed: their JSON pieces
    # (cells/fingerprint.py), or the cells themselves where merged cells filled some before they were read
    typed: tuple[TypedCells, ...] | pd.DataFrame

    def row_fingerprints(self) -> list[str]:
        """Every row's fingerprint (cells/fingerprint.py)."""
        if isinstance(self.typed, pd.DataFrame):
            return fingerprints(self.typed)
        return fingerprints_of(self.typed, self.rows_read)


def _trim_trailing_blank(rows: Sequence[Sequence[CellValue]]) -> list[Sequence[CellValue]]:
    """Google drops trailing empty rows, xlsx keeps formatted ones: trim so both agree."""
    end = len(rows)
    while end and all(map(is_empty_cell, rows[end - 1])):
        end -= 1
    return list(rows[:end])


def raw_columns(rows: Sequence[Sequence[CellValue]], header_row: int, header_map: HeaderMap) -> pd.DataFrame:
    """Pick the mapped columns of the data rows (never the whole grid); index = spreadsheet row number."""
    data = _trim_trailing_blank(rows[header_row:])
    index = pd.RangeIndex(header_row + 1, header_row + 1 + len(data))
    keys, positions = list(header_map.positions), list(header_map.positions.values())
    grid = _grid(data, max(positions, default=-1) + 1)
    # one line per column, each laid out in one piece (what the frame's column readers walk): picked from each
    # row, then turned (one copy; picking from the turned grid and copying into place took twice as long); a
    # mapped column no row reaches (beyond the grid) stays all None
    if all(pos < grid.shape[1] for pos in positions):
        by_column = np.ascontiguousarray(grid[:, positions].T)
    else:
        by_column = np.full((len(keys), len(data)), None, dtype=object)
        reached = [i for i, pos in enumerate(positions) if pos < grid.shape[1]]
        by_column[reached] = grid.T[[positions[i] for i in reached]]
    return pd.DataFrame(by_column.T, index=index, columns=pd.Index(keys, dtype=object), dtype=object, copy=False)


def _grid(rows: Sequence[Sequence[CellValue]], width: int) -> npt.NDArray[np.object_]:
    """The first ``width`` columns of ragged rows as one 2-D object array, None where a row is short (fewer
    columns when no row is that wide). Laid out by pandas' C loop when it is there (25 ms for 100,000 rows of
    15 cells; transposing them with ``zip_longest`` and copying the columns took 150 ms), else that way."""
    rows = [row if len(row) <= width else row[:width] for row in rows]
    lay_out = _LAY_OUT_TUPLES
    if lay_out is not None and rows:
        return cast(npt.NDArray[np.object_], lay_out(rows))
    columns = list(zip_longest(*rows))
    grid = np.full((len(rows), len(columns)), None, dtype=object)
    for j, column in enumerate(columns):
        grid[:, j] = np.fromiter(column, dtype=object, count=len(rows))
    return grid


# pandas' own loop for DataFrame(list of tuples) (pandas._libs.lib, not public API: looked up, not relied on)
_LAY_OUT_TUPLES: Callable[[list[Sequence[CellValue]]], np.ndarray] | None = getattr(
    importlib.import_module("pandas._libs.lib"), "to_object_array_tuples", None)


def _per_row(findings: Sequence[list[object | None] | None], rows: int) -> list[tuple[object, ...]]:
    """Each row's findings (problems or notes) from every column's (None: nothing), in column order."""
    present = [column for column in findings if column is not None]
    if not present:
        return [()] * rows
    # a finding is a non-empty text or tuple, never false: filter(None) keeps the findings, in C
    return [tuple(filter(None, row)) for row in zip(*present, strict=True)]


def _weights(tab: RawTab, header_map: HeaderMap, columns: Sequence[ColumnSettings], index: pd.Index,
             table: pd.DataFrame) -> None:
    """A roll-up's percent cells are means of several units: keep how many, to weigh them, and their lowest
    and highest values."""
    for column in columns:
        position = header_map.positions.get(column.key)
        if column.type is ColumnType.PERCENT and position is not None and position in tab.weights:
            counts = list(tab.weights[position])
            table[weight_column(column.key)] = [counts[r - 1] if r - 1 < len(counts) else 1 for r in index]
        if column.type is ColumnType.PERCENT and position is not None and position in tab.ranges:
            ranges = list(tab.ranges[position])
            table[range_column(column.key)] = pd.Series([ranges[r - 1] if r - 1 < len(ranges) else None
                                                         for r in index], index=index, dtype=object)


# What reading a column costs beside the other pieces, per row (on 100,000 rows: a count column about 80 ms, a
# date 45 ms, a text 10 to 70 ms): how the pieces are shared (work.py). A text column's result is text (as
# costly to send from a copy of the process as to make): read where the frame is.
_COST = {ColumnType.TEXT: 1.0, ColumnType.DATE: 2.0}  # number columns: 3.0


def build_frame(tab: RawTab, header_row: int, header_map: HeaderMap, columns: Sequence[ColumnSettings],
                zones: Zones, *, share: Share = in_line, fingerprinted: bool = True) -> Frame:
    """Parse every mapped column by its type; see the module docstring for the result. ``share`` runs the
    pieces of the work (each column's reading): in line, or some beside (work.py).

    ``fingerprinted=False``: FINGERPRINT is left out, for the caller to add (``frame.row_fingerprints()``); a
    cycle has them made beside name matching (app/pipeline.py)."""
    typed = raw_columns(tab.rows, header_row, header_map)
    raw, merged = _merged(typed, tab, header_map, columns)
    read = [c for c in columns if c.key in raw.columns and c.type is not ColumnType.IGNORED]
    # what a row's fingerprint hashes: its cells as typed, before merged cells fill them (a row's identity in the
    # history does not change when someone merges or unmerges cells around it), in the campaign's column order
    hashed = [k for k in typed.columns if k in {c.key for c in read}]
    rows = len(raw)
    pieces: list[Task[Any]] = [
        Task(partial(read_column, c, raw[c.key], header_map.headers[c.key], zones, tab, header_map.positions[c.key]),
             rows * _COST.get(c.type, 3.0), movable=c.type is not ColumnType.TEXT) for c in read]
    readings: list[ColumnReading] = share(pieces)
    table = pd.DataFrame(index=raw.index)
    for reading in readings:
        for key, values in reading.values.items():
            table[key] = values
    _role_columns(table, columns)
    _weights(tab, header_map, columns, raw.index, table)
    if tab.coverage:
        table[COVERAGE] = pd.Series([tab.coverage[r - 1] if r - 1 < len(tab.coverage) else None for r in raw.index],
                                    index=raw.index, dtype=object)
    _mark_blank(table, read, readings, _numbering_rows(tab.rows[header_row:], rows))
    table[PROBLEMS] = pd.Series(_per_row([p for r in readings for p in r.problems], rows), index=raw.index,
                                dtype=object)
    notes = [n for r in readings for n in r.notes] + _merge_notes(merged, header_map, raw.index)
    table[NOTES] = pd.Series(_per_row(notes, rows), index=raw.index, dtype=object)
    typed_cells = {c.key: reading.typed for c, reading in zip(read, readings, strict=True)}
    # the pieces, when the columns were read as typed (no copy of the cells, 11 MB for 100,000 rows, is kept)
    frame = Frame(table=table, rows_read=rows,
                  typed=tuple(typed_cells[k] for k in hashed) if raw is typed else typed[hashed])
    if fingerprinted:
        table[FINGERPRINT] = frame.row_fingerprints()
    return frame


def _merged(raw: pd.DataFrame, tab: RawTab, header_map: HeaderMap, columns: Sequence[ColumnSettings]
            ) -> tuple[pd.DataFrame, dict[str, dict[int, int]]]:
    """The mapped columns with merged cells' values where a reader sees them (sheet/merges.py)."""
    if not tab.merges:
        return raw, {}
    figures = frozenset(c.key for c in columns if c.type in NUMERIC_TYPES)
    name = next((c.key for c in columns if c.role is ColumnRole.UNIT_NAME), None)
    return merged_down(raw, [Merge(*block) for block in tab.merges], header_map.positions, figures=figures,
                       name=name)


def _merge_notes(merged: Mapping[str, Mapping[int, int]], header_map: HeaderMap, index: pd.Index
                 ) -> list[list[object | None]]:
    """Per figure column, a note on each row whose figure a merged cell gave to another unit's row."""
    said = "{}: ô gộp chung với dòng {}; số liệu chỉ tính một lần, cho dòng {}"
    return [[said.format(header_map.headers[key], rows[row], rows[row]) if row in rows else None for row in index]
            for key, rows in merged.items()]


def _mark_blank(table: pd.DataFrame, read: Sequence[ColumnSettings], readings: Sequence[ColumnReading],
                numbering: npt.NDArray[np.bool_]) -> None:
    """BLANK, NAME_ONLY and TOTAL_ROW from which cells of each column read are empty."""
    rows = len(table)
    empty = np.ones(rows, dtype=bool)  # a row is blank when every cell read is empty …
    says_nothing = np.ones(rows, dtype=bool)  # … or every cell but its name and group
    named, totals = np.zeros(rows, dtype=bool), np.zeros(rows, dtype=bool)
    for column, reading in zip(read, readings, strict=True):
        empty &= reading.empty
        if column.role not in _IDENTITY:
            says_nothing &= reading.empty
        elif reading.totals is not None:  # the unit-name column
            named, totals = ~reading.empty, reading.totals  # "Tổng cộng" and its figures: the sheet's own sums
    # A name with nothing else is no report: the office's list of units typed in advance for the agencies to
    # fill in, or a section heading ("II. KHỐI TRƯỜNG HỌC"). A sheet of names alone keeps the old rule.
    blank = (says_nothing if any(c.role not in _IDENTITY for c in read) else empty) | numbering
    named &= ~numbering
    table[BLANK] = blank | totals
    table[NAME_ONLY] = blank & named & ~totals
    table[TOTAL_ROW] = totals


_COLUMN_NUMBER = re.compile(r"[(\[]?(?:[0-9]{1,2}|[A-Za-z])[)\]]?")


def _numbering_rows(rows: Sequence[Sequence[CellValue]], count: int) -> npt.NDArray[np.bool_]:
    """Of the first data ``rows`` (``count`` in all), those that number the form's columns under its header:
    "(1) (2) (3) …" or "A B 1 2 3 …", each filled cell a column letter or number, the numbers 1, 2, 3 …
    in order, at least three cells. Layout, never a report."""
    found = np.zeros(count, dtype=bool)
    for i, row in enumerate(rows[:min(5, count)]):  # the numbering sits right under the header
        cells = [_column_number(v) for v in row if v is not None and v != ""]
        if len(cells) < 3 or not all(cells):
            continue
        numbers = [int(n) for c in cells for n in re.findall(r"[0-9]+", c)]
        found[i] = len(numbers) >= 2 and numbers == list(range(1, len(numbers) + 1))
    return found


def _column_number(cell: CellValue) -> str:
    """The cell as a column number or letter ("(3)", "B"), or "" when it is anything else."""
    if isinstance(cell, int) and not isinstance(cell, bool) and 0 < cell < 100:
        return str(cell)
    text = cell.strip() if isinstance(cell, str) else ""
    return text if _COLUMN_NUMBER.fullmatch(text) else ""


def _role_columns(table: pd.DataFrame, columns: Sequence[ColumnSettings]) -> None:
    """The name, group hint and submission time under the cycle's own names, whatever their keys."""
    for role, name in ROLE_COLUMNS.items():
        column = next((c for c in columns if c.role is role and c.key in table), None)
        table[name] = table[column.key] if column is not None else None
    if DATE_ONLY not in table:
        table[DATE_ONLY] = False
