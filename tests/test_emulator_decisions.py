"""The emulator learns the requests the decisions tab sends (data validation, protection with an open
column, hidden columns) and refuses, with a 400 as Google does, the payloads Google refuses."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gspread
import pytest
from gspread.exceptions import APIError

from aggregator.adapters import sheets_worker_tab as worker
from aggregator.models import Dropdown, WorkerTab
from tests.fake_sheets import FakeSheets, token_session

SID = "1EmulatorDecisionRequests000000000000"
GID = 0


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    api = FakeSheets()
    api.add_spreadsheet(SID, {"Xử lý": [["Mã mục"]], "Khác": [["x"]]})
    with api.activate():
        yield api


@pytest.fixture
def http(fake: FakeSheets) -> Any:
    return gspread.Client(None, token_session()).http_client  # type: ignore[arg-type]


def _rule(condition: dict[str, Any]) -> dict[str, Any]:
    return {"setDataValidation": {"range": {"sheetId": GID, "startRowIndex": 1, "endRowIndex": 3,
                                            "startColumnIndex": 7, "endColumnIndex": 8},
                                  "rule": {"condition": condition, "strict": True, "showCustomUi": True}}}


def test_a_dropdown_over_a_range_is_stored_on_every_cell_and_cleared_by_an_empty_rule(fake: FakeSheets,
                                                                                     http: Any) -> None:
    condition = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='Xử lý'!$M$2:$M$9"}]}
    http.batch_update(SID, {"requests": [_rule(condition)]})
    tab = fake.books[SID].tab("Xử lý")
    assert [tab.formats[(r, 7)]["dataValidation"]["condition"] for r in (1, 2)] == [condition, condition]
    http.batch_update(SID, {"requests": [{"setDataValidation": {"range": {"sheetId": GID, "startColumnIndex": 7,
                                                                          "endColumnIndex": 8}}}]})
    tab = fake.books[SID].tab("Xử lý")  # a batch works on a copy of the book, swapped in whole
    assert all("dataValidation" not in f for f in tab.formats.values())


@pytest.mark.parametrize(("condition", "needle"), [
    ({"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "'Xử lý'!M2:M9"}]}, "ONE_OF_RANGE requires"),
    ({"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='Không có'!M2:M9"}]}, "Unable to parse range"),
    ({"type": "ONE_OF_RANGE", "values": []}, "ONE_OF_RANGE requires"),
    ({"type": "ONE_OF_LIST", "values": []}, "ONE_OF_LIST requires"),
    ({"type": "ONE_OF_LIST", "values": [{"userEnteredValue": "=A1"}]}, "Formulas are not supported"),
    ({"type": "ONE_OF_MANY", "values": []}, "Invalid value at"),
    ({"values": [{"userEnteredValue": "x"}]}, "condition.type must be specified"),
], ids=["range-not-a-formula", "range-of-no-tab", "range-without-value", "empty-list", "formula-in-list",
        "unknown-type", "no-type"])
def test_a_rule_google_refuses_is_a_400_and_nothing_is_applied(fake: FakeSheets, http: Any,
                                                              condition: dict[str, Any], needle: str) -> None:
    with pytest.raises(APIError) as refused:
        http.batch_update(SID, {"requests": [{"addSheet": {"properties": {"title": "Mới"}}}, _rule(condition)]})
    assert refused.value.response.status_code == 400 and needle in str(refused.value)
    assert [t.title for t in fake.books[SID].tabs] == ["Xử lý", "Khác"]  # all or nothing


def test_the_decisions_tab_protection_leaves_its_answer_column_open(fake: FakeSheets, http: Any) -> None:
    http.batch_update(SID, {"requests": [worker.protect_request(GID, 7)]})
    [protection] = fake.books[SID].tab("Xử lý").protected
    assert protection["warningOnly"] and protection["unprotectedRanges"] == [
        {"sheetId": GID, "startRowIndex": 1, "startColumnIndex": 7, "endColumnIndex": 8}]


@pytest.mark.parametrize(("protected", "needle"), [
    ({"range": {"sheetId": GID, "startRowIndex": 0, "endRowIndex": 5}, "warningOnly": True,
      "unprotectedRanges": [{"sheetId": GID, "startColumnIndex": 7, "endColumnIndex": 8}]}, "only supported"),
    ({"range": {"sheetId": GID}, "warningOnly": True,
      "unprotectedRanges": [{"sheetId": 999, "startColumnIndex": 7, "endColumnIndex": 8}]}, "must be on"),
    ({"range": {"sheetId": GID}, "warningOnly": True, "editors": {"users": ["a@b.c"]}}, "Editors are not supported"),
    ({"range": {"sheetId": GID}, "unprotectedRanges": "H2:H"}, "Invalid value at"),
], ids=["open-range-in-a-range", "open-range-elsewhere", "editors-with-warning", "not-a-grid-range"])
def test_a_protection_google_refuses_is_a_400(http: Any, protected: dict[str, Any], needle: str) -> None:
    with pytest.raises(APIError) as refused:
        http.batch_update(SID, {"requests": [{"addProtectedRange": {"protectedRange": protected}}]})
    assert refused.value.response.status_code == 400 and needle in str(refused.value)


def test_the_formatting_of_a_decisions_tab_is_accepted_whole(fake: FakeSheets, http: Any) -> None:
    tab = WorkerTab("Xử lý", (), (("Mã mục",),), editable_col=7, rows=10, cols=13,
                    dropdowns=(Dropdown(1, 3, 7, source=(12, 1, 9)), Dropdown(3, 4, 7, choices=("Dùng dòng này",))),
                    column_widths=(100,) * 13, hidden_cols=(12,))
    requests = worker.format_requests(tab, GID, {"Xử lý": GID}, {})
    http.batch_update(SID, {"requests": requests})
    state = fake.books[SID].tab("Xử lý")
    assert state.hidden_cols == {12}
    assert state.formats[(5, 7)]["userEnteredFormat"]["numberFormat"] == {"type": "TEXT"}
    assert state.formats[(3, 7)]["dataValidation"]["condition"]["type"] == "ONE_OF_LIST"
    assert not fake.calls(kind="write")[-1].deprecated
