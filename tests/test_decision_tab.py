"""The decisions tab's layout (outputs/decision_tab.py): append-only lines, the answer column never
written, dropdowns per run of lines, and caps that keep a huge sheet's tab usable."""

from __future__ import annotations

import dataclasses

from aggregator.decisions.choices import NOT_A_UNIT, Choices
from aggregator.decisions.tab import CHOICES_COL, DECISION_COL, HEADER, read_lines
from aggregator.models import ItemKind, MatchKind, RosterUnit
from aggregator.outputs import decision_tab
from aggregator.questions import Questions, ReviewItem
from tests.builders import make_result

ROSTER = (RosterUnit("A", "g1", "Đơn vị A"), RosterUnit("B", "g1", "Đơn vị B"))
UNITS = {u.unit_id: u.name for u in ROSTER}


def _fp(n: int) -> str:
    return f"{n:020x}"


def _items(n: int, kind: ItemKind = ItemKind.NAME, start: int = 0) -> tuple[ReviewItem, ...]:
    return tuple(ReviewItem(kind, _fp(start + i), "citizens" if kind is ItemKind.VALUE else None, (start + i + 2,),
                            f"Tên {start + i}", reason=MatchKind.NO_MATCH.value) for i in range(n))


def _layout(items: tuple[ReviewItem, ...], existing: list[list[object]] | None = None) -> decision_tab.WorkerTab:
    result = dataclasses.replace(make_result(), review_items=Questions(items))
    rows = existing or []
    return decision_tab.layout(result, "Xử lý", read_lines(rows), Choices.of(ROSTER), UNITS, rows)


def _written_cells(tab: decision_tab.WorkerTab) -> set[tuple[int, int]]:
    return {(b.row + r, b.col + c) for b in tab.blocks for r, row in enumerate(b.values) for c, _ in enumerate(row)}


def test_the_first_layout_writes_every_column_but_the_answers() -> None:
    tab = _layout(_items(3) + _items(2, ItemKind.PIN, 3))
    assert tab.shown[0][:len(HEADER)] == HEADER and tab.shown[1][0] == f"N-{_fp(0)}"
    written = _written_cells(tab)
    assert not {(r, DECISION_COL) for r in range(1, 6)} & written
    assert {(r, c) for r in range(1, 6) for c in range(10) if c != DECISION_COL} <= written
    assert [row[CHOICES_COL] for row in tab.shown[1:4]] == [NOT_A_UNIT, "Đơn vị A", "Đơn vị B"]
    assert [(d.start_row, d.end_row, bool(d.source), d.choices) for d in tab.dropdowns] == [
        (1, 4, True, ()), (4, 6, False, ("Dùng dòng này",))]


def test_lines_keep_their_rows_and_new_items_go_below_the_last_line_read() -> None:
    first = _layout(_items(3))
    sorted_by_staff = [list(first.shown[0]), list(first.shown[3]), list(first.shown[1]), list(first.shown[2])]
    sorted_by_staff.append([None] * DECISION_COL + ["typed below the lines"])
    second = _layout(_items(4), sorted_by_staff)
    ids = {row[0]: i for i, row in enumerate(second.shown) if row[0]}
    assert [ids[f"N-{_fp(n)}"] for n in range(4)] == [2, 3, 1, 5]  # the new item after the row typed below
    ids_written = [b for b in second.blocks if b.col == 0 and b.row > 0]
    assert [(b.row, b.values) for b in ids_written] == [(5, ((f"N-{_fp(3)}",),))]  # ids only for the new line


def test_a_huge_sheet_adds_a_bounded_number_of_lines_names_first() -> None:
    items = _items(400, ItemKind.PIN) + _items(800, ItemKind.NAME, 400)
    tab = _layout(items)
    lines = [row for row in tab.shown[1:] if row[0]]
    assert len(lines) == decision_tab.MAX_NEW_LINES and all(str(row[0]).startswith("N-") for row in lines)
    assert tab.unlisted == len(items) - decision_tab.MAX_NEW_LINES
    assert max(len(b.values) for b in tab.blocks if b.col == 1) == decision_tab.BLOCK_LINES
