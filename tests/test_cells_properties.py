"""Properties of the number cell readers (hypothesis): Vietnamese-formatted numbers read back as
themselves, "N%" reads as N, the column-wide and per-text paths agree, and no cell makes a reader raise."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from aggregator.cells import (
    NUMBER_TYPES,
    NumberColumn,
    read_counts,
    read_decimals,
    read_money,
    read_numbers,
    read_percents,
)
from aggregator.cells.numeric import APPROXIMATE
from aggregator.cells.primitives import clean_texts
from aggregator.models import ColumnType
from aggregator.textnorm import strip_marks
from aggregator.vnformat import number

# zero-width and bidi marks, soft hyphen, BOM (what clean_texts drops)
INVISIBLE = dict.fromkeys([0xAD, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2065),
                           *range(0x2066, 0x206A), 0xFEFF])
READERS = {"count": read_counts, "money": read_money, "decimal": read_decimals, "percent": read_percents}
SOME = settings(max_examples=60, deadline=None)  # stress locally with more; the suite stays fast


def _one(read: Any, cell: Any, *args: Any) -> tuple[Any, Any, Any]:
    col = read(pd.Series([cell], dtype=object), *args)
    return col.values[0], col.notes[0], col.problems[0]


@SOME
@given(st.integers(0, 10**15 - 1), st.sampled_from(["", " đ", "đ", " đồng", " VNĐ", " vnd"]))
def test_money_formatted_the_vietnamese_way_reads_back_as_itself(amount: int, currency: str) -> None:
    assert _one(read_money, number(amount) + currency) == (amount, None, None)
    assert _one(read_money, f"{amount:,}") == (amount, None, None)  # "12,500,000" groups too
    assert _one(read_money, f"khoảng {number(amount)}{currency}")[0] == amount  # the per-text path agrees


@SOME
@given(st.integers(0, 999_999), st.integers(0, 2), st.sampled_from([("nghìn", 3), ("triệu", 6), ("tỷ", 9)]))
def test_money_with_a_scale_word_is_the_exact_number_of_dong(digits: int, decimals: int, scale: Any) -> None:
    word, exponent = scale
    typed = number(digits / 10**decimals, decimals)  # "2,5", "1.234,56"
    expected = Decimal(digits) * 10 ** (exponent - decimals)
    value, _, problem = _one(read_money, f"{typed} {word}")
    if expected % 1:
        assert problem is not None and value is pd.NA  # "1,25 nghìn" is 1.250 đồng; "1,2345 nghìn" no
    else:
        assert (value, problem) == (int(expected), None)


@SOME
@given(st.integers(0, 10**12), st.integers(0, 4))
def test_decimal_formatted_the_vietnamese_way_reads_back_as_itself(digits: int, decimals: int) -> None:
    typed = number(digits / 10**decimals, decimals)
    assert _one(read_decimals, typed) == (digits / 10**decimals, None, None)
    assert _one(read_decimals, f"khoảng {typed}")[0] == digits / 10**decimals


@SOME
@given(st.integers(0, 100_000), st.integers(0, 2), st.sampled_from(["%", " %"]))
def test_percent_n_percent_reads_as_n(digits: int, decimals: int, sign: str) -> None:
    share = digits / 10**decimals
    value, note, problem = _one(read_percents, number(share, decimals) + sign)
    if share > 1000:
        assert value is pd.NA and problem is not None
    else:
        assert (value, note, problem) == (share, None, None)


@SOME
@given(st.floats(0, 10, allow_nan=False))
def test_percent_formatted_cell_holding_a_fraction_is_times_100(fraction: float) -> None:
    assert _one(read_percents, fraction, True) == (round(fraction * 100, 9), None, None)


@SOME
@given(st.text(alphabet="0123456789., ", min_size=1, max_size=25).filter(lambda t: t.strip()[:1].isdigit()),
       st.sampled_from(sorted(READERS)))  # fmt: skip
def test_column_wide_and_per_text_readings_agree(text: str, kind: str) -> None:
    value, note, problem = _one(READERS[kind], text)
    if problem is None and note is None and value is not pd.NA:
        assert _one(READERS[kind], "khoảng " + text)[0] == value


CELLS = st.one_of(
    st.none(),
    st.text(max_size=300),
    st.text(alphabet="0123456789.,% -~đkKtrỷỉiệunghìnàổgvnĐVND₫#!\u00a0\u200b\x00", max_size=40),
    st.from_regex(r"\A-?[0-9][0-9., ]{10,60}( ?(triệu|tỷ|tr|k|%|đ))?\Z"),  # long digit runs, Decimal's limits
    st.integers(-(10**30), 10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.decimals(allow_nan=False, allow_infinity=False),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(CELLS, max_size=25), st.sampled_from(sorted(READERS)), st.data())
def test_readers_never_raise_and_a_cell_has_a_value_or_a_problem_never_both(
    cells: list[Any], kind: str, data: st.DataObject
) -> None:
    series = pd.Series(cells, index=[f"r{i % 3}" for i in range(len(cells))], dtype=object)
    flags = data.draw(st.lists(st.one_of(st.booleans(), st.none()), min_size=len(cells), max_size=len(cells)))
    col = read_numbers(kind, series, pd.Series(flags, dtype=object))
    _assert_well_formed(col, series)


def _assert_well_formed(col: NumberColumn, cells: pd.Series) -> None:
    for series in (col.values, col.notes, col.problems):
        assert series.index.equals(cells.index)
    for value, note, problem in zip(col.values, col.notes, col.problems, strict=True):
        assert note is None or (isinstance(note, str) and "\n" not in note)
        assert problem is None or (isinstance(problem, str) and "\n" not in problem)
        assert not (problem is not None and value is not pd.NA)
        assert not (note is not None and value is pd.NA)
        assert value is pd.NA or value >= 0


def test_read_numbers_dispatches_each_number_type_to_its_reader() -> None:
    cells = pd.Series(["12", "2,5 triệu", "72,5%", 0.85, None], dtype=object)
    flags = pd.Series([False, False, False, True, False])
    for kind, read in READERS.items():
        via = read_numbers(ColumnType(kind), cells, flags)
        direct = read(cells, flags) if kind == "percent" else read(cells)
        assert via.values.equals(direct.values)
        assert via.problems.equals(direct.problems)
    assert read_numbers("percent", cells, flags).values.tolist() == [12.0, pd.NA, 72.5, 85.0, pd.NA]
    assert read_numbers("money", cells).values.dtype == "Int64"
    assert {ColumnType(kind) for kind in READERS} == NUMBER_TYPES


@pytest.mark.parametrize("kind", ["date", "text", "ignored", "bogus"])
def test_read_numbers_refuses_what_holds_no_numbers(kind: str) -> None:
    with pytest.raises(ValueError, match=kind):
        read_numbers(kind, pd.Series(["1"], dtype=object))


def test_empty_number_columns() -> None:
    for kind in READERS:
        col = read_numbers(kind, pd.Series([], dtype=object))
        assert len(col.values) == len(col.notes) == len(col.problems) == 0


def test_objects_no_source_sends_are_problems_not_crashes() -> None:
    cells = pd.Series([Decimal("12500000"), pd.Timestamp("2024-11-08"), dt.time(8, 0)], dtype=object)
    for kind in READERS:
        col = read_numbers(kind, cells)
        assert col.values.isna().all()
        assert "08/11/2024" in col.problems[1]  # a date is shown as the agency sees it
        assert col.problems.notna().all()


# Words a clerk puts before a count: approximations (any case, with or without accents) and others
WORDS = ["khoảng", "Khoảng", "KHOẢNG", "khoang", "gần", "trên", "Hơn", "tạm", "chừng", "ước tính", "khoảng chừng",
         "lượt", "người", "tổng số", "Số lượng", "đạt", "không quá", "kém", "chưa"]
SHAPES = [str, number, lambda n: f"{n:,}", lambda n: f"{n:,}".replace(",", " "), lambda n: f"0{n}"]


@SOME
@given(st.sampled_from(WORDS), st.integers(0, 10**16), st.sampled_from(SHAPES))
def test_a_count_after_words_is_the_number_with_a_note_when_the_words_say_about(
        words: str, count: int, shape: Any) -> None:
    text = f"{words} {shape(count)}"
    value, note, problem = _one(read_counts, text)
    if strip_marks(words.lower()) in APPROXIMATE and count < 10**15:
        assert (value, note, problem) == (count, f"ghi “{text}”, tính là {number(count)}", None)
    else:  # words that say nothing about the figure, or a number too big for a count
        assert value is pd.NA and note is None and problem is not None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(
    st.builds(lambda words, count, shape, tail: f"{words} {shape(count)}{tail}", st.sampled_from(WORDS),
              st.integers(0, 10**17) | st.sampled_from([10**14 + 1, 10**15 - 1, 10**15, 10**16 - 1]),  # 15 digits
              st.sampled_from(SHAPES), st.sampled_from(["", " lượt", "%", "x" * 200])),
    st.text(alphabet="khoảngKHOẢNG 0123456789.,~\u00a0", max_size=30)), max_size=25))
def test_a_column_of_worded_counts_reads_as_each_text_alone(texts: list[str]) -> None:
    """Worded counts read column-wide (counts.py, ``_approximate_counts``) read as each text alone does through
    the plain-number reader and ``_read_text``."""
    from aggregator.cells.counts import _plain_counts, _read_text

    def alone(text: str) -> tuple[Any, Any, Any]:
        clean = clean_texts(pd.Series([text], dtype=object))[0]
        if not clean:
            return pd.NA, None, None
        plain = _plain_counts(pd.Series([clean], dtype=object))
        if len(plain):
            return int(plain.iloc[0]), None, None
        value, note, problem = _read_text(clean)
        return (pd.NA if value != value else int(value)), note, problem

    col = read_counts(pd.Series(texts, dtype=object))
    assert list(zip(col.values, col.notes, col.problems, strict=True)) == [alone(text) for text in texts]


@SOME
@given(st.lists(st.text(alphabet=st.sampled_from(list("aZ9 .,-đĐơạỹÀ\u00a0\u200b\t\ufeff１ｱ\u0301")), max_size=8)
                | st.text(max_size=8), max_size=20))
def test_clean_texts_is_nfkc_without_invisible_marks_stripped(texts: list[str]) -> None:
    typed = pd.Series(texts, dtype=object)
    expected = [unicodedata.normalize("NFKC", t).translate(INVISIBLE).strip() for t in texts]
    assert clean_texts(typed).tolist() == expected


@SOME
@given(st.text(alphabet=st.sampled_from(list("aZ9 .,“đĐơạỹÀ\u00a0\u200b\t\n\x00\u0301")), max_size=70)
       | st.from_regex(r"[a-zA-Zơđ0-9.]{1,30}( [a-zA-Zơđ0-9.]{1,30}){0,3}", fullmatch=True))  # plain, up to 123
@example("x" * 60)
@example(("Ủy ban nhân dân xã Long Hòa " * 3).strip())  # 80 characters
@example("khoảng 1.234")
def test_quote_of_a_plain_text_is_the_text_quoted_as_the_full_rules_quote_it(text: str) -> None:
    """``quote`` keeps a short plain cell as it is; every cell reads as the full rules (NFC, controls shown,
    one line, nothing invisible, at most 60 characters) quote it."""
    from aggregator.cells.primitives import QUOTE_CHARS, quote

    shown = " ".join(re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", "\ufffd",
                            unicodedata.normalize("NFC", text)).split()).translate(INVISIBLE)
    if len(shown) > QUOTE_CHARS:
        shown = shown[: QUOTE_CHARS - 1] + "…"
    assert quote(text) == f"“{shown}”"
