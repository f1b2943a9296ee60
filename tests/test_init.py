"""`aggregator init`: a sheet's header row → a campaign file that loads, checks and maps every header."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import yaml
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from aggregator.adapters import campaign_file
from aggregator.adapters.roster_file import read_roster
from aggregator.app import init_campaign as init
from aggregator.app.cli import cli
from aggregator.app.init_render import render_campaign
from aggregator.errors import ConfigError
from aggregator.models import ColumnRole, ColumnType, RawTab, SourceKind
from aggregator.sheet.headers import map_headers
from tests.conftest import REPO
from tests.fake_sheets import FakeSheets, service_account_key

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = "2024-11-01T08:00:00+07:00"
CONFIG = campaign_file.BUNDLED_CONFIG_DIR
SAMPLES = {
    "nhatrang-2024": ("Báo cáo", CONFIG / "roster-nhatrang-2024.csv"),
    "travinh-2024": ("Câu trả lời biểu mẫu 1", CONFIG / "roster-travinh-2024.csv"),
}
HOSTILE = [
    'Tên cơ quan: "đơn vị" # chính',
    "- Số “lượt” xem: 🔥",
    "#hashtag",
    "--- tài liệu",
    "key: value",
    "'nháy đơn'",
    "{ngoặc} [vuông] & * ! | > % @ `",
    "no",
    "123",
    "Số",
]


def _invoke(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(cli, list(args))


def _draft(path: Path) -> Any:
    """A proposed campaign file as it reads, TODO placeholders and all."""
    return campaign_file.parse(path.read_text(encoding="utf-8"), origin=str(path), base_dir=path.parent,
                               placeholders=True)


def _fill_in_todos(path: Path) -> None:
    """What a person does after init: every TODO value replaced by plain text (comments left alone)."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        value, hash_, comment = line.partition("  # ")
        lines.append(re.sub(r"TODO:? ?", "", value) + hash_ + comment)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _workbook(path: Path, rows: list[list[Any]], title: str = "Báo cáo") -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _sample_rows(name: str) -> list[tuple[Any, ...]]:
    book = load_workbook(CONFIG / "samples" / f"{name}.xlsx", read_only=True, data_only=True)
    try:
        return [tuple(row) for row in book[SAMPLES[name][0]].iter_rows(values_only=True)]
    finally:
        book.close()


def _mapping(columns: Any) -> dict[str, tuple[str, ColumnType, ColumnRole | None]]:
    return {unicodedata.normalize("NFC", c.header): (c.key, c.type, c.role) for c in columns}


def _assert_clean_error(result: Any, code: int, *needles: str) -> None:
    assert result.exit_code == code, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in result.stderr, result.stderr


@pytest.mark.parametrize("name", list(SAMPLES))
def test_init_bundled_sample_maps_every_header_like_its_campaign_and_passes_check(runner: CliRunner, name: str,
                                                                                  tmp_path: Path) -> None:
    out = tmp_path / "campaign.yaml"
    result = _invoke(runner, "init", "--source", str(CONFIG / "samples" / f"{name}.xlsx"), "--roster",
                     str(SAMPLES[name][1]), "--output", str(out), "--now", NOW)
    assert result.exit_code == 0, result.stderr
    proposed = _draft(out)
    bundled = campaign_file.load(CONFIG / f"{name}.yaml")
    assert _mapping(proposed.columns) == _mapping(bundled.columns)
    assert [c.key for c in proposed.columns if c.required] == ["unit_name"]
    assert proposed.id == name and proposed.source.tab == SAMPLES[name][0]
    assert [g.code for g in proposed.groups] == [g.code for g in bundled.groups]
    assert proposed.deadline == dt.datetime(2024, 11, 8, 23, 59, 59, tzinfo=TZ)  # one week after --now
    labels = {(c.key, c.label) for n in SAMPLES for c in campaign_file.load(CONFIG / f"{n}.yaml").metric_columns}
    assert all((c.key, c.label) in labels for c in proposed.metric_columns)  # a known label, reused
    refused = _invoke(runner, "check", "--config", str(out))
    assert refused.exit_code == 2 and "still the placeholder 'TODO: CƠ QUAN CẤP TRÊN'" in refused.stdout
    _fill_in_todos(out)
    checked = _invoke(runner, "check", "--config", str(out))
    assert checked.exit_code == 0, checked.stdout + checked.stderr
    assert checked.stdout.count("✓") == 6
    assert "Wrote" in result.stdout and "aggregator check --config" in result.stdout


@pytest.mark.parametrize("name", list(SAMPLES))
def test_init_infers_the_bundled_types_and_roles_from_the_data_alone(name: str) -> None:
    roster = read_roster(SAMPLES[name][1])
    proposal = init.propose(RawTab(SAMPLES[name][0], tuple(_sample_rows(name))), {}, TZ,
                            init.Choices(roster=roster))  # no vocabulary at all
    bundled = campaign_file.load(CONFIG / f"{name}.yaml")
    assert {c.header: c.type for c in proposal.columns} == {c.header: c.type for c in bundled.columns}
    roles = {c.header: c.role for c in proposal.columns if c.role}
    assert roles == {c.header: c.role for c in bundled.columns if c.role and c.role is not ColumnRole.NOTE}
    keys = [c.key for c in proposal.columns]
    assert len(set(keys)) == len(keys) and "unit_name" not in keys  # keys come from the headers


def test_init_guesses_types_roles_keys_and_labels_of_unknown_headers(runner: CliRunner, tmp_path: Path) -> None:
    day = dt.datetime(2024, 11, 5)
    source = _workbook(tmp_path / "zalo.xlsx", [
        ["Đơn vị thực hiện", "Số tin nhắn Zalo đã gửi", "Ghi chú", "Ngày tổ chức", "Số tin nhắn Zalo đã gửi (lần 2)"],
        ["UBND phường A", 120, "Đã gửi qua nhóm Zalo", day, "khoảng 200"],
        ["UBND phường B", 45, "Không", day + dt.timedelta(days=1), "1.234"],
        ["UBND phường C", 0, "Gửi thêm tài liệu", day + dt.timedelta(days=2), 7],
    ])
    result = _invoke(runner, "init", "--source", str(source), "--now", NOW)
    assert result.exit_code == 0, result.stderr
    data = yaml.safe_load(result.stdout)
    columns = {c["header"]: c for c in data["columns"]}
    assert [(columns[h]["type"], columns[h].get("role")) for h in ("Đơn vị thực hiện", "Số tin nhắn Zalo đã gửi",
                                                                  "Ghi chú", "Ngày tổ chức")] == \
        [("text", "unit_name"), ("count", None), ("text", "note"), ("date", None)]
    keys = [c["key"] for c in data["columns"]]
    assert keys[0] == "don_vi_thuc_hien" and len(set(keys)) == len(keys)  # keys come from the headers
    assert all(k.isidentifier() and k.isascii() and k == k.lower() for k in keys)
    assert columns["Số tin nhắn Zalo đã gửi"]["key"] == "so_tin_nhan_zalo_da_gui"
    assert columns["Số tin nhắn Zalo đã gửi"]["label"] == "tin nhắn Zalo đã gửi"
    assert '"tin nhắn Zalo đã gửi"  # check this label' in result.stdout
    assert "  # role unit_name: the header names the unit over 100% distinct names\n" in result.stdout
    assert "  # role note: the header says “ghi chu”\n" in result.stdout
    assert "  # type count: 3 of 3 filled cells read as counts\n" in result.stdout
    assert data["id"] == "zalo" and data["roster"] == "TODO-roster.csv"
    assert data["area"] == "" and "a place typed after a unit's\n# name" in result.stdout  # offered, explained
    assert "so_tin_nhan_zalo_da_gui (count)" in result.stderr
    assert "does not pass `aggregator check`" in result.stderr  # no --roster: say what stays to do
    assert "Ngày tổ chức" in result.stdout and "submitted_at" not in result.stdout.split("columns:")[1]
    assert data["source"]["path"] == str(source.resolve())  # printed: absolute, right wherever it is saved
    campaign_file.parse(result.stdout, origin="stdout", base_dir=tmp_path, placeholders=True)


def test_init_without_a_unit_name_column_says_what_to_do(runner: CliRunner, tmp_path: Path) -> None:
    source = _workbook(tmp_path / "x.xlsx", [["STT", "Họ và tên", "Số lượt"], [1, "Nguyễn Văn A", 3]])
    out = tmp_path / "campaign.yaml"
    result = _invoke(runner, "init", "--source", str(source), "--output", str(out))
    _assert_clean_error(result, 5, "looks like the unit name", "'Họ và tên'", "'Số lượt'", "--unit-column",
                        "--roster", "--header-row")
    assert not out.exists()
    chosen = _invoke(runner, "init", "--source", str(source), "--unit-column", "B")
    assert chosen.exit_code == 0, chosen.stderr
    assert "  # role unit_name: chosen with --unit-column\n  # type text: names are text\n  - key: ho_va_ten\n" \
        in chosen.stdout


def test_init_finds_the_header_row_and_header_row_overrides_it(runner: CliRunner, tmp_path: Path) -> None:
    source = _workbook(tmp_path / "x.xlsx", [["Báo cáo kết quả"], [], ["Tên đơn vị", "Số lượt"], ["Phường A", 3]])
    found = _invoke(runner, "init", "--source", str(source))
    assert found.exit_code == 0, found.stderr
    assert "  header_row: 3  # found: the first row that reads like headers above the data (rows above it: 2)" \
        in found.stdout
    _assert_clean_error(_invoke(runner, "init", "--source", str(source), "--header-row", "2"), 5, "is empty",
                        "--header-row")
    assert "  header_row: 3\n" in _invoke(runner, "init", "--source", str(source), "--header-row", "3").stdout


def test_init_refuses_to_overwrite_a_file(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "campaign.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    result = _invoke(runner, "init", "--source", str(CONFIG / "samples" / "nhatrang-2024.xlsx"), "--output", str(out))
    _assert_clean_error(result, 7, "already exists", "new name")
    assert out.read_text(encoding="utf-8") == "keep me\n"


def test_init_hostile_header_text_still_loads_and_maps(runner: CliRunner, tmp_path: Path) -> None:
    source = _workbook(tmp_path / "hostile.xlsx", [HOSTILE, ["UBND phường A", 1, "x", "y", "z", "t", "u", 2, 3, 4]])
    out = tmp_path / "hostile.yaml"
    title = 'Chiến dịch: “Kỹ năng” # số 1 - "thử"'
    result = _invoke(runner, "init", "--source", str(source), "--output", str(out), "--title", title,
                     "--id", "thu-nghiem", "--roster", str(CONFIG / "roster-nhatrang-2024.csv"))
    assert result.exit_code == 0, result.stderr
    loaded = _draft(out)
    assert [c.header for c in loaded.columns] == HOSTILE
    assert loaded.title == title and loaded.report.summary == f"Kết quả triển khai {title}"
    assert loaded.role_column(ColumnRole.UNIT_NAME).header == HOSTILE[0]  # type: ignore[union-attr]
    assert len(map_headers("Báo cáo", HOSTILE, loaded.columns).positions) == len(HOSTILE)
    keys = [c.key for c in loaded.columns]
    assert len(set(keys)) == len(keys) and all(k.isidentifier() for k in keys)


def _render(proposal: init.Proposal, **fields: Any) -> str:
    values: dict[str, Any] = {"id": "x", "title": None, "deadline": None, "kind": SourceKind.XLSX,
                              "now": dt.datetime(2024, 11, 1, 8, tzinfo=TZ), "location": "a.xlsx",
                              "template": "t.docx", **fields}
    return render_campaign(init.CampaignDraft(proposal=proposal, **values))


def test_init_yaml_round_trips_control_characters_and_line_breaks() -> None:
    headers = ["Tên đơn vị\nghi rõ", "Số\u2028lượt\x85", "Ghi chú\t\x00\x1b", "Nợ", "🔥", "Ho\u0300a",
               "TÊN ĐƠN VỊ ghi rõ"]
    rows: list[tuple[Any, ...]] = [tuple(headers), ("A", 1, "x", "y", "z", "t", "u")]
    proposal = init.propose(RawTab("Tab: “1” #\n2", tuple(rows)), {}, TZ)
    text = _render(proposal, title="a\nb: “c” #d\u2028", location="we'ird: #path.xlsx", roster="r.csv",
                   groups=("no", "a: b", "#x"), origin="x\ny\x00")
    loaded = campaign_file.parse(text, origin="test", base_dir=Path("."), placeholders=True)
    expected = [unicodedata.normalize("NFC", h).strip() for h in headers[:4]] + ["Hòa"]  # stripped, NFC
    assert [c.header for c in loaded.columns] == expected
    assert proposal.header_row == 1
    assert proposal.skipped == ("🔥", "TÊN ĐƠN VỊ ghi rõ")  # no letters or digits; a repeat of the first header
    assert loaded.title == "a\nb: “c” #d\u2028" and loaded.source.tab == "Tab: “1” #\n2"
    assert [g.code for g in loaded.groups] == ["no", "a: b", "#x"]
    assert [c.key for c in loaded.columns] == ["ten_don_vi_ghi_ro", "so_luot", "ghi_chu", "no", "hoa"]  # "no": a str


def test_init_placeholders_are_values_that_check_refuses_and_init_reads_as_examples() -> None:
    proposal = init.propose(RawTab("T", (("Tên đơn vị", "Số lượt"), ("Phường A", 1))), {}, TZ)
    text = _render(proposal, now=dt.datetime(2024, 12, 28, 23, 30, tzinfo=TZ))
    assert 'deadline: "TODO: 2025-01-04T23:59:59+07:00"  # one week from today' in text
    assert 'roster: "TODO-roster.csv"  # the roster CSV' in text and "groups: []  # one per roster group" in text
    draft = campaign_file.parse(text, origin="t", base_dir=Path("."), placeholders=True)
    assert draft.title == "tên chiến dịch" and draft.deadline == dt.datetime(2025, 1, 4, 23, 59, 59, tzinfo=TZ)
    with pytest.raises(ConfigError) as info:
        campaign_file.parse(text, origin="t.yaml", base_dir=Path("."))
    assert {p.split(":")[0] for p in info.value.problems} >= {"title", "deadline", "report.parent_body",
                                                              "report.recipients item 1", "report.signer.name"}
    report = text.split("\nreport:\n")[1].split("\nschedule:")[0]
    assert 'README.md, "Configuration reference"' in report
    for default in ("headings", "sentences", "auto", "strengths", "weaknesses", "proposals", "direction"):
        assert f"\n  {default}:" not in report and default in report  # named in a comment, left at its default


@pytest.mark.parametrize(("value", "expected"), [
    ("2024-11-10", dt.datetime(2024, 11, 10, 23, 59, 59, tzinfo=TZ)),
    ("2024-11-10T17:00:00+07:00", dt.datetime(2024, 11, 10, 17, tzinfo=TZ)),
], ids=["date", "date-time"])
def test_init_deadline_option(runner: CliRunner, value: str, expected: dt.datetime, tmp_path: Path) -> None:
    out = tmp_path / "c.yaml"
    result = _invoke(runner, "init", "--source", str(CONFIG / "samples" / "nhatrang-2024.xlsx"), "--deadline", value,
                     "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert _draft(out).deadline == expected


@pytest.mark.parametrize(("args", "code", "needle"), [
    (["--id", "Nha Trang 2024"], 2, "--id nha-trang-2024"),
    (["--deadline", "10/11/2024"], 2, "ISO 8601"),
    (["--tab", "Không có"], 3, "'Hướng dẫn'. Pass one of those tabs with --tab"),
], ids=["bad-id", "bad-deadline", "missing-tab"])
def test_init_bad_options_are_clean_errors(runner: CliRunner, args: list[str], code: int, needle: str) -> None:
    result = _invoke(runner, "init", "--source", str(CONFIG / "samples" / "nhatrang-2024.xlsx"), *args)
    _assert_clean_error(result, code, needle)


@pytest.fixture
def google(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    api = FakeSheets()
    sid = "1TraVinh2024InitOnTheFakeGoogleApi00000"
    api.add_spreadsheet(sid, {SAMPLES["travinh-2024"][0]: [list(r) for r in _sample_rows("travinh-2024")]})
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "google.json")))
    with api.activate():
        yield f"https://docs.google.com/spreadsheets/d/{sid}/edit#gid=0"


def test_init_reads_a_google_sheet_through_the_same_adapter(runner: CliRunner, google: str, tmp_path: Path) -> None:
    result = _invoke(runner, "init", "--source", google, "--tab", SAMPLES["travinh-2024"][0], "--now", NOW)
    assert result.exit_code == 0, result.stderr
    loaded = campaign_file.parse(result.stdout, origin="stdout", base_dir=tmp_path, placeholders=True)
    assert loaded.source.kind is SourceKind.GOOGLE_SHEETS and loaded.source.spreadsheet == google
    assert loaded.id == "cau-tra-loi-bieu-mau-1"
    bundled = campaign_file.load(CONFIG / "travinh-2024.yaml")
    assert _mapping(loaded.columns) == _mapping(bundled.columns)


def test_init_google_needs_a_tab(runner: CliRunner, google: str) -> None:
    _assert_clean_error(_invoke(runner, "init", "--source", google), 2, "--tab")


def test_init_google_without_credentials_speaks_of_no_campaign_file(runner: CliRunner,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)
    url = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit"
    result = _invoke(runner, "init", "--source", url, "--tab", "Báo cáo")
    _assert_clean_error(result, 4, "GOOGLE_APPLICATION_CREDENTIALS is not set, so init cannot read", "client_email")
    assert "campaign file" not in result.stderr


def test_init_is_documented() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "aggregator init" in readme and "## Starting a new campaign" in readme
