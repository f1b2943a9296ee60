"""Count cells read the Vietnamese way (CONTRACT §3), vectorised and pure.

Takes an object Series of cells as the source handed them (str/int/float/bool/datetime/None), keeps
its index, never raises on a cell, and says in Vietnamese what is wrong with a cell and what to type
instead. Plain numbers ("1.234") are read column-wide by regex; rarer forms (words, units, decimals,
formula errors) once per distinct text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aggregator.cells.primitives import (
    MAX_CELL_CHARS,
    CellKind,
    as_objects,
    cell_kinds,
    clean_texts,
    fold,
    has_control,
    objects_or_none,
    per_unique,
    quote,
    shown,
    typed_numbers,
)
from aggregator.vnformat import number

__all__ = ["CountColumn", "read_counts"]


@dataclass(frozen=True)
class CountColumn:
    values: pd.Series  # Int64; <NA> where unknown (empty cell) or a problem
    notes: pd.Series  # object: None or a short note, e.g. "ghi “khoảng 200”, tính là 200"
    problems: pd.Series  # object: None or a Vietnamese message saying what is wrong and what to type




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


