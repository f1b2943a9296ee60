"""The report's template context: Consolidation + Campaign → a plain dict for the .docx template. Pure.

No I/O and no docx imports: the adapter (``adapters/docx_report.py``) renders the dict with
autoescape on, so ``& < >`` and quotes in agency text are safe, and :func:`sanitize` (applied
here to every string) removes what autoescape cannot fix: XML-illegal control characters and
non-NFC text. Every figure comes straight from the Consolidation, so the report and
status.json always carry the same numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any

from aggregator.campaign import Campaign, ColumnSettings, Reference, ReportSettings
from aggregator.models import Consolidation, GroupSummary, UnitOutcome, UnitStatus
from aggregator.textnorm import traditional_tones
from aggregator.vnformat import cutoff_line, long_date, number, percent, short_date, short_datetime

BLANK = "      "  # the clerk writes the number and the day by hand after signing (NĐ 30 Điều 15)
ISSUES_KEY = "issues_raised"
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
STATUS_TEXT = {
    UnitStatus.REPORTED: "Đã báo cáo",
    UnitStatus.LATE: "Báo cáo muộn",
    UnitStatus.MISSING: "Chưa báo cáo",
}
NAME_WIDTH = 22  # upper-case characters that fit one line of the 6.75 cm letterhead column at 13 pt bold
MAX_NAMED = 3  # an issue raised by more units names the first three and counts the others

# XML 1.0 forbids C0 controls other than tab/newline/CR, U+FFFE/U+FFFF and lone surrogates;
# zero-width spaces and BOMs are invisible noise pasted from the web.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\u200b\u2060\ufeff]")
_NON_WORD = re.compile(r"[\W_]+")
_BULLET = re.compile(r"^(?:[-–—•*+]+|\d{1,2}[.)]|[a-zđ]\))\s*", re.IGNORECASE)
# "N/A" folds to "n a"; "nan" is a spreadsheet NaN that was turned into text upstream.
_NEGATIONS = {"khong", "ko", "k", "chua", "none", "na", "n", "0", "nothing", "no", "nan", "null"}
_EMPTY_WORDS = _NEGATIONS | {
    "co", "gi", "kho", "khan", "vuong", "mac", "de", "xuat", "kien", "nghi", "y", "va", "a", "don", "vi",
    "them",
}


# Text hygiene ---------------------------------------------------------------------------------
def clean_text(text: str) -> str:
    """NFC, no XML-illegal or zero-width characters, newlines as ``\\n``."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _UNWANTED.search(text):
        text = _UNWANTED.sub("", text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def sanitize(value: Any) -> Any:
    """Apply :func:`clean_text` to every string in a JSON-like structure (other objects pass through)."""
    if type(value) is str:  # the common case first: this walks every cell of the appendix
        return clean_text(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    return value


def squash(text: str) -> str:
    """One line of agency text: cleaned, whitespace runs (tabs, newlines) collapsed to one space."""
    return " ".join(clean_text(text).split())


def _bare(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


# Latin letters with diacritics (Vietnamese included) → base letters, for str.translate.
_BARE = {code: _bare(chr(code)) for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)) if _bare(chr(code))}
_BARE |= {ord("đ"): "d", ord("Đ"): "d"}


def fold(text: str) -> str:
    """Key ignoring case, diacritics, punctuation and spacing: ``fold("Không có!")`` → "khong co"."""
    bare = unicodedata.normalize("NFC", text).lower().translate(_BARE)
    if not bare.isascii():  # marks on letters outside the table, or stray combining marks
        bare = "".join(c for c in unicodedata.normalize("NFD", bare) if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", bare).split())


def is_empty_answer(text: str) -> bool:
    """"Không", "không có khó khăn", "-", "0" … say nothing and are left out of section IV."""
    words = fold(text).split()
    return not words or (set(words) <= _EMPTY_WORDS and bool(set(words) & _NEGATIONS))


def break_name(name: str, width: int = NAME_WIDTH) -> str:
    """Split a long agency name onto two balanced lines, preferring a break before "VÀ"."""
    words = name.split()
    if len(name) <= width or len(words) < 2:
        return name

    def cost(i: int) -> tuple[int, int]:
        longest = max(len(" ".join(words[:i])), len(" ".join(words[i:])))
        return (0 if words[i] == "VÀ" and longest <= width else 1, longest)

    cut = min(range(1, len(words)), key=cost)
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ends(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each list item its closing mark: ";" for all but the last, "." for the last (NĐ 30)."""
    return [{**item, "end": "." if i == len(items) - 1 else ";"} for i, item in enumerate(items)]


# Letterhead, title, addressees ----------------------------------------------------------------
def _date_text(moment: dt.datetime, final: bool) -> str:
    return long_date(moment.date()) if final else f"ngày{BLANK}tháng{BLANK}năm {moment.year}"


def _letterhead(settings: ReportSettings, moment: dt.datetime, final: bool) -> dict[str, Any]:
    recipients = [{"text": squash(r).rstrip(".;")} for r in settings.recipients]
    return {
        "parent_body": settings.parent_body.upper(),
        "issuing_body": break_name(squash(settings.issuing_body).upper()),
        "abbreviation": settings.abbreviation,
        "place": settings.place,
        "date_text": _date_text(moment, final),
        "year": str(moment.year),
        "final": final,
        "summary": settings.summary,
        "recipient_single": recipients[0]["text"] if len(recipients) == 1 else "",
        "recipients": _ends(recipients),
        "issuer_name": settings.issuer_name,
    }


def _citation(ref: Reference) -> str:
    text = f"{ref.kind} số {ref.number} ngày {short_date(ref.date)} của {ref.issuer}"
    return f"{text} {ref.summary}".strip()


def _opening(settings: ReportSettings) -> str:
    if not settings.references:
        return f"{settings.issuer_name} báo cáo kết quả như sau:"
    cited = "; ".join(_citation(r) for r in settings.references)
    return f"Thực hiện {cited}, {settings.issuer_name} báo cáo kết quả như sau:"


# Section II: participation and figures ---------------------------------------------------------
def _participation_text(result: Consolidation) -> str:
    t = result.totals
    text = (f"Có {t.units_reported}/{t.units_expected} cơ quan, đơn vị đã báo cáo "
            f"(đạt {percent(t.units_reported, t.units_expected)})")
    if t.units_late:
        text += f", trong đó {t.units_late} cơ quan, đơn vị báo cáo sau thời hạn"
    if t.units_missing:
        return f"{text}; còn {t.units_missing} cơ quan, đơn vị chưa báo cáo. Cụ thể:"
    return f"{text}. Cụ thể:"


def _group_line(g: GroupSummary) -> dict[str, Any]:
    text = (f"{g.label}: {g.reported}/{g.expected} cơ quan, đơn vị đã báo cáo "
            f"(đạt {percent(g.reported, g.expected)})")
    if g.late:
        text += f", trong đó {g.late} báo cáo muộn"
    return {"text": text, "label": g.label, "reported": g.reported, "expected": g.expected,
            "late": g.late, "missing": g.missing, "percent": percent(g.reported, g.expected)}


def _by_group(result: Consolidation, status: UnitStatus) -> list[dict[str, Any]]:
    labels = {g.group: g.label for g in result.groups}
    named: dict[str, list[str]] = {}
    for unit in result.units:
        if unit.status is status:
            named.setdefault(unit.group, []).append(squash(unit.name))
    order = [g.group for g in result.groups] + sorted(set(named) - set(labels))
    items = [{"label": labels.get(code, code), "count": len(named[code]), "names": ", ".join(named[code])}
             for code in order if code in named]
    return _ends(items)


def metric_label(column: ColumnSettings) -> str:
    return column.label or _lower_first(short_header(column))


def short_header(column: ColumnSettings) -> str:
    """Appendix column header: the sheet header without a leading "Số "."""
    header = squash(column.header)
    return _upper_first(header[3:]) if header.lower().startswith("số ") else header


def _metric_lines(result: Consolidation, columns: Sequence[ColumnSettings]) -> list[dict[str, Any]]:
    items = [{"key": c.key, "label": metric_label(c), "value": number(result.metrics.get(c.key, 0)),
              "raw": result.metrics.get(c.key, 0)} for c in columns]
    return _ends(items)


def _section_two(result: Consolidation, campaign: Campaign) -> dict[str, Any]:
    t = result.totals
    deadline = result.deadline.astimezone(campaign.tz)
    return {
        "totals": {"expected": t.units_expected, "reported": t.units_reported, "late": t.units_late,
                   "missing": t.units_missing, "percent": percent(t.units_reported, t.units_expected)},
        "participation_text": _participation_text(result),
        "groups": _ends([_group_line(g) for g in result.groups]),
        "missing_groups": _by_group(result, UnitStatus.MISSING),
        "late_groups": _by_group(result, UnitStatus.LATE),
        "deadline_text": f"{deadline.hour:02d} giờ {deadline.minute:02d} phút, "
                         f"ngày {short_date(deadline.date())}",
    }


# Section III: assessment -------------------------------------------------------------------------
def _strengths(result: Consolidation, settings: ReportSettings) -> list[str]:
    t = result.totals
    on_time = t.units_reported - t.units_late
    lines = list(settings.assessment)
    lines.append(f"{on_time}/{t.units_expected} cơ quan, đơn vị đã báo cáo đúng thời hạn "
                 f"(đạt {percent(on_time, t.units_expected)}).")
    full = [g.label for g in result.groups if g.expected and not g.missing]
    if full:
        lines.append(f"Các khối có 100 % cơ quan, đơn vị báo cáo: {'; '.join(full)}.")
    return lines


def _weaknesses(result: Consolidation) -> list[str]:
    t = result.totals
    lines = []
    if t.units_missing:
        lines.append(f"Còn {t.units_missing} cơ quan, đơn vị chưa báo cáo kết quả "
                     "(danh sách tại điểm 1 Mục II).")
    if t.units_late:
        lines.append(f"Có {t.units_late} cơ quan, đơn vị báo cáo sau thời hạn.")
    if t.units_with_problems:
        lines.append(f"Có {t.units_with_problems} cơ quan, đơn vị nhập số liệu chưa hợp lệ, cần kiểm tra, "
                     "bổ sung (ghi chú tại Phụ lục).")
    if t.rows_unmatched:
        lines.append(f"Có {t.rows_unmatched} dòng số liệu trên bảng tính chưa xác định được cơ quan, đơn vị "
                     "báo cáo nên chưa được tổng hợp.")
    return lines or ["Các cơ quan, đơn vị đã báo cáo đầy đủ, đúng thời hạn."]


# Section IV: what agencies asked for ----------------------------------------------------------------
def _issue_items(text: str) -> Iterable[str]:
    for part in re.split(r"[\n;]+", clean_text(text)):
        item = squash(_BULLET.sub("", part.strip())).rstrip(" .;,:")
        if item and not is_empty_answer(item):
            yield _upper_first(traditional_tones(item))  # "hoà" typed by agencies → official "hòa"


def _units_phrase(names: Sequence[str]) -> str:
    if len(names) <= MAX_NAMED + 1:
        return ", ".join(names)
    return f"{', '.join(names[:MAX_NAMED])} và {len(names) - MAX_NAMED} cơ quan, đơn vị khác"


def agency_issues(units: Sequence[UnitOutcome]) -> list[dict[str, Any]]:
    """Deduplicated difficulties and proposals typed by agencies, each attributed to its unit(s).

    Items are split on new lines and ";", compared ignoring case, spacing and diacritics, and
    listed by how many units raised them (then first appearance); empty answers are dropped.
    """
    found: dict[str, tuple[str, list[str]]] = {}
    for unit in units:
        if unit.status is UnitStatus.MISSING:
            continue
        for item in _issue_items(unit.texts.get(ISSUES_KEY) or ""):
            names = found.setdefault(fold(item), (item, []))[1]
            if squash(unit.name) not in names:
                names.append(squash(unit.name))
    ranked = sorted(found.values(), key=lambda entry: -len(entry[1]))  # stable: ties keep first appearance
    return _ends([{"text": text, "units": _units_phrase(names), "count": len(names)}
                  for text, names in ranked])


# Appendix -------------------------------------------------------------------------------------------
def _unit_note(unit: UnitOutcome, headers: dict[str, str], tz: dt.tzinfo) -> str:
    parts = []
    if unit.status is UnitStatus.LATE and unit.submitted_at:
        sent = unit.submitted_at.astimezone(tz)  # a date typed without a time arrives as midnight
        parts.append(f"Gửi ngày {short_date(sent.date())}" if sent.time() == dt.time(0)
                     else f"Gửi lúc {short_datetime(sent)}")
    # The agency-facing message says how to fix the cell; the official appendix only states the fact.
    parts += [f"{headers.get(p.column, p.column)}: số liệu chưa hợp lệ (“{squash(p.value)[:40]}”), chưa tổng hợp"
              for p in unit.problems]
    parts += [squash(n) for n in unit.notes]
    if unit.superseded_rows:
        rows = ", ".join(str(r) for r in unit.superseded_rows)
        parts.append(f"Đã gửi lại (bản cũ ở dòng {rows} không tính)")
    return "; ".join(p for p in parts if p)


def _appendix_unit(index: int, unit: UnitOutcome, keys: Sequence[str], headers: dict[str, str],
                   tz: dt.tzinfo) -> dict[str, Any]:
    return {"tt": str(index), "name": squash(unit.name), "status": STATUS_TEXT[unit.status],
            "figures": [number(unit.metrics.get(k)) for k in keys], "note": _unit_note(unit, headers, tz)}


def _appendix(result: Consolidation, campaign: Campaign, columns: Sequence[ColumnSettings]) -> dict[str, Any]:
    keys = [c.key for c in columns]
    headers = {c.header: short_header(c) for c in columns}
    members: dict[str, list[UnitOutcome]] = {}
    for unit in result.units:
        members.setdefault(unit.group, []).append(unit)
    summaries = list(result.groups) + [GroupSummary(code, code, len(units), 0, 0, 0, {})
                                       for code, units in members.items()
                                       if code not in {g.group for g in result.groups}]
    groups = []
    for i, g in enumerate(summaries):
        units = members.get(g.group, [])
        groups.append({
            "roman": ROMAN[i] if i < len(ROMAN) else str(i + 1), "label": g.label,
            "units": [_appendix_unit(n, u, keys, headers, campaign.tz) for n, u in enumerate(units, 1)],
            "figures": [number(g.metrics.get(k, 0)) for k in keys],
            "status": f"{g.reported}/{g.expected} đã báo cáo",
        })
    t = result.totals
    return {
        "metric_columns": [{"key": c.key, "header": short_header(c)} for c in columns],
        "appendix_title": f"BẢNG TỔNG HỢP KẾT QUẢ TRIỂN KHAI {squash(campaign.title).upper()}",
        "appendix_groups": groups,
        "appendix_total": {"figures": [number(result.metrics.get(k, 0)) for k in keys],
                           "status": f"{t.units_reported}/{t.units_expected} đã báo cáo"},
    }


# Entry point -------------------------------------------------------------------------------------------
def build_context(result: Consolidation, campaign: Campaign, *, final: bool = False) -> dict[str, Any]:
    """Everything the template needs, as plain JSON-like data (str, int, bool, lists, dicts).

    ``final=False`` (a draft) leaves the day and month of the date line blank for the clerk;
    ``final=True`` fills in the date of ``result.generated_at``. The document number is always
    blank: the clerk assigns it after signature.
    """
    settings = campaign.report
    moment = result.generated_at.astimezone(campaign.tz)
    columns = campaign.count_columns
    context: dict[str, Any] = {
        **_letterhead(settings, moment, final),
        "campaign_title": campaign.title,
        "opening": _opening(settings),
        "cutoff": f"Số liệu tính đến {cutoff_line(moment)}",
        "direction": list(settings.direction),
        **_section_two(result, campaign),
        "metrics": _metric_lines(result, columns),
        "strengths": _strengths(result, settings),
        "weaknesses": _weaknesses(result),
        "proposals": list(settings.proposals),
        "agency_issues": agency_issues(result.units),
        "closing": f"Trên đây là báo cáo {_lower_first(squash(settings.summary) or 'kết quả')} "
                   f"của {settings.issuer_name}./.",
        "signer": {"authority": settings.signer.authority.upper(), "title": settings.signer.title.upper(),
                   "name": settings.signer.name},
        "cc": [re.sub(r"^\s*[-–]\s*", "", c) for c in settings.cc],
        **_appendix(result, campaign, columns),
    }
    return sanitize(context)
