"""Header row → column positions for the campaign's keys. Pure.

Header text is matched ignoring case, accents, punctuation and spacing (CONTRACT §3), against
the column's ``header`` and its ``aliases``, so "SỐ NGƯỜI DÂN ĐƯỢC TUYÊN TRUYỀN " still feeds
``citizens``. A missing required column raises SchemaError naming the closest header.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from aggregator.campaign import ColumnSettings
from aggregator.errors import SchemaError
from aggregator.models import CellValue, ColumnType
from aggregator.textnorm import strip_marks

_NON_WORD = re.compile(r"[^0-9a-z]+")


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

    def letter(self, key: str) -> str:
        return column_letter(self.positions[key])


def map_headers(tab: str, header_row: Sequence[CellValue], columns: Sequence[ColumnSettings]) -> HeaderMap:
    """Match the header row against the campaign's columns.

    Raises SchemaError when a required column is absent (the message names the closest header).
    """
    texts = [str(cell).strip() if cell is not None else "" for cell in header_row]
    folded = [fold_header(t) for t in texts]
    first_at: dict[str, int] = {}
    seen_twice: list[str] = []
    for index, key in enumerate(folded):
        if not key:
            continue
        if key in first_at:
            seen_twice.append(texts[index])
        else:
            first_at[key] = index
    positions: dict[str, int] = {}
    for column in columns:
        for name in (column.header, *column.aliases):
            index = first_at.get(fold_header(name))
            if index is not None and index not in positions.values():
                positions[column.key] = index
                break
    missing = [c.header for c in columns if c.required and c.key not in positions]
    used = set(positions.values())
    if missing:
        unused = [t for i, t in enumerate(texts) if t and i not in used]
        raise SchemaError(tab, missing, texts, {m: near for m in missing if (near := closest_header(m, unused))})
    ignored = tuple(t for i, t in enumerate(texts) if t and i not in used)
    headers = {key: texts[index] for key, index in positions.items()}
    return HeaderMap(positions, headers, tuple(seen_twice), ignored)


def closest_header(name: str, headers: Sequence[str]) -> str | None:
    """The header most like ``name`` once both are folded, if any is reasonably close."""
    target = fold_header(name)
    scored = [(SequenceMatcher(None, target, fold_header(h)).ratio(), h) for h in headers]
    best = max(scored, default=(0.0, ""))
    return best[1] if best[0] >= 0.4 else None


def data_keys(columns: Sequence[ColumnSettings]) -> list[str]:
    """Keys whose cells carry an agency's answer (everything but ignored columns)."""
    return [c.key for c in columns if c.type is not ColumnType.IGNORED]
