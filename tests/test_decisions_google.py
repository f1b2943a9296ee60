"""Issue 10 against the HTTP-level fake of the Sheets API: staff settle rows in the worker's "Xử lý" tab."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from aggregator.app.cli import cli
from aggregator.decisions.choices import NOT_A_UNIT, USE_THIS_ROW
from aggregator.decisions.tab import CHOICES_COL, DECISION_COL, STATE_COL
from tests.decision_sheets import DASHBOARD, DECISIONS, NOW, ROWS, SID, Sheet, during_first_write, make_sheet
from tests.fake_sheets import service_account_key

LATER = NOW + dt.timedelta(minutes=10)


@pytest.fixture
def sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sheet]:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "key.json")))
    yield from make_sheet(tmp_path)


def unit(status: dict, unit_id: str) -> dict:
    return next(u for u in status["units"] if u["unit_id"] == unit_id)


def test_picking_a_unit_beside_an_unmatched_row_counts_it_next_cycle_with_two_reads(sheet: Sheet) -> None:
    first = sheet.cycle()
    assert unit(first, "PX-VINHHAI")["status"] == "missing"
    assert 3 in [r["row"] for r in first["unmatched_rows"]]
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    mark = sheet.api.mark()
    second = sheet.cycle(LATER)
    assert sheet.api.counts(mark)[0] == 2  # the metadata GET and the one batchGet, decisions tab included
    assert unit(second, "PX-VINHHAI")["row"] == 3
    assert unit(second, "PX-VINHHAI")["metrics"] == {"citizens": 20, "sessions": 2}
    assert second["totals"]["units_reported"] == first["totals"]["units_reported"] + 1
    assert 3 not in [r["row"] for r in second["unmatched_rows"]]
    [decision] = second["decisions"]
    assert decision | {"first_seen": None} == decision | {
        "row": 3, "typed_name": "UBND P.VH", "kind": "unit", "unit_id": "PX-VINHHAI", "column": None,
        "state": "applied", "source": "sheet", "rows": [3], "first_seen": None}
    assert decision["first_seen"] == LATER.isoformat()
    state = sheet.decisions.values()[sheet.line_of("UBND P.VH")][STATE_COL]
    assert state.startswith("Đã áp dụng") and "Vĩnh Hải" in state


def test_the_tab_offers_every_unit_from_a_range_and_leaves_only_the_answer_column_open(sheet: Sheet) -> None:
    sheet.cycle()
    tab = sheet.decisions
    rows = tab.values()
    choices = [row[CHOICES_COL] for row in rows[1:] if len(row) > CHOICES_COL]
    assert choices[0] == NOT_A_UNIT and len(choices) == 1 + 5 and "Phòng Nội vụ" in choices
    name_line = sheet.line_of("UBND P.VH")
    rule = tab.formats[(name_line, DECISION_COL)]["dataValidation"]
    assert rule["condition"] == {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='Xử lý'!$M$2:$M$7"}]}
    assert rule["strict"] and rule["showCustomUi"]
    pin = tab.formats[(sheet.line_of("Phòng Nội vụ", "P"), DECISION_COL)]["dataValidation"]
    assert pin["condition"] == {"type": "ONE_OF_LIST", "values": [{"userEnteredValue": USE_THIS_ROW}]}
    assert "dataValidation" not in tab.formats.get((sheet.line_of("Phòng Tư pháp", "V"), DECISION_COL), {})
    [protection] = tab.protected
    assert protection["warningOnly"] and protection["unprotectedRanges"] == [
        {"sheetId": tab.sheet_id, "startRowIndex": 1, "startColumnIndex": DECISION_COL,
         "endColumnIndex": DECISION_COL + 1}]
    assert tab.hidden_cols == {CHOICES_COL}
    writes = [c for c in sheet.api.log if c.endpoint == "values.batchUpdate"]
    for item in (d for c in writes for d in c.body["data"] if d["range"].startswith("'Xử lý'")):
        assert not item["range"].startswith("'Xử lý'!H") or item["range"] == "'Xử lý'!A1:J1"


def test_a_decision_survives_sorting_an_inserted_row_and_the_dashboard_rewrite(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    sheet.cycle(LATER)
    moved = [["Phòng Kinh tế", "08/11/2024", 1, 1], *sorted(ROWS, key=lambda r: r[0])]  # a row inserted on top
    sheet.set_agency_rows(moved)
    sheet.tab("Tổng hợp tiến độ").cells.clear()  # the dashboard rewritten (by hand, even)
    status = sheet.cycle(LATER + dt.timedelta(minutes=10))
    new_row = 2 + moved.index(ROWS[1])
    assert new_row != 3 and unit(status, "PX-VINHHAI")["row"] == new_row
    assert [(d["state"], d["rows"]) for d in status["decisions"]] == [("applied", [new_row])]


def test_a_choice_typed_while_a_cycle_runs_is_not_wiped(sheet: Sheet) -> None:
    sheet.cycle()
    during_first_write(sheet.api, lambda: sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải"))
    sheet.set_agency_rows([*ROWS, ["Phòng Kinh tế", "08/11/2024", 1, 1]])  # something to write this cycle
    sheet.cycle(LATER)  # reads before the choice, writes after it
    line = sheet.line_of("UBND P.VH")
    assert sheet.decisions.values()[line][DECISION_COL] == "Ủy ban nhân dân phường Vĩnh Hải"
    assert unit(sheet.cycle(LATER + dt.timedelta(minutes=10)), "PX-VINHHAI")["row"] == 3


def test_editing_the_decided_row_turns_the_decision_to_needs_review(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    sheet.cycle(LATER)
    edited = [list(r) for r in ROWS]
    edited[1][2] = 25  # the agency corrects its figure
    sheet.set_agency_rows(edited)
    status = sheet.cycle(LATER + dt.timedelta(minutes=10))
    [decision] = status["decisions"]
    assert decision["state"] == "needs_review" and decision["rows"] == []
    assert unit(status, "PX-VINHHAI")["status"] == "missing"  # not applied blindly
    assert 3 in [r["row"] for r in status["unmatched_rows"]]
    assert "dòng 3 vẫn ghi “UBND P.VH” nhưng các ô khác đã sửa" in decision["note"]
    lines = [row for row in sheet.decisions.values()[1:] if row and row[0].startswith("N-")]
    assert len([row for row in lines if row[3] == "UBND P.VH"]) == 2  # the old line stays, the new one is asked


def test_a_choice_that_names_no_unit_is_invalid_and_never_applied(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "Phường Vĩnh Hải mới")
    status = sheet.cycle(LATER)
    assert [d["state"] for d in status["decisions"]] == ["invalid"]
    assert unit(status, "PX-VINHHAI")["status"] == "missing"
    assert sheet.decisions.values()[sheet.line_of("UBND P.VH")][STATE_COL].startswith("Không hợp lệ")


def test_not_a_unit_moves_the_row_from_unmatched_to_ignored(sheet: Sheet) -> None:
    first = sheet.cycle()
    sheet.answer("Đội văn nghệ xung kích", NOT_A_UNIT)
    second = sheet.cycle(LATER)
    assert second["totals"]["rows_unmatched"] == first["totals"]["rows_unmatched"] - 1
    assert (first["totals"]["rows_ignored"], second["totals"]["rows_ignored"]) == (0, 1)
    assert [(d["kind"], d["row"], d["state"]) for d in second["decisions"]] == [("not_a_unit", 5, "applied")]


def test_a_confirmed_value_counts_in_the_totals_and_clears_the_problem(sheet: Sheet) -> None:
    first = sheet.cycle()
    assert unit(first, "TP")["metrics"]["citizens"] is None and unit(first, "TP")["problems"]
    sheet.answer("Phòng Tư pháp", "1.250", kind="V")  # typed as text in the answer column, read the Vietnamese way
    second = sheet.cycle(LATER)
    assert unit(second, "TP")["metrics"]["citizens"] == 1250 and unit(second, "TP")["problems"] == []
    assert second["metrics"]["citizens"] == first["metrics"]["citizens"] + 1250
    assert second["totals"]["units_with_problems"] == first["totals"]["units_with_problems"] - 1
    assert unit(second, "TP")["confirmed"] == [
        {"row": 4, "column": "Số người dân được tuyên truyền", "typed": "số liệu gửi sau", "value": 1250}]
    assert sheet.agency.values()[3][2] == "số liệu gửi sau"  # the agency's cell stays as typed


def test_an_unreadable_confirmed_value_is_invalid(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("Phòng Tư pháp", "khoảng vài trăm", kind="V")
    status = sheet.cycle(LATER)
    assert [d["state"] for d in status["decisions"]] == ["invalid"]
    assert unit(status, "TP")["metrics"]["citizens"] is None


def test_a_pinned_row_wins_over_a_later_one(sheet: Sheet) -> None:
    first = sheet.cycle()
    assert (unit(first, "NV")["row"], unit(first, "NV")["superseded_rows"]) == (7, [6])
    line = next(i for i, row in enumerate(sheet.decisions.values()) if row and row[0].startswith("P-") and row[2] == 6)
    sheet.decisions.cells[(line, DECISION_COL)] = USE_THIS_ROW
    second = sheet.cycle(LATER)
    assert (unit(second, "NV")["row"], unit(second, "NV")["superseded_rows"]) == (6, [7])
    assert [(d["kind"], d["unit_id"], d["state"]) for d in second["decisions"]] == [("pin_row", "NV", "applied")]


def test_a_settled_name_matches_other_rows_typed_the_same_way(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    sheet.cycle(LATER)
    sheet.set_agency_rows([*ROWS, ["ubnd  p. vh", "09/11/2024", 30, 3]])  # typed again, another way, later
    status = sheet.cycle(LATER + dt.timedelta(minutes=10))
    assert (unit(status, "PX-VINHHAI")["row"], unit(status, "PX-VINHHAI")["superseded_rows"]) == (8, [3])


def test_a_unit_matched_by_a_decision_is_not_announced_as_new(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    changes = sheet.run(LATER).changes
    assert not [line for line in changes if line.startswith("Mới báo cáo")]
    assert [line for line in changes if line.startswith("Đã xác định được đơn vị") and "Vĩnh Hải" in line]


def test_a_steady_cycle_with_decisions_reads_twice_and_writes_at_most_once(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    sheet.answer("Phòng Tư pháp", "250", kind="V")
    sheet.cycle(LATER)
    mark = sheet.api.mark()
    sheet.cycle(LATER)  # nothing changed
    assert sheet.api.counts(mark) == (2, 0)
    mark = sheet.api.mark()
    sheet.cycle(LATER + dt.timedelta(minutes=10))  # only the time moved
    assert sheet.api.counts(mark) == (2, 1)
    [write] = sheet.api.calls(mark, "write")
    assert write.endpoint == "values.batchUpdate"


def _sheet_ids(doc: Any) -> set[int]:
    if isinstance(doc, dict):
        return {v for k, v in doc.items() if k == "sheetId"} | {i for v in doc.values() for i in _sheet_ids(v)}
    return {i for v in doc for i in _sheet_ids(v)} if isinstance(doc, list) else set()


def test_no_write_ever_touches_the_agency_tab(sheet: Sheet) -> None:
    before = sheet.agency.values()
    sheet.cycle()
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    sheet.cycle(LATER)
    own = {sheet.tab(DASHBOARD).sheet_id, sheet.decisions.sheet_id}
    for call in sheet.api.calls(kind="write"):
        assert _sheet_ids(call.body) <= own, call.endpoint
        for item in call.body.get("data", []):
            assert item["range"].startswith((f"'{DASHBOARD}'!", f"'{DECISIONS}'!")), item["range"]
    assert sheet.agency.values() == before
    assert (sheet.agency.formats, sheet.agency.protected) == ({}, [])


@pytest.fixture
def roster_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sheet]:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "key.json")))
    for made in make_sheet(tmp_path, roster_tab=True):
        text = (tmp_path / "c.yaml").read_text(encoding="utf-8")
        (tmp_path / "c.yaml").write_text(text.replace("roster: roster.csv", 'roster: {tab: "Danh sách đơn vị"}'),
                                         encoding="utf-8")
        (tmp_path / "roster.csv").unlink()
        yield made


def test_a_roster_tab_is_read_in_the_same_batch_get(roster_sheet: Sheet) -> None:
    status = roster_sheet.cycle()
    assert status["totals"]["units_expected"] == 5 and unit(status, "NV")["row"] == 7
    [batch_get] = [c for c in roster_sheet.api.calls(kind="read") if c.endpoint == "values.batchGet"]
    assert "'Danh sách đơn vị'" in batch_get.params["ranges"]
    roster_sheet.tab("Danh sách đơn vị").cells[(6, 0)] = "PX-MOI"  # staff add a unit in the sheet
    roster_sheet.tab("Danh sách đơn vị").cells[(6, 1)] = "x"
    roster_sheet.tab("Danh sách đơn vị").cells[(6, 2)] = "Ủy ban nhân dân phường Mới"
    mark = roster_sheet.api.mark()
    assert roster_sheet.cycle(LATER)["totals"]["units_expected"] == 6
    assert roster_sheet.api.counts(mark)[0] == 2


def test_a_roster_tab_with_each_group_merged_over_its_units_gives_every_unit_its_group(roster_sheet: Sheet) -> None:
    """Offices merge a roster's group cell over the units of the group: Sheets keeps it in the first cell only,
    and the roster had "empty group" on every other unit's line."""
    roster = roster_sheet.tab("Danh sách đơn vị")
    roster.merge(1, 4, 1, 2)  # B2:B4, the three "p" units
    roster.merge(4, 6, 1, 2)  # B5:B6, the two "x" units
    assert (2, 1) not in roster.cells  # merging keeps the first cell's value only, as Sheets does
    status = roster_sheet.cycle()
    assert status["totals"]["units_expected"] == 5
    assert {g["group"]: g["expected"] for g in status["groups"]} == {"p": 3, "x": 2}


def test_a_roster_tab_without_its_columns_is_one_clear_error(roster_sheet: Sheet, runner: CliRunner) -> None:
    roster_sheet.tab("Danh sách đơn vị").cells[(0, 2)] = "Tên"  # the `name` header renamed
    result = runner.invoke(cli, ["check", "--config", str(roster_sheet.folder / "c.yaml")])
    assert result.exit_code == 2 and "lacks the column(s) name" in result.stdout, result.stdout
    run = runner.invoke(cli, ["run", "--config", str(roster_sheet.folder / "c.yaml"), "--out",
                              str(roster_sheet.folder / "out")])
    assert run.exit_code == 2 and "tab 'Danh sách đơn vị'" in run.stderr and "Traceback" not in run.stderr


def _pin(sheet: Sheet, row: int) -> None:
    line = next(i for i, r in enumerate(sheet.decisions.values()) if r and r[0].startswith("P-") and r[2] == row)
    sheet.decisions.cells[(line, DECISION_COL)] = USE_THIS_ROW


def test_two_pins_on_one_unit_are_reported_and_neither_is_applied(sheet: Sheet) -> None:
    first = sheet.cycle()
    _pin(sheet, 6)
    _pin(sheet, 7)
    second = sheet.cycle(LATER)
    assert (unit(second, "NV")["row"], unit(second, "NV")["superseded_rows"]) == (7, [6])  # the usual rule
    assert unit(second, "NV")["metrics"] == unit(first, "NV")["metrics"]
    pins = [d for d in second["decisions"] if d["kind"] == "pin_row"]
    assert sorted((d["rows"], d["state"]) for d in pins) == [([6], "needs_review"), ([7], "needs_review")]
    for d in pins:
        assert "Phòng Nội vụ có 2 dòng cùng được chọn “Dùng dòng này” (dòng 6, 7)" in d["note"]
        assert "Đã áp dụng" not in d["note"]
    state = sheet.decisions.values()[sheet.line_of("Phòng Nội vụ", "P")][STATE_COL]
    assert state.startswith("Cần xem lại")
    sheet.decisions.cells[(sheet.line_of("Phòng Nội vụ", "P"), DECISION_COL)] = ""  # staff clear one of them
    third = sheet.cycle(LATER + dt.timedelta(minutes=10))
    assert [d["state"] for d in third["decisions"] if d["kind"] == "pin_row"] == ["applied"]


def test_a_value_confirmed_on_an_unmatched_row_is_not_called_applied(sheet: Sheet) -> None:
    rows = [list(r) for r in ROWS]
    rows[1][2] = "chưa có"  # the unmatched row "UBND P.VH" has a problem cell too
    sheet.set_agency_rows(rows)
    first = sheet.cycle()
    sheet.answer("UBND P.VH", "40", kind="V")
    second = sheet.cycle(LATER)
    [decision] = second["decisions"]
    assert (decision["kind"], decision["state"], decision["value"]) == ("value", "needs_review", 40)
    assert "chưa thuộc đơn vị nào" in decision["note"] and "được tính khi dòng có đơn vị" in decision["note"]
    assert second["metrics"]["citizens"] == first["metrics"]["citizens"]
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")  # the row gets its unit: the value counts
    third = sheet.cycle(LATER + dt.timedelta(minutes=10))
    assert sorted((d["kind"], d["state"]) for d in third["decisions"]) == [("unit", "applied"), ("value", "applied")]
    assert unit(third, "PX-VINHHAI")["metrics"]["citizens"] == 40


def test_invalid_answers_keep_what_was_typed_in_typed_value_and_no_value(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "PX-KHONGCO")
    sheet.answer("Phòng Tư pháp", "khoảng vài trăm", kind="V")
    line = next(i for i, r in enumerate(sheet.decisions.values()) if r and r[0].startswith("P-") and r[2] == 6)
    sheet.decisions.cells[(line, DECISION_COL)] = "abc"
    status = sheet.cycle(LATER)
    found = sorted((d["kind"], d["state"], d["value"], d["typed_value"]) for d in status["decisions"])
    assert found == [("pin_row", "invalid", None, "abc"), ("unit", "invalid", None, "PX-KHONGCO"),
                     ("value", "invalid", None, "khoảng vài trăm")]


def _dashboard_row(sheet: Sheet, item: str) -> list[Any]:
    return next(r for r in sheet.tab(DASHBOARD).values() if len(r) > 1 and r[1] == item)


def test_a_decided_row_edited_after_a_row_was_inserted_above_points_at_its_new_place(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    sheet.cycle(LATER)
    edited = [["Phòng Kinh tế", "08/11/2024", 1, 1], *[list(r) for r in ROWS]]  # a row inserted on top …
    edited[2][2] = 25  # … and the decided row (now row 4) edited, in the same interval
    sheet.set_agency_rows(edited)
    status = sheet.cycle(LATER + dt.timedelta(minutes=10))
    [decision] = status["decisions"]
    assert (decision["state"], decision["row"], decision["rows"]) == ("needs_review", 4, [])
    assert "thấy lần cuối ở dòng 3" in decision["note"]
    assert "dòng đó nay là dòng 4, vẫn ghi “UBND P.VH” nhưng các ô khác đã sửa" in decision["note"]
    assert _dashboard_row(sheet, decision["item"])[0] == 4


def test_a_decided_row_replaced_by_another_agency_has_no_row(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("UBND P.VH", "Ủy ban nhân dân phường Vĩnh Hải")
    sheet.cycle(LATER)
    replaced = [list(r) for r in ROWS]
    replaced[1] = ["Phòng Kinh tế", "08/11/2024", 1, 1]  # row 3 now holds another agency
    sheet.set_agency_rows(replaced)
    status = sheet.cycle(LATER + dt.timedelta(minutes=10))
    [decision] = status["decisions"]
    assert (decision["state"], decision["row"]) == ("needs_review", None)
    assert "dòng 3 nay ghi “Phòng Kinh tế”" in decision["note"]
    assert _dashboard_row(sheet, decision["item"])[0] in ("", None)


def test_a_confirmed_value_an_en_us_sheet_stored_as_a_decimal_names_the_locale(sheet: Sheet) -> None:
    sheet.api.books[SID].locale = "en_US"
    sheet.cycle()
    sheet.answer("Phòng Tư pháp", 1.234, kind="V")  # typed "1.234": an en_US sheet stores the number 1.234
    [decision] = sheet.cycle(LATER)["decisions"]
    assert decision["state"] == "invalid" and decision["value"] is None
    assert "khu vực en_US" in decision["note"] and "dấu chấm là dấu thập phân" in decision["note"]
    sheet.api.books[SID].locale = "vi_VN"  # a Vietnamese sheet: "1,234" was typed as a decimal there
    [decision] = sheet.cycle(LATER + dt.timedelta(minutes=10))["decisions"]
    assert decision["state"] == "invalid" and "khu vực" not in decision["note"]


def test_a_value_confirmed_on_a_row_a_newer_one_replaced_is_not_called_applied(sheet: Sheet) -> None:
    sheet.cycle()
    sheet.answer("Phòng Tư pháp", "250", kind="V")
    assert unit(sheet.cycle(LATER), "TP")["metrics"]["citizens"] == 250
    sheet.set_agency_rows([*ROWS, ["Phòng Tư pháp", "09/11/2024", 300, 3]])  # the agency sends its figure
    status = sheet.cycle(LATER + dt.timedelta(minutes=10))
    assert (unit(status, "TP")["row"], unit(status, "TP")["metrics"]["citizens"]) == (8, 300)
    [decision] = status["decisions"]
    assert decision["state"] == "needs_review" and "đã được thay bằng dòng gửi sau" in decision["note"]
