"""``delivery.json`` in the output folder: what the worker's e-mail has delivered, recorded message
by message.

The file is replaced atomically (``files.write_json``). While a batch of reminders goes out, each
message the server has answered is also appended to ``delivery.journal`` as one JSON line, fsynced
before the next message is sent. A worker killed in the middle of a batch (kill -9, or ``docker
stop`` after its timeout) therefore loses at most the message it was sending when it died: the next
run folds the journal into the state (``read_state``) and sends only to the addresses that had not
accepted. ``update_state`` folds the journal in, replaces the file, and deletes the journal; folding
the same lines twice changes nothing, so a kill between the two leaves the state right.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aggregator.adapters.files import read_json, write_json
from aggregator.errors import OutputError

STATE_FILE = "delivery.json"
JOURNAL_FILE = "delivery.journal"


def read_state(out_dir: Path) -> dict[str, Any]:
    """delivery.json with the journal of an unfinished batch folded in ({} when there is none)."""
    state = read_json(out_dir / STATE_FILE)
    state = state if isinstance(state, dict) else {}
    return _fold(state, _journal(out_dir / JOURNAL_FILE))


def update_state(out_dir: Path, key: str, value: Mapping[str, Any]) -> None:
    """Replace one entry of delivery.json (atomically); the journal, folded in, is then removed."""
    write_json(out_dir / STATE_FILE, {**read_state(out_dir), key: dict(value)})
    try:
        (out_dir / JOURNAL_FILE).unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"Cannot remove {out_dir / JOURNAL_FILE} ({exc.strerror}).") from exc


def append_journal(out_dir: Path, record: Mapping[str, Any]) -> None:
    """One line, on disk (fsync) before this returns."""
    path = out_dir / JOURNAL_FILE
    try:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise OutputError(f"Cannot write {path} ({exc.strerror}), so the e-mail stopped before sending "
                          "a message it could not record.", "Free space in or fix the rights of the output "
                          "folder; the next draft sends the rest.") from exc


def _journal(path: Path) -> list[dict[str, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return []  # no unfinished batch
    records = []
    for line in text.splitlines():
        try:
            records.append(json.loads(line))
        except ValueError:  # the line being written when the worker died
            continue
    return [r for r in records if isinstance(r, dict)]


def _fold(state: dict[str, Any], records: Iterable[dict[str, Any]]) -> dict[str, Any]:
    reminders = state.get("reminders")
    day = ReminderDay.of(reminders if isinstance(reminders, dict) else None)
    if day is None:
        return state
    for record in records:
        if record.get("reminders") == day.day and isinstance(record.get("unit"), str):
            day.record(record["unit"], record.get("tried", []), record.get("accepted", []),
                       record.get("refused", {}))
    return {**state, "reminders": day.to_json()}


@dataclass
class ReminderDay:
    """The ``reminders`` entry: one day's reminders, per unit id. ``pending``: addresses of the
    running batch not answered yet; ``accepted``; ``refused`` (address → the server's answer)."""

    day: str
    pending: dict[str, list[str]] = field(default_factory=dict)
    accepted: dict[str, list[str]] = field(default_factory=dict)
    refused: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(cls, entry: Mapping[str, Any] | None, day: str | None = None) -> ReminderDay | None:
        """The entry of ``day`` (of any day when None), or None when delivery.json has none."""
        if not entry or not isinstance(entry.get("day"), str) or day not in (None, entry["day"]):
            return None
        return cls(entry["day"], {u: list(a) for u, a in entry.get("pending", {}).items()},
                   {u: list(a) for u, a in entry.get("accepted", {}).items()},
                   {u: dict(a) for u, a in entry.get("refused", {}).items()})

    def owed(self) -> dict[str, list[str]]:
        """unit → the addresses that have not accepted yet: pending, or refused earlier today."""
        out: dict[str, list[str]] = {}
        for unit in dict.fromkeys([*self.pending, *self.refused]):
            done = set(self.accepted.get(unit, ()))
            addrs = [a for a in dict.fromkeys([*self.pending.get(unit, ()), *self.refused.get(unit, {})])
                     if a not in done]
            if addrs:
                out[unit] = addrs
        return out

    def start(self, owed: Mapping[str, Sequence[str]]) -> None:
        """A batch begins: ``owed`` is what it will send; what was refused before is tried again."""
        self.pending = {unit: list(addrs) for unit, addrs in owed.items() if addrs}
        self.refused = {}

    def record(self, unit: str, tried: Sequence[str], accepted: Sequence[str], refused: Mapping[str, str]) -> None:
        """The server's answer to one message to ``unit`` sent to ``tried``."""
        done = {*self.accepted.get(unit, ()), *accepted}
        if done:
            self.accepted[unit] = sorted(done)
        missed = {a: why for a, why in {**self.refused.get(unit, {}), **refused}.items() if a not in done}
        self.refused.pop(unit, None)
        if missed:
            self.refused[unit] = missed
        left = [a for a in self.pending.pop(unit, []) if a not in tried]
        if left:
            self.pending[unit] = left

    def to_json(self) -> dict[str, Any]:
        return {"day": self.day, "sent": len(self.accepted),
                "failed": sorted(u for u in self.refused if u not in self.accepted),
                "accepted": self.accepted, "refused": self.refused, "pending": self.pending}
