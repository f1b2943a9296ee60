"""Percent cells through the Google API: a typed "85%" arrives as 0.85 without its format, so the cells'
number formats are learned, in the metadata read the cycle makes anyway once they are known (issue 7 item 2)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from aggregator.adapters import campaign_file
from aggregator.adapters.sheets_meta import METADATA_FIELDS
from aggregator.adapters.sheets_percent import (
    GRID_FORMATS,
    METADATA_WITH_FORMATS,
    PLAIN_EVERY,
    FormatMemo,
    load_memo,
    merged_columns,
    save_memo,
)
from aggregator.app.wiring import run_cycle
from aggregator.devtools.sheets_state import PercentCell
from aggregator.sheet.merges import Merge
from tests.conftest import REPO
from tests.fake_sheets import FakeSheets, service_account_key

SID = "1PercentCampaignOnTheFakeGoogleApi0000"
HEADER = ["Đơn vị", "Ngày gửi", "Tỷ lệ hoàn thành (%)", "Số người tham gia"]
ROWS = [
    ["Phòng Y tế", "08/11/2024", PercentCell(0.85), 10],  # typed "85%"
    ["Phòng Tư pháp", "08/11/2024", 72, 20],  # a bare 72 in an unformatted cell: 72
    ["Phòng Nội vụ", "08/11/2024", 0.5, 5],  # a bare 0,5 typed as such: 0.5 (not 50)
]
ROSTER = "unit_id,group,name\nYT,p,Phòng Y tế\nTP,p,Phòng Tư pháp\nNV,p,Phòng Nội vụ\n"
CAMPAIGN = textwrap.dedent(f"""\
    id: ty-le-2024
    title: "Đợt kiểm tra tỷ lệ hoàn thành"
    deadline: 2024-11-10T23:59:59+07:00
    source: {{kind: google_sheets, spreadsheet: "{SID}", tab: "Phiếu"}}
    roster: roster.csv
    groups: [{{code: p, label: "Các phòng"}}]
    columns:
      - {{key: ten, header: "Đơn vị", type: text, role: unit_name}}
      - {{key: ngay, header: "Ngày gửi", type: date, role: submitted_at}}
      - {{key: ty_le, header: "Tỷ lệ hoàn thành (%)", type: percent, label: "tỷ lệ hoàn thành"}}
      - {{key: nguoi, header: "Số người tham gia", type: count, label: "người tham gia"}}
    report:
      template: {REPO / "templates" / "report.docx"}
      parent_body: "UBND HUYỆN A"
      issuing_body: "PHÒNG B"
      issuer_name: "Phòng B huyện A"
      abbreviation: "PB"
      place: "A"
      summary: "Kết quả đợt kiểm tra"
      recipients: ["UBND huyện A"]
      signer: {{title: "TRƯỞNG PHÒNG", name: "Nguyễn Văn D"}}
    """)
NOW = dt.datetime(2024, 11, 11, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


@pytest.fixture
def setup(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeSheets, Path]]:
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (tmp_path / "c.yaml").write_text(CAMPAIGN, encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "key.json")))
    api = FakeSheets()
    api.add_spreadsheet(SID, {"Phiếu": [HEADER, *ROWS], "Ghi chú": [["x"]]})
    with api.activate():
        yield api, tmp_path


def _cycle(folder: Path, now: dt.datetime = NOW) -> dict[str, object]:
    report = run_cycle(campaign_file.load(folder / "c.yaml"), out_dir=folder / "out", now=now, render_report=False)
    return json.loads(report.status_path.read_text(encoding="utf-8"))


def test_percent_values_follow_each_cells_format(setup: tuple[FakeSheets, Path]) -> None:
    _, folder = setup
    status = _cycle(folder)
    units = {u["unit_id"]: u["metrics"]["ty_le"] for u in status["units"]}  # type: ignore[index]
    assert units == {"YT": 85.0, "TP": 72.0, "NV": 0.5}
    assert status["metrics"]["ty_le"] == pytest.approx((85 + 72 + 0.5) / 3)  # type: ignore[index]


def test_a_steady_cycle_learns_the_formats_in_the_metadata_read_it_makes_anyway(
        setup: tuple[FakeSheets, Path]) -> None:
    fake, folder = setup
    _cycle(folder)  # first cycle: one extra read to learn where the percent columns are
    mark = fake.mark()
    status = _cycle(folder, NOW + dt.timedelta(minutes=10))
    reads = fake.calls(mark, "read")
    assert len(reads) == 2  # metadata (with the formats) + values:batchGet
    metadata = next(r for r in reads if r.endpoint == "metadata")
    assert metadata.params["fields"] == [METADATA_WITH_FORMATS]
    assert "'Phiếu'!C2:C" in metadata.params["ranges"]
    assert {u["unit_id"]: u["metrics"]["ty_le"] for u in status["units"]}["YT"] == 85.0  # type: ignore[index]


def test_a_renamed_tab_makes_the_remembered_ranges_fail_once_and_the_cycle_goes_on(
        setup: tuple[FakeSheets, Path]) -> None:
    fake, folder = setup
    _cycle(folder)
    fake.books[SID].tab("Ghi chú").title = "Ghi chú cũ"  # a remembered range no longer parses
    status = _cycle(folder, NOW + dt.timedelta(minutes=10))
    assert {u["unit_id"]: u["metrics"]["ty_le"] for u in status["units"]}["YT"] == 85.0  # type: ignore[index]


def test_the_fields_with_formats_are_the_cycles_own_fields_plus_the_grid_formats() -> None:
    assert METADATA_WITH_FORMATS.replace(f",{GRID_FORMATS}", "") == METADATA_FIELDS


# Merged cells in a steady cycle (sheets_percent.py's docstring): the emulator lists only the merges that meet a
# requested range (Book.merges_in_ranges, the stricter reading of Google's reference), so these tests fail if the
# steady read does not ask for the merged columns.
ROSTER_TAB = "Danh sách đơn vị"
MERGED_ROWS = [
    ["Phòng Y tế", "08/11/2024", PercentCell(0.85), 10],
    ["", "09/11/2024", PercentCell(0.9), 12],  # the same unit's second row, its name merged over both (A2:A3)
    ["Phòng Tư pháp", "08/11/2024", 72, 20],
    ["Phòng Nội vụ", "08/11/2024", 0.5, 5],
]


@pytest.fixture
def merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[FakeSheets, Path]]:
    """The percent campaign with a unit's name merged over its two rows and the roster as a tab of the
    spreadsheet, its group merged over its three units."""
    (tmp_path / "c.yaml").write_text(CAMPAIGN.replace("roster: roster.csv", f'roster: {{tab: "{ROSTER_TAB}"}}'),
                                     encoding="utf-8")
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "key.json")))
    api = FakeSheets()
    roster = [line.split(",") for line in ROSTER.strip().split("\n")]
    api.add_spreadsheet(SID, {"Phiếu": [HEADER, *MERGED_ROWS], ROSTER_TAB: roster, "Ghi chú": [["x"]]})
    api.books[SID].tab("Phiếu").merge(1, 3, 0, 1)
    api.books[SID].tab(ROSTER_TAB).merge(1, 4, 1, 2)  # B2:B4: "p" for the three units
    with api.activate():
        yield api, tmp_path


def _yt(status: dict[str, object]) -> tuple[int, list[int], float]:
    unit = next(u for u in status["units"] if u["unit_id"] == "YT")  # type: ignore[attr-defined]
    return unit["row"], unit["superseded_rows"], unit["metrics"]["ty_le"]


def test_a_steady_cycle_still_reads_cells_merged_in_the_agency_tab_and_the_roster_tab(
        merged: tuple[FakeSheets, Path]) -> None:
    fake, folder = merged
    first = _cycle(folder)  # a plain read: every merge listed
    assert _yt(first) == (3, [2], 90.0) and first["totals"]["units_expected"] == 3  # type: ignore[index]
    mark = fake.mark()
    steady = _cycle(folder, NOW + dt.timedelta(minutes=10))
    assert _yt(steady) == _yt(first)  # the second row is still Phòng Y tế's
    assert steady["totals"] == first["totals"]  # and the roster's units all in group "p"
    metadata = next(r for r in fake.calls(mark, "read") if r.endpoint == "metadata")
    assert metadata.params["fields"] == [METADATA_WITH_FORMATS]  # the steady read, with ranges=
    assert {"'Phiếu'!A2:A", "'Phiếu'!C2:C", f"'{ROSTER_TAB}'!B:B"} <= set(metadata.params["ranges"])


def test_cells_merged_in_a_new_column_are_read_by_the_next_plain_read(merged: tuple[FakeSheets, Path]) -> None:
    fake, folder = merged
    book = fake.books[SID]
    _cycle(folder)
    book.tab("Phiếu").cells[(2, 1)] = ""  # the second row's date typed once, merged over both rows (B2:B3)
    book.tab("Phiếu").merge(1, 3, 1, 2)
    due = [_cycle(folder, NOW + dt.timedelta(minutes=10 * n)) for n in range(1, PLAIN_EVERY + 1)]
    # steady reads do not ask for column B yet (the emulator lists a range's merges only): the unit's winning
    # row, its second, is undated; the plain read due after PLAIN_EVERY - 1 steady ones lists the merge
    dates = [next(u["submitted_at"] for u in status["units"] if u["unit_id"] == "YT")  # type: ignore[attr-defined]
             for status in due]
    assert dates == [None] * (PLAIN_EVERY - 1) + ["2024-11-08T00:00:00+07:00"]
    assert _yt(due[-1]) == (3, [2], 90.0)


def test_a_memo_written_before_merges_were_remembered_still_loads(tmp_path: Path) -> None:
    state = tmp_path / "memo.json"
    state.write_text(json.dumps({"spreadsheet": SID, "memo": {"tabs": ["Phiếu"], "agency": "Phiếu",
                                                                "header_row": 1, "columns": [2]}}), encoding="utf-8")
    memo = load_memo(state, SID)
    assert memo == FormatMemo(("Phiếu",), "Phiếu", 1, (2,))
    save_memo(state, SID, replace(memo, merged=(("Phiếu", 0),), steady=3))
    assert load_memo(state, SID) == FormatMemo(("Phiếu",), "Phiếu", 1, (2,), (("Phiếu", 0),), 3)


def test_merged_columns_are_blocks_down_two_rows_or_more_below_the_agency_header() -> None:
    merges = {"Phiếu": [Merge(0, 2, 0, 1), Merge(1, 2, 3, 5), Merge(2, 5, 1, 3)], "Danh sách": [Merge(0, 3, 2, 3)]}
    assert merged_columns(merges, "Phiếu", header_row=1) == (("Danh sách", 2), ("Phiếu", 1))
