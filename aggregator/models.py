"""Plain data shared by the core and the adapters. Frozen, no I/O."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # it is built from the types below
    from aggregator.questions import Questions

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
    # 0-based column → per-row (lowest, highest) of the units behind a percent (a roll-up's child stats) or None
    ranges: Mapping[int, tuple[tuple[float, float] | None, ...]] = field(default_factory=dict)
    # per row, a roll-up child's own units: (reported, expected) by its status.json, or None; aligned with rows
    coverage: tuple[tuple[int, int] | None, ...] = ()
    merges: tuple[tuple[int, int, int, int], ...] = ()  # merged blocks: sheet/merges.py's Merge


@dataclass(frozen=True)
class Snapshot:
    """Everything one read of the source returned."""

    kind: SourceKind
    ref: str
    tab: RawTab
    all_titles: tuple[str, ...]
    timezone: str | None = None  # a Google spreadsheet's properties.timeZone (date-times are typed in it)
    locale: str | None = None  # a Google spreadsheet's properties.locale (en_US reads 08/11 as 11 August)
    decisions: RawTab | None = None  # the worker's own decisions tab, as read in the same request
    roster: RawTab | None = None  # the roster tab (campaign ``roster: {tab: …}``), as read in the same request


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
class Confirmed:
    """A cell the office settled: the value it confirmed counts, the agency's cell stays as typed."""

    row: int
    column: str  # the header text as the agency sees it
    key: str
    typed: str  # what the agency typed
    value: MetricValue  # what counts


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
    confirmed: tuple[Confirmed, ...] = ()  # cells of the winning row whose value the office confirmed
    # the lowest and highest values behind a percent value (a roll-up child's own min and max)
    ranges: dict[str, tuple[float, float]] = field(default_factory=dict)
    coverage: tuple[int, int] | None = None  # a roll-up child's own units: (reported, expected)


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
    rows_ignored: int = 0  # rows the office settled as not a unit of the roster
    rows_name_only: int = 0  # a name (and group) with nothing else: typed in advance, or a section heading
    rows_total: int = 0  # the sheet's own totals ("Tổng cộng", "Cộng khối …"): not reports


@dataclass(frozen=True)
class SourceInfo:
    kind: SourceKind
    ref: str
    tab: str
    rows_read: int
    sheet_id: int | None = None
    timezone: str | None = None  # the sheet's own zone, when it has one (Google)
    locale: str | None = None


def _no_questions() -> Questions:
    from aggregator.questions import Questions  # at call time: questions.py imports this module

    return Questions()


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
    name_letter: str = "A"  # the unit-name column's letter: where a link to a row points
    metric_stats: dict[str, MetricStats] = field(default_factory=dict)  # percent metrics only
    missing_columns: dict[str, str | None] = field(default_factory=dict)  # header not found -> closest unused one
    # header not found -> what it carried: "metric", a role ("difficulties", "contact" …) or "text"/"date"
    missing_kinds: dict[str, str] = field(default_factory=dict)
    scaled_money: dict[str, str] = field(default_factory=dict)  # money header -> the unit it names ("triệu đồng")
    places_unchecked: int = 0  # unmatched rows whose typed place nothing can confirm (no locality, no area)
    decisions: tuple[DecisionOutcome, ...] = ()  # what the office settled, as this cycle found it
    review_items: Questions = field(default_factory=_no_questions)  # what needs (or had) a decision


class DecisionKind(StrEnum):
    """What the office settled about a row (CONTRACT §5 ``decisions[].kind``)."""

    UNIT = "unit"  # the row is this unit's report
    NOT_A_UNIT = "not_a_unit"  # the row is no unit of the roster: ignored, counted in rows_ignored
    PIN_ROW = "pin_row"  # of a unit's several rows, this one counts
    VALUE = "value"  # this cell counts with the value the office confirmed


class DecisionState(StrEnum):
    APPLIED = "applied"  # the row it was made for is there, unchanged: it counts
    NEEDS_REVIEW = "needs_review"  # that row was edited or deleted: not applied until someone looks again
    INVALID = "invalid"  # it names no unit of the roster, or its value cannot be read: never applied


class DecisionOrigin(StrEnum):
    SHEET = "sheet"  # a cell of the worker's decisions tab
    COMMAND = "decide"  # ``aggregator decide`` (offline, stored in the history)


class ItemKind(StrEnum):
    """A line of the decisions tab: what kind of question it asks."""

    NAME = "N"  # an unmatched or ambiguous row: which unit (or none)?
    PIN = "P"  # one row of a unit with several rows: use this one?
    VALUE = "V"  # a problem cell: which value counts?


@dataclass(frozen=True)
class Decision:
    """One decision, tied to the content of the row it was made for (its fingerprint), never to a row number."""

    kind: DecisionKind
    fingerprint: str
    typed_name: str = ""
    unit_id: str | None = None  # UNIT (and PIN_ROW: the unit the row stood for when pinned)
    column: str | None = None  # VALUE: the column's key
    value: CellValue = None  # VALUE: as typed; UNIT: the choice as typed when it names no unit
    first_seen: datetime | None = None
    made_row: int | None = None  # the sheet row it was made for, when it was made
    origin: DecisionOrigin = DecisionOrigin.SHEET

    @property
    def item_kind(self) -> ItemKind:
        return {DecisionKind.PIN_ROW: ItemKind.PIN, DecisionKind.VALUE: ItemKind.VALUE}.get(self.kind, ItemKind.NAME)


@dataclass(frozen=True)
class DecisionOutcome:
    """A decision as this cycle found it: its state, the rows it applies to, a Vietnamese status line."""

    decision: Decision
    item: str  # the decisions-tab item it answers
    state: DecisionState
    rows: tuple[int, ...]  # the sheet rows holding that content now (empty when it is gone)
    note: str  # e.g. "Đã áp dụng: dòng 65 tính cho …"
    value: MetricValue = None  # VALUE: the confirmed value as read by the column's reader
    header: str = ""  # VALUE: the column's header
    where: int | None = None  # content gone: the row its edited version stands in now, when the history can tell


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
    INPUT = "input"  # a cell staff fill in (the decisions tab's answer column)


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


@dataclass(frozen=True)
class CellBlock:
    """A box of cells a worker tab writes, from 0-based (row, col)."""

    row: int
    col: int
    values: tuple[tuple[DashboardValue, ...], ...]


@dataclass(frozen=True)
class Dropdown:
    """The choices of the cells ``col`` × rows [start_row, end_row) (0-based): the entries of a range of the
    same tab (``source`` = (col, start_row, end_row)), or a short fixed list (``choices``)."""

    start_row: int
    end_row: int
    col: int
    source: tuple[int, int, int] | None = None
    choices: tuple[str, ...] = ()
    message: str = ""


@dataclass(frozen=True)
class WorkerTab:
    """A tab of the worker's own where staff answer in one column (the decisions tab). Pure description.

    ``blocks`` are every cell the worker writes, never a cell of ``editable_col`` below the header; ``shown``
    is the whole tab as an offline copy shows it (the answers filled in from the history).
    """

    title: str
    blocks: tuple[CellBlock, ...]
    shown: tuple[tuple[DashboardValue, ...], ...]
    editable_col: int
    rows: int  # grid rows the tab needs
    cols: int
    dropdowns: tuple[Dropdown, ...] = ()
    styles: tuple[StyledRange, ...] = ()
    links: tuple[CellLink, ...] = ()
    column_widths: tuple[int, ...] = ()
    hidden_cols: tuple[int, ...] = ()
    frozen_rows: int = 1
    unlisted: int = 0  # open questions not listed this time (the tab's caps)


@dataclass(frozen=True)
class FirstSeen:
    """For each row given to ``History.remember``, in order: when its content was first seen (``at``) and
    its place among everything ever seen (``seq``, ascending).

    Rows first seen in the same cycle are ordered by that cycle's row order, once and for all: a later
    cycle never re-derives it from where the rows happen to stand then.
    """

    at: list[datetime]
    seq: list[int]
