"""Cell readers (CONTRACT §3), vectorised and pure: ``read_counts`` here, ``read_dates`` in ``cells_dates``.

Both take an object Series of cells as the source handed them (str/int/float/bool/datetime/None), keep
its index, never raise on a cell, and say in Vietnamese what is wrong with a cell and what to type
instead. Common forms ("1.234", "08/11/2024") are read column-wide by regex; rarer ones (words, units,
decimals, formula errors, free-text dates) once per distinct text. This module also holds the cell
primitives both readers share.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import zoneinfo
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import pandas as pd

from aggregator.textnorm import strip_marks
from aggregator.vnformat import number

__all__ = ["CountColumn", "DateColumn", "read_counts", "read_dates"]


@dataclass(frozen=True)
class CountColumn:
    values: pd.Series  # Int64; <NA> where unknown (empty cell) or a problem
    notes: pd.Series  # object: None or a short note, e.g. "ghi “khoảng 200”, tính là 200"
    problems: pd.Series  # object: None or a Vietnamese message saying what is wrong and what to type


@dataclass(frozen=True)
class DateColumn:
    values: pd.Series  # datetime64[ns, tz]; NaT when empty or a problem
    date_only: pd.Series  # bool: no time of day was given (the cell counts as that whole day)
    problems: pd.Series  # object: None or a Vietnamese message


# ---------------------------------------------------------------------------------------------------
# Cell primitives shared with cells_dates

# Longer than any count or date anyone types; checked before any regex runs on a pasted essay.
MAX_CELL_CHARS = 200
QUOTE_CHARS = 60
# Zero-width and bidi marks, soft hyphen, BOM: invisible in the sheet, fatal to a naive int().
_INVISIBLE = "[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


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
    """NFKC (full-width digits, NBSP → space), drop invisible marks, strip: " 1 234\u200b" → "1 234"."""
    return texts.str.normalize("NFKC").str.replace(_INVISIBLE, "", regex=True).str.strip()


def has_control(text: str) -> bool:
    """True for NUL, ESC and friends; tab and newline count as ordinary whitespace."""
    return _CONTROL_RE.search(text) is not None


def fold(text: str) -> str:
    """Lower case without diacritics, for matching words: ``fold("KHÔNG Có")`` → "khong co"."""
    return strip_marks(text.lower())


def quote(text: str) -> str:
    """Quote a cell for a message, on one line, at most ~60 characters: ``quote("abc")`` → "“abc”"."""
    shown = " ".join(_CONTROL_RE.sub("\ufffd", unicodedata.normalize("NFC", text)).split())
    shown = re.sub(_INVISIBLE, "", shown)
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


# ---------------------------------------------------------------------------------------------------
# Counts

# Counts above this are typos or pasted ids; it also keeps every value exact in a float64.
MAX_COUNT = 10**15
_MAX_DIGITS = 15

_EXAMPLE = "Hãy ghi một số, ví dụ 1.234."
_NOT_A_COUNT = "Số lượng phải là số nguyên, không âm; ô đang ghi {v}. " + _EXAMPLE
_WHOLE = "Số lượng phải là số nguyên; ô đang ghi {v}. Hãy ghi số nguyên, ví dụ 2 hoặc 1.500."
_NEGATIVE = "Số lượng không được âm; ô đang ghi {v}. Hãy ghi 0 nếu không có, để trống nếu chưa có số liệu."
_FORMULA_ERROR = "Ô đang báo lỗi công thức {v}. Hãy sửa công thức hoặc ghi thẳng con số, ví dụ 1.234."
_SEVERAL = "Ô ghi nhiều số ({v}); mỗi ô chỉ ghi một số lượng. Hãy ghi tổng, ví dụ 1.234."
_SCALED = "Ô ghi {v}: hãy ghi số đầy đủ, ví dụ 2.000 thay cho “2 nghìn”."
_PERCENT = "Ô ghi tỷ lệ phần trăm ({v}), không phải số lượng. " + _EXAMPLE
_TOO_BIG = "Số {v} quá lớn để là một số lượng. Hãy kiểm tra lại, ví dụ 1.234."
_TOO_LONG = "Ô quá dài ({n} ký tự) để là một số lượng: {v}. " + _EXAMPLE
_CONTROL_CHARS = "Ô có ký tự điều khiển không in được ({v}). Hãy xóa ô rồi gõ lại số, ví dụ 1.234."
_CHECKBOX = "Ô đang là ô đánh dấu ({v}), không phải số lượng. " + _EXAMPLE
_DATE = "Ô đang là ngày tháng ({v}), không phải số lượng. Hãy định dạng ô là số rồi ghi số, ví dụ 1.234."
_NOTE = "ghi {v}, tính là {n}"

# Vietnamese first: "1.234" is one thousand two hundred thirty-four; "," and spaces also group.
_PLAIN = r"[0-9]+|[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[1-9][0-9]{0,2}(?:,[0-9]{3})+|[1-9][0-9]{0,2}(?: [0-9]{3})+"
_DECIMAL = re.compile(
    r"(?P<whole>[0-9]+|[1-9][0-9]{0,2}(?:(?P<group>[., ])[0-9]{3})+)(?P<mark>[.,])(?P<fraction>[0-9]+)"
)
_ONE_NUMBER = re.compile(r"(?P<before>[^0-9]*?)(?P<number>[0-9](?:[0-9., ]*[0-9])?)(?P<after>[^0-9]*)")
# What Sheets and Excel show when a formula fails (compared lower-cased): #REF!, #N/A, #DIV/0! …
_FORMULA_ERRORS = re.compile(
    r"#(?:ref!|n/a|value!|div/0!|name\?|num!|null!|error!|spill!|calc!|getting_data)"
)

# Compared on folded text (lower case, no diacritics), so "KHÔNG", "Không" and "khong" all match.
_ZERO_WORDS = frozenset({"khong", "khong co", "ko", "ko co", "-", "--", "---", "–", "—", "−"})
_MINUS = frozenset({"-", "–", "—", "−"})
_APPROXIMATE = frozenset(
    {"khoang", "~", "≈", "gan", "tren", "hon", "tam", "chung", "khoang chung", "xap xi", "uoc", "uoc tinh",
     "uoc khoang", "it nhat", "toi thieu", "toi da", "khong qua", "duoi", "<", ">", "<=", ">=", "≥", "≤",
     "+", "co", "dat", "duoc", "tong", "tong cong", "tong so", "sl", "so luong", "gan nhu", "hon kem"}
)  # fmt: skip
# "2 nghìn" is 2.000, not 2: rather than guess the scale, ask for the full number.
_SCALE_WORDS = frozenset({"nghin", "ngan", "k", "trieu", "tr", "ty", "ti", "van", "chuc", "tram"})


def read_counts(cells: pd.Series) -> CountColumn:
    """Read one count column; ``cells`` is an object Series of cells, its index is kept.

    >>> col = read_counts(pd.Series(["1.234", "khoảng 200", None, "không", "1,5", 7.0]))
    >>> col.values.tolist()  # empty is unknown, not zero; "1,5" is not a whole count
    [1234, 200, <NA>, 0, <NA>, 7]
    >>> col.notes[1]
    'ghi “khoảng 200”, tính là 200'
    >>> col.problems[4]
    'Số lượng phải là số nguyên; ô đang ghi “1,5”. Hãy ghi số nguyên, ví dụ 2 hoặc 1.500.'
    """
    objects = as_objects(cells)
    kinds = cell_kinds(objects)
    readings = {
        "value": np.full(len(objects), np.nan),
        "note": np.full(len(objects), None, dtype=object),
        "problem": np.full(len(objects), None, dtype=object),
    }
    for kind, reader in _READERS.items():
        rows = kinds == kind
        if rows.any():
            for piece in reader(objects[rows]):
                _put(readings, piece)
    value = readings["value"]
    known = ~np.isnan(value)
    values = pd.arrays.IntegerArray(np.where(known, value, 0).astype(np.int64), ~known)
    return CountColumn(
        values=pd.Series(values, index=cells.index),
        notes=pd.Series(readings["note"], index=cells.index, dtype=object),
        problems=pd.Series(readings["problem"], index=cells.index, dtype=object),
    )


def _put(readings: dict[str, np.ndarray], piece: pd.DataFrame) -> None:
    """Write a reader's rows (indexed by position) into the column-wide arrays."""
    rows = piece.index.to_numpy(dtype=np.intp)
    readings["value"][rows] = piece["value"].to_numpy(dtype=float)
    readings["note"][rows] = objects_or_none(piece["note"])
    readings["problem"][rows] = objects_or_none(piece["problem"])


def _frame(index: pd.Index, value: Any = np.nan, problem: Any = None) -> pd.DataFrame:
    return pd.DataFrame({"value": value, "note": None, "problem": problem}, index=index)


def _from_texts(texts: pd.Series) -> Iterator[pd.DataFrame]:
    """Text cells: plain numbers column-wide, the rest once per distinct (cleaned) text."""
    clean = clean_texts(texts)
    digits = clean[clean.str.fullmatch(_PLAIN, na=False)].str.replace(r"[., ]", "", regex=True)
    digits = digits[digits.str.len() <= _MAX_DIGITS]  # longer ones get their message below
    yield _frame(digits.index, pd.to_numeric(digits).to_numpy(dtype=float))
    rare = clean[(clean != "").to_numpy() & ~clean.index.isin(digits.index)]
    if len(rare):  # empty text is an empty cell: unknown, no note, no problem
        yield per_unique(rare, _read_text, ["value", "note", "problem"])


def _from_numbers(cells: pd.Series) -> Iterator[pd.DataFrame]:
    """Typed numbers (UNFORMATTED_VALUE, openpyxl) are taken as is: 200.0 → 200; 1.5, -5 → problem."""
    value = typed_numbers(cells)
    finite = np.isfinite(value)
    whole = finite & (np.mod(value, 1, where=finite, out=np.ones_like(value)) == 0)
    template = np.select(
        [~finite | (value >= MAX_COUNT), value < 0, ~whole], [_TOO_BIG, _NEGATIVE, _WHOLE], default=""
    )
    bad = template != ""
    problem = np.full(len(value), None, dtype=object)
    for row in np.flatnonzero(bad):  # problem cells only
        problem[row] = str(template[row]).format(v=quote(shown(cells.iloc[row])))
    yield _frame(cells.index, np.where(bad, np.nan, value), problem)


def _always(template: str) -> Callable[[pd.Series], Iterator[pd.DataFrame]]:
    """Checkboxes, dates and odd objects in a count column: a problem each (rare, so per cell)."""

    def read(cells: pd.Series) -> Iterator[pd.DataFrame]:
        yield _frame(cells.index, problem=[template.format(v=quote(shown(value))) for value in cells])

    return read


_READERS: dict[CellKind, Callable[[pd.Series], Iterator[pd.DataFrame]]] = {
    CellKind.TEXT: _from_texts,
    CellKind.NUMBER: _from_numbers,
    CellKind.BOOL: _always(_CHECKBOX),
    CellKind.DATETIME: _always(_DATE),
    CellKind.DATE: _always(_DATE),
    CellKind.OTHER: _always(_NOT_A_COUNT),
}


def _read_text(text: str) -> tuple[float, str | None, str | None]:
    """One distinct cleaned text that is not a plain number: words, units, decimals, errors.

    >>> _read_text("khoảng 1.200 lượt")
    (1200.0, 'ghi “khoảng 1.200 lượt”, tính là 1.200', None)
    """
    if len(text) > MAX_CELL_CHARS:
        return _problem(_TOO_LONG, text, n=number(len(text)))
    if has_control(text):
        return _problem(_CONTROL_CHARS, text)
    folded = fold(text)
    if folded.rstrip(".!") in _ZERO_WORDS:  # "Không." and "Không có!" are still zero
        return 0.0, None, None
    if _FORMULA_ERRORS.fullmatch(folded):
        return _problem(_FORMULA_ERROR, text)
    found = _ONE_NUMBER.fullmatch(folded)
    if found is None:
        return _problem(_SEVERAL if re.search("[0-9]", folded) else _NOT_A_COUNT, text)
    return _read_worded(text, " ".join(found["before"].strip(" :").split()), found["number"], found["after"])


def _read_worded(text: str, before: str, token: str, after: str) -> tuple[float, str | None, str | None]:
    """A number with words around it: "khoảng 200" → 200 with a note; "-5", "1,5", "2 nghìn" → problem."""
    value, whole = _token_value(token)
    if before in _MINUS:
        return (0.0, None, None) if value == 0 else _problem(_NEGATIVE, text)
    if not whole:
        return _problem(_WHOLE, text)
    if value is None or (before and before not in _APPROXIMATE):
        return _problem(_NOT_A_COUNT, text)
    if "%" in after:
        return _problem(_PERCENT, text)
    if _SCALE_WORDS.intersection(re.findall("[a-z]+", after)):
        return _problem(_SCALED, text)
    if value >= MAX_COUNT:
        return _problem(_TOO_BIG, text)
    note = _NOTE.format(v=quote(text), n=number(value)) if before or after.strip() else None
    return float(value), note, None


def _token_value(token: str) -> tuple[int | None, bool]:
    """(value, whole?) of a number: "1.234" → (1234, True), "1,5" → (None, False), "20,0" → (20, True)."""
    if re.fullmatch(_PLAIN, token):
        return int(re.sub("[., ]", "", token)), True
    found = _DECIMAL.fullmatch(token)
    if found is None or found["group"] == found["mark"]:  # "1.234.5": no reading a clerk would bet on
        return None, True
    if found["fraction"].strip("0"):
        return None, False
    return int(re.sub("[., ]", "", found["whole"])), True


def _problem(template: str, text: str, **extra: str) -> tuple[float, None, str]:
    return np.nan, None, template.format(v=quote(text), **extra)


def read_dates(cells: pd.Series, tz: zoneinfo.ZoneInfo) -> DateColumn:
    """Read one date column into instants in ``tz`` (see ``cells_dates.read_dates``).

    >>> read_dates(pd.Series(["05/11/2024"]), ZoneInfo("Asia/Ho_Chi_Minh")).values[0]
    Timestamp('2024-11-05 00:00:00+0700', tz='Asia/Ho_Chi_Minh')
    """
    # Imported here, not at the top: cells_dates builds on the primitives of this module.
    from aggregator.cells_dates import read_dates as read

    return read(cells, tz)
