"""A campaign the project has never seen, end to end: its own layout (rows above the header), a submission-time
column not called submitted_at, money, percent and decimal columns, two free-text columns (issue 7)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from aggregator.app.cli import cli
from tests.conftest import REPO
from tests.report_builders import all_text

ROSTER = """unit_id,group,name,short_name,aliases,email,source
X-1,xa,UBND xã Minh Tân,,,,test
X-2,xa,UBND xã Tùng Bá,,,,test
X-3,xa,UBND xã Thuận Hòa,,,,test
X-4,xa,UBND xã Phương Thiện,,,,test
T-1,truong,Trường Tiểu học Kim Đồng,,,,test
T-2,truong,Trường Mầm non Hoa Hồng,,,,test
"""
HEADER = ("STT", "Đơn vị báo cáo", "Thời điểm gửi", "Số trẻ em được hỗ trợ", "Kinh phí thực hiện (đồng)",
          "Tỷ lệ hộ gia đình được thăm hỏi (%)", "Số giờ sinh hoạt hè bình quân", "Khó khăn, vướng mắc",
          "Đề xuất, kiến nghị", "Người báo cáo, SĐT")
ROWS = [  # (values, whether the percent cell is %-formatted)
    ((1, "UBND xã Minh Tân", "05/06/2025 09:00", 120, "12.500.000", "85%", "1,5", "Thiếu kinh phí",
      "Đề nghị hỗ trợ thêm sách vở", "Nguyễn An, 0912 345 678"), False),
    ((2, "UBND xa Tung Ba", "06/06/2025 10:00", "khoảng 80", "8.000.000 đ", 0.725, "2.5", "Không",
      "không có", "Trần Bình"), True),
    ((3, "UBND xã Thuận Hòa", "07/06/2025", 40, "2,5 triệu", 63, "12,25", "Thiếu kinh phí; thiếu người",
      "Đề nghị hỗ trợ thêm sách vở", ""), False),
    ((4, "Trường TH Kim Đồng", "12/06/2025 08:00", 200, "63.300.000", "80 %", "22,25", "",
      "Đề nghị tập huấn cho giáo viên", "Lê Cúc"), False),
    ((5, "UBND xã Minh Tân", "04/06/2025 08:00", 999, "1 tỷ", "10%", "9", "", "", ""), False),  # an older row
]
CAMPAIGN = textwrap.dedent("""\
    id: thang-tre-em-2025
    title: "Tháng hành động vì trẻ em năm 2025"
    deadline: 2025-06-10T17:00:00+07:00
    source: {kind: xlsx, path: sheet.xlsx, tab: "Báo cáo", header_row: 3}
    roster: roster.csv
    groups:
      - {code: xa, label: "UBND các xã"}
      - {code: truong, label: "Các trường học"}
    columns:
      - {key: stt, header: "STT", type: ignored}
      - {key: don_vi, header: "Đơn vị báo cáo", type: text, role: unit_name}
      - {key: gui_luc, header: "Thời điểm gửi", type: date, role: submitted_at}
      - {key: tre_em, header: "Số trẻ em được hỗ trợ", type: count, label: "trẻ em được hỗ trợ"}
      - {key: kinh_phi, header: "Kinh phí thực hiện (đồng)", type: money, label: "kinh phí thực hiện"}
      - {key: ty_le, header: "Tỷ lệ hộ gia đình được thăm hỏi (%)", type: percent,
         label: "tỷ lệ hộ gia đình được thăm hỏi"}
      - {key: so_gio, header: "Số giờ sinh hoạt hè bình quân", type: decimal, label: "giờ sinh hoạt hè"}
      - {key: kho_khan, header: "Khó khăn, vướng mắc", type: text, role: difficulties}
      - {key: de_xuat, header: "Đề xuất, kiến nghị", type: text, role: proposals}
      - {key: lien_he, header: "Người báo cáo, SĐT", type: text, role: contact}
    report:
      template: TEMPLATE
      parent_body: "UBND HUYỆN BẮC MÊ"
      issuing_body: "PHÒNG VĂN HÓA VÀ THÔNG TIN"
      issuer_name: "Phòng Văn hóa và Thông tin huyện Bắc Mê"
      abbreviation: "VHTT"
      place: "Bắc Mê"
      summary: "Kết quả Tháng hành động vì trẻ em năm 2025 trên địa bàn huyện"
      recipients: ["Sở Lao động - Thương binh và Xã hội tỉnh Hà Giang"]
      signer: {authority: "", title: "TRƯỞNG PHÒNG", name: "Hoàng Văn C"}
    """)


def write_sheet(folder: Path) -> Path:
    """The agencies' sheet: a title row and a note row above the header (row 3), one %-formatted cell."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Báo cáo"
    sheet.append(["BÁO CÁO KẾT QUẢ THÁNG HÀNH ĐỘNG VÌ TRẺ EM NĂM 2025"])
    sheet.append(["Ghi chú: các đơn vị nhập số liệu từ dòng 4; kinh phí ghi bằng đồng"])
    sheet.append(HEADER)
    for values, formatted in ROWS:
        sheet.append(values)
        if formatted:
            sheet.cell(row=sheet.max_row, column=6).number_format = "0.0%"
    book.save(folder / "sheet.xlsx")
    return folder / "sheet.xlsx"


@pytest.fixture(scope="module")
def outcome(runner: CliRunner, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("newcampaign")
    (folder / "roster.csv").write_text(ROSTER, encoding="utf-8")
    text = CAMPAIGN.replace("TEMPLATE", str(REPO / "templates" / "report.docx"))
    (folder / "campaign.yaml").write_text(text, encoding="utf-8")
    write_sheet(folder)
    out = folder / "out"
    checked = runner.invoke(cli, ["check", "--config", str(folder / "campaign.yaml")])
    ran = runner.invoke(cli, ["run", "--config", str(folder / "campaign.yaml"), "--out", str(out),
                                   "--now", "2025-06-15T08:00:00+07:00"])
    status = json.loads((out / "status.json").read_text(encoding="utf-8")) if ran.exit_code == 0 else {}
    return {"check": checked, "run": ran, "status": status, "out": out}


def test_check_and_run_pass(outcome: dict[str, object]) -> None:
    assert outcome["check"].exit_code == 0, outcome["check"].output  # type: ignore[attr-defined]
    assert outcome["run"].exit_code == 0, outcome["run"].output  # type: ignore[attr-defined]


def test_units_lateness_and_resubmissions_are_exact(outcome: dict[str, object]) -> None:
    totals = outcome["status"]["totals"]  # type: ignore[index]
    assert (totals["units_reported"], totals["units_late"], totals["units_missing"], totals["rows_superseded"]) == (
        4, 1, 2, 1)
    units = {u["unit_id"]: u for u in outcome["status"]["units"]}  # type: ignore[index]
    assert units["X-1"]["row"] == 4 and units["X-1"]["superseded_rows"] == [8]  # the later submission wins
    assert units["T-1"]["status"] == "late"  # 12/06 after the 10/06 17:00 deadline


def test_money_and_decimal_are_summed_exactly_and_the_percent_is_a_mean(outcome: dict[str, object]) -> None:
    status = outcome["status"]
    metrics = status["metrics"]  # type: ignore[index]
    assert metrics["tre_em"] == 120 + 80 + 40 + 200
    assert metrics["kinh_phi"] == 12_500_000 + 8_000_000 + 2_500_000 + 63_300_000 == 86_300_000
    assert metrics["so_gio"] == pytest.approx(1.5 + 2.5 + 12.25 + 22.25) == 38.5
    assert metrics["ty_le"] == pytest.approx((85 + 72.5 + 63 + 80) / 4)  # 75.125, never a sum
    assert status["metric_stats"]["ty_le"] == {"n": 4, "min": 63.0, "max": 85.0}  # type: ignore[index]


def test_the_report_writes_the_figures_the_vietnamese_way_with_both_free_text_columns(
        outcome: dict[str, object]) -> None:
    out: Path = outcome["out"]  # type: ignore[assignment]
    text = all_text(docx.Document(str(out / "bao-cao-thang-tre-em-2025.docx")))
    assert "86.300.000 đồng kinh phí thực hiện" in text
    assert "38,5 giờ sinh hoạt hè" in text
    assert "bình quân 75,1 % (thấp nhất 63 %, cao nhất 85 %; 4 đơn vị có số liệu)" in text
    assert "Thiếu kinh phí (UBND xã Minh Tân, UBND xã Thuận Hòa)" in text  # difficulties, under weaknesses
    assert "Đề nghị hỗ trợ thêm sách vở (UBND xã Minh Tân, UBND xã Thuận Hòa)" in text  # proposals
    assert "Đề nghị tập huấn cho giáo viên" in text
    assert "Phòng Văn hóa và Thông tin huyện Bắc Mê đề nghị các cơ quan, đơn vị báo cáo kết quả" in text  # section I
    for bundled in ("lừa đảo", "tuyên truyền", "Nha Trang", "Khánh Hòa"):
        assert bundled not in text, bundled


def test_a_money_column_counted_in_millions_is_named_by_check_and_on_the_dashboard(
        runner: CliRunner, tmp_path: Path) -> None:
    """An office that kept `type: money` for "Kinh phí (triệu đồng)": a typed 12 would be 12 đồng."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    header = "Kinh phí thực hiện (Triệu đồng)"
    text = CAMPAIGN.replace("TEMPLATE", str(REPO / "templates" / "report.docx"))
    (tmp_path / "campaign.yaml").write_text(text.replace("Kinh phí thực hiện (đồng)", header), encoding="utf-8")
    book = write_sheet(tmp_path)
    workbook = load_workbook(book)
    workbook["Báo cáo"].cell(row=3, column=5).value = header
    workbook.save(book)

    checked = runner.invoke(cli, ["check", "--config", str(tmp_path / "campaign.yaml")])

    assert checked.exit_code == 0, checked.output
    (line,) = [x for x in checked.output.splitlines() if "counts in triệu đồng" in x]
    assert line.startswith("! ") and header in line and "decimal" in line
    ran = runner.invoke(cli, ["run", "--config", str(tmp_path / "campaign.yaml"), "--out", str(tmp_path / "out"),
                              "--now", "2025-06-15T08:00:00+07:00"])
    assert ran.exit_code == 0, ran.output
    sheet = load_workbook(tmp_path / "out" / "bang-tong-hop-thang-tre-em-2025.xlsx", read_only=True)
    shown = [str(c) for row in sheet["Tổng hợp tiến độ"].iter_rows(values_only=True) for c in row if c]
    assert any("tiêu đề ghi đơn vị triệu đồng" in t and header in t for t in shown)


def test_a_money_column_in_dong_gets_no_such_warning(outcome: dict[str, object]) -> None:
    assert "counts in" not in outcome["check"].output  # type: ignore[attr-defined]


def test_a_place_typed_after_a_name_that_nothing_can_confirm_is_named_by_check_and_the_dashboard(
        runner: CliRunner, tmp_path: Path) -> None:
    """No `area` and a roster without `locality`: "UBND xã Thuận Hòa, huyện Bắc Mê" cannot be confirmed, and the
    row is left to the office; check and the dashboard say why and what to set. With `area`, it is matched."""
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    text = CAMPAIGN.replace("TEMPLATE", str(REPO / "templates" / "report.docx"))
    (tmp_path / "campaign.yaml").write_text(text, encoding="utf-8")
    book = write_sheet(tmp_path)
    workbook = load_workbook(book)
    workbook["Báo cáo"].cell(row=6, column=2).value = "UBND xã Thuận Hòa, huyện Bắc Mê"
    workbook.save(book)
    args = ["--config", str(tmp_path / "campaign.yaml")]
    run = ["run", *args, "--out", str(tmp_path / "out"), "--now", "2025-06-15T08:00:00+07:00"]

    checked, ran = runner.invoke(cli, ["check", *args]), runner.invoke(cli, run)

    assert checked.exit_code == 0 and ran.exit_code == 0, checked.output + ran.output
    (line,) = [x for x in checked.output.splitlines() if "nothing can confirm" in x]
    assert line.startswith("! ") and "1 row(s)" in line and "`area`" in line
    status = json.loads((tmp_path / "out" / "status.json").read_text(encoding="utf-8"))
    assert [r["reason"] for r in status["unmatched_rows"]] == ["locality_conflict"]
    sheet = load_workbook(tmp_path / "out" / "bang-tong-hop-thang-tre-em-2025.xlsx", read_only=True)
    shown = [str(c) for row in sheet["Tổng hợp tiến độ"].iter_rows(values_only=True) for c in row if c]
    assert any("chưa có `area`" in t for t in shown)

    (tmp_path / "campaign.yaml").write_text(text + 'area: "huyện Bắc Mê, tỉnh Hà Giang"\n', encoding="utf-8")
    checked, ran = runner.invoke(cli, ["check", *args]), runner.invoke(cli, run)
    assert "nothing can confirm" not in checked.output and ran.exit_code == 0, ran.output
    status = json.loads((tmp_path / "out" / "status.json").read_text(encoding="utf-8"))
    assert status["unmatched_rows"] == [] and status["totals"]["units_reported"] == 4
