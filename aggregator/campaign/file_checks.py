"""Checks on a campaign file's raw values that field types cannot express, and readable key paths. Pure.

- A value still holding a ``TODO`` placeholder (from ``aggregator init``) is refused: the letter would
  print "Kính gửi: TODO: nơi nhận báo cáo". Comments never count; YAML drops them before this runs.
  ``init`` checks its own draft with each ``"TODO: <example>"`` read as its example (``with_examples``).
- A number where a date belongs is refused: YAML and pydantic would read ``deadline: 12345`` as a Unix
  time in 1970.
- A deadline may be a day (``2024-11-10`` or ``10/11/2024``: the whole day) or a date-time without an
  offset (``10/11/2024 17:00``, or ``17h00 ngày 10/11/2024`` as the letter says it): both are read in the
  campaign's time zone.
- Key paths count list items from 1 and name a column by its header:
  ``("columns", 7, "type")`` → ``column 8 ("Số người dân").type``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from aggregator.textnorm import strip_marks
from aggregator.timeofday import find_clock

PLACEHOLDER = re.compile(r"\bTODO\b", re.IGNORECASE)  # "todo: Phòng Y tế" is one too
_LEADING_PLACEHOLDER = re.compile(r"^\s*TODO\b:?\s*", re.IGNORECASE)
_NUMBER_TEXT = re.compile(r"\s*[+-]?\d+(?:[.,]\d+)?\s*")
SHOWN = 60  # characters of a value quoted in a message


def _strings(value: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _strings(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def placeholder_problems(data: Mapping[str, Any]) -> list[str]:
    """One problem per value that still holds a TODO placeholder, with its key path."""
    return [f"{location(path, data)}: still the placeholder {shorten(text)!r}; replace it with the real text"
            for path, text in _strings(data, ()) if PLACEHOLDER.search(text)]


def with_examples(value: Any) -> Any:
    """``value`` with each ``"TODO: <example>"`` placeholder replaced by its example (a draft read as if filled)."""
    if isinstance(value, str):
        return _LEADING_PLACEHOLDER.sub("", value) if _LEADING_PLACEHOLDER.match(value) else value
    if isinstance(value, Mapping):
        return {key: with_examples(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [with_examples(item) for item in value]
    return value


def refuse_number_as_date(value: Any) -> Any:
    """A pydantic ``mode="before"`` check: a date must be written as a date, never as a bare number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | dt.date):
        return value
    if isinstance(value, int | float) or _NUMBER_TEXT.fullmatch(str(value)):
        raise ValueError(f"{value!r} is a number, not a date: write it as e.g. 2024-11-10T23:59:59+07:00 "
                         "(or 2024-10-13 for the whole day)")
    return value


def refuse_unreadable_deadline(value: Any) -> Any:
    """A deadline still text once read (``deadline_in_zone`` reads every date a person writes): not a date."""
    if isinstance(value, str) and _as_written(value) is None:
        raise ValueError(f"{shorten(value)!r} is not a date: write 2024-11-10 (the whole day), 10/11/2024, "
                         "17h00 ngày 10/11/2024 or 2024-11-10T17:00:00+07:00")
    return value


_DAY_FIRST = re.compile(r"(?<![0-9])(\d{1,2})/(\d{1,2})/(\d{4})(?![0-9])")
# the words around a deadline as letters write it, folded: "trước 17h00 ngày 10/11/2024", "chậm nhất … lúc 17 giờ"
_AROUND = re.compile(r"(?:truoc|cham nhat|han chot|han|ngay|luc|vao|[,:]|\s)*")


def _as_written(value: Any) -> dt.datetime | dt.date | None:
    """A date or date-time as a person writes it: ISO (YAML gives dates and date-times already) or day first."""
    if isinstance(value, dt.datetime | dt.date):
        return value
    if not isinstance(value, str):
        return None
    if found := _DAY_FIRST.search(value):
        return _day_first(value, found)
    try:
        return dt.datetime.fromisoformat(value.strip()) if "T" in value or ":" in value else \
            dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _day_first(value: str, found: re.Match[str]) -> dt.datetime | dt.date | None:
    """10/11/2024, 10/11/2024 17:00, "trước 17h00 ngày 10/11/2024": a day first, maybe a time, nothing else."""
    rest = strip_marks(value[: found.start()] + " " + value[found.end() :]).lower()
    clock = find_clock(rest)
    if clock is not None:
        (start, end) = clock[1]
        rest = rest[:start] + " " + rest[end:]
    if not _AROUND.fullmatch(rest):
        return None
    day, month, year = (int(part) for part in found.groups())
    try:
        when = dt.datetime(year, month, day, *(clock[0] if clock else (0, 0, 0, 0)))
    except ValueError:
        return None
    return when if clock else when.date()


def deadline_in_zone(value: Any, zone: dt.tzinfo | None) -> Any:
    """A deadline written as a day is the end of that day; one without an offset is a wall time of the
    campaign's zone. Anything else is returned as it is, for the field's own checks to judge."""
    if zone is None or isinstance(value, bool | int | float):
        return value
    written = _as_written(value)
    if written is None:
        return value
    if not isinstance(written, dt.datetime):
        written = dt.datetime.combine(written, dt.time(23, 59, 59))
    return written if written.tzinfo else written.replace(tzinfo=zone)


def shorten(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHOWN else flat[: SHOWN - 1] + "…"


def location(path: Sequence[Any], data: Any) -> str:
    """A key path as a person reads it: 1-based items, columns named by their header."""
    out, node = "", data
    for part in path:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list | tuple) and 0 <= part < len(node) else None
            out = _item(out, part, item)
        else:
            out += f".{part}" if out else str(part)
        node = node.get(part) if isinstance(node, Mapping) else (
            node[part] if isinstance(node, list | tuple) and isinstance(part, int) and 0 <= part < len(node) else None)
    return out or "(top level)"


def _item(out: str, index: int, item: Any) -> str:
    if out == "columns":
        header = item.get("header") if isinstance(item, Mapping) else None
        return f"column {index + 1}" + (f' ("{shorten(str(header))}")' if header else "")
    return f"{out} item {index + 1}"
