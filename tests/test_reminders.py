"""Reminder texts (pure): who is asked to report, who to fix which cell, and how it reads."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from zoneinfo import ZoneInfo

import pytest

from aggregator import vnformat
from aggregator.adapters import campaign_file
from aggregator.adapters.roster_file import read_roster
from aggregator.adapters.xlsx import XlsxSource
from aggregator.app import pipeline
from aggregator.campaign import Campaign, ReminderSettings, SourceSettings
from aggregator.models import Consolidation, RosterUnit, SourceKind, UnitStatus
from aggregator.outputs import reminders
from aggregator.outputs.reminders import ReminderKind, Reminders

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BEFORE = dt.datetime(2024, 11, 8, 8, 0, tzinfo=VN)
AFTER = dt.datetime(2024, 11, 12, 8, 0, tzinfo=VN)
SHEET = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit#gid=0"


def demo(name: str, now: dt.datetime) -> tuple[Campaign, tuple[RosterUnit, ...], Consolidation]:
    campaign = campaign_file.load(campaign_file.BUNDLED_CONFIG_DIR / f"{name}.yaml")
    roster = read_roster(campaign.resolve(campaign.roster))
    assert campaign.source.path is not None
    snapshot = XlsxSource(campaign.resolve(campaign.source.path), campaign.source.tab).read()
    return campaign, roster, pipeline.compute(campaign, roster, snapshot, now, None)


@pytest.fixture(scope="module")
def nhatrang() -> tuple[Campaign, tuple[RosterUnit, ...], Consolidation]:
    return demo("nhatrang-2024", BEFORE)


@pytest.fixture(scope="module")
def built(nhatrang: tuple[Campaign, tuple[RosterUnit, ...], Consolidation]) -> Reminders:
    campaign, roster, result = nhatrang
    return reminders.build(result, roster, campaign)


def zalo(built: Reminders) -> str:
    return "\n".join(g.text for g in built.groups)


def listed(text: str, name: str) -> int:
    """How many list lines ("3. <name>" or "3. <name> — dòng …") name this unit."""
    return len(re.findall(rf"^\d+\. {re.escape(name)}(?: — .*)?$", text, flags=re.MULTILINE))


def mentioned(text: str, name: str) -> bool:
    return re.search(rf"{re.escape(name)}(?!\w| \d)", text) is not None


def test_reminders_name_every_missing_unit_exactly_once(nhatrang: tuple, built: Reminders) -> None:
    _, _, result = nhatrang
    missing = [u for u in result.units if u.status is UnitStatus.MISSING]
    assert len(missing) == 22

    assert all(listed(zalo(built), u.name) == 1 for u in missing)
    asked = [r.unit_id for r in built.to_report]
    assert sorted(asked) == sorted(u.unit_id for u in missing)
    text = reminders.render_text(built)
    assert all(text.count(f"Kính gửi: {u.name}\n") == 1 for u in missing)


def test_reminders_list_problem_units_with_rows_cells_and_typed_values(nhatrang: tuple, built: Reminders) -> None:
    _, _, result = nhatrang
    problem_units = [u for u in result.units if u.problems]
    assert len(problem_units) == 9
    by_id = {r.unit_id: r for r in built.to_fix}
    assert set(by_id) == {u.unit_id for u in problem_units}
    for unit in problem_units:
        assert listed(zalo(built), unit.name) == 1
        for problem in unit.problems:
            assert f"dòng {problem.row}:" in zalo(built)
            assert f"Dòng {problem.row}, cột “{problem.column}”" in by_id[unit.unit_id].body
            assert f"“{problem.value}”" in by_id[unit.unit_id].body
    body = by_id["SN-TTPTQD"].body
    assert "Dòng 126, cột “Số người dân được tuyên truyền” (ô F126):" in body
    assert "ô đang ghi “đang tổng hợp”" in body and "ô đang ghi “nhiều”" in body


def test_reminders_never_mention_units_that_reported_without_problems(nhatrang: tuple, built: Reminders) -> None:
    campaign, _, result = nhatrang
    fine = [u for u in result.units if u.status is not UnitStatus.MISSING and not u.problems]
    text = reminders.render_text(built)

    assert len(fine) == 152 - 22 - 9
    sender = campaign.report.issuer_name  # the office is on its own roster: it signs, it is not reminded
    assert not [u.name for u in fine if u.name != sender and mentioned(text, u.name)]
    assert all(r.name != sender for r in built.units)


def test_reminders_ask_late_units_only_to_fix_cells() -> None:
    campaign, roster, result = demo("nhatrang-2024", BEFORE)
    late = [u for u in result.units if u.status is UnitStatus.LATE]
    some_problem = next(u for u in result.units if u.problems).problems[0]
    problem = dataclasses.replace(some_problem, row=late[0].row or 0)
    units = tuple(dataclasses.replace(u, problems=(problem,)) if u.unit_id == late[0].unit_id else u
                  for u in result.units)
    built = reminders.build(dataclasses.replace(result, units=units), roster, campaign)

    kinds = {r.unit_id: r.kind for r in built.units}
    assert kinds[late[0].unit_id] is ReminderKind.FIX
    assert not any(u.unit_id in kinds for u in late[1:])


def test_reminders_deadline_is_written_the_vietnamese_way(built: Reminders) -> None:
    for message in built.groups[:-1]:  # the last one lists rows of unknown units, not a deadline
        assert "hạn chót ngày 10 tháng 11 năm 2024" in message.text
    for reminder in built.units:
        assert reminder.subject.endswith("(hạn ngày 10/11/2024)")
        assert "ngày 10 tháng 11 năm 2024" in reminder.body


def test_reminders_email_reads_like_an_official_request(built: Reminders) -> None:
    reminder = next(r for r in built.to_report if r.unit_id == "DT-MTTQ")

    assert reminder.email == "dt.mttq@nhatrang.example"
    assert reminder.subject.startswith("Đề nghị báo cáo kết quả Chiến dịch tuyên truyền “Kỹ năng nhận diện")
    assert reminder.body.startswith("Kính gửi: Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Nha Trang\n\n")
    assert "Theo Công văn số 2242/VHTT ngày 29/10/2024 của Phòng Văn hóa và Thông tin thành phố Nha Trang" \
        in reminder.body
    assert "Đến 08 giờ 00 phút, ngày 08 tháng 11 năm 2024" in reminder.body
    assert "bảng tính dùng chung (thẻ “Báo cáo”)" in reminder.body
    assert reminder.body.endswith("Trân trọng./.\nPhòng Văn hóa và Thông tin thành phố Nha Trang\n")


def test_reminders_after_the_deadline_urge_missing_units() -> None:
    campaign, roster, result = demo("nhatrang-2024", AFTER)
    built = reminders.build(result, roster, campaign)

    assert all("Thời hạn báo cáo đã hết" in r.body for r in built.to_report)
    assert all("trong thời gian sớm nhất" in r.body for r in built.to_fix)
    assert "Thời hạn báo cáo (ngày 10 tháng 11 năm 2024) đã hết" in built.groups[0].text


def test_reminders_without_an_own_letter_cite_the_office_request() -> None:
    campaign, roster, result = demo("travinh-2024", BEFORE)
    built = reminders.build(result, roster, campaign)

    assert built.to_report
    assert all(r.body.count("Theo đề nghị của Sở Thông tin và Truyền thông tỉnh Trà Vinh") == 1
               for r in built.to_report)
    assert all("ngày 18 tháng 11 năm 2024" in r.body for r in built.units)


def test_reminders_link_the_google_sheet_and_each_problem_cell(nhatrang: tuple) -> None:
    campaign, roster, result = nhatrang
    google = campaign.model_copy(update={"source": SourceSettings(kind=SourceKind.GOOGLE_SHEETS, spreadsheet=SHEET,
                                                                  tab="Báo cáo")})
    result = dataclasses.replace(result, source=dataclasses.replace(result.source, sheet_id=777))
    built = reminders.build(result, roster, google)

    base = "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit"
    assert all(f"bảng tính dùng chung tại địa chỉ {base} (thẻ “Báo cáo”)" in r.body for r in built.units)
    fix = next(r for r in built.to_fix if r.unit_id == "DT-THANHDOAN")
    assert f"{base}#gid=777&range=F80" in fix.body


def test_reminders_use_custom_subject_closing_and_signature(nhatrang: tuple) -> None:
    campaign, roster, result = nhatrang
    notify = campaign.notify.model_copy(update={"reminders": ReminderSettings(
        subject="Nhắc báo cáo trước {deadline}", closing="Trân trọng cảm ơn./.", signature="Bộ phận Văn thư")})
    built = reminders.build(result, roster, campaign.model_copy(update={"notify": notify}))

    assert {r.subject for r in built.units} == {"Nhắc báo cáo trước 10/11/2024"}
    assert all(r.body.endswith("Trân trọng cảm ơn./.\nBộ phận Văn thư\n") for r in built.units)


def test_reminders_text_is_nfc_with_traditional_tone_marks(nhatrang: tuple) -> None:
    campaign, roster, result = nhatrang
    nfd = unicodedata.normalize("NFD", "Uỷ ban nhân dân phường Phước Hoà")
    units = tuple(dataclasses.replace(u, name=nfd) if u.unit_id == "PX-LOCTHO" else u for u in result.units)
    built = reminders.build(dataclasses.replace(result, units=units), roster, campaign)
    text = reminders.render_text(built)

    assert unicodedata.is_normalized("NFC", text)
    assert "Kính gửi: Ủy ban nhân dân phường Phước Hòa\n" in text and "Hoà" not in text


def test_reminders_list_rows_whose_unit_is_unknown(built: Reminders) -> None:
    unknown = built.groups[-1]

    assert unknown.group == "" and "- Dòng 2: “UBND P. VT”" in unknown.text
    assert "- Dòng 18: chưa ghi tên cơ quan, đơn vị" in unknown.text
    assert "- Dòng 125: “Trường TH Phước Long” (giống tên nhiều đơn vị" in unknown.text


def test_reminders_text_puts_zalo_messages_first_then_one_section_per_unit(built: Reminders) -> None:
    text = reminders.render_text(built)

    assert text.startswith("NHẮC BÁO CÁO — nhatrang-2024 — số liệu tính đến 08 giờ 00 phút, ngày 08 tháng 11")
    assert "22 cơ quan, đơn vị chưa báo cáo; 9 cơ quan, đơn vị có ô số liệu cần sửa." in text
    assert text.index("TIN NHẮN ZALO") < text.index("THƯ ĐIỆN TỬ")
    assert text.count("──── Tin nhắn ") == len(built.groups) == 6
    assert text.count("Tiêu đề: ") == len(built.units) == 31


@pytest.mark.parametrize(("deadline", "expected"), [
    (dt.datetime(2024, 11, 10, 23, 59, 59, tzinfo=VN), "ngày 10 tháng 11 năm 2024"),
    (dt.datetime(2024, 11, 11, 0, 0, tzinfo=VN), "ngày 10 tháng 11 năm 2024"),
    (dt.datetime(2024, 2, 5, 17, 0, tzinfo=VN), "17 giờ 00 phút, ngày 05 tháng 02 năm 2024"),
], ids=["end-of-day", "midnight", "office-hours"])
def test_deadline_text_reads_like_the_letter(deadline: dt.datetime, expected: str) -> None:
    assert vnformat.deadline_text(deadline) == expected


def test_sheet_url_accepts_a_bare_id_or_a_url() -> None:
    assert reminders.sheet_url("1AbCdEfGhIjKlMnOpQrStUvWxYz") == \
        "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/edit"
    assert reminders.sheet_url(SHEET) == "https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/edit"
