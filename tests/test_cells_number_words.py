"""Numbers written in Vietnamese words (cells/number_words.py): every number a clerk would spell, checked against
a speller written here from the rules of the language, with and without marks; and what is no number."""

from __future__ import annotations

import random
from decimal import Decimal

import pandas as pd
import pytest

from aggregator.cells import read_money
from aggregator.cells.counts import read_counts
from aggregator.cells.number_words import restated, words_value
from aggregator.textnorm import strip_marks

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
SCALES = [(10**9, "tỷ"), (10**6, "triệu"), (10**3, "nghìn"), (1, "")]


def below_thousand(n: int, inside: bool, rng: random.Random) -> list[str]:
    """0 < n < 1000 as it is read; ``inside``: a larger section comes first, so the hundreds are said
    ("một triệu không trăm linh năm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = [DIGITS[hundreds], "trăm"] if hundreds or inside else []
    if tens == 0 and units:
        words += [rng.choice(["linh", "lẻ"])] if words else []
        words.append(DIGITS[units])
    elif tens == 1:
        words.append("mười")
        words += ["lăm" if units == 5 else DIGITS[units]] if units else []
    elif tens:
        words += [DIGITS[tens], rng.choice(["mươi", "chục"]) if not units else "mươi"]
        ending = {1: "mốt", 4: rng.choice(["bốn", "tư"]), 5: rng.choice(["lăm", "nhăm"])}.get(units, DIGITS[units])
        words += [ending] if units else []
    return words


def spell(n: int, rng: random.Random) -> str:
    """0 ≤ n < 10**12 in words."""
    if n == 0:
        return "không"
    words: list[str] = []
    for scale, name in SCALES:
        section = n // scale % 1000
        if section:
            words += below_thousand(section, bool(words), rng) + ([rng.choice([name, "ngàn"]) if name == "nghìn"
                                                                    else name] if name else [])
    return " ".join(words)


def numbers(rng: random.Random) -> list[int]:
    every_small = list(range(1, 2_000))
    return every_small + [rng.randrange(10**k, 10**(k + 1)) for k in range(3, 12) for _ in range(300)]


def test_every_number_spelled_in_words_reads_as_itself() -> None:
    rng = random.Random(7)
    wrong = [(n, text, words_value(text)) for n in numbers(rng) if words_value(text := spell(n, rng)) != n]
    assert not wrong, wrong[:10]


def test_a_number_spelled_without_marks_reads_as_itself_when_it_says_trăm_nghìn_triệu_tỷ_or_mươi() -> None:
    rng = random.Random(8)
    read = 0
    for n in numbers(rng):
        text = strip_marks(spell(n, rng))
        if n >= 20:  # holds a telling word: mươi, chục, trăm or a scale
            assert words_value(text) == n, text
            read += 1
    assert read > 3_000


@pytest.mark.parametrize("text, value", [
    ("hai triệu rưỡi", 2_500_000), ("triệu rưỡi", 1_500_000), ("trăm rưỡi", 150), ("hai trăm rưỡi", 250),
    ("một nghìn tỷ", 10**12), ("hai mươi tư", 24), ("mười tư", 14), ("HAI MƯƠI LĂM", 25), ("muoi lam nghin", 15_000),
])
def test_halves_thousands_of_billions_and_capitals(text: str, value: int) -> None:
    assert words_value(text) == value


@pytest.mark.parametrize("text", [
    "sau", "Năm nay", "năm học", "tu hai tram", "Sẽ báo cáo sau", "mốt", "lăm", "hai ba", "hai triệu ba triệu",
    "rưỡi", "mười rưỡi", "không nghìn", "ba mươi mươi", "linh năm", "đã xong", "",
])
def test_what_is_no_number_in_words(text: str) -> None:
    assert words_value(text) is None


def test_an_amount_restated_aside_is_read_without_its_brackets_label_and_currency() -> None:
    assert restated(" (Bằng chữ: Một trăm hai mươi lăm triệu đồng)") == Decimal(125_000_000)
    assert restated(" - (mot tram trieu)") == Decimal(100_000_000)
    assert restated(" (tạm ứng)") is None
    assert restated(" (năm triệu đồng) - tạm ứng") == Decimal(5_000_000)  # what the brackets hold


def test_counts_restated_in_words_must_agree_and_a_count_in_words_alone_is_read() -> None:
    cells = pd.Series(["300 (ba trăm)", "1.000 (một nghìn)", "30 (ba trăm)", "ba mươi", "hai trăm rưỡi", "sau",
                       "2 nghìn", "30 người (ba mươi người)", "1.000 (một nghìn) người"], dtype=object)
    column = read_counts(cells)
    assert column.values.tolist()[:5] == [300, 1000, pd.NA, 30, 250]
    assert column.values[8] == 1000 and column.problems[8] is None  # the words in brackets, the unit after them
    assert column.notes[3] == "ghi “ba mươi”, tính là 30"
    assert "bằng số (30) và bằng chữ (300) không khớp" in column.problems[2]
    assert column.problems[5] is not None and column.problems[6] is not None  # "sau" (after), "2 nghìn": ask
    assert column.values[7] == 30


def test_money_in_words_and_half_scales_through_the_column_reader() -> None:
    rng = random.Random(9)
    amounts = [rng.randrange(1, 1_000) * 10**rng.choice([3, 6]) for _ in range(200)]
    cells = pd.Series([f"{a:,} đồng (Bằng chữ: {spell(a, rng).capitalize()} đồng)".replace(",", ".")
                       for a in amounts], dtype=object)
    column = read_money(cells)
    assert column.values.tolist() == amounts
    assert column.problems.isna().all()
    off = read_money(pd.Series([f"{a:,} đ ({spell(a * 10, rng)})".replace(",", ".") for a in amounts], dtype=object))
    assert off.values.isna().all() and off.problems.str.contains("không khớp").all()
