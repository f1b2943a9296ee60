"""Pure parts of the Sheets adapter: A1 ranges, value bodies, formatting requests, signature, metadata."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters.sheets import parse_metadata, spreadsheet_id
from aggregator.errors import ConfigError
from aggregator.models import CellLink, CellStyle, StyledRange
from aggregator.outputs.dashboard import STYLE_PALETTE
from tests.test_sheets_adapter import make_layout, walk

FIXTURES = Path(__file__).parent / "fixtures" / "sheets"


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (8, "I"), (25, "Z"), (26, "AA"), (701, "ZZ"),
                                                 (702, "AAA")])
def test_column_letters(index: int, letters: str) -> None:
    assert fmt.column_letter(index) == letters


def test_titles_are_quoted_with_inner_quotes_doubled() -> None:
    assert fmt.quote_title("Tổng hợp") == "'Tổng hợp'"
    assert fmt.a1_range("Chị Lan's", 40, 9) == "'Chị Lan''s'!A1:I40"
    assert fmt.a1_range("T", 1, 1, 1, 2) == "'T'!C2"


@pytest.mark.parametrize(("ref", "expected"), [
    ("https://docs.google.com/spreadsheets/d/1AbC-d_9xYz0123456789/edit#gid=0", "1AbC-d_9xYz0123456789"),
    ("https://docs.google.com/spreadsheets/u/1/d/1AbC-d_9xYz0123456789/edit?usp=sharing",
     "1AbC-d_9xYz0123456789"),
    ("  1AbC-d_9xYz0123456789 ", "1AbC-d_9xYz0123456789"),
], ids=["edit-url", "sharing-url", "bare-id"])
def test_spreadsheet_id_from_url_or_id(ref: str, expected: str) -> None:
    assert spreadsheet_id(ref) == expected


def test_a_reference_that_is_no_spreadsheet_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="neither a Google spreadsheet URL nor an id"):
        spreadsheet_id("https://example.com/my sheet")


def test_values_body_is_raw_padded_and_covers_the_previous_extent() -> None:
    layout = make_layout()
    body = fmt.values_body("Tổng hợp", layout, previous=(9, 5))
    assert body["valueInputOption"] == "RAW"
    (data,) = body["data"]
    assert data["range"] == "'Tổng hợp'!A1:E9"
    assert [len(row) for row in data["values"]] == [5] * 9
    assert data["values"][0] == ["TIẾN ĐỘ BÁO CÁO", "", "", "", ""]
    assert data["values"][-1] == [""] * 5


def test_values_are_nfc_and_none_is_blank() -> None:
    layout = make_layout(((None, "Hoa\u0300", 3),))
    row = fmt.values_body("T", layout, (0, 0))["data"][0]["values"][2]
    assert row == ["", "Hoà", 3]


def test_same_values_can_ignore_the_as_of_cell() -> None:
    shown = fmt.trimmed(make_layout(as_of="08:00").grid)
    assert fmt.same_values(make_layout(as_of="08:00"), shown, ignore_as_of=False)
    assert not fmt.same_values(make_layout(as_of="08:10"), shown, ignore_as_of=False)
    assert fmt.same_values(make_layout(as_of="08:10"), shown, ignore_as_of=True)


def test_trimmed_matches_what_batch_get_returns() -> None:
    assert fmt.trimmed([["a", "", ""], ["", ""], [], [1, None]]) == (("a",), (), (), (1,))
    assert fmt.trimmed([["a"], ["", ""], []]) == (("a",),)


def test_format_requests_reset_then_style_link_size_and_freeze() -> None:
    layout = make_layout(links=(CellLink(3, 1, "Báo cáo", "D17"), CellLink(4, 1, "Đã xoá", "A1")))
    requests = fmt.format_requests(layout, 42, {"Báo cáo": 7}, STYLE_PALETTE)
    kinds = [next(iter(r)) for r in requests]
    reset = {"range": {"sheetId": 42}, "cell": {}, "fields": "userEnteredFormat"}
    assert requests[0] == {"repeatCell": reset}
    links = [r["updateCells"] for r in requests if "updateCells" in r]
    assert len(links) == 1  # the link to a tab that no longer exists is left out
    (cell,) = links[0]["rows"][0]["values"]
    assert cell["userEnteredFormat"]["textFormat"]["link"] == {"uri": "#gid=7&range=D17"}
    assert kinds.count("updateDimensionProperties") == 2  # widths 60 | 200, 200 grouped into runs
    assert requests[-1]["updateSheetProperties"]["properties"]["gridProperties"] == {"frozenRowCount": 2}
    assert set(walk(requests, "sheetId")) == {42}


def test_style_colours_come_from_the_palette() -> None:
    layout = make_layout(styles=(StyledRange(3, 4, 0, 2, CellStyle.MISSING),))
    style = fmt.format_requests(layout, 1, {}, STYLE_PALETTE)[2]["repeatCell"]
    background, bold, colour = STYLE_PALETTE[CellStyle.MISSING]
    text = {"bold": bold, "foregroundColorStyle": {"rgbColor": fmt.rgb(colour)}}
    assert style["cell"]["userEnteredFormat"] == {"backgroundColorStyle": {"rgbColor": fmt.rgb(background)},
                                                  "textFormat": text}
    assert style["range"] == {"sheetId": 1, "startRowIndex": 3, "endRowIndex": 4, "startColumnIndex": 0,
                              "endColumnIndex": 2}


def test_rgb() -> None:
    assert fmt.rgb("#FF8000") == {"red": 1.0, "green": 0.502, "blue": 0.0}


def test_signature_is_stable_and_follows_the_formatting_only() -> None:
    def sign(layout: object) -> str:
        return fmt.signature(fmt.format_requests(layout, 5, {"Báo cáo": 0}, STYLE_PALETTE))  # type: ignore[arg-type]

    assert sign(make_layout()) == sign(make_layout(as_of="later", body=make_layout().grid[2:3]))
    assert sign(make_layout()) != sign(make_layout(styles=()))
    assert len(sign(make_layout())) == 64


def test_signature_request_creates_then_updates() -> None:
    created = fmt.signature_request(5, "abc", None)["createDeveloperMetadata"]["developerMetadata"]
    assert created == {"metadataKey": fmt.SIGNATURE_KEY, "metadataValue": "abc", "location": {"sheetId": 5},
                       "visibility": "DOCUMENT"}
    updated = fmt.signature_request(5, "abc", 99)["updateDeveloperMetadata"]
    assert updated["dataFilters"] == [{"developerMetadataLookup": {"metadataId": 99}}]


def test_protection_is_warning_only_over_the_whole_tab() -> None:
    protected = fmt.protect_request(5)["addProtectedRange"]["protectedRange"]
    assert protected["warningOnly"] is True and protected["range"] == {"sheetId": 5}


def test_parse_metadata_reads_gids_sizes_protection_and_signature() -> None:
    doc = json.loads((FIXTURES / "metadata.json").read_text(encoding="utf-8"))
    tabs = parse_metadata(doc)
    assert list(tabs) == ["Báo cáo", "Tổng hợp tiến độ", "Lưu trữ"]  # in tab order (index)
    agency, dash = tabs["Báo cáo"], tabs["Tổng hợp tiến độ"]
    assert (agency.sheet_id, agency.rows, agency.cols) == (0, 1000, 26)
    assert (agency.protected, agency.signature) == (False, None)
    assert (dash.sheet_id, dash.protected) == (1877059582, True)
    assert (dash.signature, dash.signature_id) == ("3f1c", 220755387)
