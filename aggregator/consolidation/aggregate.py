"""Winning rows + roster → the Consolidation every output is derived from. Pure."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from aggregator.campaign import Campaign, ColumnSettings
from aggregator.cells.frame import (
    BLANK,
    CONFIRMED,
    COVERAGE,
    DATE_ONLY,
    FIRST_SEEN,
    IGNORED,
    MATCH,
    NAME_ONLY,
    NOTES,
    PROBLEMS,
    SUBMITTED,
    TOTAL_ROW,
    TYPED_NAME,
    range_column,
    weight_column,
)
from aggregator.cells.money import scale_named
from aggregator.consolidation.metrics import over_units
from aggregator.consolidation.resolve import Resolution
from aggregator.consolidation.review import numeric_headers, review_items
from aggregator.models import (
    NUMERIC_TYPES,
    ColumnRole,
    ColumnType,
    Confirmed,
    Consolidation,
    DecisionOutcome,
    GroupSummary,
    MatchKind,
    MetricValue,
    Problem,
    RosterUnit,
    SourceInfo,
    Totals,
    UnitOutcome,
    UnitStatus,
    UnmatchedRow,
)
from aggregator.questions import Questions
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


def is_late(submitted: dt.datetime | None, date_only: bool, deadline: dt.datetime) -> bool:
    """A date without a time counts as that whole day (on time if the deadline is later that day)."""
    if submitted is None or pd.isna(submitted):
        return False
    moment = submitted.astimezone(deadline.tzinfo)
    if date_only:
        return moment.date() > deadline.date()
    return moment > deadline


def _problems(row: int, raw: tuple[tuple[str, str, str], ...], headers: dict[str, str]) -> tuple[Problem, ...]:
    if not raw:  # most rows
        return ()
    return tuple(Problem(row, headers.get(key, key), value, message) for key, value, message in raw)


def _plain(cells: pd.Series) -> list[Any]:
    """The cells as plain Python objects, None where empty."""
    # pandas takes na_value=None (and it is what is meant here); pandas-stubs leave None out of na_value
    plain: list[Any] = cells.to_numpy(dtype=object, na_value=None).tolist()  # type: ignore[call-overload]
    return plain


def _value(cell: object) -> MetricValue:
    if cell is None or pd.isna(cell):  # type: ignore[call-overload]  # pandas-stubs: pd.isna takes no object
        return None
    number = float(cell)  # type: ignore[arg-type]  # a number once not NA (a metric column's cell)
    return int(number) if number.is_integer() and not isinstance(cell, float) else number


def _metric_values(cells: pd.Series) -> list[MetricValue]:
    """A metric column's cells as ``_value`` reads them; an Int64 column (count, money) already holds them."""
    plain = _plain(cells)
    return plain if isinstance(cells.dtype, pd.Int64Dtype) else [_value(cell) for cell in plain]


def _texts_only(cells: pd.Series) -> list[str | None]:
    """A text column's cells, None where there is no text."""
    return [cell if isinstance(cell, str) else None for cell in _plain(cells)]


def _moments(cells: pd.Series) -> list[dt.datetime | None]:
    """Moments as datetimes (None when unknown), each distinct moment converted once."""
    codes, distinct = pd.factorize(cells)
    plain = [m.to_pydatetime() if isinstance(m, pd.Timestamp) else m for m in distinct]
    return [plain[code] if code >= 0 else None for code in codes.tolist()]


@dataclass(frozen=True)
class _Keys:
    """The campaign's metric and text keys, worked out once per cycle rather than once per unit."""

    metrics: tuple[str, ...]
    texts: tuple[str, ...]

    @classmethod
    def of(cls, campaign: Campaign) -> _Keys:
        return cls(tuple(c.key for c in campaign.metric_columns),
                   tuple(c.key for c in campaign.columns if c.type is ColumnType.TEXT))


class _Winning:
    """Each roster unit's winning row (None: missing) and that row's cells, one list per column in roster
    order: one table lookup for every unit, and the cells converted column by column."""

    def __init__(self, inputs: Inputs) -> None:
        winners = inputs.resolution.winners
        found = dict(zip(map(str, winners.index), winners.tolist(), strict=True))
        self.rows: list[int | None] = [found.get(unit.unit_id) for unit in inputs.roster]
        self._at = [i for i, row in enumerate(self.rows) if row is not None]
        self._picked = inputs.table.loc[[self.rows[i] for i in self._at]]

    def has(self, name: str) -> bool:
        return name in self._picked.columns

    def column(self, name: str, read: Callable[[pd.Series], list[Any]] | None = None) -> list[Any]:
        """Column ``name`` of the winning rows in roster order (None for a missing unit or column);
        ``read`` converts its cells (default: as plain objects, None when empty)."""
        out: list[Any] = [None] * len(self.rows)
        if self.has(name):
            cells = self._picked[name]
            read_cells = read(cells) if read else _plain(cells)
            for i, cell in zip(self._at, read_cells, strict=True):
                out[i] = cell
        return out

    def dicts(self, keys: Sequence[str], columns: Sequence[list[Any]], *, drop_none: bool = False
              ) -> list[dict[str, Any]]:
        """One dict per roster unit: ``keys`` → its cell of the matching column (``drop_none``: but None)."""
        if not keys:
            return [{} for _ in self.rows]
        if not drop_none:
            return [dict(zip(keys, cells, strict=True)) for cells in zip(*columns, strict=True)]
        return [{k: cell for k, cell in zip(keys, cells, strict=True) if cell is not None}
                for cells in zip(*columns, strict=True)]


def _outcomes(inputs: Inputs, keyed: _Keys) -> tuple[UnitOutcome, ...]:
    """One outcome per roster unit, in roster order, its parts built column by column."""
    won = _Winning(inputs)
    submitted = won.column(SUBMITTED, _moments)
    deadline = inputs.campaign.deadline
    late_at = functools.cache(lambda moment, date_only: is_late(moment, date_only, deadline))  # few moments
    late = [late_at(moment, bool(date_only)) for moment, date_only in
            zip(submitted, won.column(DATE_ONLY), strict=True)]
    metrics = won.dicts(keyed.metrics, [won.column(k, _metric_values) for k in keyed.metrics])
    texts = won.dicts(keyed.texts, [won.column(k, _texts_only) for k in keyed.texts], drop_none=True)
    weighed = [k for k in keyed.metrics if won.has(weight_column(k))]
    weights = won.dicts(weighed, [[None if w is None else int(w) for w in won.column(weight_column(k))]
                                  for k in weighed], drop_none=True)
    ranged = [k for k in keyed.metrics if won.has(range_column(k))]
    ranges = won.dicts(ranged, [won.column(range_column(k)) for k in ranged], drop_none=True)
    parts = zip(inputs.roster, won.rows, submitted, late, metrics, texts, won.column(PROBLEMS),
                won.column(NOTES), weights, won.column(FIRST_SEEN, _moments), won.column(CONFIRMED), ranges,
                won.column(COVERAGE), strict=True)
    return tuple(_outcome(unit_parts, inputs, keyed.metrics) for unit_parts in parts)


def _outcome(parts: tuple[Any, ...], inputs: Inputs, metric_keys: Sequence[str]) -> UnitOutcome:
    unit, row, submitted, late, metrics, texts, problems, notes, weights, first_seen, confirmed, ranges, covers = parts
    superseded = inputs.resolution.superseded.get(unit.unit_id, ())
    if row is None:
        return _missing_outcome(unit, superseded, metric_keys)
    return UnitOutcome(
        unit_id=unit.unit_id,
        name=unit.name,
        group=unit.group,
        status=UnitStatus.LATE if late else UnitStatus.REPORTED,
        row=row,
        superseded_rows=superseded,
        submitted_at=submitted,
        metrics=metrics,
        texts=texts,
        problems=_problems(row, problems, inputs.header_map.headers),
        notes=tuple(notes),
        weights=weights,
        ranges=ranges,
        first_seen=first_seen,
        confirmed=tuple(Confirmed(row, inputs.header_map.headers.get(key, key), key, typed, value)
                        for key, typed, value in confirmed) if confirmed else (),
        coverage=covers,
    )


def _missing_outcome(unit: RosterUnit, superseded: tuple[int, ...], keys: Sequence[str]) -> UnitOutcome:
    return UnitOutcome(unit.unit_id, unit.name, unit.group, UnitStatus.MISSING, None, superseded, None,
                       dict.fromkeys(keys), {}, ())


def _unmatched(inputs: Inputs) -> tuple[UnmatchedRow, ...]:
    table = inputs.table[~inputs.table[BLANK]]
    if IGNORED in table:  # settled by the office as no unit of the roster
        table = table[~table[IGNORED]]
    matched = MatchKind.MATCHED  # looked up once: an enum member's lookup costs more than the comparison
    unresolved = [m.kind is not matched for m in table[MATCH].tolist()]
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
    missing, late_ = UnitStatus.MISSING, UnitStatus.LATE  # looked up once, not per unit
    reported = [u for u in units if u.status is not missing]
    late = [u for u in units if u.status is late_]
    figures, stats = over_units(units, kinds, missing)
    return GroupSummary(code, label, len(units), len(reported), len(late), len(units) - len(reported),
                        figures, stats)


def _groups(campaign: Campaign, units: Sequence[UnitOutcome], kinds: dict[str, ColumnType],
            missing: Sequence[str]) -> tuple[GroupSummary, ...]:
    """One summary per group, in the campaign's order (a roster group it lacks last, by code)."""
    labels = campaign.group_labels
    order = [g.code for g in campaign.groups] + sorted({u.group for u in units} - set(labels))
    members: dict[str, list[UnitOutcome]] = {code: [] for code in order}
    for unit in units:
        members[unit.group].append(unit)
    return tuple(_group(code, labels.get(code, code), members[code], kinds, missing) for code in order)


def _totals(inputs: Inputs, units: Sequence[UnitOutcome], groups: Sequence[GroupSummary],
            unmatched: Sequence[UnmatchedRow]) -> Totals:
    reported = sum(g.reported for g in groups)
    table = inputs.table
    return Totals(
        units_expected=len(units),
        units_reported=reported,
        units_late=sum(g.late for g in groups),
        units_missing=len(units) - reported,
        units_with_problems=sum(1 for u in units if u.problems),
        rows_unmatched=len(unmatched),
        rows_superseded=sum(len(v) for v in inputs.resolution.superseded.values()),
        rows_blank=int((table[BLANK] & ~table[NAME_ONLY] & ~table[TOTAL_ROW]).sum()),
        rows_name_only=int(table[NAME_ONLY].sum()),
        rows_total=int(table[TOTAL_ROW].sum()),
        rows_ignored=int((table[IGNORED] & ~table[BLANK]).sum()) if IGNORED in table else 0,
    )


def consolidate(inputs: Inputs) -> Consolidation:
    """Build the cycle's result: one outcome per roster unit (roster order), groups, totals."""
    campaign = inputs.campaign
    units = _outcomes(inputs, _Keys.of(campaign))
    kinds = {c.key: c.type for c in campaign.metric_columns}
    missing = [k for k in inputs.header_map.missing if k in kinds]
    groups = _groups(campaign, units, kinds, missing)
    unmatched = _unmatched(inputs)
    totals = _totals(inputs, units, groups, unmatched)
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
        name_letter=_name_letter(campaign, inputs.header_map),
        metric_stats=stats,
        missing_columns={headers[k]: near for k, near in inputs.header_map.missing.items()},
        missing_kinds={headers[c.key]: _carried(c) for c in campaign.columns if c.key in inputs.header_map.missing},
        scaled_money=_scaled_money(campaign, inputs.header_map),
        places_unchecked=_places_unchecked(inputs, unmatched),
        decisions=inputs.decisions,
        review_items=_items(inputs, units, unmatched),
    )


def _name_letter(campaign: Campaign, header_map: HeaderMap) -> str:
    column = campaign.role_column(ColumnRole.UNIT_NAME)
    return header_map.letter(column.key) if column is not None and column.key in header_map.positions else "A"


def _scaled_money(campaign: Campaign, header_map: HeaderMap) -> dict[str, str]:
    """Money columns (read in đồng) whose header, as the sheet has it, counts in a larger unit."""
    headers = [header_map.headers[c.key] for c in campaign.columns
               if c.type is ColumnType.MONEY and c.key in header_map.positions]
    return {header: scale for header in headers if (scale := scale_named(header))}


def _places_unchecked(inputs: Inputs, unmatched: Sequence[UnmatchedRow]) -> int:
    """Rows left unmatched for the place typed with the name when nothing says where units lie: the roster has
    no `locality` and the campaign no `area` (names/localities.py)."""
    if inputs.campaign.area.strip() or any(unit.locality.strip() for unit in inputs.roster):
        return 0
    return sum(row.kind is MatchKind.LOCALITY_CONFLICT for row in unmatched)


def _carried(column: ColumnSettings) -> str:
    """What a column carries, for the warning when its header is missing."""
    if column.type in NUMERIC_TYPES:
        return "metric"
    return column.role.value if column.role is not None else column.type.value


def _items(inputs: Inputs, units: Sequence[UnitOutcome], unmatched: Sequence[UnmatchedRow]) -> Questions:
    """The questions for the office (only when the cycle keeps decisions: ``rows_of`` given)."""
    if inputs.rows_of is None:
        return Questions()
    asked = (*inputs.asked, *(o.item for o in inputs.decisions))
    numeric = numeric_headers(inputs.campaign.columns, inputs.header_map.headers)
    return review_items(inputs.table, units, unmatched, inputs.rows_of, numeric, asked)
