"""User errors end in one clear paragraph and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from aggregator.adapters import campaign_file
from aggregator.app.cli import cli
from tests.conftest import REPO

NOW = "2024-11-21T08:00:00+07:00"
CONFIG = campaign_file.BUNDLED_CONFIG_DIR / "nhatrang-2024.yaml"
SAMPLE = REPO / "config" / "samples" / "nhatrang-2024.xlsx"


def _invoke(runner: CliRunner, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _copy_campaign(tmp_path: Path, replace: tuple[str, str] | None = None) -> Path:
    """A copy of the demo campaign in tmp_path, with absolute paths so it still finds its files."""
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("path: samples/nhatrang-2024.xlsx", f"path: {SAMPLE}")
    text = text.replace("roster: roster-nhatrang-2024.csv", f"roster: {CONFIG.parent / 'roster-nhatrang-2024.csv'}")
    text = text.replace("template: ../templates/report.docx", f"template: {REPO / 'templates' / 'report.docx'}")
    if replace:
        text = text.replace(*replace)
    path = tmp_path / "campaign.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _assert_clean_error(code: int, stderr: str, *needles: str) -> None:
    assert code != 0
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in stderr, stderr


def test_cli_bad_campaign_file(runner: CliRunner, tmp_path: Path) -> None:
    path = _copy_campaign(tmp_path, ("sync_minutes: 10", "sync_minutes: ten"))
    code, _, err = _invoke(runner, "run", "--config", str(path), "--out", str(tmp_path / "o"))
    _assert_clean_error(code, err, "schedule.sync_minutes", "aggregator check")
    assert code == 2
    assert not (tmp_path / "o").exists()


def test_cli_unreadable_source(runner: CliRunner, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.xlsx"
    bogus.write_text("Tên cơ quan, đơn vị;Số\nPhòng Y tế;1\n", encoding="utf-8")
    code, _, err = _invoke(runner, "run", "--source", str(bogus), "--out", str(tmp_path / "o"), "--now", NOW)
    _assert_clean_error(code, err, "bogus.xlsx", "save it as .xlsx")
    assert code == 3


def test_cli_missing_required_column(runner: CliRunner, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.xlsx"
    wb = load_workbook(SAMPLE)
    wb["Báo cáo"]["B1"] = "Tên đơn vị báo cáo (ghi đầy đủ)"
    wb.save(renamed)
    code, _, err = _invoke(runner, "run", "--source", str(renamed), "--out", str(tmp_path / "o"), "--now", NOW)
    _assert_clean_error(code, err, "'Tên cơ quan, đơn vị'", "closest header", "aliases")
    assert code == 5
    assert not (tmp_path / "o" / "status.json").exists()


def test_cli_unusable_template_leaves_previous_outputs(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    code, _, err = _invoke(runner, "run", "--out", str(out), "--now", NOW)
    assert code == 0, err
    before = (out / "status.json").read_bytes()
    broken = tmp_path / "broken.docx"
    broken.write_bytes(b"this is not a docx")
    path = _copy_campaign(tmp_path, (f"template: {REPO / 'templates' / 'report.docx'}", f"template: {broken}"))
    code, _, err = _invoke(runner, "run", "--config", str(path), "--out", str(out),
                           "--now", "2024-11-22T08:00:00+07:00")
    _assert_clean_error(code, err, "broken.docx")
    assert code == 6
    assert (out / "status.json").read_bytes() == before


@pytest.mark.parametrize(
    ("now", "needle"), [("yesterday", "not an ISO 8601"), ("2024-11-11T08:00:00", "no UTC offset")],
    ids=["garbage", "naive"],
)
def test_cli_bad_now(runner: CliRunner, now: str, needle: str) -> None:
    code, _, err = _invoke(runner, "run", "--now", now)
    _assert_clean_error(code, err, needle)


def test_cli_bad_source_reference(runner: CliRunner, tmp_path: Path) -> None:
    code, _, err = _invoke(runner, "run", "--source", "not a sheet", "--out", str(tmp_path))
    _assert_clean_error(code, err, "neither an .xlsx file nor a Google spreadsheet")


def test_cli_check_passes_on_the_demo_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["check"], catch_exceptions=False)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.count("✓") == 6
    assert not Path("out").exists() or Path("out").resolve() != tmp_path


def test_cli_check_reports_a_renamed_header(runner: CliRunner, tmp_path: Path) -> None:
    renamed = tmp_path / "renamed.xlsx"
    shutil.copyfile(SAMPLE, renamed)
    wb = load_workbook(renamed)
    wb["Báo cáo"]["B1"] = "Đơn vị nhập"
    wb.save(renamed)
    result = runner.invoke(cli, ["check", "--source", str(renamed)])
    assert result.exit_code == 5  # what `run` exits with for the same sheet
    assert "✗ header row has every required column" in result.stdout


def test_cli_python_m_matches_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "aggregator"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    bad = tmp_path / "c.yaml"
    bad.write_text("id: [", encoding="utf-8")
    args = ["run", "--config", str(bad)]
    via_module = subprocess.run([sys.executable, "-m", "aggregator", *args], capture_output=True, text=True)
    via_script = subprocess.run([str(script), *args], capture_output=True, text=True)
    assert via_module.returncode == via_script.returncode == 2
    assert via_module.stderr == via_script.stderr
    assert "Traceback" not in via_module.stderr


def test_cli_history_shows_row_versions(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "o"
    assert _invoke(runner, "run", "--out", str(out), "--now", NOW)[0] == 0
    code, stdout, _ = _invoke(runner, "history", "--out", str(out), "--row", "2")
    assert code == 0
    assert "1 version(s)." in stdout
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    assert status["source"]["rows_read"] > 100


def test_cli_pdf_without_libreoffice_writes_nothing(runner: CliRunner, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AGGREGATOR_SOFFICE", str(tmp_path / "no-soffice-here"))
    out = tmp_path / "o"
    code, _, err = _invoke(runner, "run", "--pdf", "--out", str(out), "--now", NOW)
    _assert_clean_error(code, err, "LibreOffice", "no output was written", "without --pdf")
    assert code == 7
    assert not (out / "status.json").exists() and not list(out.glob("*.docx"))


def test_cli_roster_override(runner: CliRunner, tmp_path: Path) -> None:
    lines = (REPO / "config" / "roster-nhatrang-2024.csv").read_text(encoding="utf-8").splitlines()
    small = tmp_path / "roster.csv"
    small.write_text("\n".join(lines[:21]) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    code, _, err = _invoke(runner, "run", "--roster", str(small), "--out", str(out), "--now", NOW)
    assert code == 0, err
    status = json.loads((out / "status.json").read_text(encoding="utf-8"))
    assert status["totals"]["units_expected"] == 20
    assert [u["unit_id"] for u in status["units"]] == [line.split(",")[0] for line in lines[1:21]]


def test_cli_roster_kept_as_an_excel_workbook(runner: CliRunner, tmp_path: Path) -> None:
    from tests.test_roster import _workbook_roster

    workbook = _workbook_roster(tmp_path / "danh-sach.xlsx", REPO / "config" / "roster-nhatrang-2024.csv")
    bundled = CONFIG.parent / "roster-nhatrang-2024.csv"
    campaign = _copy_campaign(tmp_path, (f"roster: {bundled}", f"roster: {workbook}"))
    assert f"roster: {workbook}" in campaign.read_text(encoding="utf-8")
    code, _, err = _invoke(runner, "check", "--config", str(campaign))
    assert code == 0, err
    code, _, err = _invoke(runner, "run", "--config", str(campaign), "--out", str(tmp_path / "o"), "--now", NOW)
    assert code == 0, err
    status = json.loads((tmp_path / "o" / "status.json").read_text(encoding="utf-8"))
    assert status["totals"]["units_expected"] == 152


def test_cli_init_takes_the_roster_from_an_excel_workbook(runner: CliRunner, tmp_path: Path) -> None:
    from tests.test_roster import _workbook_roster

    workbook = _workbook_roster(tmp_path / "danh-sach.xlsx", REPO / "config" / "roster-nhatrang-2024.csv")
    out = tmp_path / "campaign.yaml"
    code, _, err = _invoke(runner, "init", "--source", str(SAMPLE), "--roster", str(workbook), "--id", "thu-2025",
                           "--output", str(out))
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert 'roster: "danh-sach.xlsx"' in text and '{code: "xaphuong", label: "TODO: xaphuong"}' in text
    assert "match a unit of the roster" in text


def test_cli_google_source_without_credentials(runner: CliRunner, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=0"
    code, _, err = _invoke(runner, "run", "--source", url, "--out", str(tmp_path / "o"), "--now", NOW)
    _assert_clean_error(code, err, "GOOGLE_APPLICATION_CREDENTIALS", "service-account key")
    assert code == 4
    assert not (tmp_path / "o" / "status.json").exists()


def test_cli_check_flags_an_unset_smtp_password(runner: CliRunner, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    path = _copy_campaign(tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\nnotify:\n  smtp:\n    host: 127.0.0.1\n    username: vhtt@nhatrang.example\n"
                     "    password_env: AGG_TEST_SMTP_PASSWORD\n    from_address: vhtt@nhatrang.example\n")
    monkeypatch.delenv("AGG_TEST_SMTP_PASSWORD", raising=False)
    result = runner.invoke(cli, ["check", "--config", str(path)])
    assert result.exit_code == 2
    assert "✗ SMTP password in $AGG_TEST_SMTP_PASSWORD" in result.stdout
    monkeypatch.setenv("AGG_TEST_SMTP_PASSWORD", "secret")
    result = runner.invoke(cli, ["check", "--config", str(path)])
    assert result.exit_code == 0, result.stdout
    assert "secret" not in result.stdout


def test_cli_final_edition_fills_the_date_but_not_the_number(runner: CliRunner, tmp_path: Path) -> None:
    from docx import Document

    out = tmp_path / "o"
    code, _, err = _invoke(runner, "run", "--final", "--out", str(out), "--now", "2024-11-11T08:00:00+07:00")
    assert code == 0, err
    text = "\n".join(cell.text for table in Document(str(out / "bao-cao-nhatrang-2024.docx")).tables
                     for row in table.rows for cell in row.cells)
    assert "Nha Trang, ngày 11 tháng 11 năm 2024" in text
    assert "/BC-VHTT" in text and "Số:      /BC-VHTT" in text


def test_cli_messages_keep_their_brackets(runner: CliRunner, tmp_path: Path) -> None:
    path = _copy_campaign(tmp_path, ("id: nhatrang-2024", "id: Nha Trang 2024"))
    code, out, _ = _invoke(runner, "check", "--config", str(path))
    assert code == 2
    assert "^[a-z0-9][a-z0-9-]*$" in out.replace("\n", "")  # rich markup would eat "[a-z0-9]"
    assert "'Nha Trang 2024'" in out.replace("\n", "")  # the value itself is shown


@pytest.mark.parametrize("encoding", ["cp1252", "cp437"])
def test_cli_vietnamese_output_survives_a_legacy_console(tmp_path: Path, encoding: str) -> None:
    """A Windows console or redirect in cp1252/cp437 cannot encode "ả" or "✓": the CLI writes UTF-8."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    checked = subprocess.run([sys.executable, "-m", "aggregator", "check"], capture_output=True, env=env,
                             cwd=tmp_path, timeout=120)
    assert checked.returncode == 0, checked.stderr.decode("utf-8", "replace")
    assert "✓ source reachable, tab 'Báo cáo'" in checked.stdout.decode("utf-8")
    bad = _copy_campaign(tmp_path, ("id: nhatrang-2024", "id: Nhà Trang"))
    failed = subprocess.run([sys.executable, "-m", "aggregator", "run", "--config", str(bad)], capture_output=True,
                            env=env, cwd=tmp_path, timeout=120)
    assert failed.returncode == 2
    assert "'Nhà Trang'" in failed.stderr.decode("utf-8") and b"Traceback" not in failed.stderr


def test_cli_run_and_check_refuse_a_todo_campaign_alike(runner: CliRunner, tmp_path: Path) -> None:
    path = _copy_campaign(tmp_path, ('recipients: ["Sở Thông tin và Truyền thông tỉnh Khánh Hòa"]',
                                     'recipients: ["TODO: nơi nhận báo cáo"]'))
    ran = runner.invoke(cli, ["run", "--config", str(path), "--out", str(tmp_path / "o"), "--now", NOW])
    checked = runner.invoke(cli, ["check", "--config", str(path)])
    assert ran.exit_code == checked.exit_code == 2
    message = "report.recipients item 1: still the placeholder 'TODO: nơi nhận báo cáo'"
    assert message in ran.stderr and message in checked.stdout
    assert not (tmp_path / "o").exists()


def test_cli_log_lines_start_with_a_time_stamp() -> None:
    import logging
    import re

    from aggregator.app.cli import LOG_FORMAT

    record = logging.LogRecord("aggregator.app.service", logging.INFO, __file__, 1, "cycle campaign=x", None, None)
    line = logging.Formatter(LOG_FORMAT).format(record)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO aggregator\.app\.service: cycle campaign=x", line)


def test_a_run_invoked_in_a_process_that_goes_on_keeps_nothing_and_freezes_nothing(runner: CliRunner,
                                                                                  tmp_path: Path) -> None:
    """Only aggregator's main ends the process with its command: a test runner (or any program) invoking `run`
    goes on, so the cycle's objects are released and collected as usual (the one-shot shortcuts are main's)."""
    import gc

    from aggregator.app import lifetime

    frozen, kept = gc.get_freeze_count(), len(lifetime._KEPT)
    code, _, err = _invoke(runner, "run", "--out", str(tmp_path / "o"), "--now", NOW)
    assert code == 0, err
    assert (gc.get_freeze_count(), len(lifetime._KEPT), gc.isenabled()) == (frozen, kept, True)
