"""The office's decisions in the history database: first sighting, changes, withdrawals, the log, and a
file of the previous version migrated in place (issue 10)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from aggregator.adapters.history import VERSION, History
from aggregator.models import Decision, DecisionKind, DecisionOrigin

TZ = dt.timezone(dt.timedelta(hours=7))
T1, T2, T3 = (dt.datetime(2024, 11, 8, h, 0, tzinfo=TZ) for h in (8, 9, 10))
FP = "f" * 20
TAB = "Báo cáo"


def _sheet(unit: str | None, kind: DecisionKind = DecisionKind.UNIT, row: int = 65) -> Decision:
    return Decision(kind, FP, "UBND P.VH", unit, made_row=row)


def _log(path: Path) -> list[tuple[str, str, str | None]]:
    with sqlite3.connect(path) as conn:
        found = conn.execute("SELECT event, kind, unit_id FROM decision_log ORDER BY rowid").fetchall()
    conn.close()
    return found


def test_a_sheet_decision_keeps_its_first_sighting_until_it_changes(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    [first] = history.sync_sheet_decisions(TAB, [_sheet("PX-VH")], T1)
    [same] = history.sync_sheet_decisions(TAB, [_sheet("PX-VH", row=70)], T2)  # the row moved since
    assert first.first_seen == same.first_seen == T1 and same.made_row == 65
    [changed] = history.sync_sheet_decisions(TAB, [_sheet(None, DecisionKind.NOT_A_UNIT)], T3)
    assert changed.first_seen == T3
    assert history.sync_sheet_decisions(TAB, [], T3) == []  # the cell was cleared
    assert history.decisions(TAB) == []
    assert _log(tmp_path / "h.sqlite") == [("made", "unit", "PX-VH"), ("changed", "not_a_unit", None),
                                           ("withdrawn", "not_a_unit", None)]


def test_command_decisions_are_kept_beside_the_sheet_ones_and_withdrawn_alone(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    history.sync_sheet_decisions(TAB, [_sheet("PX-VH")], T1)
    command = Decision(DecisionKind.VALUE, FP, "Phòng Y tế", column="citizens", value="1.250", made_row=12,
                       origin=DecisionOrigin.COMMAND)
    stored = history.record_decision(TAB, command, T2)
    assert stored.first_seen == T2
    assert [d.origin for d in history.decisions(TAB)] == [DecisionOrigin.SHEET, DecisionOrigin.COMMAND]
    assert history.decisions(TAB, DecisionOrigin.COMMAND) == [stored]
    assert history.withdraw_decision(None, f"V-{FP}-citizens", T3) == [stored]
    assert [d.origin for d in history.decisions()] == [DecisionOrigin.SHEET]
    assert history.withdraw_decision(None, f"N-{FP}", T3) == []  # a sheet decision is withdrawn in the sheet


def test_the_history_knows_where_a_content_was_last_seen(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    history.remember(TAB, [(65, FP)], lambda row: json.dumps([row]), T1)
    history.remember(TAB, [(66, FP)], lambda row: json.dumps([row]), T2)  # a row inserted above it
    assert history.last_positions(TAB, [FP, "unknown"]) == {FP: (66, T2)}


def test_the_history_tells_which_content_stood_in_a_row_at_a_cycle(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite")
    history.remember(TAB, [(2, FP), (3, "a" * 20)], lambda row: json.dumps([row]), T1)
    history.remember(TAB, [(2, "b" * 20), (3, FP), (4, "a" * 20)], lambda row: json.dumps([row]), T2)
    assert history.seen_at(TAB, [1, 2, 3, 4], T1) == {2: FP, 3: "a" * 20}
    assert history.seen_at(TAB, [2, 3, 4], T2) == {2: "b" * 20, 3: FP, 4: "a" * 20}
    assert history.seen_at(TAB, [], T2) == {}


def test_a_file_of_the_previous_version_gets_the_decision_tables(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite"
    History(path).remember(TAB, [(2, FP)], lambda row: "[]", T1)
    with sqlite3.connect(path) as conn:  # as version 1 left it: no decision tables
        conn.executescript("DROP TABLE decisions; DROP TABLE decision_log; PRAGMA user_version = 1;")
    conn.close()
    history = History(path)
    history.sync_sheet_decisions(TAB, [_sheet("PX-VH")], T2)
    assert [d.unit_id for d in history.decisions()] == ["PX-VH"] and len(history.versions()) == 1
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
    conn.close()
