"""Raw tab rows → one tidy DataFrame of typed values, problems and notes. Pure.

The frame has one row per sheet data row (index = 1-based spreadsheet row number), one column per
mapped campaign key (Int64 for count and money, Float64 for decimal and percent, tz-aware for dates, str or
None for text), and the cycle's own columns, all named with a leading "_" (keys never start with one):
- ``TYPED_NAME``: the name as typed in the ``unit_name`` column (NFC, invisible characters removed);
- ``GROUP_HINT``: the ``group_hint`` column's text, ``SUBMITTED``/``DATE_ONLY``: the ``submitted_at`` column;
- ``PROBLEMS``: tuple of (key, typed value, message) per row; ``NOTES``: tuple of str;
- ``BLANK``: True when the row has no name and no values (ignored, counted in rows_blank);
- ``FINGERPRINT``: a stable hash of the row's content (for "first seen" history);
- ``FIRST_SEEN``/``SEEN_ORDER``: when the history first saw the row's content and its place in that order
  (set by the cycle when it keeps a history);
- ``weight_column(key)``: how many units stand behind a percent (a roll-up's child mean), when the tab says.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import repeat, zip_longest
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from aggregator.campaign import ColumnSettings
from aggregator.cells import read_numbers
from aggregator.cells.date_window import swapped, swapped_message
from aggregator.cells.dates import read_dates
from aggregator.models import NUMERIC_TYPES, CellValue, ColumnRole, ColumnType, RawTab
from aggregator.sheet.headers import HeaderMap
from aggregator.textnorm import clean_text

MAX_TEXT = 2000  # longer free text is cut for outputs; the history keeps the original
TYPED_NAME, GROUP_HINT, SUBMITTED, DATE_ONLY = "_typed_name", "_group_hint", "_submitted_at", "_date_only"
BLANK, PROBLEMS, NOTES, FINGERPRINT = "_blank", "_problems", "_notes", "_fingerprint"
MATCH, UNIT_ID = "_match", "_unit_id"  # added by the cycle once names are matched
FIRST_SEEN, SEEN_ORDER = "_first_seen", "_seen_order"  # added by the cycle from its history (when it has one)
# Text ``clean_text`` gives back unchanged, told by one regex: words of printable ASCII and precomposed
# Vietnamese letters (NFC as they are; none of them is a control, invisible or look-alike character,
# nor a byte of mojibake), separated by single spaces. Anything else goes through ``clean_text``.
_CLEAN_CHARS = "!-~ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9"
_ALREADY_CLEAN = re.compile(f"[{_CLEAN_CHARS}]+(?: [{_CLEAN_CHARS}]+)*")
ROLE_COLUMNS = {ColumnRole.UNIT_NAME: TYPED_NAME, ColumnRole.GROUP_HINT: GROUP_HINT,
                ColumnRole.SUBMITTED_AT: SUBMITTED}


def weight_column(key: str) -> str:
    return f"_n:{key}"


@dataclass(frozen=True)
class Frame:
    table: pd.DataFrame
    rows_read: int


@dataclass(frozen=True)
class Zones:
    """How to read dates: the campaign's zone, the sheet's own zone for date-times, the campaign window."""

    tz: ZoneInfo
    clock_tz: ZoneInfo | None = None  # a Google sheet's properties.timeZone; None: the campaign's zone
    window: tuple[date, date] | None = None  # (campaign start, cycle's now): dates outside may look swapped


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
    columns = _columns_upto(data, max(header_map.positions.values(), default=-1) + 1)
    empty = (None,) * len(data)
    picked = {key: pd.Series(columns[pos] if pos < len(columns) else empty, index=index, dtype=object)
              for key, pos in header_map.positions.items()}
    return pd.DataFrame(picked, index=index, dtype=object)


def _columns_upto(rows: Sequence[Sequence[CellValue]], width: int) -> list[tuple[CellValue, ...]]:
    """The first ``width`` columns of ragged rows, transposed in C (a row too short has empty cells there);
    fewer when no row is that wide."""
    return list(zip_longest(*(row[:width] for row in rows)))


def _as_text(value: object) -> str | None:
    return None if value is None or pd.isna(value) else str(value)[:MAX_TEXT]  # type: ignore[call-overload]


def _text_column(cleaned: pd.Series) -> pd.Series:
    """Already cleaned cells as text (a short text is kept as it is; a number becomes its text)."""
    texts = [v if v.__class__ is str and len(v) <= MAX_TEXT else _as_text(v) for v in cleaned.tolist()]
    return pd.Series(texts, index=cleaned.index, dtype=object)


def _jsonable(value: object) -> object:
    """What the fingerprint's JSON encoder does with a cell that is not a JSON value."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


# One encoder for every row (json.dumps with options builds a new one per call); its output is the
# fingerprint the history already holds, so it must never change.
_ENCODER = json.JSONEncoder(ensure_ascii=False, default=_jsonable)


def fingerprints(cells: pd.DataFrame) -> list[str]:
    """A stable hash of each row's content (its cells in column order), for the "first seen" history."""
    encode = _ENCODER.encode
    columns = [cells[key].tolist() for key in cells.columns]
    rows = zip(*columns, strict=True) if columns else (() for _ in range(len(cells)))
    return [hashlib.sha1(encode(list(row)).encode("utf-8")).hexdigest()[:20] for row in rows]


def _collect(found: dict[int, list[object]], messages: pd.Series, make: Callable[[object, object], object],
             cells: pd.Series | None = None) -> None:
    """Gather per-row findings (problems or notes) into plain lists: one pass, no per-cell lookup.

    ``make(cell, message)`` builds one finding; ``cell`` is the row's value in ``cells`` (None without).
    """
    present = messages[messages.notna()]
    shown = cells.reindex(present.index).tolist() if cells is not None else [None] * len(present)
    for row, message, cell in zip(present.index.tolist(), present.tolist(), shown, strict=True):
        found.setdefault(row, []).append(make(cell, message))


def _clean_column(cells: pd.Series) -> pd.Series:
    """Clean every text cell once per distinct value (sheets repeat names and figures a lot); empty → None.

    Most texts are clean already (``_ALREADY_CLEAN``): they are kept as they are without running
    ``clean_text``, which would give them back unchanged.
    """
    values = cells.to_numpy(dtype=object)
    out = values.copy()
    out[pd.isna(values)] = None  # NaN: pandas' stand-in for an empty cell
    is_text = np.fromiter(map(isinstance, values, repeat(str, len(values))), dtype=bool, count=len(values))
    codes, distinct = pd.factorize(values[is_text])
    clean = _ALREADY_CLEAN.fullmatch
    cleaned = np.array([t if clean(t) else clean_text(t) or None for t in distinct], dtype=object)
    out[is_text] = cleaned[codes]
    return pd.Series(out, index=cells.index, dtype=object)


class _Distinct:
    """A column's distinct texts (and one empty cell) for a reader, and its answers spread back over the rows.

    The cell readers answer cell by cell, and a sheet repeats "khoảng 200" or "08/11/2024" far more often
    than it varies them. Only text and empty cells are merged: 1, 1.0 and TRUE are equal in Python but
    not in a count column, so every other cell is read as it is.
    """

    def __init__(self, cells: pd.Series, *, merge: bool = True) -> None:
        """``merge=False``: every cell read on its own, with its own row."""
        self.index = cells.index
        if not merge:
            self.codes, self.cells = np.arange(len(cells)), cells
            return
        values = cells.to_numpy(dtype=object)
        kinds = np.fromiter(map(isinstance, values, repeat(str | None, len(values))), dtype=bool, count=len(values))
        others = np.flatnonzero(~kinds)
        codes, found = pd.factorize(values[kinds], use_na_sentinel=False)
        distinct = np.asarray(found, dtype=object)
        distinct[pd.isna(distinct)] = None  # factorize hands the empty cell back as NaN
        self.codes = np.empty(len(values), dtype=np.intp)
        self.codes[others] = np.arange(len(others))
        self.codes[kinds] = len(others) + codes
        self.cells = pd.Series(np.concatenate([values[others], distinct]), dtype=object)

    def spread(self, answers: pd.Series) -> pd.Series:
        """The reader's answers (one per cell read) as one per row."""
        return pd.Series(answers.array.take(self.codes), index=self.index)


def _percent_formatted(tab: RawTab, position: int, index: pd.Index) -> pd.Series | None:
    """Which cells of a percent column the sheet formats as a percentage (0.85 shown as 85%)."""
    rows = {row for row, col in tab.percent_cells if col == position}
    if not rows:
        return None
    return pd.Series([int(r) - 1 in rows for r in index], index=index, dtype=bool)


def _parse_column(column: ColumnSettings, cells: pd.Series, header: str, zones: Zones, table: pd.DataFrame,
                  found: tuple[dict[int, list[object]], dict[int, list[object]]],
                  percent_formatted: pd.Series | None = None) -> None:
    problems, notes = found

    def problem(cell: object, message: object) -> tuple[str, str, object]:
        return (column.key, str(cell)[:200], message)

    if column.type in NUMERIC_TYPES:
        # a %-formatted cell reads differently from the same value unformatted: read those row by row
        once = _Distinct(cells, merge=percent_formatted is None)
        parsed = read_numbers(column.type, once.cells, percent_formatted)
        table[column.key] = once.spread(parsed.values)
        _collect(problems, once.spread(parsed.problems), problem, cells)
        worded: dict[object, str] = {}  # one string per distinct note: "khoảng 200" recurs a lot
        _collect(notes, once.spread(parsed.notes), lambda _cell, note: worded.setdefault(note, f"{header}: {note}"))
    elif column.type is ColumnType.DATE:
        once = _Distinct(cells)
        dates = read_dates(once.cells, zones.tz, zones.clock_tz)
        values, swap_problems = _unswapped(once.spread(dates.values), cells, zones.window)
        table[column.key] = values
        if column.role is ColumnRole.SUBMITTED_AT:
            table[DATE_ONLY] = once.spread(dates.date_only)
        _collect(problems, once.spread(dates.problems), problem, cells)
        _collect(problems, swap_problems, problem, cells)
    else:
        table[column.key] = _text_column(cells)


def _unswapped(values: pd.Series, cells: pd.Series, window: tuple[date, date] | None) -> tuple[pd.Series, pd.Series]:
    """Dates that look day–month swapped become problems (value unknown) instead of silent values."""
    if window is None:
        return values, pd.Series(None, index=values.index, dtype=object)
    flips = swapped(values, *window)
    bad = flips.notna().to_numpy()
    messages = pd.Series(None, index=values.index, dtype=object)
    if bad.any():  # few by nature
        typed = cells[bad].tolist()
        messages[bad] = [swapped_message(cell, flip) for cell, flip in zip(typed, flips[bad].tolist(), strict=True)]
    return values.mask(bad), messages


def _weights(tab: RawTab, header_map: HeaderMap, columns: Sequence[ColumnSettings], index: pd.Index,
             table: pd.DataFrame) -> None:
    """A roll-up's percent cells are means of several units: keep how many, to weigh them."""
    for column in columns:
        position = header_map.positions.get(column.key)
        if column.type is ColumnType.PERCENT and position in tab.weights:
            counts = list(tab.weights[position])
            table[weight_column(column.key)] = [counts[r - 1] if r - 1 < len(counts) else 1 for r in index]


def build_frame(tab: RawTab, header_row: int, header_map: HeaderMap, columns: Sequence[ColumnSettings],
                zones: Zones) -> Frame:
    """Parse every mapped column by its type; see the module docstring for the result."""
    raw = raw_columns(tab.rows, header_row, header_map)
    data_cols = [k for k in raw.columns if k in {c.key for c in columns if c.type is not ColumnType.IGNORED}]
    cleaned = pd.DataFrame({k: _clean_column(raw[k]) for k in data_cols}, index=raw.index, dtype=object)
    table = pd.DataFrame(index=raw.index)
    problems: dict[int, list[object]] = {}
    notes: dict[int, list[object]] = {}
    for column in columns:
        if column.key in raw.columns and column.type is not ColumnType.IGNORED:
            header, position = header_map.headers[column.key], header_map.positions[column.key]
            formatted = _percent_formatted(tab, position, raw.index) if column.type is ColumnType.PERCENT else None
            _parse_column(column, cleaned[column.key], header, zones, table, (problems, notes), formatted)
    _role_columns(table, columns)
    _weights(tab, header_map, columns, raw.index, table)
    table[BLANK] = cleaned.isna().all(axis=1) if data_cols else True
    rows = raw.index.tolist()
    table[PROBLEMS] = pd.Series([tuple(problems.get(r, ())) for r in rows], index=raw.index, dtype=object)
    table[NOTES] = pd.Series([tuple(notes.get(r, ())) for r in rows], index=raw.index, dtype=object)
    table[FINGERPRINT] = fingerprints(raw[data_cols])
    return Frame(table=table, rows_read=len(raw))


def _role_columns(table: pd.DataFrame, columns: Sequence[ColumnSettings]) -> None:
    """The name, group hint and submission time under the cycle's own names, whatever their keys."""
    for role, name in ROLE_COLUMNS.items():
        column = next((c for c in columns if c.role is role and c.key in table), None)
        table[name] = table[column.key] if column is not None else None
    if DATE_ONLY not in table:
        table[DATE_ONLY] = False
