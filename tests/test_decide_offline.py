"""Issue 10 offline: `aggregator decide` with an .xlsx source, `aggregator roster --learned`, a roster tab,
and the report's appendix marking a confirmed value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from docx import Document
from openpyxl import Workbook, load_workbook

from aggregator.app.cli import cli
from tests.decision_sheets import AGENCY, HEADER, ROSTER, ROWS, campaign_text

NOW, LATER = "2024-11-11T08:00:00+07:00", "2024-11-11T08:10:00+07:00"


def _workbook(path: Path, rows: list[list[Any]], roster_tab: bool = False) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = AGENCY
    for row in [HEADER, *rows]:
        sheet.append(row)
    if roster_tab:
        listing = book.create_sheet("Danh sách đơn vị")
        for line in ROSTER.strip().split("\n"):
            listing.append(line.split(","))
    book.save(path)
    return path


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    """An .xlsx campaign with the rows of tests/decision_sheets.py."""
    _workbook(tmp_path / "bang.xlsx", ROWS)
    (tmp_path / "roster.csv").write_text(ROSTER, encoding="utf-8")
    text = campaign_text().replace('{kind: google_sheets, spreadsheet: "1DecisionsCampaignOnTheFakeGoogleApi00", ',
                                   "{kind: xlsx, path: bang.xlsx, ")
    (tmp_path / "c.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "c.yaml"


def _run(runner: CliRunner, *args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code == 0, result.stderr
    return result.stdout


def _status(folder: Path) -> dict[str, Any]:
    return json.loads((folder / "out" / "status.json").read_text(encoding="utf-8"))


def _unit(status: dict[str, Any], unit_id: str) -> dict[str, Any]:
    return next(u for u in status["units"] if u["unit_id"] == unit_id)


def _decide(runner: CliRunner, campaign: Path, *args: str) -> str:
    return _run(runner, "decide", "--config", str(campaign), "--out", str(campaign.parent / "out"), "--now", NOW,
                *args)


def _cycle(runner: CliRunner, campaign: Path, now: str = LATER, *more: str) -> dict[str, Any]:
    _run(runner, "run", "--config", str(campaign), "--out", str(campaign.parent / "out"), "--now", now, *more)
    return _status(campaign.parent)


def test_decide_offline_settles_names_pins_and_values_and_the_next_run_applies_them(
        runner: CliRunner, campaign: Path) -> None:
    first = _cycle(runner, campaign, NOW)
    said = _decide(runner, campaign, "--row", "3", "--unit", "PX-VINHHAI")
    assert "Recorded N-" in said and "row 3" in said and "PX-VINHHAI" in said
    _decide(runner, campaign, "--row", "5", "--not-a-unit")
    _decide(runner, campaign, "--row", "6", "--use-this-row")
    _decide(runner, campaign, "--row", "4", "--column", "số người dân được tuyên truyền", "--value", "250")
    second = _cycle(runner, campaign)
    assert _unit(second, "PX-VINHHAI")["row"] == 3
    assert (_unit(second, "NV")["row"], _unit(second, "NV")["superseded_rows"]) == (6, [7])
    assert _unit(second, "TP")["metrics"]["citizens"] == 250 and not _unit(second, "TP")["problems"]
    assert second["metrics"]["citizens"] == first["metrics"]["citizens"] + 250 + 20 - 8 + 7
    assert (second["totals"]["rows_unmatched"], second["totals"]["rows_ignored"]) == (0, 1)
    assert sorted((d["kind"], d["state"], d["source"]) for d in second["decisions"]) == [
        ("not_a_unit", "applied", "decide"), ("pin_row", "applied", "decide"), ("unit", "applied", "decide"),
        ("value", "applied", "decide")]
    copy = load_workbook(campaign.parent / "out" / "bang-tong-hop-xu-ly-2024.xlsx", read_only=True)
    shown = [row for row in copy["Xử lý"].iter_rows(values_only=True) if row[0] and str(row[0]).startswith("N-")]
    assert ["Ủy ban nhân dân phường Vĩnh Hải" in (row[7] or "") for row in shown if row[3] == "UBND P.VH"] == [True]
    dashboard = [c for row in copy["Tổng hợp tiến độ"].iter_rows(values_only=True) for c in row if c]
    assert "Quyết định của văn phòng" in dashboard
    copy.close()


def test_decide_list_and_withdraw(runner: CliRunner, campaign: Path) -> None:
    said = _decide(runner, campaign, "--row", "3", "--unit", "PX-VINHHAI")
    item = said.split("Recorded ", 1)[1].split(":", 1)[0]
    listing = _decide(runner, campaign, "--list")
    assert item[:12] in listing and "applied" in listing and "1 decision(s)." in listing
    assert f"Withdrawn: {item}" in _decide(runner, campaign, "--withdraw", item)
    assert _unit(_cycle(runner, campaign), "PX-VINHHAI")["status"] == "missing"
    result = runner.invoke(cli, ["decide", "--config", str(campaign), "--out", str(campaign.parent / "out"),
                                 "--withdraw", item])
    assert result.exit_code == 2 and "decide --list" in result.stderr



def test_decide_list_names_the_rows_where_the_decided_content_stands_now(runner: CliRunner, campaign: Path) -> None:
    said = _decide(runner, campaign, "--row", "3", "--unit", "PX-VINHHAI")
    assert "row 3 (“UBND P.VH”)" in said
    moved = [ROWS[1], ROWS[0], *ROWS[2:]]  # an agency sorted the rows: that content now stands in row 2
    _workbook(campaign.parent / "bang.xlsx", moved)
    listing = _decide(runner, campaign, "--list")
    assert "row 2 (“UBND P.VH”) → PX-VINHHAI" in listing and "row 3" not in listing
    _workbook(campaign.parent / "bang.xlsx", [ROWS[0], *ROWS[2:]])  # and then deleted it
    listing = _decide(runner, campaign, "--list")
    assert "“UBND P.VH” (no longer in the sheet; it was row 3 when decided) → PX-VINHHAI" in listing

def test_decide_on_a_row_holding_only_a_name_says_it_is_no_report_yet(runner: CliRunner, campaign: Path) -> None:
    name_only = [list(ROWS[0]), [ROWS[1][0]] + [None] * (len(ROWS[1]) - 1), *map(list, ROWS[2:])]
    _workbook(campaign.parent / "bang.xlsx", name_only)
    result = runner.invoke(cli, ["decide", "--config", str(campaign), "--out", str(campaign.parent / "out"),
                                 "--now", NOW, "--row", "3", "--unit", "PX-VINHHAI"])
    assert result.exit_code == 2 and "holds a name and nothing else" in result.stderr


@pytest.mark.parametrize(("args", "needle"), [
    (["--row", "3", "--unit", "VINHHAI"], "Did you mean 'PX-VINHHAI'?"),
    (["--row", "4", "--column", "Số người dân được tuyên truyền", "--value", "nhiều"], "cannot be read as a count"),
    (["--row", "4", "--column", "Tên đơn vị", "--value", "1"], "is a text column"),
    (["--row", "1", "--not-a-unit"], "holds no agency row"),
    (["--row", "3"], "exactly one of"),
    (["--row", "3", "--unit", "YT", "--not-a-unit"], "exactly one of"),
], ids=["unknown-unit", "unreadable-value", "text-column", "header-row", "no-action", "two-actions"])
def test_decide_refuses_with_one_clear_message(runner: CliRunner, campaign: Path, args: list[str], needle: str) -> None:
    result = runner.invoke(cli, ["decide", "--config", str(campaign), "--out", str(campaign.parent / "out"),
                                 "--now", NOW, *args])
    assert result.exit_code in (2, 3) and needle in result.stderr and "Traceback" not in result.stderr
    assert not (campaign.parent / "out" / "history.sqlite").exists() or "Recorded" not in result.stdout


def test_editing_a_row_decided_offline_turns_it_to_needs_review(runner: CliRunner, campaign: Path) -> None:
    _decide(runner, campaign, "--row", "3", "--unit", "PX-VINHHAI")
    edited = [list(r) for r in ROWS]
    edited[1][0] = "UBND P.VH (đã gửi lại)"
    _workbook(campaign.parent / "bang.xlsx", edited)
    status = _cycle(runner, campaign)
    assert [d["state"] for d in status["decisions"]] == ["needs_review"]
    assert _unit(status, "PX-VINHHAI")["status"] == "missing"


def test_roster_learned_adds_settled_names_and_never_overwrites(runner: CliRunner, campaign: Path) -> None:
    _decide(runner, campaign, "--row", "3", "--unit", "PX-VINHHAI")
    plain = _run(runner, "roster", "--config", str(campaign))
    assert plain == ROSTER.replace("unit_id,group,name", "unit_id,group,name,short_name,aliases,email,source,locality")\
        .replace("\n", ",,,,,\n").replace("locality,,,,,", "locality")
    target = campaign.parent / "next.csv"
    said = _run(runner, "roster", "--config", str(campaign), "--learned", "--out", str(target),
                "--history", str(campaign.parent / "out"))
    assert "1 learned alias(es)" in said
    line = next(x for x in target.read_text(encoding="utf-8").splitlines() if x.startswith("PX-VINHHAI"))
    assert line.split(",")[4] == "UBND P.VH"
    again = runner.invoke(cli, ["roster", "--config", str(campaign), "--learned", "--out", str(target)])
    assert again.exit_code == 7 and "already exists" in again.stderr


def test_a_roster_tab_of_the_workbook_is_the_roster(runner: CliRunner, campaign: Path) -> None:
    _workbook(campaign.parent / "bang.xlsx", ROWS, roster_tab=True)
    text = campaign.read_text(encoding="utf-8").replace("roster: roster.csv", 'roster: {tab: "Danh sách đơn vị"}')
    campaign.write_text(text, encoding="utf-8")
    (campaign.parent / "roster.csv").unlink()
    checked = runner.invoke(cli, ["check", "--config", str(campaign)])
    assert checked.exit_code == 0 and "roster tab 'Danh sách đơn vị'" in checked.stdout, checked.stdout
    status = _cycle(runner, campaign)
    assert status["totals"]["units_expected"] == 5 and _unit(status, "YT")["row"] == 2


def test_a_missing_roster_tab_is_one_clear_error(runner: CliRunner, campaign: Path) -> None:
    text = campaign.read_text(encoding="utf-8").replace("roster: roster.csv", 'roster: {tab: "Danh sach"}')
    campaign.write_text(text, encoding="utf-8")
    result = runner.invoke(cli, ["run", "--config", str(campaign), "--out", str(campaign.parent / "out")])
    assert result.exit_code == 2 and "The roster tab 'Danh sach' is not in bang.xlsx" in result.stderr
    checked = runner.invoke(cli, ["check", "--config", str(campaign)])
    assert checked.exit_code == 2 and "roster.tab" in checked.stdout


def test_the_appendix_marks_a_value_the_office_confirmed(runner: CliRunner, campaign: Path) -> None:
    _decide(runner, campaign, "--row", "4", "--column", "citizens", "--value", "250")
    _cycle(runner, campaign, LATER)
    document = Document(str(campaign.parent / "out" / "bao-cao-xu-ly-2024.docx"))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    [row] = [r for r in rows if "Phòng Tư pháp" in r]
    assert "250" in row
    assert any("số liệu do Phòng Văn hóa và Thông tin thành phố A xác nhận" in c and "số liệu gửi sau" in c
               for c in row)


def test_the_appendix_says_the_office_chose_a_pinned_older_row(runner: CliRunner, campaign: Path) -> None:
    _decide(runner, campaign, "--row", "6", "--use-this-row")  # row 7 (07/11) is the newer one
    _cycle(runner, campaign, LATER)
    document = Document(str(campaign.parent / "out" / "bao-cao-xu-ly-2024.docx"))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    [row] = [r for r in rows if "Phòng Nội vụ" in r]
    assert any("Văn phòng chọn dòng 6; dòng 7 không tính" in c for c in row)
    assert not any("bản cũ" in c for c in row)


@pytest.mark.parametrize(("args", "needles"), [
    (["--row", "500", "--not-a-unit"], ["The option --row is wrong", "row 500", "past the last row",
                                         "rows are 2 to 7"]),
    (["--row", "1", "--not-a-unit"], ["The option --row is wrong", "above the first (the header)"]),
    (["--row", "3", "--unit", "YT", "--not-a-unit"], ["The options --unit and --not-a-unit cannot go together",
                                                       "exactly one of"]),
    (["--row", "3"], ["The option --row is wrong", "exactly one of"]),
    (["--unit", "YT"], ["The option --row is wrong", "takes --row N"]),
], ids=["past-the-end", "header", "two-actions", "no-action", "no-row"])
def test_a_wrong_decide_option_exits_2_and_is_named_as_an_option(runner: CliRunner, campaign: Path, args: list[str],
                                                                 needles: list[str]) -> None:
    result = runner.invoke(cli, ["decide", "--config", str(campaign), "--out", str(campaign.parent / "out"),
                                 "--now", NOW, *args])
    assert result.exit_code == 2, result.stderr
    message = " ".join(result.stderr.split())
    assert all(n in message for n in needles), message
    assert "campaign setting" not in message and "source cannot" not in message.lower()
