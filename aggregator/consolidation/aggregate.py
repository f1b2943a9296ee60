"""Winning rows + roster → the Consolidation every output is derived from. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from aggregator.campaign import Campaign
from aggregator.cells.frame import BLANK, DATE_ONLY, MATCH, NOTES, PROBLEMS, SUBMITTED, TYPED_NAME, weight_column
from aggregator.consolidation.metrics import over_units
from aggregator.consolidation.resolve import Resolution
from aggregator.models import (
    ColumnType,
    Consolidation,
    GroupSummary,
    MatchKind,
    MatchOutcome,
    MetricValue,
    Problem,
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
    first_seen: pd.Series | None = None  # sheet row → when the worker first saw that row's content


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


def _texts(record: pd.Series, campaign: Campaign) -> dict[str, str]:
    return {c.key: record[c.key] for c in campaign.columns
            if c.type is ColumnType.TEXT and c.key in record and isinstance(record[c.key], str)}


def _weights(record: pd.Series, keys: Sequence[str]) -> dict[str, int]:
    return {k: int(record[weight_column(k)]) for k in keys if weight_column(k) in record}


def _missing_outcome(unit: RosterUnit, superseded: tuple[int, ...], keys: Sequence[str]) -> UnitOutcome:
    return UnitOutcome(unit.unit_id, unit.name, unit.group, UnitStatus.MISSING, None, superseded, None,
                       dict.fromkeys(keys), {}, ())


def _unit_outcome(unit: RosterUnit, inputs: Inputs) -> UnitOutcome:
    row = inputs.resolution.winners.get(unit.unit_id)
    superseded = inputs.resolution.superseded.get(unit.unit_id, ())
    keys = [c.key for c in inputs.campaign.metric_columns]
    if row is None:
        return _missing_outcome(unit, superseded, keys)
    record = inputs.table.loc[row]
    submitted = record.get(SUBMITTED)
    submitted = None if submitted is None or pd.isna(submitted) else submitted
    late = is_late(submitted, bool(record.get(DATE_ONLY, False)), inputs.campaign.deadline)
    return UnitOutcome(
        unit_id=unit.unit_id,
        name=unit.name,
        group=unit.group,
        status=UnitStatus.LATE if late else UnitStatus.REPORTED,
        row=int(row),
        superseded_rows=superseded,
        submitted_at=submitted.to_pydatetime() if submitted is not None else None,
        metrics={k: _value(record.get(k)) for k in keys},
        texts=_texts(record, inputs.campaign),
        problems=_problems(int(row), record[PROBLEMS], inputs.header_map.headers),
        notes=tuple(record[NOTES]),
        weights=_weights(record, keys),
        first_seen=_first_seen(inputs.first_seen, row),
    )


def _first_seen(seen: pd.Series | None, row: object) -> dt.datetime | None:
    moment = seen.get(row) if seen is not None else None
    return None if moment is None or pd.isna(moment) else pd.Timestamp(moment).to_pydatetime()


def _unmatched(inputs: Inputs) -> tuple[UnmatchedRow, ...]:
    table = inputs.table[~inputs.table[BLANK]]
    unresolved = table[MATCH].map(lambda m: m.kind is not MatchKind.MATCHED).astype(bool)
    out = []
    for row, record in table[unresolved].iterrows():
        match: MatchOutcome = record[MATCH]
        out.append(
            UnmatchedRow(
                row=int(row),  # type: ignore[call-overload]
                typed_name=record[TYPED_NAME] if isinstance(record[TYPED_NAME], str) else "",
                kind=match.kind,
                candidates=match.candidates,
                problems=_problems(int(row), record[PROBLEMS], inputs.header_map.headers),  # type: ignore[call-overload]
            )
        )
    return tuple(out)


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
    units = tuple(_unit_outcome(u, inputs) for u in inputs.roster)
    kinds = {c.key: c.type for c in campaign.metric_columns}
    missing = [k for k in inputs.header_map.missing if k in kinds]
    labels = campaign.group_labels
    order = [g.code for g in campaign.groups] + sorted({u.group for u in units} - set(labels))
    groups = tuple(_group(code, labels.get(code, code), [u for u in units if u.group == code], kinds, missing)
                   for code in order)
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
    )
