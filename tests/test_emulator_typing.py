"""What staff type into the emulator, and USER_ENTERED writes, read as Google reads them (issue 10):
numbers and dates in the spreadsheet's locale, percentages, a leading apostrophe, plain-text cells;
RAW stores what it is sent. Through the typing endpoint over loopback HTTP and through real gspread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import gspread
import pytest
import requests
from gspread.utils import ValueInputOption, ValueRenderOption

from aggregator.adapters.google_auth import emulator_session
from aggregator.devtools.sheets_api import SheetsApi
from aggregator.devtools.sheets_emulator import EmulatorServer, running
from aggregator.devtools.sheets_state import serial
from tests.fake_sheets import FakeSheets, token_session

SID_VI, SID_EN = "1TypingInAVietnameseSpreadsheet000000", "1TypingInAnAmericanSpreadsheet0000000"
NOV_5 = serial(dt.date(2024, 11, 5))
TIMEOUT = 5
PLAIN = requests.Session()
PLAIN.trust_env = False
# typed, what UNFORMATTED_VALUE returns, what FORMATTED_VALUE shows
VI_VN: list[tuple[str, Any, str]] = [
    ("250", 250, "250"),
    ("1.234", 1234, "1.234"),  # a thousands dot
    ("1.234.567", 1234567, "1.234.567"),
    ("1,5", 1.5, "1,5"),  # a decimal comma
    ("1.234,5", 1234.5, "1.234,50"),
    ("0042", 42, "42"),
    ("-5", -5, "-5"),
    ("'0042", "0042", "0042"),  # the apostrophe forces text and is not kept
    ("'1.234", "1.234", "1.234"),
    ("85%", 0.85, "85%"),
    ("12,5%", 0.125, "12,50%"),
    ("05/11/2024", NOV_5, "05/11/2024"),  # day first
    ("5/11/24", NOV_5, "5/11/24"),
    ("2024-11-05", NOV_5, "2024-11-05"),
    ("05/11/2024 14:30", NOV_5 + 0.6041666666666666, "05/11/2024 14:30"),
    ("TRUE", True, "TRUE"),
    ("2,5 triệu", "2,5 triệu", "2,5 triệu"),  # text stays text
    ("1.5", "1.5", "1.5"),  # neither a number nor a date in vi_VN
    ("31/02/2024", "31/02/2024", "31/02/2024"),  # no such day
    ("Không phải đơn vị trong danh sách", "Không phải đơn vị trong danh sách", "Không phải đơn vị trong danh sách"),
]
EN_US: list[tuple[str, Any, str]] = [
    ("1.234", 1.234, "1.234"),  # a decimal point
    ("1,234", 1234, "1,234"),  # a thousands comma
    ("1,5", "1,5", "1,5"),  # not a number in en_US
    ("11/5/2024", NOV_5, "11/5/2024"),  # month first
    ("2024-11-05", NOV_5, "2024-11-05"),
    ("85%", 0.85, "85%"),
    ("2:30 PM", 0.6041666666666666, "2:30 PM"),
]


@pytest.fixture(scope="module")
def emulator() -> Iterator[EmulatorServer]:
    api = SheetsApi()
    api.add_spreadsheet(SID_VI, {"Nhập": []})
    api.add_spreadsheet(SID_EN, {"Entry": []}, locale="en_US")
    with running(api) as server:
        yield server


def _type(server: EmulatorServer, tab: str, cell: str, text: str) -> dict[str, Any]:
    reply = PLAIN.post(f"{server.base_url}/_emulator/tabs/{quote(tab)}/cells", json={"cell": cell, "value": text},
                       timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    doc: dict[str, Any] = reply.json()
    return doc


@pytest.mark.parametrize(("row", "typed", "stored", "shown"), [(i + 1, *case) for i, case in enumerate(VI_VN)],
                         ids=[case[0] for case in VI_VN])
def test_typing_in_a_vi_vn_sheet_reads_numbers_and_dates_as_a_vietnamese_sheet_does(
        emulator: EmulatorServer, row: int, typed: str, stored: Any, shown: str) -> None:
    reply = _type(emulator, "Nhập", f"A{row}", typed)
    assert isinstance(reply["stored"], str) == isinstance(stored, str)
    assert reply["stored"] == (stored if isinstance(stored, str) else pytest.approx(stored))
    assert reply["formattedValue"] == shown


@pytest.mark.parametrize(("row", "typed", "stored", "shown"), [(i + 1, *case) for i, case in enumerate(EN_US)],
                         ids=[case[0] for case in EN_US])
def test_typing_in_an_en_us_sheet_reads_them_the_american_way(emulator: EmulatorServer, row: int, typed: str,
                                                              stored: Any, shown: str) -> None:
    reply = _type(emulator, "Entry", f"A{row}", typed)
    assert isinstance(reply["stored"], str) == isinstance(stored, str)
    assert reply["stored"] == (stored if isinstance(stored, str) else pytest.approx(stored))
    assert reply["formattedValue"] == shown


def test_what_was_typed_is_what_the_api_returns(emulator: EmulatorServer) -> None:
    for cell, text in (("C1", "250"), ("C2", "85%"), ("C3", "05/11/2024"), ("C4", "'250")):
        _type(emulator, "Nhập", cell, text)
    session = emulator_session(emulator.base_url)
    a1 = quote("'Nhập'!C1:C4", safe="")
    url = f"https://sheets.googleapis.com/v4/spreadsheets/{SID_VI}/values/{a1}"
    unformatted = session.get(url, params={"valueRenderOption": "UNFORMATTED_VALUE"}, timeout=TIMEOUT).json()
    formatted = session.get(url, timeout=TIMEOUT).json()
    assert unformatted["values"] == [[250], [0.85], [NOV_5], ["250"]]
    assert formatted["values"] == [["250"], ["85%"], ["05/11/2024"], ["250"]]


# Through gspread: USER_ENTERED and RAW writes, plain-text cells -------------------------------------

SID = "1UserEnteredWritesOnTheFakeGoogleApi00"


@pytest.fixture
def gc() -> Iterator[gspread.Client]:
    fake = FakeSheets()
    fake.add_spreadsheet(SID, {"Báo cáo": [["Tên", "Số"]]})
    with fake.activate():
        yield gspread.Client(None, token_session())  # type: ignore[arg-type]


ROW = ["250", "1.234", "85%", "05/11/2024", "'0042", "2,5 triệu", 7, True]


def test_user_entered_writes_read_strings_as_typed_and_raw_writes_store_them_as_sent(gc: gspread.Client) -> None:
    ws = gc.open_by_key(SID).sheet1
    ws.update([ROW], "A2", value_input_option=ValueInputOption.user_entered)
    ws.update([ROW], "A3")  # RAW, gspread's default and the worker's only option
    got = ws.get("A2:H3", value_render_option=ValueRenderOption.unformatted)
    assert got == [[250, 1234, 0.85, NOV_5, "0042", "2,5 triệu", 7, True], ROW]
    assert ws.get("A2:H2")[0][:4] == ["250", "1.234", "85%", "05/11/2024"]


def test_update_acell_and_values_batch_update_accept_user_entered(gc: gspread.Client) -> None:
    sheet = gc.open_by_key(SID)
    sheet.sheet1.update_acell("B2", "1,5")  # gspread hard-codes USER_ENTERED here
    sheet.values_batch_update({"valueInputOption": "USER_ENTERED", "data": [
        {"range": "'Báo cáo'!A3:B3", "values": [["=B2*2", "12,5%"]]}]})
    assert sheet.sheet1.get("B2:B3", value_render_option=ValueRenderOption.unformatted) == [[1.5], [0.125]]
    assert sheet.sheet1.get("A3", value_render_option=ValueRenderOption.formula) == [["=B2*2"]]  # a formula
    with pytest.raises(gspread.exceptions.APIError, match="valueInputOption"):
        sheet.values_batch_update({"valueInputOption": "INPUT_VALUE_OPTION_UNSPECIFIED",
                                   "data": [{"range": "'Báo cáo'!A4", "values": [["x"]]}]})


def test_a_cell_formatted_as_plain_text_keeps_what_is_typed(gc: gspread.Client) -> None:
    sheet = gc.open_by_key(SID)  # the worker formats the decisions tab's answer column this way
    sheet.batch_update({"requests": [{"repeatCell": {
        "range": {"sheetId": 0, "startRowIndex": 1, "startColumnIndex": 1, "endColumnIndex": 2},
        "cell": {"userEnteredFormat": {"numberFormat": {"type": "TEXT"}}},
        "fields": "userEnteredFormat.numberFormat"}}]})
    for label, text in (("B2", "1.234"), ("B3", "05/11/2024"), ("B4", "=1+1"), ("C2", "1.234")):
        sheet.sheet1.update_acell(label, text)
    got = sheet.sheet1.get("B2:C4", value_render_option=ValueRenderOption.unformatted)
    assert got == [["1.234", 1234], ["05/11/2024"], ["=1+1"]]  # C2 has no format: a number
    doc = gc.http_client.fetch_sheet_metadata(SID, params={
        "ranges": "'Báo cáo'!B4", "fields": "sheets.data.rowData.values.userEnteredValue"})
    assert doc["sheets"][0]["data"][0]["rowData"] == [{"values": [{"userEnteredValue": {"stringValue": "=1+1"}}]}]
