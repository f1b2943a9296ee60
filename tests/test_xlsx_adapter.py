from __future__ import annotations

import datetime as dt
import hashlib
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from aggregator.adapters.xlsx import XlsxDashboardSink, XlsxSource
from aggregator.errors import OutputError, SourceError
from aggregator.outputs.dashboard import layout
from tests.builders import make_result


def _workbook(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    ws.append(["STT", "Tên cơ quan, đơn vị", "Số người dân được tuyên truyền", "Ngày báo cáo"])
    ws.append([1, "Phòng Y tế", 120, dt.datetime(2024, 11, 8)])
    ws.append([2, "UBND phường Vĩnh Hải", "=SUM(1,2)", "08/11/2024"])
    ws.merge_cells("A5:B5")
    ws["A5"] = "merged"
    wb.create_sheet("Hướng dẫn")["A1"] = "Nhập số liệu vào thẻ Báo cáo"
    wb.save(path)
    return path


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_xlsx_source_reads_values_and_leaves_the_file_unmodified(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "in.xlsx")
    before = _digest(path)
    snapshot = XlsxSource(path, "Báo cáo").read()
    assert _digest(path) == before
    assert snapshot.all_titles == ("Báo cáo", "Hướng dẫn")
    assert snapshot.tab.rows[1][:3] == (1, "Phòng Y tế", 120)
    assert snapshot.tab.rows[1][3] == dt.datetime(2024, 11, 8)
    assert snapshot.tab.rows[4][0] == "merged"


def test_xlsx_source_missing_tab_lists_tabs_with_did_you_mean(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "in.xlsx")
    with pytest.raises(SourceError) as info:
        XlsxSource(path, "Bao cao").read()
    assert "'Báo cáo', 'Hướng dẫn'" in str(info.value) and "Did you mean 'Báo cáo'?" in str(info.value)


@pytest.mark.parametrize(
    ("content", "expected"),
    [(b"STT,T\xc3\xaan\n1,Ph\xc3\xb2ng\n", "CSV or other text"), (b"PK\x03\x04garbage", "not a valid")],
    ids=["csv-named-xlsx", "broken-zip"],
)
def test_xlsx_source_not_a_workbook(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "in.xlsx"
    path.write_bytes(content)
    with pytest.raises(SourceError, match=expected) as info:
        XlsxSource(path, "Báo cáo").read()
    assert "save it as .xlsx" in str(info.value)


ENCRYPTED = Path(__file__).parent / "fixtures" / "encrypted.xlsx"  # a real Office-encrypted workbook
# (made with msoffcrypto-tool from a two-row openpyxl workbook, password "mat-khau"; not a dependency)


def test_xlsx_source_calls_an_encrypted_workbook_password_protected() -> None:
    assert ENCRYPTED.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # a Compound File, not a zip
    with pytest.raises(SourceError) as info:
        XlsxSource(ENCRYPTED, "Báo cáo").read()
    message = str(info.value)
    assert "protected with a password" in message and "without one" in message
    assert "not a valid" not in message and info.value.exit_code == 3


def test_the_cli_names_a_password_protected_source(runner: CliRunner, tmp_path: Path) -> None:
    from aggregator.app.cli import cli

    result = runner.invoke(cli, ["run", "--source", str(ENCRYPTED), "--out", str(tmp_path)])
    assert result.exit_code == 3
    assert "protected with a password" in result.output and "Traceback" not in result.output


def test_xlsx_source_names_an_old_xls_file(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + "Workbook".encode("utf-16-le"))
    with pytest.raises(SourceError, match="old Excel 97-2003 workbook"):
        XlsxSource(path, "Báo cáo").read()


def test_xlsx_source_absent_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="does not exist"):
        XlsxSource(tmp_path / "none.xlsx", "Báo cáo").read()


def _damaged(source: Path, part: str, damage: str, out: Path) -> Path:
    """A copy of ``source`` with one part broken: its XML cut in half ("cut"), a byte of its compressed data
    flipped ("flipped"), or a character XML forbids written in ("invalid")."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part and damage == "cut":
                data = data[:len(data) // 2]
            elif info.filename == part and damage == "invalid":
                data = data.replace(b"<sheetData>", b"<sheetData>\x01<", 1).replace(b"<sheets>", b"<sheets>\x01<", 1)
            zout.writestr(info, data)
    if damage == "flipped":
        with zipfile.ZipFile(out) as zin:
            info = zin.getinfo(part)
        raw = bytearray(out.read_bytes())
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        for offset in range(start + 2, start + info.compress_size, 7):  # every 7th byte of the compressed part
            raw[offset] ^= 0x5A
        out.write_bytes(bytes(raw))
    return out


@pytest.mark.parametrize("damage", ["cut", "flipped", "invalid"])
def test_a_damaged_source_tab_is_named_not_an_internal_error(tmp_path: Path, damage: str) -> None:
    good = _workbook(tmp_path / "in.xlsx")
    path = _damaged(good, "xl/worksheets/sheet1.xml", damage, tmp_path / "damaged.xlsx")  # the "Báo cáo" tab
    with pytest.raises(SourceError) as info:
        XlsxSource(path, "Báo cáo").read()
    # broken compressed data shows as the workbook opens (openpyxl reads each tab's start), broken XML as it is read
    where = "and cannot be opened" if damage == "flipped" else "its tab 'Báo cáo' cannot be read"
    assert info.value.what.startswith(f"The workbook {path} is damaged") and where in info.value.what
    assert "save it again as .xlsx" in info.value.hint and "restore an earlier copy" in info.value.hint
    assert info.value.exit_code == 3


def test_a_damaged_list_of_tabs_is_named(tmp_path: Path) -> None:
    path = _damaged(_workbook(tmp_path / "in.xlsx"), "xl/workbook.xml", "invalid", tmp_path / "damaged.xlsx")
    with pytest.raises(SourceError, match=r"is damaged and cannot be opened \("):
        XlsxSource(path, "Báo cáo").read()


def test_a_damaged_tab_the_cycle_does_not_read_stops_the_dashboard_copy_cleanly(tmp_path: Path) -> None:
    """The source tab reads (read-only, that tab only); the dashboard's copy loads every tab: an OutputError,
    and no dashboard file, whole or half."""
    path = _damaged(_workbook(tmp_path / "in.xlsx"), "xl/worksheets/sheet2.xml", "cut", tmp_path / "damaged.xlsx")
    assert XlsxSource(path, "Báo cáo").read().tab.rows[1][1] == "Phòng Y tế"
    out = tmp_path / "out" / "dashboard.xlsx"
    sink = XlsxDashboardSink(path, out)
    with pytest.raises(OutputError) as info:
        sink.write(layout(make_result(), "Tổng hợp tiến độ", {}))
    assert f"Cannot copy {path} to write the dashboard: the workbook is damaged (" in info.value.what
    assert "restore an earlier copy" in info.value.hint
    assert not out.exists() and not list(out.parent.glob(".*tmp*"))


def test_the_cli_names_a_damaged_source_without_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    from aggregator.app.cli import cli

    path = _damaged(Path(__file__).parents[1] / "config" / "samples" / "nhatrang-2024.xlsx",
                    "xl/worksheets/sheet1.xml", "cut", tmp_path / "damaged.xlsx")
    for command in (["run", "--out", str(tmp_path / "out")], ["check"]):
        result = runner.invoke(cli, [*command, "--source", str(path)])
        assert result.exit_code == 3, result.output
        assert "is damaged: its tab 'Báo cáo' cannot be read" in result.output
        assert "Internal error" not in result.output and "Traceback" not in result.output


def test_a_damaged_roster_workbook_is_a_roster_error(tmp_path: Path) -> None:
    from aggregator.adapters.xlsx import roster_rows
    from aggregator.errors import RosterError

    wb = Workbook()
    wb.active.append(["unit_id", "group", "name"])
    wb.active.append(["A", "g", "Phòng Y tế"])
    wb.save(tmp_path / "roster.xlsx")
    path = _damaged(tmp_path / "roster.xlsx", "xl/worksheets/sheet1.xml", "cut", tmp_path / "damaged.xlsx")
    with pytest.raises(RosterError) as info:
        roster_rows(path)
    assert info.value.what.startswith(f"The roster workbook {path} is damaged: its tab 'Sheet' cannot be read (")
    assert "restore an earlier copy" in info.value.hint


def test_xlsx_dashboard_is_written_into_a_copy_with_text_never_formulas(tmp_path: Path) -> None:
    source = _workbook(tmp_path / "in.xlsx")
    before = _digest(source)
    out = tmp_path / "out" / "dash.xlsx"
    dash = layout(make_result(), "Tổng hợp tiến độ", {"g1": "Khối một"})
    assert XlsxDashboardSink(source, out).write(dash) == str(out)
    assert _digest(source) == before
    wb = load_workbook(out)
    assert wb.sheetnames == ["Tổng hợp tiến độ", "Báo cáo", "Hướng dẫn"]
    sheet = wb["Tổng hợp tiến độ"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value is not None]
    injected = [c for c in cells if isinstance(c.value, str) and c.value.startswith("=IMPORTXML")]
    assert injected and all(c.data_type == "s" for c in injected)
    links = {c.hyperlink.location for c in cells if c.hyperlink is not None}
    assert "'Báo cáo'!F5" in links
    assert sheet.freeze_panes == "A3"
    assert wb["Báo cáo"]["C3"].value == "=SUM(1,2)"  # the agencies' tab is copied as it was
    assert not list(out.parent.glob(".*.tmp*"))


def test_xlsx_dashboard_replaces_a_previous_dashboard_tab(tmp_path: Path) -> None:
    source = _workbook(tmp_path / "in.xlsx")
    out = tmp_path / "dash.xlsx"
    sink = XlsxDashboardSink(source, out)
    sink.write(layout(make_result(), "Tổng hợp tiến độ", {}))
    sink.write(layout(make_result(), "Tổng hợp tiến độ", {}))
    assert load_workbook(out).sheetnames.count("Tổng hợp tiến độ") == 1
