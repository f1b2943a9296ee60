"""The report's figures: one sentence per metric (section II) and the appendix table. Pure.

Every figure comes straight from the Consolidation, so the report and status.json carry the same numbers.
Each metric is written by its column's sentence pattern (``{value}`` is the figure alone, formatted the
Vietnamese way by type; a percent also has ``{min}``, ``{max}``, ``{n}``); an unknown figure says so
("Kinh phí thực hiện: chưa có số liệu"), it is never written as 0.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from aggregator.campaign import Campaign, ColumnSettings
from aggregator.models import (
    ColumnType,
    Consolidation,
    DecisionKind,
    DecisionState,
    GroupSummary,
    MetricStats,
    MetricValue,
    UnitOutcome,
    UnitStatus,
)
from aggregator.outputs.report_text import ends, lower_first, squash, upper_first
from aggregator.vnformat import figure, short_date, short_datetime

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV")
STATUS_TEXT = {
    UnitStatus.REPORTED: "Đã báo cáo",
    UnitStatus.LATE: "Báo cáo muộn",
    UnitStatus.MISSING: "Chưa báo cáo",
}


def short_header(column: ColumnSettings) -> str:
    """Appendix column header: the sheet header without a leading "Số "."""
    header = squash(column.header)
    return upper_first(header[3:]) if header.lower().startswith("số ") else header


def metric_label(column: ColumnSettings) -> str:
    return column.label or lower_first(short_header(column))


_UNIT = re.compile(r"(?P<label>.*\S)\s*\((?P<unit>[^(),]{1,15})\)")  # "diện tích (ha)"; not "(Facebook, Zalo)"


def _unit_apart(column: ColumnSettings) -> tuple[str, str]:
    """The label and the unit its header states in brackets, for the default sentences only (an office's own
    `sentence` is written as given): "Diện tích kiểm tra (ha)" → ("diện tích kiểm tra", "ha"). Money and
    percent patterns carry their own unit, so "(đồng)", "(VNĐ)", "(%)" are dropped."""
    label = metric_label(column)
    found = _UNIT.fullmatch(label)
    if column.sentence or found is None:
        return label, ""
    unit = found["unit"].strip()
    return found["label"], "" if column.type in (ColumnType.MONEY, ColumnType.PERCENT) else unit


def metric_sentence(column: ColumnSettings, value: MetricValue, stats: MetricStats | None,
                    unknown: str = "{label}: chưa có số liệu") -> str:
    """``"{value} đồng kinh phí thực hiện"`` → "86.300.000 đồng kinh phí thực hiện"; None → the unknown text."""
    label, unit = _unit_apart(column)
    if value is None:
        return upper_first(unknown.format(label=metric_label(column)))
    pattern = column.sentence_pattern
    if unit and column.type in (ColumnType.COUNT, ColumnType.DECIMAL):  # "Diện tích kiểm tra: 1.272,5 ha"
        pattern = "{label}: {value} " + unit.replace("{", "{{").replace("}", "}}")
    fields = {"value": figure(value, column.type), "label": label}
    if column.type is ColumnType.PERCENT:
        stats = stats or MetricStats(0, None, None)
        fields |= {"min": figure(stats.min, column.type, "…"), "max": figure(stats.max, column.type, "…"),
                   "n": str(stats.n)}
    return upper_first(" ".join(pattern.format(**fields).split()))


def metric_lines(result: Consolidation, columns: Sequence[ColumnSettings], unknown: str) -> list[dict[str, Any]]:
    items = []
    for c in columns:
        value = result.metrics.get(c.key)
        items.append({"key": c.key, "label": metric_label(c), "value": figure(value, c.type), "raw": value,
                      "text": metric_sentence(c, value, result.metric_stats.get(c.key), unknown)})
    return ends(items)


# Appendix -------------------------------------------------------------------------------------------
def _unit_note(unit: UnitOutcome, headers: dict[str, str], tz: dt.tzinfo, office: str, pinned: bool = False) -> str:
    parts = []
    if unit.status is UnitStatus.LATE and unit.submitted_at:
        sent = unit.submitted_at.astimezone(tz)  # a date typed without a time arrives as midnight
        parts.append(f"Gửi ngày {short_date(sent.date())}" if sent.time() == dt.time(0)
                     else f"Gửi lúc {short_datetime(sent)}")
    # The agency-facing message says how to fix the cell; the official appendix only states the fact.
    parts += [f"{headers.get(p.column, p.column)}: số liệu chưa hợp lệ (“{squash(p.value)[:40]}”), chưa tổng hợp"
              for p in unit.problems]
    # a value the office confirmed counts; the appendix says whose figure it is
    parts += [f"{headers.get(c.column, c.column)}: số liệu do {office} xác nhận (đơn vị ghi “{squash(c.typed)[:40]}”)"
              for c in unit.confirmed]
    parts += [squash(n) for n in unit.notes]
    if unit.superseded_rows:
        rows = ", ".join(str(r) for r in unit.superseded_rows)
        # a row the office pinned may be the older one: then the others are not "the old version"
        parts.append(f"Văn phòng chọn dòng {unit.row}; dòng {rows} không tính" if pinned
                     else f"Đã gửi lại (bản cũ ở dòng {rows} không tính)")
    return "; ".join(p for p in parts if p)


def _figures(metrics: dict[str, MetricValue], columns: Sequence[ColumnSettings]) -> list[str]:
    return [figure(metrics.get(c.key), c.type) for c in columns]


def _appendix_unit(index: int, unit: UnitOutcome, columns: Sequence[ColumnSettings], headers: dict[str, str],
                   tz: dt.tzinfo, office: str, pinned: set[int]) -> dict[str, Any]:
    return {"tt": str(index), "name": squash(unit.name), "status": STATUS_TEXT[unit.status],
            "figures": _figures(unit.metrics, columns),
            "note": _unit_note(unit, headers, tz, office, unit.row in pinned)}


def _pinned_rows(result: Consolidation) -> set[int]:
    """The rows the office pinned ("Dùng dòng này") that this cycle applied."""
    return {row for o in result.decisions if o.decision.kind is DecisionKind.PIN_ROW
            and o.state is DecisionState.APPLIED for row in o.rows}


def appendix(result: Consolidation, campaign: Campaign, columns: Sequence[ColumnSettings]) -> dict[str, Any]:
    """The appendix table: one row per roster unit, grouped, a subtotal per group and a total row."""
    headers = {c.header: short_header(c) for c in columns}
    office = squash(campaign.report.issuer_name) or "văn phòng"
    pinned = _pinned_rows(result)
    members: dict[str, list[UnitOutcome]] = {}
    for unit in result.units:
        members.setdefault(unit.group, []).append(unit)
    known = {g.group for g in result.groups}
    summaries = list(result.groups) + [GroupSummary(code, code, len(units), 0, 0, 0, {})
                                       for code, units in members.items() if code not in known]
    groups = []
    for i, g in enumerate(summaries):
        units = members.get(g.group, [])
        groups.append({
            "roman": ROMAN[i] if i < len(ROMAN) else str(i + 1), "label": g.label,
            "units": [_appendix_unit(n, u, columns, headers, campaign.tz, office, pinned)
                      for n, u in enumerate(units, 1)],
            "figures": _figures(g.metrics, columns), "status": f"{g.reported}/{g.expected} đã báo cáo",
        })
    t = result.totals
    return {
        "metric_columns": [{"key": c.key, "header": short_header(c)} for c in columns],
        "appendix_title": f"BẢNG TỔNG HỢP KẾT QUẢ TRIỂN KHAI {squash(campaign.title).upper()}",
        "appendix_groups": groups,
        "appendix_total": {"figures": _figures(result.metrics, columns),
                           "status": f"{t.units_reported}/{t.units_expected} đã báo cáo"},
    }
