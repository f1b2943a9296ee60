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
- ``weight_column(key)``: how many units stand behind a percent (a roll-up's child mean), when the tab says.
"""

from __future__ import annotations

import hashlib
import importlib
import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat, zip_longest
from typing import cast
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt
import pandas as pd

from aggregator.campaign import ColumnSettings
from aggregator.cells import read_numbers
from aggregator.cells.date_window import as_shown, swapped, swapped_message, year_within
from aggregator.cells.dates import read_dates
from aggregator.models import NUMERIC_TYPES, CellValue, ColumnRole, ColumnType, RawTab
from aggregator.rowjson import row_encoder
from aggregator.sheet.headers import HeaderMap
from aggregator.sheet.total_rows import total_labels
from aggregator.textnorm import ALREADY_CLEAN, clean_text

MAX_TEXT = 2000  # longer free text is cut for outputs; the history keeps the original
TYPED_NAME, GROUP_HINT, SUBMITTED, DATE_ONLY = "_typed_name", "_group_hint", "_submitted_at", "_date_only"
BLANK, PROBLEMS, NOTES, FINGERPRINT = "_blank", "_problems", "_notes", "_fingerprint"
NAME_ONLY = "_name_only"  # blank but for a name (and a group): counted apart from the blank rows
TOTAL_ROW = "_total_row"  # the sheet's own total ("Tổng cộng"): ignored as BLANK is, counted apart
_IDENTITY = frozenset({ColumnRole.UNIT_NAME, ColumnRole.GROUP_HINT})  # who a row is about, not what it reports
MATCH, UNIT_ID = "_match", "_unit_id"  # added by the cycle once names are matched
FIRST_SEEN, SEEN_ORDER = "_first_seen", "_seen_order"  # added by the cycle from its history (when it has one)
# added by the office's decisions (aggregator/decisions/apply.py): settled as no unit, cells whose value the
# office confirmed (tuple of (key, typed, value)), the row pinned as its unit's
IGNORED, CONFIRMED, PINNED = "_ignored", "_confirmed", "_pinned"
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
    cells: pd.DataFrame  # the columns read, each cell as typed: what a row's fingerprint is made from


@dataclass(frozen=True)
class Zones:
    """How to read dates: the campaign's zone, the sheet's own zone for date-times, the campaign window."""

    tz: ZoneInfo
    clock_tz: ZoneInfo | None = None  # a Google sheet's properties.timeZone; None: the campaign's zone
    window: tuple[date, date] | None = None  # (campaign start, cycle's now): dates outside may look swapped
    month_first: bool = False  # the sheet shows dates month first (its locale, e.g. en_US)


def _trim_trailing_blank(rows: Sequence[Sequence[CellValue]]) -> list[Sequence[CellValue]]:
    """Google drops trailing empty rows, xlsx keeps formatted ones: trim so both agree."""
    end = len(rows)
    while end and all(_is_empty(v) for v in rows[end - 1]):
        end -= 1
    return list(rows[:end])


def _is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def raw_columns(rows: Sequence[Sequence[CellValue]], header_row: int, header_map: HeaderMap) -> pd.DataFrame:
    """Pick the mapped columns of the data rows (never the whole grid); index = spreadsheet row number."""
    data = _trim_trailing_blank(rows[header_row:])
    index = pd.RangeIndex(header_row + 1, header_row + 1 + len(data))
    keys, positions = list(header_map.positions), list(header_map.positions.values())
    grid = _grid(data, max(positions, default=-1) + 1)
    # one line per column, each laid out in one piece (what the frame's column readers walk); a mapped column
    # no row reaches (beyond the grid) stays all None
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


def _as_text(value: object) -> str | None:
    # pandas-stubs' pd.isna takes no plain object (pandas does: NaN, NaT and pd.NA are empty cells)
    return None if value is None or pd.isna(value) else str(value)[:MAX_TEXT]  # type: ignore[call-overload]


def _texts(cleaned: list[object]) -> list[str | None]:
    """Already cleaned cells as text (a short text is kept as it is; a number becomes its text)."""
    return [v if v.__class__ is str and len(v) <= MAX_TEXT else _as_text(v) for v in cleaned]


def _jsonable(value: object) -> object:
    """What the fingerprint's JSON encoder does with a cell that is not a JSON value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# its output is what the fingerprints the history already holds were hashed from: it must never change
_ENCODE_ROW = row_encoder(_jsonable)


def fingerprints(cells: pd.DataFrame) -> list[str]:
    """A stable hash of each row's content (its cells in column order), for the "first seen" history."""
    encode = _ENCODE_ROW
    columns = [cells[key].tolist() for key in cells.columns]
    rows = zip(*columns, strict=True) if columns else (() for _ in range(len(cells)))
    return [hashlib.sha1(encode(row).encode("utf-8")).hexdigest()[:20] for row in rows]  # a tuple: a JSON list


def _per_row(findings: Sequence[list[object | None] | None], rows: int) -> list[tuple[object, ...]]:
    """Each row's findings (problems or notes) from every column's (None: nothing), in column order."""
    present = [column for column in findings if column is not None]
    if not present:
        return [()] * rows
    # a finding is a non-empty text or tuple, never false: filter(None) keeps the findings, in C
    return [tuple(filter(None, row)) for row in zip(*present, strict=True)]


class _Column:
    """One column's cells, cleaned, with each distinct text read once.

    ``codes`` gives every row its entry in ``cells``: the cleaned text of each distinct typed text
    (sheets repeat names, "khoảng 200" and "08/11/2024" far more often than they vary them), one
    empty cell, each distinct plain int, and every other cell on its own: 1, 1.0 and TRUE are equal
    in Python but not in a count column. ``clean_text`` runs once per distinct text, and not at all
    on text it would give back unchanged (``textnorm.ALREADY_CLEAN``). Readers answer once per entry; the
    answers are spread back over the rows by code.
    """

    def __init__(self, raw: pd.Series, *, merge: bool = True) -> None:
        """``merge=False``: every cell is an entry of its own, at its own row (``cells`` keeps the index)."""
        self.index = raw.index
        values = raw.to_numpy(dtype=object)
        # one hash pass: equal cells share a code, an empty cell (None, NaN) gets -1
        codes, found = pd.factorize(values)
        found = np.asarray(found, dtype=object)
        is_text = np.fromiter(map(isinstance, found, repeat(str, len(found))), dtype=bool, count=len(found))
        clean = ALREADY_CLEAN.fullmatch
        cleaned = [t if clean(t) else clean_text(t) or None for t in found[is_text].tolist()]
        # entries: the cleaned distinct texts, the empty cell, each distinct plain int (typed numbers repeat
        # too; an int reads the same as an equal int), then every other cell on its own
        entry = np.append(np.cumsum(is_text) - 1, len(cleaned))  # a text's entry; -1 (empty) → the empty cell
        others = np.flatnonzero(~np.append(is_text, True)[codes])
        plain_int = np.fromiter(map(operator.is_, map(type, values[others].tolist()), repeat(int)), dtype=bool,
                                count=len(others))  # type(v) is int (not a bool), in C
        ints, rest = others[plain_int], others[~plain_int]
        _, first, which = np.unique(codes[ints], return_index=True, return_inverse=True)  # equal codes: equal ints
        self.codes: npt.NDArray[np.intp] = entry[codes]
        self.codes[ints] = len(cleaned) + 1 + which
        self.codes[rest] = len(cleaned) + 1 + len(first) + np.arange(len(rest))
        distinct = np.concatenate([np.array([*cleaned, None], dtype=object), values[ints[first]], values[rest]])
        self.cells = pd.Series(distinct, dtype=object)
        if not merge:
            self.cells = pd.Series(distinct[self.codes], index=self.index, dtype=object)
            self.codes = np.arange(len(values))

    def cleaned(self) -> pd.Series:
        """Every row's cleaned cell (None when empty)."""
        return pd.Series(self.cells.to_numpy(dtype=object)[self.codes], index=self.index, dtype=object)

    def empty(self) -> np.ndarray:
        """Which rows' cells are empty once cleaned."""
        return np.array([cell is None for cell in self.cells.tolist()], dtype=bool)[self.codes]

    def spread(self, answers: pd.Series) -> pd.Series:
        """The reader's answers (one per entry of ``cells``) as one per row."""
        return pd.Series(answers.array.take(self.codes), index=self.index, dtype=answers.dtype)

    def per_row(self, findings: Sequence[object | None]) -> list[object | None] | None:
        """Findings made once per entry of ``cells`` (None: nothing), one per row; None when there are none."""
        if findings.count(None) == len(findings):
            return None
        made = np.fromiter(findings, dtype=object, count=len(findings))  # a finding may be a tuple: kept whole
        per_row: list[object | None] = made.take(self.codes).tolist()
        return per_row


def _percent_formatted(tab: RawTab, position: int, index: pd.Index) -> pd.Series | None:
    """Which cells of a percent column the sheet formats as a percentage (0.85 shown as 85%)."""
    rows = {row for row, col in tab.percent_cells if col == position}
    if not rows:
        return None
    return pd.Series([int(r) - 1 in rows for r in index], index=index, dtype=bool)


Findings = list[list[object | None] | None]  # per column: one finding or None per row (None: nothing at all)


def _parse_column(column: ColumnSettings, cells: _Column, header: str, zones: Zones, table: pd.DataFrame,
                  percent_formatted: pd.Series | None = None) -> tuple[Findings, Findings]:
    """Read one column into ``table``; its problems and notes, one finding (or None) per row."""
    if column.type in NUMERIC_TYPES:
        parsed = read_numbers(column.type, cells.cells, percent_formatted)
        table[column.key] = cells.spread(parsed.values)
        worded = [f"{header}: {note}" if isinstance(note, str) else None for note in parsed.notes.tolist()]
        return [cells.per_row(_problems(column.key, cells.cells, parsed.problems))], [cells.per_row(worded)]
    if column.type is ColumnType.DATE:
        year_of = year_within(*zones.window) if zones.window is not None else None  # "8/11": the campaign's year
        dates = read_dates(cells.cells, zones.tz, zones.clock_tz, year_of)
        values, swaps = _unswapped(column.key, cells.spread(dates.values), cells, zones)
        table[column.key] = values
        if column.role is ColumnRole.SUBMITTED_AT:
            table[DATE_ONLY] = cells.spread(dates.date_only)
        parsed_problems = cells.per_row(_problems(column.key, cells.cells, dates.problems))
        return [parsed_problems, *([swaps] if swaps is not None else [])], []
    table[column.key] = cells.spread(pd.Series(_texts(cells.cells.tolist()), dtype=object))
    return [], []


def _problems(key: str, cells: pd.Series, messages: pd.Series) -> list[object | None]:
    """(key, the cell as typed, message) where a message says what is wrong with the cell, else None."""
    said = messages.tolist()
    if said.count(None) == len(said):
        return said
    return [(key, str(cell)[:200], message) if isinstance(message, str) else None
            for cell, message in zip(cells.tolist(), said, strict=True)]


def _unswapped(key: str, values: pd.Series, column: _Column, zones: Zones
               ) -> tuple[pd.Series, list[object | None] | None]:
    """Dates that look day–month swapped become problems (value unknown) instead of silent values: the values,
    and each row's problem (None when no date looks swapped), quoting the cell as the sheet shows it (a date
    the sheet stored, not typed text, written in the sheet's order: never a serial number)."""
    flips = swapped(values, *zones.window) if zones.window is not None else None
    bad = flips.notna().to_numpy() if flips is not None else np.zeros(len(values), dtype=bool)
    if flips is None or not bad.any():  # few by nature
        return values, None
    shown = column.cleaned()
    shown[bad] = [as_shown(cell, day, zones.month_first)
                  for cell, day in zip(shown[bad].tolist(), values[bad].dt.date.tolist(), strict=True)]
    messages = pd.Series(None, index=values.index, dtype=object)
    messages[bad] = [swapped_message(text, flip) for text, flip in zip(shown[bad].tolist(), flips[bad].tolist(),
                                                                      strict=True)]
    return values.mask(bad), _problems(key, shown, messages)


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


def build_frame(tab: RawTab, header_row: int, header_map: HeaderMap, columns: Sequence[ColumnSettings],
                zones: Zones, *, fingerprinted: bool = True) -> Frame:
    """Parse every mapped column by its type; see the module docstring for the result.

    ``fingerprinted=False``: FINGERPRINT is left out, for the caller to add (``fingerprints(frame.cells)``);
    a cycle has them made beside it (app/pipeline.py)."""
    raw = raw_columns(tab.rows, header_row, header_map)
    read = [c for c in columns if c.key in raw.columns and c.type is not ColumnType.IGNORED]
    table = pd.DataFrame(index=raw.index)
    problems: Findings = []
    notes: Findings = []
    empty = np.ones(len(raw), dtype=bool)  # a row is blank when every cell read is empty …
    says_nothing = np.ones(len(raw), dtype=bool)  # … or every cell but its name and group
    named = np.zeros(len(raw), dtype=bool)
    names: _Column | None = None  # the unit-name column's cells (a text column when read)
    for column in read:
        header, position = header_map.headers[column.key], header_map.positions[column.key]
        formatted = _percent_formatted(tab, position, raw.index) if column.type is ColumnType.PERCENT else None
        # a %-formatted cell reads differently from the same value unformatted: read those row by row
        cells = _Column(raw[column.key], merge=formatted is None)
        found = _parse_column(column, cells, header, zones, table, formatted)
        problems += found[0]
        # a roll-up's percent is a child's computed mean (0,8 is 0,8 %): notes addressed to a typist do not apply
        notes += found[1] if position not in tab.weights else []
        cell_empty = cells.empty()
        empty &= cell_empty
        if column.role not in _IDENTITY:
            says_nothing &= cell_empty
        elif column.role is ColumnRole.UNIT_NAME:
            named, names = ~cell_empty, cells
    _role_columns(table, columns)
    _weights(tab, header_map, columns, raw.index, table)
    # A name with nothing else is no report: the office's list of units typed in advance for the agencies to
    # fill in, or a section heading ("II. KHỐI TRƯỜNG HỌC"). A sheet of names alone keeps the old rule.
    numbering = _numbering_rows(tab.rows[header_row:], len(raw))
    blank = (says_nothing if any(c.role not in _IDENTITY for c in read) else empty) | numbering
    totals = _total_rows(names, len(raw))  # "Tổng cộng" and its figures: the sheet's own sums, no report
    named &= ~numbering
    table[BLANK] = blank | totals
    table[NAME_ONLY] = blank & named & ~totals
    table[TOTAL_ROW] = totals
    table[PROBLEMS] = pd.Series(_per_row(problems, len(raw)), index=raw.index, dtype=object)
    table[NOTES] = pd.Series(_per_row(notes, len(raw)), index=raw.index, dtype=object)
    as_typed = raw[[k for k in raw.columns if k in {c.key for c in read}]]
    if fingerprinted:
        table[FINGERPRINT] = fingerprints(as_typed)
    return Frame(table=table, rows_read=len(raw), cells=as_typed)


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


def _total_rows(names: _Column | None, rows: int) -> npt.NDArray[np.bool_]:
    """Rows whose name cell (as TYPED_NAME holds it) is a total's label (sheet/total_rows.py), each distinct
    name read once."""
    if names is None:
        return np.zeros(rows, dtype=bool)
    return np.array(total_labels(_texts(names.cells.tolist())), dtype=bool)[names.codes]


def _role_columns(table: pd.DataFrame, columns: Sequence[ColumnSettings]) -> None:
    """The name, group hint and submission time under the cycle's own names, whatever their keys."""
    for role, name in ROLE_COLUMNS.items():
        column = next((c for c in columns if c.role is role and c.key in table), None)
        table[name] = table[column.key] if column is not None else None
    if DATE_ONLY not in table:
        table[DATE_ONLY] = False
