"""The campaign file ``aggregator init`` proposes, as YAML text with comments. Pure.

Written by hand (comments, TODOs, sheet order) with every value dumped by PyYAML, so any header text
reads back exactly. A placeholder is always ``"TODO: <example>"`` in a value: ``check`` and ``run``
refuse the file until a person replaces each one, and ``init`` itself reads the file back with the
examples in place to prove it is otherwise valid. Every column says why it got its role and type; the
report's words left at their defaults are named only in a comment pointing at the configuration
reference.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from string import Template
from zoneinfo import ZoneInfo

import yaml

from aggregator.app.init_model import CampaignDraft, Proposal, ProposedColumn
from aggregator.models import SourceKind

REFERENCE = 'README.md, "Configuration reference"'
_FILE = Template("""\
# Campaign file proposed by `aggregator init` on $day from $origin.
# Paths are relative to this file. Replace every "TODO: …" value (check and run refuse the file until
# then), read the reason given above each column, then run `aggregator check --config <this file>`.
# Every setting, with its default and an example: $reference.

id: $id  # lower-case letters, digits and dashes; names the output folder out/<id>/
title: $title
# A unit whose row is dated later is late. A day (2024-11-10) is the whole day; a time without a UTC
# offset is in the campaign's time zone.
deadline: $deadline
timezone: $timezone  # IANA zone of the dates typed in the sheet

# Where the agencies type: an .xlsx workbook or a Google spreadsheet, their tab, the header row.
source:
$source

# The units expected to report (CSV, or an .xlsx tab): unit_id,group,name,short_name,aliases,email,source.
roster: $roster
# The campaign's own area, innermost first, e.g. "huyện Bắc Mê, tỉnh Hà Giang": a place typed after a unit's
# name ("UBND xã Minh Ngọc, huyện Bắc Mê") is checked against it (and the roster's optional locality column).
area: ""
# In report order: `code` as in the roster's group column and the Vietnamese `label` the report prints,
# e.g. - {code: xaphuong, label: "UBND các xã, phường"}
$groups

# In sheet order. `header` (and `aliases`) match ignoring case, accents and spacing. `role`: unit_name,
# submitted_at (lateness, resubmissions), group_hint, difficulties / proposals (free text summarised in
# the report), contact, note. `type`: text, count, money (đồng), decimal, percent, date or ignored; every
# count, money, decimal and percent column is a metric, and `label` names it in the report.
columns:
$columns

resubmission: {policy: latest}  # per unit, the latest row wins
matching: {accept: 0.86, margin: 0.05, candidates: 3}  # how sure a match of a typed name must be
dashboard: {tab: "Tổng hợp tiến độ", protect: true}  # the only tab the worker writes

# The official letter (NĐ 30/2020) rendered from the .docx template.
report:
  template: $template
  filename: $filename
  parent_body: "TODO: CƠ QUAN CẤP TRÊN"  # letterhead, line 1, e.g. "UBND THÀNH PHỐ NHA TRANG"
  issuing_body: "TODO: CƠ QUAN BÁO CÁO"  # letterhead, line 2, e.g. "PHÒNG VĂN HÓA VÀ THÔNG TIN"
  issuer_name: "TODO: tên cơ quan báo cáo"  # in sentences, e.g. "Phòng Văn hóa và Thông tin thành phố Nha Trang"
  abbreviation: "TODO: VIẾT TẮT"  # e.g. "VHTT" for "Số:      /BC-VHTT"
  place: "TODO: địa danh"  # e.g. "Nha Trang" for "Nha Trang, ngày … tháng … năm …"
  summary: $summary
  recipients: ["TODO: nơi nhận báo cáo"]  # Kính gửi, e.g. ["Sở Văn hóa, Thể thao và Du lịch tỉnh …"]
  signer:  # authority: "KT. TRƯỞNG PHÒNG", or "" when the head signs
    authority: ""
    title: "TODO: CHỨC VỤ"
    name: "TODO: họ và tên"
  cc: ["Như trên;", "Lưu: VT."]  # Nơi nhận
  # Left at their defaults (see $reference): references (the letters this
  # report answers), direction (section I), strengths, weaknesses and proposals (the office's own
  # paragraphs), headings (every section heading), sentences (the lead sentences) and auto (a switch
  # per automatic sentence).

# The worker (`aggregator serve`): a sync every sync_minutes, drafts at these times and after the deadline.
schedule:
  sync_minutes: 10
  drafts: ["07:30", "16:30"]
  after_deadline: true
# E-mail reminders and draft delivery (`notify`) are off: see README.md, "Reminders and e-mail".
""")


def quoted(value: str) -> str:
    """A double-quoted YAML scalar that reads back as exactly ``value`` (NFC); escapes what must be."""
    return yaml.safe_dump(_nfc(value), allow_unicode=True, default_style='"', width=1 << 30).rstrip("\n")


def plain(value: object) -> str:
    """The plainest YAML scalar that reads back as ``value``: ``plain("no")`` → "'no'" (not false)."""
    return yaml.safe_dump(value, allow_unicode=True, width=1 << 30).removesuffix("\n...\n").rstrip("\n")


def one_line(text: str) -> str:
    """Text safe inside a comment or a terminal line: no line breaks or control characters."""
    return "".join(ch for ch in " ".join(_nfc(text).split()) if ch.isprintable())


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def render_campaign(draft: CampaignDraft) -> str:
    """The campaign file's text: every section with comments, "TODO: …" values where a person must decide."""
    title = quoted(draft.title) if draft.title else quoted("TODO: tên chiến dịch") + "  # e.g. " + quoted(
        "Tháng hành động vì trẻ em năm 2025")
    summary = (quoted(f"Kết quả triển khai {draft.title}") + "  # trích yếu: check it" if draft.title
               else quoted("TODO: trích yếu") + "  # e.g. \"Kết quả triển khai … trên địa bàn …\"")
    roster = (quoted(draft.roster) if draft.roster else
              quoted("TODO-roster.csv") + "  # the roster CSV; `aggregator check` fails until it exists")
    groups = ["groups:", *(f"  - {{code: {quoted(c)}, label: {quoted(f'TODO: {c}')}}}" for c in draft.groups)] \
        if draft.groups else ["groups: []  # one per roster group"]
    return _FILE.substitute(
        day=f"{draft.now:%Y-%m-%d}", origin=one_line(draft.origin), id=plain(draft.id), title=title,
        deadline=_deadline(draft), timezone=plain(draft.timezone), source="\n".join(_source(draft)),
        roster=roster, groups="\n".join(groups), columns="\n".join(_columns(draft.proposal)),
        template=quoted(draft.template), filename=quoted(f"bao-cao-{draft.id}.docx"), summary=summary,
        reference=REFERENCE)


def _deadline(draft: CampaignDraft) -> str:
    if draft.deadline is not None:
        return draft.deadline.isoformat()
    tz = ZoneInfo(draft.timezone)
    day = draft.now.astimezone(tz).date() + dt.timedelta(days=7)
    moment = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)
    return quoted(f"TODO: {moment.isoformat()}") + "  # one week from today: set the real deadline"


def _source(draft: CampaignDraft) -> list[str]:
    found = draft.proposal.header_row_why
    where = ([f"  path: {quoted(draft.location)}  # live: kind google_sheets, spreadsheet: <URL>"]
             if draft.kind is SourceKind.XLSX else
             [f"  spreadsheet: {quoted(draft.location)}", "  # key: GOOGLE_APPLICATION_CREDENTIALS (or "
              "`credentials: key.json`); share the sheet with its client_email"])
    return [f"  kind: {draft.kind.value}", *where, f"  tab: {quoted(draft.proposal.tab)}",
            f"  header_row: {draft.proposal.header_row}" + (f"  # {one_line(found)}" if found else "")]


def _column(column: ProposedColumn) -> list[str]:
    lines = [f"  # {one_line(why)}" for why in column.reasons()]
    lines += [f"  - key: {plain(column.key)}", f"    header: {quoted(column.header)}"]
    if column.aliases:
        lines.append(f"    aliases: [{', '.join(quoted(a) for a in column.aliases)}]")
    if column.role is not None:
        lines.append(f"    role: {column.role.value}")
    lines.append(f"    type: {column.type.value}")
    if column.required:
        lines.append("    required: true")
    if column.label:
        lines.append(f"    label: {quoted(column.label)}" + ("  # check this label" * column.label_todo))
    if column.sentence:
        lines.append(f"    sentence: {quoted(column.sentence)}")
    return lines


def _columns(proposal: Proposal) -> list[str]:
    lines = [line for column in proposal.columns for line in _column(column)]
    if proposal.skipped:
        lines.append("  # Not mapped (a repeated header, or one without letters or digits): "
                     + ", ".join(one_line(quoted(h)) for h in proposal.skipped))
    return lines


def summary_lines(proposal: Proposal) -> list[str]:
    """One line per header: header → key (type, role), and why when it was not known from a bundled file."""
    shown = [h if len(h := one_line(c.header)) <= 40 else h[:39] + "…" for c in proposal.columns]
    width = max(map(len, shown), default=0)
    lines = [f"Columns of tab {one_line(proposal.tab)!r} (header row {proposal.header_row}"
             + (f": {one_line(proposal.header_row_why)}" if proposal.header_row_why else "") + "):"]
    for header, column in zip(shown, proposal.columns, strict=True):
        kind = ", ".join([column.type.value, *([column.role.value] if column.role else [])])
        why = "; ".join(column.reasons(short=True))
        lines.append(f"  {header:<{width}}  → {column.key} ({kind})" + (f"  {one_line(why)}" if why else ""))
    lines += [f"  {one_line(h)!r} is not mapped (a repeated header, or one without letters or digits)"
              for h in proposal.skipped]
    return lines
