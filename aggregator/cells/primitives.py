"""Cell primitives shared by every cell reader: kinds, cleaning, quoting, per-distinct-text reading. Pure."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from enum import IntEnum
from typing import Any

import numpy as np
import pandas as pd

from aggregator.textnorm import ALREADY_CLEAN, strip_marks

# Longer than any count or date anyone types; checked before any regex runs on a pasted essay.
MAX_CELL_CHARS = 200
QUOTE_CHARS = 60
# Zero-width and bidi marks, soft hyphen, BOM: invisible in the sheet, fatal to a naive int().
_INVISIBLE = "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_INVISIBLE_RE = re.compile(_INVISIBLE)
# Text that ``textnorm.clean_text`` keeps as it is (printable ASCII and precomposed Vietnamese letters, single
# spaces between) is also NFKC as it is (those letters' decompositions are canonical), holds nothing invisible
# or control and has no space to strip: the cell readers' cleaning and quoting keep it too.
_PLAIN_TEXT = ALREADY_CLEAN


class CellKind(IntEnum):
    EMPTY = 0
    TEXT = 1
    NUMBER = 2
    BOOL = 3
    DATETIME = 4
    DATE = 5
    OTHER = 6


# Order matters: bool before int (True is an int to Python, a checkbox to the agency), and
# datetime before date (a datetime is a date to Python).
_KIND_BASES: tuple[tuple[tuple[type, ...], CellKind], ...] = (
    ((bool, np.bool_), CellKind.BOOL),
    ((str,), CellKind.TEXT),
    ((dt.datetime,), CellKind.DATETIME),
    ((dt.date,), CellKind.DATE),
    ((int, float, np.integer, np.floating), CellKind.NUMBER),
)


def as_objects(cells: pd.Series) -> pd.Series:
    """Positional object copy: labels may repeat, and pandas 3 may hand us str/float/datetime64 dtypes."""
    return pd.Series(cells.to_numpy(dtype=object), dtype=object)


def cell_kinds(cells: pd.Series) -> np.ndarray:
    """One ``CellKind`` per cell: ``cell_kinds(Series(["1", 2, None]))`` → [TEXT, NUMBER, EMPTY].

    ``map(type)`` calls a builtin from C; the classification itself runs once per distinct type.
    """
    types = cells.map(type).to_numpy(dtype=object)
    code_of = {
        kind: int(next((found for bases, found in _KIND_BASES if issubclass(kind, bases)), CellKind.OTHER))
        for kind in pd.unique(types)
    }
    codes = pd.Series(types, dtype=object).map(code_of).to_numpy(dtype=np.int8)
    codes[cells.isna().to_numpy()] = CellKind.EMPTY  # NaN, NaT and pd.NA have a type but mean "empty"
    return codes


def clean_texts(texts: pd.Series) -> pd.Series:
    """NFKC (full-width digits, NBSP → space), drop invisible marks, strip: " 1 234\u200b" → "1 234".

    Text already in that form (words of printable ASCII and precomposed Vietnamese letters, single
    spaces: most cells) is kept as it is without the three passes.
    """
    values = texts.tolist()
    if all(value.__class__ is str for value in values):
        plain = _PLAIN_TEXT.fullmatch
        return pd.Series([t if plain(t) else _clean_one(t) for t in values], index=texts.index, dtype=object)
    return texts.str.normalize("NFKC").str.replace(_INVISIBLE, "", regex=True).str.strip()


def _clean_one(text: str) -> str:
    return _INVISIBLE_RE.sub("", unicodedata.normalize("NFKC", text)).strip()


def has_control(text: str) -> bool:
    """True for NUL, ESC and friends; tab and newline count as ordinary whitespace."""
    return _CONTROL_RE.search(text) is not None


def fold(text: str) -> str:
    """Lower case without diacritics, for matching words: ``fold("KHÔNG Có")`` → "khong co"."""
    return strip_marks(text.lower())


def quote(text: str) -> str:
    """Quote a cell for a message, on one line, at most ~60 characters: ``quote("abc")`` → "“abc”"."""
    if len(text) <= QUOTE_CHARS and _PLAIN_TEXT.fullmatch(text):  # most cells: nothing to normalise or hide
        return f"“{text}”"
    shown = " ".join(_CONTROL_RE.sub("\ufffd", unicodedata.normalize("NFC", text)).split())
    shown = _INVISIBLE_RE.sub("", shown)
    if len(shown) > QUOTE_CHARS:
        shown = shown[: QUOTE_CHARS - 1] + "…"
    return f"“{shown}”"


def per_unique(texts: pd.Series, read: Callable[[str], tuple[Any, ...]], columns: list[str]) -> pd.DataFrame:
    """Run ``read`` once per distinct text and spread the answers back over ``texts.index``.

    For the rare forms: a sheet repeats "khoảng 200" or "không" far more often than it varies them.
    """
    unique = pd.unique(texts.to_numpy(dtype=object))
    answers = [read(text) for text in unique]
    table = pd.DataFrame(answers, index=pd.Index(unique, dtype=object), columns=columns)
    spread = table.reindex(pd.Index(texts.to_numpy(dtype=object), dtype=object))
    return spread.set_axis(texts.index)


def objects_or_none(values: pd.Series | np.ndarray) -> np.ndarray:
    """Object array with None where pandas put NaN/NA (pandas 3 infers str columns holding NaN)."""
    array = np.array(values, dtype=object)
    array[pd.isna(array)] = None
    return array


def typed_numbers(cells: pd.Series) -> np.ndarray:
    """int/float cells as float64: ``typed_numbers(Series([2, 1.5]))`` → [2.0, 1.5]."""
    try:
        return pd.to_numeric(cells, errors="coerce").to_numpy(dtype=float)
    except OverflowError:  # an int beyond float range: only a hostile caller sends one
        return np.array([_float_or_inf(value) for value in cells], dtype=float)


def shown(value: Any) -> str:
    """A cell as the agency sees it: ``shown(1.5)`` → "1,5", ``shown(True)`` → "TRUE"."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        clock = f" {value.hour:02d}:{value.minute:02d}" if value.time() != dt.time() else ""
        return f"{value.day:02d}/{value.month:02d}/{value.year}{clock}"
    if isinstance(value, dt.date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, float | np.floating):
        return f"{float(value):.15g}".replace(".", ",")  # the sheet shows "1,5" in a Vietnamese locale
    return str(value)


def _float_or_inf(value: Any) -> float:
    try:
        return float(value)
    except OverflowError:
        return float("inf") if value > 0 else float("-inf")


