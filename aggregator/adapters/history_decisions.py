"""The office's decisions in the history database (tables ``decisions`` and ``decision_log``).

``decisions`` holds the decisions in force, one per (tab, item, origin): those read from the decisions
tab at the last cycle (origin ``sheet``) and those made with ``aggregator decide`` (origin ``decide``),
each with when it was first seen. ``decision_log`` keeps every change (made, changed, withdrawn), so
what was decided, when, and how it changed can always be shown again.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import replace

from aggregator.decisions.items import decision_item
from aggregator.models import CellValue, Decision, DecisionKind, DecisionOrigin

SCHEMA = """
CREATE TABLE IF NOT EXISTS decisions (
  tab TEXT NOT NULL, item TEXT NOT NULL, origin TEXT NOT NULL, kind TEXT NOT NULL, fingerprint TEXT NOT NULL,
  column_key TEXT, typed_name TEXT NOT NULL, unit_id TEXT, value TEXT NOT NULL, made_row INTEGER,
  first_seen TEXT NOT NULL, last_seen TEXT NOT NULL, PRIMARY KEY (tab, item, origin));
CREATE TABLE IF NOT EXISTS decision_log (
  at TEXT NOT NULL, tab TEXT NOT NULL, item TEXT NOT NULL, origin TEXT NOT NULL, event TEXT NOT NULL,
  kind TEXT NOT NULL, unit_id TEXT, value TEXT NOT NULL);
"""
_COLUMNS = "kind, fingerprint, column_key, typed_name, unit_id, value, made_row, first_seen, origin"
# one row of _COLUMNS as sqlite3 returns it (the table's types)
_Row = tuple[str, str, str | None, str, str | None, str, int | None, str, str]


def _value(value: CellValue) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _decision(row: _Row) -> Decision:
    kind, fp, column, name, unit, value, made, first, origin = row
    return Decision(DecisionKind(str(kind)), str(fp), str(name), unit and str(unit), column and str(column),
                    json.loads(str(value)), dt.datetime.fromisoformat(str(first)),
                    None if made is None else int(made), DecisionOrigin(str(origin)))


def _same(a: Decision, b: Decision) -> bool:
    return (a.kind, a.unit_id, _value(a.value)) == (b.kind, b.unit_id, _value(b.value))


def _store(conn: sqlite3.Connection, tab: str, d: Decision, first: str, last: str) -> None:
    conn.execute("INSERT OR REPLACE INTO decisions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 (tab, decision_item(d), d.origin.value, d.kind.value, d.fingerprint, d.column, d.typed_name,
                  d.unit_id, _value(d.value), d.made_row, first, last))


def _log(conn: sqlite3.Connection, at: str, tab: str, d: Decision, event: str) -> None:
    conn.execute("INSERT INTO decision_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (at, tab, decision_item(d), d.origin.value, event, d.kind.value, d.unit_id, _value(d.value)))


def stored(conn: sqlite3.Connection, tab: str | None = None, origin: DecisionOrigin | None = None) -> list[Decision]:
    """The decisions in force, oldest first."""
    query = f"SELECT {_COLUMNS} FROM decisions WHERE 1=1"
    args: list[str] = []
    if tab is not None:
        query, args = query + " AND tab = ?", [*args, tab]
    if origin is not None:
        query, args = query + " AND origin = ?", [*args, origin.value]
    return [_decision(row) for row in conn.execute(query + " ORDER BY first_seen, item", args).fetchall()]


def sync_sheet(conn: sqlite3.Connection, tab: str, found: Iterable[Decision], now: dt.datetime) -> list[Decision]:
    """Make the stored sheet decisions those ``found`` on the tab now; return them with their first sighting
    (and the row they were made for). A choice that changed is new from now; one no longer there is withdrawn."""
    stamp = now.isoformat()
    before = {decision_item(d): d for d in stored(conn, tab, DecisionOrigin.SHEET)}
    out = []
    for d in found:
        old = before.pop(decision_item(d), None)
        if old is not None and _same(old, d):
            d = replace(d, first_seen=old.first_seen, made_row=old.made_row)
            conn.execute("UPDATE decisions SET last_seen = ? WHERE tab = ? AND item = ? AND origin = ?",
                         (stamp, tab, decision_item(d), d.origin.value))
        else:
            d = replace(d, first_seen=now)
            _store(conn, tab, d, stamp, stamp)
            _log(conn, stamp, tab, d, "changed" if old is not None else "made")
        out.append(d)
    for gone in before.values():
        conn.execute("DELETE FROM decisions WHERE tab = ? AND item = ? AND origin = ?",
                     (tab, decision_item(gone), gone.origin.value))
        _log(conn, stamp, tab, gone, "withdrawn")
    return out


def record(conn: sqlite3.Connection, tab: str, decision: Decision, now: dt.datetime) -> Decision:
    """Store one ``aggregator decide`` decision (replacing the one the item had)."""
    stamp = now.isoformat()
    item = decision_item(decision)
    had = conn.execute("SELECT 1 FROM decisions WHERE tab = ? AND item = ? AND origin = ?",
                       (tab, item, decision.origin.value)).fetchone()
    decision = replace(decision, first_seen=now)
    _store(conn, tab, decision, stamp, stamp)
    _log(conn, stamp, tab, decision, "changed" if had else "made")
    return decision


def withdraw(conn: sqlite3.Connection, tab: str | None, item: str, now: dt.datetime) -> list[Decision]:
    """Remove the ``decide`` decisions of ``item``; return those removed."""
    gone = [d for d in stored(conn, tab, DecisionOrigin.COMMAND) if decision_item(d) == item]
    for d in gone:
        conn.execute("DELETE FROM decisions WHERE item = ? AND origin = ?" + (" AND tab = ?" if tab else ""),
                     (item, d.origin.value, *([tab] if tab else [])))
        _log(conn, now.isoformat(), tab or "", d, "withdrawn")
    return gone


def last_positions(conn: sqlite3.Connection, tab: str, fingerprints: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Fingerprint → (the row it was last seen in, when), for the fingerprints the history holds."""
    wanted = sorted(set(fingerprints))
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), 500):  # SQLite's limit on host parameters
        chunk = wanted[start:start + 500]
        marks = ", ".join("?" * len(chunk))
        for fp, row, last in conn.execute(
                f"SELECT fingerprint, row, last_seen FROM row_versions WHERE tab = ? AND fingerprint IN ({marks})",
                (tab, *chunk)):
            if fp not in found or last > found[fp][1]:
                found[fp] = (int(row), str(last))
    return found


def seen_at(conn: sqlite3.Connection, tab: str, rows: Iterable[int], at: dt.datetime) -> dict[int, str]:
    """Sheet row → the fingerprint the history saw there at ``at`` (rows where it saw one content only)."""
    wanted = sorted(set(rows))
    if not wanted:
        return {}
    marks = ", ".join("?" * len(wanted))
    found: dict[int, set[str]] = {}
    for row, fp, first, last in conn.execute(
            f"SELECT row, fingerprint, first_seen, last_seen FROM row_versions WHERE tab = ? AND row IN ({marks})",
            (tab, *wanted)):
        if dt.datetime.fromisoformat(str(first)) <= at <= dt.datetime.fromisoformat(str(last)):
            found.setdefault(int(row), set()).add(str(fp))
    return {row: next(iter(fps)) for row, fps in found.items() if len(fps) == 1}
