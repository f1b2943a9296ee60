"""Money cells (đồng): every line of CONTRACT §3 `money`, the forms clerks type, typed API values, hostile cells."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any

import numpy as np
import pandas as pd
import pytest

from aggregator.cells import NumberColumn, read_money

UNKNOWN, NOTE, PROBLEM = "unknown", "note", "problem"

# (cell, expected đồng or None, what else: None | NOTE | PROBLEM | UNKNOWN, id)
MONEY_CASES: list[tuple[Any, int | None, str | None, str]] = [
    # `12.500.000`, `12.500.000 đ`/`đồng`/`VNĐ` → 12500000
    ("12.500.000", 12_500_000, None, "dot-thousands"),
    ("12,500,000", 12_500_000, None, "comma-thousands"),
    ("12 500 000", 12_500_000, None, "space-thousands"),
    ("12\u00a0500\u00a0000", 12_500_000, None, "nbsp-thousands"),
    ("12500000", 12_500_000, None, "plain"),
    ("12.500.000 đ", 12_500_000, None, "d-spaced"),
    ("12.500.000đ", 12_500_000, None, "d-glued"),
    ("12.500.000 đồng", 12_500_000, None, "dong"),
    ("12.500.000 Đồng", 12_500_000, None, "dong-capital"),
    ("12.500.000 VNĐ", 12_500_000, None, "vnd-upper"),
    ("12.500.000 VND", 12_500_000, None, "vnd-no-stroke"),
    ("12.500.000 vnd", 12_500_000, None, "vnd-lower"),
    ("12.500.000₫", 12_500_000, None, "dong-sign"),
    ("12.500.000 dong", 12_500_000, None, "dong-no-accents"),
    ("VNĐ 12.500.000", 12_500_000, None, "vnd-first"),
    ("đ 12.500.000", 12_500_000, None, "d-first"),
    ("₫12.500.000", 12_500_000, None, "dong-sign-first"),
    ("Kinh phí: VNĐ 12.500.000", 12_500_000, NOTE, "label-then-vnd-first"),
    ("USD 200", None, PROBLEM, "usd-first"),
    ("12.500.000,00", 12_500_000, None, "zero-fraction"),
    ("12,500,000.00", 12_500_000, None, "english-zero-fraction"),
    ("1.234", 1234, None, "thousand"),
    ("1,234", 1234, None, "comma-thousand"),
    # `2,5 triệu` → 2500000; `1,2 tỷ` → 1200000000; `15tr` → 15000000; `500 nghìn`/`ngàn` → 500000
    ("2,5 triệu", 2_500_000, None, "trieu"),
    ("2.5 triệu", 2_500_000, None, "trieu-dot-decimal"),
    ("2,5tr", 2_500_000, None, "tr-glued"),
    ("15tr", 15_000_000, None, "15tr"),
    ("15 tr", 15_000_000, None, "15-tr"),
    ("15 TR", 15_000_000, None, "15-tr-upper"),
    ("15 tr.", 15_000_000, None, "tr-full-stop"),
    ("15trđ", 15_000_000, None, "trd"),
    ("2,5 triệu đồng", 2_500_000, None, "trieu-dong"),
    ("1,2 tỷ", 1_200_000_000, None, "ty"),
    ("1,2 tỉ", 1_200_000_000, None, "ti"),
    ("1,2 tỷ đồng", 1_200_000_000, None, "ty-dong"),
    ("1.500 triệu", 1_500_000_000, None, "thousands-of-millions"),
    ("500 nghìn", 500_000, None, "nghin"),
    ("500 ngàn", 500_000, None, "ngan"),
    ("500k", 500_000, None, "k"),
    ("500K", 500_000, None, "k-upper"),
    ("1,5k", 1_500, None, "k-decimal"),
    # combinations a clerk writes
    ("1 tỷ 200 triệu", 1_200_000_000, None, "ty-trieu"),
    ("1 triệu 500 nghìn", 1_500_000, None, "trieu-nghin"),
    ("1 tỷ 200 triệu 500 nghìn đồng", 1_200_500_000, None, "ty-trieu-nghin-dong"),
    ("1tr5", 1_500_000, NOTE, "colloquial-1tr5"),
    ("2 tỷ 3", 2_300_000_000, NOTE, "colloquial-2-ty-3"),
    ("1 triệu 250", 1_250_000, NOTE, "colloquial-three-digits"),
    # approximate words as for counts: the value, with a note
    ("khoảng 5 triệu", 5_000_000, NOTE, "khoang"),
    ("~ 2 tỷ", 2_000_000_000, NOTE, "tilde"),
    ("gần 12.500.000 đ", 12_500_000, NOTE, "gan"),
    ("tổng 1,2 tỷ đồng", 1_200_000_000, NOTE, "tong"),
    ("Kinh phí: 5 triệu", 5_000_000, NOTE, "label"),
    ("12.500.000 đ/năm", 12_500_000, NOTE, "per-year"),
    ("3.000.000đ (đã chi)", 3_000_000, NOTE, "remark"),
    # empty → unknown, never zero
    ("", None, UNKNOWN, "empty-text"),
    ("   ", None, UNKNOWN, "blank-text"),
    (None, None, UNKNOWN, "none"),
    (float("nan"), None, UNKNOWN, "nan"),
    # `0`, `không`, `-`, `không có` → 0
    ("0", 0, None, "zero"),
    ("0 đ", 0, None, "zero-dong"),
    ("không", 0, None, "khong"),
    ("KHÔNG", 0, None, "khong-upper"),
    ("-", 0, None, "dash"),
    ("không có", 0, None, "khong-co"),
    ("Không có.", 0, None, "khong-co-full-stop"),
    (unicodedata.normalize("NFD", "không có"), 0, None, "khong-co-nfd"),
    # a fraction of a đồng → problem
    ("12.500.000,5", None, PROBLEM, "fraction"),
    ("2,5", None, PROBLEM, "scale-word-missing"),
    ("2.5", None, PROBLEM, "scale-word-missing-dot"),
    ("1,2345678 triệu", None, PROBLEM, "fraction-after-scale"),
    # "rưỡi" halves the scale word before it; an amount restated in words must say the same (cells/number_words.py)
    ("2 triệu rưỡi", 2_500_000, NOTE, "ruoi"),
    ("2 triệu rưỡi đồng", 2_500_000, NOTE, "ruoi-dong"),
    ("1 tỷ rưỡi", 1_500_000_000, NOTE, "ruoi-ty"),
    ("100.000.000 đ (một trăm triệu đồng)", 100_000_000, NOTE, "restated-in-brackets"),
    ("100.000.000 đồng. Bằng chữ: Một trăm triệu đồng", 100_000_000, NOTE, "restated-bang-chu"),
    ("1.250.000 (mot trieu hai tram nam muoi nghin)", 1_250_000, NOTE, "restated-unmarked"),
    ("Hai triệu rưỡi đồng", 2_500_000, NOTE, "words-only"),
    ("1.500.000 (tạm ứng)", 1_500_000, NOTE, "remark-in-brackets"),
    ("5.000.000 (năm triệu đồng) - tạm ứng", 5_000_000, NOTE, "restated-then-remark"),
    # negative, other text, errors → problem
    ("-5.000.000", None, PROBLEM, "negative"),
    ("- 5 triệu", None, PROBLEM, "negative-spaced"),
    ("abc", None, PROBLEM, "text"),
    ("#REF!", None, PROBLEM, "ref-error"),
    ("#N/A", None, PROBLEM, "na-error"),
    ("1.000.000 - 2.000.000", None, PROBLEM, "range"),
    ("1 triệu 2 tỷ", None, PROBLEM, "scales-out-of-order"),
    ("1 tỷ 1500 triệu", None, PROBLEM, "lower-part-too-big"),
    ("1,500 triệu", None, PROBLEM, "comma-ambiguous-with-scale"),
    ("5 triệu USD", None, PROBLEM, "foreign-currency"),
    ("$500", None, PROBLEM, "dollar-sign"),
    ("50%", None, PROBLEM, "percent"),
    ("5 trăm nghìn", None, PROBLEM, "number-words"),
    ("2,5 triệu rưỡi", None, PROBLEM, "ruoi-after-a-fraction"),
    ("1tr5 rưỡi", None, PROBLEM, "ruoi-after-colloquial"),
    ("100.000.000 đ (mười triệu đồng)", None, PROBLEM, "words-disagree"),
    ("100.000.000 đ một trăm triệu", None, PROBLEM, "words-not-aside"),
    ("12.500.000.5", None, PROBLEM, "bad-grouping"),
    ("1.000.000.000.000.000", None, PROBLEM, "too-big-text"),
    ("1 triệu tỷ", None, PROBLEM, "too-big-scaled"),
    ("1" * 30, None, PROBLEM, "thirty-digits"),
    ("1" * 30 + ",5", None, PROBLEM, "thirty-digits-and-a-fraction"),
    # typed numbers from the API (UNFORMATTED_VALUE) or openpyxl are taken as is
    (12_500_000, 12_500_000, None, "typed-int"),
    (12_500_000.0, 12_500_000, None, "typed-whole-float"),
    (0.1 + 0.2 + 12_499_999.7, 12_500_000, None, "typed-float-noise"),
    (np.int64(500_000), 500_000, None, "typed-numpy"),
    (0, 0, None, "typed-zero"),
    (0.5, None, PROBLEM, "typed-fraction"),
    (12_500_000.5, None, PROBLEM, "typed-big-fraction"),
    (-3, None, PROBLEM, "typed-negative"),
    (1e15, None, PROBLEM, "typed-too-big"),
    (float("inf"), None, PROBLEM, "typed-infinity"),
    (10**400, None, PROBLEM, "typed-beyond-float"),
    (True, None, PROBLEM, "checkbox"),
    (dt.datetime(2024, 11, 8), None, PROBLEM, "datetime"),
    (dt.date(2024, 11, 8), None, PROBLEM, "date"),
    (b"500", None, PROBLEM, "unexpected-object"),
    # hostile and invisible
    ("\u200b12.500.000\ufeff", 12_500_000, None, "zwsp-and-bom"),
    ("１２.５００.０００ đ", 12_500_000, None, "full-width-digits"),
    ("x" * 10_000, None, PROBLEM, "ten-thousand-chars"),
    ("1" * 10_000, None, PROBLEM, "ten-thousand-digits"),
    ("5 triệu\x00", None, PROBLEM, "nul"),
    ("1 " * 90 + "x", None, PROBLEM, "many-numbers"),
]


def check(col: NumberColumn, row: Any, value: int | None, other: str | None) -> None:
    got = col.values[row]
    assert (got is pd.NA) if value is None else (got == value), got
    assert (col.notes[row] is not None) == (other == NOTE), col.notes[row]
    assert (col.problems[row] is not None) == (other == PROBLEM), col.problems[row]


@pytest.mark.parametrize(("cell", "value", "other"), [c[:3] for c in MONEY_CASES], ids=[c[3] for c in MONEY_CASES])
def test_money_cell(cell: Any, value: int | None, other: str | None) -> None:
    check(read_money(pd.Series([cell], dtype=object)), 0, value, other)


def test_money_cells_read_together_as_one_mixed_column_give_the_same_answers() -> None:
    cells = pd.Series([c[0] for c in MONEY_CASES], index=[c[3] for c in MONEY_CASES], dtype=object)
    col = read_money(cells)
    for cell, value, other, case_id in MONEY_CASES:
        check(col, case_id, value, other)
        single = read_money(pd.Series([cell], dtype=object))
        assert col.notes[case_id] == single.notes[0]
        assert col.problems[case_id] == single.problems[0]


MONEY_MESSAGES = [
    ("2,5", "Nếu là 2,5 triệu đồng, hãy ghi 2,5 triệu hoặc 2.500.000."),
    (0.5, "Nếu là 0,5 triệu đồng, hãy ghi 0,5 triệu hoặc 500.000."),
    ("12.500.000,5", "phải tròn đến đồng; ô đang ghi “12.500.000,5”. Hãy bỏ phần lẻ của đồng"),
    ("abc", "ví dụ 12.500.000 hoặc 2,5 triệu"),
    ("1,500 triệu", "Hãy ghi 1,5 triệu hoặc 1.500 triệu"),
    ("-5.000.000", "Số tiền không được âm"),
    ("5 triệu USD", "Hãy quy ra đồng"),
    ("USD 200", "Hãy quy ra đồng"),
    (True, "không phải số tiền"),
    ("#REF!", "ghi thẳng số tiền"),
]


@pytest.mark.parametrize(("cell", "part"), MONEY_MESSAGES, ids=[str(c[0]) for c in MONEY_MESSAGES])
def test_money_problem_says_how_to_write_money(cell: Any, part: str) -> None:
    message = read_money(pd.Series([cell], dtype=object)).problems[0]
    assert part in message
    assert "hãy" in message.lower()  # says what to type instead


def test_money_note_names_what_was_typed_and_the_dong_counted() -> None:
    col = read_money(pd.Series(["khoảng 5 triệu", "1tr5"], dtype=object))
    assert col.notes.tolist() == [
        "ghi “khoảng 5 triệu”, tính là 5.000.000 đồng",
        "ghi “1tr5”, tính là 1.500.000 đồng",
    ]


def test_money_values_are_int64_and_keep_a_repeated_index() -> None:
    cells = pd.Series(["12.500.000 đ", None, "abc", "2,5 triệu"], index=[7, 7, 3, 9], dtype=object)
    col = read_money(cells)
    for series in (col.values, col.notes, col.problems):
        assert series.index.equals(cells.index)
    assert col.values.dtype == "Int64"
    assert col.values.tolist() == [12_500_000, pd.NA, pd.NA, 2_500_000]


def test_money_large_amounts_stay_exact() -> None:
    col = read_money(pd.Series(["999.999.999.999.999", "123 tỷ 456 triệu 789 nghìn"], dtype=object))
    assert col.values.tolist() == [999_999_999_999_999, 123_456_789_000]
