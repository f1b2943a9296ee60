"""Dates that look swapped: a month-first reading of a day-first date. Pure.

A spreadsheet set to a month-first locale (en_US) turns a typed 08/11/2024 into 11 August before we ever see
it (CONTRACT §3). Such a date is a problem, not a silent value, when its day is 12 or less, it falls outside the
campaign window, and swapping day and month puts it inside. The window runs from the campaign's start to the
cycle's now, compared as calendar days in the campaign's zone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from aggregator.cells.dates import YearOf
from aggregator.cells.primitives import quote
from aggregator.vnformat import short_date

SWAPPED = ("Ngày {v} nằm ngoài thời gian của đợt báo cáo; nếu đổi chỗ ngày và tháng thì là {s}. Bảng tính có "
           "thể đang đặt khu vực tháng trước ngày (Hoa Kỳ). Hãy ghi lại theo dạng ngày/tháng/năm, ví dụ {s}, và "
           "đổi cài đặt bảng tính: Tệp → Cài đặt → Khu vực: Việt Nam.")
# Locales whose spreadsheets read 08/11/2024 as 11 August (Google Sheets' "Locale" setting).
MONTH_FIRST_LOCALES = frozenset({"en_US", "en_PH", "fil_PH", "es_US", "en_AS", "en_GU", "en_MP", "en_PR",
                                 "en_UM", "en_VI", "en_MH", "en_FM", "en_PW", "en_BZ", "en_CA_US"})


@dataclass(frozen=True)
class Zones:
    """How to read dates: the campaign's zone, the sheet's own zone for date-times, the campaign window."""

    tz: ZoneInfo
    clock_tz: ZoneInfo | None = None  # a Google sheet's properties.timeZone; None: the campaign's zone
    window: tuple[dt.date, dt.date] | None = None  # (campaign start, cycle's now): dates outside may look swapped
    month_first: bool = False  # the sheet shows dates month first (its locale, e.g. en_US)


def month_first(locale: str | None) -> bool:
    """Whether a sheet's ``properties.locale`` reads a typed 08/11/2024 as 11 August."""
    return locale is not None and locale.replace("-", "_") in MONTH_FIRST_LOCALES


def swapped(values: pd.Series, start: dt.date, end: dt.date) -> pd.Series:
    """For each tz-aware instant: the day-month-swapped date as "dd/mm/yyyy" when it looks swapped, else None.

    >>> tz = "Asia/Ho_Chi_Minh"
    >>> swapped(pd.Series(pd.to_datetime(["2024-08-11", "2024-11-08"]).tz_localize(tz)),
    ...         dt.date(2024, 9, 11), dt.date(2024, 11, 11)).tolist()
    ['08/11/2024', None]
    """
    out = np.full(len(values), None, dtype=object)
    known = values.notna().to_numpy()
    if not known.any():
        return pd.Series(out, index=values.index, dtype=object)
    day, month, year = (getattr(values.dt, part).to_numpy() for part in ("day", "month", "year"))
    dates = values.dt.date.to_numpy()
    candidates = np.flatnonzero(known & (day <= 12) & (day != month))
    for row in candidates:  # few by nature: only dates with day ≤ 12 outside the window get here
        if start <= dates[row] <= end:
            continue
        flipped = dt.date(int(year[row]), int(day[row]), int(month[row]))
        if start <= flipped <= end:
            out[row] = short_date(flipped)
    return pd.Series(out, index=values.index, dtype=object)


def as_shown(typed: object, read: dt.date, month_first: bool) -> str:
    """A cell as the sheet shows it: typed text as typed; a date the sheet stored (Google sends a serial number
    such as 45515, an .xlsx a date) in the sheet's order, month first in an en_US sheet.

    >>> as_shown(45515, dt.date(2024, 8, 11), True), as_shown(45515, dt.date(2024, 8, 11), False)
    ('08/11/2024', '11/08/2024')
    """
    if isinstance(typed, str):
        return typed
    return f"{read.month:02d}/{read.day:02d}/{read.year}" if month_first else short_date(read)


def year_within(start: dt.date, end: dt.date) -> YearOf:
    """For a day and month typed without a year ("8/11"): the year that puts it inside the campaign window,
    the latest first (a window spans a year at most), or None when no year does.

    >>> year_of = year_within(dt.date(2024, 9, 11), dt.date(2024, 11, 20))
    >>> year_of(11, 8), year_of(1, 8), year_of(2, 30)
    (2024, None, None)
    """

    def year_of(month: int, day: int) -> int | None:
        for year in (end.year, end.year - 1):
            try:
                if start <= dt.date(year, month, day) <= end:
                    return year
            except ValueError:  # 30/02, or 29/02 in a year without it
                continue
        return None

    return year_of


def swapped_message(typed: object, flipped: str) -> str:
    return SWAPPED.format(v=quote(str(typed)), s=flipped)
