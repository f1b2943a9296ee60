"""A small campaign on the fake Google Sheets API for the decisions tests (issue 10): an unmatched name,
a name typed the same way twice, a problem cell, a unit with two rows, a row that is no unit."""

from __future__ import annotations

import datetime as dt
import json
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aggregator.adapters import campaign_file
from aggregator.app.pipeline import CycleReport
from aggregator.app.wiring import run_cycle
from aggregator.decisions.tab import DECISION_COL, ID_COL, NAME_COL
from aggregator.devtools.sheets_state import Tab
from tests.conftest import REPO
from tests.fake_sheets import FakeSheets

SID = "1DecisionsCampaignOnTheFakeGoogleApi00"
AGENCY, DASHBOARD, DECISIONS = "Báo cáo", "Tổng hợp tiến độ", "Xử lý"
HEADER = ["Tên đơn vị", "Ngày báo cáo", "Số người dân được tuyên truyền", "Số buổi tuyên truyền"]
ROWS = [
    ["Phòng Y tế", "05/11/2024", 10, 1],  # row 2
    ["UBND P.VH", "05/11/2024", 20, 2],  # row 3: initials of two wards, never guessed
    ["Phòng Tư pháp", "06/11/2024", "số liệu gửi sau", 3],  # row 4: a problem cell
    ["Đội văn nghệ xung kích", "06/11/2024", 5, 1],  # row 5: no unit of the roster
    ["Phòng Nội vụ", "05/11/2024", 7, 1],  # row 6: superseded by row 7
    ["Phòng Nội vụ", "07/11/2024", 8, 2],  # row 7
]
ROSTER = ("unit_id,group,name\nYT,p,Phòng Y tế\nTP,p,Phòng Tư pháp\nNV,p,Phòng Nội vụ\n"
          "PX-VINHHAI,x,Ủy ban nhân dân phường Vĩnh Hải\nPX-VINHHOA,x,Ủy ban nhân dân phường Vĩnh Hòa\n")
NOW = dt.datetime(2024, 11, 11, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


def campaign_text(roster: str = "roster.csv") -> str:
    return textwrap.dedent(f"""\
        id: xu-ly-2024
        title: "Đợt tuyên truyền thử"
        deadline: 2024-11-10T23:59:59+07:00
        source: {{kind: google_sheets, spreadsheet: "{SID}", tab: "{AGENCY}"}}
        roster: {roster}
        groups: [{{code: p, label: "Các phòng"}}, {{code: x, label: "UBND các phường"}}]
        columns:
          - {{key: ten, header: "Tên đơn vị", type: text, role: unit_name}}
          - {{key: ngay, header: "Ngày báo cáo", type: date, role: submitted_at}}
          - {{key: citizens, header: "Số người dân được tuyên truyền", type: count, label: "người dân"}}
          - {{key: sessions, header: "Số buổi tuyên truyền", type: count, label: "buổi tuyên truyền"}}
        report:
          template: {REPO / "templates" / "report.docx"}
          parent_body: "UBND THÀNH PHỐ A"
          issuing_body: "PHÒNG VĂN HÓA VÀ THÔNG TIN"
          issuer_name: "Phòng Văn hóa và Thông tin thành phố A"
          abbreviation: "VHTT"
          place: "A"
          summary: "Kết quả tuyên truyền"
          recipients: ["UBND thành phố A"]
          signer: {{title: "TRƯỞNG PHÒNG", name: "Nguyễn Văn D"}}
        """)


@dataclass
class Sheet:
    """The fake spreadsheet and the campaign folder; ``cycle`` runs ``aggregator run`` once."""

    api: FakeSheets
    folder: Path

    def cycle(self, now: dt.datetime = NOW, *, report: bool = False) -> dict[str, Any]:
        return json.loads(self.run(now, report=report).status_path.read_text(encoding="utf-8"))

    def run(self, now: dt.datetime = NOW, *, report: bool = False) -> CycleReport:
        return run_cycle(campaign_file.load(self.folder / "c.yaml"), out_dir=self.folder / "out", now=now,
                         render_report=report)

    def tab(self, title: str) -> Tab:
        return self.api.books[SID].tab(title)

    @property
    def agency(self) -> Tab:
        return self.tab(AGENCY)

    @property
    def decisions(self) -> Tab:
        return self.tab(DECISIONS)

    def line_of(self, typed_name: str, kind: str = "N") -> int:
        """The 0-based row of the decisions tab's line about ``typed_name``."""
        rows = self.decisions.values()
        return next(i for i, row in enumerate(rows) if row and str(row[ID_COL]).startswith(f"{kind}-")
                    and len(row) > NAME_COL and row[NAME_COL] == typed_name)

    def answer(self, typed_name: str, choice: object, kind: str = "N") -> int:
        """Staff pick or type ``choice`` in the decision cell beside ``typed_name``'s line (read as the
        emulator reads typing: the column is plain text, so "1.234" stays text); returns that line."""
        line = self.line_of(typed_name, kind)
        self.decisions.type_cell(line, DECISION_COL, choice)
        return line

    def set_agency_rows(self, rows: list[list[Any]]) -> None:
        """The agencies' tab now holds ``rows`` under its header (as if typed, sorted or edited)."""
        self.agency.cells.clear()
        self.agency.set_rows([HEADER, *rows])


def during_first_write(api: FakeSheets, action: Callable[[], None]) -> None:
    """Run ``action`` (staff typing) just before the next values write arrives: after the cycle's read."""
    handle = api.handle
    done = []

    def wrapped(method: str, url: str, headers: Any, body: Any) -> Any:
        if not done and method == "POST" and "values:batchUpdate" in url:
            done.append(True)
            action()
        return handle(method, url, headers, body)

    api.handle = wrapped  # type: ignore[method-assign]


def make_sheet(folder: Path, rows: list[list[Any]] | None = None, roster_tab: bool = False) -> Iterator[Sheet]:
    """Seed the fake and the campaign folder (the caller activates the fake and sets the credentials)."""
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    (folder / "c.yaml").write_text(campaign_text(), encoding="utf-8")
    api = FakeSheets()
    tabs: dict[str, list[list[Any]]] = {AGENCY: [HEADER, *(rows if rows is not None else ROWS)]}
    if roster_tab:
        tabs["Danh sách đơn vị"] = [line.split(",") for line in ROSTER.strip().split("\n")]
    api.add_spreadsheet(SID, tabs)
    with api.activate():
        yield Sheet(api, folder)
