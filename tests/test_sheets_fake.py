"""The fake Sheets API behaves like the real one where our adapter (and gspread) can tell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import gspread
import pytest
import requests
from gspread.exceptions import APIError

from tests.fake_sheets import FakeSheets, token_session

SID = "1FakeFidelityCheckSpreadsheet000000000"


@pytest.fixture
def gc() -> Iterator[gspread.Client]:
    fake = FakeSheets()
    fake.add_spreadsheet(SID, {"Sheet1": [["A1", "", "C1", ""], [], [1, 2.5, dt.date(2020, 1, 1), True]],
                               "Trống": []})
    with fake.activate():
        yield gspread.Client(None, token_session())  # type: ignore[arg-type]


def test_gspread_high_level_calls_work_against_the_fake(gc: gspread.Client) -> None:
    worksheet = gc.open_by_key(SID).worksheet("Sheet1")
    rows = worksheet.get_all_values()
    # FORMATTED_VALUE is in the spreadsheet's locale (vi_VN here): a decimal comma
    assert rows == [["A1", "", "C1", ""], ["", "", "", ""], ["1", "2,5", "01/01/2020", "TRUE"]]
    worksheet.update([["x", 7]], "E1")
    assert worksheet.get("E1:F1") == [["x", "7"]]


def test_batch_get_shapes(gc: gspread.Client) -> None:
    doc = gc.http_client.values_batch_get(SID, ["'Sheet1'", "'Trống'", "'Sheet1'!B2:C2"], {
        "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"})
    full, empty, blank = doc["valueRanges"]
    assert full["values"] == [["A1", "", "C1"], [], [1, 2.5, 43831, True]]  # trailing blanks dropped
    assert full["range"] == "Sheet1!A1:Z1000"
    assert "values" not in empty and "values" not in blank and empty["range"] == "'Trống'!A1:Z1000"


def test_fields_mask_and_errors(gc: gspread.Client) -> None:
    meta = gc.http_client.fetch_sheet_metadata(SID, params={"fields": "sheets.properties.title"})
    assert meta == {"sheets": [{"properties": {"title": "Sheet1"}}, {"properties": {"title": "Trống"}}]}
    with pytest.raises(APIError) as missing:
        gc.http_client.fetch_sheet_metadata("1NoSuchSpreadsheet000000000")
    assert missing.value.code == 404 and missing.value.error["status"] == "NOT_FOUND"


def test_batch_update_is_atomic_with_typed_replies_and_unknown_requests_refused(gc: gspread.Client) -> None:
    reply = gc.http_client.batch_update(SID, {"requests": [
        {"addSheet": {"properties": {"title": "Mới"}}},
        {"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}, "warningOnly": True}}},
        {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}},
                                   "fields": "gridProperties.frozenRowCount"}},
    ]})
    added, protected, plain = reply["replies"]
    assert added["addSheet"]["properties"]["title"] == "Mới" and plain == {}
    assert "sheetId" not in protected["addProtectedRange"]["protectedRange"]["range"]  # 0 is omitted
    with pytest.raises(APIError, match="Unknown name"):
        gc.http_client.batch_update(SID, {"requests": [{"addSheet": {"properties": {"title": "B"}}},
                                                       {"makeCoffee": {}}]})
    titles = [s["properties"]["title"] for s in gc.http_client.fetch_sheet_metadata(SID)["sheets"]]
    assert titles == ["Sheet1", "Trống", "Mới"]  # "B" was not added: all or nothing


def test_the_allowed_locations_call_gets_a_200() -> None:
    fake = FakeSheets()
    with fake.activate():
        url = "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b/allowedLocations"
        assert requests.get(url, timeout=5).json() == {"locations": [], "encodedLocations": "0x0"}
    assert [r.endpoint for r in fake.log] == ["allowedLocations"]
