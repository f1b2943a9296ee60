"""Names that look like other names once accents or word order are ignored (issue 9, second round).

The roster holds real units of several provinces of the official list whose names hold a word that is
also a unit type or a body word (Phương, Phượng, Xá, Tịnh, Phường, Trường, Cửa, Các), or are another
unit's words in another order, plus two schools named like communes.
"""

from __future__ import annotations

import pytest

from aggregator.campaign import MatchingSettings
from aggregator.models import MatchKind, MatchOutcome, RosterUnit
from aggregator.names.matching import Matcher, build_matcher, match_names

UNITS = [
    ("X-00055", "UBND phường Cửa Đông", "quận Hoàn Kiếm, thành phố Hà Nội"),
    ("X-00220", "UBND phường Phương Liên", "quận Đống Đa, thành phố Hà Nội"),
    ("X-09829", "UBND xã Song Phượng", "huyện Đan Phượng, thành phố Hà Nội"),
    ("X-09874", "UBND xã Song Phương", "huyện Hoài Đức, thành phố Hà Nội"),
    ("X-06763", "UBND phường Cửa Ông", "thành phố Cẩm Phả, tỉnh Quảng Ninh"),
    ("X-06832", "UBND phường Phương Đông", "thành phố Uông Bí, tỉnh Quảng Ninh"),
    ("X-12724", "UBND xã Đông Xá", "huyện Đông Hưng, tỉnh Thái Bình"),
    ("X-12757", "UBND xã Đông Các", "huyện Đông Hưng, tỉnh Thái Bình"),
    ("X-15598", "UBND xã Trường Xuân", "huyện Thọ Xuân, tỉnh Thanh Hóa"),
    ("X-16648", "UBND xã Trường Lâm", "thị xã Nghi Sơn, tỉnh Thanh Hóa"),
    ("X-17896", "UBND xã Nghi Trường", "huyện Nghi Lộc, tỉnh Nghệ An"),
    ("X-19780", "UBND phường Phường Đúc", "thành phố Huế, tỉnh Thừa Thiên Huế"),
    ("X-20335", "UBND phường Tân Thạnh", "thành phố Tam Kỳ, tỉnh Quảng Nam"),
    ("X-05479", "UBND phường Tân Thành", "thành phố Thái Nguyên, tỉnh Thái Nguyên"),
    ("H-673", "UBND thành phố Bảo Lộc", "tỉnh Lâm Đồng"),
    ("H-625", "UBND huyện KBang", "tỉnh Gia Lai"),
    ("X-23653", "UBND xã Sơ Pai", "huyện KBang, tỉnh Gia Lai"),
    ("X-23779", "UBND xã Ia Tô", "huyện Ia Grai, tỉnh Gia Lai"),
    ("X-23908", "UBND xã Ia Tôr", "huyện Chư Prông, tỉnh Gia Lai"),
    ("X-29899", "UBND xã Tịnh Thới", "thành phố Cao Lãnh, tỉnh Đồng Tháp"),
    ("X-30094", "UBND xã Phương Trà", "huyện Cao Lãnh, tỉnh Đồng Tháp"),
    ("S-PHUONGNGHI", "Trường Tiểu học Phượng Nghi", "xã Nghi Phương, huyện Nghi Lộc, tỉnh Nghệ An"),
    ("S-LAM", "Trường Tiểu học Lâm", "thị xã Nghi Sơn, tỉnh Thanh Hóa"),
]


@pytest.fixture(scope="module")
def roster() -> Matcher:
    units = [RosterUnit(uid, "t" if uid.startswith("S") else "x", name, locality=where) for uid, name, where in UNITS]
    return build_matcher(units, MatchingSettings())


def _one(matcher: Matcher, typed: str) -> MatchOutcome:
    return match_names(matcher, [typed])[0]


def _matched(matcher: Matcher, typed: str) -> str | None:
    outcome = _one(matcher, typed)
    return outcome.unit_id if outcome.kind is MatchKind.MATCHED else None


@pytest.mark.parametrize(
    ("typed", "unit_id"),
    [
        ("Phương Đông", "X-06832"),  # not "phường Đông", one edit from Cửa Ông
        ("UBND Phương Liên", "X-00220"),
        ("Song Phượng", "X-09829"),
        ("Song Phương", "X-09874"),
        ("Đông Xá", "X-12724"),  # not "xã Đông", which Đông Các would be without its "các"
        ("Đông Xá (H. Đông Hưng)", "X-12724"),
        ("Tịnh Thới - Tp.Cao Lãnh", "X-29899"),
        ("UBND. Phương Trà huyện Cao Lãnh - tỉnh Đồng Tháp", "X-30094"),
        ("Nghi Trường", "X-17896"),  # never the school named Phượng Nghi
    ],
)
def test_a_word_typed_with_other_diacritics_is_no_type_word(roster: Matcher, typed: str, unit_id: str) -> None:
    assert _matched(roster, typed) == unit_id


@pytest.mark.parametrize(
    ("typed", "unit_id"),
    [
        ("Phuong Lien", "X-00220"),
        ("PHUONG DONG", "X-06832"),
        ("Uy ban nhan dan Tinh Thoi", "X-29899"),
        ("Tinh Thoi - Tp.Cao Lanh", "X-29899"),
        ("Dong Xa", "X-12724"),
        ("UBND phuong Phuong Lien", "X-00220"),
        ("Xa Truong Xuan", "X-15598"),
    ],
)
def test_a_type_word_typed_without_diacritics_is_read_both_ways(roster: Matcher, typed: str, unit_id: str) -> None:
    assert _matched(roster, typed) == unit_id


def test_readings_that_name_different_units_leave_the_row_ambiguous(roster: Matcher) -> None:
    outcome = _one(roster, "Song Phuong")
    assert outcome.kind is MatchKind.AMBIGUOUS
    assert {c.unit_id for c in outcome.candidates} >= {"X-09829", "X-09874"}
    # "Trường Lâm": the school Lâm, or the commune Trường Lâm
    outcome = _one(roster, "trường lâm")
    assert outcome.kind is MatchKind.AMBIGUOUS
    assert {c.unit_id for c in outcome.candidates} >= {"S-LAM", "X-16648"}
    assert _matched(roster, "Xã Trường Lâm") == "X-16648"
    assert _matched(roster, "Trường TH Lâm") == "S-LAM"


@pytest.mark.parametrize("typed", ["Xuân Trường", "Lộc Bảo", "UBND Lộc Bảo", "Xuan Truong", "Lam Truong"])
def test_a_proper_name_is_never_rotated_around_a_type_word(roster: Matcher, typed: str) -> None:
    assert _one(roster, typed).kind is not MatchKind.MATCHED


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Đông Các", "X-12757"),
        ("UBND xã Đông Các", "X-12757"),
        ("Cửa Ông", "X-06763"),
        ("UBND phường Cửa Đông", "X-00055"),
        ("Ông", None),
        ("phường Đông", None),
        ("Song", None),
    ],
)
def test_an_administrative_units_name_keeps_every_word(roster: Matcher, typed: str, expected: str | None) -> None:
    assert _matched(roster, typed) == expected


def test_a_type_word_that_is_a_units_name_is_read_as_its_name(roster: Matcher) -> None:
    for typed in ("Phường Đúc", "UBND Phường Đúc", "Phuong Duc (TP. Hue)"):
        assert _matched(roster, typed) == "X-19780", typed


def test_raw_telex_tones_are_applied_not_dropped(roster: Matcher) -> None:
    assert _matched(roster, "UBND. phuong Tân Thanhj") == "X-20335"
    assert _matched(roster, "UBND phuowngf Taan Thanhf") == "X-05479"
    assert _one(roster, "UBND phuong Tan Thanh").kind is MatchKind.AMBIGUOUS


def test_a_cut_off_word_is_no_abbreviation_inside_a_name(roster: Matcher) -> None:
    assert _matched(roster, "UBND XA Phuong Tr") == "X-30094"  # "Tr" is no trường here: one letter short


def test_roster_words_that_are_no_syllable_are_taken_as_they_are(roster: Matcher) -> None:
    assert _matched(roster, "Ia Tor") == "X-23908"  # not raw Telex for "Ia Tổ"
    assert _matched(roster, "Ia Tô") == "X-23779"
    assert _matched(roster, "UBND xã Sơ Pai, H. KBang") == "X-23653"
    assert _one(roster, "UBND xã Sơ Pai, H. Chư Prông").kind is MatchKind.LOCALITY_CONFLICT


def test_a_typo_of_a_roster_word_that_is_no_syllable_is_no_raw_telex() -> None:
    """"Đak Sar" typed for Đak SMar (Gia Lai) read as raw Telex "Đak Sả", one letter from Đăk Yă: merged there."""
    units = [RosterUnit("X-23660", "x", "UBND xã Đak SMar", locality="huyện KBang, tỉnh Gia Lai"),
             RosterUnit("X-23803", "x", "UBND xã Đăk Yă", locality="huyện Mang Yang, tỉnh Gia Lai"),
             RosterUnit("X-23908", "x", "UBND xã Ia Tôr", locality="huyện Chư Prông, tỉnh Gia Lai")]
    matcher = build_matcher(units, MatchingSettings())
    for typed in ("Xã Đak Sar", "UBND xa Dak Sar", "Xã Đak Msar"):
        outcome = _one(matcher, typed)
        assert outcome.kind is not MatchKind.MATCHED or outcome.unit_id == "X-23660", (typed, outcome)
        assert outcome.candidates[:1] == () or outcome.candidates[0].unit_id == "X-23660", (typed, outcome)
    assert _matched(matcher, "Xã Ia Torr") == "X-23908"  # a letter too many: still Ia Tôr, not Telex "Ia Tỏr"
    assert _matched(matcher, "UBND xã Đăk Yaw") == "X-23803"  # raw Telex of a syllable stays Telex: Đăk Yă


def test_raw_telex_one_letter_from_a_roster_word_that_is_no_syllable_still_finds_its_unit() -> None:
    """"Max" is one letter from Đăk Mar's "Mar" and Telex for the Mã of Sông Mã: read as typed (a near word of
    the roster's), it is one letter from Sông Mã and no other unit, so it is still Sông Mã's. (Read as Telex
    whenever the reading is a roster word, "hơ moonr", a typo of Hơ Moong, became Hà Mòn's: never.)"""
    units = [RosterUnit("A", "x", "UBND xã Đăk Mar", locality="huyện Đăk Hà, tỉnh Kon Tum"),
             RosterUnit("B", "x", "UBND xã Sông Mã", locality="huyện Đăk Hà, tỉnh Kon Tum"),
             RosterUnit("C", "x", "UBND xã Hơ Moong", locality="huyện Sa Thầy, tỉnh Kon Tum"),
             RosterUnit("D", "x", "UBND xã Hà Mòn", locality="huyện Đắk Hà, tỉnh Kon Tum")]
    matcher = build_matcher(units, MatchingSettings())
    assert _matched(matcher, "UBND xã Sông Max") == "B" and _matched(matcher, "Song Max") == "B"
    assert _matched(matcher, "Đăk Marr") == "A"
    assert _one(matcher, "ủy ban nhân dân xã hơ moonr").unit_id in (None, "C")
