"""Date cells read the Vietnamese way (CONTRACT §3, "Dates"), vectorised. Pure.

Every reader below turns its cells into *parts* (year …
microsecond, UTC offset, has-time, problem code) and one vectorised step validates and assembles them,
so 31/02 is rejected the same way whether it came from "31/02/2024", "ngày 31 tháng 2 năm 2024" or an
ISO string.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from operator import attrgetter, methodcaller
from typing import Any

import numpy as np
import pandas as pd

from aggregator.cells.primitives import (
    MAX_CELL_CHARS,
    CellKind,
    as_objects,
    cell_kinds,
    clean_texts,
    fold,
    has_control,
    objects_or_none,
    per_unique,
    quote,
    shown,
    typed_numbers,
)
from aggregator.timeofday import find_clock

YearOf = Callable[[int, int], "int | None"]  # (month, day) typed without a year → the year meant, if any


@dataclass(frozen=True)
class DateColumn:
    values: pd.Series  # datetime64[ns, tz]; NaT when empty or a problem
    date_only: pd.Series  # bool: no time of day was given (the cell counts as that whole day)
    problems: pd.Series  # object: None or a Vietnamese message


class DateProblem(StrEnum):
    UNREADABLE = "unreadable"
    SEVERAL = "several"
    YEAR = "year"
    NO_SUCH_DAY = "no_such_day"
    TIME = "time"
    TOO_LONG = "too_long"
    CONTROL = "control"
    BOOL = "bool"
    NO_YEAR = "no_year"


_EXAMPLE = "Hãy ghi theo dạng ngày/tháng/năm, ví dụ 08/11/2024 hoặc 08/11/2024 14:30."
_DATE_MESSAGES = {
    DateProblem.UNREADABLE: "Không đọc được ngày {v}. " + _EXAMPLE,
    DateProblem.SEVERAL: "Ô ghi nhiều hơn một ngày ({v}). Hãy chỉ ghi một ngày, ví dụ 08/11/2024.",
    DateProblem.YEAR: "Năm của ngày {v} nằm ngoài khoảng 2000–2100. Hãy ghi đủ năm, ví dụ 08/11/2024.",
    DateProblem.NO_SUCH_DAY: "Ngày {v} không có thật (ngày ghi trước, tháng ghi sau). " + _EXAMPLE,
    DateProblem.TIME: "Giờ trong {v} không hợp lệ. Hãy ghi giờ từ 00:00 đến 23:59, ví dụ 08/11/2024 14:30.",
    DateProblem.TOO_LONG: "Ô quá dài để là một ngày ({v}). " + _EXAMPLE,
    DateProblem.CONTROL: "Ô có ký tự điều khiển không in được ({v}). Hãy xóa ô rồi gõ lại, ví dụ 08/11/2024.",
    DateProblem.BOOL: "Ô đang là ô đánh dấu ({v}), không phải ngày. " + _EXAMPLE,
    DateProblem.NO_YEAR: "Ngày {v} không ghi năm và không rơi vào thời gian của đợt báo cáo. " + _EXAMPLE,
}

PARTS = ["year", "month", "day", "hour", "minute", "second", "us", "offset"]  # offset: minutes east of UTC
_COLUMNS = [*PARTS, "has_time", "code"]
_CLOCK = ["hour", "minute", "second", "us"]
_SERIAL_EPOCH = pd.Timestamp("1899-12-30")  # Sheets/Excel day 0 (google-sheets-api.md §7.1)
# 2000-01-01 .. 2101-01-01; serials outside never reach timedelta arithmetic (ns overflows ~292 years).
_SERIAL_MIN, _SERIAL_MAX = 36526.0, 73416.0
_SERIAL_FAR = 2958466  # 9999-12-31: the last day a Python datetime holds
_YEAR_MIN, _YEAR_MAX = 2000, 2100
_MAX_OFFSET_MINUTES = 18 * 60

_DMY = (  # 08/11/2024, 8-11-2024, 08.11.2024 14:30[:05]: the bulk of typed dates, read column-wide
    r"(?P<day>[0-9]{1,2})[/.-](?P<month>[0-9]{1,2})[/.-](?P<year>[0-9]{4})"
    r"(?:(?:[ ,]+|t)(?P<hour>[0-9]{1,2})[:h](?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?)?"
)
_YMD = (  # ISO 8601 and 2024/11/08, optionally with a time, fraction and offset
    r"(?P<year>[0-9]{4})[/.-](?P<month>[0-9]{1,2})[/.-](?P<day>[0-9]{1,2})"
    r"(?:[ t](?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,](?P<frac>[0-9]{1,6}))?)?"
    r"\s?(?P<tz>z|[+-][0-9]{2}(?::?[0-9]{2})?)?)?"
)
_SERIAL_TEXT = r"[0-9]{5}(?:[.,][0-9]+)?"  # a serial number that arrived as text


def read_dates(cells: pd.Series, tz: zoneinfo.ZoneInfo, clock_tz: zoneinfo.ZoneInfo | None = None,
               year_of: YearOf | None = None) -> DateColumn:
    """Read a date column into instants in ``tz``; naive values are wall-clock times in ``tz``.

    ``year_of`` gives the year of a day and month typed without one ("8/11", "ngày 8 tháng 11";
    date_window.year_within: the year inside the campaign window); without it such a text is a problem.

    ``clock_tz`` is where naive date-TIMES were typed (a Google sheet's own time zone, CONTRACT §3), when it
    differs from ``tz``; date-only values are calendar dates and are never shifted.

    >>> col = read_dates(pd.Series(["05/11/2024", 45604.5, None]), zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh"))
    >>> col.values.tolist()  # 5 November (day first, always); serial 45604.5 is 08/11/2024 12:00
    [Timestamp('2024-11-05 00:00:00+0700', ...), Timestamp('2024-11-08 12:00:00+0700', ...), NaT]
    >>> col.date_only.tolist(), col.problems.tolist()
    ([True, False, False], [None, None, None])
    """
    objects = as_objects(cells)
    kinds = cell_kinds(objects)
    parts = _blank_parts(len(objects))
    for kind, reader in _READERS.items():
        rows = kinds == kind
        if rows.any():
            for piece in (_from_texts(objects[rows], year_of) if kind is CellKind.TEXT else reader(objects[rows])):
                _put(parts, piece)
    parts["code"][kinds == CellKind.BOOL] = DateProblem.BOOL
    parts["code"][kinds == CellKind.OTHER] = DateProblem.UNREADABLE
    values, codes = _assemble(parts, tz, clock_tz)
    date_only = ~parts["has_time"] & values.notna().to_numpy()
    return DateColumn(
        values=values.set_axis(cells.index),
        date_only=pd.Series(date_only, index=cells.index, dtype=bool),
        problems=pd.Series(_date_messages(codes, objects, parts), index=cells.index, dtype=object),
    )


def _blank_parts(length: int) -> dict[str, np.ndarray]:
    parts = {name: np.full(length, np.nan) for name in PARTS}
    parts["has_time"] = np.zeros(length, dtype=bool)
    parts["code"] = np.full(length, None, dtype=object)
    return parts


def _put(parts: dict[str, np.ndarray], piece: pd.DataFrame) -> None:
    """Write a reader's rows (indexed by position) into the column-wide arrays."""
    rows = piece.index.to_numpy(dtype=np.intp)
    for name in PARTS:
        parts[name][rows] = piece[name].to_numpy(dtype=float)
    parts["has_time"][rows] = piece["has_time"].to_numpy(dtype=bool)
    parts["code"][rows] = objects_or_none(piece["code"])


def _from_datetimes(cells: pd.Series) -> Iterator[pd.DataFrame]:
    """datetime objects (openpyxl, callers): wall-clock parts plus the offset of aware ones."""
    fields = attrgetter("year", "month", "day", "hour", "minute", "second", "microsecond")
    piece = pd.DataFrame(cells.map(fields).tolist(), index=cells.index, columns=PARTS[:7], dtype=float)
    offsets = pd.to_timedelta(cells.map(methodcaller("utcoffset")).to_numpy(dtype=object))
    piece["offset"] = offsets.total_seconds().to_numpy() / 60
    ticking = piece[_CLOCK].to_numpy().any(axis=1)
    # openpyxl hands a plain date cell over as a midnight datetime: that is a date without a time.
    piece["has_time"] = ticking | piece["offset"].notna().to_numpy()
    piece["code"] = None
    yield piece


def _from_dates(cells: pd.Series) -> Iterator[pd.DataFrame]:
    """datetime.date objects: a whole day."""
    fields = attrgetter("year", "month", "day")
    piece = pd.DataFrame(cells.map(fields).tolist(), index=cells.index, columns=PARTS[:3], dtype=float)
    piece[_CLOCK] = 0.0
    piece["offset"] = np.nan
    piece["has_time"] = False
    piece["code"] = None
    yield piece


def _from_serials(days: pd.Series) -> Iterator[pd.DataFrame]:
    """Spreadsheet serials (days since 1899-12-30, fraction = time of day): 45604.5 → 08/11/2024 12:00."""
    number = typed_numbers(days)
    usable = np.isfinite(number) & (number >= _SERIAL_MIN) & (number < _SERIAL_MAX)
    offset = pd.to_timedelta(np.where(usable, number, _SERIAL_MIN), unit="D")
    # Round to the millisecond: a float day can't hold 14:30:00 exactly (it reads …:59.99999).
    wall = pd.Series(_SERIAL_EPOCH + offset, index=days.index).dt.round("ms")
    accessor = wall.dt
    fields = (accessor.year, accessor.month, accessor.day, accessor.hour, accessor.minute, accessor.second)
    piece = pd.DataFrame(dict(zip(PARTS, fields, strict=False)), dtype=float)
    piece["us"] = accessor.microsecond.astype(float)
    piece["offset"] = np.nan
    piece["has_time"] = (wall != accessor.normalize()).to_numpy(dtype=bool)
    code = np.full(len(number), None, dtype=object)
    code[~usable] = DateProblem.UNREADABLE
    code[~usable & np.isfinite(number) & (number > 0)] = DateProblem.YEAR  # a real day, outside 2000–2100
    piece["code"] = code
    piece.loc[~usable, PARTS] = np.nan
    yield piece


def _from_texts(texts: pd.Series, year_of: YearOf | None = None) -> Iterator[pd.DataFrame]:
    """Text: the common forms by regex over the column, the rest once per distinct text."""
    clean = clean_texts(texts).str.lower()
    todo = clean[clean != ""]  # empty text is an empty cell: no parts, no problem
    for pattern in (_DMY, _YMD):
        found = _extract(todo, pattern)
        yield found
        todo = todo.drop(index=found.index)
    serial = todo.str.fullmatch(_SERIAL_TEXT, na=False)
    if serial.any():
        yield from _from_serials(todo[serial].str.replace(",", ".", regex=False))
        todo = todo[~serial]
    if len(todo):
        yield per_unique(todo, lambda text: _date_text_parts(text, year_of), _COLUMNS)


def _extract(texts: pd.Series, pattern: str) -> pd.DataFrame:
    """Rows of ``texts`` that are exactly ``pattern``, as parts."""
    found = texts.str.extract(f"^(?:{pattern})$")
    found = found[found["year"].notna()]
    piece = pd.DataFrame(index=found.index)
    for name in PARTS[:6]:
        piece[name] = pd.to_numeric(found[name]).to_numpy(dtype=float) if name in found else np.nan
    piece["has_time"] = piece["hour"].notna()
    piece[["hour", "minute", "second"]] = piece[["hour", "minute", "second"]].fillna(0.0)
    fraction: pd.Series = found["frac"] if "frac" in found else pd.Series(np.nan, index=found.index, dtype=object)
    piece["us"] = pd.to_numeric(fraction.str.ljust(6, "0")).fillna(0.0).to_numpy(dtype=float)
    zone = found["tz"] if "tz" in found else pd.Series(np.nan, index=found.index, dtype=object)
    piece["offset"] = _offset_minutes(zone)
    piece["code"] = None
    return piece


def _offset_minutes(zone: pd.Series) -> np.ndarray:
    """Minutes east of UTC: z → 0, +07:00/+0700/+07 → 420, none → NaN (wall-clock time in the campaign tz)."""
    split = zone.str.extract("^(?P<sign>[+-])(?P<hh>[0-9]{2}):?(?P<mm>[0-9]{2})?$")
    sign = np.where(split["sign"] == "-", -1.0, 1.0)
    minutes = pd.to_numeric(split["hh"]) * 60 + pd.to_numeric(split["mm"]).fillna(0)
    return np.where(zone == "z", 0.0, sign * minutes.to_numpy(dtype=float))


# Free text, once per distinct value, on folded text ("Ngày 8 tháng 11" → "ngay 8 thang 11").
_ANY_DATE = re.compile(
    r"(?<![0-9])(?:(?P<iy>[0-9]{4})[/.-](?P<im>[0-9]{1,2})[/.-](?P<id>[0-9]{1,2})"
    r"|(?P<d>[0-9]{1,2})\s*[/.-]\s*(?P<m>[0-9]{1,2})\s*[/.-]\s*(?P<y>[0-9]{4}|[0-9]{2})"
    r"|(?P<vd>[0-9]{1,2})\s*thang\s*(?P<vm>[0-9]{1,2})\s*(?:nam|,|/|-)?\s*(?P<vy>[0-9]{4}))(?![0-9])"
)
_DAY_MONTH = re.compile(  # 8/11, 08-11, 8.11, "8 thang 11": no year (and no time's colon after)
    r"(?<![0-9:.,/-])(?:(?P<d>[0-9]{1,2})\s*[/.-]\s*(?P<m>[0-9]{1,2})|(?P<vd>[0-9]{1,2})\s*thang\s*(?P<vm>[0-9]{1,2}))"
    r"(?![0-9:]|\s*[/.-]\s*[0-9])"
)
_MONTH_NAMES = ("january|jan", "february|feb", "march|mar", "april|apr", "may", "june|jun", "july|jul",
                "august|aug", "september|sept|sep", "october|oct", "november|nov", "december|dec")
_MONTH = {name: number for number, names in enumerate(_MONTH_NAMES, start=1) for name in names.split("|")}
_NAME = "|".join(sorted(_MONTH, key=len, reverse=True))
_VIETNAMESE_MONTH = re.compile(r"(?<![a-z])thang\s*[0-9]{1,2}(?![0-9])")  # "tháng 11", folded
# A month named in English, as an English-language system or sheet writes dates ("05-Nov-2024", "Nov 5, 2024",
# "Tue, 05 Nov 2024 14:30"): unambiguous, so read, written as a day-first date.
_NAMED_MONTH = re.compile(
    rf"(?<![0-9a-z])(?:(?P<d>[0-9]{{1,2}})(?:st|nd|rd|th)?[\s-]*(?P<mon>{_NAME})\.?(?:[\s,-]+(?P<y>[0-9]{{4}}|[0-9]{{2}}))?"
    rf"|(?P<mon2>{_NAME})\.?\s+(?P<d2>[0-9]{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<y2>[0-9]{{4}}))?)(?![0-9a-z])"
)


def names_its_month(text: str) -> bool:
    """Whether a date typed as text names its month ("08-Nov-2024", "ngày 8 tháng 11"): it cannot be one whose
    day and month a month-first sheet swapped (date_window.py)."""
    folded = fold(text)
    return _NAMED_MONTH.search(folded) is not None or _VIETNAMESE_MONTH.search(folded) is not None


def _day_first(found: re.Match[str]) -> str:
    """A date with its month named in English, as day/month[/year]."""
    day, month, year = found["d"] or found["d2"], _MONTH[found["mon"] or found["mon2"]], found["y"] or found["y2"]
    return f"{day}/{month}/{year}" if year else f"{day}/{month}"


def _date_text_parts(text: str, year_of: YearOf | None = None) -> tuple[Any, ...]:
    """Any text holding exactly one date, and maybe a time: "Ngày 08/11/2024 (bổ sung)", "14h30 8/11/2024";
    with ``year_of``, also a day and month alone ("8/11", "14h30 ngày 8 tháng 11").

    >>> _date_text_parts("ngày 8 tháng 11 năm 2024")[:3]
    (2024, 11, 8)
    """
    if len(text) > MAX_CELL_CHARS:
        return _failed(DateProblem.TOO_LONG)
    if has_control(text):
        return _failed(DateProblem.CONTROL)
    folded = _NAMED_MONTH.sub(_day_first, fold(text))
    dates = list(_ANY_DATE.finditer(folded))
    if not dates and year_of is not None:
        return _without_year(folded, year_of)
    if len(dates) != 1:
        return _failed(DateProblem.SEVERAL if dates else DateProblem.UNREADABLE)
    found = dates[0]
    year, month, day = (
        (found["iy"], found["im"], found["id"])
        if found["iy"]
        else (found["y"], found["m"], found["d"])
        if found["d"]
        else (found["vy"], found["vm"], found["vd"])
    )
    # "08/11/24": a two-digit year in a 2024 campaign is 2024, never 1924.
    return _parts(int(year) + 2000 if len(year) == 2 else int(year), int(month), int(day), folded, found)


def _without_year(folded: str, year_of: YearOf) -> tuple[Any, ...]:
    dates = list(_DAY_MONTH.finditer(folded))
    if len(dates) != 1:
        return _failed(DateProblem.SEVERAL if dates else DateProblem.UNREADABLE)
    found = dates[0]
    day, month = int(found["d"] or found["vd"]), int(found["m"] or found["vm"])
    year = year_of(month, day) if 1 <= month <= 12 else None
    if year is None:
        return _failed(DateProblem.NO_YEAR)
    return _parts(year, month, day, folded, found)


def _parts(year: int, month: int, day: int, folded: str, found: re.Match[str]) -> tuple[Any, ...]:
    """The date found in ``folded`` and the time of day beside it, if any, as parts."""
    clock = find_clock(folded[: found.start()] + " " + folded[found.end() :])
    return (year, month, day, *(clock[0] if clock else (0, 0, 0, 0)), np.nan, clock is not None, None)


def _failed(code: DateProblem) -> tuple[Any, ...]:
    return (*[np.nan] * len(PARTS), False, code)


_READERS: dict[CellKind, Callable[[pd.Series], Iterator[pd.DataFrame]]] = {
    CellKind.TEXT: _from_texts,
    CellKind.NUMBER: _from_serials,
    CellKind.DATETIME: _from_datetimes,
    CellKind.DATE: _from_dates,
}


def _localize(wall: pd.Series, tz: zoneinfo.ZoneInfo) -> pd.Series:
    # Campaign zones have no DST; elsewhere take the first of a repeated hour and skip the missing one.
    local: pd.Series = wall.dt.tz_localize(tz, ambiguous=np.ones(len(wall), dtype=bool), nonexistent="shift_forward")
    return local


def _assemble(parts: dict[str, np.ndarray], tz: zoneinfo.ZoneInfo,
              clock_tz: zoneinfo.ZoneInfo | None = None) -> tuple[pd.Series, np.ndarray]:
    """Validate parts column-wide and build instants in ``tz``; returns (values, problem codes)."""
    codes, ok = _check(parts)
    calendar = pd.DataFrame({name: np.where(ok, parts[name], np.nan) for name in ("year", "month", "day")})
    midnight = pd.to_datetime(calendar, errors="coerce")  # 31/02 and month 13 become NaT here
    codes[ok & midnight.isna().to_numpy()] = DateProblem.NO_SUCH_DAY
    seconds = np.nan_to_num(parts["hour"] * 3600 + parts["minute"] * 60 + parts["second"])
    clock = pd.to_timedelta(seconds, unit="s") + pd.to_timedelta(np.nan_to_num(parts["us"]), unit="us")
    wall = (midnight + clock).dt.as_unit("ns")
    local = _localize(wall, tz)
    if clock_tz is not None and clock_tz != tz and parts["has_time"].any():  # typed in the sheet's own zone
        local = _localize(wall, clock_tz).dt.tz_convert(tz).where(parts["has_time"], local)
    offset = parts["offset"]
    shifted = wall - pd.to_timedelta(np.nan_to_num(offset), unit="min")
    aware = shifted.dt.tz_localize("UTC").dt.tz_convert(tz)
    return local.where(np.isnan(offset), aware), codes


def _check(parts: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Problem codes for years outside 2000–2100 and impossible clocks; and the rows still fine."""
    codes = parts["code"].copy()
    year = parts["year"]
    pending = ~np.isnan(year) & pd.isna(codes)
    bad_year = pending & ((year < _YEAR_MIN) | (year > _YEAR_MAX))
    bad_clock = (parts["hour"] > 23) | (parts["minute"] > 59) | (parts["second"] > 59)
    bad_clock = (bad_clock | (np.abs(parts["offset"]) > _MAX_OFFSET_MINUTES)) & pending & ~bad_year
    codes[bad_year] = DateProblem.YEAR
    codes[bad_clock] = DateProblem.TIME
    return codes, pending & ~bad_year & ~bad_clock


def _date_messages(codes: np.ndarray, cells: pd.Series, parts: dict[str, np.ndarray]) -> np.ndarray:
    """Vietnamese messages for the problem rows only (few by nature), None elsewhere."""
    messages = np.full(len(codes), None, dtype=object)
    for row in np.flatnonzero(~pd.isna(codes)).tolist():
        messages[row] = _DATE_MESSAGES[codes[row]].format(v=quote(_shown(cells.iloc[row], parts, row)))
    return messages


def _shown(value: Any, parts: dict[str, np.ndarray], row: int) -> str:
    """A serial as the date it stands for (the agency never saw 36000, only 24/07/1998)."""
    if isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool | np.bool_):
        if not np.isnan(parts["year"][row]):
            day, month, year = (int(parts[name][row]) for name in ("day", "month", "year"))
            return f"{day:02d}/{month:02d}/{year}"
        # an int may be beyond any float (10**400 typed in an xlsx cell): compared as it is, never converted first
        if (isinstance(value, int | np.integer) or np.isfinite(value)) and 0 < value < _SERIAL_FAR:
            return shown(dt.datetime(1899, 12, 30) + dt.timedelta(days=float(value)))
    return shown(value)
