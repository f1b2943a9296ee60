"""Clocks: the only place that asks the system for the time."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class SystemClock:
    tz: ZoneInfo

    def now(self) -> dt.datetime:
        return dt.datetime.now(self.tz)


@dataclass(frozen=True)
class FixedClock:
    """``--now``: a fixed, timezone-aware moment for deterministic runs."""

    moment: dt.datetime

    def now(self) -> dt.datetime:
        return self.moment
