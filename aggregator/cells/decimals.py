"""Decimal cells read the Vietnamese way (CONTRACT §3, `decimal`), vectorised and pure.

"," is the decimal mark and "." groups thousands: "1,5" → 1.5, "1.234,5" → 1234.5, "1.234" → 1234,
"1,234" → 1.234. A lone "." followed by 1–2 digits is a decimal mark too ("2.5" → 2.5). These are
results of an activity (hectares, tonnes, hours): a negative value is a problem, as for counts.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from aggregator.cells.numeric import (
    APPROXIMATE,
    MAX_VALUE,
    MINUS,
    SCALE_WORDS,
    ZERO_WORDS,
    NumberColumn,
    Reading,
    checked,
    decimal_text,
    frame,
    odd_kinds,
    plain_decimals,
    problem,
    read_column,
    read_token,
    split_words,
    text_reader,
    typed_problems,
)
from aggregator.cells.primitives import CellKind, fold, quote, shown, typed_numbers

__all__ = ["read_decimals"]

_EXAMPLE = "Hãy ghi một số, dấu phẩy ngăn phần thập phân, ví dụ 38,5."
_NOT_A_NUMBER = "Ô phải là một số không âm; ô đang ghi {v}. " + _EXAMPLE
_UNREADABLE = (
    "Không đọc được số {v}. Hãy ghi dấu chấm ngăn hàng nghìn, dấu phẩy ngăn phần thập phân, ví dụ 1.234,5 hoặc 38,5."
)
_NEGATIVE = "Số không được âm; ô đang ghi {v}. Hãy ghi 0 nếu không có, để trống nếu chưa có số liệu."
_SEVERAL = "Ô ghi nhiều số ({v}); mỗi ô chỉ ghi một số. Hãy ghi tổng, ví dụ 38,5."
_SCALED = "Ô ghi {v}: hãy ghi số đầy đủ, ví dụ 2.000 thay cho “2 nghìn”."
_PERCENT = "Ô ghi tỷ lệ phần trăm ({v}), không phải một số. Hãy ghi số, ví dụ 38,5."
_TOO_BIG = "Số {v} quá lớn. Hãy kiểm tra lại, ví dụ 38,5."
_TOO_LONG = "Ô quá dài ({n} ký tự) để là một số: {v}. " + _EXAMPLE
_CONTROL = "Ô có ký tự điều khiển không in được ({v}). Hãy xóa ô rồi gõ lại số, ví dụ 38,5."
_FORMULA_ERROR = "Ô đang báo lỗi công thức {v}. Hãy sửa công thức hoặc ghi thẳng con số, ví dụ 38,5."
_CHECKBOX = "Ô đang là ô đánh dấu ({v}), không phải một số. " + _EXAMPLE
_DATE = "Ô đang là ngày tháng ({v}), không phải một số. Hãy định dạng ô là số rồi ghi số, ví dụ 38,5."
_NOTE = "ghi {v}, tính là {n}"


def read_decimals(cells: pd.Series) -> NumberColumn:
    """Read one decimal column into Float64 values; ``cells`` is an object Series, its index is kept.

    >>> col = read_decimals(pd.Series(["1,5", "1.234,5", "2.5", "khoảng 3,5 ha", None, "-1"]))
    >>> col.values.tolist()
    [1.5, 1234.5, 2.5, 3.5, <NA>, <NA>]
    >>> col.notes[3]
    'ghi “khoảng 3,5 ha”, tính là 3,5'
    """
    return read_column(cells, _READERS, whole=False)


def _from_numbers(cells: pd.Series) -> Iterator[pd.DataFrame]:
    """Typed numbers (UNFORMATTED_VALUE, openpyxl) are taken as is: 38.5 → 38.5; -1 → problem."""
    value = typed_numbers(cells)
    codes = np.select([~np.isfinite(value) | (value >= MAX_VALUE), value < 0], ["too_big", "negative"], default="")
    problems = typed_problems(codes, lambda code, row: _typed_problem(code, cells.iloc[row]))
    yield frame(cells.index, np.where(codes == "", value, np.nan), problems)


def _typed_problem(code: str, cell: Any) -> str:
    return (_TOO_BIG if code == "too_big" else _NEGATIVE).format(v=quote(shown(cell)))


def _read_text(text: str) -> Reading:
    """One distinct cleaned text that is not a plain decimal: words, units, mistakes.

    >>> _read_text("khoảng 1.200,5 tấn")
    (1200.5, 'ghi “khoảng 1.200,5 tấn”, tính là 1.200,5', None)
    """
    early = checked(text, _TOO_LONG, _CONTROL, _FORMULA_ERROR)
    if early is not None:
        return early
    folded = fold(text)
    if folded.rstrip(".!") in ZERO_WORDS:  # "Không." and "Không có!" are still zero
        return 0.0, None, None
    words = split_words(folded)
    if words is None:
        return problem(_SEVERAL if re.search("[0-9]", folded) else _NOT_A_NUMBER, text)
    before, token, after = words
    value = read_token(token, comma_is_decimal=True)
    if before in MINUS:
        return (0.0, None, None) if value == 0 else problem(_NEGATIVE, text)
    if value is None:
        return problem(_UNREADABLE, text)
    if before and before not in APPROXIMATE:
        return problem(_NOT_A_NUMBER, text)
    if "%" in after or "phan tram" in after:
        return problem(_PERCENT, text)
    if SCALE_WORDS.intersection(re.findall("[a-z]+", after)):
        return problem(_SCALED, text)
    if value >= MAX_VALUE:
        return problem(_TOO_BIG, text)
    note = _NOTE.format(v=quote(text), n=decimal_text(value)) if before or after.strip(" .") else None
    return float(value), note, None


_READERS = {
    CellKind.TEXT: text_reader(plain_decimals, _read_text),
    CellKind.NUMBER: _from_numbers,
    **odd_kinds(_CHECKBOX, _DATE, _NOT_A_NUMBER),
}
