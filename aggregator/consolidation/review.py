"""The questions for the office, one per item (decisions/items.py): open ones and those already asked. Pure.

- a ``name`` item per distinct content of the rows that match no unit (or several);
- a ``pin`` item per distinct content among the rows of a unit with several rows (kept as data until
  shown: aggregator/questions.py);
- a ``value`` item per problem cell of a number column (in winning and unmatched rows).

An item already on the decisions tab, or answered by a decision, stays a question (``open=False`` when
the worker would no longer ask it), so its line keeps saying what happened. The table is read once into
plain lookups: a sheet of 100,000 rows asks tens of thousands of questions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from aggregator.campaign import ColumnSettings
from aggregator.cells.frame import FINGERPRINT, MATCH, PROBLEMS, TYPED_NAME, confirmed_at
from aggregator.decisions.items import ItemKey, parse_item
from aggregator.models import NUMERIC_TYPES, ItemKind, MatchOutcome, UnitOutcome, UnmatchedRow
from aggregator.questions import PinGroup, Pins, Questions, ReviewItem


@dataclass(frozen=True)
class _Rows:
    """The few cells questions need, by sheet row, for the rows that may ask one."""

    fingerprint: dict[int, str]
    name: dict[int, str]
    problems: dict[int, tuple[tuple[str, str, str], ...]]
    rows_of: Mapping[str, tuple[int, ...]]

    @classmethod
    def of(cls, table: pd.DataFrame, rows: Sequence[int], rows_of: Mapping[str, tuple[int, ...]]) -> _Rows:
        picked = table.loc[list(rows), [FINGERPRINT, TYPED_NAME, PROBLEMS]]
        index = picked.index.tolist()  # sheet rows: ints
        names = [n if isinstance(n, str) else "" for n in picked[TYPED_NAME].tolist()]
        return cls(dict(zip(index, picked[FINGERPRINT].tolist(), strict=True)),  # texts (cells/fingerprint.py)
                   dict(zip(index, names, strict=True)), dict(zip(index, picked[PROBLEMS].tolist(), strict=True)),
                   rows_of)

    def where(self, row: int) -> tuple[int, ...]:
        return self.rows_of.get(self.fingerprint[row], (row,))


def _name_items(unmatched: Sequence[UnmatchedRow], cells: _Rows) -> dict[ItemKey, ReviewItem]:
    items: dict[ItemKey, ReviewItem] = {}
    for r in unmatched:
        key = ItemKey(ItemKind.NAME, cells.fingerprint[r.row])
        if key not in items:
            items[key] = ReviewItem(ItemKind.NAME, key.fingerprint, None, cells.where(r.row), r.typed_name,
                                    reason=r.kind.value, candidates=r.candidates)
    return items


def _pins(units: Sequence[UnitOutcome], cells: _Rows) -> Pins:
    """A group per unit whose rows differ (identical resubmissions leave nothing to choose)."""
    fingerprint = cells.fingerprint
    groups = []
    for unit in units:
        if unit.row is None or not unit.superseded_rows:
            continue
        winner = fingerprint[unit.row]
        others = dict.fromkeys(fingerprint[row] for row in unit.superseded_rows)
        others.pop(winner, None)
        if others:
            groups.append(PinGroup(unit.unit_id, winner, tuple(others)))
    return Pins(groups, cells.rows_of, cells.name)


def _value_items(rows: Iterable[int], numeric: Mapping[str, str], cells: _Rows) -> dict[ItemKey, ReviewItem]:
    items: dict[ItemKey, ReviewItem] = {}
    for row in rows:
        for key, typed, message in cells.problems[row]:
            if key in numeric:
                fp = cells.fingerprint[row]
                items.setdefault(ItemKey(ItemKind.VALUE, fp, key), ReviewItem(
                    ItemKind.VALUE, fp, key, cells.where(row), cells.name[row], numeric[key], str(typed),
                    reason=str(message)))
    return items


def _known(key: ItemKey, table: pd.DataFrame, rows_of: Mapping[str, tuple[int, ...]],
           headers: Mapping[str, str], units: Mapping[int, str]) -> ReviewItem:
    """An item asked before that the worker would not ask now (or whose row is gone: ``rows`` empty)."""
    rows = rows_of.get(key.fingerprint, ())
    if not rows:
        return ReviewItem(key.kind, key.fingerprint, key.column, (), open=False)
    typed = ""
    if key.kind is ItemKind.VALUE:
        typed = next((t for k, t, _ in confirmed_at(table, rows[0]) if k == key.column), "")
        typed = typed or str(table.at[rows[0], key.column] if key.column in table.columns else "")
    match = table.at[rows[0], MATCH]
    candidates = match.candidates if isinstance(match, MatchOutcome) else ()
    name = table.at[rows[0], TYPED_NAME]
    return ReviewItem(key.kind, key.fingerprint, key.column, rows, name if isinstance(name, str) else "",
                      headers.get(key.column or "", key.column or ""), typed, unit_id=units.get(rows[0]),
                      candidates=candidates, open=False)


def review_items(table: pd.DataFrame, units: Sequence[UnitOutcome], unmatched: Sequence[UnmatchedRow],
                 rows_of: Mapping[str, tuple[int, ...]], numeric_headers: Mapping[str, str],
                 asked: Iterable[str] = ()) -> Questions:
    """Open items (by row), then the items ``asked`` before, each once; pins as data (questions.py).

    ``numeric_headers``: key → header of the number columns; ``asked``: item ids already on the
    decisions tab or answered by a decision.
    """
    winners = [u.row for u in units if u.row is not None]
    losers = [r for u in units for r in u.superseded_rows]
    cells = _Rows.of(table, sorted({*winners, *losers, *(r.row for r in unmatched)}), rows_of)
    items = _name_items(unmatched, cells)
    items |= _value_items(sorted({*winners, *(r.row for r in unmatched)}), numeric_headers, cells)
    pins = _pins(units, cells)
    ordered = sorted(items.values(), key=lambda i: (i.rows[0] if i.rows else 0, i.kind))  # a StrEnum
    known = {key for key in (parse_item(a) for a in asked) if key is not None and key not in items
             and not (key.kind is ItemKind.PIN and key.fingerprint in pins.owner)}
    if not known:
        return Questions(ordered, pins)
    row_units = {u.row: u.unit_id for u in units if u.row is not None}
    row_units |= {r: u.unit_id for u in units for r in u.superseded_rows}
    asked_before = sorted(known, key=lambda k: k.id)
    return Questions((*ordered, *(_known(k, table, rows_of, numeric_headers, row_units) for k in asked_before)), pins)


def numeric_headers(columns: Iterable[ColumnSettings], headers: Mapping[str, str]) -> dict[str, str]:
    """Key → header as found in the sheet, for the number columns present."""
    return {c.key: headers[c.key] for c in columns if c.type in NUMERIC_TYPES and c.key in headers}
