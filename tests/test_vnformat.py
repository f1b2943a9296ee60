from __future__ import annotations

import datetime as dt

import pytest

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
