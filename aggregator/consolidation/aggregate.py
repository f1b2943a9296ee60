"""Winning rows + roster → the Consolidation every output is derived from. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aggregator.campaign import Campaign
from aggregator.cells.frame import (
    BLANK,
    CONFIRMED,
    DATE_ONLY,
    FIRST_SEEN,
    IGNORED,
    MATCH,
    NOTES,
    PROBLEMS,
    SUBMITTED,
    TYPED_NAME,
    weight_column,
)
from aggregator.consolidation.metrics import over_units
from aggregator.consolidation.resolve import Resolution
from aggregator.consolidation.review import numeric_headers, review_items
from aggregator.models import (
    ColumnType,
    Confirmed,
    Consolidation,
    DecisionOutcome,
    GroupSummary,
    MatchKind,
    MetricValue,
    Problem,
    ReviewItem,
    RosterUnit,
    SourceInfo,
    Totals,
    UnitOutcome,
    UnitStatus,
    UnmatchedRow,
)
from aggregator.sheet.headers import HeaderMap


@dataclass(frozen=True)
class Inputs:
    """What the pipeline has gathered for one cycle."""

    campaign: Campaign
    roster: Sequence[RosterUnit]
    table: pd.DataFrame  # cells.frame.Frame.table plus the MATCH column of MatchOutcome
    header_map: HeaderMap
    resolution: Resolution
    source: SourceInfo
    now: dt.datetime
    decisions: tuple[DecisionOutcome, ...] = ()  # the office's decisions, judged (decisions/judge.py)
    asked: tuple[str, ...] = ()  # item ids already on the decisions tab
    rows_of: Mapping[str, tuple[int, ...]] | None = None  # fingerprint → rows (decisions/rows.py)


def is_late(submitted: pd.Timestamp | None, date_only: bool, deadline: dt.datetime) -> bool:
    """A date without a time counts as that whole day (on time if the deadline is later that day)."""
    if submitted is None or pd.isna(submitted):
        return False
    moment = submitted.to_pydatetime().astimezone(deadline.tzinfo)
    if date_only:
        return moment.date() > deadline.date()
    return moment > deadline


def _problems(row: int, raw: tuple[tuple[str, str, str], ...], headers: dict[str, str]) -> tuple[Problem, ...]:
    return tuple(Problem(row, headers.get(key, key), value, message) for key, value, message in raw)


def _value(cell: object) -> MetricValue:
    if cell is None or pd.isna(cell):  # type: ignore[call-overload]
        return None
    number = float(cell)  # type: ignore[arg-type]
    return int(number) if number.is_integer() and not isinstance(cell, float) else number


def _records(table: pd.DataFrame, rows: Sequence[int], columns: Iterable[str]) -> dict[int, dict[str, object]]:
    """Those rows' cells as plain dicts: one table lookup for all of them, not one ``.loc`` per unit."""
    wanted = [c for c in dict.fromkeys(columns) if c in table.columns]
    picked = table.loc[list(rows), wanted]
    columns = [picked[c].to_numpy(dtype=object, na_value=None).tolist() for c in wanted]
    by_row = zip(*columns, strict=True)
    return {int(row): dict(zip(wanted, cells, strict=True)) for row, cells in zip(rows, by_row, strict=True)}


def _winning_records(inputs: Inputs) -> dict[str, tuple[int, dict[str, object]]]:
    """unit_id → (winning row, its cells)."""
    keys = [c.key for c in inputs.campaign.columns]
    weights = [weight_column(c.key) for c in inputs.campaign.metric_columns]
    own = [SUBMITTED, DATE_ONLY, PROBLEMS, NOTES, FIRST_SEEN] + ([CONFIRMED] if CONFIRMED in inputs.table else [])
    winners = {str(unit): int(row) for unit, row in inputs.resolution.winners.items()}
    records = _records(inputs.table, list(winners.values()), [*keys, *own, *weights])
    return {unit: (row, records[row]) for unit, row in winners.items()}


def _missing_outcome(unit: RosterUnit, superseded: tuple[int, ...], keys: Sequence[str]) -> UnitOutcome:
    return UnitOutcome(unit.unit_id, unit.name, unit.group, UnitStatus.MISSING, None, superseded, None,
                       dict.fromkeys(keys), {}, ())


@dataclass(frozen=True)
class _Keys:
    """The campaign's metric and text keys, worked out once per cycle rather than once per unit."""

    metrics: tuple[str, ...]
    texts: tuple[str, ...]

    @classmethod
    def of(cls, campaign: Campaign) -> _Keys:
        return cls(tuple(c.key for c in campaign.metric_columns),
                   tuple(c.key for c in campaign.columns if c.type is ColumnType.TEXT))


def _unit_outcome(unit: RosterUnit, inputs: Inputs, winning: dict[str, tuple[int, dict[str, Any]]],
                  keyed: _Keys) -> UnitOutcome:
    superseded = inputs.resolution.superseded.get(unit.unit_id, ())
    keys = keyed.metrics
    if unit.unit_id not in winning:
        return _missing_outcome(unit, superseded, keys)
    row, record = winning[unit.unit_id]
    submitted = record.get(SUBMITTED)
    late = is_late(submitted, bool(record.get(DATE_ONLY, False)), inputs.campaign.deadline)
    return UnitOutcome(
        unit_id=unit.unit_id,
        name=unit.name,
        group=unit.group,
        status=UnitStatus.LATE if late else UnitStatus.REPORTED,
        row=row,
        superseded_rows=superseded,
        submitted_at=submitted.to_pydatetime() if submitted is not None else None,
        metrics={k: _value(record.get(k)) for k in keys},
        texts={k: record[k] for k in keyed.texts if isinstance(record.get(k), str)},
        problems=_problems(row, record[PROBLEMS], inputs.header_map.headers),
        notes=tuple(record[NOTES]),
        weights={k: int(record[weight_column(k)]) for k in keys if record.get(weight_column(k)) is not None},
        first_seen=_first_seen(record.get(FIRST_SEEN)),
        confirmed=tuple(Confirmed(row, inputs.header_map.headers.get(key, key), key, typed, value)
                        for key, typed, value in record.get(CONFIRMED) or ()),
    )


def _first_seen(moment: object) -> dt.datetime | None:
    """When the history first saw the winning row's content (None without a history)."""
    return None if moment is None or pd.isna(moment) else pd.Timestamp(moment).to_pydatetime()  # type: ignore[arg-type]


def _unmatched(inputs: Inputs) -> tuple[UnmatchedRow, ...]:
    table = inputs.table[~inputs.table[BLANK]]
    if IGNORED in table:  # settled by the office as no unit of the roster
        table = table[~table[IGNORED]]
    unresolved = table[MATCH].map(lambda m: m.kind is not MatchKind.MATCHED).astype(bool)
    picked = table.loc[unresolved, [MATCH, TYPED_NAME, PROBLEMS]]
    headers = inputs.header_map.headers
    return tuple(
        UnmatchedRow(row=int(row), typed_name=typed if isinstance(typed, str) else "", kind=match.kind,
                     candidates=match.candidates, problems=_problems(int(row), problems, headers))
        for row, match, typed, problems in zip(picked.index, picked[MATCH], picked[TYPED_NAME], picked[PROBLEMS],
                                               strict=True)
    )


def _group(code: str, label: str, units: Sequence[UnitOutcome], kinds: dict[str, ColumnType],
           missing: Iterable[str]) -> GroupSummary:
    reported = [u for u in units if u.status is not UnitStatus.MISSING]
    late = [u for u in units if u.status is UnitStatus.LATE]
    figures, stats = over_units(units, kinds, missing)
    return GroupSummary(code, label, len(units), len(reported), len(late), len(units) - len(reported),
                        figures, stats)


def consolidate(inputs: Inputs) -> Consolidation:
    """Build the cycle's result: one outcome per roster unit (roster order), groups, totals."""
    campaign = inputs.campaign
    winning, keyed = _winning_records(inputs), _Keys.of(campaign)
    units = tuple(_unit_outcome(u, inputs, winning, keyed) for u in inputs.roster)
    kinds = {c.key: c.type for c in campaign.metric_columns}
    missing = [k for k in inputs.header_map.missing if k in kinds]
    labels = campaign.group_labels
    order = [g.code for g in campaign.groups] + sorted({u.group for u in units} - set(labels))
    members: dict[str, list[UnitOutcome]] = {code: [] for code in order}
    for unit in units:
        members[unit.group].append(unit)
    groups = tuple(_group(code, labels.get(code, code), members[code], kinds, missing) for code in order)
    unmatched = _unmatched(inputs)
    reported = sum(g.reported for g in groups)
    totals = Totals(
        units_expected=len(units),
        units_reported=reported,
        units_late=sum(g.late for g in groups),
        units_missing=len(units) - reported,
        units_with_problems=sum(1 for u in units if u.problems),
        rows_unmatched=len(unmatched),
        rows_superseded=sum(len(v) for v in inputs.resolution.superseded.values()),
        rows_blank=int(inputs.table[BLANK].sum()),
        rows_ignored=int((inputs.table[IGNORED] & ~inputs.table[BLANK]).sum()) if IGNORED in inputs.table else 0,
    )
    figures, stats = over_units(units, kinds, missing)
    letters = {inputs.header_map.headers[k]: inputs.header_map.letter(k) for k in inputs.header_map.positions}
    headers = {c.key: c.header for c in campaign.columns}
    return Consolidation(
        campaign_id=campaign.id,
        campaign_title=campaign.title,
        deadline=campaign.deadline,
        generated_at=inputs.now,
        source=inputs.source,
        totals=totals,
        metrics=figures,
        groups=groups,
        units=units,
        unmatched_rows=unmatched,
        superseded=tuple(sorted(r for v in inputs.resolution.superseded.values() for r in v)),
        column_letters=letters,
        metric_stats=stats,
        missing_columns={headers[k]: near for k, near in inputs.header_map.missing.items()},
        decisions=inputs.decisions,
        review_items=_items(inputs, units, unmatched),
    )


def _items(inputs: Inputs, units: Sequence[UnitOutcome], unmatched: Sequence[UnmatchedRow]) -> tuple[ReviewItem, ...]:
    """The questions for the office (only when the cycle keeps decisions: ``rows_of`` given)."""
    if inputs.rows_of is None:
        return ()
    asked = (*inputs.asked, *(o.item for o in inputs.decisions))
    numeric = numeric_headers(inputs.campaign.columns, inputs.header_map.headers)
    return review_items(inputs.table, units, unmatched, inputs.rows_of, numeric, asked)
