"""The worker's decisions tab: its columns, and its lines read back into decisions. Pure.

One line per question, keyed by the item id in column A. The worker writes every column but one,
``DECISION`` (the office's answer), which it never writes: it only appends lines below the last one it
read and refreshes the read-only columns of the others, so a choice made while a cycle runs survives.

A Mã mục (item id) · B Loại · C Dòng hiện tại (linked) · D Tên đã nhập · E Cột · F Giá trị đã nhập · G Gợi ý ·
**H Quyết định** (the answer) · I Tình trạng · J Ghi nhận lúc (when the answer was first seen).

A far column (``CHOICES_COL``) holds the dropdown's entries (every roster unit), so the dropdown is a
range of this spreadsheet whatever the roster's size.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from aggregator.decisions.choices import Choices, is_not_a_unit, is_use_this_row
from aggregator.decisions.items import ItemKey, parse_item
from aggregator.models import CellValue, Decision, DecisionKind, DecisionOrigin, ItemKind
from aggregator.textnorm import clean_text, is_empty_cell

HEADER = ("Mã mục", "Loại", "Dòng hiện tại", "Tên đã nhập", "Cột", "Giá trị đã nhập", "Gợi ý",
          "Quyết định", "Tình trạng", "Ghi nhận lúc")
ID_COL, ROW_COL, NAME_COL, DECISION_COL, STATE_COL = 0, 2, 3, 7, 8
WIDTH = len(HEADER)
CHOICES_COL = 12  # column M: the dropdown's entries
CHOICES_HEADER = "Danh sách để chọn (aggregator tự ghi)"
FIRST_LINE = 2  # row 1 is the header
KIND_TEXT = {ItemKind.NAME: "Tên chưa xác định", ItemKind.PIN: "Đơn vị có nhiều dòng",
             ItemKind.VALUE: "Ô số liệu cần xác nhận"}


class DecisionFields(TypedDict):
    """What every kind of decision records of where it was made (``Decision(kind, ..., **fields)``)."""

    fingerprint: str
    typed_name: str
    made_row: int | None
    origin: DecisionOrigin


@dataclass(frozen=True)
class TabLine:
    """A line of the decisions tab as read: where it is, which item, the office's choice, what it shows."""

    row: int  # 1-based row of the decisions tab
    key: ItemKey
    choice: CellValue
    shown: tuple[CellValue, ...]  # the line's cells A…J as read (padded)

    @property
    def item(self) -> str:
        return self.key.id


def read_lines(rows: Sequence[Sequence[CellValue]]) -> tuple[TabLine, ...]:
    """Every line with an item id in column A; the first line of an id wins (a copied line is ignored)."""
    lines: dict[str, TabLine] = {}
    for index, row in enumerate(rows[FIRST_LINE - 1:], start=FIRST_LINE):
        key = parse_item(row[ID_COL] if row else None)
        if key is None or key.id in lines:
            continue
        cells = tuple(row[:WIDTH]) + (None,) * (WIDTH - min(len(row), WIDTH))
        lines[key.id] = TabLine(index, key, cells[DECISION_COL], cells)
    return tuple(lines.values())


def _made_row(line: TabLine) -> int | None:
    """The agency row the line showed when the choice was read (its first row number)."""
    shown = line.shown[ROW_COL]
    if isinstance(shown, int | float) and not isinstance(shown, bool):
        return int(shown)
    digits = clean_text(str(shown or "")).split(",")[0].strip()
    return int(digits) if digits.isdigit() else None


def line_decision(line: TabLine, choices: Choices) -> Decision | None:
    """The decision a line's cell holds (None when empty). A choice the item does not offer is kept as
    typed in ``value``, to be reported invalid."""
    if is_empty_cell(line.choice):
        return None
    key, choice = line.key, line.choice
    name = clean_text(str(line.shown[NAME_COL] or ""))
    common: DecisionFields = {"fingerprint": key.fingerprint, "typed_name": name, "made_row": _made_row(line),
                              "origin": DecisionOrigin.SHEET}
    if key.kind is ItemKind.VALUE:
        return Decision(DecisionKind.VALUE, column=key.column, value=choice, **common)
    if key.kind is ItemKind.PIN:
        return Decision(DecisionKind.PIN_ROW, value=None if is_use_this_row(choice) else choice, **common)
    if is_not_a_unit(choice):
        return Decision(DecisionKind.NOT_A_UNIT, **common)
    unit = choices.unit_of(choice)
    return Decision(DecisionKind.UNIT, unit_id=unit, value=None if unit else choice, **common)


def sheet_decisions(lines: Sequence[TabLine], choices: Choices) -> tuple[Decision, ...]:
    return tuple(d for line in lines if (d := line_decision(line, choices)) is not None)
