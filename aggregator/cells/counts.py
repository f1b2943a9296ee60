"""Count cells read the Vietnamese way (CONTRACT §3), vectorised and pure.

Takes an object Series of cells as the source handed them (str/int/float/bool/datetime/None), keeps
its index, never raises on a cell, and says in Vietnamese what is wrong with a cell and what to type
instead. Plain numbers ("1.234") are read column-wide by regex; rarer forms (words, units, decimals,
formula errors) once per distinct text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from decimal import Decimal

import numpy as np
import pandas as pd

from aggregator.cells.number_words import said_aside, words_value
from aggregator.cells.numeric import (
    APPROXIMATE,
    FORMULA_ERRORS,
    MARKED,
    MAX_VALUE,
    MINUS,
    ONE_NUMBER,
    PLAIN,
    SCALE_WORDS,
    ZERO_WORDS,
    NumberColumn,
    Reading,
    decimal_text,
    frame,
    odd_kinds,
    problem,
    read_column,
    text_reader,
)
from aggregator.cells.primitives import (
    MAX_CELL_CHARS,
    CellKind,
    fold,
    has_control,
    quote,
    shown,
    typed_numbers,
)
from aggregator.vnformat import number

__all__ = ["CountColumn", "read_counts"]

CountColumn = NumberColumn  # values are Int64; the frame treats every number column alike

# Counts above this are typos or pasted ids; it also keeps every value exact in a float64.
MAX_COUNT = MAX_VALUE
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
_DISAGREE = "Số ghi bằng số ({a}) và bằng chữ ({b}) không khớp: ô đang ghi {v}. Hãy sửa cho khớp, ví dụ 1.234."

def read_counts(cells: pd.Series) -> NumberColumn:
    """Read one count column; ``cells`` is an object Series of cells, its index is kept.

    >>> col = read_counts(pd.Series(["1.234", "khoảng 200", None, "không", "1,5", 7.0]))
    >>> col.values.tolist()  # empty is unknown, not zero; "1,5" is not a whole count
    [1234, 200, <NA>, 0, <NA>, 7]
    >>> col.notes[1]
    'ghi “khoảng 200”, tính là 200'
    >>> col.problems[4]
    'Số lượng phải là số nguyên; ô đang ghi “1,5”. Hãy ghi số nguyên, ví dụ 2 hoặc 1.500.'
    """
    return read_column(cells, _READERS, whole=True)


def _plain_counts(clean: pd.Series) -> pd.Series:
    """Column-wide: "1234", "1.234", "1,234", "1 234" (at most 15 digits; longer ones get a message)."""
    digits = clean[clean.str.fullmatch(PLAIN, na=False)].str.replace(r"[., ]", "", regex=True)
    digits = digits[digits.str.len() <= _MAX_DIGITS]
    return pd.Series(pd.to_numeric(digits).to_numpy(dtype=float), index=digits.index)


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
    yield frame(cells.index, np.where(bad, np.nan, value), problem)


# The commonest worded count, "khoảng 200" or "gần 1.500": words, one space, a plain number. When the
# words fold to an approximation, it reads as _read_text would, without taking the whole text apart.
_WORDS_THEN_NUMBER = re.compile(rf"(?P<words>[^\W\d_]+(?: [^\W\d_]+)*) (?P<number>{PLAIN})")
_NO_SEPARATORS = str.maketrans("", "", "., ")


@functools.lru_cache(maxsize=256)
def _approximation(words: str) -> bool:
    return fold(words) in APPROXIMATE


def _read_approximate(text: str) -> Reading | None:
    """``_read_text`` of "khoảng 200" and the like; None for any other text.

    >>> _read_approximate("Khoảng 1.200")
    (1200.0, 'ghi “Khoảng 1.200”, tính là 1.200', None)
    """
    found = _WORDS_THEN_NUMBER.fullmatch(text) if len(text) <= MAX_CELL_CHARS else None
    if found is None or not _approximation(found["words"]):
        return None
    digits = found["number"].translate(_NO_SEPARATORS)
    if len(digits) > _MAX_DIGITS:  # too big for a count: _read_text says so
        return None
    value = int(digits)
    return float(value), _NOTE.format(v=quote(text), n=number(value)), None


def _approximate_counts(texts: pd.Series) -> pd.DataFrame:
    """``_read_approximate`` over a column's cleaned texts at once, for the texts it reads (a ``frame``).

    A sheet where some agencies type "khoảng 200" repeats the form, not the number: thousands of distinct
    texts, read here without ``per_unique``'s table of every answer (the others go on to ``_read_text``).
    """
    read = [(row, reading) for row, text in zip(texts.index.tolist(), texts.tolist(), strict=True)
            if (reading := _read_approximate(text)) is not None]
    return frame(pd.Index([row for row, _ in read], dtype=texts.index.dtype),
                 np.array([reading[0] for _, reading in read], dtype=float), note=[reading[1] for _, reading in read])


def _read_text(text: str) -> Reading:
    """One distinct cleaned text that is not a plain number: words, units, decimals, errors.

    >>> _read_text("khoảng 1.200 lượt")
    (1200.0, 'ghi “khoảng 1.200 lượt”, tính là 1.200', None)
    """
    approximate = _read_approximate(text)
    if approximate is not None:
        return approximate
    if len(text) > MAX_CELL_CHARS:
        return problem(_TOO_LONG, text, n=number(len(text)))
    if has_control(text):
        return problem(_CONTROL_CHARS, text)
    folded = fold(text)
    if folded.rstrip(".!") in ZERO_WORDS:  # "Không." and "Không có!" are still zero
        return 0.0, None, None
    if FORMULA_ERRORS.fullmatch(folded):
        return problem(_FORMULA_ERROR, text)
    found = ONE_NUMBER.fullmatch(folded)
    if found is None and not re.search("[0-9]", folded):
        said = words_value(text)  # "ba mươi"
        return problem(_NOT_A_COUNT, text) if said is None else _in_words(text, said)
    if found is None:
        return problem(_SEVERAL, text)
    return _read_worded(text, " ".join(found["before"].strip(" :").split()), found["number"], found["after"])


def _read_worded(text: str, before: str, token: str, after: str) -> Reading:
    """A number with words around it: "khoảng 200" → 200 with a note; "-5", "1,5", "2 nghìn" → problem."""
    value, whole = _token_value(token)
    if before in MINUS:
        return (0.0, None, None) if value == 0 else problem(_NEGATIVE, text)
    if not whole:
        return problem(_WHOLE, text)
    if value is None or (before and before not in APPROXIMATE):
        return problem(_NOT_A_COUNT, text)
    if "%" in after:
        return problem(_PERCENT, text)
    said = said_aside(after)  # "300 (ba trăm)"
    if said is not None and said != value:
        return problem(_DISAGREE, text, a=number(value), b=decimal_text(said))
    if said is None and SCALE_WORDS.intersection(re.findall("[a-z]+", after)):
        return problem(_SCALED, text)
    if value >= MAX_COUNT:
        return problem(_TOO_BIG, text)
    note = _NOTE.format(v=quote(text), n=number(value)) if before or after.strip() else None
    return float(value), note, None


def _in_words(text: str, value: Decimal) -> Reading:
    """A count written in words only ("ba mươi"), with its note."""
    if value != value.to_integral_value():
        return problem(_WHOLE, text)
    if value >= MAX_COUNT:
        return problem(_TOO_BIG, text)
    return float(value), _NOTE.format(v=quote(text), n=number(int(value))), None


def _token_value(token: str) -> tuple[int | None, bool]:
    """(value, whole?) of a number: "1.234" → (1234, True), "1,5" → (None, False), "20,0" → (20, True)."""
    if re.fullmatch(PLAIN, token):
        return int(re.sub("[., ]", "", token)), True
    found = MARKED.fullmatch(token)
    if found is None or found["group"] == found["mark"]:  # "1.234.5": no reading a clerk would bet on
        return None, True
    if found["fraction"].strip("0"):
        return None, False
    return int(re.sub("[., ]", "", found["whole"])), True


_READERS = {
    CellKind.TEXT: text_reader(_plain_counts, _read_text, _approximate_counts),
    CellKind.NUMBER: _from_numbers,
    **odd_kinds(_CHECKBOX, _DATE, _NOT_A_COUNT),
}
