"""A form with a two-row header: a heading merged over the figures' columns, their own headers in the row below,
"STT" and "Tên đơn vị" merged down over both rows. `init` reads the lower row, `run` sums the right columns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import Workbook

from tests.test_init_end_to_end import init_to_run

ROWS = [
    (1, "UBND xã Minh Tân", 12, 40, "05/06/2025"),
    (2, "UBND xa Tung Ba", 8, "khoảng 30", "06/06/2025"),
    (3, "Trường TH Kim Đồng", 20, 100, "12/06/2025"),
]


def _sheet(folder: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append(["BÁO CÁO KẾT QUẢ THÁNG HÀNH ĐỘNG VÌ TRẺ EM NĂM 2025"])
    sheet.append(["STT", "Tên đơn vị", "Kết quả thực hiện", None, "Ngày gửi báo cáo"])
    sheet.append([None, None, "Số buổi sinh hoạt", "Số trẻ em được hỗ trợ", None])
    for cells in ("A2:A3", "B2:B3", "C2:D2", "E2:E3"):
        sheet.merge_cells(cells)
    for row in ROWS:
        sheet.append(row)
    book.save(folder / "sheet.xlsx")
    return folder / "sheet.xlsx"


@pytest.fixture(scope="module")
def done(tmp_path_factory: pytest.TempPathFactory, runner: CliRunner) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("two-rows")
    return init_to_run(runner, folder, _sheet(folder), "hai-dong-2025", "Thử")


def test_init_reads_the_lower_header_row_and_names_it_a_two_row_header(done: dict[str, Any]) -> None:
    assert done["init"].exit_code == 0, done["init"].output
    assert "a two-row header, rows 2–3" in done["init"].output
    text = done["campaign"].read_text(encoding="utf-8")
    assert "header_row: 3" in text and "Số buổi sinh hoạt" in text and "Số trẻ em được hỗ trợ" in text
    assert "Kết quả thực hiện" not in text.split("columns:", 1)[1]  # the heading is no column


def test_check_and_run_sum_the_figures_under_the_heading(done: dict[str, Any]) -> None:
    assert done["checked"].exit_code == 0, done["checked"].output
    assert done["run"].exit_code == 0, done["run"].output
    status = done["status"]
    assert (status["totals"]["units_reported"], status["totals"]["rows_blank"]) == (3, 0)
    assert sorted(status["metrics"].values()) == [40, 170]  # 12 + 8 + 20 sessions, 40 + 30 + 100 children
