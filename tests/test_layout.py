"""Finding the header row among title and note rows, and naming the row the headers moved to."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from aggregator.adapters import campaign_file
from aggregator.app.cli import cli
from aggregator.errors import SchemaError
from aggregator.sheet.layout import find_header_row, map_header_row, row_with_headers

CAMPAIGN = campaign_file.load()
HEADERS = ["STT", "Đơn vị báo cáo", "Thời điểm gửi", "Kinh phí thực hiện (đồng)", "Tỷ lệ hoàn thành",
           "Khó khăn, vướng mắc", "Người báo cáo, SĐT"]
DATA = [
    [1, "UBND phường Tân Lập", dt.datetime(2025, 6, 2, 9, 30), "12.500.000", "85%", "Thiếu kinh phí", "An, 0905"],
    [2, "UBND xã Vĩnh Lương", "03/06/2025 14:00", "2,5 triệu", 0.72, None, "Bình"],
    [3, "Trường THCS Cao Văn Ngọc", dt.datetime(2025, 6, 4), 8000000, "90 %", "không", "Chi, 0914"],
]


@pytest.mark.parametrize(("above", "expected"), [
    ([], 1),
    ([["THÁNG HÀNH ĐỘNG VÌ TRẺ EM NĂM 2025"], ["Ghi chú: các đơn vị nhập số liệu từ dòng 5"]], 3),
    ([["UBND THÀNH PHỐ NHA TRANG", None, None, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"], [], ["BÁO CÁO"],
      [None, "Đơn vị tính: đồng", None, "Cập nhật: 01/06/2025"], []], 6),
    ([[None] * 7, ["   ", "", None]], 3),
], ids=["row-1", "title-and-note", "letterhead-and-blank-rows", "empty-looking-rows"])
def test_layout_finds_the_header_row_under_titles_and_notes(above: list[list[Any]], expected: int) -> None:
    assert find_header_row([*above, HEADERS, *DATA]) == expected


def test_layout_headers_without_data_yet_are_still_headers() -> None:
    assert find_header_row([["BÁO CÁO"], HEADERS]) == 2


@pytest.mark.parametrize("rows", [
    [],
    [["Chỉ một tiêu đề"], ["Một ghi chú"]],
    [[1, 2, 3], [4, 5, 6]],
    [["A", "A", "a"], ["x", 1, 2]],
], ids=["empty", "only-titles", "only-numbers", "repeated-texts"])
def test_layout_no_row_reads_like_headers(rows: list[list[Any]]) -> None:
    assert find_header_row(rows) is None


def test_layout_row_with_headers_finds_every_wanted_name_ignoring_case_and_accents() -> None:
    rows = [["Báo cáo"], ["stt", "TEN CO QUAN, DON VI", "Số người"], ["Tên cơ quan, đơn vị"]]
    assert row_with_headers(rows, [("Tên cơ quan, đơn vị", "Đơn vị")], skip=1) == 2
    assert row_with_headers(rows, [("Tên cơ quan, đơn vị",)], skip=2) == 3
    assert row_with_headers(rows, [("Tên cơ quan, đơn vị",), ("Khối",)], skip=1) is None


def _bundled_rows() -> list[tuple[Any, ...]]:
    book = load_workbook(campaign_file.BUNDLED_CONFIG_DIR / "samples" / "nhatrang-2024.xlsx", read_only=True)
    try:
        return [tuple(row) for row in book["Báo cáo"].iter_rows(values_only=True)]
    finally:
        book.close()


def test_layout_moved_headers_name_the_row_instead_of_a_rename() -> None:
    rows = [("BÁO CÁO KẾT QUẢ",), (), *_bundled_rows()]
    with pytest.raises(SchemaError) as info:
        map_header_row("Báo cáo", rows, 1, CAMPAIGN.columns)
    assert info.value.found_in_row == 3 and info.value.exit_code == 5
    assert "the headers are in row 3" in info.value.message
    assert "`source.header_row: 3`" in info.value.message and "Rename" not in info.value.message
    assert map_header_row("Báo cáo", rows, 3, CAMPAIGN.columns).positions == \
        map_header_row("Báo cáo", rows[2:], 1, CAMPAIGN.columns).positions


def test_layout_a_renamed_header_still_suggests_the_rename() -> None:
    rows = _bundled_rows()
    rows[0] = tuple("Đơn vị nhập" if cell == "Tên cơ quan, đơn vị" else cell for cell in rows[0])
    with pytest.raises(SchemaError, match="Rename the header back") as info:
        map_header_row("Báo cáo", rows, 1, CAMPAIGN.columns)
    assert info.value.found_in_row is None


def test_layout_run_on_a_sheet_with_a_title_row_inserted_says_where_the_headers_are(
        runner: CliRunner, tmp_path: Path) -> None:
    book = load_workbook(campaign_file.BUNDLED_CONFIG_DIR / "samples" / "nhatrang-2024.xlsx")
    book["Báo cáo"].insert_rows(1)
    book["Báo cáo"]["A1"] = "BÁO CÁO KẾT QUẢ CHIẾN DỊCH"
    moved = tmp_path / "moved.xlsx"
    book.save(moved)
    result = runner.invoke(cli, ["run", "--source", str(moved), "--out", str(tmp_path / "o")])
    assert result.exit_code == 5
    assert "the headers are in row 2" in result.stderr and "set `source.header_row: 2`" in result.stderr.lower()


HEADERS = [c.header for c in CAMPAIGN.columns]


@pytest.mark.parametrize("dressed", [
    [f"{h} ({i})" for i, h in enumerate(HEADERS, start=1)],  # the form's column numbers
    [f"{h} (lượt người)" if h.startswith("Số ") else h for h in HEADERS],  # units
    [f"{h} (*) [1]" for h in HEADERS],  # footnote marks
])
def test_layout_headers_with_trailing_brackets_still_map(dressed: list[str]) -> None:
    mapped = map_header_row("Báo cáo", [dressed], 1, CAMPAIGN.columns)
    assert mapped.missing == {} and mapped.positions == {c.key: i for i, c in enumerate(CAMPAIGN.columns)}
    assert mapped.headers[CAMPAIGN.columns[1].key] == dressed[1]  # named as the sheet writes it


def test_layout_a_bare_header_two_columns_share_is_left_missing() -> None:
    citizens = HEADERS.index("Số người dân được tuyên truyền")
    doubled = [*HEADERS, "Số người dân được tuyên truyền (kỳ trước)"]
    doubled[citizens] = "Số người dân được tuyên truyền (kỳ này)"
    mapped = map_header_row("Báo cáo", [doubled], 1, CAMPAIGN.columns)
    assert "citizens" in mapped.missing and "citizens" not in mapped.positions
