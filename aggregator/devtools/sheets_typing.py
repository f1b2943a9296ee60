"""What Google makes of text a person types into a cell, which is also what a ``USER_ENTERED`` write
does with a string (RAW stores it as is): ``parse_typed(text, locale)``.

The rules the emulator follows, read in the spreadsheet's locale (``LOCALES``):

- a leading apostrophe forces text and is not stored (``'0042`` → the text ``0042``);
- ``=…`` is a formula (the emulator stores it and never computes it);
- ``TRUE``/``FALSE`` in any case are booleans;
- numbers with the locale's decimal mark and groups of three (vi_VN ``1.234`` → 1234, ``1,5`` → 1.5;
  en_US ``1.234`` → 1.234, ``1,234`` → 1234), a sign, leading zeros (``0042`` → 42) and an exponent;
  anything else that merely looks numeric (``1.5`` in vi_VN, ``1,5`` in en_US, ``2,5 triệu``) stays text;
- ``85%`` → 0.85 formatted as a percentage; a grouped number keeps a ``#,##0`` format, an exponent a
  scientific one;
- dates in the locale's order with ``/`` or ``-`` (vi_VN ``05/11/2024`` is 5 November, en_US
  ``11/5/2024`` too), ISO ``2024-11-05`` everywhere, two-digit years (00–29 → 20xx), ``5/11`` in the
  current year; times ``14:30``, ``14:30:05``, ``2:30 PM``; a date and a time → a date-time. Each
  becomes a serial number with a date/time format mirroring what was typed (``dd/mm/yyyy``);
- everything else is text, exactly as typed.

Not modelled: currency symbols, month names (``Mar 1 2016``), durations (``25:00``); they stay text.
A locale not in ``LOCALES`` is read with en_US rules. The format patterns are the emulator's
rendering of what was typed; the values are what matters.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

EPOCH = dt.datetime(1899, 12, 30)
Json = dict[str, Any]


@dataclass(frozen=True)
class DateCell:
    serial: float  # days since 1899-12-30


def serial(value: dt.date | dt.time) -> float:
    """A date, date-time or time of day as a Sheets serial number (days since 1899-12-30)."""
    if isinstance(value, dt.time):
        return (dt.datetime.combine(EPOCH, value.replace(tzinfo=None)) - EPOCH) / dt.timedelta(days=1)
    moment = value if isinstance(value, dt.datetime) else dt.datetime(*value.timetuple()[:3])
    return (moment.replace(tzinfo=None) - EPOCH) / dt.timedelta(days=1)


@dataclass(frozen=True)
class Locale:
    """How a spreadsheet locale reads and shows numbers and dates."""

    decimal: str
    group: str
    day_first: bool
    date: str  # the pattern of a date cell that has no format of its own
    time: str


LOCALES = {
    "vi_VN": Locale(",", ".", True, "dd/mm/yyyy", "hh:mm:ss"),
    "en_US": Locale(".", ",", False, "m/d/yyyy", "h:mm:ss am/pm"),
    "en_GB": Locale(".", ",", True, "dd/mm/yyyy", "hh:mm:ss"),
}


def locale_rules(name: str) -> Locale:
    return LOCALES.get(name, LOCALES["en_US"])


@dataclass(frozen=True)
class Entered:
    """What a cell holds after typing: its value, the number format Google infers (None: none), and
    whether the value is a formula's text."""

    value: str | float | bool | DateCell
    number_format: Json | None = None
    formula: bool = False


def parse_typed(text: str, locale: str) -> Entered:
    """``text`` typed into an unformatted cell of a spreadsheet in ``locale`` (see the module doc)."""
    if text.startswith("'"):
        return Entered(text[1:])
    if text.startswith("=") and len(text) > 1:
        return Entered(text, formula=True)
    bare = text.strip()
    if bare.upper() in ("TRUE", "FALSE"):
        return Entered(bare.upper() == "TRUE")
    rules = locale_rules(locale)
    return _number(bare, rules) or _moment(bare, rules) or Entered(text)


def _number(text: str, rules: Locale) -> Entered | None:
    group, mark = re.escape(rules.group), re.escape(rules.decimal)
    found = re.fullmatch(rf"([+-]?)(\d{{1,3}}(?:{group}\d{{3}})+|\d*)(?:{mark}(\d+))?(?:[eE]([+-]?\d+))?(%?)", text)
    if found is None:
        return None
    sign, whole, fraction, exponent, percent = found.groups()
    if not (whole or fraction) or (percent and exponent):
        return None
    number = Decimal(f"{sign}{whole.replace(rules.group, '') or '0'}.{fraction or '0'}E{exponent or 0}")
    places = ".00" if fraction else ""
    if percent:
        return Entered(float(number / 100), {"type": "PERCENT", "pattern": f"0{places}%"})
    if exponent:
        return Entered(float(number), {"type": "SCIENTIFIC", "pattern": "0.00E+00"})
    if rules.group in whole:
        return Entered(float(number), {"type": "NUMBER", "pattern": f"#,##0{places}"})
    return Entered(float(number))


def _moment(text: str, rules: Locale) -> Entered | None:
    date_text, _, time_text = text.partition(" ")
    date = _date(date_text, rules)
    if date is None:
        time = _time(text)
        return None if time is None else Entered(DateCell(time[0]), {"type": "TIME", "pattern": time[1]})
    day, pattern = date
    if not time_text.strip():
        return Entered(DateCell(serial(day)), {"type": "DATE", "pattern": pattern})
    time = _time(time_text.strip())
    if time is None:
        return None
    return Entered(DateCell(serial(day) + time[0]), {"type": "DATE_TIME", "pattern": f"{pattern} {time[1]}"})


def _date(text: str, rules: Locale) -> tuple[dt.date, str] | None:
    """A date typed as ISO ``yyyy-mm-dd`` or in the locale's order, with its pattern."""
    iso = re.fullmatch(r"(\d{4})([-/])(\d{1,2})\2(\d{1,2})", text)
    if iso:
        year, sep, month, day = iso.groups()
        return _day(int(year), int(month), int(day), f"yyyy{sep}{'m' * len(month)}{sep}{'d' * len(day)}")
    local = re.fullmatch(r"(\d{1,2})([-/])(\d{1,2})(?:\2(\d{4}|\d{2}))?", text)
    if local is None or (local.group(4) is None and local.group(2) != "/"):
        return None
    first, sep, second, year_text = local.groups()
    day, month = (first, second) if rules.day_first else (second, first)
    tokens = ["d" * len(day), "m" * len(month)]
    pattern = sep.join(tokens if rules.day_first else tokens[::-1])
    if year_text is None:
        year = dt.date.today().year
    else:
        pattern += sep + ("yyyy" if len(year_text) == 4 else "yy")
        year = int(year_text) if len(year_text) == 4 else int(year_text) + (2000 if int(year_text) < 30 else 1900)
    return _day(year, int(month), int(day), pattern)


def _day(year: int, month: int, day: int, pattern: str) -> tuple[dt.date, str] | None:
    try:
        return dt.date(year, month, day), pattern
    except ValueError:  # 31/02, month 13 …: text
        return None


def _time(text: str) -> tuple[float, str] | None:
    """A time of day as a fraction of a day, with its pattern."""
    found = re.fullmatch(r"(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\s*([AaPp][Mm]))?", text)
    if found is None:
        return None
    hour_text, minute, second, half = found.groups()
    hour = int(hour_text)
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.upper() == "PM" else 0)
    if hour > 23 or int(minute) > 59 or int(second or 0) > 59:
        return None
    pattern = "h" * len(hour_text) + ":mm" + (":ss" if second else "") + (" am/pm" if half else "")
    return serial(dt.time(hour, int(minute), int(second or 0))), pattern
