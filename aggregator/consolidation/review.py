"""The questions for the office, one per item (decisions/items.py): open ones and those already asked. Pure.

- a ``name`` item per distinct content of the rows that match no unit (or several);
- a ``pin`` item per distinct content among the rows of a unit with several rows;
- a ``value`` item per problem cell of a number column (in winning and unmatched rows).

An item already on the decisions tab, or answered by a decision, stays a question (``open=False`` when
the worker would no longer ask it), so its line keeps saying what happened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import pandas as pd

from aggregator.campaign import ColumnSettings
from aggregator.cells.frame import CONFIRMED, FINGERPRINT, MATCH, PROBLEMS, TYPED_NAME
from aggregator.decisions.items import ItemKey, parse_item
from aggregator.models import NUMERIC_TYPES, ItemKind, MatchOutcome, ReviewItem, UnitOutcome, UnmatchedRow


def _name(table: pd.DataFrame, row: int) -> str:
    typed = table.at[row, TYPED_NAME]
    return typed if isinstance(typed, str) else ""


def _name_items(table: pd.DataFrame, unmatched: Sequence[UnmatchedRow],
                rows_of: Mapping[str, tuple[int, ...]]) -> dict[ItemKey, ReviewItem]:
    items: dict[ItemKey, ReviewItem] = {}
    for r in unmatched:
        fp = str(table.at[r.row, FINGERPRINT])
        key = ItemKey(ItemKind.NAME, fp)
        if key not in items:
            items[key] = ReviewItem(ItemKind.NAME, fp, None, rows_of.get(fp, (r.row,)), r.typed_name,
                                    reason=r.kind.value, candidates=r.candidates)
    return items


def _pin_items(table: pd.DataFrame, units: Sequence[UnitOutcome],
               rows_of: Mapping[str, tuple[int, ...]]) -> dict[ItemKey, ReviewItem]:
    items: dict[ItemKey, ReviewItem] = {}
    for unit in units:
        if unit.row is None or not unit.superseded_rows:
            continue
        fps = dict.fromkeys(str(table.at[row, FINGERPRINT]) for row in sorted((unit.row, *unit.superseded_rows)))
        if len(fps) < 2:  # identical resubmissions: nothing to choose
            continue
        for fp in fps:
            rows = rows_of.get(fp, ())
            reason = "used" if unit.row in rows else "superseded"
            items[ItemKey(ItemKind.PIN, fp)] = ReviewItem(ItemKind.PIN, fp, None, rows, _name(table, rows[0]),
                                                          unit_id=unit.unit_id, reason=reason)
    return items


def _value_items(table: pd.DataFrame, rows: Iterable[int], numeric: Mapping[str, str],
                 rows_of: Mapping[str, tuple[int, ...]]) -> dict[ItemKey, ReviewItem]:
    items: dict[ItemKey, ReviewItem] = {}
    for row in rows:
        for key, typed, message in table.at[row, PROBLEMS]:
            if key in numeric:
                fp = str(table.at[row, FINGERPRINT])
                items.setdefault(ItemKey(ItemKind.VALUE, fp, key), ReviewItem(
                    ItemKind.VALUE, fp, key, rows_of.get(fp, (row,)), _name(table, row), numeric[key], str(typed),
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
        typed = next((t for k, t, _ in table.at[rows[0], CONFIRMED] if k == key.column), "")
        typed = typed or str(table.at[rows[0], key.column] if key.column in table.columns else "")
    match = table.at[rows[0], MATCH]
    candidates = match.candidates if isinstance(match, MatchOutcome) else ()
    return ReviewItem(key.kind, key.fingerprint, key.column, rows, _name(table, rows[0]),
                      headers.get(key.column or "", key.column or ""), typed, unit_id=units.get(rows[0]),
                      candidates=candidates, open=False)


def review_items(table: pd.DataFrame, units: Sequence[UnitOutcome], unmatched: Sequence[UnmatchedRow],
                 rows_of: Mapping[str, tuple[int, ...]], numeric_headers: Mapping[str, str],
                 asked: Iterable[str] = ()) -> tuple[ReviewItem, ...]:
    """Open items (names, then pins, then cells, by row), then the items ``asked`` before, each once.

    ``numeric_headers``: key → header of the number columns; ``asked``: item ids already on the
    decisions tab or answered by a decision.
    """
    items = _name_items(table, unmatched, rows_of)
    items |= _pin_items(table, units, rows_of)
    wanted = [u.row for u in units if u.row is not None] + [r.row for r in unmatched]
    items |= _value_items(table, sorted(set(wanted)), numeric_headers, rows_of)
    ordered = sorted(items.values(), key=lambda i: (i.rows[0] if i.rows else 0, i.kind.value))
    known = {key for key in (parse_item(a) for a in asked) if key is not None} - set(items)
    row_units = {u.row: u.unit_id for u in units if u.row is not None}
    row_units |= {r: u.unit_id for u in units for r in u.superseded_rows}
    return (*ordered, *(_known(k, table, rows_of, numeric_headers, row_units)
                        for k in sorted(known, key=lambda k: k.id)))


def numeric_headers(columns: Iterable[ColumnSettings], headers: Mapping[str, str]) -> dict[str, str]:
    """Key → header as found in the sheet, for the number columns present."""
    return {c.key: headers[c.key] for c in columns if c.type in NUMERIC_TYPES and c.key in headers}
