"""Bad input never crashes and never loses data: compute() on hostile snapshots."""

from __future__ import annotations

import datetime as dt
import gc
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aggregator
from aggregator.adapters import campaign_file
from aggregator.adapters.roster_file import read_roster
from aggregator.app.lifetime import gc_paused
from aggregator.app.pipeline import compute
from aggregator.app.preflight import run_checks
from aggregator.app.wiring import run_cycle
from aggregator.errors import DuplicateColumnError, RosterError, SchemaError
from aggregator.models import RawTab, Snapshot, SourceKind
from aggregator.sheet import total_rows
from aggregator.sheet.headers import column_letter
from aggregator.textnorm import base_chars, clean_text
from tests.conftest import REPO

CAMPAIGN = campaign_file.load()
ROSTER = read_roster(CAMPAIGN.resolve(CAMPAIGN.roster))
HEADER = tuple(c.header for c in CAMPAIGN.columns)
NOW = dt.datetime(2024, 11, 11, 8, 0, tzinfo=CAMPAIGN.tz)


def _snapshot(*rows: tuple[Any, ...]) -> Snapshot:
    return Snapshot(SourceKind.XLSX, "test.xlsx", RawTab("Báo cáo", tuple(rows)), ("Báo cáo",))


def _row(name: Any, citizens: Any = 10, date: Any = "08/11/2024", **extra: Any) -> tuple[Any, ...]:
    values = dict.fromkeys(HEADER, None)
    values.update({"Tên cơ quan, đơn vị": name, "Số người dân được tuyên truyền": citizens, "Ngày báo cáo": date})
    for key, value in extra.items():
        values[next(c.header for c in CAMPAIGN.columns if c.key == key)] = value
    return tuple(values.values())


def test_pipeline_empty_sheet_says_the_header_row_is_empty() -> None:
    with pytest.raises(SchemaError, match="empty header row"):
        compute(CAMPAIGN, ROSTER, _snapshot(), NOW, None)


def test_pipeline_header_only_sheet_reports_everyone_missing() -> None:
    result = compute(CAMPAIGN, ROSTER, _snapshot(HEADER), NOW, None)
    assert result.totals.units_reported == 0
    assert result.totals.units_missing == len(ROSTER)
    assert result.source.rows_read == 0


def test_pipeline_counts_blank_unmatched_and_superseded_rows() -> None:
    result = compute(CAMPAIGN, ROSTER, _snapshot(
        HEADER,
        _row("Phòng Y tế thành phố Nha Trang", 5, "07/11/2024"),
        _row(None, None, None),
        _row("Phòng Y tế thành phố Nha Trang", 7, "09/11/2024"),
        _row("Công ty ABC", 3),
        _row(None, 4),
        _row("Phòng Tư pháp thành phố Nha Trang", "abc", "12/11/2024"),
    ), NOW, None)
    t = result.totals
    assert (t.units_reported, t.units_late, t.rows_blank, t.rows_unmatched, t.rows_superseded) == (2, 1, 1, 2, 1)
    yte = next(u for u in result.units if u.unit_id == "CM-YTE")
    assert (yte.row, yte.superseded_rows, yte.metrics["citizens"]) == (4, (2,), 7)
    tuphap = next(u for u in result.units if u.unit_id == "CM-TUPHAP")
    assert tuphap.status == "late" and tuphap.metrics["citizens"] is None
    assert tuphap.problems[0].row == 7 and tuphap.problems[0].column == "Số người dân được tuyên truyền"
    assert result.metrics["citizens"] == 7
    assert t.units_with_problems == 1


def test_pipeline_survives_huge_and_control_character_cells() -> None:
    huge = "Không " * 10_000
    result = compute(CAMPAIGN, ROSTER, _snapshot(
        HEADER,
        _row("Phòng Y tế\x00\x07 thành phố Nha Trang", 5, issues_raised=huge),
        _row("x" * 50_000, "1" * 50_000),
    ), NOW, None)
    yte = next(u for u in result.units if u.unit_id == "CM-YTE")
    assert yte.status == "reported"
    assert len(yte.texts["issues_raised"]) <= 2000
    assert result.totals.rows_unmatched == 1


def test_pipeline_duplicate_metric_header_stops_the_cycle_naming_both_columns() -> None:
    header = (*HEADER, "Số người dân được tuyên truyền")
    row = (*_row("Phòng Y tế thành phố Nha Trang", 5), 999)
    with pytest.raises(DuplicateColumnError) as info:
        compute(CAMPAIGN, ROSTER, _snapshot(header, row), NOW, None)
    column = f"column {column_letter(len(HEADER))}"
    assert info.value.exit_code == 5 and "column F" in info.value.message and column in info.value.message


def test_pipeline_ragged_rows_and_merged_cell_gaps() -> None:
    short = ("1", "Phòng Y tế thành phố Nha Trang", None, 12)
    result = compute(CAMPAIGN, ROSTER, _snapshot(HEADER, short, (None, None, "merged", 5)), NOW, None)
    yte = next(u for u in result.units if u.unit_id == "CM-YTE")
    assert yte.status == "reported" and yte.metrics["officials"] == 12 and yte.metrics["citizens"] is None
    assert result.totals.rows_unmatched == 1  # the row with a value but no name


def test_a_name_with_nothing_else_is_no_report() -> None:
    """An office that typed every unit's name (and group) in advance, section headings between the blocks:
    a unit has reported once its row holds anything else; headings and untouched names are no rows to review."""
    result = compute(CAMPAIGN, ROSTER, _snapshot(
        HEADER,
        ("I", "KHỐI XÃ, PHƯỜNG"),
        _row(None, None, None),
        _row("Ủy ban nhân dân phường Vĩnh Hải", None, None, group_hint="Xã, phường"),  # typed in advance, untouched
        _row("Ủy ban nhân dân phường Vĩnh Phước", 40, "07/11/2024", group_hint="Xã, phường"),
        ("II", "Khối trường học", None, None, None, None, None, None, None, None, None, None, None, None, None),
        _row("Phòng Y tế thành phố Nha Trang", None, "09/11/2024"),  # a date and nothing else: it was sent
        (None, None, "Khối trường học"),  # what a merged group cell leaves in the rows below it
    ), NOW, None)
    status = {u.unit_id: u.status for u in result.units}
    assert status["PX-VINHHAI"] == "missing" and status["PX-VINHPHUOC"] == "reported"
    assert status["CM-YTE"] == "reported"
    assert (result.totals.rows_name_only, result.totals.rows_blank, result.totals.rows_unmatched) == (3, 2, 0)
    assert result.review_items.listed == ()  # the headings are no names to settle


def test_pipeline_roster_group_outside_the_campaign_stops_run_as_it_stops_check(tmp_path: Path) -> None:
    text = CAMPAIGN.resolve(CAMPAIGN.roster).read_text(encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(text.replace(",xaphuong,", ",moi,"), encoding="utf-8")
    with pytest.raises(RosterError) as info:
        run_cycle(CAMPAIGN, out_dir=tmp_path / "o", roster_override=roster, now=NOW)
    assert info.value.exit_code == 2
    assert info.value.message.count("'moi'") == 1  # one message for all 27 lines
    assert "(dang_doanthe, chuyenmon, sunghiep, truonghoc, xaphuong)" in info.value.message
    assert not (tmp_path / "o").exists()
    (_, error), *_ = [r for r in run_checks(None, roster_override=roster) if r[1] is not None]
    assert error is not None and error.message == info.value.message


def test_a_cycle_pauses_the_cyclic_collector_and_leaves_it_as_it_found_it() -> None:
    seen: list[bool] = []

    @gc_paused
    def step() -> None:
        seen.append(gc.isenabled())
        raise SchemaError("Báo cáo", ["Tên cơ quan, đơn vị"], ["STT"])

    assert gc.isenabled()
    with pytest.raises(SchemaError):
        step()
    gc.disable()
    try:
        with pytest.raises(SchemaError):
            step()
        assert not gc.isenabled()  # an embedding program that turned it off keeps it off
    finally:
        gc.enable()
    assert seen == [False, False] and gc.isenabled()


def test_pipeline_group_column_breaks_a_tie_and_reasons_reach_status() -> None:
    result = compute(CAMPAIGN, ROSTER, _snapshot(
        HEADER,
        _row("Vĩnh Hải", 5, group_hint="Xã, phường"),  # ward, kindergarten, two primary schools
        _row("Vĩnh Hải", 6, group_hint=None),
        _row("Phòng Y tế", 7, group_hint="Trường học"),  # a careless hint never overrides a unique match
        _row("UBND xã Vĩnh Hải", 8),  # Vĩnh Hải is a ward
        _row("Phòng Y tế huyện Diên Khánh", 9),  # another district than the campaign's area
        _row("Phòng Y tế - TP Nha Trang, tỉnh Khánh Hòa", 10, "09/11/2024"),  # the campaign's own area
    ), NOW, None)
    ward = next(u for u in result.units if u.unit_id == "PX-VINHHAI")
    assert (ward.row, ward.metrics["citizens"]) == (2, 5)
    health = next(u for u in result.units if u.unit_id == "CM-YTE")
    assert (health.row, health.superseded_rows) == (7, (4,))
    reasons = {row.row: row.kind.value for row in result.unmatched_rows}
    assert reasons == {3: "ambiguous", 5: "type_conflict", 6: "locality_conflict"}


def _probe(argv: list[str], before: str = "") -> subprocess.CompletedProcess[str]:
    """``main`` run with ``argv`` in a fresh interpreter that registers an exit handler first."""
    code = ("import atexit, gc, sys, threading, time\nfrom aggregator.app.cli import main\n"
            "atexit.register(lambda: print('teardown', gc.get_freeze_count() > 1000, flush=True))\n"
            f"{before}\nsys.argv = {['aggregator', *argv]!r}\nmain()\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO)


def test_the_command_line_ends_without_the_interpreters_teardown_keeping_output_and_exit_code() -> None:
    """A one-thread process ends by os._exit once its output is flushed: no exit handler, no module
    teardown; the exit code is click's."""
    done = _probe(["--version"])
    assert (done.returncode, done.stdout.strip()) == (0, f"aggregator, version {aggregator.__version__}")
    failed = _probe(["run", "--config", "no-such-campaign.yaml"])
    assert failed.returncode == 2 and "does not exist" in failed.stderr and "teardown" not in failed.stdout


def test_the_command_line_ends_the_usual_way_while_other_threads_run() -> None:
    """A thread still running (serve's scheduler pool) is waited for, and the exit handlers run, with
    everything alive left out of the shutdown's collections."""
    done = _probe(["--version"], "threading.Thread(target=lambda: (time.sleep(0.3), print('joined', flush=True)))"
                                 ".start()")
    assert done.returncode == 0
    assert done.stdout.split("\n")[1:] == ["joined", "teardown True", ""]


def test_what_a_cycle_is_done_with_is_released_unless_the_process_ends_after_it() -> None:
    """``serve`` goes on: the agency rows are released once compute is done with them; ``run`` ends after its
    cycle and keeps them until os._exit (releasing 1.6 million cells would only cost time)."""
    code = ("import weakref\nfrom aggregator.app import lifetime\nclass Rows: pass\n"
            "def released():\n    rows = Rows()\n    alive = weakref.ref(rows)\n    lifetime.done_with(rows)\n"
            "    del rows\n    return alive() is None\n"
            "going_on = released()\nlifetime.ends_with_its_command()\nlifetime.ending_after_this_cycle()\n"
            "print(going_on, released())\n"
            # and what a cycle leaves alive is left out of collections (its first one walked it all, 0.2 s)
            "import gc\nstep = lifetime.gc_paused(lambda: [[i] for i in range(50_000)])\n"
            "frozen = gc.get_freeze_count()\nleft = step()\nprint(gc.isenabled(), gc.get_freeze_count() - frozen)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    first, (enabled, frozen) = done.stdout.split()[:2], done.stdout.split()[2:]
    assert first == ["True", "False"] and enabled == "True" and int(frozen) > 50_000


def test_a_submission_day_typed_without_a_year_is_read_in_the_campaigns_year() -> None:
    result = compute(CAMPAIGN, ROSTER, _snapshot(
        HEADER, _row("Phòng Y tế thành phố Nha Trang", 5, "8/11"), _row("Phòng Tư pháp thành phố", 6, "11/11 7h"),
    ), NOW, None)
    units = {u.unit_id: u for u in result.units}
    assert units["CM-YTE"].status == "reported" and units["CM-YTE"].submitted_at == dt.datetime(2024, 11, 8,
                                                                                                    tzinfo=CAMPAIGN.tz)
    assert units["CM-TUPHAP"].status == "late" and not units["CM-TUPHAP"].problems


def test_the_sheets_own_totals_are_no_report_and_no_name_to_settle() -> None:
    result = compute(CAMPAIGN, ROSTER, _snapshot(
        HEADER,
        _row("Ủy ban nhân dân phường Vĩnh Phước", 40, "07/11/2024"),
        _row("Cộng khối xã, phường", 40, None),
        _row("Công an phường Vĩnh Hải", 3, "07/11/2024"),  # a name that starts like a total: still asked about
        _row(" TỔNG\u00a0 CỘNG\u200b", 43, None),  # cleaned before it is read as a total
    ), NOW, None)
    assert (result.totals.rows_total, result.totals.rows_unmatched, result.totals.units_reported) == (2, 1, 1)
    assert [r.typed_name for r in result.unmatched_rows] == ["Công an phường Vĩnh Hải"]
    assert result.metrics["citizens"] == 40  # the totals' own figures are never added


_LABEL_PIECES = ["Tổng cộng", "TỔNG SỐ", "tong cong", "Cộng", "Công", "Tổng công ty", " ", "  ", "\u00a0", "\n",
                 "\u200b", "(27 đơn vị)", ": ", "khối", "Xã Long Hòa", "3", "To\u0302\u0309ng", "Ç", "Đông"]


@given(st.lists(st.one_of(st.lists(st.sampled_from(_LABEL_PIECES), max_size=5).map("".join), st.none(),
                          st.integers(), st.text(max_size=8)), max_size=12))
@settings(max_examples=200, deadline=None)
def test_total_labels_of_many_names_are_each_names_alone(names: list[object]) -> None:
    """total_labels folds each distinct start of the (clean) names once: each name reads as it does alone."""
    def alone(name: object) -> bool:
        text = name if isinstance(name, str) else ""
        return base_chars(text[:4]) in {"tong", "cong"} and total_rows._is_total(text.lower())

    clean = [clean_text(name) if isinstance(name, str) else name for name in names]
    assert total_rows.total_labels(clean) == [alone(name) for name in clean]


@pytest.mark.parametrize("numbering", [
    tuple(f"({i})" for i in range(1, len(HEADER) + 1)),
    ("A", "B", *range(1, len(HEADER) - 1)),
])
def test_the_forms_column_numbers_under_the_header_are_layout(numbering: tuple[Any, ...]) -> None:
    result = compute(CAMPAIGN, ROSTER, _snapshot(
        HEADER, numbering, _row("Phòng Y tế thành phố Nha Trang", 5, "07/11/2024"),
        (None, None, None, 3, 4, 5, 6),  # figures without a name: never taken for numbering
    ), NOW, None)
    assert (result.totals.rows_blank, result.totals.units_reported) == (1, 1)
    assert [(r.row, r.kind.value) for r in result.unmatched_rows] == [(4, "no_name")]
