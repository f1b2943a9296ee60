"""The order among rows first seen together is fixed when they are first seen, and kept (issue 8, item 3)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import tempfile
import threading
from pathlib import Path
from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.adapters import campaign_file
from aggregator.adapters.history import VERSION, History
from aggregator.adapters.roster_file import read_roster
from aggregator.app.pipeline import compute
from aggregator.consolidation.resolve import pick_latest
from aggregator.models import Consolidation, RawTab, Snapshot, SourceKind

CAMPAIGN = campaign_file.load()
ROSTER = read_roster(CAMPAIGN.resolve(CAMPAIGN.roster))
HEADER = tuple(c.header for c in CAMPAIGN.columns)
DAY1 = dt.datetime(2024, 11, 8, 8, 0, tzinfo=CAMPAIGN.tz)
DAY2 = dt.datetime(2024, 11, 9, 8, 0, tzinfo=CAMPAIGN.tz)
YTE, TUPHAP, VINHHAI = "Phòng Y tế thành phố Nha Trang", "Phòng Tư pháp thành phố Nha Trang", "UBND phường Vĩnh Hải"


def _row(name: str, citizens: int, date: str | None = None) -> tuple[Any, ...]:
    values = dict.fromkeys(HEADER)
    values.update({"Tên cơ quan, đơn vị": name, "Số người dân được tuyên truyền": citizens, "Ngày báo cáo": date})
    return tuple(values.values())


def _cycle(rows: list[tuple[Any, ...]], history: History | None, now: dt.datetime) -> Consolidation:
    snapshot = Snapshot(SourceKind.XLSX, "test.xlsx", RawTab("Báo cáo", (HEADER, *rows)), ("Báo cáo",))
    return compute(CAMPAIGN, ROSTER, snapshot, now, history)


def _citizens(result: Consolidation) -> dict[str, object]:
    return {u.unit_id: u.metrics["citizens"] for u in result.units if u.row is not None}


UNDATED = [_row(YTE, 1), _row(TUPHAP, 2), _row(YTE, 3), _row(VINHHAI, 4), _row(TUPHAP, 5), _row(VINHHAI, 6),
           _row(YTE, 7)]


def test_reversing_undated_rows_keeps_the_winners(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite")
    first = _cycle(UNDATED, history, DAY1)
    assert set(_citizens(first).values()) == {7, 5, 6}  # first seen together: the sheet's order then decides
    second = _cycle(UNDATED[::-1], history, DAY2)
    assert _citizens(second) == _citizens(first)
    yte = next(u for u in second.units if u.unit_id == "CM-YTE")
    assert (yte.row, yte.superseded_rows) == (2, (6, 8))  # the same row, now at the top of the sheet


def test_a_row_first_seen_later_wins_wherever_it_stands(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite")
    _cycle(UNDATED, history, DAY1)
    second = _cycle([_row(YTE, 99), *UNDATED[::-1]], history, DAY2)
    assert _citizens(second)["CM-YTE"] == 99


def test_dates_still_decide_before_the_order_seen(tmp_path: Path) -> None:
    history = History(tmp_path / "history.sqlite")
    rows = [_row(YTE, 1, "09/11/2024"), _row(YTE, 2, "07/11/2024")]
    assert _citizens(_cycle(rows, history, DAY1))["CM-YTE"] == 1
    assert _citizens(_cycle(rows[::-1], history, DAY2))["CM-YTE"] == 1


def test_without_a_history_row_order_decides_as_before() -> None:
    assert _citizens(_cycle(UNDATED, None, DAY1))["CM-YTE"] == 7
    assert _citizens(_cycle(UNDATED[::-1], None, DAY2))["CM-YTE"] == 1


OLD_SCHEMA = """
CREATE TABLE row_versions (
  tab TEXT NOT NULL, row INTEGER NOT NULL, fingerprint TEXT NOT NULL,
  content TEXT NOT NULL, first_seen TEXT NOT NULL, last_seen TEXT NOT NULL,
  PRIMARY KEY (tab, row, fingerprint));
CREATE INDEX row_versions_fp ON row_versions (fingerprint);
CREATE TABLE cycles (at TEXT NOT NULL, source TEXT NOT NULL, rows_read INTEGER NOT NULL, totals TEXT NOT NULL);
"""


def test_a_history_file_of_the_previous_version_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    early, late = "2024-11-05T08:00:00+07:00", "2024-11-06T08:00:00+07:00"
    with sqlite3.connect(path) as conn:
        conn.executescript(OLD_SCHEMA)
        conn.executemany("INSERT INTO row_versions VALUES ('Báo cáo', ?, ?, ?, ?, ?)", [
            (3, "fp-b", json.dumps(["b"]), early, late),
            (2, "fp-a", json.dumps(["a"]), early, late),
            (2, "fp-c", json.dumps(["c"]), late, late),
            (5, "fp-a", json.dumps(["a"]), late, late),  # the same content again, at another row, later
        ])
        conn.execute("INSERT INTO cycles VALUES (?, 'x.xlsx', 3, '{}')", (late,))
    conn.close()
    history = History(path)
    now_seen = [(2, "fp-c"), (3, "fp-b"), (4, "fp-a"), (6, "fp-new")]
    answers = history.remember("Báo cáo", now_seen, lambda row: json.dumps([row]), DAY2)
    at = dict(zip([fp for _, fp in now_seen], answers.at, strict=True))
    seq = dict(zip([fp for _, fp in now_seen], answers.seq, strict=True))
    assert at["fp-a"] == at["fp-b"] == dt.datetime.fromisoformat(early)
    assert at["fp-c"] == dt.datetime.fromisoformat(late) and at["fp-new"] == DAY2
    # first seen together on the 5th: row 2 (fp-a) before row 3 (fp-b), whatever their rows are now
    assert seq["fp-a"] < seq["fp-b"] < seq["fp-c"] < seq["fp-new"]
    assert len(history.versions()) == 4 + 2  # nothing dropped; two new (row, content) pairs
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
        assert conn.execute("SELECT COUNT(*) FROM cycles").fetchone()[0] == 1
    conn.close()


def test_a_version_2_file_gets_first_seen_in_key_order_with_every_entry_kept(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    History(path).remember("Báo cáo", [(2, "fp-b"), (3, "fp-a")], lambda row: json.dumps([row]), DAY1)
    with sqlite3.connect(path) as conn:  # as version 2 left it: first_seen a rowid table
        kept = conn.execute("SELECT * FROM first_seen ORDER BY seq").fetchall()
        conn.executescript("DROP TABLE first_seen; CREATE TABLE first_seen (tab TEXT NOT NULL, "
                           "fingerprint TEXT NOT NULL, at TEXT NOT NULL, seq INTEGER NOT NULL, "
                           "PRIMARY KEY (tab, fingerprint)); PRAGMA user_version = 2;")
        conn.executemany("INSERT INTO first_seen VALUES (?, ?, ?, ?)", kept)
    conn.close()
    history = History(path)
    seen = history.remember("Báo cáo", [(2, "fp-a"), (3, "fp-b"), (4, "fp-c")], lambda row: json.dumps([row]), DAY2)
    assert seen.at == [DAY1, DAY1, DAY2] and seen.seq == [2, 1, 3]  # the order first seen on day 1 holds
    with sqlite3.connect(path) as conn:
        (sql,) = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'first_seen'").fetchone()
        assert sql.endswith("WITHOUT ROWID") and conn.execute("PRAGMA user_version").fetchone()[0] == VERSION
        assert [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == [
            "row_versions", "cycles", "decisions", "decision_log", "first_seen"]
    conn.close()


def _winning_contents(history: History, rows: list[tuple[str, str]], now: dt.datetime) -> dict[str, str]:
    """Sheet rows 2, 3, … hold (unit, content) in this order; each unit's winning content."""
    numbered = list(enumerate(rows, start=2))
    seen = history.remember("Báo cáo", [(n, content) for n, (_, content) in numbered],
                            lambda n: json.dumps(rows[n - 2]), now)
    index = [n for n, _ in numbered]
    units = pd.Series([unit for _, (unit, _) in numbered], index=index, dtype=object)
    first = pd.Series(seen.at, index=index)
    order = pd.Series(seen.seq, index=index)
    winners = pick_latest(units, None, first, order).winners
    return {unit: rows[row - 2][1] for unit, row in winners.items()}


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from("ABC"), st.integers(0, 5)), min_size=1, max_size=15),
       data=st.data())
def test_any_reordering_of_the_rows_keeps_the_winners(rows: list[tuple[str, int]], data: st.DataObject) -> None:
    sheet = [(unit, f"{unit}:{value}") for unit, value in rows]  # equal contents may repeat, as in real sheets
    later = data.draw(st.permutations(sheet), label="the rows of the next cycle")
    with tempfile.TemporaryDirectory() as tmp:
        history = History(Path(tmp) / "history.sqlite")
        first = _winning_contents(history, sheet, DAY1)
        assert _winning_contents(history, list(later), DAY2) == first
        assert _winning_contents(history, sheet[::-1], DAY2 + dt.timedelta(hours=1)) == first


def test_two_processes_remembering_at_once_never_share_a_place_in_the_order(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    History(path).remember("Báo cáo", [(2, "warm-up")], lambda row: "[]", DAY1)
    answers: dict[str, list[int]] = {}

    def cycle(tab: str) -> None:
        rows = [(n, f"{tab}-{n}") for n in range(2, 3002)]
        answers[tab] = History(path).remember(tab, rows, lambda row: "[]", DAY2).seq

    workers = [threading.Thread(target=cycle, args=(tab,)) for tab in ("Báo cáo", "Tab 2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    every = answers["Báo cáo"] + answers["Tab 2"]
    assert len(every) == len(set(every)) == 6000 and min(every) == 2
