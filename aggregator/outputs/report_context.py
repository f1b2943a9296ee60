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
from collections.abc import Iterable, Sequence
from typing import Any

from aggregator.campaign import Campaign, Reference, ReportSettings
from aggregator.consolidation.metrics import children_coverage, partial_coverage
from aggregator.models import ColumnRole, Consolidation, GroupSummary, SourceKind, UnitOutcome, UnitStatus
from aggregator.outputs.report_figures import STATUS_TEXT, appendix, metric_label, metric_lines, short_header
from aggregator.outputs.report_text import (
    BULLET,
    break_name,
    clean_text,
    ends,
    fold,
    is_empty_answer,
    lower_first,
    sanitize,
    squash,
    upper_first,
)
from aggregator.textnorm import traditional_tones
from aggregator.vnformat import cutoff_line, deadline_text, long_date, number, percent, short_date

BLANK = "      "  # the clerk writes the number and the day by hand after signing (NĐ 30 Điều 15)
MAX_NAMED = 3  # an issue raised by more units names the first three and counts the others
__all__ = ["STATUS_TEXT", "agency_issues", "break_name", "build_context", "clean_text", "fold", "is_empty_answer",
           "metric_label", "sanitize", "short_header", "squash"]


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
        "recipients": ends(recipients),
        "issuer_name": settings.issuer_name,
    }


def _citation(ref: Reference) -> str:
    text = f"{ref.kind} số {ref.number} ngày {short_date(ref.date)} của {ref.issuer}"
    return f"{text} {ref.summary}".strip()


def _opening(settings: ReportSettings) -> str:
    """ "Thực hiện Công văn số … ngày … của …; Công văn số …, <issuer> báo cáo kết quả như sau:" in the listed order.

    The office's own letters (it does not "implement" them) are left to section I and the reminders.
    """
    answered = [r for r in settings.references if fold(r.issuer) != fold(settings.issuer_name)]
    if not answered:
        return f"{settings.issuer_name} báo cáo kết quả như sau:"
    cited = "; ".join(_citation(r) for r in answered)
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
    return ends(items)


def _section_two(result: Consolidation, campaign: Campaign) -> dict[str, Any]:
    t = result.totals
    deadline = result.deadline.astimezone(campaign.tz)
    auto, sentences = campaign.report.auto, campaign.report.sentences
    when = deadline_text(deadline)
    return {
        "totals": {"expected": t.units_expected, "reported": t.units_reported, "late": t.units_late,
                   "missing": t.units_missing, "percent": percent(t.units_reported, t.units_expected)},
        "participation_text": _participation_text(result) if auto.participation else "",
        "groups": ends([_group_line(g) for g in result.groups]) if auto.groups else [],
        "missing_groups": _by_group(result, UnitStatus.MISSING) if auto.missing_units else [],
        "late_groups": _by_group(result, UnitStatus.LATE) if auto.late_units else [],
        "deadline_text": when,
        "missing_lead": sentences.missing_lead,
        "late_lead": sentences.late_lead.replace("{deadline}", when),
        "results_lead": sentences.results_lead,
        "chart_caption": sentences.chart_caption,
        "show_chart": auto.chart,
    }


# Section III: assessment -------------------------------------------------------------------------
def _strengths(result: Consolidation, settings: ReportSettings) -> list[str]:
    t = result.totals
    on_time = t.units_reported - t.units_late
    lines = list(settings.strengths)
    if settings.auto.on_time:
        lines.append(f"{on_time}/{t.units_expected} cơ quan, đơn vị đã báo cáo đúng thời hạn "
                     f"(đạt {percent(on_time, t.units_expected)}).")
    full = [g.label for g in result.groups if g.expected and not g.missing]
    if full and settings.auto.full_groups:
        lines.append(f"Các khối có 100 % cơ quan, đơn vị báo cáo: {'; '.join(full)}.")
    return lines


def _shortcomings(result: Consolidation) -> list[str]:
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
    if partial := _partial_children(result.units):
        lines.append(partial)
    return lines or ["Các cơ quan, đơn vị đã báo cáo đầy đủ, đúng thời hạn."]


def _partial_children(units: Sequence[UnitOutcome]) -> str:
    """A roll-up: the children whose own figures do not yet stand for all of their units."""
    partial = [f"{squash(u.name)} ({covered[0]}/{covered[1]} đơn vị)" for u in units
               if u.status is not UnitStatus.MISSING and (covered := partial_coverage(u)) is not None]
    below = children_coverage(units)  # None only when no child says, and then none is partial
    if not partial or below is None:
        return ""
    reported = sum(u.status is not UnitStatus.MISSING for u in units)
    # the sum stands for the children whose totals say how many units they cover, not always every one that reported
    whose = "các" if below.children == reported else f"{below.children} trong số {reported}"
    return (f"Số liệu của {len(partial)} đơn vị cấp dưới chưa đầy đủ, mới tổng hợp từ một phần các đơn vị "
            f"trực thuộc: {'; '.join(partial)} (số liệu chung của {whose} đơn vị cấp dưới đã báo cáo mới tổng hợp "
            f"từ {number(below.reported)}/{number(below.expected)} đơn vị trực thuộc).")


def _weaknesses(result: Consolidation, settings: ReportSettings) -> list[str]:
    return list(settings.weaknesses) + (_shortcomings(result) if settings.auto.shortcomings else [])


# What agencies wrote (difficulties, proposals) ---------------------------------------------------
def _issue_items(text: str) -> Iterable[str]:
    for part in re.split(r"[\n;]+", clean_text(text)):
        item = squash(BULLET.sub("", part.strip())).rstrip(" .;,:")
        if item and not is_empty_answer(item):
            yield upper_first(traditional_tones(item))  # "hoà" typed by agencies → official "hòa"


def _units_phrase(names: Sequence[str]) -> str:
    if len(names) <= MAX_NAMED + 1:
        return ", ".join(names)
    return f"{', '.join(names[:MAX_NAMED])} và {len(names) - MAX_NAMED} cơ quan, đơn vị khác"


def agency_issues(units: Sequence[UnitOutcome], keys: Sequence[str]) -> list[dict[str, Any]]:
    """Deduplicated items typed by agencies in the text columns ``keys``, each attributed to its unit(s).

    Items are split on new lines and ";", compared ignoring case, spacing and diacritics, and
    listed by how many units raised them (then first appearance); empty answers ("Không có") are dropped.
    """
    found: dict[str, tuple[str, list[str]]] = {}
    for unit in units:
        if unit.status is UnitStatus.MISSING:
            continue
        for item in (i for key in keys for i in _issue_items(unit.texts.get(key) or "")):
            names = found.setdefault(fold(item), (item, []))[1]
            if squash(unit.name) not in names:
                names.append(squash(unit.name))
    ranked = sorted(found.values(), key=lambda entry: -len(entry[1]))  # stable: ties keep first appearance
    return ends([{"text": text, "units": _units_phrase(names), "count": len(names)}
                 for text, names in ranked])


def _agency_texts(result: Consolidation, campaign: Campaign) -> dict[str, Any]:
    auto, sentences = campaign.report.auto, campaign.report.sentences
    difficulties = [c.key for c in campaign.role_columns(ColumnRole.DIFFICULTIES)]
    proposals = [c.key for c in campaign.role_columns(ColumnRole.PROPOSALS)]
    return {
        "agency_difficulties": agency_issues(result.units, difficulties) if auto.agency_difficulties else [],
        "agency_issues": agency_issues(result.units, proposals) if auto.agency_proposals else [],
        "difficulties_lead": sentences.difficulties_lead,
        "proposals_lead": sentences.proposals_lead,
    }


ROLLUP_DIRECTION = ("{issuer} đề nghị các đơn vị cấp dưới tổng hợp, báo cáo kết quả; theo dõi, tổng hợp và đôn đốc "
                    "các đơn vị chưa báo cáo.")


def _direction_fallback(result: Consolidation, settings: ReportSettings) -> str:
    """Section I without the office's own paragraphs; a roll-up has no shared spreadsheet to speak of."""
    own = "direction_fallback" in settings.sentences.model_fields_set  # the office wrote its own sentence
    if result.source.kind is SourceKind.STATUS_FILES and not own:
        return ROLLUP_DIRECTION
    return settings.sentences.direction_fallback


def _proposals(result: Consolidation, campaign: Campaign) -> dict[str, Any]:
    """Section IV: the office's own proposals and the units'; one plain sentence when both are empty."""
    texts = _agency_texts(result, campaign)
    own = list(campaign.report.proposals)
    if not own and not texts["agency_issues"]:
        own = [campaign.report.sentences.no_proposals]
    return {"proposals": own, **texts}


# Entry point -------------------------------------------------------------------------------------------
def build_context(result: Consolidation, campaign: Campaign, *, final: bool = False) -> dict[str, Any]:
    """Everything the template needs, as plain JSON-like data (str, int, bool, lists, dicts).

    ``final=False`` (a draft) leaves the day and month of the date line blank for the clerk;
    ``final=True`` fills in the date of ``result.generated_at``. The document number is always
    blank: the clerk assigns it after signature.
    """
    settings = campaign.report
    moment = result.generated_at.astimezone(campaign.tz)
    columns = campaign.metric_columns
    context: dict[str, Any] = {
        **_letterhead(settings, moment, final),
        "campaign_title": campaign.title,
        "opening": _opening(settings),
        "cutoff": f"Số liệu tính đến {cutoff_line(moment)}",
        "headings": settings.headings.model_dump(),
        "direction": list(settings.direction) or [_direction_fallback(result, settings).replace(
            "{issuer}", settings.issuer_name)],
        **_section_two(result, campaign),
        "metrics": metric_lines(result, columns, settings.sentences.unknown_metric),
        "strengths": _strengths(result, settings),
        "weaknesses": _weaknesses(result, settings),
        **_proposals(result, campaign),
        "closing": f"Trên đây là báo cáo {lower_first(squash(settings.summary) or 'kết quả')} "
                   f"của {settings.issuer_name}./.",
        "signer": {"authority": settings.signer.authority.upper(), "title": settings.signer.title.upper(),
                   "name": settings.signer.name},
        "cc": [re.sub(r"^\s*[-–]\s*", "", c) for c in settings.cc],
        **appendix(result, campaign, columns),
    }
    clean: dict[str, Any] = sanitize(context)
    return clean
