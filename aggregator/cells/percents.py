"""Percent cells on the 0–100 scale (CONTRACT §3, `percent`), vectorised and pure.

Text is read as typed: "85%", "85 %", "72,5%", "72.5 %" and a bare "85" → 85.0. A typed number is
taken as is, except in a cell formatted as a percentage: there the sheet holds the fraction (Sheets'
UNFORMATTED_VALUE and openpyxl give 0.85 for a typed "85%"), so it is ×100. A bare fraction such as
"0,85" in an unformatted cell stays 0.85 %, with a note asking whether 85 % was meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import numpy as np
import pandas as pd

from aggregator.cells.numeric import (
    APPROXIMATE,
    MINUS,
    ZERO_WORDS,
    NumberColumn,
    Reader,
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

__all__ = ["read_percents"]

MAX_PERCENT = 1000  # "đạt 150% kế hoạch" is real; 1.500 % is a typo or a count in the wrong column

_EXAMPLE = "Hãy ghi tỷ lệ phần trăm, ví dụ 85% hoặc 72,5%."
_NOT_A_PERCENT = "Ô phải là một tỷ lệ phần trăm; ô đang ghi {v}. " + _EXAMPLE
_UNREADABLE = "Không đọc được tỷ lệ {v}. Hãy dùng dấu phẩy ngăn phần thập phân, ví dụ 85% hoặc 72,5%."
_NEGATIVE = "Tỷ lệ không được âm; ô đang ghi {v}. " + _EXAMPLE
_TOO_BIG = (
    "Tỷ lệ {v} lớn hơn 1.000 %. Hãy kiểm tra lại (dấu chấm ngăn hàng nghìn, dấu phẩy ngăn phần thập phân), "
    "ví dụ 85% hoặc 72,5%."
)
_ZERO_WORD = "Ô ghi {v}, không phải một tỷ lệ. Hãy ghi 0% nếu tỷ lệ bằng 0, để trống nếu chưa có số liệu."
_SEVERAL = "Ô ghi nhiều số ({v}); mỗi ô chỉ ghi một tỷ lệ. Hãy tính ra phần trăm, ví dụ 85%."
_TOO_LONG = "Ô quá dài ({n} ký tự) để là một tỷ lệ: {v}. " + _EXAMPLE
_CONTROL = "Ô có ký tự điều khiển không in được ({v}). Hãy xóa ô rồi gõ lại, ví dụ 85% hoặc 72,5%."
_FORMULA_ERROR = "Ô đang báo lỗi công thức {v}. Hãy sửa công thức hoặc ghi thẳng tỷ lệ, ví dụ 85%."
_CHECKBOX = "Ô đang là ô đánh dấu ({v}), không phải một tỷ lệ. " + _EXAMPLE
_DATE = "Ô đang là ngày tháng ({v}), không phải một tỷ lệ. " + _EXAMPLE
_NOTE = "ghi {v}, tính là {n} %"
_FRACTION_NOTE = "ghi {v}, tính là {n} %; nếu là {m} % hãy ghi {m}%"

_PERCENT_SIGN = re.compile(r"\s*(?:%|phan tram)")


def read_percents(cells: pd.Series, percent_formatted: pd.Series | bool | None = None) -> NumberColumn:
    """Read one percent column into Float64 values on the 0–100 scale; the index of ``cells`` is kept.

    ``percent_formatted`` says which cells the sheet formats as a percentage: a bool Series in the
    order of ``cells`` (None/NA = not formatted), or one bool for the whole column.

    >>> col = read_percents(pd.Series(["85%", "72,5 %", 0.85, 85]), pd.Series([False, False, True, False]))
    >>> col.values.tolist()
    [85.0, 72.5, 85.0, 85.0]

    Raises:
        ValueError: ``percent_formatted`` is a Series of another length than ``cells``.
    """
    formatted = _formatted(percent_formatted, len(cells))
    readers: dict[CellKind, Reader] = {
        CellKind.TEXT: text_reader(_plain_percents, _read_text),
        CellKind.NUMBER: lambda numbers: _from_numbers(numbers, formatted),
        **odd_kinds(_CHECKBOX, _DATE, _NOT_A_PERCENT),
    }
    return read_column(cells, readers, whole=False)


def _formatted(percent_formatted: pd.Series | bool | None, length: int) -> np.ndarray:
    if percent_formatted is None or isinstance(percent_formatted, bool | np.bool_):
        return np.full(length, bool(percent_formatted))
    if len(percent_formatted) != length:
        raise ValueError(f"percent_formatted has {len(percent_formatted)} flags for {length} cells")
    flags = pd.array(percent_formatted.to_numpy(dtype=object), dtype="boolean")
    return flags.fillna(False).to_numpy(dtype=bool)


def _plain_percents(clean: pd.Series) -> pd.Series:
    """Column-wide: "85%", "72,5 %", "85"; a bare fraction ("0,85") and values over 1.000 go one by one."""
    value = plain_decimals(clean, suffix=r"\s?%?")
    signed = clean[value.index].str.endswith("%")
    keep = (value <= MAX_PERCENT) & (signed | (value == 0) | (value >= 1))
    return value[keep]


def _from_numbers(cells: pd.Series, formatted: np.ndarray) -> Iterator[pd.DataFrame]:
    """Typed numbers: ×100 in a %-formatted cell (0.85 → 85.0), as typed elsewhere (85 → 85.0)."""
    flagged = formatted[cells.index.to_numpy(dtype=np.intp)]
    typed = typed_numbers(cells)
    with np.errstate(over="ignore", invalid="ignore"):  # ±inf×100 stays infinite: a problem below
        value = np.where(flagged, np.round(typed * 100, 9), typed)
    codes = np.select([~np.isfinite(value) | (value > MAX_PERCENT), value < 0], ["too_big", "negative"], default="")

    def seen(row: int) -> str:  # as the sheet shows it: a %-formatted 0.85 reads "85%"
        flag, number = flagged[row], value[row]
        return f"{decimal_text(number)}%" if flag and np.isfinite(number) else shown(cells.iloc[row])

    problems = typed_problems(codes, lambda code, row: _typed_problem(code, seen(row)))
    small = np.where((codes == "") & ~flagged & (value > 0) & (value < 1), "small", "")
    notes = typed_problems(small, lambda _code, row: _fraction_note(seen(row), value[row]))
    yield frame(cells.index, np.where(codes == "", value, np.nan), problems, notes)


def _typed_problem(code: str, seen: str) -> str:
    return (_TOO_BIG if code == "too_big" else _NEGATIVE).format(v=quote(seen))


def _fraction_note(text: str, value: float) -> str:
    """0 < value < 1 typed without "%": most likely a fraction of one; keep it, but say so."""
    return _FRACTION_NOTE.format(v=quote(text), n=decimal_text(value), m=decimal_text(round(value * 100, 9)))


def _read_text(text: str) -> Reading:
    """One distinct cleaned text that is not a plain percent.

    >>> _read_text("khoảng 85 %")
    (85.0, 'ghi “khoảng 85 %”, tính là 85 %', None)
    """
    early = checked(text, _TOO_LONG, _CONTROL, _FORMULA_ERROR)
    if early is not None:
        return early
    folded = fold(text)
    if folded.rstrip(".!") in ZERO_WORDS:  # "-" or "không": 0 %, or no figure yet? Ask.
        return problem(_ZERO_WORD, text)
    words = split_words(folded)
    if words is None:
        return problem(_SEVERAL if re.search("[0-9]", folded) else _NOT_A_PERCENT, text)
    before, token, after = words
    value = read_token(token, comma_is_decimal=True)
    if before in MINUS:
        return (0.0, None, None) if value == 0 else problem(_NEGATIVE, text)
    if value is None:
        return problem(_UNREADABLE, text)
    if before and before not in APPROXIMATE:
        return problem(_NOT_A_PERCENT, text)
    return _read_after(text, float(value), before, after)


def _read_after(text: str, value: float, before: str, after: str) -> Reading:
    """What follows the number: "%" (maybe with a remark), nothing, or a unit that is no percent."""
    sign = _PERCENT_SIGN.match(after)
    rest = after[sign.end() :] if sign else after
    if rest.strip(" .") and not sign:  # "85 người": a count in a percent column
        return problem(_NOT_A_PERCENT, text)
    if value > MAX_PERCENT:
        return problem(_TOO_BIG, text)
    if not sign and 0 < value < 1:
        return value, _fraction_note(text, value), None
    note = _NOTE.format(v=quote(text), n=decimal_text(value)) if before or rest.strip(" .") else None
    return value, note, None
