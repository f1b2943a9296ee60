"""A metric column whose header is lost: the cycle goes on and its figure is unknown, never 0 (issue 8 item 1)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from aggregator.app.cli import cli
from tests.conftest import REPO
from tests.report_builders import all_text

SAMPLE = REPO / "config" / "samples" / "nhatrang-2024.xlsx"
LOST = "Số học sinh, sinh viên, phụ huynh được tuyên truyền"
RENAMED = "Học sinh và phụ huynh (lượt)"


@pytest.fixture(scope="module")
def run(runner: CliRunner, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("lost")
    book_path = folder / "renamed.xlsx"
    shutil.copyfile(SAMPLE, book_path)
    book = load_workbook(book_path)
    sheet = book["Báo cáo"]
    cell = next(c for c in sheet[1] if c.value == LOST)
    cell.value = RENAMED
    book.save(book_path)
    out = folder / "out"
    result = runner.invoke(cli, ["run", "--source", str(book_path), "--out", str(out),
                                      "--now", "2024-11-11T08:00:00+07:00"])
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    return {"result": result, "out": out, "status": status, "book": book_path}


def test_run_goes_on_and_the_metric_is_null_not_zero(run: dict[str, object]) -> None:
    assert run["result"].exit_code == 0, run["result"].output  # type: ignore[attr-defined]
    status = run["status"]
    assert status["metrics"]["students"] is None  # type: ignore[index]
    assert all(g["metrics"]["students"] is None for g in status["groups"])  # type: ignore[index]
    assert all(u["metrics"]["students"] is None for u in status["units"])  # type: ignore[index]
    assert status["metrics"]["citizens"] > 0  # type: ignore[index]
    assert status["missing_columns"] == [{"header": LOST, "closest": RENAMED}]  # type: ignore[index]


def test_the_report_says_there_is_no_figure(run: dict[str, object]) -> None:
    out: Path = run["out"]  # type: ignore[assignment]
    text = all_text(docx.Document(str(out / "bao-cao-nhatrang-2024.docx")))
    assert "Lượt học sinh, sinh viên, phụ huynh được tuyên truyền: chưa có số liệu" in text
    assert "0 lượt học sinh" not in text


def test_the_dashboard_names_the_missing_header_and_the_closest_unused_one(run: dict[str, object]) -> None:
    out: Path = run["out"]  # type: ignore[assignment]
    sheet = load_workbook(out / "bang-tong-hop-nhatrang-2024.xlsx", read_only=True)["Tổng hợp tiến độ"]
    texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    warning = next(t for t in texts if LOST in t)
    assert RENAMED in warning and "không tính là 0" in warning


def test_check_names_the_missing_header_and_the_closest_unused_one_without_failing(
        run: dict[str, object], runner: object) -> None:
    result = runner.invoke(cli, ["check", "--source", str(run["book"])])  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if LOST in line)
    assert line.startswith("! ") and RENAMED in line and "unknown (not 0)" in line


def _renamed(folder: Path, header: str, new: str) -> Path:
    book_path = folder / f"renamed-{len(list(folder.iterdir()))}.xlsx"
    shutil.copyfile(SAMPLE, book_path)
    book = load_workbook(book_path)
    next(c for c in book["Báo cáo"][1] if c.value == header).value = new
    book.save(book_path)
    return book_path


def test_a_lost_submission_time_column_stops_run_and_check_instead_of_calling_everyone_on_time(
        runner: CliRunner, tmp_path: Path) -> None:
    """Without it lateness and resubmissions cannot be judged: the report said every unit was on time."""
    book = _renamed(tmp_path, "Ngày báo cáo", "Thời gian nộp")
    out = tmp_path / "out"
    for args in (["run", "--out", str(out), "--now", "2024-11-11T08:00:00+07:00"], ["check"]):
        result = runner.invoke(cli, [*args, "--source", str(book)])
        assert result.exit_code == 5, result.output
        assert "no column for 'Ngày báo cáo'" in result.output
        assert "Headers the campaign does not use: 'Thời gian nộp'" in result.output
        assert "Traceback" not in result.output
    assert not out.exists() or not list(out.glob("*.docx"))  # nothing written


def test_a_lost_free_text_column_is_named_for_what_it_loses(runner: CliRunner, tmp_path: Path) -> None:
    book = _renamed(tmp_path, "Khó khăn, vướng mắc, đề xuất", "Kiến nghị")
    result = runner.invoke(cli, ["check", "--source", str(book)])
    assert result.exit_code == 0, result.output
    line = next(line for line in result.output.splitlines() if "Khó khăn, vướng mắc, đề xuất" in line)
    assert "missing from the report's proposals" in line and "figures" not in line
    out = tmp_path / "out"
    assert runner.invoke(cli, ["run", "--source", str(book), "--out", str(out),
                               "--now", "2024-11-11T08:00:00+07:00"]).exit_code == 0
    sheet = load_workbook(out / "bang-tong-hop-nhatrang-2024.xlsx", read_only=True)["Tổng hợp tiến độ"]
    texts = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c]
    warning = next(t for t in texts if "Khó khăn, vướng mắc, đề xuất" in t and "Không tìm thấy" in t)
    assert "đề xuất, kiến nghị của báo cáo" in warning and "không tính là 0" not in warning


def test_links_to_a_row_point_at_its_typed_name_not_column_a(run: dict[str, object]) -> None:
    """The demo sheet has STT in column A and the unit's name in column B: "Ô" and every row link say B."""
    out: Path = run["out"]  # type: ignore[assignment]
    sheet = load_workbook(out / "bang-tong-hop-nhatrang-2024.xlsx")["Tổng hợp tiến độ"]
    rows = [list(row) for row in sheet.iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0].value == "Các dòng cần xem lại")
    unmatched = [row for row in rows[start + 2:] if row[3].value and "Cột" not in str(row[3].value)
                 and isinstance(row[0].value, int)]
    assert unmatched and all(row[1].value == f"B{row[0].value}" for row in unmatched)
    links = [c.hyperlink.location for row in rows for c in row if c.hyperlink is not None]
    row_links = [loc for loc in links if loc.split("!")[-1][:1].isalpha() and loc.split("!")[-1][1:].isdigit()]
    assert row_links and not any(loc.endswith(tuple(f"!A{n}" for n in range(1, 500))) for loc in row_links)
