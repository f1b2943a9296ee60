"""Decisions that would count for nothing are not ``applied``: they turn to ``needs_review``. Pure.

Judged once names are settled (decisions/apply.py ``settle_names``), so each row's unit is known:

- two or more rows of one unit pinned ("Dùng dòng này") on different contents: none is applied (the unit
  keeps the usual rule, the latest row) and each says which rows conflict;
- a pin or a confirmed value on a row of no unit (unmatched, or settled as not a unit): it changes no
  unit's figures; it counts once the row has a unit;
- once each unit's row is picked (``superseded_values``): a confirmed value on a row that lost to a newer
  one of its unit.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import replace

from aggregator.decisions.choices import USE_THIS_ROW
from aggregator.models import DecisionKind, DecisionOutcome, DecisionState


def _rows(rows: Sequence[int]) -> str:
    return ", ".join(str(r) for r in rows)


def _units_of(outcome: DecisionOutcome, unit_of: Callable[[int], str | None]) -> set[str]:
    return {unit for row in outcome.rows if (unit := unit_of(row)) is not None}


def _no_unit(outcome: DecisionOutcome) -> str:
    where = f"dòng {_rows(outcome.rows)}"
    if outcome.decision.kind is DecisionKind.PIN_ROW:
        return (f"Chưa áp dụng: {where} không thuộc đơn vị nào trong danh sách (chưa khớp tên hoặc đã xác định "
                "không phải đơn vị), nên không có dòng nào để thay. Lựa chọn này có tác dụng khi dòng có đơn vị.")
    return (f"Chưa tính: {where} chưa thuộc đơn vị nào trong danh sách (chưa khớp tên hoặc đã xác định không "
            f"phải đơn vị), nên số liệu xác nhận chưa được cộng vào đâu. Số liệu này được tính khi dòng có đơn vị "
            f"(chọn đơn vị cho dòng ở mục “Tên chưa xác định”).")


def _conflict(rivals: Sequence[DecisionOutcome], unit: str) -> str:
    rows = sorted({row for o in rivals for row in o.rows})
    return (f"Cần xem lại: {unit} có {len(rivals)} dòng cùng được chọn “{USE_THIS_ROW}” (dòng {_rows(rows)}); "
            f"chỉ chọn ở một dòng và xóa lựa chọn ở các dòng kia. Chưa áp dụng lựa chọn nào: đơn vị tạm dùng "
            f"dòng mới nhất.")


def unused(outcomes: Sequence[DecisionOutcome], unit_of: Callable[[int], str | None],
           names: Mapping[str, str]) -> tuple[DecisionOutcome, ...]:
    """``outcomes`` with the applied pins and confirmed values that would count for nothing (above) turned
    to ``needs_review``; ``unit_of(row)`` is the unit a sheet row counts for (None: none)."""
    pins: dict[str, list[int]] = {}
    notes: dict[int, str] = {}
    for index, o in enumerate(outcomes):
        if o.state is not DecisionState.APPLIED or o.decision.kind not in (DecisionKind.PIN_ROW, DecisionKind.VALUE):
            continue
        units = _units_of(o, unit_of)
        if not units:
            notes[index] = _no_unit(o)
        elif o.decision.kind is DecisionKind.PIN_ROW:
            for unit in units:
                pins.setdefault(unit, []).append(index)
    for unit, pinned in pins.items():
        if len(pinned) > 1:
            for index in pinned:
                notes.setdefault(index, _conflict([outcomes[i] for i in pinned], names.get(unit, unit)))
    return tuple(replace(o, state=DecisionState.NEEDS_REVIEW, note=notes[i]) if i in notes else o
                 for i, o in enumerate(outcomes))


def superseded_values(outcomes: Sequence[DecisionOutcome], winners: Collection[int]) -> tuple[DecisionOutcome, ...]:
    """``outcomes`` with the applied confirmed values none of whose rows won for its unit (the agency sent a
    newer row since) turned to ``needs_review``: the unit's figures come from another row."""
    note = ("Chưa tính: {where} đã được thay bằng dòng gửi sau của cùng đơn vị, nên số liệu xác nhận ở đây không "
            "được tính. Nếu dòng mới cũng cần, hãy xác nhận ở mục của dòng mới.")
    return tuple(replace(o, state=DecisionState.NEEDS_REVIEW, note=note.format(where=f"dòng {_rows(o.rows)}"))
                 if o.state is DecisionState.APPLIED and o.decision.kind is DecisionKind.VALUE
                 and not any(row in winners for row in o.rows) else o for o in outcomes)
