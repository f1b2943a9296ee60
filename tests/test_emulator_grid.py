"""``spreadsheets.get`` with grid data answers as Google does (issue 8 item 7): per cell
``userEnteredValue``, ``effectiveValue``, ``formattedValue``, ``userEnteredFormat``, ``effectiveFormat``
and ``dataValidation``, honouring ``fields``, so the dropdowns the worker sets can be seen through the API."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import gspread
import pytest

from aggregator.adapters import sheets_worker_tab as worker
from aggregator.adapters.sheets_percent import FORMAT_FIELDS, percent_cells
from aggregator.models import Dropdown, WorkerTab
from tests.fake_sheets import FakeSheets, token_session

SID = "1GridDataAsGoogleReturnsIt00000000000"
TAB = "Xử lý"
RANGE_RULE = {"type": "ONE_OF_RANGE", "values": [{"userEnteredValue": "='Xử lý'!$M$2:$M$9"}]}


@pytest.fixture
def http() -> Iterator[Any]:
    fake = FakeSheets()
    fake.add_spreadsheet(SID, {TAB: [["Mã mục", "Tên"], ["N-1", "Phòng Y tế"]],
                               "Báo cáo": [["Tỷ lệ"], [], [], ["", "", "Hết"]]})
    with fake.activate():
        client = gspread.Client(None, token_session())  # type: ignore[arg-type]
        tab = WorkerTab(TAB, (), (("Mã mục",),), editable_col=7, rows=10, cols=13,
                        dropdowns=(Dropdown(1, 3, 7, source=(12, 1, 9)), Dropdown(3, 4, 7, choices=("Dùng dòng này",))),
                        column_widths=(100,) * 13, hidden_cols=(12,))
        client.http_client.batch_update(SID, {"requests": worker.format_requests(tab, 0, {TAB: 0}, {})})
        sheet = client.open_by_key(SID)
        sheet.sheet1.update_acell("H2", "1.234")  # staff type into the plain-text answer column
        sheet.worksheet("Báo cáo").update_acell("A2", "85%")
        yield client.http_client


def _cells(doc: dict[str, Any], sheet: int = 0) -> list[list[dict[str, Any]]]:
    return [row.get("values", []) for row in doc["sheets"][sheet]["data"][0].get("rowData", [])]


def test_include_grid_data_returns_every_cell_field_and_the_dropdowns(http: Any) -> None:
    doc = http.fetch_sheet_metadata(SID, params={"includeGridData": "true", "ranges": f"'{TAB}'!H2:H4"})
    typed, second, listed = (row[0] for row in _cells(doc))
    assert typed["userEnteredValue"] == typed["effectiveValue"] == {"stringValue": "1.234"}
    assert typed["formattedValue"] == "1.234"
    assert typed["userEnteredFormat"]["numberFormat"] == {"type": "TEXT"}
    assert typed["effectiveFormat"]["numberFormat"] == {"type": "TEXT"}
    assert typed["effectiveFormat"]["textFormat"]["fontFamily"] == "arial,sans,sans-serif"  # the default format
    assert typed["dataValidation"]["condition"] == second["dataValidation"]["condition"] == RANGE_RULE
    assert typed["dataValidation"]["strict"] and typed["dataValidation"]["showCustomUi"]
    assert listed["dataValidation"]["condition"] == {"type": "ONE_OF_LIST",
                                                     "values": [{"userEnteredValue": "Dùng dòng này"}]}
    assert "userEnteredValue" not in second and "formattedValue" not in second  # an empty cell has no value


def test_a_field_mask_returns_only_the_fields_it_names(http: Any) -> None:
    doc = http.fetch_sheet_metadata(SID, params={
        "ranges": f"'{TAB}'!H2:H4", "fields": "sheets.data.rowData.values(formattedValue,dataValidation)"})
    cells = [row[0] for row in _cells(doc)]
    assert [set(cell) for cell in cells] == [{"formattedValue", "dataValidation"}, {"dataValidation"},
                                             {"dataValidation"}]
    assert doc == {"sheets": [{"data": [{"rowData": [{"values": [cell]} for cell in cells]}]}]}


def test_a_percentage_shows_its_value_format_and_text(http: Any) -> None:
    doc = http.fetch_sheet_metadata(SID, params={"includeGridData": "true", "ranges": "'Báo cáo'!A1:A2"})
    header, typed = (row[0] for row in _cells(doc))
    assert header["userEnteredValue"] == {"stringValue": "Tỷ lệ"} and "userEnteredFormat" not in header
    assert typed["userEnteredValue"] == typed["effectiveValue"] == {"numberValue": 0.85}
    assert typed["formattedValue"] == "85%" and typed["effectiveFormat"]["numberFormat"]["type"] == "PERCENT"
    fields = http.fetch_sheet_metadata(SID, params={"fields": FORMAT_FIELDS, "ranges": "'Báo cáo'!A2:A"})
    assert percent_cells(fields, "Báo cáo") == {(1, 0)}  # what the worker asks for, it still gets


def test_grid_data_of_whole_tabs_without_ranges_and_none_unless_asked(http: Any) -> None:
    whole = http.fetch_sheet_metadata(SID, params={"includeGridData": "true"})
    first = whole["sheets"][0]["data"][0]
    assert [c["formattedValue"] for c in first["rowData"][1]["values"][:2]] == ["N-1", "Phòng Y tế"]
    assert len(first["rowMetadata"]) == 1000 and first["columnMetadata"][12] == {"pixelSize": 100,
                                                                                 "hiddenByUser": True}
    assert all(row["values"][-1] for row in first["rowData"])  # a row's trailing empty cells are dropped
    masked = http.fetch_sheet_metadata(SID, params={"fields": "sheets(data(rowData(values(formattedValue))))"})
    assert masked["sheets"][1]["data"][0]["rowData"] == [  # an empty row inside is {}, an empty cell too
        {"values": [{"formattedValue": "Tỷ lệ"}]}, {"values": [{"formattedValue": "85%"}]}, {},
        {"values": [{}, {}, {"formattedValue": "Hết"}]}]
    for params in ({}, {"ranges": f"'{TAB}'!H2"}, {"includeGridData": "false", "ranges": f"'{TAB}'!H2"}):
        assert all("data" not in s for s in http.fetch_sheet_metadata(SID, params=params)["sheets"])


def test_a_reply_to_ranges_lists_the_merges_that_meet_them_unless_told_to_list_all() -> None:
    fake = FakeSheets()
    fake.add_spreadsheet(SID, {"Báo cáo": [["Đơn vị", "Ngày", "Tỷ lệ"], ["A", "1", "2"], ["", "", "3"]]})
    tab = fake.books[SID].tab("Báo cáo")
    tab.merge(1, 3, 0, 1)  # A2:A3, a unit's name over its two rows
    tab.merge(1, 3, 2, 3)  # C2:C3
    with fake.activate():
        http = gspread.Client(None, token_session()).http_client  # type: ignore[arg-type]

        def merges(*ranges: str) -> list[dict[str, int]]:
            params = {"fields": "sheets(merges)", **({"ranges": list(ranges)} if ranges else {})}
            return http.fetch_sheet_metadata(SID, params=params)["sheets"][0].get("merges", [])

        name = {"startRowIndex": 1, "endRowIndex": 3, "endColumnIndex": 1}  # a 0 index left out, as Google does
        rate = {"startRowIndex": 1, "endRowIndex": 3, "startColumnIndex": 2, "endColumnIndex": 3}
        assert merges() == [name, rate]
        assert merges("'Báo cáo'!C2:C") == [rate]
        assert merges("'Báo cáo'!A3") == [name] and merges("'Báo cáo'!B1:B") == []
        fake.books[SID].merges_in_ranges = False  # the other reading of Google's reference
        assert merges("'Báo cáo'!B1:B") == [name, rate]
