"""Cell readers: every line of CONTRACT §3 (count cells, dates), typed API values, hostile cells."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest

from aggregator.cells import CountColumn, DateColumn, read_counts, read_dates
from aggregator.cells.date_window import year_within
from aggregator.cells.dates import read_dates as read_dates_direct

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
UNKNOWN, NOTE, PROBLEM = "unknown", "note", "problem"

# (cell, expected value or None, what else: None | NOTE | PROBLEM | UNKNOWN, id)
COUNT_CASES: list[tuple[Any, int | None, str | None, str]] = [
    # `1234`, `1.234`, `1,234`, `1 234` → 1234 (thousands separators, Vietnamese "." first)
    ("1234", 1234, None, "plain"),
    ("1.234", 1234, None, "dot-thousands"),
    ("1,234", 1234, None, "comma-thousands"),
    ("1 234", 1234, None, "space-thousands"),
    ("1\u00a0234", 1234, None, "nbsp-thousands"),
    ("1\u202f234", 1234, None, "narrow-nbsp-thousands"),
    ("1.234.567", 1234567, None, "dot-millions"),
    ("1,234,567", 1234567, None, "comma-millions"),
    ("1 234 567", 1234567, None, "space-millions"),
    ("200.000", 200000, None, "dot-three-zeros-is-thousands"),
    ("0042", 42, None, "leading-zeros"),
    ("200,00", 200, None, "zero-fraction-is-whole"),
    # `1,5` or `1.5` in a count column → problem (a count must be whole)
    ("1,5", None, PROBLEM, "comma-decimal"),
    ("1.5", None, PROBLEM, "dot-decimal"),
    ("12,50", None, PROBLEM, "comma-two-decimals"),
    ("0,5", None, PROBLEM, "half"),
    ("1.2345", None, PROBLEM, "dot-four-decimals"),
    ("1.234,5", None, PROBLEM, "thousands-and-decimal"),
    ("1,234.5", None, PROBLEM, "english-thousands-and-decimal"),
    ("khoảng 1,5", None, PROBLEM, "approximate-decimal"),
    # approximate/unit words → the number, with a note, not a problem
    ("khoảng 200", 200, NOTE, "khoang"),
    ("Khoảng 200", 200, NOTE, "khoang-capital"),
    ("~200", 200, NOTE, "tilde"),
    ("~ 200", 200, NOTE, "tilde-space"),
    ("gần 200", 200, NOTE, "gan"),
    ("trên 200", 200, NOTE, "tren"),
    ("hơn 200", 200, NOTE, "hon"),
    ("200 người", 200, NOTE, "nguoi"),
    ("200 lượt", 200, NOTE, "luot"),
    ("khoảng 1.200 lượt", 1200, NOTE, "khoang-thousands-luot"),
    ("200 HS", 200, NOTE, "hs"),
    ("200 bài", 200, NOTE, "bai"),
    ("200+", 200, NOTE, "plus"),
    ("200 người trở lên", 200, NOTE, "tro-len"),
    ("0 người", 0, NOTE, "zero-with-unit"),
    # empty → unknown (null), not zero
    ("", None, UNKNOWN, "empty-text"),
    ("   ", None, UNKNOWN, "blank-text"),
    ("\u200b", None, UNKNOWN, "only-zero-width-space"),
    (None, None, UNKNOWN, "none"),
    (float("nan"), None, UNKNOWN, "nan"),
    # `0`, `không`, `-`, `không có` → 0
    ("0", 0, None, "zero"),
    ("không", 0, None, "khong"),
    ("Không", 0, None, "khong-capital"),
    ("KHÔNG", 0, None, "khong-upper"),
    ("khong", 0, None, "khong-no-accents"),
    ("-", 0, None, "dash"),
    (" – ", 0, None, "en-dash"),
    ("không có", 0, None, "khong-co"),
    ("Không có", 0, None, "khong-co-capital"),
    ("khong co", 0, None, "khong-co-no-accents"),
    ("Không.", 0, None, "khong-full-stop"),
    (unicodedata.normalize("NFD", "không có"), 0, None, "khong-co-nfd"),
    # negative, other text, `#REF!`-style errors → problem, value null
    ("-5", None, PROBLEM, "negative"),
    ("- 5", None, PROBLEM, "negative-spaced"),
    ("−5", None, PROBLEM, "negative-minus-sign"),
    ("abc", None, PROBLEM, "text"),
    ("chưa thống kê", None, PROBLEM, "not-counted-yet"),
    ("#REF!", None, PROBLEM, "ref-error"),
    ("#N/A", None, PROBLEM, "na-error"),
    ("#VALUE!", None, PROBLEM, "value-error"),
    ("#DIV/0!", None, PROBLEM, "div0-error"),
    ("#NAME?", None, PROBLEM, "name-error"),
    ("#ERROR!", None, PROBLEM, "error-error"),
    ("#NUM!", None, PROBLEM, "num-error"),
    ("#1", None, PROBLEM, "hash-number-is-no-formula-error"),
    ("200-300", None, PROBLEM, "range"),
    ("200 người, 50 HS", None, PROBLEM, "two-numbers"),
    ("2 nghìn", None, PROBLEM, "scale-word"),
    ("3k", None, PROBLEM, "scale-k"),
    ("50%", None, PROBLEM, "percent"),
    ("abc 200", None, PROBLEM, "unknown-word-before"),
    ("1.23.456", None, PROBLEM, "bad-grouping"),
    # a number typed in the sheet comes back typed (UNFORMATTED_VALUE / openpyxl): taken as is
    (200, 200, None, "typed-int"),
    (200.0, 200, None, "typed-whole-float"),
    (0, 0, None, "typed-zero"),
    (np.int64(7), 7, None, "typed-numpy-int"),
    (np.float64(7.0), 7, None, "typed-numpy-float"),
    (1234567, 1234567, None, "typed-million"),
    (1.5, None, PROBLEM, "typed-fraction"),
    (-5, None, PROBLEM, "typed-negative"),
    (-5.0, None, PROBLEM, "typed-negative-float"),
    (float("inf"), None, PROBLEM, "typed-infinity"),
    (10**20, None, PROBLEM, "typed-huge"),
    (10**400, None, PROBLEM, "typed-beyond-float"),
    (True, None, PROBLEM, "checkbox-true"),
    (False, None, PROBLEM, "checkbox-false"),
    (dt.datetime(2024, 11, 8), None, PROBLEM, "date-in-count-column"),
    (dt.date(2024, 11, 8), None, PROBLEM, "plain-date-in-count-column"),
    (b"200", None, PROBLEM, "unexpected-object"),
    # hostile and invisible
    ("\u200b1.234\ufeff", 1234, None, "zwsp-and-bom"),
    ("1\u200b234", 1234, None, "zwsp-inside"),
    (" 200\n", 200, None, "newline"),
    ("１２３４", 1234, None, "full-width-digits"),
    (unicodedata.normalize("NFD", "khoảng 200"), 200, NOTE, "nfd-khoang"),
    ("x" * 50_000, None, PROBLEM, "fifty-thousand-chars"),
    ("1" * 50_000, None, PROBLEM, "fifty-thousand-digits"),
    ("khoảng " + "9" * 30, None, PROBLEM, "thirty-digits"),
    ("1\x00234", None, PROBLEM, "nul"),
    ("\x1b[31m200", None, PROBLEM, "escape-sequence"),
    ("=SUM(A1:A3)", None, PROBLEM, "formula-text"),
]


def _check_count(col: CountColumn, row: Any, value: int | None, other: str | None) -> None:
    got = col.values[row]
    assert (got is pd.NA) if value is None else (got == value), got
    assert (col.notes[row] is not None) == (other == NOTE), col.notes[row]
    assert (col.problems[row] is not None) == (other == PROBLEM), col.problems[row]


@pytest.mark.parametrize(
    ("cell", "value", "other"), [c[:3] for c in COUNT_CASES], ids=[c[3] for c in COUNT_CASES]
)
def test_count_cell(cell: Any, value: int | None, other: str | None) -> None:
    col = read_counts(pd.Series([cell], dtype=object))
    _check_count(col, 0, value, other)


def test_count_cells_read_together_as_one_mixed_column_give_the_same_answers() -> None:
    cells = pd.Series(
        [case[0] for case in COUNT_CASES], index=[case[3] for case in COUNT_CASES], dtype=object
    )
    col = read_counts(cells)
    for cell, value, other, case_id in COUNT_CASES:
        single = read_counts(pd.Series([cell], dtype=object))
        _check_count(col, case_id, value, other)
        assert col.notes[case_id] == single.notes[0]
        assert col.problems[case_id] == single.problems[0]


def test_count_note_names_what_was_typed_and_what_was_counted() -> None:
    col = read_counts(pd.Series(["khoảng 1.200 lượt", "~200"], dtype=object))
    assert col.notes.tolist() == ["ghi “khoảng 1.200 lượt”, tính là 1.200", "ghi “~200”, tính là 200"]


PROBLEM_TEXTS = [
    ("abc", "“abc”"),
    ("-5", "“-5”"),
    ("1,5", "“1,5”"),
    ("#REF!", "“#REF!”"),
    ("2 nghìn", "“2 nghìn”"),
    (1.5, "“1,5”"),
    (True, "“TRUE”"),
]


@pytest.mark.parametrize(("cell", "quoted"), PROBLEM_TEXTS, ids=[str(c[0]) for c in PROBLEM_TEXTS])
def test_count_problem_quotes_the_cell_and_names_the_fix(cell: Any, quoted: str) -> None:
    message = read_counts(pd.Series([cell], dtype=object)).problems[0]
    assert quoted in message
    assert "hãy" in message.lower()  # says what to type instead


def test_count_problem_for_abc_reads_as_the_contract_example() -> None:
    message = read_counts(pd.Series(["abc"], dtype=object)).problems[0]
    assert message == "Số lượng phải là số nguyên, không âm; ô đang ghi “abc”. Hãy ghi một số, ví dụ 1.234."


def test_count_problem_quotes_long_cells_short_and_on_one_line() -> None:
    message = read_counts(pd.Series(["dòng một\ndòng hai " + "x" * 300], dtype=object)).problems[0]
    quoted = message[message.index("“") : message.index("”") + 1]
    assert len(quoted) <= 62
    assert "\n" not in message
    assert quoted.endswith("…”")


def test_count_results_keep_the_index_and_the_dtypes() -> None:
    cells = pd.Series(["1.234", None, "abc"], index=pd.Index([17, 5, 40], name="row"), dtype=object)
    col = read_counts(cells)
    for series in (col.values, col.notes, col.problems):
        assert series.index.equals(cells.index)
    assert col.values.dtype == "Int64"
    assert col.notes.dtype == object
    assert col.problems.dtype == object
    assert col.notes.tolist() == [None, None, None]


def test_count_results_keep_a_repeated_index() -> None:
    col = read_counts(pd.Series(["1", "x", "3"], index=["a", "a", "b"], dtype=object))
    assert col.values.index.tolist() == ["a", "a", "b"]
    assert col.values.tolist() == [1, pd.NA, 3]
    assert [p is None for p in col.problems] == [True, False, True]


INPUT_DTYPES = [
    (pd.Series(["1.234", None], dtype="string"), [1234, pd.NA]),
    (pd.Series([200.0, np.nan]), [200, pd.NA]),
    (pd.Series([5, None], dtype="Int64"), [5, pd.NA]),
    (pd.Series(["1.234", "1.234"]), [1234, 1234]),
    (pd.Series([], dtype=object), []),
]


@pytest.mark.parametrize(
    ("cells", "expected"), INPUT_DTYPES, ids=["string", "float", "Int64", "default-str", "empty"]
)
def test_count_column_of_any_dtype(cells: pd.Series, expected: list[Any]) -> None:
    col = read_counts(cells)
    assert col.values.tolist() == expected
    assert col.problems.isna().all()


def test_count_column_of_twenty_thousand_rows() -> None:
    repeats = 20_000 // len(COUNT_CASES) + 1
    cases = (COUNT_CASES * repeats)[:20_000]
    distinct = [str(n) for n in range(20_000)]  # plain numbers, all different
    cells = pd.Series([c[0] for c in cases] + distinct, dtype=object)
    col = read_counts(cells)
    expected = [c[1] for c in cases] + list(range(20_000))
    assert len(col.values) == 40_000
    assert col.values.tolist() == [pd.NA if v is None else v for v in expected]
    assert col.problems.notna().tolist() == [c[2] == PROBLEM for c in cases] + [False] * 20_000
    assert col.notes.notna().tolist() == [c[2] == NOTE for c in cases] + [False] * 20_000


# ---------------------------------------------------------------------------------------------------
# Dates: (cell, expected wall-clock time in Asia/Ho_Chi_Minh or None, date_only, problem?, id)

DATE_CASES: list[tuple[Any, str | None, bool, bool, str]] = [
    # dd/mm/yyyy, day first always
    ("05/11/2024", "2024-11-05 00:00", True, False, "dd/mm/yyyy-day-first"),
    ("5/11/2024", "2024-11-05 00:00", True, False, "d/m/yyyy"),
    ("13/01/2024", "2024-01-13 00:00", True, False, "day-over-twelve"),
    ("29/02/2024", "2024-02-29 00:00", True, False, "leap-day"),
    ("05-11-2024", "2024-11-05 00:00", True, False, "dd-mm-yyyy"),
    ("05.11.2024", "2024-11-05 00:00", True, False, "dd.mm.yyyy"),
    ("05/11/24", "2024-11-05 00:00", True, False, "two-digit-year"),
    # dd/mm/yyyy hh:mm[:ss]
    ("05/11/2024 14:30", "2024-11-05 14:30", False, False, "with-hh:mm"),
    ("05/11/2024 14:30:15", "2024-11-05 14:30:15", False, False, "with-hh:mm:ss"),
    ("5/11/2024 9:05:03", "2024-11-05 09:05:03", False, False, "forms-timestamp"),
    ("05/11/2024 00:00", "2024-11-05 00:00", False, False, "explicit-midnight-has-time"),
    ("05/11/2024 14h30", "2024-11-05 14:30", False, False, "with-14h30"),
    ("05/11/2024 2:30 PM", "2024-11-05 14:30", False, False, "with-pm"),
    ("14:30 05/11/2024", "2024-11-05 14:30", False, False, "time-first"),
    # yyyy-mm-dd and ISO
    ("2024-11-05", "2024-11-05 00:00", True, False, "iso-date"),
    ("2024/11/05", "2024-11-05 00:00", True, False, "yyyy/mm/dd"),
    ("2024-11-05 14:30", "2024-11-05 14:30", False, False, "iso-space-time"),
    ("2024-11-05T14:30:00", "2024-11-05 14:30", False, False, "iso-t-time"),
    ("2024-11-05T14:30:00.250", "2024-11-05 14:30:00.250", False, False, "iso-fraction"),
    ("2024-11-05T07:30:00Z", "2024-11-05 14:30", False, False, "iso-utc"),
    ("2024-11-05T14:30:00+07:00", "2024-11-05 14:30", False, False, "iso-same-offset"),
    ("2024-11-05T09:30:00+02:00", "2024-11-05 14:30", False, False, "iso-other-offset"),
    ("2024-11-05T21:30:00-10:00", "2024-11-06 14:30", False, False, "iso-crosses-midnight"),
    # spreadsheet serial numbers (days since 1899-12-30; the fraction is the time of day)
    (45601, "2024-11-05 00:00", True, False, "serial-int"),
    (45601.0, "2024-11-05 00:00", True, False, "serial-whole-float"),
    (45601.5, "2024-11-05 12:00", False, False, "serial-noon"),
    (45601 + 14.5 / 24, "2024-11-05 14:30", False, False, "serial-1430"),
    (43831, "2020-01-01 00:00", True, False, "serial-doc-example"),
    ("45601", "2024-11-05 00:00", True, False, "serial-as-text"),
    ("45601,5", "2024-11-05 12:00", False, False, "serial-as-text-comma"),
    (np.int64(45601), "2024-11-05 00:00", True, False, "serial-numpy"),
    # Python datetime/date objects (openpyxl)
    (dt.datetime(2024, 11, 5, 14, 30), "2024-11-05 14:30", False, False, "naive-datetime"),
    (dt.datetime(2024, 11, 5), "2024-11-05 00:00", True, False, "naive-midnight-is-a-date"),
    (dt.date(2024, 11, 5), "2024-11-05 00:00", True, False, "date-object"),
    (dt.datetime(2024, 11, 5, 7, 30, tzinfo=dt.UTC), "2024-11-05 14:30", False, False, "aware-utc"),
    (pd.Timestamp("2024-11-05 14:30"), "2024-11-05 14:30", False, False, "naive-timestamp"),
    (pd.Timestamp("2024-11-05 09:30", tz="Europe/Paris"), "2024-11-05 15:30", False, False, "aware-paris"),
    # Vietnamese text
    ("ngày 8 tháng 11 năm 2024", "2024-11-08 00:00", True, False, "ngay-thang-nam"),
    ("Ngày 08 tháng 11 năm 2024", "2024-11-08 00:00", True, False, "ngay-thang-nam-padded"),
    ("NGÀY 8 THÁNG 11 NĂM 2024", "2024-11-08 00:00", True, False, "ngay-thang-nam-upper"),
    ("ngay 8 thang 11 nam 2024", "2024-11-08 00:00", True, False, "ngay-thang-nam-no-accents"),
    (unicodedata.normalize("NFD", "ngày 8 tháng 11 năm 2024"), "2024-11-08 00:00", True, False, "nfd"),
    ("8 tháng 11, 2024", "2024-11-08 00:00", True, False, "thang-comma-year"),
    ("Ngày 08/11/2024", "2024-11-08 00:00", True, False, "ngay-prefix"),
    ("08/11/2024 (bổ sung)", "2024-11-08 00:00", True, False, "remark-after"),
    ("Thứ Sáu, 08/11/2024", "2024-11-08 00:00", True, False, "weekday-before"),
    ("14h30 ngày 8/11/2024", "2024-11-08 14:30", False, False, "14h30-ngay"),
    ("08/11/2024 lúc 9g15", "2024-11-08 09:15", False, False, "luc-9g15"),
    ("14 giờ 30 phút, ngày 08 tháng 11 năm 2024", "2024-11-08 14:30", False, False, "gio-phut-ngay"),
    ("2 giờ chiều ngày 8/11/2024", "2024-11-08 14:00", False, False, "gio-chieu"),
    ("\u200b08/11/2024\u00a0", "2024-11-08 00:00", True, False, "invisible-chars"),
    # a month named in English, as an English-language system writes it: unambiguous
    ("08-Nov-2024", "2024-11-08 00:00", True, False, "english-dd-mon-yyyy"),
    ("8 November 2024", "2024-11-08 00:00", True, False, "english-d-month-yyyy"),
    ("Nov 8, 2024", "2024-11-08 00:00", True, False, "english-mon-d-yyyy"),
    ("November 8th, 2024 2:30 PM", "2024-11-08 14:30", False, False, "english-month-first-with-time"),
    ("Fri, 08 Nov 2024 14:30:00", "2024-11-08 14:30", False, False, "english-mail-style"),
    ("8-Nov-24", "2024-11-08 00:00", True, False, "english-two-digit-year"),
    ("Sept. 3, 2024", "2024-09-03 00:00", True, False, "english-sept-dot"),
    # empty → NaT, no problem
    (None, None, False, False, "none"),
    ("", None, False, False, "empty-text"),
    ("  ", None, False, False, "blank-text"),
    (float("nan"), None, False, False, "nan"),
    (pd.NaT, None, False, False, "nat"),
    # impossible dates, years outside 2000–2100, garbage → problem
    ("31/02/2024", None, False, True, "31-february"),
    ("29/02/2023", None, False, True, "29-february-non-leap"),
    ("05/13/2024", None, False, True, "month-13-no-month-first-guess"),
    ("2024-02-30", None, False, True, "iso-30-february"),
    ("ngày 31 tháng 4 năm 2024", None, False, True, "text-31-april"),
    ("01/01/1999", None, False, True, "year-1999"),
    ("01/01/2101", None, False, True, "year-2101"),
    ("05/11/1924", None, False, True, "year-1924"),
    (dt.datetime(1900, 1, 1), None, False, True, "datetime-1900"),
    (dt.date(9999, 12, 31), None, False, True, "date-9999"),
    (36000, None, False, True, "serial-1998"),
    (1e12, None, False, True, "serial-huge"),
    (-1, None, False, True, "serial-negative"),
    (float("inf"), None, False, True, "serial-infinite"),
    (10**20, None, False, True, "serial-beyond-64-bits"),  # an xlsx cell: openpyxl gives it as an int
    (-(2**63) - 1, None, False, True, "serial-below-64-bits"),
    (10**400, None, False, True, "serial-beyond-any-float"),
    ("05/11/2024 25:00", None, False, True, "hour-25"),
    ("05/11/2024 14:61", None, False, True, "minute-61"),
    ("abc", None, False, True, "garbage"),
    ("mayor 8 2024", None, False, True, "english-month-inside-a-word"),
    ("8 Nov", None, False, True, "english-no-year"),
    ("5/11", None, False, True, "no-year"),
    ("2024", None, False, True, "year-only"),
    ("05/11/2024 - 06/11/2024", None, False, True, "two-dates"),
    (True, None, False, True, "checkbox"),
    ([2024, 11, 5], None, False, True, "unexpected-object"),
    ("x" * 50_000, None, False, True, "fifty-thousand-chars"),
    ("05/11/2024\x00", None, False, True, "nul"),
]


def _check_date(col: DateColumn, row: Any, wall: str | None, date_only: bool, problem: bool) -> None:
    got = col.values[row]
    if wall is None:
        assert got is pd.NaT, got
    else:
        assert got == pd.Timestamp(wall, tz=HCM), got
    assert bool(col.date_only[row]) is date_only
    assert (col.problems[row] is not None) is problem, col.problems[row]


@pytest.mark.parametrize(
    ("cell", "wall", "date_only", "problem"), [c[:4] for c in DATE_CASES], ids=[c[4] for c in DATE_CASES]
)
def test_date_cell(cell: Any, wall: str | None, date_only: bool, problem: bool) -> None:
    col = read_dates(pd.Series([cell], dtype=object), HCM)
    _check_date(col, 0, wall, date_only, problem)


def test_date_cells_read_together_as_one_mixed_column_give_the_same_answers() -> None:
    cells = pd.Series([c[0] for c in DATE_CASES], index=[c[4] for c in DATE_CASES], dtype=object)
    col = read_dates(cells, HCM)
    for cell, wall, date_only, problem, case_id in DATE_CASES:
        _check_date(col, case_id, wall, date_only, problem)
        assert col.problems[case_id] == read_dates(pd.Series([cell], dtype=object), HCM).problems[0]


DATE_MESSAGES = [
    ("31/02/2024", "“31/02/2024” không có thật"),
    ("01/01/1999", "ngoài khoảng 2000–2100"),
    (36000, "“24/07/1998”"),  # the agency sees the date, never the serial
    ("abc", "Không đọc được ngày “abc”"),
    ("05/11/2024 25:00", "Giờ trong “05/11/2024 25:00” không hợp lệ"),
]


@pytest.mark.parametrize(("cell", "part"), DATE_MESSAGES, ids=[str(c[0]) for c in DATE_MESSAGES])
def test_date_problem_says_what_is_wrong_and_what_to_type(cell: Any, part: str) -> None:
    message = read_dates(pd.Series([cell], dtype=object), HCM).problems[0]
    assert part in message
    assert "Hãy" in message
    assert "08/11/2024" in message  # an example to copy


def test_dates_are_in_the_campaign_timezone() -> None:
    col = read_dates(pd.Series(["08/11/2024 14:30", "2024-11-08T07:30:00Z"], dtype=object), HCM)
    assert str(col.values.dt.tz) == "Asia/Ho_Chi_Minh"
    assert col.values.tolist() == [pd.Timestamp("2024-11-08 14:30", tz=HCM)] * 2
    assert col.values[0] == pd.Timestamp("2024-11-08 07:30", tz="UTC")


def test_naive_dates_are_wall_clock_times_of_the_given_timezone() -> None:
    paris = ZoneInfo("Europe/Paris")
    col = read_dates(
        pd.Series(["08/11/2024 14:30", dt.datetime(2024, 7, 1, 9), 45604.5], dtype=object), paris
    )
    assert col.values.tolist() == [
        pd.Timestamp("2024-11-08 14:30", tz=paris),
        pd.Timestamp("2024-07-01 09:00", tz=paris),  # summer time, +02:00
        pd.Timestamp("2024-11-08 12:00", tz=paris),
    ]


def test_date_results_keep_the_index_and_the_dtypes() -> None:
    cells = pd.Series(["08/11/2024", None, "abc"], index=["r17", "r5", "r5"], dtype=object)
    col = read_dates(cells, HCM)
    for series in (col.values, col.date_only, col.problems):
        assert series.index.equals(cells.index)
    assert isinstance(col.values.dtype, pd.DatetimeTZDtype)
    assert col.date_only.dtype == bool
    assert col.problems.dtype == object
    assert col.date_only.tolist() == [True, False, False]


@pytest.mark.parametrize(
    "cells",
    [
        pd.Series(["08/11/2024", None], dtype="string"),
        pd.Series(pd.to_datetime(["2024-11-08", None])),
        pd.Series([45604.0, np.nan]),
        pd.Series(["08/11/2024", None]),
    ],
    ids=["string", "datetime64", "float", "default-str"],
)
def test_date_column_of_any_dtype(cells: pd.Series) -> None:
    col = read_dates(cells, HCM)
    assert col.values.tolist() == [pd.Timestamp("2024-11-08", tz=HCM), pd.NaT]
    assert col.date_only.tolist() == [True, False]
    assert col.problems.tolist() == [None, None]


def test_empty_date_column() -> None:
    col = read_dates(pd.Series([], dtype=object), HCM)
    assert len(col.values) == len(col.date_only) == len(col.problems) == 0
    assert isinstance(col.values.dtype, pd.DatetimeTZDtype)


def test_read_dates_is_the_same_from_cells_and_cells_dates() -> None:
    cells = pd.Series(["08/11/2024 14:30", "abc"], dtype=object)
    via_cells, direct = read_dates(cells, HCM), read_dates_direct(cells, HCM)
    assert via_cells.values.equals(direct.values)
    assert via_cells.problems.equals(direct.problems)
    assert type(via_cells) is type(direct) is DateColumn


def test_date_column_of_twenty_thousand_rows() -> None:
    repeats = 20_000 // len(DATE_CASES) + 1
    cases = (DATE_CASES * repeats)[:20_000]
    days = np.arange(20_000) % 28 + 1
    distinct = [f"{day:02d}/11/2024 {n % 24:02d}:{n % 60:02d}:{n % 59:02d}" for n, day in enumerate(days)]
    col = read_dates(pd.Series([c[0] for c in cases] + distinct, dtype=object), HCM)
    expected = [pd.NaT if c[1] is None else pd.Timestamp(c[1], tz=HCM) for c in cases]
    expected += [pd.Timestamp(text[6:10] + "-11-" + text[:2] + text[10:], tz=HCM) for text in distinct]
    assert len(col.values) == 40_000
    assert col.values.tolist() == expected
    assert col.problems.notna().tolist() == [c[3] for c in cases] + [False] * 20_000
    assert col.date_only.tolist() == [c[2] for c in cases] + [False] * 20_000


NOVEMBER_CAMPAIGN = year_within(dt.date(2024, 9, 11), dt.date(2024, 11, 20))


@pytest.mark.parametrize(("cell", "wall", "date_only"), [
    ("8/11", "2024-11-08 00:00", True),
    ("08-11", "2024-11-08 00:00", True),
    ("ngày 8 tháng 11", "2024-11-08 00:00", True),
    ("14h30 8/11", "2024-11-08 14:30", False),
    ("8/11 14:30", "2024-11-08 14:30", False),
    ("8 Nov", "2024-11-08 00:00", True),
    ("Nov 8, 14:30", "2024-11-08 14:30", False),
])
def test_a_day_and_month_without_a_year_take_the_campaigns_year(cell: str, wall: str, date_only: bool) -> None:
    col = read_dates(pd.Series([cell], dtype=object), HCM, None, NOVEMBER_CAMPAIGN)
    assert col.problems[0] is None and col.values[0] == pd.Timestamp(wall, tz=HCM)
    assert bool(col.date_only[0]) is date_only


def test_a_day_and_month_that_fit_no_year_of_the_campaign_stay_a_problem() -> None:
    col = read_dates(pd.Series(["1/3", "30/2", "8/11 và 9/11", "8/11"], dtype=object), HCM, None, NOVEMBER_CAMPAIGN)
    assert col.values[:3].isna().all() and col.values[3] == pd.Timestamp("2024-11-08", tz=HCM)
    assert "không ghi năm" in col.problems[0] and "không ghi năm" in col.problems[1]
    assert "nhiều hơn một ngày" in col.problems[2]
    assert read_dates(pd.Series(["8/11"], dtype=object), HCM).problems[0] is not None  # no window, no guess


def test_a_window_across_new_year_gives_each_day_its_own_year() -> None:
    year_of = year_within(dt.date(2024, 11, 15), dt.date(2025, 1, 20))
    assert (year_of(12, 20), year_of(1, 5), year_of(3, 1)) == (2024, 2025, None)
