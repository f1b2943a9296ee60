"""A time of day as Vietnamese type it, found in folded text (lower case, no diacritics). Pure.

"14:30", "14:30:05", "14h30", "14g30", "14 gio 30 phut", "2 gio chieu", "8 sang": the agencies' date cells
(cells/dates.py) and the campaign file's deadline (campaign/file_checks.py) read times with this one reader.

>>> find_clock("nop luc 2 gio chieu ngay")
((14, 0, 0, 0), (8, 19))
>>> find_clock("14:30:05,5"), find_clock("ngay 10")
(((14, 30, 5, 500000), (0, 10)), None)
"""

from __future__ import annotations

import re

Clock = tuple[int, int, int, int]  # hour, minute, second, microsecond

_MERIDIEM = r"\s*(?P<ap>am|pm|sa|ch|sang|chieu|toi)?(?![a-z0-9])"
_CLOCKS = (  # 14:30[:05], then 14h30, 14g30, "14 giờ 30 phút", "2 giờ chiều"
    re.compile(
        r"(?<![0-9.:/])(?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2})(?:[.,](?P<f>[0-9]{1,6}))?)?"
        + _MERIDIEM
    ),
    re.compile(
        r"(?<![0-9.:/])(?P<h>[0-9]{1,2})\s*(?:h|g|gio)(?:\s*(?P<mi>[0-9]{1,2})\s*(?:phut|p)?)?"
        r"(?:\s*(?P<s>[0-9]{1,2})\s*(?:giay|s))?" + _MERIDIEM
    ),
)
_AFTERNOON, _MORNING = {"pm", "ch", "chieu", "toi"}, {"am", "sa", "sang"}


def find_clock(folded: str) -> tuple[Clock, tuple[int, int]] | None:
    """The first time of day in ``folded`` and where it stands, or None. The hour is not checked (25h is
    25): the caller says what an impossible time means."""
    found = next((hit for pattern in _CLOCKS if (hit := pattern.search(folded))), None)
    if found is None:
        return None
    hour = int(found["h"])
    if found["ap"] in _AFTERNOON and hour < 12:
        hour += 12
    elif found["ap"] in _MORNING and hour == 12:
        hour = 0
    fraction = int((found.groupdict().get("f") or "0").ljust(6, "0"))
    return (hour, int(found["mi"] or 0), int(found["s"] or 0), fraction), found.span()
