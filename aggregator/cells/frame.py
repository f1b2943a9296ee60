"""Raw tab rows → one tidy DataFrame of typed values, problems and notes. Pure.

The frame has one row per sheet data row (index = 1-based spreadsheet row number) and:
- ``typed_name``: the cleaned unit name as typed (NFC, invisible characters removed);
- one column per count key (Int64), per date key (tz-aware), per text key (str or None);
- ``problems``: tuple of (key, typed value, message) per row; ``notes``: tuple of str;
- ``blank``: True when the row has no name and no values (ignored, counted in rows_blank);
- ``fingerprint``: a stable hash of the row's content (for "first seen" history).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from aggregator.campaign import ColumnSettings
from aggregator.cells.counts import read_counts
from aggregator.cells.dates import read_dates
from aggregator.models import CellValue, ColumnType
from aggregator.sheet.headers import HeaderMap
from aggregator.textnorm import clean_text

MAX_TEXT = 2000  # longer free text is cut for outputs; the history keeps the original


@dataclass(frozen=True)
class Frame:
    table: pd.DataFrame
    rows_read: int


def _trim_trailing_blank(rows: Sequence[Sequence[CellValue]]) -> list[Sequence[CellValue]]:
    """Google drops trailing empty rows, xlsx keeps formatted ones: trim so both agree."""
    end = len(rows)
    while end and all(_is_empty(v) for v in rows[end - 1]):
        end -= 1
    return list(rows[:end])


def _is_empty(value: CellValue) -> bool:
    return value is None or (isinstance(value, str) and not clean_text(value))


def raw_columns(rows: Sequence[Sequence[CellValue]], header_row: int, header_map: HeaderMap) -> pd.DataFrame:
    """Pick the mapped columns of the data rows; index = spreadsheet row number."""
    data = _trim_trailing_blank(rows[header_row:])
    width = max((len(r) for r in data), default=0)
    width = max(width, max(header_map.positions.values(), default=-1) + 1)
    grid = pd.DataFrame([list(r) + [None] * (width - len(r)) for r in data], dtype=object)
    if grid.empty:
        grid = pd.DataFrame(columns=range(width), dtype=object)
    picked = pd.DataFrame(
        {key: grid[pos] for key, pos in header_map.positions.items()}, index=grid.index, dtype=object
    )
    picked.index = pd.RangeIndex(header_row + 1, header_row + 1 + len(picked))
    return picked


def _clean_cell(value: CellValue) -> CellValue:
    if isinstance(value, str):
        text = clean_text(value)
        return text or None
    if isinstance(value, float) and value != value:  # NaN: pandas' stand-in for an empty cell
        return None
    return value


def _text_column(cells: pd.Series) -> pd.Series:
    cleaned = cells.map(_clean_cell)
    return cleaned.map(lambda v: None if v is None or pd.isna(v) else str(v)[:MAX_TEXT]).astype(object)


def _fingerprint(values: list[object]) -> str:
    payload = json.dumps([_jsonable(v) for v in values], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:20]


def _jsonable(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _collect(found: dict[int, list[object]], column: pd.Series, make: object) -> None:
    """Gather per-row findings (problems or notes) into plain lists: one pass, no per-cell setitem."""
    present = column[column.notna()]
    for idx, message in zip(present.index, present.to_numpy(), strict=True):
        found.setdefault(int(idx), []).append(make(idx, message))  # type: ignore[operator]


def _clean_column(cells: pd.Series) -> pd.Series:
    """Clean every text cell once per distinct value (sheets repeat names and figures a lot)."""
    values = cells.to_numpy(dtype=object)
    cache = {v: _clean_cell(v) for v in set(v for v in values if isinstance(v, str))}
    cleaned = [cache[v] if isinstance(v, str) else _clean_cell(v) for v in values]
    return pd.Series(cleaned, index=cells.index, dtype=object)


def _parse_column(column: ColumnSettings, cells: pd.Series, header: str, tz: ZoneInfo, table: pd.DataFrame,
                  problems: dict[int, list[object]], notes: dict[int, list[object]]) -> None:
    def problem(idx: object, message: object) -> tuple[str, str, object]:
        return (column.key, str(cells.at[idx])[:200], message)

    if column.type is ColumnType.COUNT:
        parsed = read_counts(cells)
        table[column.key] = parsed.values
        _collect(problems, parsed.problems, problem)
        _collect(notes, parsed.notes, lambda _idx, note: f"{header}: {note}")
    elif column.type is ColumnType.DATE:
        dates = read_dates(cells, tz)
        table[column.key] = dates.values
        table[f"{column.key}__date_only"] = dates.date_only
        _collect(problems, dates.problems, problem)
    else:
        table[column.key] = _text_column(cells)


def build_frame(
    rows: Sequence[Sequence[CellValue]],
    header_row: int,
    header_map: HeaderMap,
    columns: Sequence[ColumnSettings],
    tz: ZoneInfo,
) -> Frame:
    """Parse every mapped column by its type; see the module docstring for the result."""
    raw = raw_columns(rows, header_row, header_map)
    cleaned = pd.DataFrame({k: _clean_column(raw[k]) for k in raw.columns}, index=raw.index, dtype=object)
    table = pd.DataFrame(index=raw.index)
    problems: dict[int, list[object]] = {}
    notes: dict[int, list[object]] = {}
    for column in columns:
        if column.key in raw.columns and column.type is not ColumnType.IGNORED:
            header = header_map.headers[column.key]
            _parse_column(column, cleaned[column.key], header, tz, table, problems, notes)
    table["typed_name"] = table.get("unit_name", None)
    data_cols = [k for k in raw.columns if k in {c.key for c in columns if c.type is not ColumnType.IGNORED}]
    table["blank"] = cleaned[data_cols].isna().all(axis=1) if data_cols else True
    table["problems"] = pd.Series([tuple(problems.get(int(i), ())) for i in raw.index], index=raw.index, dtype=object)
    table["notes"] = pd.Series([tuple(notes.get(int(i), ())) for i in raw.index], index=raw.index, dtype=object)
    table["fingerprint"] = [_fingerprint(list(r)) for r in raw[data_cols].itertuples(index=False)]
    return Frame(table=table, rows_read=len(raw))
