"""Place names that hold a level word: "huyện Nho Quan", "huyện Quan Hóa", "tỉnh Hà Tĩnh" typed without
the marks that tell Quan from quận and Tĩnh from tỉnh. Such a qualifier was no place at all ("Quan" closed the
district's name after one word), so a commune of another province typed with its own district was merged
into a look-alike of the roster ("UBND xã Thượng Hòa (huyện Nho Quan)" into Quảng Bình's xã Thượng Hóa)."""

from __future__ import annotations

import pytest

from aggregator.models import MatchKind
from aggregator.names.localities import Place, read_places
from aggregator.textnorm import fold
from tests.namegen.official import found_in, official_provinces

LEVEL_WORDS = {"quan", "tinh", "xa", "phuong", "huyen"}  # one-word levels as read, folded


@pytest.mark.parametrize(("typed", "places"), [
    ("huyen nho quan", [("huyen", "nho quan")]),
    ("huyen quan hoa tinh thanh hoa", [("huyen", "quan hoa"), ("tinh", "thanh hoa")]),
    ("tinh ha tinh", [("tinh", "ha tinh")]),
    ("xa van phuong huyen nho quan", [("xa", "van phuong"), ("huyen", "nho quan")]),
    ("thanh pho hue tinh thua thien hue", [("thanh pho", "hue"), ("tinh", "thua thien hue")]),
    ("quan 3", [("quan", "3")]),
    ("phuong 1 thanh pho tra vinh", [("phuong", "1"), ("thanh pho", "tra vinh")]),
])
def test_a_level_word_inside_a_places_name_is_the_names(typed: str, places: list[tuple[str, str]]) -> None:
    assert read_places(typed.split()) == tuple(Place(level, tuple(name.split())) for level, name in places)


@pytest.mark.parametrize("typed", ["quan su tinh tra vinh", "xa phuong", "huyen", "quan su"])
def test_words_that_are_no_places_stay_none(typed: str) -> None:
    assert read_places(typed.split()) is None  # "quân sự" is no quận Sự; a one-word name no district's


def test_a_commune_typed_with_another_provinces_district_named_with_a_level_word_is_never_merged() -> None:
    """Every district of the official list whose name holds a level word, stated after a commune of another
    province (three rosters in turn), with and without diacritics: never that commune; the commune's own
    district stated the same way: that commune."""
    provinces = official_provinces()
    rosters = ["Tỉnh Quảng Bình", "Tỉnh Phú Thọ", "Tỉnh Sóc Trăng"]
    odd = [(p, d) for p in provinces.values() for d in p.districts() if set(d.key.split()) & LEVEL_WORDS]
    assert len(odd) >= 8  # Nho Quan, Văn Quan, Quan Hóa, Quan Sơn, Sơn Tịnh, Tịnh Biên …
    for n, (home, district) in enumerate(odd):
        roster = rosters[n % len(rosters)]
        if roster == home.name:
            continue
        commune = [u for u in provinces[roster].units if not u.is_district][n * 7 % 50]
        own = next(u for u in provinces[roster].districts() if u.proper == commune.district.split(" ", 1)[1]
                   or commune.district.endswith(u.proper))
        name = f"UBND {commune.kind.lower()} {commune.proper}"
        typed = [f"{name} ({district.kind.lower()} {district.proper})", fold(f"{name} ({district.kind} "
                                                                             f"{district.proper})").upper()]
        control = [f"{name} ({own.kind.lower()} {own.proper})", fold(f"{name} ({own.kind} {own.proper})").upper()]
        found = found_in(roster, typed + control)
        assert all(kind is not MatchKind.MATCHED for kind, _ in found[:2]), (typed, found)
        assert found[2:] == [(MatchKind.MATCHED, commune.uid)] * 2, (control, found)


def test_a_commune_typed_with_a_province_named_with_a_level_word_is_never_merged() -> None:
    provinces = official_provinces()
    stated = [p for p in provinces.values() if set(fold(p.proper).split()) & LEVEL_WORDS]  # Hà Tĩnh
    assert stated
    for province in stated:
        commune = next(u for u in provinces["Tỉnh Quảng Bình"].units if not u.is_district)
        typed = f"UBND {commune.kind.lower()} {commune.proper} ({province.name.lower()})"
        found = found_in("Tỉnh Quảng Bình", [typed, fold(typed).upper()])
        assert all(kind is MatchKind.LOCALITY_CONFLICT for kind, _ in found), (typed, found)
