"""One mapped column of the agencies' rows read by its type: values, problems, notes, which cells are empty. Pure.

A column is read on its own (cells/frame.py puts the columns together), so a large sheet's columns can be
read by different processes (aggregator/work.py); what a column's reading gives back is plain data.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import repeat

import numpy as np
import numpy.typing as npt
import pandas as pd

from aggregator.campaign import ColumnSettings
from aggregator.cells import read_numbers
from aggregator.cells.date_window import Zones, as_shown, swapped, swapped_message, year_within
from aggregator.cells.dates import names_its_month, read_dates
from aggregator.cells.fingerprint import TypedCells, piece
from aggregator.models import NUMERIC_TYPES, ColumnRole, ColumnType, RawTab
from aggregator.sheet.total_rows import total_labels
from aggregator.textnorm import ALREADY_CLEAN, clean_text

MAX_TEXT = 2000  # longer free text is cut for outputs; the history keeps the original
DATE_ONLY = "_date_only"  # the submitted_at column's cells that hold a date without a time
Findings = list[list[object | None] | None]  # per column: one finding or None per row (None: nothing at all)


@dataclass(frozen=True)
class ColumnReading:
    """What reading one column gives the frame."""

    values: dict[str, pd.Series]  # the frame's columns it fills: its key (and DATE_ONLY for submitted_at)
    problems: Findings
    notes: Findings
    empty: npt.NDArray[np.bool_]  # which rows' cells are empty once cleaned
    typed: TypedCells  # the cells as typed, for the rows' fingerprints (cells/fingerprint.py)
    totals: npt.NDArray[np.bool_] | None = field(default=None)  # the name column: rows labelled as a total


class Column:
    """One column's cells, cleaned, with each distinct text read once.

    ``codes`` gives every row its entry in ``cells``: the cleaned text of each distinct typed text
    (sheets repeat names, "khoảng 200" and "08/11/2024" far more often than they vary them), one
    empty cell, each distinct plain int, and every other cell on its own: 1, 1.0 and TRUE are equal
    in Python but not in a count column. ``clean_text`` runs once per distinct text, and not at all
    on text it would give back unchanged (``textnorm.ALREADY_CLEAN``). Readers answer once per entry; the
    answers are spread back over the rows by code.
    """

    def __init__(self, raw: pd.Series, *, merge: bool = True) -> None:
        """``merge=False``: every cell is an entry of its own, at its own row (``cells`` keeps the index)."""
        self.index = raw.index
        values = raw.to_numpy(dtype=object)
        # one hash pass: equal cells share a code, an empty cell (None, NaN) gets -1
        codes, found = pd.factorize(values)
        found = np.asarray(found, dtype=object)
        is_text = np.fromiter(map(isinstance, found, repeat(str, len(found))), dtype=bool, count=len(found))
        clean = ALREADY_CLEAN.fullmatch
        cleaned = [t if clean(t) else clean_text(t) or None for t in found[is_text].tolist()]
        # entries: the cleaned distinct texts, the empty cell, each distinct plain int (typed numbers repeat
        # too; an int reads the same as an equal int), then every other cell on its own
        entry = np.append(np.cumsum(is_text) - 1, len(cleaned))  # a text's entry; -1 (empty) → the empty cell
        others = np.flatnonzero(~np.append(is_text, True)[codes])
        plain_int = np.fromiter(map(operator.is_, map(type, values[others].tolist()), repeat(int)), dtype=bool,
                                count=len(others))  # type(v) is int (not a bool), in C
        ints, rest = others[plain_int], others[~plain_int]
        _, first, which = np.unique(codes[ints], return_index=True, return_inverse=True)  # equal codes: equal ints
        self.codes: npt.NDArray[np.intp] = entry[codes]
        self.codes[ints] = len(cleaned) + 1 + which
        self.codes[rest] = len(cleaned) + 1 + len(first) + np.arange(len(rest))
        distinct = np.concatenate([np.array([*cleaned, None], dtype=object), values[ints[first]], values[rest]])
        self.cells = pd.Series(distinct, dtype=object)
        # as typed, an entry is its first cell: the text before cleaning, the int, the cell itself
        self.typed = _typed(values, codes, self.codes, [*found[is_text].tolist(), None,
                                                        *distinct[len(cleaned) + 1:].tolist()])
        if not merge:
            self.cells = pd.Series(distinct[self.codes], index=self.index, dtype=object)
            self.codes = np.arange(len(values))

    def cleaned(self) -> pd.Series:
        """Every row's cleaned cell (None when empty)."""
        return pd.Series(self.cells.to_numpy(dtype=object)[self.codes], index=self.index, dtype=object)

    def empty(self) -> npt.NDArray[np.bool_]:
        """Which rows' cells are empty once cleaned."""
        return np.array([cell is None for cell in self.cells.tolist()], dtype=bool)[self.codes]

    def spread(self, answers: pd.Series) -> pd.Series:
        """The reader's answers (one per entry of ``cells``) as one per row."""
        return pd.Series(answers.array.take(self.codes), index=self.index, dtype=answers.dtype)

    def per_row(self, findings: Sequence[object | None]) -> list[object | None] | None:
        """Findings made once per entry of ``cells`` (None: nothing), one per row; None when there are none."""
        if findings.count(None) == len(findings):
            return None
        made = np.fromiter(findings, dtype=object, count=len(findings))  # a finding may be a tuple: kept whole
        per_row: list[object | None] = made.take(self.codes).tolist()
        return per_row

    def totals(self) -> npt.NDArray[np.bool_]:
        """Rows whose cell (as TYPED_NAME holds it) is a total's label (sheet/total_rows.py), each distinct text
        read once."""
        return np.array(total_labels(texts(self.cells.tolist())), dtype=bool)[self.codes]


def read_column(column: ColumnSettings, raw: pd.Series, header: str, zones: Zones, tab: RawTab,
                position: int) -> ColumnReading:
    """Read one mapped column (``raw``: its cells as typed, at ``position`` in the tab) by its type."""
    formatted = _percent_formatted(tab, position, raw.index) if column.type is ColumnType.PERCENT else None
    # a %-formatted cell reads differently from the same value unformatted: read those row by row
    cells = Column(raw, merge=formatted is None)
    values, problems, notes = _parse(column, cells, header, zones, formatted)
    # a roll-up's percent is a child's computed mean (0,8 is 0,8 %): notes addressed to a typist do not apply
    return ColumnReading(values, problems, notes if position not in tab.weights else [], cells.empty(), cells.typed,
                         cells.totals() if column.role is ColumnRole.UNIT_NAME else None)


def _typed(values: npt.NDArray[np.object_], found: npt.NDArray[np.intp], entries: npt.NDArray[np.intp],
           typed: list[object]) -> TypedCells:
    """The column's cells as typed, one JSON piece per entry (``typed``: each entry's cell as typed, None for the
    empty cell) and per empty cell that is not None (NaN: no JSON null); ``found``: pandas' codes (-1: empty)."""
    pieces = [piece(cell) for cell in typed]
    codes = entries.astype(np.int32)
    empty = np.flatnonzero(found < 0)
    odd = [row for row, cell in zip(empty.tolist(), values[empty].tolist(), strict=True) if cell is not None]
    if odd:
        codes[odd] = np.arange(len(pieces), len(pieces) + len(odd), dtype=np.int32)
        pieces += [piece(cell) for cell in values[odd].tolist()]
    return TypedCells(codes, tuple(pieces))


def _percent_formatted(tab: RawTab, position: int, index: pd.Index) -> pd.Series | None:
    """Which cells of a percent column the sheet formats as a percentage (0.85 shown as 85%)."""
    rows = {row for row, col in tab.percent_cells if col == position}
    if not rows:
        return None
    return pd.Series([int(r) - 1 in rows for r in index], index=index, dtype=bool)


def _parse(column: ColumnSettings, cells: Column, header: str, zones: Zones, percent_formatted: pd.Series | None
           ) -> tuple[dict[str, pd.Series], Findings, Findings]:
    """One column's values (by frame column), its problems and notes, one finding (or None) per row."""
    if column.type in NUMERIC_TYPES:
        parsed = read_numbers(column.type, cells.cells, percent_formatted)
        worded = [f"{header}: {note}" if isinstance(note, str) else None for note in parsed.notes.tolist()]
        return ({column.key: cells.spread(parsed.values)},
                [cells.per_row(_problems(column.key, cells.cells, parsed.problems))], [cells.per_row(worded)])
    if column.type is ColumnType.DATE:
        year_of = year_within(*zones.window) if zones.window is not None else None  # "8/11": the campaign's year
        dates = read_dates(cells.cells, zones.tz, zones.clock_tz, year_of)
        values, swaps = _unswapped(column.key, cells.spread(dates.values), cells, zones)
        filled = {column.key: values}
        if column.role is ColumnRole.SUBMITTED_AT:
            filled[DATE_ONLY] = cells.spread(dates.date_only)
        parsed_problems = cells.per_row(_problems(column.key, cells.cells, dates.problems))
        return filled, [parsed_problems, *([swaps] if swaps is not None else [])], []
    return {column.key: cells.spread(pd.Series(texts(cells.cells.tolist()), dtype=object))}, [], []


def _as_text(value: object) -> str | None:
    # pandas-stubs' pd.isna takes no plain object (pandas does: NaN, NaT and pd.NA are empty cells)
    return None if value is None or pd.isna(value) else str(value)[:MAX_TEXT]  # type: ignore[call-overload]


def texts(cleaned: list[object]) -> list[str | None]:
    """Already cleaned cells as text (a short text is kept as it is; a number becomes its text)."""
    return [v if v.__class__ is str and len(v) <= MAX_TEXT else _as_text(v) for v in cleaned]


def _problems(key: str, cells: pd.Series, messages: pd.Series) -> list[object | None]:
    """(key, the cell as typed, message) where a message says what is wrong with the cell, else None."""
    said = messages.tolist()
    if said.count(None) == len(said):
        return said
    return [(key, str(cell)[:200], message) if isinstance(message, str) else None
            for cell, message in zip(cells.tolist(), said, strict=True)]


def _unswapped(key: str, values: pd.Series, column: Column, zones: Zones
               ) -> tuple[pd.Series, list[object | None] | None]:
    """Dates that look day–month swapped become problems (value unknown) instead of silent values: the values,
    and each row's problem (None when no date looks swapped), quoting the cell as the sheet shows it (a date
    the sheet stored, not typed text, written in the sheet's order: never a serial number)."""
    flips = swapped(values, *zones.window) if zones.window is not None else None
    bad = flips.notna().to_numpy(copy=True) if flips is not None else np.zeros(len(values), dtype=bool)
    if flips is None or not bad.any():  # few by nature
        return values, None
    shown = column.cleaned()
    flagged = np.flatnonzero(bad)  # a date whose text names its month was typed as it reads
    bad[flagged[[isinstance(cell, str) and names_its_month(cell) for cell in shown.iloc[flagged].tolist()]]] = False
    if not bad.any():
        return values, None
    shown[bad] = [as_shown(cell, day, zones.month_first)
                  for cell, day in zip(shown[bad].tolist(), values[bad].dt.date.tolist(), strict=True)]
    messages = pd.Series(None, index=values.index, dtype=object)
    messages[bad] = [swapped_message(text, flip) for text, flip in zip(shown[bad].tolist(), flips[bad].tolist(),
                                                                      strict=True)]
    return values.mask(bad), _problems(key, shown, messages)
