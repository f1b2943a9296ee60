"""``aggregator init``: a sheet's header row and data rows → a proposed campaign file. Pure.

Headers the bundled campaign files know (``header`` and ``aliases``, folded with ``schema.fold_header``)
keep their key, type and label; rules name STT, the unit name and the submission time; any other
header is typed from its cells (``cells.read_counts`` / ``read_dates``) and keyed by its folded text,
e.g. ``generated_key("so tin nhan sms", 3)`` → "so_tin_nhan_sms". The YAML is written by hand (comments,
TODOs, sheet order) with every value dumped by PyYAML, so any header text reads back exactly.
"""

from __future__ import annotations

import datetime as dt
import keyword
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from string import Template
from zoneinfo import ZoneInfo

import pandas as pd
import yaml

from aggregator.campaign import ColumnSettings
from aggregator.cells import read_counts, read_dates
from aggregator.cells.primitives import fold
from aggregator.errors import AggregatorError
from aggregator.models import CellValue, ColumnType, SourceKind
from aggregator.sheet.headers import column_letter, fold_header
from aggregator.textnorm import clean_text

SHARE = 0.8  # of the filled cells that must read as counts (or dates) for a guessed type
KEY_MAX = 40
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
# Keys the pipeline uses for its own frame columns, and keys that only a rule may hand out.
RESERVED_KEYS = frozenset({"unit_name", "submitted_at", "row_number", "group_hint", "typed_name", "blank",
                           "problems", "notes", "fingerprint", "match", "unit_id"})
ROW_NUMBER_HEADERS = frozenset({"stt", "tt", "so tt", "so thu tu", "thu tu"})
SUBMITTED_HINTS = (" dau thoi gian ", " timestamp ", " ngay bao cao ")
DATE_HINTS = (" ngay ", " thoi gian ", " thoi diem ", " date ", " time ")
TEXT_HINTS = (" dien thoai ", " sdt ", " so dt ", " email ", " e mail ", " ho ten ", " ho va ten ")
# Words a count cell may carry (CONTRACT §3: "khoảng 200", "200 người", "không có"), folded.
COUNT_WORDS = frozenset(re.findall("[a-z]+", """khong co ko khoang gan tren hon tam chung xap xi uoc tinh it nhat
    toi thieu da qua duoi dat duoc tong cong so luong sl nhu kem nguoi luot buoi bai tin nhan cai to chiec lan hs
    hoc sinh em thue bao nghin ngan trieu k"""))
_PHONE = re.compile(r"(?:\+?84|0)[0-9]{8,10}")


class NoUnitNameError(AggregatorError):
    """No header looks like the agencies' name column (the one required column)."""

    exit_code = 5  # as SchemaError: a required column is not in the header row

    def __init__(self, tab: str, header_row: int, headers: Sequence[str]) -> None:
        listing = ", ".join(repr(h) for h in headers if h)
        what = (f"No column of tab {tab!r} (header row {header_row}) looks like the unit name; its headers are "
                f"{listing}." if listing else f"Row {header_row} of tab {tab!r} is empty: it has no headers.")
        super().__init__(what, (
            "`aggregator init` takes a header with “Tên” and “đơn vị” or “cơ quan” (e.g. “Tên cơ quan, đơn vị”) "
            "as the column where agencies type their name. Rename that header in the sheet, or pass "
            "--header-row N if the headers are in another row, or --tab if this is not the agencies' tab; "
            "then run init again."))


@dataclass(frozen=True)
class ProposedColumn:
    header: str  # as typed in the sheet (NFC, stripped)
    key: str
    type: ColumnType
    required: bool = False
    label: str = ""
    aliases: tuple[str, ...] = ()
    guess: str = ""  # why, when not known from a bundled campaign file ("" = known)
    label_todo: bool = False  # the label was derived from the header: a person should read it


@dataclass(frozen=True)
class Proposal:
    tab: str
    header_row: int
    columns: tuple[ProposedColumn, ...]
    skipped: tuple[str, ...] = ()  # headers that cannot be mapped (repeated, or no letters/digits)


@dataclass(frozen=True)
class CampaignDraft:
    """Everything the YAML needs; paths are already written as the file should hold them."""

    id: str
    title: str | None  # None → a TODO placeholder
    deadline: dt.datetime | None  # None → a TODO placeholder one week after ``now``
    now: dt.datetime
    kind: SourceKind
    location: str  # xlsx path or spreadsheet URL/id
    proposal: Proposal
    template: str
    roster: str | None = None  # None → a TODO placeholder path
    groups: tuple[str, ...] = ()
    origin: str = ""  # what the proposal was read from, for the file's first comment
    timezone: str = DEFAULT_TZ


def build_vocabulary(columns: Iterable[ColumnSettings]) -> dict[str, ColumnSettings]:
    """Folded header or alias → the known column (aliases merged); headers beat aliases, first files win."""
    columns = list(columns)
    merged: dict[str, ColumnSettings] = {}
    for column in columns:
        first = merged.setdefault(column.key, column)
        names = [*first.aliases, *(n for n in (column.header, *column.aliases) if n not in first.aliases)]
        merged[column.key] = first.model_copy(update={"aliases": tuple(names), "label": first.label or column.label})
    vocabulary: dict[str, ColumnSettings] = {}
    for name, column in [(c.header, c) for c in columns] + [(a, c) for c in columns for a in c.aliases]:
        vocabulary.setdefault(fold_header(name), merged[column.key])
    return vocabulary


def propose(tab: str, header_row: int, rows: Sequence[Sequence[CellValue]],
            vocabulary: Mapping[str, ColumnSettings], tz: ZoneInfo) -> Proposal:
    """A column for every header of ``rows[header_row - 1]``; raises NoUnitNameError without a unit name."""
    header, data = (rows[header_row - 1] if len(rows) >= header_row else ()), rows[header_row:]
    texts = [_nfc(str(cell)).strip() if cell is not None else "" for cell in header]
    folds = [fold_header(text) for text in texts]
    columns: list[ProposedColumn] = []
    skipped: list[str] = []
    known_keys = {c.key for c in vocabulary.values()}  # a generated key never takes a known one
    for index, (text, folded) in enumerate(zip(texts, folds, strict=True)):
        if text and (not folded or folded in folds[:index]):  # schema.map_headers could never reach it
            skipped.append(text)
        elif text:
            taken = {c.key for c in columns}
            column = _known(text, folded, vocabulary, taken, set(folds)) or _by_rule(text, folded, taken)
            if column is None:
                kind, why = infer_type(folded, [row[index] if index < len(row) else None for row in data], tz)
                count = kind is ColumnType.COUNT
                column = ProposedColumn(text, unique_key(generated_key(folded, index), taken | known_keys), kind,
                                        label=count_label(text) if count else "", guess=why, label_todo=count)
            columns.append(column)
    if not any(c.key == "unit_name" for c in columns):
        raise NoUnitNameError(tab, header_row, texts)
    return Proposal(tab, header_row, tuple(columns), tuple(skipped))


def _known(text: str, folded: str, vocabulary: Mapping[str, ColumnSettings], taken: set[str],
           sheet_folds: set[str]) -> ProposedColumn | None:
    known = vocabulary.get(folded)
    if known is None or known.key in taken:
        return None
    aliases: dict[str, str] = {}  # folded → name; never another header of this sheet (it would be stolen)
    for name in (known.header, *known.aliases):
        if fold_header(name) not in sheet_folds:
            aliases.setdefault(fold_header(name), _nfc(name))
    label, todo = known.label, False
    if known.type is ColumnType.COUNT and not label:
        label, todo = count_label(text), True
    return ProposedColumn(text, known.key, known.type, known.required, label, tuple(aliases.values()), label_todo=todo)


def _by_rule(text: str, folded: str, taken: set[str]) -> ProposedColumn | None:
    padded = f" {folded} "
    if folded in ROW_NUMBER_HEADERS and "row_number" not in taken:
        return ProposedColumn(text, "row_number", ColumnType.IGNORED, guess="a row number (STT) is ignored")
    if " ten " in padded and (" don vi " in padded or " co quan " in padded) and "unit_name" not in taken:
        return ProposedColumn(text, "unit_name", ColumnType.TEXT, required=True,
                              guess="“Tên … đơn vị/cơ quan” is where agencies type their name")
    if _hint(padded, SUBMITTED_HINTS) and "submitted_at" not in taken:
        return ProposedColumn(text, "submitted_at", ColumnType.DATE,
                              guess="the submission time (the latest submission of a unit wins)")
    return None


def infer_type(folded: str, cells: Sequence[CellValue], tz: ZoneInfo) -> tuple[ColumnType, str]:
    """(type, why) from a column's cells; the folded header only breaks ties (dates, phone numbers).

    A cell backs "count" when ``read_counts`` reads it and it has no words but those a count may carry
    ("khoảng", "người", "không" …): "3 buổi tại hội trường" reads as 3 but says this is a text column.
    """
    padded = f" {folded} "
    filled = [cell for cell in cells if not _is_empty(cell)]
    if not filled:
        kind = (ColumnType.DATE if _hint(padded, DATE_HINTS) else ColumnType.COUNT
                if folded.startswith("so ") and not _hint(padded, TEXT_HINTS) else ColumnType.TEXT)
        return kind, "no data yet: guessed from the header"
    if _hint(padded, TEXT_HINTS) or sum(map(_looks_like_phone, filled)) * 2 > len(filled):
        return ColumnType.TEXT, "phone numbers, e-mails or names are text"
    series, need, of = pd.Series(filled, dtype=object), SHARE * len(filled), f"of {len(filled)} filled cells"
    dates = int(read_dates(series, tz).values.notna().sum())
    if _hint(padded, DATE_HINTS) and dates >= need:
        return ColumnType.DATE, f"{dates} {of} read as dates"
    readable = read_counts(series).values.notna().tolist()
    counted = [cell for cell, ok in zip(filled, readable, strict=True) if ok and _count_words_only(cell)]
    if len(counted) >= need and sum(map(_has_digit, counted)) * 2 >= len(counted):  # not a column of "Không"
        return ColumnType.COUNT, f"{len(counted)} {of} read as counts"
    if dates >= need:
        return ColumnType.DATE, f"{dates} {of} read as dates"
    if len(counted) >= need:
        return ColumnType.TEXT, "no figures, only words like “không”"
    return ColumnType.TEXT, f"only {max(len(counted), dates)} {of} read as counts or dates"


def _is_empty(cell: CellValue) -> bool:
    return cell is None or cell != cell or (isinstance(cell, str) and not clean_text(cell))  # NaN != NaN


def _hint(padded: str, hints: Iterable[str]) -> bool:
    return any(hint in padded for hint in hints)


def _looks_like_phone(cell: CellValue) -> bool:
    return isinstance(cell, str) and _PHONE.fullmatch(re.sub(r"[\s.()-]", "", cell)) is not None


def _count_words_only(cell: CellValue) -> bool:
    """No words beyond those a count cell may carry: "khoảng 200 người" yes, "200 tại hội trường" no."""
    return not isinstance(cell, str) or all(w in COUNT_WORDS for w in re.findall("[a-z]+", fold(cell)))


def _has_digit(cell: CellValue) -> bool:
    return not isinstance(cell, bool) and (isinstance(cell, int | float) or bool(re.search("[0-9]", str(cell))))


def generated_key(folded: str, index: int) -> str:
    """ASCII snake_case from the folded header, at most ~40 characters; a column letter if it is empty."""
    key = ""
    for word in folded.split():
        longer = f"{key}_{word}" if key else word
        if len(longer) > KEY_MAX and key:
            break
        key = longer[:KEY_MAX]
    if not key:
        return f"column_{column_letter(index).lower()}"
    return key if key[0].isalpha() else f"col_{key}"


def unique_key(key: str, taken: set[str]) -> str:
    """``key``, or ``key_2``, ``key_3`` … when it is taken, reserved or a Python keyword."""
    base = f"{key}_col" if keyword.iskeyword(key) else key
    candidate, n = base, 1
    while candidate in taken or candidate in RESERVED_KEYS:
        n += 1
        candidate = f"{base}_{n}"
    return candidate


def count_label(header: str) -> str:
    """How the report names a count: the header without a leading "Số ", first letter in lower case."""
    text = " ".join(_nfc(header).split())
    text = re.sub(r"^số\s+", "", text, flags=re.IGNORECASE) or text
    if text[:1].isupper() and not text[1:2].isupper():  # keep "SMS …" and "UBND …" as they are
        text = text[0].lower() + text[1:]
    return text


def slug(text: str) -> str:
    """A campaign id from a file or tab name: ``slug("Câu trả lời biểu mẫu 1")`` → "cau-tra-loi-bieu-mau-1"."""
    return "-".join(fold_header(text).split())[:60].strip("-") or "campaign"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


TODO = "  # TODO"
_FILE = Template("""\
# Campaign file proposed by `aggregator init` on $day from $origin.
# Paths are relative to this file. Fill in every TODO, check the columns marked "guessed", then run
# `aggregator check --config <this file>`. README.md, "Configuration reference", explains every key.

id: $id  # lower-case letters, digits and dashes; names the output folder out/<id>/
title: $title
# With its UTC offset; a unit whose row is dated later is late (a date alone counts as the whole day).
deadline: $deadline
timezone: $timezone  # IANA zone of the dates typed in the sheet

# Where the agencies type: an .xlsx workbook or a Google spreadsheet, their tab, the header row.
source:
$source

# CSV of the units expected to report: unit_id,group,name,short_name,aliases,email,source.
roster: $roster
# In report order: `code` as in the roster's group column and a Vietnamese `label`, e.g.
#   - {code: xaphuong, label: "UBND các xã, phường"}
$groups

# In sheet order. `header` (and `aliases`) match ignoring case, accents and spacing. `type`: text,
# count (a whole number, summed in the report), date or ignored. `label` names a count in the report,
# e.g. "lượt người dân được tuyên truyền". "guessed": not in the bundled campaigns, check type and key.
columns:
$columns

resubmission: {policy: latest}  # per unit, the latest row wins
matching: {accept: 0.86, margin: 0.05, candidates: 3}  # how sure a match of a typed name must be
dashboard: {tab: "Tổng hợp tiến độ", protect: true}  # the only tab the worker writes

# The official letter (NĐ 30/2020) rendered from the .docx template.
report:
  template: $template
  filename: $filename
  parent_body: "TODO: CƠ QUAN CẤP TRÊN"  # TODO, e.g. "UBND THÀNH PHỐ NHA TRANG" (letterhead, line 1)
  issuing_body: "TODO: CƠ QUAN BÁO CÁO"  # TODO, e.g. "PHÒNG VĂN HÓA VÀ THÔNG TIN" (letterhead, line 2)
  issuer_name: "TODO: tên cơ quan báo cáo"  # TODO, e.g. "Phòng Văn hóa và Thông tin thành phố Nha Trang"
  abbreviation: "TODO"  # TODO, e.g. "VHTT" for "Số:      /BC-VHTT"
  place: "TODO: địa danh"  # TODO, e.g. "Nha Trang" for "Nha Trang, ngày … tháng … năm 2024"
  summary: $summary
  recipients: ["TODO: nơi nhận báo cáo"]  # TODO: Kính gửi, e.g. ["Sở Thông tin và Truyền thông tỉnh Khánh Hòa"]
  # Optional: references (the letters answered, e.g. {kind: "Công văn", number: "4322/BTTTT-CATTT",
  # date: 2024-10-14, issuer: "Bộ Thông tin và Truyền thông"}), direction, assessment, proposals.
  signer:  # TODO, e.g. authority "KT. TRƯỞNG PHÒNG" ("" when the head signs), title "PHÓ TRƯỞNG PHÒNG"
    authority: ""
    title: "TODO: CHỨC VỤ"
    name: "TODO: họ và tên"
  cc: ["Như trên;", "Lưu: VT."]  # Nơi nhận

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


def render_campaign(draft: CampaignDraft) -> str:
    """The campaign file's text: every section with comments, TODOs where a person must decide."""
    title = quoted(draft.title) if draft.title else quoted("TODO: tên chiến dịch") + f"{TODO}, e.g. " + quoted(
        "Chiến dịch tuyên truyền “Kỹ năng nhận diện và phòng chống lừa đảo trực tuyến …”")
    summary = (quoted(f"Kết quả triển khai {draft.title}") + f"{TODO}: check the trích yếu" if draft.title
               else quoted("TODO: trích yếu") + f"{TODO}, e.g. \"Kết quả triển khai Chiến dịch … trên địa bàn …\"")
    roster = (quoted(draft.roster) if draft.roster else
              quoted("TODO-roster.csv") + f"{TODO}: the roster CSV; `aggregator check` fails until it exists")
    groups = ["groups:", *(f"  - {{code: {quoted(c)}, label: {quoted(c)}}}{TODO}: Vietnamese label"
                           for c in draft.groups)] if draft.groups else [f"groups: []{TODO}: one per roster group"]
    return _FILE.substitute(
        day=f"{draft.now:%Y-%m-%d}", origin=one_line(draft.origin), id=plain(draft.id), title=title,
        deadline=_deadline(draft), timezone=plain(draft.timezone), source="\n".join(_source(draft)),
        roster=roster, groups="\n".join(groups), columns="\n".join(_columns(draft.proposal)),
        template=quoted(draft.template), filename=quoted(f"bao-cao-{draft.id}.docx"), summary=summary)


def _deadline(draft: CampaignDraft) -> str:
    if draft.deadline is not None:
        return draft.deadline.isoformat()
    tz = ZoneInfo(draft.timezone)
    day = draft.now.astimezone(tz).date() + dt.timedelta(days=7)
    moment = dt.datetime.combine(day, dt.time(23, 59, 59), tzinfo=tz)
    return f"{moment.isoformat()}{TODO}: a placeholder one week from today; set the real deadline"


def _source(draft: CampaignDraft) -> list[str]:
    where = ([f"  path: {quoted(draft.location)}  # live: kind google_sheets, spreadsheet: <URL>"]
             if draft.kind is SourceKind.XLSX else
             [f"  spreadsheet: {quoted(draft.location)}", "  # key: GOOGLE_APPLICATION_CREDENTIALS (or "
              "`credentials: key.json`); share the sheet with its client_email"])
    return [f"  kind: {draft.kind.value}", *where, f"  tab: {quoted(draft.proposal.tab)}",
            f"  header_row: {draft.proposal.header_row}"]


def _columns(proposal: Proposal) -> list[str]:
    lines: list[str] = []
    for column in proposal.columns:
        lines += [f"  # guessed: {one_line(column.guess)}"] if column.guess else []
        lines += [f"  - key: {plain(column.key)}", f"    header: {quoted(column.header)}"]
        if column.aliases:
            lines.append(f"    aliases: [{', '.join(quoted(a) for a in column.aliases)}]")
        lines.append(f"    type: {column.type.value}")
        if column.required:
            lines.append("    required: true")
        if column.label:
            lines.append(f"    label: {quoted(column.label)}" + (f"{TODO}: check this label" * column.label_todo))
    if proposal.skipped:
        lines.append("  # Not mapped (a repeated header, or one without letters or digits): "
                     + ", ".join(one_line(quoted(h)) for h in proposal.skipped))
    return lines


def summary_lines(proposal: Proposal) -> list[str]:
    """One line per header: header → key (type), and why for the guessed ones."""
    shown = [h if len(h := one_line(c.header)) <= 48 else h[:47] + "…" for c in proposal.columns]
    width = max(map(len, shown), default=0)
    return [f"Columns of tab {one_line(proposal.tab)!r} (header row {proposal.header_row}):",
            *(f"  {h:<{width}}  → {c.key} ({c.type.value}{', required' * c.required})"
              + (f"  guessed: {one_line(c.guess)}" if c.guess else "") for h, c in zip(shown, proposal.columns,
                                                                                       strict=True)),
            *(f"  {one_line(h)!r} is not mapped (a repeated header, or one without letters or digits)"
              for h in proposal.skipped)]
