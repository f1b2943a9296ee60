"""Targeted reminders: Consolidation + roster + campaign → messages to units. Pure.

Two audiences, one set of facts:

- each unit that has **not reported** is asked to report, and each unit whose row has **problem
  cells** is asked to fix them (row, column, cell, typed value, why) — one e-mail per unit;
- each roster group gets one plain-text message to paste into its Zalo group, listing both.

Units that reported without problems are never mentioned; late units are not asked to report
again (they did), but are asked to fix their problem cells like anyone else. Rows whose unit could
not be identified are listed in one extra message, so whoever typed them can correct the name.
Text is Vietnamese, NFC, in the office's polite official tone; dates follow NĐ 30 ("ngày 10
tháng 11 năm 2024").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from aggregator.campaign import Campaign
from aggregator.models import Consolidation, MatchKind, Problem, RosterUnit, SourceKind, UnitOutcome, UnitStatus
from aggregator.outputs.report_context import clean_text, squash
from aggregator.textnorm import fold, traditional_tones
from aggregator.vnformat import cutoff_line, deadline_text, short_date

_SHEET_ID = re.compile(r"/spreadsheets/d/([A-Za-z0-9_-]+)")
_SHEETS_URL = "https://docs.google.com/spreadsheets/d/{id}/edit"
YOU = "Quý cơ quan, đơn vị"


class ReminderKind(StrEnum):
    REPORT = "report"  # has not reported: please report
    FIX = "fix"  # reported, but some cells cannot be counted: please fix them


@dataclass(frozen=True)
class CellFix:
    row: int
    column: str  # header text as the agency sees it
    cell: str  # "F126", or "" when the column letter is unknown
    value: str
    message: str


@dataclass(frozen=True)
class UnitReminder:
    unit_id: str
    name: str
    group: str
    email: str  # "" when the roster has none: the unit is reached through Zalo only
    kind: ReminderKind
    fixes: tuple[CellFix, ...]
    subject: str
    body: str


@dataclass(frozen=True)
class GroupMessage:
    group: str  # roster group code ("" for the rows whose unit is unknown)
    label: str
    text: str


@dataclass(frozen=True)
class Reminders:
    campaign_id: str
    generated_at: dt.datetime
    units: tuple[UnitReminder, ...]
    groups: tuple[GroupMessage, ...]

    @property
    def to_report(self) -> tuple[UnitReminder, ...]:
        return tuple(u for u in self.units if u.kind is ReminderKind.REPORT)

    @property
    def to_fix(self) -> tuple[UnitReminder, ...]:
        return tuple(u for u in self.units if u.kind is ReminderKind.FIX)


@dataclass(frozen=True)
class _Facts:
    """What every message repeats: the sheet, the deadline, the sender."""

    title: str
    sheet: str  # "bảng tính dùng chung tại địa chỉ https://… (thẻ “Báo cáo”)"
    sheet_base: str  # the spreadsheet URL for cell links, or "" for a workbook
    sheet_gid: int | None
    deadline: str  # "ngày 10 tháng 11 năm 2024" (or "17 giờ 00 phút, ngày …" when not end of day)
    deadline_short: str  # "10/11/2024"
    overdue: bool
    as_of: str  # "08 giờ 00 phút, ngày 11 tháng 11 năm 2024"
    sender: str  # report.issuer_name
    basis: str  # "Theo Công văn số 2242/VHTT ngày 29/10/2024 của …" or "Theo đề nghị của …"
    closing: str
    signature: str
    subject: str  # custom subject template, "" for the built-in ones


# The shared sheet and the deadline ------------------------------------------------------------------
def sheet_url(spreadsheet: str) -> str:
    """The canonical edit URL of a Google spreadsheet given as a URL or a bare id.

    >>> sheet_url("1AbCdEfGhIjKlMnOpQrStUvWxYz")
    'https://docs.google.com/spreadsheets/d/1AbCdEfGhIjKlMnOpQrStUvWxYz/edit'
    """
    found = _SHEET_ID.search(spreadsheet)
    return _SHEETS_URL.format(id=found.group(1) if found else spreadsheet.strip())


def _sheet(campaign: Campaign, result: Consolidation) -> tuple[str, str]:
    tab = result.source.tab or campaign.source.tab
    if campaign.source.kind is SourceKind.GOOGLE_SHEETS and campaign.source.spreadsheet:
        url = sheet_url(campaign.source.spreadsheet)
        return f"bảng tính dùng chung tại địa chỉ {url} (thẻ “{tab}”)", url
    return f"bảng tính dùng chung (thẻ “{tab}”)", ""


def _basis(campaign: Campaign) -> str:
    """Cite the office's own letter that asked for the reports, when the campaign file lists it."""
    settings = campaign.report
    own = [r for r in settings.references if fold(r.issuer) == fold(settings.issuer_name)]
    if not own:
        return f"Theo đề nghị của {_official(settings.issuer_name)}"
    ref = own[-1]
    return _official(f"Theo {ref.kind} số {ref.number} ngày {short_date(ref.date)} của {ref.issuer}")


def _facts(result: Consolidation, campaign: Campaign) -> _Facts:
    deadline = result.deadline.astimezone(campaign.tz)
    sheet, base = _sheet(campaign, result)
    notes = campaign.notify.reminders
    return _Facts(
        title=_official(campaign.title), sheet=sheet, sheet_base=base, sheet_gid=result.source.sheet_id,
        deadline=deadline_text(deadline), deadline_short=short_date(deadline.date()),
        overdue=result.generated_at > result.deadline, as_of=cutoff_line(result.generated_at.astimezone(campaign.tz)),
        sender=_official(campaign.report.issuer_name), basis=_basis(campaign), closing=_official(notes.closing),
        signature=_official(notes.signature or campaign.report.issuer_name), subject=notes.subject,
    )


# One unit --------------------------------------------------------------------------------------------
def _fixes(problems: Iterable[Problem], letters: Mapping[str, str]) -> tuple[CellFix, ...]:
    out = []
    for p in sorted(problems, key=lambda p: (p.row, letters.get(p.column, "~"), p.column)):
        letter = letters.get(p.column, "")
        out.append(CellFix(p.row, squash(p.column), f"{letter}{p.row}" if letter else "", squash(p.value),
                           squash(p.message)))
    return tuple(out)


def fix_line(fix: CellFix, facts: _Facts | None = None) -> str:
    """"Dòng 126, cột “Số người dân …” (ô F126): đang ghi “đang tổng hợp”. Số lượng phải là …"."""
    where = f"Dòng {fix.row}, cột “{fix.column}”" + (f" (ô {fix.cell})" if fix.cell else "")
    typed = "" if f"“{fix.value}”" in fix.message else f" đang ghi “{fix.value}”."
    line = f"{where}:{typed} {fix.message}".replace(":. ", ": ")
    if facts and facts.sheet_base and facts.sheet_gid is not None and fix.cell:
        line += f" Mở ô: {facts.sheet_base}#gid={facts.sheet_gid}&range={fix.cell}"
    return line


def _subject(kind: ReminderKind, facts: _Facts) -> str:
    if facts.subject:
        return squash(facts.subject.format(title=facts.title, deadline=facts.deadline_short))
    if kind is ReminderKind.REPORT:
        return f"Đề nghị báo cáo kết quả {facts.title} (hạn ngày {facts.deadline_short})"
    return f"Đề nghị kiểm tra, sửa số liệu báo cáo kết quả {facts.title} (hạn ngày {facts.deadline_short})"


def _report_body(facts: _Facts) -> list[str]:
    ask = (f"Thời hạn báo cáo đã hết; đề nghị {YOU} khẩn trương nhập kết quả thực hiện vào {facts.sheet}."
           if facts.overdue else
           f"Đề nghị {YOU} nhập kết quả thực hiện vào {facts.sheet} trước hạn nêu trên.")
    return [
        f"{facts.basis}, các cơ quan, đơn vị báo cáo kết quả triển khai {facts.title} "
        f"trên bảng tính dùng chung, hạn chót {facts.deadline}.",
        f"Đến {facts.as_of}, {facts.sender} chưa nhận được báo cáo của {YOU}.",
        ask,
    ]


def _fix_body(facts: _Facts, fixes: Sequence[CellFix]) -> list[str]:
    when = "trong thời gian sớm nhất" if facts.overdue else f"trước hạn báo cáo ({facts.deadline})"
    return [
        f"{facts.sender} đã nhận được báo cáo kết quả triển khai {facts.title} của {YOU}; trân trọng cảm ơn.",
        f"Tuy nhiên, đến {facts.as_of}, một số ô số liệu chưa hợp lệ nên chưa được tổng hợp. "
        f"Đề nghị {YOU} kiểm tra, sửa lại trực tiếp trên {facts.sheet} {when}:",
        "\n".join(f"- {fix_line(f, facts)}" for f in fixes),
    ]


def _unit_reminder(unit: UnitOutcome, email: str, facts: _Facts, letters: Mapping[str, str]) -> UnitReminder | None:
    fixes: tuple[CellFix, ...] = ()
    if unit.status is UnitStatus.MISSING:
        kind = ReminderKind.REPORT
    elif unit.problems:
        kind, fixes = ReminderKind.FIX, _fixes(unit.problems, letters)
    else:
        return None
    name = _official(unit.name)
    paragraphs = _report_body(facts) if kind is ReminderKind.REPORT else _fix_body(facts, fixes)
    body = "\n\n".join([f"Kính gửi: {name}", *paragraphs, f"{facts.closing}\n{facts.signature}"]) + "\n"
    return UnitReminder(unit.unit_id, name, unit.group, email.strip(), kind, fixes, _subject(kind, facts), body)


# One message per group (Zalo) ------------------------------------------------------------------------
def _zalo_fix(reminder: UnitReminder) -> str:
    rows: dict[int, list[str]] = {}
    for fix in reminder.fixes:
        cell = f" (ô {fix.cell})" if fix.cell else ""
        rows.setdefault(fix.row, []).append(f"cột “{fix.column}”{cell} đang ghi “{fix.value}”")
    return "; ".join(f"dòng {row}: {', '.join(parts)}" for row, parts in rows.items())


def _group_text(label: str, members: Sequence[UnitReminder], facts: _Facts, dashboard_tab: str) -> str:
    missing = [u for u in members if u.kind is ReminderKind.REPORT]
    fixing = [u for u in members if u.kind is ReminderKind.FIX]
    lines = [f"[{label}]", f"Số liệu tính đến {facts.as_of}."]
    if missing:
        lines.append("")
        lines.append(f"Thời hạn báo cáo ({facts.deadline}) đã hết. {facts.sender} đề nghị các cơ quan, đơn vị "
                     f"sau khẩn trương báo cáo kết quả triển khai {facts.title} trên {facts.sheet}:"
                     if facts.overdue else
                     f"{facts.sender} đề nghị các cơ quan, đơn vị sau báo cáo kết quả triển khai {facts.title} "
                     f"trên {facts.sheet}, hạn chót {facts.deadline}:")
        lines += [f"{i}. {u.name}" for i, u in enumerate(missing, 1)]
    if fixing:
        lines.append("")
        lines.append("Các cơ quan, đơn vị sau có ô số liệu chưa hợp lệ nên chưa được tổng hợp, đề nghị kiểm tra, "
                     f"sửa lại (chi tiết tại thẻ “{dashboard_tab}” của bảng tính):")
        lines += [f"{i}. {u.name} — {_zalo_fix(u)}" for i, u in enumerate(fixing, 1)]
    lines += ["", facts.closing, facts.signature]
    return "\n".join(lines)


def _unmatched_text(result: Consolidation, facts: _Facts) -> str | None:
    items = []
    for row in result.unmatched_rows:
        typed = squash(row.typed_name)
        if row.kind is MatchKind.NO_NAME or not typed:
            items.append(f"- Dòng {row.row}: chưa ghi tên cơ quan, đơn vị")
        elif row.kind is MatchKind.AMBIGUOUS:
            items.append(f"- Dòng {row.row}: “{typed}” (giống tên nhiều đơn vị, cần ghi đầy đủ hơn)")
        else:
            items.append(f"- Dòng {row.row}: “{typed}”")
    if not items:
        return None
    head = (f"Các dòng sau trên {facts.sheet} chưa xác định được cơ quan, đơn vị báo cáo nên chưa được tổng hợp. "
            "Đề nghị đơn vị đã nhập ghi lại tên cơ quan, đơn vị đầy đủ, đúng như trong danh sách:")
    return "\n".join(["[Dòng chưa xác định được đơn vị]", head, *items, "", facts.closing, facts.signature])


def _group_messages(result: Consolidation, campaign: Campaign, units: Sequence[UnitReminder],
                    facts: _Facts) -> tuple[GroupMessage, ...]:
    labels = {**{u.group: u.group for u in units}, **campaign.group_labels}
    order = [g.code for g in campaign.groups] + sorted({u.group for u in units} - set(campaign.group_labels))
    out = []
    for code in order:
        members = [u for u in units if u.group == code]
        if members:
            label = _official(labels[code])
            out.append(GroupMessage(code, label, _group_text(label, members, facts, campaign.dashboard.tab)))
    unmatched = _unmatched_text(result, facts)
    if unmatched:
        out.append(GroupMessage("", "Dòng chưa xác định được đơn vị", unmatched))
    return tuple(out)


# Entry points ------------------------------------------------------------------------------------------
def _official(text: str) -> str:
    """Our own text and roster names: one line, NFC, tone marks in the traditional place (Hòa, Ủy)."""
    return traditional_tones(squash(text))


def build(result: Consolidation, roster: Iterable[RosterUnit], campaign: Campaign) -> Reminders:
    """Every reminder the latest result calls for, in roster order; nothing for units that are fine.

    E-mail addresses come from the roster (``email`` column); a unit without one is still in its
    group's message.
    """
    facts = _facts(result, campaign)
    emails = {u.unit_id: u.email for u in roster}
    units = []
    for unit in result.units:
        reminder = _unit_reminder(unit, emails.get(unit.unit_id, ""), facts, result.column_letters)
        if reminder is not None:
            units.append(reminder)
    groups = _group_messages(result, campaign, units, facts)
    return Reminders(result.campaign_id, result.generated_at.astimezone(campaign.tz), tuple(units), groups)


def render_text(reminders: Reminders) -> str:
    """``reminders.txt``: the Zalo messages first (one per group), then one section per e-mail."""
    lines = [
        f"NHẮC BÁO CÁO — {reminders.campaign_id} — số liệu tính đến {cutoff_line(reminders.generated_at)}",
        f"{len(reminders.to_report)} cơ quan, đơn vị chưa báo cáo; "
        f"{len(reminders.to_fix)} cơ quan, đơn vị có ô số liệu cần sửa.",
        "",
        "════ TIN NHẮN ZALO (mỗi khối một tin: sao chép và dán vào nhóm Zalo của khối) ════",
    ]
    for i, message in enumerate(reminders.groups, 1):
        lines += ["", f"──── Tin nhắn {i}/{len(reminders.groups)} ────", message.text]
    lines += ["", "════ THƯ ĐIỆN TỬ GỬI TỪNG CƠ QUAN, ĐƠN VỊ ════"]
    for unit in reminders.units:
        to = unit.email or "chưa có địa chỉ e-mail trong danh sách"
        lines += ["", f"──── {unit.unit_id} · {to} ────", f"Tiêu đề: {unit.subject}", "", unit.body.rstrip("\n")]
    return clean_text("\n".join(lines) + "\n")
