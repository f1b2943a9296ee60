from __future__ import annotations

from typing import Any

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from aggregator.consolidation.resolve import pick_latest

TZ = "Asia/Ho_Chi_Minh"


def _dates(values: list[str | None], index: list[int]) -> pd.Series:
    return pd.Series(pd.to_datetime(values).tz_localize(TZ), index=index)


def test_resolve_latest_date_wins_even_when_its_row_is_earlier() -> None:
    units = pd.Series(["A", "A", "B"], index=[2, 3, 4], dtype=object)
    dates = _dates(["2024-11-09", "2024-11-08", None], [2, 3, 4])
    result = pick_latest(units, dates, None)
    assert result.winners.to_dict() == {"A": 2, "B": 4}
    assert result.superseded == {"A": (3,)}


def test_resolve_row_order_when_a_unit_lacks_dates() -> None:
    units = pd.Series(["A", "A", "A"], index=[2, 5, 9], dtype=object)
    dates = _dates(["2024-11-09", None, "2024-11-01"], [2, 5, 9])
    result = pick_latest(units, dates, None)
    assert result.winners.to_dict() == {"A": 9}
    assert result.superseded == {"A": (2, 5)}


def test_resolve_first_seen_breaks_ties_before_row_order() -> None:
    units = pd.Series(["A", "A"], index=[2, 3], dtype=object)
    seen = _dates(["2024-11-05 10:00", "2024-11-04 09:00"], [2, 3])
    result = pick_latest(units, None, seen)
    assert result.winners.to_dict() == {"A": 2}


def test_resolve_unmatched_rows_count_toward_no_unit() -> None:
    units = pd.Series([None, "A", None], index=[2, 3, 4], dtype=object)
    result = pick_latest(units, None, None)
    assert result.winners.to_dict() == {"A": 3}
    assert result.superseded == {}


def test_resolve_empty_input() -> None:
    result = pick_latest(pd.Series([], dtype=object), None, None)
    assert result.winners.empty and result.superseded == {}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D", None]), st.sampled_from([None, 1, 2, 3, 4])),
                max_size=30))
def test_resolve_every_other_row_of_a_unit_is_superseded_in_row_order(rows: list[tuple[Any, Any]]) -> None:
    index = list(range(2, len(rows) + 2))
    units = pd.Series([unit for unit, _ in rows], index=index, dtype=object)
    dates = _dates([None if day is None else f"2024-11-0{day}" for _, day in rows], index)
    result = pick_latest(units, dates, None)
    for unit in {u for u, _ in rows if u is not None}:
        mine = [row for row, (u, _) in zip(index, rows, strict=True) if u == unit]
        assert result.winners[unit] in mine
        assert result.superseded.get(unit, ()) == tuple(r for r in mine if r != result.winners[unit])
    assert set(result.superseded) <= set(result.winners.index)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["A", "B", "C", "D", None]), st.sampled_from([None, 1, 2, 3]),
                          st.sampled_from([None, 1, 2]), st.sampled_from([None, 5.0, 6.0]), st.booleans()),
                max_size=30))
def test_resolve_picks_what_a_unit_by_unit_reading_of_the_policy_picks(rows: list[tuple[Any, ...]]) -> None:
    """Each unit's winner: pinned first, then its date when all its rows have one, then when first seen, then
    the place in the history's order, then the later row."""
    index = list(range(2, len(rows) + 2))
    units = pd.Series([r[0] for r in rows], index=index, dtype=object)
    dates = _dates([None if r[1] is None else f"2024-11-0{r[1]}" for r in rows], index)
    seen = _dates([None if r[2] is None else f"2024-10-0{r[2]}" for r in rows], index)
    order = pd.Series([r[3] for r in rows], index=index, dtype=float)
    pinned = pd.Series([r[4] for r in rows], index=index, dtype=bool)
    result = pick_latest(units, dates, seen, order, pinned)
    never = float("-inf")
    for unit in {r[0] for r in rows if r[0] is not None}:
        mine = [(row, r) for row, r in zip(index, rows, strict=True) if r[0] == unit]
        all_dated = all(r[1] is not None for _, r in mine)
        def key(item: tuple[int, tuple[Any, ...]], all_dated: bool = all_dated) -> tuple[Any, ...]:
            row, (_, day, first, place, pin) = item
            return (pin, day if all_dated else never, never if first is None else first,
                    never if place is None else place, row)
        winner = max(mine, key=key)[0]
        assert result.winners[unit] == winner
        assert result.superseded.get(unit, ()) == tuple(row for row, _ in mine if row != winner)
    assert sorted(result.winners.index) == sorted({r[0] for r in rows if r[0] is not None})
