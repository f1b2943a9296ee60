"""What changed since the previous cycle: previous status.json (or its digest) + new result → Vietnamese lines. Pure.

Staff watch the dashboard while agencies type; the question they ask is "who is new since
this morning, whose figures moved, did a row disappear?". A unit that goes from reported back
to missing usually means an agency deleted or overwrote its row by mistake: the line says so
and points at ``aggregator history``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from aggregator import vnformat
from aggregator.consolidation.previous import Before, PreviousUnits, same_campaign
from aggregator.models import Consolidation, UnitOutcome, UnitStatus

MAX_NAMES = 8  # longer lists are cut with "và N đơn vị khác"


@dataclass(frozen=True)
class ChangeLog:
    """The changes one cycle found, and when."""

    at: dt.datetime
    lines: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"at": self.at.isoformat(), "lines": list(self.lines)}

    @classmethod
    def from_json(cls, data: Any) -> ChangeLog | None:
        try:
            return cls(dt.datetime.fromisoformat(data["at"]), tuple(str(x) for x in data["lines"]))
        except (KeyError, TypeError, ValueError):
            return None  # an unreadable state file just means "no earlier changes to show"


def _names(units: list[str]) -> str:
    shown = ", ".join(units[:MAX_NAMES])
    rest = len(units) - MAX_NAMES
    return f"{shown} và {rest} đơn vị khác" if rest > 0 else shown


def _moment(value: Any) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _shown(value: Any, typed: str | None) -> str:
    """A figure as the change line shows it; an unknown one is either an empty cell or one not yet valid."""
    if value is None and typed:
        return f"“{typed}” (chưa hợp lệ)"
    return vnformat.number(value, empty="trống")


def _metric_changes(before: Before, after: UnitOutcome, names: dict[str, str]) -> list[str]:
    if before.metrics == after.metrics:  # most units, most cycles: one comparison of the two dicts
        return []
    typed_now = {p.column: p.value for p in after.problems}
    moved = []
    for key, new in after.metrics.items():
        old = before.metrics.get(key)
        if old != new:
            header = names.get(key, key)
            moved.append(f"{header}: {_shown(old, before.typed.get(header))} → {_shown(new, typed_now.get(header))}")
    return moved


def _arrived(unit: UnitOutcome, since: dt.datetime | None) -> str:
    """"new" when the unit's winning row first appeared after the previous cycle; "matched" when the row was
    there before and only now speaks for the unit (an alias was added, a name was settled)."""
    if unit.first_seen is None or since is None or unit.first_seen > since:
        return "new"
    return "matched"


def _classify(old: Before | None, unit: UnitOutcome, names: dict[str, str],
              since: dt.datetime | None) -> list[tuple[str, str]]:
    """(bucket, text) pairs for one unit: new, matched, late, moved or gone."""
    old_status = old.status if old else UnitStatus.MISSING.value
    if old_status == UnitStatus.MISSING:
        return [] if unit.status is UnitStatus.MISSING else [(_arrived(unit, since), unit.name)]
    if unit.status is UnitStatus.MISSING:
        return [("gone", unit.name)]
    found = []
    if unit.status is UnitStatus.LATE and old_status == UnitStatus.REPORTED:
        found.append(("late", unit.name))
    if old is not None and (metrics := _metric_changes(old, unit, names)):
        found.append(("moved", f"{unit.name} ({'; '.join(metrics)})"))
    return found


HEADINGS = {
    "new": "Mới báo cáo",
    "matched": "Đã xác định được đơn vị (dòng báo cáo đã có từ trước)",
    "late": "Chuyển sang báo cáo muộn",
    "moved": "Thay đổi số liệu",
    "gone": "Không còn dòng báo cáo, có thể dòng đã bị xóa hoặc sửa nhầm (xem lại bằng lệnh `aggregator history`)",
}


def diff(previous: Any, current: Consolidation, names: dict[str, str]) -> tuple[str, ...]:
    """Lines describing what changed; empty when nothing did or there is no previous cycle.

    ``previous`` is the last status.json document (CONTRACT §5) or its digest; ``names`` maps metric keys to
    the column headers agencies see. "Mới báo cáo" is said only of units whose winning row first
    appeared after that cycle (``UnitOutcome.first_seen``).
    """
    if not same_campaign(previous, current.campaign_id):
        return ()
    before = PreviousUnits(previous)
    since = _moment(previous.get("generated_at"))
    buckets: dict[str, list[str]] = {key: [] for key in HEADINGS}
    for unit in current.units:
        if before.unchanged(unit):
            continue
        for bucket, text in _classify(before.get(unit.unit_id), unit, names, since):
            buckets[bucket].append(text)
    return tuple(f"{HEADINGS[k]} ({len(v)}): {_names(v)}." for k, v in buckets.items() if v)
