"""Decimal and percent cells: every line of CONTRACT §3 `decimal` and `percent`, typed API values
(with and without a percentage format), hostile cells."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import pytest

from aggregator.cells import NumberColumn, read_decimals, read_percents

UNKNOWN, NOTE, PROBLEM = "unknown", "note", "problem"

# (cell, expected value or None, what else: None | NOTE | PROBLEM | UNKNOWN, id)
DECIMAL_CASES: list[tuple[Any, float | None, str | None, str]] = [
    # "," is the decimal mark: `1,5` → 1.5; `1.234,5` → 1234.5
    ("1,5", 1.5, None, "comma-decimal"),
    ("38,5", 38.5, None, "two-digits"),
    ("0,5", 0.5, None, "half"),
    ("1.234,5", 1234.5, None, "thousands-and-decimal"),
    ("1 234,5", 1234.5, None, "space-thousands-and-decimal"),
    ("1.234.567,89", 1234567.89, None, "millions-and-decimal"),
    ("1,234", 1.234, None, "comma-three-digits-is-decimal"),
    ("1,00", 1.0, None, "zero-fraction"),
    ("0042,5", 42.5, None, "leading-zeros"),
    # "." groups thousands: `1.234` → 1234
    ("1.234", 1234.0, None, "dot-thousands"),
    ("1.234.567", 1234567.0, None, "dot-millions"),
    ("1234", 1234.0, None, "plain"),
    # `2.5` → 2.5: a lone "." followed by 1–2 digits
    ("2.5", 2.5, None, "lone-dot-one-digit"),
    ("12.34", 12.34, None, "lone-dot-two-digits"),
    ("0.500", 0.5, None, "zero-dot-is-no-thousands"),
    ("1,234.5", 1234.5, None, "english-both-marks"),
    ("1,234,567", 1234567.0, None, "english-thousands"),
    # approximate and unit words as for counts: the value, with a note
    ("khoảng 3,5", 3.5, NOTE, "khoang"),
    ("~38,5", 38.5, NOTE, "tilde"),
    ("3,5 ha", 3.5, NOTE, "unit-ha"),
    ("khoảng 1.200,5 tấn", 1200.5, NOTE, "khoang-tan"),
    ("khoảng 1,234", 1.234, NOTE, "khoang-comma-three-digits-is-decimal"),
    ("khoảng 2.5", 2.5, NOTE, "khoang-lone-dot"),
    # empty → unknown, never zero
    ("", None, UNKNOWN, "empty-text"),
    ("  ", None, UNKNOWN, "blank-text"),
    (None, None, UNKNOWN, "none"),
    (float("nan"), None, UNKNOWN, "nan"),
    # `0`, `không`, `-`, `không có` → 0
    ("0", 0.0, None, "zero"),
    ("0,0", 0.0, None, "zero-comma"),
    ("không", 0.0, None, "khong"),
    ("-", 0.0, None, "dash"),
    ("không có", 0.0, None, "khong-co"),
    (unicodedata.normalize("NFD", "Không có"), 0.0, None, "khong-co-nfd"),
    # negative → problem: results of an activity are never negative
    ("-1,5", None, PROBLEM, "negative"),
    ("− 2", None, PROBLEM, "negative-minus-sign"),
    # text, unclear numbers, errors → problem
    ("abc", None, PROBLEM, "text"),
    ("1.2345", None, PROBLEM, "dot-four-digits"),
    ("1.234.5", None, PROBLEM, "same-mark-twice"),
    ("1,234,5", None, PROBLEM, "same-comma-twice"),
    ("12,5 - 13", None, PROBLEM, "range"),
    ("2 nghìn", None, PROBLEM, "scale-word"),
    ("38,5%", None, PROBLEM, "percent"),
    ("#DIV/0!", None, PROBLEM, "div0-error"),
    ("1.000.000.000.000.000", None, PROBLEM, "too-big-text"),
    ("9" * 30 + ",5", None, PROBLEM, "thirty-digits"),
    # typed numbers are taken as is
    (38.5, 38.5, None, "typed-float"),
    (7, 7.0, None, "typed-int"),
    (np.float64(0.125), 0.125, None, "typed-numpy"),
    (-1.0, None, PROBLEM, "typed-negative"),
    (float("inf"), None, PROBLEM, "typed-infinity"),
    (10**20, None, PROBLEM, "typed-huge"),
    (True, None, PROBLEM, "checkbox"),
    (dt.datetime(2024, 11, 8), None, PROBLEM, "datetime"),
    (object(), None, PROBLEM, "unexpected-object"),
    # hostile and invisible
    ("\u200b38,5\u00a0", 38.5, None, "invisible"),
    ("３８,５", 38.5, None, "full-width"),
    ("9" * 10_000, None, PROBLEM, "ten-thousand-digits"),
    ("38,5\x1b", None, PROBLEM, "escape"),
]

# (cell, %-formatted?, expected value on the 0–100 scale or None, other, id)
PERCENT_CASES: list[tuple[Any, bool, float | None, str | None, str]] = [
    # `85%`, `85 %`, `72,5%` → 85.0 / 72.5
    ("85%", False, 85.0, None, "percent"),
    ("85 %", False, 85.0, None, "percent-spaced"),
    ("72,5%", False, 72.5, None, "comma-decimal"),
    ("72.5 %", False, 72.5, None, "dot-decimal"),
    ("100%", False, 100.0, None, "hundred"),
    ("150%", False, 150.0, None, "over-hundred-is-real"),
    ("1.000%", False, 1000.0, None, "thousand-is-the-limit"),
    ("0%", False, 0.0, None, "zero-percent"),
    ("85 phần trăm", False, 85.0, None, "phan-tram"),
    ("８５％", False, 85.0, None, "full-width"),
    # a bare number typed in an unformatted cell is taken as typed
    ("85", False, 85.0, None, "bare-text"),
    ("0", False, 0.0, None, "bare-zero"),
    (85, False, 85.0, None, "typed-int"),
    (72.5, False, 72.5, None, "typed-float"),
    ("0,85", False, 0.85, NOTE, "bare-fraction-noted"),
    (0.85, False, 0.85, NOTE, "typed-fraction-unformatted-noted"),
    # a %-formatted cell holds the fraction: 0.85 → 85.0
    (0.85, True, 85.0, None, "formatted-fraction"),
    (0.725, True, 72.5, None, "formatted-float-rounding"),
    (1, True, 100.0, None, "formatted-one"),
    (1.5, True, 150.0, None, "formatted-over-hundred"),
    (0, True, 0.0, None, "formatted-zero"),
    ("85%", True, 85.0, None, "text-in-formatted-cell-read-as-typed"),
    # approximate words: the value, with a note
    ("khoảng 85%", False, 85.0, NOTE, "khoang"),
    ("trên 90 %", False, 90.0, NOTE, "tren"),
    ("85% (đạt)", False, 85.0, NOTE, "remark"),
    # empty → unknown
    ("", False, None, UNKNOWN, "empty"),
    (None, True, None, UNKNOWN, "none-formatted"),
    (float("nan"), False, None, UNKNOWN, "nan"),
    # problems: negative, > 1000 %, text, several numbers, zero words (0 % or no figure?)
    ("-5%", False, None, PROBLEM, "negative"),
    (-0.1, True, None, PROBLEM, "formatted-negative"),
    ("1.500%", False, None, PROBLEM, "over-thousand"),
    ("1500", False, None, PROBLEM, "bare-over-thousand"),
    (12.0, True, None, PROBLEM, "formatted-over-thousand"),
    ("abc", False, None, PROBLEM, "text"),
    ("85 người", False, None, PROBLEM, "count-in-percent-column"),
    ("80-90%", False, None, PROBLEM, "range"),
    ("17/20", False, None, PROBLEM, "fraction-of-two-numbers"),
    ("không", False, None, PROBLEM, "khong"),
    ("-", False, None, PROBLEM, "dash"),
    ("1.2345%", False, None, PROBLEM, "unreadable"),
    ("9" * 30 + "%", False, None, PROBLEM, "thirty-digits"),
    ("#REF!", False, None, PROBLEM, "ref-error"),
    (float("inf"), True, None, PROBLEM, "formatted-infinity"),
    (True, True, None, PROBLEM, "checkbox"),
    (dt.date(2024, 11, 8), False, None, PROBLEM, "date"),
    ("x" * 10_000, False, None, PROBLEM, "ten-thousand-chars"),
    ("85%\x00", False, None, PROBLEM, "nul"),
]


def check(col: NumberColumn, row: Any, value: float | None, other: str | None) -> None:
    got = col.values[row]
    assert (got is pd.NA) if value is None else (got == value), got
    assert (col.notes[row] is not None) == (other == NOTE), col.notes[row]
    assert (col.problems[row] is not None) == (other == PROBLEM), col.problems[row]


@pytest.mark.parametrize(
    ("cell", "value", "other"), [c[:3] for c in DECIMAL_CASES], ids=[c[3] for c in DECIMAL_CASES]
)
def test_decimal_cell(cell: Any, value: float | None, other: str | None) -> None:
    check(read_decimals(pd.Series([cell], dtype=object)), 0, value, other)


@pytest.mark.parametrize(
    ("cell", "formatted", "value", "other"), [c[:4] for c in PERCENT_CASES], ids=[c[4] for c in PERCENT_CASES]
)
def test_percent_cell(cell: Any, formatted: bool, value: float | None, other: str | None) -> None:
    check(read_percents(pd.Series([cell], dtype=object), pd.Series([formatted])), 0, value, other)


def test_decimal_cells_read_together_as_one_mixed_column_give_the_same_answers() -> None:
    cells = pd.Series([c[0] for c in DECIMAL_CASES], index=[c[3] for c in DECIMAL_CASES], dtype=object)
    col = read_decimals(cells)
    for cell, value, other, case_id in DECIMAL_CASES:
        check(col, case_id, value, other)
        single = read_decimals(pd.Series([cell], dtype=object))
        assert (col.notes[case_id], col.problems[case_id]) == (single.notes[0], single.problems[0])


def test_percent_cells_read_together_as_one_mixed_column_give_the_same_answers() -> None:
    cells = pd.Series([c[0] for c in PERCENT_CASES], index=[c[4] for c in PERCENT_CASES], dtype=object)
    flags = pd.Series([c[1] for c in PERCENT_CASES], index=cells.index)
    col = read_percents(cells, flags)
    for cell, formatted, value, other, case_id in PERCENT_CASES:
        check(col, case_id, value, other)
        single = read_percents(pd.Series([cell], dtype=object), formatted)
        assert (col.notes[case_id], col.problems[case_id]) == (single.notes[0], single.problems[0])


def test_percent_flags_follow_the_cells_in_order_whatever_the_index() -> None:
    cells = pd.Series([0.85, 0.85, "72,5%"], index=["b", "a", "b"], dtype=object)
    col = read_percents(cells, pd.Series([True, None, False], index=[10, 11, 12], dtype=object))
    assert col.values.tolist() == [85.0, 0.85, 72.5]
    assert col.values.index.equals(cells.index)


def test_percent_formatting_of_the_whole_column_as_one_flag() -> None:
    cells = pd.Series([0.85, 0.5, "90%"], dtype=object)
    assert read_percents(cells, True).values.tolist() == [85.0, 50.0, 90.0]
    assert read_percents(cells).values.tolist() == [0.85, 0.5, 90.0]


def test_percent_flags_of_another_length_are_a_caller_error() -> None:
    with pytest.raises(ValueError, match="2 flags for 3 cells"):
        read_percents(pd.Series([1, 2, 3], dtype=object), pd.Series([True, False]))


MESSAGES = [
    (read_decimals, "abc", "ví dụ 38,5"),
    (read_decimals, "-1,5", "không được âm"),
    (read_decimals, "1.2345", "dấu chấm ngăn hàng nghìn, dấu phẩy ngăn phần thập phân"),
    (read_percents, "abc", "ví dụ 85% hoặc 72,5%"),
    (read_percents, "-5%", "Tỷ lệ không được âm"),
    (read_percents, "1.500%", "lớn hơn 1.000 %"),
    (read_percents, "-", "Hãy ghi 0% nếu tỷ lệ bằng 0, để trống nếu chưa có số liệu"),
]


@pytest.mark.parametrize(("read", "cell", "part"), MESSAGES, ids=[f"{m[0].__name__}-{m[1]}" for m in MESSAGES])
def test_problem_hints_fit_the_type(read: Any, cell: str, part: str) -> None:
    message = read(pd.Series([cell], dtype=object)).problems[0]
    assert part in message
    assert f"“{cell}”" in message  # quotes the cell


def test_percent_from_a_formatted_cell_is_quoted_as_the_sheet_shows_it() -> None:
    col = read_percents(pd.Series([12.0, 0.0085], dtype=object), pd.Series([True, False]))
    assert "“1.200%”" in col.problems[0]
    assert col.notes[1] == "ghi “0,0085”, tính là 0,0085 %; nếu là 0,85 % hãy ghi 0,85%"


def test_decimal_and_percent_values_are_float64_and_keep_the_index() -> None:
    cells = pd.Series(["38,5", None, "abc"], index=pd.Index([4, 5, 6], name="row"), dtype=object)
    for col in (read_decimals(cells), read_percents(cells)):
        for series in (col.values, col.notes, col.problems):
            assert series.index.equals(cells.index)
        assert col.values.dtype == "Float64"
        assert col.values.tolist() == [38.5, pd.NA, pd.NA]
