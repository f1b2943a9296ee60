"""`aggregator history --search` finds rows the way the matcher reads names: accents, case and spacing folded."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner

from aggregator.adapters.history import History
from aggregator.app.cli import cli

NOW = dt.datetime(2025, 6, 5, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))
ROWS = [["UBND xa Xuan  Hoi", 12, None], ["Ủy ban nhân dân thị trấn Tiên Điền", 7, "ghi chú"],
        ["UBND xã Xuân Phổ", "khoảng 20", None]]


@pytest.fixture
def history(tmp_path: Path) -> History:
    store = History(tmp_path / "history.sqlite")
    rows = [(n + 2, f"fp{n}") for n in range(len(ROWS))]
    store.remember("Báo cáo", rows, lambda row: json.dumps(ROWS[row - 2], ensure_ascii=False), NOW)
    return store


@pytest.mark.parametrize(("search", "rows"), [
    ("Xuân Hội", [2]),
    ("XUÂN   hội", [2]),
    ("xuan hoi", [2]),
    ("Tien Dien", [3]),
    ("thị trấn Tiên-Điền", [3]),
    ("xuan", [2, 4]),
    ("Xuân Hồi", [2]),  # tones folded away, as the matcher folds them before it weighs them
    ("Phường Xuân Hội", []),
], ids=["accents", "case-spacing", "typed-bare", "bare-finds-accented", "punctuation", "several", "tone", "none"])
def test_history_search_folds_like_the_matcher(history: History, search: str, rows: list[int]) -> None:
    assert [v.row for v in history.versions(text=search)] == rows


def test_history_cli_search_on_the_demo_finds_a_name_typed_without_accents(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert runner.invoke(cli, ["run", "--out", str(out), "--now", "2024-11-21T08:00:00+07:00"]).exit_code == 0
    result = runner.invoke(cli, ["history", "--out", str(out), "--search", "xã VĨNH  Trung"])
    assert result.exit_code == 0, result.stderr
    assert "UBND xa Vinh Trung" in result.stdout and "1 version(s)." in result.stdout


def test_history_drops_the_fingerprint_index_nothing_reads_and_keeps_every_row(tmp_path: Path) -> None:
    path = tmp_path / "history.sqlite"
    History(path).remember("Báo cáo", [(2, "fp-a")], lambda row: "[]", NOW)
    with closing(sqlite3.connect(path)) as conn, conn:  # as a file written before this version has it
        conn.execute("CREATE INDEX row_versions_fp ON row_versions (fingerprint)")
    seen = History(path).remember("Báo cáo", [(2, "fp-a"), (3, "fp-b")], lambda row: "[]", NOW + dt.timedelta(1))
    with closing(sqlite3.connect(path)) as conn:
        indexes = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "row_versions_fp" not in indexes  # every insert paid for it; no query reads it
    assert seen.at == [NOW, NOW + dt.timedelta(1)] and seen.seq == [1, 2]
    assert [v.row for v in History(path).versions()] == [2, 3]


def test_history_remembers_every_row_of_a_long_sheet_with_its_own_content(tmp_path: Path) -> None:
    store = History(tmp_path / "history.sqlite")
    rows = [(n, f"fp{n % 240}") for n in range(2, 252)]  # 250 rows; the last ten repeat earlier contents
    first = store.remember("Báo cáo", rows, lambda row: json.dumps([row]), NOW)
    order: dict[str, int] = {}
    for _, fp in rows:
        order.setdefault(fp, len(order) + 1)  # numbered in the order first seen
    assert first.seq == [order[fp] for _, fp in rows] and set(first.at) == {NOW}
    assert [(v.row, v.content) for v in store.versions()] == [(n, [n]) for n in range(2, 252)]
    again = store.remember("Báo cáo", rows[::-1], lambda row: "never asked", NOW + dt.timedelta(1))
    assert again.seq == first.seq[::-1] and set(again.at) == {NOW}  # known rows keep their place and moment
    assert len(store.versions()) == 250


def test_a_row_version_seen_again_gets_its_last_seen_time_and_keeps_its_first(history: History) -> None:
    """Seen again unchanged, a row version's last-seen time moves; moved, changed or new, a row is a new
    version. Also when no row of the cycle is known at all (every row moved: no version's time moves)."""
    later, latest = NOW + dt.timedelta(hours=1), NOW + dt.timedelta(hours=2)
    content = lambda row: json.dumps(["dòng", row], ensure_ascii=False)  # noqa: E731
    history.remember("Báo cáo", [(2, "fp0"), (3, "fp1-edited"), (5, "fp2")], content, later)
    seen = {(v.row, v.first_seen, v.last_seen) for v in history.versions()}
    assert seen == {(2, NOW, later), (3, NOW, NOW), (4, NOW, NOW), (3, later, later), (5, later, later)}
    history.remember("Báo cáo", [(7, "fp0"), (8, "fp9")], content, latest)  # every row moved or new
    after = {(v.row, v.first_seen, v.last_seen) for v in history.versions()}
    assert after == seen | {(7, latest, latest), (8, latest, latest)}


def test_a_cell_holding_a_lone_surrogate_is_kept_as_typed(tmp_path: Path) -> None:
    """Google's JSON may hold "\\ud800" (text no UTF-8 can carry): the history keeps that row's content, escaped,
    and the other new rows as they are; the fingerprint of such a row is a hash like any other."""
    import pandas as pd

    from aggregator.cells.fingerprint import fingerprints

    cells = [["UBND xã Hòa\ud800", 12], ["UBND xã Long Hòa", 3]]
    store = History(tmp_path / "history.sqlite")
    found = fingerprints(pd.DataFrame(cells, dtype=object))
    assert len(set(found)) == 2 and all(len(fp) == 20 for fp in found)
    seen = store.remember("Báo cáo", [(2, found[0]), (3, found[1])],
                          lambda row: json.dumps(cells[row - 2], ensure_ascii=False), NOW)
    assert seen.seq == [1, 2]
    assert [v.content for v in store.versions()] == cells
