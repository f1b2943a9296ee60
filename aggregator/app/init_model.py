"""What ``aggregator init`` works with: the tab as read, the user's choices, the proposal and the draft. Pure."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from aggregator.errors import AggregatorError
from aggregator.models import CellValue, ColumnRole, ColumnType, RawTab, RosterUnit, SourceKind
from aggregator.sheet.headers import fold_header
from aggregator.sheet.layout import header_cells

DEFAULT_TZ = "Asia/Ho_Chi_Minh"


class NoUnitNameError(AggregatorError):
    """No column looks like the agencies' name column (the one required column)."""

    exit_code = 5  # as SchemaError: a required column is not in the header row

    def __init__(self, tab: str, header_row: int, headers: Sequence[str]) -> None:
        listing = ", ".join(repr(h) for h in headers if h)
        what = (f"No column of tab {tab!r} (header row {header_row}) looks like the unit name; its headers are "
                f"{listing}." if listing else f"Row {header_row} of tab {tab!r} is empty: it has no headers.")
        super().__init__(what, (
            "Pass --unit-column with the header (or column letter) where agencies type their name, or --roster "
            "so that init finds the column whose names match it (e.g. “Tên cơ quan, đơn vị”); pass --header-row N "
            "if the headers are in another row, or --tab if this is not the agencies' tab; then run init again."))


@dataclass(frozen=True)
class ProposedColumn:
    header: str  # as typed in the sheet (NFC, stripped)
    key: str
    type: ColumnType
    role: ColumnRole | None = None
    required: bool = False
    label: str = ""
    aliases: tuple[str, ...] = ()
    sentence: str = ""
    why_type: str = ""  # why this type ("" = known from a bundled campaign file)
    why_role: str = ""  # why this role
    known: bool = False  # a bundled campaign file maps this header
    label_todo: bool = False  # the label was derived from the header: a person should read it

    def reasons(self, short: bool = False) -> list[str]:
        """The comment lines above the column in the file (``short``: only what was guessed)."""
        out = [f"role {self.role.value}: {self.why_role}"] if self.role is not None and self.why_role else []
        if self.why_type:
            out.append(f"type {self.type.value}: {self.why_type}")
        elif self.known and not short:
            role = f", role {self.role.value}" if self.role is not None and not self.why_role else ""
            out.append(f"known: a bundled campaign file maps this header (type {self.type.value}{role})")
        return out


@dataclass(frozen=True)
class Proposal:
    tab: str
    header_row: int
    columns: tuple[ProposedColumn, ...]
    skipped: tuple[str, ...] = ()  # headers that cannot be mapped (repeated, or no letters/digits)
    header_row_why: str = ""  # how the header row was found ("" when given)


@dataclass(frozen=True)
class Choices:
    """What the user decided on the command line; everything else is proposed."""

    header_row: int | None = None  # None: find it
    unit_column: str | None = None  # header text, column letter or 1-based number
    time_column: str | None = None
    roster: Sequence[RosterUnit] = ()


@dataclass(frozen=True)
class CampaignDraft:
    """Everything the YAML needs; paths are already written as the file should hold them."""

    id: str
    title: str | None  # None → a TODO placeholder
    deadline: dt.datetime | None  # None → a TODO placeholder one week after ``now``
    now: dt.datetime
    kind: SourceKind
    location: str  # xlsx path or spreadsheet URL/id
    proposal: Proposal
    template: str
    roster: str | None = None  # None → a TODO placeholder path
    groups: tuple[str, ...] = ()
    origin: str = ""  # what the proposal was read from, for the file's first comment
    timezone: str = DEFAULT_TZ


@dataclass(frozen=True)
class Sheet:
    """The tab as ``propose`` reads it: header texts and, per header, its cells below."""

    texts: tuple[str, ...]
    folds: tuple[str, ...]
    cells: tuple[tuple[CellValue, ...], ...]
    percent: tuple[tuple[bool, ...], ...]


def read_sheet(tab: RawTab, header_row: int) -> Sheet:
    rows = tab.rows
    header = header_cells(rows, header_row)
    texts = tuple(_nfc(str(cell)).strip() if cell is not None else "" for cell in header)
    data = rows[header_row:]
    cells = tuple(tuple(row[i] if i < len(row) else None for row in data) for i in range(len(texts)))
    percent = tuple(tuple((r, i) in tab.percent_cells for r in range(header_row, len(rows)))
                    for i in range(len(texts)))
    return Sheet(texts, tuple(fold_header(t) for t in texts), cells, percent)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
