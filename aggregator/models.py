"""Plain data shared by the core and the adapters. Frozen, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

# What a source hands over for one cell: xlsx gives datetimes for date cells, the Sheets API
# (UNFORMATTED_VALUE + SERIAL_NUMBER) gives serial numbers; both give str/int/float/bool.
CellValue = str | int | float | bool | datetime | date | None
MetricValue = int | float | None  # None: unknown (no value, or the column is missing), never 0


class SourceKind(StrEnum):
    XLSX = "xlsx"
    GOOGLE_SHEETS = "google_sheets"
    STATUS_FILES = "status_files"  # roll-up: the status.json files of lower-level instances


class ColumnType(StrEnum):
    TEXT = "text"
    COUNT = "count"  # whole, summed
    MONEY = "money"  # đồng, whole, summed
    DECIMAL = "decimal"  # "," is the decimal mark, summed
    PERCENT = "percent"  # 0–100, averaged over the units that gave one (never summed)
    DATE = "date"
    IGNORED = "ignored"


NUMERIC_TYPES = frozenset({ColumnType.COUNT, ColumnType.MONEY, ColumnType.DECIMAL, ColumnType.PERCENT})


class ColumnRole(StrEnum):
    """What a column means to the cycle; behaviour hangs on roles and types, never on a key's spelling."""

    UNIT_NAME = "unit_name"  # where the agency types its name (required, one column)
    SUBMITTED_AT = "submitted_at"  # when the row was sent: drives lateness and resubmissions
    GROUP_HINT = "group_hint"  # the agency's own idea of its group (Khối): evidence only
    DIFFICULTIES = "difficulties"  # free text, summarised under "Tồn tại, hạn chế"
    PROPOSALS = "proposals"  # free text, summarised under "Đề xuất, kiến nghị"
    CONTACT = "contact"  # shown on the dashboard, never summed
    NOTE = "note"  # shown on the dashboard, never summed


class UnitStatus(StrEnum):
    REPORTED = "reported"
    LATE = "late"
    MISSING = "missing"


class MatchKind(StrEnum):
    MATCHED = "matched"
    AMBIGUOUS = "ambiguous"
    NO_MATCH = "no_match"
    NO_NAME = "no_name"
    LOCALITY_CONFLICT = "locality_conflict"  # the name fits a unit, but the typed place is another
    TYPE_CONFLICT = "type_conflict"  # the name fits a unit, but the typed kind of body is another


@dataclass(frozen=True)
class RawTab:
    """One tab as read: ``rows[0]`` is spreadsheet row 1. Rows may be ragged."""

    title: str
    rows: tuple[tuple[CellValue, ...], ...]
    sheet_id: int | None = None  # Google's gid, for links to cells
    # (0-based row, 0-based column) of cells formatted as a percentage: a typed "85%" arrives as 0.85
    percent_cells: frozenset[tuple[int, int]] = frozenset()
    # 0-based column → per-row count of units behind a percent (a roll-up's child means), aligned with rows
    weights: Mapping[int, tuple[int, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Snapshot:
    """Everything one read of the source returned."""

    kind: SourceKind
    ref: str
    tab: RawTab
    all_titles: tuple[str, ...]
    timezone: str | None = None  # a Google spreadsheet's properties.timeZone (date-times are typed in it)
    locale: str | None = None  # a Google spreadsheet's properties.locale (en_US reads 08/11 as 11 August)


@dataclass(frozen=True)
class RosterUnit:
    unit_id: str
    group: str
    name: str
    short_name: str = ""
    aliases: tuple[str, ...] = ()
    email: str = ""
    source: str = ""
    locality: str = ""  # the area the unit lies in, innermost first: "huyện Cầu Kè, tỉnh Trà Vinh"


@dataclass(frozen=True)
class Candidate:
    unit_id: str
    score: float  # 0..1


@dataclass(frozen=True)
class MatchOutcome:
    kind: MatchKind
    unit_id: str | None
    score: float
    candidates: tuple[Candidate, ...] = ()


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # the header text as the agency sees it
    value: str
    message: str  # Vietnamese


@dataclass(frozen=True)
class UnitOutcome:
    unit_id: str
    name: str
    group: str
    status: UnitStatus
    row: int | None
    superseded_rows: tuple[int, ...]
    submitted_at: datetime | None
    metrics: dict[str, MetricValue]
    texts: dict[str, str]
    problems: tuple[Problem, ...]
    notes: tuple[str, ...] = ()  # e.g. "khoảng 200" read as 200
    weights: dict[str, int] = field(default_factory=dict)  # units behind a percent value (roll-up), default 1
    first_seen: datetime | None = None  # when the worker first saw the winning row (None: no history)


@dataclass(frozen=True)
class UnmatchedRow:
    row: int
    typed_name: str
    kind: MatchKind
    candidates: tuple[Candidate, ...]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class MetricStats:
    """A percent metric over several units: how many gave a value, the lowest and the highest."""

    n: int
    min: float | None
    max: float | None


@dataclass(frozen=True)
class GroupSummary:
    group: str
    label: str
    expected: int
    reported: int
    late: int
    missing: int
    metrics: dict[str, MetricValue]
    metric_stats: dict[str, MetricStats] = field(default_factory=dict)  # percent metrics only


@dataclass(frozen=True)
class Totals:
    units_expected: int
    units_reported: int
    units_late: int
    units_missing: int
    units_with_problems: int
    rows_unmatched: int
    rows_superseded: int
    rows_blank: int


@dataclass(frozen=True)
class SourceInfo:
    kind: SourceKind
    ref: str
    tab: str
    rows_read: int
    sheet_id: int | None = None
    timezone: str | None = None  # the sheet's own zone, when it has one (Google)
    locale: str | None = None


@dataclass(frozen=True)
class Consolidation:
    """The one result every output (status.json, dashboard, report) is derived from."""

    campaign_id: str
    campaign_title: str
    deadline: datetime
    generated_at: datetime
    source: SourceInfo
    totals: Totals
    metrics: dict[str, MetricValue]
    groups: tuple[GroupSummary, ...]
    units: tuple[UnitOutcome, ...]
    unmatched_rows: tuple[UnmatchedRow, ...]
    superseded: tuple[int, ...] = ()
    column_letters: dict[str, str] = field(default_factory=dict)  # header text -> column letter
    metric_stats: dict[str, MetricStats] = field(default_factory=dict)  # percent metrics only
    missing_columns: dict[str, str | None] = field(default_factory=dict)  # header not found -> closest unused one


class CellStyle(StrEnum):
    TITLE = "title"
    SUBTITLE = "subtitle"
    SECTION = "section"
    HEADER = "header"
    REPORTED = "reported"
    LATE = "late"
    MISSING = "missing"
    PROBLEM = "problem"
    REVIEW = "review"
    TOTAL = "total"


@dataclass(frozen=True)
class StyledRange:
    """Rows/columns are 0-based, end-exclusive, like a Sheets GridRange."""

    start_row: int
    end_row: int
    start_col: int
    end_col: int
    style: CellStyle


@dataclass(frozen=True)
class CellLink:
    """A dashboard cell that links to a cell of the agency tab (text stays plain data)."""

    row: int  # 0-based position in the dashboard grid
    col: int
    target_tab: str
    target_a1: str  # e.g. "D17"


DashboardValue = str | int | float | None


@dataclass(frozen=True)
class DashboardLayout:
    """A pure description of the dashboard tab: adapters render it without deciding anything."""

    tab_title: str
    grid: tuple[tuple[DashboardValue, ...], ...]
    styles: tuple[StyledRange, ...]
    links: tuple[CellLink, ...]
    column_widths: tuple[int, ...]  # pixels
    frozen_rows: int
    as_of_cell: tuple[int, int]  # (row, col) of the "data as of" value
