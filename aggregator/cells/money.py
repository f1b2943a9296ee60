"""Money cells in đồng read the Vietnamese way (CONTRACT §3, `money`), vectorised and pure.

"12.500.000", "12,500,000", "12 500 000", with or without "đ"/"đồng"/"VNĐ", are read column-wide;
scale words ("2,5 triệu", "15tr", "1,2 tỷ", "500k", "1 tỷ 200 triệu", "1tr5"), approximate words
("khoảng 5 triệu") and mistakes once per distinct text. A value is whole đồng: a fraction of a đồng
is a problem whose hint guesses the missing scale word ("2,5" → "ghi 2,5 triệu hoặc 2.500.000").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from aggregator.cells.number_words import restated, said_aside
from aggregator.cells.numeric import (
    APPROXIMATE,
    MAX_VALUE,
    MINUS,
    PLAIN,
    ZERO_WORDS,
    NumberColumn,
    Reading,
    checked,
    comma_is_ambiguous,
    decimal_text,
    frame,
    odd_kinds,
    problem,
    read_column,
    read_token,
    text_reader,
    typed_problems,
)
from aggregator.cells.primitives import CellKind, fold, quote, shown, typed_numbers

__all__ = ["read_money", "scale_named"]

_EXAMPLE = "Hãy ghi số tiền bằng đồng, ví dụ 12.500.000 hoặc 2,5 triệu."
_NOT_MONEY = "Số tiền phải là một số đồng, không âm; ô đang ghi {v}. " + _EXAMPLE
_FRACTION = "Số tiền phải tròn đến đồng; ô đang ghi {v}. "
_FRACTION_SCALE = "Nếu là {x} triệu đồng, hãy ghi {x} triệu hoặc {full}."
_FRACTION_ROUND = "Hãy bỏ phần lẻ của đồng, ví dụ 12.500.000."
_NEGATIVE = "Số tiền không được âm; ô đang ghi {v}. Hãy ghi 0 nếu không có, để trống nếu chưa có số liệu."
_AMBIGUOUS = "Không rõ {v} là {a} hay {b} (dấu phẩy ngăn phần thập phân hay hàng nghìn?). Hãy ghi {a} hoặc {b}."
_UNREADABLE = "Không đọc được số tiền {v}. Hãy dùng dấu chấm ngăn hàng nghìn, ví dụ 12.500.000 hoặc 2,5 triệu."
_SEVERAL = "Ô ghi nhiều số ({v}); mỗi ô chỉ ghi một số tiền. Hãy ghi tổng, ví dụ 12.500.000 hoặc 1 tỷ 200 triệu."
_DISAGREE = ("Số tiền ghi bằng số ({a}) và bằng chữ ({b}) không khớp: ô đang ghi {v}. "
             "Hãy sửa cho khớp, hoặc chỉ ghi bằng số, ví dụ 12.500.000.")
_WORDED = "Không đọc được số tiền {v}. Hãy ghi bằng chữ số, ví dụ 12.500.000, 2,5 triệu hoặc 1 tỷ 200 triệu."
_FOREIGN = "Số tiền phải tính bằng đồng; ô đang ghi {v}. Hãy quy ra đồng, ví dụ 12.500.000."
_PERCENT = "Ô ghi tỷ lệ phần trăm ({v}), không phải số tiền. " + _EXAMPLE
_TOO_BIG = "Số tiền {v} quá lớn. Hãy kiểm tra lại, ví dụ 12.500.000 hoặc 2,5 triệu."
_TOO_LONG = "Ô quá dài ({n} ký tự) để là một số tiền: {v}. " + _EXAMPLE
_CONTROL = "Ô có ký tự điều khiển không in được ({v}). Hãy xóa ô rồi gõ lại số tiền, ví dụ 12.500.000."
_FORMULA_ERROR = "Ô đang báo lỗi công thức {v}. Hãy sửa công thức hoặc ghi thẳng số tiền, ví dụ 12.500.000."
_CHECKBOX = "Ô đang là ô đánh dấu ({v}), không phải số tiền. " + _EXAMPLE
_DATE = "Ô đang là ngày tháng ({v}), không phải số tiền. Hãy định dạng ô là số rồi ghi số tiền, ví dụ 12.500.000."
_NOTE = "ghi {v}, tính là {n} đồng"

_MAX_DIGITS = 15
# Column-wide, on cleaned text: a plain number, then maybe the currency ("12.500.000đ", "12,500,000 VNĐ").
_PLAIN_MONEY = rf"(?:{PLAIN})\s?(?:đ|đồng|vnđ|vnd|₫)?"

# Below, on folded text (lower case, no diacritics: "đồng" → "dong", "tỷ" → "ty", "VNĐ" → "vnd").
_CURRENCY = r"(?:dong|vnd|d|₫)"
_SCALES = {"k": 10**3, "nghin": 10**3, "ngan": 10**3, "tr": 10**6, "trieu": 10**6, "ty": 10**9, "ti": 10**9}
_SCALE_NAMES = {10**3: "nghìn", 10**6: "triệu", 10**9: "tỷ"}
# A scale word ends the word, or runs straight into the currency: "15trđ", "500kđ", "2 tỷ đồng".
_SCALE = rf"(?:trieu|tr|nghin|ngan|ty|ti|k)(?=\s*{_CURRENCY}?(?![a-z]))"
_NUMBER = r"[0-9](?:[0-9., ]*[0-9])?"
_TERM = re.compile(rf"(?P<number>{_NUMBER})\s*(?P<scale>{_SCALE})?")
_AMOUNT = re.compile(
    rf"(?P<before>[^0-9]*?)(?P<amount>(?:{_NUMBER}\s*{_SCALE}\s*)*{_NUMBER}(?:\s*{_SCALE})?)(?P<after>[^0-9]*)"
)
_AFTER = re.compile(rf"\s*(?:{_CURRENCY}(?![a-z]))?(?P<rest>.*)", re.DOTALL)
_CURRENCY_LAST = re.compile(rf"(?:^|(?<=[\s:])){_CURRENCY}$")
# Before the amount: what the cell is ("Kinh phí: 5 triệu"), on top of the approximate words.
_LABELS = frozenset({"kinh phi", "tong kinh phi", "so tien", "tong so tien", "tong tien", "chi phi", "tien", "kp"})
# A header that counts money in a larger unit: "Kinh phí (triệu đồng)", "Số tiền (tr.đ)", "nghìn đồng".
_SCALED_HEADER = re.compile(r"(triệu|nghìn|ngàn|tỷ) đồng|tr\.?đ\b")


def scale_named(header: str) -> str | None:
    """The larger unit a money column's header names ("triệu đồng"), or None (plain đồng).

    >>> scale_named("Kinh phí thực hiện (Triệu đồng)"), scale_named("Kinh phí (đồng)")
    ('triệu đồng', None)
    """
    found = _SCALED_HEADER.search(" ".join(unicodedata.normalize("NFC", header).lower().split()))
    return None if found is None else found.group(0) if "đồng" in found.group(0) else "triệu đồng"


_FOREIGN_MONEY = re.compile(r"(?<![a-z])(?:usd|eur|do la|dola|\$|€|£|¥)")
# Number words after the amount ("5 trăm nghìn"): ask for figures, unless they restate it ("(một trăm triệu)")
# or halve its scale word ("2 triệu rưỡi"), read by cells/number_words.py.
_NUMBER_WORDS = frozenset({"ruoi", "tram", "chuc", "van", "nghin", "ngan", "trieu", "ty", "ti", "tr", "k"})
# A formula's float may miss a whole đồng by a hair (0.1 + 0.2); more than this is a real fraction.
_FLOAT_NOISE = 1e-6
_HALF = re.compile(r"ruoi(?:\s*(?:dong|vnd|d|₫))?")  # "2 triệu rưỡi", "2 triệu rưỡi đồng"


def read_money(cells: pd.Series) -> NumberColumn:
    """Read one money column (đồng) into Int64 values; ``cells`` is an object Series, its index is kept.

    >>> col = read_money(pd.Series(["12.500.000 đ", "2,5 triệu", "khoảng 5 triệu", None, "2,5"]))
    >>> col.values.tolist()
    [12500000, 2500000, 5000000, <NA>, <NA>]
    >>> col.notes[2]
    'ghi “khoảng 5 triệu”, tính là 5.000.000 đồng'
    >>> col.problems[4]
    'Số tiền phải tròn đến đồng; ô đang ghi “2,5”. Nếu là 2,5 triệu đồng, hãy ghi 2,5 triệu hoặc 2.500.000.'
    """
    return read_column(cells, _READERS, whole=True)


def _plain_money(clean: pd.Series) -> pd.Series:
    """Column-wide: a plain amount, maybe with its currency; it has no decimals, so its digits are its value."""
    found = clean[clean.str.fullmatch(_PLAIN_MONEY, case=False)]
    digits = found.str.replace(r"[^0-9]", "", regex=True)
    digits = digits[digits.str.len() <= _MAX_DIGITS]  # longer ones get their message one by one
    return pd.Series(pd.to_numeric(digits).to_numpy(dtype=float), index=digits.index)


def _from_numbers(cells: pd.Series) -> Iterator[pd.DataFrame]:
    """Typed numbers (UNFORMATTED_VALUE, openpyxl) are taken as is: 12500000.0 → 12500000; 0.5 → problem."""
    value = typed_numbers(cells)
    finite = np.isfinite(value)
    rounded = np.round(np.where(finite, value, 0.0))
    whole = finite & (np.abs(np.where(finite, value, 0.0) - rounded) <= _FLOAT_NOISE)
    codes = np.select(
        [~finite | (value >= MAX_VALUE), value < 0, ~whole], ["too_big", "negative", "fraction"], default=""
    )
    problems = typed_problems(codes, lambda code, row: _typed_problem(code, cells.iloc[row]))
    yield frame(cells.index, np.where(codes == "", rounded, np.nan), problems)


def _typed_problem(code: str, cell: Any) -> str:
    quoted = quote(shown(cell))
    if code == "fraction":
        return _fraction(quoted, Decimal(repr(float(cell))), scaled=False)
    return (_TOO_BIG if code == "too_big" else _NEGATIVE).format(v=quoted)


def _fraction(quoted: str, value: Decimal, *, scaled: bool) -> str:
    """A fraction of a đồng; a small bare number most likely lacks its scale word: "2,5" → 2,5 triệu."""
    if scaled or value >= 1000:
        return _FRACTION.format(v=quoted) + _FRACTION_ROUND
    hint = _FRACTION_SCALE.format(x=decimal_text(value), full=decimal_text(value * 10**6))
    return _FRACTION.format(v=quoted) + hint


class _Amount(NamedTuple):
    value: Decimal  # in đồng
    scaled: bool  # a scale word was used: "2,5 triệu"
    colloquial: bool  # "1tr5" read as 1,5 triệu
    problem: Reading | None = None
    last_scale: int = 1  # the scale word that ends it, as a factor ("2 triệu": 10**6), else 1


def _read_text(text: str) -> Reading:
    """One distinct cleaned text that is not a plain amount.

    >>> _read_text("1 tỷ 200 triệu đồng")
    (1200000000.0, None, None)
    """
    early = checked(text, _TOO_LONG, _CONTROL, _FORMULA_ERROR)
    if early is not None:
        return early
    folded = fold(text)
    if folded.rstrip(".!") in ZERO_WORDS:  # "Không." and "Không có!" are still zero
        return 0.0, None, None
    found = _AMOUNT.fullmatch(folded)
    if found is None and not re.search("[0-9]", folded):
        said = restated(text)  # "Hai triệu rưỡi đồng"
        return problem(_NOT_MONEY, text) if said is None else _noted(text, said)
    if found is None:
        return problem(_SEVERAL, text)
    amount = _amount(text, found["amount"])
    # the currency may come first ("VNĐ 200.000", "Kinh phí: đ 5.000.000"): it says what the amount is in
    before = " ".join(_CURRENCY_LAST.sub("", found["before"].strip(" :")).strip(" :").split())
    if before in MINUS:
        return (0.0, None, None) if amount.problem is None and amount.value == 0 else problem(_NEGATIVE, text)
    if amount.problem is not None:
        return amount.problem
    if before and before not in APPROXIMATE | _LABELS:
        return problem(_FOREIGN if _FOREIGN_MONEY.search(before) else _NOT_MONEY, text)  # "USD 200"
    return _read_rest(text, amount, before, found["after"])


def _read_rest(text: str, amount: _Amount, before: str, after: str) -> Reading:
    """The amount is read; what follows it, the fraction and the size decide."""
    found = _AFTER.fullmatch(after)
    assert found is not None  # every text matches: the currency is optional, the rest is anything
    rest = found["rest"].strip(" .,;!()")
    if "%" in rest or "phan tram" in rest:
        return problem(_PERCENT, text)
    if _FOREIGN_MONEY.search(rest):
        return problem(_FOREIGN, text)
    if _NUMBER_WORDS.intersection(re.findall("[a-z]+", rest)):
        if not (_HALF.fullmatch(rest) and _halves(amount)):
            return _in_words(text, amount, found["rest"])
        amount = amount._replace(value=amount.value + Decimal(amount.last_scale) / 2)  # "2 triệu rưỡi", noted
    if amount.value >= MAX_VALUE:
        return problem(_TOO_BIG, text)
    if amount.value != amount.value.to_integral_value():
        return np.nan, None, _fraction(quote(text), amount.value, scaled=amount.scaled)
    noted = before or rest or amount.colloquial
    return float(amount.value), _NOTE.format(v=quote(text), n=decimal_text(amount.value)) if noted else None, None


def _halves(amount: _Amount) -> bool:
    """Whether "rưỡi" may follow ``amount``: it ends with a scale word after a whole number ("2 triệu")."""
    return amount.last_scale > 1 and not amount.colloquial and amount.value % amount.last_scale == 0


def _in_words(text: str, amount: _Amount, after: str) -> Reading:
    """Number words ``after`` the amount: the amount restated in words aside (in brackets, after "bằng chữ"),
    which must say the same; else a problem ("5 trăm nghìn": figures and words mixed)."""
    said = said_aside(after)
    if said is None:
        return problem(_WORDED, text)
    if said != amount.value:
        return problem(_DISAGREE, text, a=decimal_text(amount.value), b=decimal_text(said))
    return _noted(text, said)


def _noted(text: str, value: Decimal) -> Reading:
    """A whole amount read from words, with its note."""
    if value >= MAX_VALUE:
        return problem(_TOO_BIG, text)
    if value != value.to_integral_value():
        return np.nan, None, _fraction(quote(text), value, scaled=True)
    return float(value), _NOTE.format(v=quote(text), n=decimal_text(value)), None


def _amount(text: str, amount: str) -> _Amount:
    """The đồng in "2,5 tr", "1 ty 200 trieu", "1tr5" (1,5 triệu), "12.500.000"; or why not."""
    total, above = Decimal(0), 0
    for term in _TERM.finditer(amount):
        token, scale = term["number"], term["scale"]
        if scale is None and above:  # "1tr5", "2 tỷ 3": the leading digits of the next group down
            if not re.fullmatch("[0-9]{1,3}", token):
                return _Amount(total, True, False, problem(_SEVERAL, text))
            return _Amount(total + above * Decimal(token) / 10 ** len(token), True, True)
        factor = _SCALES[scale] if scale else 1
        if scale and comma_is_ambiguous(token):
            return _Amount(total, True, False, _ambiguous(text, token, factor))
        value = read_token(token, comma_is_decimal=scale is not None)
        if value is None:
            return _Amount(total, bool(scale), False, problem(_UNREADABLE, text))
        if above and value * factor >= above:  # "1 triệu 2 tỷ": not one amount
            return _Amount(total, True, False, problem(_SEVERAL, text))
        total, above = total + value * factor, factor
    return _Amount(total, above > 1, False, last_scale=factor if scale else 1)


def _ambiguous(text: str, token: str, factor: int) -> Reading:
    """"1,500 triệu": 1,5 triệu to a Vietnamese eye, 1.500 triệu to an English one. Ask."""
    name = _SCALE_NAMES[factor]
    as_decimal = decimal_text(Decimal(token.replace(",", ".")))
    as_thousands = decimal_text(Decimal(token.replace(",", "")))
    return problem(_AMBIGUOUS, text, a=f"{as_decimal} {name}", b=f"{as_thousands} {name}")


_READERS = {
    CellKind.TEXT: text_reader(_plain_money, _read_text),
    CellKind.NUMBER: _from_numbers,
    **odd_kinds(_CHECKBOX, _DATE, _NOT_MONEY),
}
