"""The shortcuts that make matching fast read and find exactly what the long way does.

Checked on every development set (tests/data_names) and the red team's sets: the quick reading of a type
and a plain proper name is the step-by-step reading; a name in capitals or lower case shares a reading
only when it reads the same; many names cleaned at once are cleaned as one by one; the names two edits
away found through shared letter pairs are those a full comparison finds.
"""

from __future__ import annotations

import csv
import random
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz.distance import OSA

from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import MatchingSettings
from aggregator.many_texts import clean_many, strip_notes_many
from aggregator.models import RosterUnit
from aggregator.names.candidates import MAX_EDITS, build_index
from aggregator.names.keys import key_of
from aggregator.names.matching import Matcher, build_matcher
from aggregator.names.reading import in_steps, many_name_variants, name_variants, read, readings, split_segments
from aggregator.textnorm import clean_text, strip_notes

DATA = Path(__file__).resolve().parent / "data_names"
REDTEAM = Path(__file__).resolve().parent / "redteam" / "data"
SETS = sorted(path.name.removesuffix(".roster.csv") for path in DATA.glob("*.roster.csv"))


def _column(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [row[column] for row in csv.DictReader(handle)]


@cache
def _set(name: str) -> tuple[Matcher, tuple[str, ...]]:
    roster = DATA / f"{name}.roster.csv"
    texts = _column(roster, "name") + _column(DATA / f"{name}.typed.csv", "typed")
    return build_matcher(read_roster(roster), MatchingSettings()), tuple(texts)


@pytest.mark.parametrize("name", SETS)
def test_the_quick_reading_is_the_step_by_step_reading(name: str) -> None:
    matcher, texts = _set(name)
    vocab = matcher.vocabulary
    for text in texts:
        for variant in name_variants(text):
            assert read(variant, vocab).plain == in_steps(split_segments(variant, vocab), vocab, ()), variant


@pytest.mark.parametrize("name", SETS)
def test_names_typed_in_capitals_share_a_reading_only_when_it_is_the_same(name: str) -> None:
    matcher, texts = _set(name)
    vocab, holds = matcher.vocabulary, matcher.index.together
    for text in texts:
        typed = matcher.reader.typed(text)
        for other in (text.upper(), text.lower()):
            if typed is not None and matcher.reader.typed(other) is typed:
                assert ([key_of(p) for p in readings(name_variants(other)[0], vocab, holds)]
                        == [key_of(p) for p in readings(name_variants(text)[0], vocab, holds)]), (text, other)


def test_capitals_that_stand_for_something_keep_their_own_reading() -> None:
    units = [RosterUnit("BTC", "g", "Ban Tổ chức Tỉnh ủy", short_name="Ban TC TU"),
             RosterUnit("TH", "g", "Trường Tiểu học Vĩnh Hải")]
    matcher = build_matcher(units, MatchingSettings())  # the roster teaches that TU is Tỉnh ủy
    assert matcher.reader.typed("Ban Tổ chức TU") is not matcher.reader.typed("ban tổ chức tu")
    assert matcher.reader.typed("TH Vĩnh Hải VI") is not matcher.reader.typed("th vĩnh hải vi")
    assert matcher.reader.typed("TRƯỜNG TH VĨNH HẢI") is matcher.reader.typed("Trường TH Vĩnh Hải")


def test_many_names_are_cleaned_as_one_by_one() -> None:
    typed = _column(REDTEAM / "dong-thap.typed.csv", "typed") + _column(REDTEAM / "ca-mau.stretch.csv", "typed")
    odd = ["", "  UBND\u00a0PhÆ°á»›c  Long\u200b ", "Phòng Y tế (đã gửi) ✔", "x\u00a0 y", "x\ty", "Ðông", "Tân ",
           " Phú", "Hòa\u00ad", "UBND xã Long Đức - ĐÃ BÁO CÁO", "Xã Bồ Đề"]
    for texts in ([" lead", *typed, *odd, "trail "], odd, [*odd, "a\nb"], ["Phú Hòa"]):
        cleaned = clean_many(texts)
        assert cleaned == [clean_text(text) for text in texts]
        assert strip_notes_many(cleaned) == [strip_notes(text) for text in cleaned]


# Pieces of typed names: clean words, decomposed marks, mojibake, odd spaces and invisible characters, digits
# and contacts, quotes, letters of other scripts
_PIECES = ["Phú", "Hòa", "UBND", "xã", " ", "  ", "\u00a0", "\u200b", "\t", "a\u0301", "\u0301", "PhÆ°á»›c", "Ã ",
           "Ðông", "\u00ad", "“", "–", "-", "1", "12. ", "0905 123 456", "@x.vn", "٣", "中", "Đ", "(", ")", "I"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join), max_size=12))
def test_many_texts_read_at_once_read_as_each_alone(texts: list[str]) -> None:
    """One search over all the texts finds those to clean and those that may hold a list number or a
    contact: each comes out as it would alone."""
    assert clean_many(texts) == [clean_text(text) for text in texts]
    assert many_name_variants(texts) == [name_variants(text) for text in texts]


def test_names_two_edits_away_are_all_found_through_their_letter_pairs() -> None:
    rng = random.Random(9)
    letters = "abnhtg "  # few letters: many repeated pairs
    names = list(dict.fromkeys("".join(rng.choice(letters) for _ in range(rng.randint(2, 22))) for _ in range(600)))
    index = build_index(names)
    for _ in range(300):
        typed = list(rng.choice(names))
        for _ in range(rng.randint(0, 3)):
            at = rng.randrange(len(typed))
            edit = rng.choice(("substitute", "insert", "delete", "swap"))
            if edit == "substitute":
                typed[at] = rng.choice(letters)
            elif edit == "insert":
                typed.insert(at, rng.choice(letters))
            elif edit == "delete" and len(typed) > 1:
                del typed[at]
            elif at + 1 < len(typed):
                typed[at], typed[at + 1] = typed[at + 1], typed[at]
        spelled = "".join(typed)
        expected = {i: edits for i, name in enumerate(names) if (edits := OSA.distance(spelled, name)) <= MAX_EDITS}
        assert index.within_edits(spelled) == expected, spelled


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["TU", "TC", "VI", "I", "X", "Đ", "a", "1", "_", " ", ".", "\n", "Ư", "ữ"]),
                max_size=14).map("".join))
def test_capitals_that_matter_are_found_as_a_look_behind_first_finds_them(text: str) -> None:
    """The pattern looks for its words first (fast), then at the letter before: the same hits as checking
    that letter first, as the pattern was written before."""
    from types import SimpleNamespace

    from aggregator.names.reading import ROMAN_SYLLABLES
    from aggregator.names.typed import _capitals_that_matter

    keys = {"tu", "tc", "ttu"}
    pattern = _capitals_that_matter(SimpleNamespace(case_keys=keys))  # type: ignore[arg-type]
    words = sorted({*keys, *map(str.lower, ROMAN_SYLLABLES)}, key=len, reverse=True)
    plain = re.compile(r"(?<![^\W\d_])(?:" + "|".join(w.upper() for w in words) + r")(?![^\W\d_])")
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]
