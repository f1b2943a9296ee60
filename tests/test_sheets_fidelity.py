"""The emulator answers as Google does, checked against shapes recorded from the real API.

tests/fixtures/sheets/recorded.json holds hand-trimmed replies read from gspread's test cassettes
(recorded against Google); each test sends the same request through the real gspread client to the
emulator and compares. Where the cassettes are silent, Google's reference documentation is the
source (metadata ``ranges=``, tab ``index``, the deprecated colour fields).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gspread
import pytest
import requests
from gspread.exceptions import APIError

from aggregator.devtools.sheets_state import Applied
from tests.fake_sheets import FakeSheets, token_session

SID = "1FidelityAgainstRecordedGoogleReplies00"
RECORDED = json.loads((Path(__file__).parent / "fixtures" / "sheets" / "recorded.json").read_text(encoding="utf-8"))


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    api = FakeSheets()
    api.add_spreadsheet(SID, {"Sheet1": [], "Trang 2": [["x"]]}, timezone="America/Los_Angeles", locale="en_US")
    with api.activate():
        yield api


@pytest.fixture
def http(fake: FakeSheets) -> gspread.http_client.HTTPClient:
    return gspread.Client(None, token_session()).http_client  # type: ignore[arg-type]


def batch(http: Any, *requests_: dict[str, Any]) -> Any:
    return http.batch_update(SID, {"requests": list(requests_)})


@pytest.mark.parametrize("case", ["put_fewer_rows_than_the_range", "put_nulls_are_skipped", "put_empty_strings_count",
                                  "put_one_cell_box"])
def test_values_update_reports_the_written_extent_and_counts_like_google(http: Any, case: str) -> None:
    recorded = RECORDED[case]
    reply = http.values_update(SID, recorded["range"], params={"valueInputOption": "RAW"},
                               body={"values": recorded["values"]})
    assert {k: reply[k] for k in recorded["reply"]} == recorded["reply"]


def test_values_batch_update_has_the_totals(http: Any) -> None:
    recorded = RECORDED["values_batch_update"]
    reply = http.values_batch_update(SID, recorded["body"])
    assert {k: reply[k] for k in recorded["totals"]} == recorded["totals"]
    assert [r["updatedRange"] for r in reply["responses"]] == recorded["ranges"]


def test_a_single_cell_is_named_a1_not_a1_colon_a1(http: Any) -> None:
    recorded = RECORDED["get_one_empty_cell"]
    assert http.values_get(SID, recorded["range"]) == recorded["reply"]


def test_a_bad_payload_gets_googles_400_with_field_violations(http: Any, fake: FakeSheets) -> None:
    recorded = RECORDED["put_values_not_a_list"]
    with pytest.raises(APIError) as caught:
        http.values_update(SID, recorded["range"], params={"valueInputOption": "RAW"}, body=recorded["body"])
    assert caught.value.response.json()["error"] == recorded["error"]


def test_a_semantic_error_has_no_details(http: Any) -> None:
    recorded = RECORDED["semantic_error_has_no_details"]
    with pytest.raises(APIError) as caught:
        batch(http, {"addSheet": {"properties": {"title": "Sheet1"}}})
    error = caught.value.response.json()["error"]
    assert set(error) == set(recorded["error"]) and "details" not in error
    assert error["message"].startswith("Invalid requests[0].addSheet: ")


@pytest.mark.parametrize(("request_", "message"), [
    ({"repeatCell": {"range": {"sheetId": 0}, "cell": {"userEnteredFormat": {"backgroundColour": {}}},
                     "fields": "userEnteredFormat"}},
     "Invalid JSON payload received. Unknown name \"backgroundColour\" at "
     "'requests[0].repeat_cell.cell.user_entered_format': Cannot find field."),
    ({"updateDimensionProperties": {"range": {"sheetId": 0, "dimension": "COLUMNS", "startIndex": 0, "endIndex": 1},
                                    "properties": {"pixelSize": "wide"}, "fields": "pixelSize"}},
     "Invalid value at 'requests[0].update_dimension_properties.properties.pixel_size' (TYPE_INT32), \"wide\""),
    ({"updateDimensionProperties": {"range": {"sheetId": 0, "dimension": "COLUMS", "startIndex": 0, "endIndex": 1},
                                    "properties": {"pixelSize": 80}, "fields": "pixelSize"}},
     "Invalid value at 'requests[0].update_dimension_properties.range.dimension' "
     "(type.googleapis.com/google.apps.sheets.v4.Dimension), \"COLUMS\""),
    ({"addProtectedRange": {"protectedRange": {"range": {"sheetId": 0}, "warningOnly": "yes"}}},
     "Invalid value at 'requests[0].add_protected_range.protected_range.warning_only' (TYPE_BOOL), \"yes\""),
], ids=["unknown-field", "wrong-int", "wrong-enum", "wrong-bool"])
def test_invalid_payloads_get_400_and_change_nothing(http: Any, fake: FakeSheets, request_: dict[str, Any],
                                                     message: str) -> None:
    before = json.dumps(fake.books[SID].tabs[0].__dict__, default=str)
    with pytest.raises(APIError) as caught:
        batch(http, {"addSheet": {"properties": {"title": "Mới"}}}, request_)
    error = caught.value.response.json()["error"]
    assert error["code"] == 400 and error["message"] == message.replace("[0]", "[1]")
    (violation,) = error["details"][0]["fieldViolations"]
    assert violation["description"] == error["message"]
    assert [t.title for t in fake.books[SID].tabs] == ["Sheet1", "Trang 2"]  # the addSheet was not applied
    assert json.dumps(fake.books[SID].tabs[0].__dict__, default=str) == before


@pytest.mark.parametrize("request_", [
    {"repeatCell": {"range": {"sheetId": 0}, "cell": {}}},
    {"updateSheetProperties": {"properties": {"sheetId": 0, "gridProperties": {"frozenRowCount": 1}}}},
    {"deleteProtectedRange": {}},
], ids=["repeat-cell-without-fields", "update-properties-without-fields", "delete-without-id"])
def test_missing_required_fields_are_refused(http: Any, request_: dict[str, Any]) -> None:
    with pytest.raises(APIError) as caught:
        batch(http, request_)
    error = caught.value.response.json()["error"]
    assert error["code"] == 400 and error["message"].startswith(f"Invalid requests[0].{next(iter(request_))}: ")


def test_an_empty_batch_is_refused(http: Any) -> None:
    with pytest.raises(APIError, match=r"Must specify at least one request\."):
        http.batch_update(SID, {"requests": []})


def test_metadata_ranges_keep_only_the_tabs_they_name(http: Any) -> None:
    meta = http.fetch_sheet_metadata(SID, params={"ranges": "'Trang 2'!A1:B2", "fields": "sheets.properties.title"})
    assert meta == {"sheets": [{"properties": {"title": "Trang 2"}}]}
    with pytest.raises(APIError, match="Unable to parse range"):
        http.fetch_sheet_metadata(SID, params={"ranges": "'Nope'!A1"})


def test_tab_index_is_honoured_when_adding_and_moving(http: Any) -> None:
    added = batch(http, {"addSheet": {"properties": {"title": "Đầu", "index": 0}}})
    assert added["replies"][0]["addSheet"]["properties"]["index"] == 0
    batch(http, {"updateSheetProperties": {"properties": {"sheetId": 0, "index": 2}, "fields": "index"}})
    sheets = http.fetch_sheet_metadata(SID)["sheets"]
    assert [(s["properties"]["title"], s["properties"]["index"]) for s in sheets] == [
        ("Đầu", 0), ("Trang 2", 1), ("Sheet1", 2)]


def test_time_zone_and_locale_are_seeded(http: Any) -> None:
    meta = http.fetch_sheet_metadata(SID, params={"fields": "properties(timeZone,locale)"})
    assert meta == {"properties": {"timeZone": "America/Los_Angeles", "locale": "en_US"}}


def test_a_colour_is_stored_both_ways_as_google_shows_it(http: Any, fake: FakeSheets) -> None:
    recorded = RECORDED["format_colours_both_ways"]["userEnteredFormat"]
    style = {"backgroundColorStyle": {"rgbColor": {"red": 0, "green": 1, "blue": 1}},
             "textFormat": {"bold": True, "foregroundColorStyle": {"rgbColor": {"red": 1, "green": 1, "blue": 0}}}}
    batch(http, {"repeatCell": {"range": {"sheetId": 0, "startRowIndex": 1, "endRowIndex": 2, "startColumnIndex": 0,
                                          "endColumnIndex": 1}, "cell": {"userEnteredFormat": style},
                                "fields": "userEnteredFormat(backgroundColorStyle,textFormat)"}})
    assert fake.books[SID].tab("Sheet1").formats[(1, 0)]["userEnteredFormat"] == recorded


def test_deprecated_colour_fields_are_recorded(http: Any, fake: FakeSheets) -> None:
    batch(http, {"repeatCell": {"range": {"sheetId": 0}, "cell": {"userEnteredFormat": {
        "backgroundColor": {"red": 1}, "textFormat": {"foregroundColor": {"blue": 1}}}},
        "fields": "userEnteredFormat(backgroundColor,textFormat.foregroundColor)"}})
    assert fake.log[-1].deprecated == (
        "requests[0].repeatCell.cell.userEnteredFormat.backgroundColor",
        "requests[0].repeatCell.cell.userEnteredFormat.textFormat.foregroundColor",
        "requests[0].repeatCell.fields: backgroundColor", "requests[0].repeatCell.fields: foregroundColor")


def test_an_applied_fault_does_the_work_then_drops_the_connection(http: Any, fake: FakeSheets) -> None:
    fake.inject("batchUpdate", Applied(requests.ConnectionError("connection reset by peer")))
    with pytest.raises(requests.ConnectionError):
        batch(http, {"addSheet": {"properties": {"title": "Mới"}}})
    assert [t.title for t in fake.books[SID].tabs] == ["Sheet1", "Trang 2", "Mới"]
    assert fake.log[-1].status == 0


def test_a_body_not_sent_as_json_is_refused_and_the_adapters_way_is_accepted(http: Any, fake: FakeSheets) -> None:
    from aggregator.adapters.sheets_http import values_batch_update

    body = {"valueInputOption": "RAW", "data": [{"range": "Sheet1!A1", "values": [["Hòa", 1]]}]}
    url = gspread.urls.SPREADSHEET_VALUES_BATCH_UPDATE_URL % SID
    with pytest.raises(APIError) as refused:  # no Content-Type: Google reads the body as form fields
        http.request("post", url, data=json.dumps(body).encode())
    assert refused.value.code == 400 and "Invalid JSON payload" in str(refused.value)
    assert fake.books[SID].tabs[0].cells == {}  # nothing written
    reply = values_batch_update(http, SID, body)  # orjson's compact bytes, as the dashboard is sent
    assert reply["totalUpdatedCells"] == 2 and fake.log[-1].body == body
