"""Consolidation + the decisions tab as read → the decisions tab to write (a WorkerTab). Pure.

Append-only: a line keeps its row for good. Lines already there get their read-only columns refreshed
(B–G, I–J; their id in A is never rewritten); new items are appended below the last line read, id
included. The answer column (decisions/tab.py ``DECISION_COL``) is never in a block, so a choice made
while a cycle runs is never wiped. The dropdown's entries (every roster unit) are written in a far
column of the same tab, the range a name line's dropdown points at.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aggregator import vnformat
from aggregator.decisions.choices import NOT_A_UNIT, USE_THIS_ROW, Choices
from aggregator.decisions.items import item_id
from aggregator.decisions.tab import (
    CHOICES_COL,
    CHOICES_HEADER,
    DECISION_COL,
    FIRST_LINE,
    HEADER,
    KIND_TEXT,
    STATE_COL,
    WIDTH,
    TabLine,
)
from aggregator.models import (
    CellBlock,
    CellLink,
    CellStyle,
    CellValue,
    Consolidation,
    DashboardValue,
    DecisionKind,
    DecisionOutcome,
    DecisionState,
    Dropdown,
    ItemKind,
    MatchKind,
    StyledRange,
    WorkerTab,
)
from aggregator.outputs.dashboard import REASON_TEXT
from aggregator.questions import ReviewItem

COLUMN_WIDTHS = (190, 150, 90, 300, 200, 130, 320, 300, 420, 120, 20, 20, 300)
# A sheet of 100,000 rows can ask tens of thousands of questions; the tab stays readable (and its writes
# far under Google's 2 MB advice): new lines per cycle and lines in all are capped, names first.
MAX_NEW_LINES, MAX_LINES = 500, 5_000
PRIORITY = {ItemKind.NAME: 0, ItemKind.VALUE: 1, ItemKind.PIN: 2}
BLOCK_LINES = 200  # lines per written range: a changed line resends its block only
STATE_STYLE = {DecisionState.APPLIED: CellStyle.REPORTED, DecisionState.NEEDS_REVIEW: CellStyle.LATE,
               DecisionState.INVALID: CellStyle.PROBLEM}
Row = tuple[DashboardValue, ...]


@dataclass(frozen=True)
class _Line:
    row: int  # 0-based row of the tab
    item: str
    cells: Row  # A…J, the answer column as shown offline
    style: CellStyle
    link_row: int | None  # the agency row column C links to
    kind: ItemKind


def _kept(cell: CellValue) -> DashboardValue:
    """A cell of an old line, written back as read (a Google read holds no date objects, only serial numbers)."""
    return str(cell) if isinstance(cell, dt.date) else cell


def _rows_text(rows: Sequence[int]) -> DashboardValue:
    if not rows:
        return "—"
    return rows[0] if len(rows) == 1 else ", ".join(str(r) for r in rows)


def _hints(item: ReviewItem, units: Mapping[str, str]) -> str:
    if item.kind is ItemKind.NAME:
        return "; ".join(f"{units.get(c.unit_id, c.unit_id)} ({vnformat.number(c.score, 2)})" for c in item.candidates)
    if item.kind is ItemKind.PIN:
        unit = units.get(item.unit_id or "", item.unit_id or "")
        return f"Đơn vị: {unit}" if unit else ""
    return item.reason


def _open_state(item: ReviewItem) -> str:
    if not item.rows:
        return "Không còn áp dụng: dòng đã bị sửa hoặc xóa."
    if not item.open:
        return "Không còn cần quyết định (đã xác định được)."
    if item.kind is ItemKind.NAME:
        reason = REASON_TEXT.get(MatchKind(item.reason), item.reason) if item.reason in set(MatchKind) else ""
        return f"Chờ quyết định: {reason}." if reason else "Chờ quyết định."
    if item.kind is ItemKind.PIN:
        used = "dòng này đang được dùng" if item.reason == "used" else "dòng này đang bị thay bằng dòng khác"
        return f"Chờ quyết định nếu cần: đơn vị có nhiều dòng, {used}."
    return "Chờ quyết định: nhập số liệu văn phòng xác nhận (ô của đơn vị giữ nguyên)."


def _answer(outcome: DecisionOutcome | None, choices: Choices, units: Mapping[str, str]) -> DashboardValue:
    """The answer as an offline copy shows it (Google never gets this cell from the worker)."""
    if outcome is None:
        return ""
    d = outcome.decision
    if d.kind is DecisionKind.NOT_A_UNIT:
        return NOT_A_UNIT
    if d.kind is DecisionKind.PIN_ROW:
        return USE_THIS_ROW if d.value is None else str(d.value)
    if d.kind is DecisionKind.UNIT and d.unit_id in units:
        return choices.label(d.unit_id or "") or d.unit_id
    return "" if d.value is None else str(d.value) if not isinstance(d.value, int | float) else d.value


def _cells(item: ReviewItem, old: TabLine | None, outcome: DecisionOutcome | None, choices: Choices,
           units: Mapping[str, str], tz: dt.tzinfo | None) -> tuple[Row, CellStyle]:
    ident = item_id(item.kind, item.fingerprint, item.column)
    if item.rows or old is None:
        about: Row = (_rows_text(item.rows), item.typed_name, item.header, item.typed_value, _hints(item, units))
    else:  # the content is gone: keep what the line said about it
        about = ("—", *map(_kept, old.shown[3:7]))
    state = outcome.note if outcome else _open_state(item)
    seen = outcome.decision.first_seen if outcome else None
    when = vnformat.short_datetime(seen.astimezone(tz)) if seen else ""
    style = STATE_STYLE[outcome.state] if outcome else CellStyle.REVIEW
    return (ident, KIND_TEXT[item.kind], *about, _answer(outcome, choices, units), state, when), style


def end_of_lines(rows: Sequence[Sequence[object]]) -> int:
    """How many rows the lines take (header included): the last row with anything in columns A…J."""
    for index in range(len(rows) - 1, -1, -1):
        if any(cell not in (None, "") for cell in rows[index][:WIDTH]):
            return index + 1
    return 0


def _lines(result: Consolidation, lines: Sequence[TabLine], end: int, choices: Choices,
           units: Mapping[str, str], tz: dt.tzinfo | None) -> tuple[list[_Line], int]:
    """Every line to show (those already there at their rows, new ones appended), and how many open
    items were left out by the caps."""
    questions, outcomes = result.review_items, {o.item: o for o in result.decisions}
    old = {line.item: line for line in lines}  # an id on two lines (copied by hand): the last one
    placed: list[_Line] = []
    for line in old.values():
        item = questions.get(line.item)
        if item is None:
            continue
        cells, style = _cells(item, line, outcomes.get(line.item), choices, units, tz)
        placed.append(_Line(line.row - 1, line.item, cells, style, item.rows[0] if item.rows else None, item.kind))
    room = max(min(MAX_NEW_LINES, MAX_LINES - len(lines)), 0)
    fresh, unlisted = questions.first(old, room, PRIORITY)  # names first, by row
    next_row = max(end, FIRST_LINE - 1)
    for item in fresh:
        ident = item_id(item.kind, item.fingerprint, item.column)
        cells, style = _cells(item, None, outcomes.get(ident), choices, units, tz)
        placed.append(_Line(next_row, ident, cells, style, item.rows[0] if item.rows else None, item.kind))
        next_row += 1
    return sorted(placed, key=lambda line: line.row), unlisted


def _runs(lines: Sequence[_Line], most: int | None = None) -> list[list[_Line]]:
    """Lines on consecutive rows, in runs of at most ``most`` lines."""
    runs: list[list[_Line]] = []
    for line in lines:
        if runs and runs[-1][-1].row == line.row - 1 and (most is None or len(runs[-1]) < most):
            runs[-1].append(line)
        else:
            runs.append([line])
    return runs


def _blocks(placed: Sequence[_Line], new: set[str], choices: Choices, old_choices: int) -> list[CellBlock]:
    blocks = [CellBlock(0, 0, (HEADER,)), CellBlock(0, CHOICES_COL, ((CHOICES_HEADER,),))]
    for run in _runs(placed, BLOCK_LINES):
        blocks.append(CellBlock(run[0].row, 1, tuple(line.cells[1:DECISION_COL] for line in run)))
        blocks.append(CellBlock(run[0].row, STATE_COL, tuple(line.cells[STATE_COL:WIDTH] for line in run)))
    for run in _runs([line for line in placed if line.item in new]):  # ids only for appended lines
        blocks.append(CellBlock(run[0].row, 0, tuple((line.cells[0],) for line in run)))
    listing = choices.listing
    stale = max(old_choices - len(listing), 0)  # entries of a longer roster, cleared
    blocks.append(CellBlock(FIRST_LINE - 1, CHOICES_COL, tuple((c,) for c in listing) + (("",),) * stale))
    return blocks


def _dropdowns(placed: Sequence[_Line], choices: Choices) -> list[Dropdown]:
    source = (CHOICES_COL, FIRST_LINE - 1, FIRST_LINE - 1 + len(choices.listing))
    out = []
    for run in _runs(placed):
        start = 0
        for i in range(1, len(run) + 1):
            if i == len(run) or run[i].kind is not run[start].kind:
                kind, first, last = run[start].kind, run[start].row, run[i - 1].row + 1
                if kind is ItemKind.NAME:
                    out.append(Dropdown(first, last, DECISION_COL, source=source,
                                        message="Chọn đơn vị của dòng này, hoặc “Không phải đơn vị trong danh sách”."))
                elif kind is ItemKind.PIN:
                    out.append(Dropdown(first, last, DECISION_COL, choices=(USE_THIS_ROW,),
                                        message="Chọn “Dùng dòng này” để tính dòng này cho đơn vị."))
                start = i
    return out


def _state_styles(placed: Sequence[_Line]) -> list[StyledRange]:
    """The state cells' colours, one range per run of lines with the same style."""
    out: list[StyledRange] = []
    for line in placed:
        last = out[-1] if out else None
        if last is not None and last.end_row == line.row and last.style is line.style:
            out[-1] = StyledRange(last.start_row, line.row + 1, STATE_COL, STATE_COL + 1, line.style)
        else:
            out.append(StyledRange(line.row, line.row + 1, STATE_COL, STATE_COL + 1, line.style))
    return out


def _shown(placed: Sequence[_Line], choices: Choices) -> tuple[Row, ...]:
    height = max([line.row + 1 for line in placed] + [FIRST_LINE - 1 + len(choices.listing), 1])
    grid: list[list[DashboardValue]] = [[""] * (CHOICES_COL + 1) for _ in range(height)]
    grid[0][:WIDTH] = HEADER
    grid[0][CHOICES_COL] = CHOICES_HEADER
    for line in placed:
        grid[line.row][:WIDTH] = line.cells
    for i, entry in enumerate(choices.listing, start=FIRST_LINE - 1):
        grid[i][CHOICES_COL] = entry
    return tuple(tuple(row) for row in grid)


def layout(result: Consolidation, title: str, lines: Sequence[TabLine], choices: Choices,
           units: Mapping[str, str], existing: Sequence[Sequence[object]] = ()) -> WorkerTab:
    """The decisions tab for this cycle; ``lines``/``existing`` are the tab as read (empty the first time)."""
    tz = result.deadline.tzinfo
    placed, unlisted = _lines(result, lines, end_of_lines(existing), choices, units, tz)
    new = {line.item for line in placed} - {line.item for line in lines}
    old_choices = sum(1 for row in existing[FIRST_LINE - 1:] if len(row) > CHOICES_COL and row[CHOICES_COL] != "")
    shown = _shown(placed, choices)
    styles = [StyledRange(0, 1, 0, WIDTH, CellStyle.HEADER), StyledRange(0, 1, CHOICES_COL, CHOICES_COL + 1,
                                                                        CellStyle.HEADER)]
    styles += _state_styles(placed)
    if placed:
        styles.append(StyledRange(FIRST_LINE - 1, max(line.row for line in placed) + 1, DECISION_COL,
                                  DECISION_COL + 1, CellStyle.INPUT))
    links = [CellLink(line.row, 2, result.source.tab, f"{result.name_letter}{line.link_row}") for line in placed
             if line.link_row]
    return WorkerTab(title, tuple(_blocks(placed, new, choices, old_choices)), shown, DECISION_COL,
                     rows=len(shown), cols=CHOICES_COL + 1, dropdowns=tuple(_dropdowns(placed, choices)),
                     styles=tuple(styles), links=tuple(links), column_widths=COLUMN_WIDTHS,
                     hidden_cols=(CHOICES_COL,), unlisted=unlisted)
