from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aggregator import vnformat


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(1234, 0, "1.234"), (12345678, 0, "12.345.678"), (0, 0, "0"), (85.5, 1, "85,5"), (8555.86, 2, "8.555,86"),
     (None, 0, "")],
)
def test_vnformat_number(value: float | None, decimals: int, text: str) -> None:
    assert vnformat.number(value, decimals) == text


@pytest.mark.parametrize(
    ("day", "text"),
    [(dt.date(2024, 11, 5), "ngày 05 tháng 11 năm 2024"), (dt.date(2023, 2, 28), "ngày 28 tháng 02 năm 2023"),
     (dt.date(2023, 3, 12), "ngày 12 tháng 3 năm 2023"), (dt.date(2020, 1, 1), "ngày 01 tháng 01 năm 2020")],
)
def test_vnformat_long_date_follows_nd30(day: dt.date, text: str) -> None:
    assert vnformat.long_date(day) == text


def test_vnformat_percent_and_cutoff() -> None:
    assert vnformat.percent(131, 152) == "86,2 %"
    assert vnformat.percent(1, 0) == "0 %"
    moment = dt.datetime(2024, 11, 11, 8, 5)
    assert vnformat.cutoff_line(moment) == "08 giờ 05 phút, ngày 11 tháng 11 năm 2024"
    assert vnformat.short_datetime(moment) == "08:05 11/11/2024"


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [(75.25, 1, "75,3"), (78.75, 1, "78,8"), (2.675, 2, "2,68"), (0.05, 1, "0,1"), (1234567.5, 0, "1.234.568"),
     (73.45, 1, "73,5"), (12.5, 0, "13")],
)
def test_vnformat_halves_round_up_as_a_clerk_rounds(value: float, decimals: int, text: str) -> None:
    """Python's round() and format() round a binary tie to even (75.25 → 75,2); a clerk checking by hand gets 75,3."""
    assert vnformat.number(value, decimals) == text
    assert vnformat.trimmed(value, decimals) == text


@given(st.integers(-(10**30), 10**30))
def test_vnformat_whole_numbers_keep_every_digit_grouped_by_dots(value: int) -> None:
    digits = str(abs(value))
    groups = [digits[max(0, end - 3):end] for end in range(len(digits), 0, -3)][::-1]
    assert vnformat.number(value) == ("-" if value < 0 else "") + ".".join(groups)
