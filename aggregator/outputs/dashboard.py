"""Consolidation → the completeness dashboard tab (grid + formatting description). Pure.

The layout decides everything (texts in Vietnamese, order, colours, links); the xlsx and Google
adapters only render it. Three blocks: summary per group, one row per roster unit (roster order),
then the rows that need a look (unmatched/ambiguous names and problem cells).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from aggregator import vnformat
from aggregator.consolidation.changes import ChangeLog
from aggregator.consolidation.metrics import children_coverage, partial_coverage
from aggregator.models import (
    CellLink,
    CellStyle,
    Consolidation,
    DashboardLayout,
    DashboardValue,
    MatchKind,
    SourceKind,
    StyledRange,
    UnitOutcome,
    UnitStatus,
)
from aggregator.outputs.warnings import sheet_warnings

WIDTH = 10
STATUS_TEXT = {
    UnitStatus.REPORTED: "Đã báo cáo",
    UnitStatus.LATE: "Báo cáo muộn",
    UnitStatus.MISSING: "Chưa báo cáo",
}
STATUS_STYLE = {UnitStatus.REPORTED: CellStyle.REPORTED, UnitStatus.LATE: CellStyle.LATE,
                UnitStatus.MISSING: CellStyle.MISSING}
REASON_TEXT = {
    MatchKind.AMBIGUOUS: "Tên khớp với nhiều đơn vị, chưa xác định được",
    MatchKind.NO_MATCH: "Không tìm thấy đơn vị trong danh sách",
    MatchKind.NO_NAME: "Dòng có số liệu nhưng chưa ghi tên đơn vị",
    MatchKind.LOCALITY_CONFLICT: "Tên có trong danh sách nhưng địa bàn ghi kèm (huyện, tỉnh…) khác",
    MatchKind.TYPE_CONFLICT: "Tên có trong danh sách nhưng khác loại cơ quan, đơn vị (xã/phường, Công an, Trạm Y tế…)",
}
# CellStyle -> (background, bold, font colour); shared by both adapters.
STYLE_PALETTE: dict[CellStyle, tuple[str, bool, str]] = {
    CellStyle.TITLE: ("#FFFFFF", True, "#1F3864"),
    CellStyle.SUBTITLE: ("#FFFFFF", False, "#404040"),
    CellStyle.SECTION: ("#D9E2F3", True, "#1F3864"),
    CellStyle.HEADER: ("#1F3864", True, "#FFFFFF"),
    CellStyle.REPORTED: ("#E2EFDA", False, "#000000"),
    CellStyle.LATE: ("#FFF2CC", False, "#000000"),
    CellStyle.MISSING: ("#F8CBAD", False, "#000000"),
    CellStyle.PROBLEM: ("#FCE4D6", False, "#9C0006"),
    CellStyle.REVIEW: ("#EDEDED", False, "#000000"),
    CellStyle.TOTAL: ("#D9E2F3", True, "#000000"),
    CellStyle.INPUT: ("#FFFDE7", True, "#1F3864"),
}
COLUMN_WIDTHS = (60, 130, 360, 220, 120, 140, 90, 110, 420, 260)


@dataclass
class _Builder:
    rows: list[tuple[DashboardValue, ...]] = field(default_factory=list)
    styles: list[StyledRange] = field(default_factory=list)
    links: list[CellLink] = field(default_factory=list)
    # (column, style) → index in ``styles`` of a cell range that the next row may extend
    _runs: dict[tuple[int, CellStyle], int] = field(default_factory=dict)

    def add(self, values: list[DashboardValue], style: CellStyle | None = None) -> int:
        padded = tuple(values[:WIDTH]) + ("",) * (WIDTH - len(values))
        self.rows.append(padded)
        index = len(self.rows) - 1
        if style is not None:
            self.styles.append(StyledRange(index, index + 1, 0, WIDTH, style))
            self._runs.clear()  # a row style lies over the runs: extending one past it would reorder them
        return index

    def style_cell(self, row: int, col: int, style: CellStyle) -> None:
        """Style one cell; the same style in the same column of the row above grows that range instead
        (one range, and one formatting request, for a run of units with the same status)."""
        run = self._runs.get((col, style))
        if run is not None and (grown := self.styles[run]).end_row == row:
            # the constructor, not dataclasses.replace: five times as fast, once per unit of a long run
            self.styles[run] = StyledRange(grown.start_row, row + 1, grown.start_col, grown.end_col, style)
            return
        self._runs[(col, style)] = len(self.styles)
        self.styles.append(StyledRange(row, row + 1, col, col + 1, style))


def _when(moment: dt.datetime | None, tz: dt.tzinfo | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone(tz)
    midnight = local.hour == local.minute == local.second == 0
    return vnformat.short_date(local.date()) if midnight else vnformat.short_datetime(local)


def _summary(b: _Builder, result: Consolidation) -> None:
    b.add(["Tổng hợp theo khối"], CellStyle.SECTION)
    b.add(["TT", "Khối", "", "Phải báo cáo", "Đã báo cáo", "Trong đó muộn", "Chưa báo cáo", "Tỉ lệ"],
          CellStyle.HEADER)
    for n, g in enumerate(result.groups, start=1):
        b.add([n, g.label, "", g.expected, g.reported, g.late, g.missing, vnformat.percent(g.reported, g.expected)])
    t = result.totals
    b.add(["", "Tổng cộng", "", t.units_expected, t.units_reported, t.units_late, t.units_missing,
           vnformat.percent(t.units_reported, t.units_expected)], CellStyle.TOTAL)
    if (below := children_coverage(result.units)) is not None:  # a roll-up: how complete its figures are
        b.add([f"Số liệu của {below.children} đơn vị cấp dưới đã báo cáo tổng hợp từ "
               f"{vnformat.number(below.reported)}/{vnformat.number(below.expected)} đơn vị trực thuộc "
               f"({vnformat.percent(below.reported, below.expected)})."])
    ignored = f"; dòng không phải đơn vị trong danh sách: {t.rows_ignored}" if t.rows_ignored else ""
    name_only = f"; dòng chỉ có tên, chưa có số liệu: {t.rows_name_only}" if t.rows_name_only else ""
    name_only += f"; dòng tổng cộng của bảng tính (không tính): {t.rows_total}" if t.rows_total else ""
    b.add([f"Dòng trùng (đã thay bằng bản mới hơn): {t.rows_superseded}; dòng chưa khớp tên: "
           f"{t.rows_unmatched}{ignored}; dòng trống: {t.rows_blank}{name_only}; đơn vị có ô cần sửa: "
           f"{t.units_with_problems}."])
    for warning in sheet_warnings(result):
        index = b.add(["Cần sửa bảng tính", "", warning.vi])
        b.style_cell(index, 0, CellStyle.PROBLEM)


def _problem_text(u: UnitOutcome, superseded: str, late_by: Callable[[dt.datetime], str]) -> str:
    """``superseded``: the rows the unit's winning row replaced, as the dashboard lists them ("" when none);
    ``late_by``: how late a report sent then is (vnformat.late_by)."""
    parts = [f"Nộp muộn {late_by(u.submitted_at)} so với hạn"] if (
        u.status is UnitStatus.LATE and u.submitted_at is not None) else []
    parts += [f"Dòng {p.row}, cột “{p.column}”: {p.message}" for p in u.problems]
    parts += [f"Dòng {c.row}, cột “{c.column}”: văn phòng xác nhận {vnformat.trimmed(float(c.value or 0), 2)} "
              f"(đơn vị ghi “{c.typed}”)" for c in u.confirmed]
    if superseded:
        parts.append(f"Đã gửi lại; dòng {superseded} được thay bằng dòng {u.row}")
    if (covered := partial_coverage(u)) is not None:  # a roll-up's child that is not complete yet
        parts.append(f"Số liệu mới tổng hợp từ {covered[0]}/{covered[1]} đơn vị cấp dưới")
    return "; ".join(parts + list(u.notes))


def _contacts(u: UnitOutcome, shown: Mapping[str, str]) -> str:
    """The contact and note columns of the winning row ("Người báo cáo: …; Số điện thoại: …")."""
    return "; ".join(f"{header}: {u.texts[key]}" for key, header in shown.items() if u.texts.get(key))


def _units(b: _Builder, result: Consolidation, tab: str, labels: dict[str, str], shown: Mapping[str, str]) -> None:
    b.add(["Danh sách đơn vị"], CellStyle.SECTION)
    b.add(["TT", "Mã đơn vị", "Tên cơ quan, đơn vị", "Khối", "Tình trạng", "Ngày báo cáo",
           "Dòng", "Dòng cũ", "Ghi chú, ô cần sửa", "Liên hệ, ghi chú của đơn vị"], CellStyle.HEADER)
    when = functools.cache(functools.partial(_when, tz=result.deadline.tzinfo))  # a sheet has few moments
    late_by = functools.cache(functools.partial(vnformat.late_by, deadline=result.deadline))
    for n, u in enumerate(result.units, start=1):
        superseded = ", ".join(map(str, u.superseded_rows))
        index = b.add([n, u.unit_id, u.name, labels.get(u.group, u.group), STATUS_TEXT[u.status],
                       when(u.submitted_at), u.row, superseded, _problem_text(u, superseded, late_by),
                       _contacts(u, shown)])
        b.style_cell(index, 4, STATUS_STYLE[u.status])
        if u.row is not None:
            b.links.append(CellLink(index, 6, tab, f"{result.name_letter}{u.row}"))
        if u.problems:
            b.style_cell(index, 8, CellStyle.PROBLEM)
            first = u.problems[0]
            b.links.append(CellLink(index, 8, tab, f"{result.column_letters.get(first.column, 'A')}{first.row}"))


def _review(b: _Builder, result: Consolidation, tab: str, names: dict[str, str], decisions_tab: str | None,
            unlisted: int = 0) -> None:
    b.add(["Các dòng cần xem lại"], CellStyle.SECTION)
    if decisions_tab and unlisted:
        b.add(["", "", f"Còn {unlisted} việc cần quyết định chưa đưa vào tab “{decisions_tab}”: mỗi lần đồng bộ "
               "tab chỉ nhận thêm một số dòng (tên chưa xác định trước tiên)."], CellStyle.REVIEW)
    b.add(["Dòng", "Ô", "Tên đã nhập", "Lý do", "Gợi ý", "", "", "", "Giá trị / hướng xử lý"], CellStyle.HEADER)
    advice = (f"Chọn đơn vị ở tab “{decisions_tab}” (hoặc sửa tên cho đúng danh sách)" if decisions_tab else
              "Sửa tên cho đúng danh sách hoặc thêm bí danh (aliases) vào danh sách đơn vị")
    if result.source.kind is SourceKind.STATUS_FILES:  # a child's campaign.id, not a typed name
        advice = ("Mã chiến dịch cấp dưới không có trong danh sách: thêm mã này vào bí danh (aliases) của đơn vị, "
                  "hoặc bỏ tệp status.json cũ (năm trước, bản sao) khỏi `source.paths`")
    for r in result.unmatched_rows:
        hints = "; ".join(f"{names.get(c.unit_id, c.unit_id)} ({vnformat.number(c.score, 2)})" for c in r.candidates)
        cell = f"{result.name_letter}{r.row}"  # where the name was typed
        index = b.add([r.row, cell, r.typed_name, REASON_TEXT[r.kind], hints, "", "", "", advice], CellStyle.REVIEW)
        b.links.append(CellLink(index, 0, tab, cell))
    problems = [(u.name, p) for u in result.units for p in u.problems]
    problems += [(r.typed_name, p) for r in result.unmatched_rows for p in r.problems]
    for name, p in sorted(problems, key=lambda item: item[1].row):
        cell = f"{result.column_letters.get(p.column, 'A')}{p.row}"
        index = b.add([p.row, cell, name, f"Cột “{p.column}”", p.message, "", "", "", p.value])
        b.style_cell(index, 3, CellStyle.PROBLEM)
        b.links.append(CellLink(index, 1, tab, cell))
    if not result.unmatched_rows and not problems:
        b.add(["", "", "Không có dòng nào cần xem lại."])


DECISION_TEXT = {"unit": "Tính cho đơn vị", "not_a_unit": "Không phải đơn vị trong danh sách",
                 "pin_row": "Dùng dòng này", "value": "Số liệu văn phòng xác nhận"}
STATE_TEXT = {"applied": "Đã áp dụng", "needs_review": "Cần xem lại", "invalid": "Không hợp lệ"}
STATE_STYLE = {"applied": CellStyle.REPORTED, "needs_review": CellStyle.LATE, "invalid": CellStyle.PROBLEM}


def _decisions(b: _Builder, result: Consolidation, tab: str, names: dict[str, str]) -> None:
    """What the office settled (decisions tab or ``aggregator decide``), each with its state this cycle."""
    if not result.decisions:
        return
    b.add([])
    b.add(["Quyết định của văn phòng"], CellStyle.SECTION)
    b.add(["Dòng", "Mã mục", "Tên đã nhập", "Quyết định", "Nội dung", "Tình trạng", "", "", "Chi tiết"],
          CellStyle.HEADER)
    for o in result.decisions:
        d = o.decision
        what = (names.get(d.unit_id or "", d.unit_id or "") if d.kind.value == "unit"
                else f"{o.header}: {d.value}" if d.kind.value == "value" else "")
        row = o.rows[0] if o.rows else o.where  # never the number it had when decided: another row may be there
        index = b.add([row or "", o.item, d.typed_name, DECISION_TEXT[d.kind.value], what,
                       STATE_TEXT[o.state.value], "", "", o.note])
        b.style_cell(index, 5, STATE_STYLE[o.state.value])
        if row:
            b.links.append(CellLink(index, 0, tab, f"{result.name_letter}{row}"))


def _recent(b: _Builder, recent: ChangeLog | None, tz: dt.tzinfo | None) -> None:
    if recent is None:
        b.add(["Thay đổi gần nhất: chưa có (đây là lần tổng hợp đầu tiên hoặc chưa có gì thay đổi)."],
              CellStyle.SECTION)
        return
    b.add([f"Thay đổi gần nhất (lần tổng hợp lúc {vnformat.short_datetime(recent.at.astimezone(tz))})"],
          CellStyle.SECTION)
    for line in recent.lines:
        b.add(["", line])


def layout(result: Consolidation, tab_title: str, group_labels: dict[str, str],
           recent: ChangeLog | None = None, shown_texts: Mapping[str, str] | None = None,
           decisions_tab: str | None = None, unlisted: int = 0) -> DashboardLayout:
    """Lay the dashboard out. ``tab_title`` is the dashboard tab; links point at the agency tab.

    ``recent`` is the latest cycle that changed something (shown under the summary); ``shown_texts`` maps
    the keys of the contact and note columns to their headers (shown beside each unit, never summed);
    ``decisions_tab`` is where staff settle rows (named in the advice beside unmatched rows); ``unlisted`` how
    many questions it could not take this time.
    """
    b = _Builder()
    b.add(["TIẾN ĐỘ BÁO CÁO: " + result.campaign_title], CellStyle.TITLE)
    deadline = result.deadline.astimezone(result.deadline.tzinfo)
    as_of = b.add(["Số liệu tính đến", "", vnformat.short_datetime(result.generated_at.astimezone(deadline.tzinfo)),
                   "Hạn báo cáo", vnformat.short_datetime(deadline), "Nguồn", result.source.tab], CellStyle.SUBTITLE)
    b.add([])
    _summary(b, result)
    b.add([])
    _recent(b, recent, deadline.tzinfo)
    b.add([])
    names = {u.unit_id: u.name for u in result.units}
    _units(b, result, result.source.tab, group_labels, shown_texts or {})
    b.add([])
    _review(b, result, result.source.tab, names, decisions_tab, unlisted)
    _decisions(b, result, result.source.tab, names)
    return DashboardLayout(
        tab_title=tab_title,
        grid=tuple(b.rows),
        styles=tuple(b.styles),
        links=tuple(b.links),
        column_widths=COLUMN_WIDTHS,
        frozen_rows=2,
        as_of_cell=(as_of, 2),
    )
