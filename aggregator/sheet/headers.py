"""Header row → column positions for the campaign's keys. Pure.

Header text is matched ignoring case, accents, punctuation and spacing (CONTRACT §3), against
the column's ``header`` and its ``aliases``, so "SỐ NGƯỜI DÂN ĐƯỢC TUYÊN TRUYỀN " still feeds
``citizens``. A missing required column raises SchemaError naming the closest header.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from aggregator.campaign import ColumnSettings
from aggregator.errors import DuplicateColumnError, SchemaError
from aggregator.models import CellValue, ColumnRole, ColumnType
from aggregator.textnorm import strip_marks

_NON_WORD = re.compile(r"[^0-9a-z]+")
_TRAILING_BRACKETS = re.compile(r"(?:\s*[(\[][^()\[\]]*[)\]])+\s*$")  # "(1)", "(lượt người)", "(đồng) (*)"


def fold_header(text: object) -> str:
    """``fold_header(" Số  người dân ")`` → "so nguoi dan"."""
    bare = strip_marks(str(text or "")).lower()
    return _NON_WORD.sub(" ", bare).strip()


def column_letter(index: int) -> str:
    """0-based column index → spreadsheet letters: 0 → "A", 27 → "AB"."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = string.ascii_uppercase[rem] + letters
    return letters


@dataclass(frozen=True)
class HeaderMap:
    """Where each campaign key sits in the tab, and the header text the agencies see there."""

    positions: dict[str, int]  # key -> 0-based column index
    headers: dict[str, str]  # key -> header text as typed in the sheet
    duplicates: tuple[str, ...]  # header texts that appear more than once (first one is used)
    ignored: tuple[str, ...]  # headers that feed no key
    missing: dict[str, str | None] = field(default_factory=dict)  # key not found -> closest unused header

    def letter(self, key: str) -> str:
        return column_letter(self.positions[key])


def _first_positions(folded: Sequence[str]) -> dict[str, list[int]]:
    at: dict[str, list[int]] = {}
    for index, key in enumerate(folded):
        if key:
            at.setdefault(key, []).append(index)
    return at


def bare_header(text: object) -> str:
    """The folded header without what trailing brackets add: a column's number, its unit, a footnote mark.

    >>> bare_header("Số người dân được tuyên truyền (lượt người) (3)"), bare_header("(1)")
    ('so nguoi dan duoc tuyen truyen', '1')
    """
    text = str(text or "")
    return fold_header(_TRAILING_BRACKETS.sub("", text)) or fold_header(text)


def _bare_positions(columns: Sequence[ColumnSettings], texts: Sequence[str], positions: dict[str, int]) -> None:
    """Columns not found as written, found once their header and the sheet's lose their trailing brackets
    ("Số người dân được tuyên truyền (người)"): only where exactly one unused header fits."""
    used = set(positions.values())
    bare = [bare_header(t) if t and i not in used else "" for i, t in enumerate(texts)]
    for column in columns:
        if column.key in positions:
            continue
        names = {bare_header(name) for name in (column.header, *column.aliases)}
        found = [i for i, b in enumerate(bare) if b and b in names and i not in positions.values()]
        if len(found) == 1:
            positions[column.key] = found[0]


def _column_positions(column: ColumnSettings, at: dict[str, list[int]]) -> list[int]:
    """Every position whose header is this column's header or one of its aliases, in sheet order."""
    found = {i for name in (column.header, *column.aliases) for i in at.get(fold_header(name), [])}
    return sorted(found)


def map_headers(tab: str, header_row: Sequence[CellValue], columns: Sequence[ColumnSettings], *,
                row: int = 1) -> HeaderMap:
    """Match the header row against the campaign's columns.

    Raises SchemaError when a required column (always the unit name and the submission time) is absent,
    naming the closest header, and DuplicateColumnError when a column's header appears twice: nobody can tell
    which one agencies fill.
    """
    texts = [str(cell).strip() if cell is not None else "" for cell in header_row]  # of spreadsheet row ``row``
    at = _first_positions([fold_header(t) for t in texts])
    positions: dict[str, int] = {}
    for column in columns:
        found = [i for i in _column_positions(column, at) if i not in positions.values()]
        if len(found) > 1 and column.type is not ColumnType.IGNORED:
            raise DuplicateColumnError(tab, column.header, [(column_letter(i), texts[i]) for i in found])
        if found:
            positions[column.key] = found[0]
    _bare_positions(columns, texts, positions)
    used = set(positions.values())
    unused = [t for i, t in enumerate(texts) if t and i not in used]
    absent = [c for c in columns if c.key not in positions and c.type is not ColumnType.IGNORED]
    # without the unit name no row has a unit; without the submission time lateness and resubmissions would
    # be judged wrongly in silence (every unit "on time")
    required = [c.header for c in absent if c.required or c.role in (ColumnRole.UNIT_NAME, ColumnRole.SUBMITTED_AT)]
    if required:
        raise SchemaError(tab, required, texts, {m: near for m in required if (near := closest_header(m, unused))},
                          header_row=row, unused=unused)
    seen_twice = tuple(texts[i] for spots in at.values() for i in spots[1:])
    headers = {key: texts[index] for key, index in positions.items()}
    missing = {c.key: closest_header(c.header, unused) for c in absent}
    return HeaderMap(positions, headers, seen_twice, tuple(unused), missing)


def closest_header(name: str, headers: Sequence[str]) -> str | None:
    """The header most like ``name`` once both are folded, if any is reasonably close."""
    target = fold_header(name)
    scored = [(SequenceMatcher(None, target, fold_header(h)).ratio(), h) for h in headers]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= 0.4 else None


def data_keys(columns: Sequence[ColumnSettings]) -> list[str]:
    """Keys whose cells carry an agency's answer (everything but ignored columns)."""
    return [c.key for c in columns if c.type is not ColumnType.IGNORED]
