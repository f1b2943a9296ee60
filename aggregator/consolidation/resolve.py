"""Resubmissions: which row speaks for each unit. Pure.

Policy "latest" (SPEC §3): per unit, the latest submission wins — by the sheet's timestamp
when every row of that unit has one, else by the time the worker first saw the row, else by
row order. A row the office pinned ("Dùng dòng này") wins over its unit's other rows whatever
their dates. Rows that lose are *superseded*: listed, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import pandas as pd

_NEVER = float("-inf")  # sorts before any real moment


@dataclass(frozen=True)
class Resolution:
    winners: pd.Series  # unit_id -> winning sheet row number
    superseded: dict[str, tuple[int, ...]]  # unit_id -> losing row numbers, ascending


def _as_seconds(values: pd.Series) -> pd.Series:
    """Moments as float epoch seconds (unknown → -inf), so any datetime unit sorts alike."""
    if values.empty:
        return pd.Series([], dtype=float, index=values.index)
    moments = pd.to_datetime(values, utc=True)
    seconds = (moments - pd.Timestamp("1970-01-01", tz="UTC")).dt.total_seconds()
    return seconds.astype(float).fillna(_NEVER)


def pick_latest(
    unit_ids: pd.Series, submitted_at: pd.Series | None, first_seen: pd.Series | None,
    seen_order: pd.Series | None = None, pinned: pd.Series | None = None,
) -> Resolution:
    """Pick each unit's winning row.

    ``unit_ids`` is indexed by sheet row number (None/NA for rows matching no unit); ``submitted_at``,
    ``first_seen`` (NaT where unknown) and ``seen_order`` (the history's sequence, NaN where unknown)
    share that index. Ties go to the later ``submitted_at`` when all rows of the unit have one, then the
    later ``first_seen``, then the later place in the history's order, and only then the later row: with a
    history, the order among rows first seen together is the one they had then, not today's row order.
    ``pinned`` (bool, same index) rows come before all of that: a pinned row beats an unpinned one.

    >>> rows = pd.Series(["A", "A", "B"], index=[2, 3, 4])
    >>> pick_latest(rows, None, None).winners.to_dict()
    {'A': 3, 'B': 4}
    """
    matched = unit_ids.dropna()
    # each unit as a number (in order of first appearance): sorting and grouping numbers, not texts
    codes, units = pd.factorize(matched.to_numpy(dtype=object))
    frame = pd.DataFrame({"unit": codes, "row": matched.index}, index=matched.index)
    if submitted_at is not None:
        stamp = _as_seconds(submitted_at.reindex(matched.index))
        dated = submitted_at.reindex(matched.index).notna()
        all_dated = dated.groupby(frame["unit"]).transform("all")
        frame["stamp"] = stamp.where(all_dated, _NEVER)
    else:
        frame["stamp"] = _NEVER
    frame["seen"] = _as_seconds(first_seen.reindex(matched.index)) if first_seen is not None else _NEVER
    order = seen_order.reindex(matched.index).astype(float) if seen_order is not None else None
    frame["order"] = order.fillna(_NEVER) if order is not None else _NEVER
    frame["pin"] = pinned.reindex(matched.index, fill_value=False).astype(bool) if pinned is not None else False
    ordered = frame.sort_values(["unit", "pin", "stamp", "seen", "order", "row"], kind="mergesort")
    last = ~ordered["unit"].duplicated(keep="last")
    named = np.asarray(units, dtype=object)
    winners = pd.Series(ordered["row"][last].to_numpy(), index=pd.Index(named[ordered["unit"][last].to_numpy()],
                                                                        dtype=object, name="unit"), name="row")
    return Resolution(winners=winners.astype(int), superseded=_losers(ordered[~last], named))


def _losers(losers: pd.DataFrame, named: np.ndarray) -> dict[str, tuple[int, ...]]:
    """unit → its superseded rows, ascending. ``losers`` comes sorted by unit (its number; ``named`` gives
    the unit of each): each unit's rows are one run, cut where the unit changes (no per-unit groupby, no
    per-row dict)."""
    units = losers["unit"].to_numpy()
    starts = np.flatnonzero(np.append(True, units[1:] != units[:-1])) if len(units) else np.array([], dtype=int)
    cuts = [*starts.tolist(), len(units)]
    rows = [int(row) for row in losers["row"].tolist()]
    names = [str(name) for name in named[units[starts]].tolist()]  # each run's unit, looked up at once
    return {name: tuple(sorted(rows[start:end])) for name, (start, end) in zip(names, pairwise(cuts), strict=True)}
