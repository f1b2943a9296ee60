"""Raw Telex in the names of ethnic minorities. An agency typing with its input method off writes Đắk as
"DDawks", Lắk as "Lawks", Prông as "Proong". ``fold_word`` decodes keystrokes only into Vietnamese syllables,
and "dak", "lak", "prong" are none, so such a name matched nothing ("Xã DDawks Blà") and such a province or
district read as another place ("tỉnh Đắk Lawks"). Keystrokes that spell a roster word which is no syllable
are now that word; a roster word as it is ("Kroong" of Đăk Kroong) stays itself."""

from __future__ import annotations

from aggregator.models import MatchKind
from aggregator.textnorm import fold, is_syllable
from tests.namegen.admin import Province, Unit
from tests.namegen.build import _osa1
from tests.namegen.noise import telex
from tests.namegen.official import found_in, official_provinces


def _marked_non_syllable(unit: Unit) -> bool:
    """A name with a word that has marks and is no Vietnamese syllable without them (Đắk, Lắk, Prông)."""
    return any(word != fold(word) and not is_syllable(fold(word)) for word in unit.proper.split())


def _unique(province: Province, unit: Unit) -> bool:
    return sum(u.kind == unit.kind and fold(u.proper) == fold(unit.proper) for u in province.units) == 1


def _telex(name: str) -> str:
    return " ".join(telex(word) for word in name.split())


def _either_way(typed: str, province: Province) -> bool:
    """Whether a Telex word of ``typed`` is also a letter off a word of the province's names that is no
    syllable ("Koong", Telex for Kông, and Krông's "Krong"): read as typed, as a typo of it, it names nothing,
    and the row is left for review (when no other word of its segment is raw Telex only)."""
    words = {w for u in province.units for w in fold(u.proper).split() if not is_syllable(w)}
    typed_words = {word.lower() for word in typed.split() if word.isascii() and word.isalpha()}
    return any(_osa1(word, other) and word != other for word in typed_words for other in words)


def test_a_name_typed_in_raw_telex_is_its_unit_though_some_words_are_no_syllables() -> None:
    """Every unit of the official list whose name has such a word, typed all in Telex keystrokes, in a roster of
    its whole province: that unit (when no other unit of its type has the same name without marks), or, when a
    Telex word is a letter off another roster word (``_either_way``), no unit at all; never another unit."""
    cases = [(p, u) for p in official_provinces().values() for u in p.units
             if _marked_non_syllable(u) and _unique(p, u) and "'" not in u.proper]
    assert len(cases) >= 100
    missed, wrong = [], []
    for province, unit in cases:
        typed = f"UBND {unit.kind.lower()} {_telex(unit.proper)}"
        kind, unit_id = found_in(province.name, [typed])[0]
        if kind is MatchKind.MATCHED and unit_id != unit.uid:
            wrong.append((typed, unit.proper, unit_id))
        elif kind is not MatchKind.MATCHED and not _either_way(typed, province):
            missed.append((typed, unit.proper))
    assert not wrong, wrong
    assert not missed, missed
    assert found_in("Tỉnh Kon Tum", ["UBND xã DDawks Moon"])[0][0] is MatchKind.MATCHED  # Moong's "moon", Telex here


def test_a_place_typed_in_raw_telex_is_that_place() -> None:
    """A commune with its district or province typed in Telex ("tỉnh Đắk Lawks", "huyện Chư Proong"): that
    commune, not a commune of another place."""
    provinces = official_provinces()
    cases = [(p, d) for p in provinces.values() for d in p.districts() if _marked_non_syllable(d)]
    assert len(cases) >= 20
    for province, district in cases:
        commune = next(u for u in province.units if u.district == f"{district.kind} {district.proper}")
        name = f"UBND {commune.kind.lower()} {commune.proper}"
        typed = [f"{name} ({district.kind.lower()} {_telex(district.proper)})",
                 f"{name}, {province.kind.lower()} {_telex(province.proper)}"]
        expected = [(MatchKind.MATCHED, commune.uid)] * 2
        found = found_in(province.name, typed)
        if _either_way(_telex(district.proper), province):
            assert found[0][1] in (None, commune.uid) and found[1:] == expected[1:], (typed, found)
        else:
            assert found == expected, (typed, commune)


def test_a_roster_word_with_a_double_letter_stays_itself() -> None:
    """ "Kroong" is a word of Kon Tum's xã Đăk Kroong, no Telex for Krông: typed as written, that unit."""
    kroong = next(u for u in official_provinces()["Tỉnh Kon Tum"].units if fold(u.proper) == "dak kroong")
    typed = ["UBND xã Đăk Kroong", "UBND XA DAK KROONG"]
    assert found_in("Tỉnh Kon Tum", typed) == [(MatchKind.MATCHED, kroong.uid)] * 2


def test_telex_for_a_common_syllable_is_not_kept_as_typed_for_a_roster_word_two_letters_away() -> None:
    """ "uyr" (Telex for ủy) shares a deletion with Đắk Lắk's "Dur" but is two edits from it: it is ủy, and
    "uyr ban nhân dân huyện Krông Búk" is the district's People's Committee."""
    provinces = official_provinces()
    krong_buk = next(u for u in provinces["Tỉnh Đắk Lắk"].districts() if u.proper == "Krông Búk")
    assert found_in("Tỉnh Đắk Lắk", ["uyr ban nhân dân huyện krông búk"]) == [(MatchKind.MATCHED, krong_buk.uid)]


def test_telex_that_opens_a_unit_type_is_telex_though_a_roster_word_is_a_letter_from_it() -> None:
    """Gia Lai has a xã Uar, one letter from "uyr" (Telex for ủy): "Uyr ban nhân dân xã …" was read as a body
    called Uyr. So read, it opens the type ủy ban nhân dân with the words after it; alone it is still Uar's."""
    gia_lai = official_provinces()["Tỉnh Gia Lai"]
    communes = [u for u in gia_lai.units if u.kind == "Xã" and "'" not in u.proper and _unique(gia_lai, u)][:25]
    uar = next(u for u in gia_lai.units if u.proper == "Uar")
    typed = [f"Uyr ban nhân dân xã {u.proper}" for u in communes]
    typed.append(f"UYR BAN NHÂN DÂN XÃ {communes[0].proper.upper()}")
    found = found_in(gia_lai.name, [*typed, "UBND xã Uar"])
    assert found == [(MatchKind.MATCHED, u.uid) for u in [*communes, communes[0], uar]]
