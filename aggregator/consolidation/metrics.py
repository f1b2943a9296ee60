"""How a metric's values over several units become one figure. Pure.

Counts, money and decimals are summed; a percent is the mean over the units that gave one (each weighted
by how many units stand behind it: 1 for a sheet row, a child's ``n`` in a roll-up), with its lowest and
highest value, and is never summed. Unknown values (None) are left out; when no unit gave a value the
figure is None, never 0 (CONTRACT §5). A roll-up's figure is only as complete as its children's: a child's
``coverage`` says how many of its own units its figures stand for (``partial_coverage``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from aggregator.models import ColumnType, MetricStats, MetricValue, UnitOutcome, UnitStatus

DECIMALS = 6  # floats in status.json: enough for any figure, without 0.1 + 0.2 noise


def combine(values: Iterable[tuple[MetricValue, int]], kind: ColumnType) -> tuple[MetricValue, MetricStats | None]:
    """(figure, stats) from (value, weight) pairs: ``combine([(2, 1), (None, 1), (3, 1)], COUNT)`` → (5, None)."""
    if kind is ColumnType.PERCENT:
        return _mean([(value, weight) for value, weight in values if value is not None])
    return _total([value for value, _ in values if value is not None], kind), None


def _total(known: Sequence[float | int], kind: ColumnType) -> MetricValue:
    """The sum of the known values (in their order), None when there are none."""
    if not known:
        return None
    total = sum(known)
    return round(total, DECIMALS) if kind is ColumnType.DECIMAL else int(total)


def _mean(known: Sequence[tuple[float | int, int]],
          extremes: Sequence[tuple[float, float]] | None = None) -> tuple[MetricValue, MetricStats]:
    """The weighted mean; its lowest and highest from ``extremes`` (per value: the lowest and highest behind
    it, a roll-up child's own min and max) or else from the values themselves."""
    weight = sum(w for _, w in known)
    if not known or weight <= 0:
        return None, MetricStats(0, None, None)
    mean = sum(float(v) * w for v, w in known) / weight
    spans = extremes if extremes is not None else [(float(v), float(v)) for v, _ in known]
    low, high = min(float(lo) for lo, _ in spans), max(float(hi) for _, hi in spans)
    return round(mean, DECIMALS), MetricStats(weight, round(low, DECIMALS), round(high, DECIMALS))


def over_units(units: Sequence[UnitOutcome], kinds: Mapping[str, ColumnType],
               missing: Iterable[str] = ()) -> tuple[dict[str, MetricValue], dict[str, MetricStats]]:
    """Figures (and percent stats) over the winning rows of ``units``; a missing column's figure is None."""
    absent = set(missing)
    reported = [u for u in units if u.row]
    metrics = [u.metrics for u in reported]
    figures: dict[str, MetricValue] = {}
    stats: dict[str, MetricStats] = {}
    for key, kind in kinds.items():
        if kind is ColumnType.PERCENT:  # only a percent is weighted (a roll-up's child mean)
            figures[key], stats[key] = (None, MetricStats(0, None, None)) if key in absent else _percent(reported, key)
        else:
            known = [] if key in absent else [value for m in metrics if (value := m.get(key)) is not None]
            figures[key] = _total(known, kind)
    return figures, stats


def _percent(reported: Sequence[UnitOutcome], key: str) -> tuple[MetricValue, MetricStats]:
    """A percent over units: each value weighed by the units behind it, its extremes theirs (roll-up)."""
    given = [(value, u) for u in reported if (value := u.metrics.get(key)) is not None]
    pairs = [(value, u.weights.get(key, 1)) for value, u in given]
    extremes = [u.ranges.get(key) or (float(value), float(value)) for value, u in given]
    return _mean(pairs, extremes)


def merge_stats(parts: Sequence[MetricStats]) -> MetricStats:
    """Stats of several groups of units as one (for a roll-up or a total over groups)."""
    lows = [p.min for p in parts if p.min is not None]
    highs = [p.max for p in parts if p.max is not None]
    return MetricStats(sum(p.n for p in parts), min(lows, default=None), max(highs, default=None))


def partial_coverage(unit: UnitOutcome) -> tuple[int, int] | None:
    """A roll-up's child whose figures stand for only some of its own units: its (reported, expected); else None."""
    covered = unit.coverage
    return covered if covered is not None and covered[0] < covered[1] else None


class ChildrenCoverage(NamedTuple):
    reported: int  # the children's own units that reported
    expected: int  # and that they expect
    children: int  # how many children say so (a child whose totals are unsound says nothing)


def children_coverage(units: Iterable[UnitOutcome]) -> ChildrenCoverage | None:
    """A roll-up: how many of their own units the children that reported stand for, all together; None when
    no child says (not a roll-up, or no child reported yet)."""
    known = [u.coverage for u in units if u.coverage is not None and u.status is not UnitStatus.MISSING]
    return ChildrenCoverage(sum(c[0] for c in known), sum(c[1] for c in known), len(known)) if known else None
