"""Vietnamese number and date formatting for the dashboard and the report. Pure.

The ``vi_VN`` locale is not assumed to be installed; formats are built explicitly.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal

_SWAP = str.maketrans(",.", ".,")


def _half_up(value: float, decimals: int) -> Decimal:
    """``value`` rounded as a clerk rounds, half away from zero, from its shortest decimal form: 75.25 → 75,3
    (Python's round() and format() give 75,2: 75.25 is a binary tie, rounded to even)."""
    return Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number(value: int | float | None, decimals: int = 0, empty: str = "") -> str:
    """Thousands with ".", decimals with ",": ``number(1234)`` → "1.234", ``number(85.5, 1)`` → "85,5";
    halves round up: ``number(75.25, 1)`` → "75,3"."""
    if value is None:
        return empty
    if type(value) is int and decimals == 0:  # most calls, and exact beyond 2**53 (",.0f" goes through a float)
        return f"{value:,}".translate(_SWAP)
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        return f"{_half_up(value, decimals):,.{decimals}f}".translate(_SWAP)
    return f"{value:,.{decimals}f}".translate(_SWAP)


def percent(part: int, whole: int, decimals: int = 1) -> str:
    """``percent(131, 152)`` → "86,2 %"; an empty whole gives "0 %"."""
    if whole <= 0:
        return "0 %"
    return f"{number(100 * part / whole, decimals)} %"


def month_text(month: int) -> str:
    """NĐ 30: months 1 and 2 take a leading zero, the others do not."""
    return f"{month:02d}" if month < 3 else str(month)


def long_date(day: dt.date) -> str:
    """``long_date(date(2024, 11, 5))`` → "ngày 05 tháng 11 năm 2024"."""
    return f"ngày {day.day:02d} tháng {month_text(day.month)} năm {day.year}"


def short_date(day: dt.date) -> str:
    """``short_date(date(2024, 11, 5))`` → "05/11/2024" (tables and body text)."""
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def short_datetime(moment: dt.datetime) -> str:
    """``short_datetime(...)`` → "08:05 05/11/2024"."""
    return f"{moment.hour:02d}:{moment.minute:02d} {short_date(moment.date())}"


def deadline_text(deadline: dt.datetime) -> str:
    """A deadline as letters write it: "ngày 10 tháng 11 năm 2024" when it is the end of a day (23:59 or
    midnight, the day before), else "17 giờ 00 phút, ngày 10 tháng 11 năm 2024"."""
    if (deadline.hour, deadline.minute) == (23, 59) or deadline.time() == dt.time(0):
        day = deadline.date() - dt.timedelta(days=1) if deadline.time() == dt.time(0) else deadline.date()
        return long_date(day)
    return f"{deadline.hour:02d} giờ {deadline.minute:02d} phút, {long_date(deadline.date())}"


def late_by(submitted: dt.datetime, deadline: dt.datetime) -> str:
    """How late a report came, as an office says it: days by the calendar once it is a day late or more (or
    was dated without a time), else hours or minutes; the deadline's day as ``deadline_text`` reads it.

    >>> due = dt.datetime(2024, 11, 10, 23, 59, 59, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    >>> [late_by(due + dt.timedelta(hours=h), due) for h in (0.5, 3, 30)]  # the 30 hours: sent on the 12th
    ['30 phút', '3 giờ', '2 ngày']
    >>> late_by(due.replace(day=11, hour=18), due.replace(hour=17))
    '1 ngày'
    >>> late_by(dt.datetime(2024, 11, 12, tzinfo=due.tzinfo), due.replace(day=11, hour=0, minute=0, second=0))
    '2 ngày'
    """
    local = submitted.astimezone(deadline.tzinfo)
    due = deadline.date() - dt.timedelta(days=1) if deadline.time() == dt.time(0) else deadline.date()
    if local.time() == dt.time(0) or local - deadline >= dt.timedelta(days=1):
        return f"{max(1, (local.date() - due).days)} ngày"
    minutes = max(1, int((local - deadline).total_seconds() // 60))
    return f"{minutes} phút" if minutes < 60 else f"{minutes // 60} giờ"


def cutoff_line(moment: dt.datetime) -> str:
    """"Số liệu tính đến 08 giờ 05 phút, ngày 11 tháng 11 năm 2024"."""
    return f"{moment.hour:02d} giờ {moment.minute:02d} phút, {long_date(moment.date())}"


def trimmed(value: float, decimals: int) -> str:
    """At most ``decimals`` decimals, no trailing zeros: ``trimmed(38.50, 2)`` → "38,5", ``trimmed(2.0, 2)`` → "2"."""
    text = number(value, decimals)
    return text.rstrip("0").rstrip(",") if "," in text else text


def figure(value: int | float | None, kind: str, empty: str = "") -> str:
    """A metric as the report and dashboard write it, by column type (count, money, decimal, percent).

    ``figure(86300000, "money")`` → "86.300.000"; ``figure(38.5, "decimal")`` → "38,5";
    ``figure(73.45, "percent")`` → "73,5" (the unit word belongs to the sentence, not to the figure).
    """
    if value is None:
        return empty
    if kind == "decimal":
        return trimmed(value, 2)
    if kind == "percent":
        return trimmed(value, 1)
    return number(round(value))
