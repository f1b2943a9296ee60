"""Percent cells through the Google API: a typed "85%" arrives as 0.85 without its format, so the cells'
number formats are learned, in the metadata read the cycle makes anyway once they are known (issue 7 item 2)."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from aggregator.adapters import campaign_file
from aggregator.adapters.sheets_meta import METADATA_FIELDS
from aggregator.adapters.sheets_percent import GRID_FORMATS, METADATA_WITH_FORMATS
from aggregator.app.wiring import run_cycle
from aggregator.devtools.sheets_state import PercentCell
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
