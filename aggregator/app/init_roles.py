"""Which column is the unit name and which the submission time, for ``aggregator init``. Pure.

- The unit name: with a roster, the text column whose distinct names match it best (one matcher call
  for every column's names); without one, a known unit-name header, else the header that best names a
  unit ("Tên", "đơn vị", "cơ quan") over mostly distinct names, else the first column of distinct names.
- The submission time: the date column whose header says so (Thời điểm gửi, Dấu thời gian …), else the
  only column of date-times (a Form's timestamp).
- ``--unit-column`` / ``--time-column`` (header text, column letter or 1-based number) decide instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

from aggregator.app import init_columns as rules
from aggregator.app.init_model import Choices, ProposedColumn, Sheet
from aggregator.campaign import MatchingSettings
from aggregator.errors import ConfigError
from aggregator.models import CellValue, ColumnRole, ColumnType, MatchKind, RosterUnit
from aggregator.names.matching import build_matcher, match_names
from aggregator.sheet.headers import column_letter, fold_header
from aggregator.textnorm import is_empty_cell

SAMPLE = 300  # distinct names per column matched against the roster
ROSTER_SHARE = 0.3  # of a column's names that must match the roster for it to be the unit name
DISTINCT_SHARE = 0.6  # of a unit-name column's filled cells that are distinct texts (without a roster)
SHARE_DISTINCT_ONLY = 0.8  # without header words, a unit-name column must be this distinct


def resolve_column(spec: str, sheet_texts: Sequence[str], option: str, header_row: int) -> int:
    """``--unit-column``/``--time-column``: a header's text (ignoring case, accents, spacing), a column letter
    ("C") or a 1-based number ("3") → 0-based index. Raises ConfigError naming the headers."""
    folds = [fold_header(t) for t in sheet_texts]
    wanted = fold_header(spec)
    if wanted and wanted in folds:
        return folds.index(wanted)
    index = _letter_index(spec.strip()) if re.fullmatch(r"[A-Za-z]{1,3}", spec.strip()) else (
        int(spec) - 1 if spec.strip().isdigit() else None)
    if index is not None and 0 <= index < len(sheet_texts) and sheet_texts[index]:
        return index
    listing = ", ".join(f"{column_letter(i)} {t!r}" for i, t in enumerate(sheet_texts) if t) or "(none)"
    raise ConfigError(option, [f"{spec!r} is neither a header of row {header_row} nor a column letter or number "
                               "with a header"], f"Pass one of: {listing}.")


def _letter_index(letters: str) -> int:
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - ord("A") + 1
    return index - 1


def unit_column(sheet: Sheet, columns: Mapping[int, ProposedColumn], choices: Choices,
                 header_row: int) -> tuple[int, str] | None:
    if choices.unit_column is not None:
        index = resolve_column(choices.unit_column, sheet.texts, "--unit-column", header_row)
        return index, "chosen with --unit-column"
    by_roster = _unit_by_roster(sheet, columns, choices.roster) if choices.roster else None
    return by_roster or _unit_by_header(sheet, columns)


def _names(cells: Sequence[CellValue]) -> list[str]:
    """The distinct texts of a column (first ``SAMPLE``): candidates for agency names."""
    texts = [" ".join(c.split()) for c in cells if isinstance(c, str) and any(ch.isalpha() for ch in c)]
    return list(dict.fromkeys(texts))[:SAMPLE]


def _unit_by_roster(sheet: Sheet, columns: Mapping[int, ProposedColumn],
                    roster: Sequence[RosterUnit]) -> tuple[int, str] | None:
    """The text column whose names match the roster best (one matcher call for every column's names)."""
    candidates = {i: _names(sheet.cells[i]) for i, c in columns.items() if c.type is ColumnType.TEXT}
    everything = list(dict.fromkeys(n for names in candidates.values() for n in names))
    outcomes = dict(zip(everything, match_names(build_matcher(roster, MatchingSettings()), everything), strict=True))
    best: tuple[float, int, int, int] | None = None
    for index, names in candidates.items():
        matched = sum(outcomes[n].kind is MatchKind.MATCHED for n in names)
        share = matched / len(names) if names else 0.0
        if names and share >= ROSTER_SHARE and (best is None or share > best[0]):
            best = (share, index, matched, len(names))
    if best is None:
        return None
    return best[1], f"{best[2]} of its {best[3]} distinct names match a unit of the roster"


def _unit_by_header(sheet: Sheet, columns: Mapping[int, ProposedColumn]) -> tuple[int, str] | None:
    """A known unit-name header, else the header that best names a unit ("Tên", "đơn vị", "cơ quan") over
    mostly distinct names; else the first text column of distinct names that has no other role."""
    best: tuple[int, float, int] | None = None  # (header words, distinct share, index)
    fallback: tuple[int, float] | None = None
    for index, column in sorted(columns.items()):
        distinct = _distinct_names(sheet.cells[index])
        if column.type is not ColumnType.TEXT or column.role not in (None, ColumnRole.UNIT_NAME) or (
                distinct is not None and distinct < DISTINCT_SHARE):
            continue
        words = 3 if column.known and column.role is ColumnRole.UNIT_NAME else _unit_words(sheet.folds[index])
        if words and (best is None or (words, distinct or 0.0) > best[:2]):
            best = (words, distinct or 0.0, index)
        elif not words and fallback is None and distinct is not None and distinct >= SHARE_DISTINCT_ONLY:
            fallback = (index, distinct)
    if best is not None:
        shown = f" over {best[1]:.0%} distinct names" if best[1] else ""
        return best[2], f"the header names the unit{shown}"
    return (fallback[0], f"the first column of distinct names ({fallback[1]:.0%})") if fallback else None


def _unit_words(folded: str) -> int:
    if rules.has_hint(folded, rules.CONTACT_HINTS):
        return 0
    ten = rules.has_hint(folded, (" ten ",))
    unit = rules.has_hint(folded, rules.UNIT_HINTS)
    return 2 if ten and unit else 1 if ten or unit else 0


def _distinct_names(cells: Sequence[CellValue]) -> float | None:
    """Share of filled cells that are distinct texts with letters; None when there is no data yet."""
    filled = [c for c in cells if not is_empty_cell(c)]
    if not filled:
        return None
    return len(_names(filled)) / len(filled) if len(filled) <= SAMPLE else len(_names(filled)) / SAMPLE


def time_column(sheet: Sheet, columns: Mapping[int, ProposedColumn], choices: Choices, header_row: int,
                 tz: ZoneInfo) -> tuple[int, str] | None:
    if choices.time_column is not None:
        index = resolve_column(choices.time_column, sheet.texts, "--time-column", header_row)
        return index, "chosen with --time-column"
    for index, column in columns.items():
        said = rules.says_submitted(sheet.folds[index])
        if column.type is ColumnType.DATE and (said or (column.known and column.role is ColumnRole.SUBMITTED_AT)):
            return index, f"the header says “{said}”: when the row was sent" if said else "known submission time"
    timed = []
    for index, column in columns.items():
        with_time, filled = rules.with_time_share(sheet.cells[index], tz)
        if column.type is ColumnType.DATE and filled and with_time >= rules.SHARE * filled:
            timed.append((index, f"{with_time} of {filled} cells are date-times, like a form's timestamp"))
    return timed[0] if len(timed) == 1 else None
