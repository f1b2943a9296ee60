"""Numerals that are also words. In capitals, "VI" and "I" end many names as Roman numerals ("TH VĨNH HẢI I"
is Vĩnh Hải 1) and some as words: "UBND XA BA VI" is xã Ba Vì typed without marks, "UBND XÃ SƠN VI" is
Phú Thọ's xã Sơn Vi typed as written. Such a name was read as Ba 6 or Sơn 6 and matched nothing; it now also
has the reading where the word is the name's, when a unit of the roster has that word with the others."""

from __future__ import annotations

from aggregator.campaign import MatchingSettings
from aggregator.campaign.roster import parse_roster
from aggregator.models import MatchKind
from aggregator.names.matching import build_matcher, match_names
from aggregator.textnorm import fold
from tests.namegen.admin import Province, Unit
from tests.namegen.official import found_in, official_provinces

NUMERALS = {"I", "II", "III", "IV", "V", "VI"}


def _typed_in_capitals(unit: Unit) -> list[str]:
    name = f"UBND {unit.kind} {unit.proper}"
    return [name.upper(), fold(name).upper()]


def _units(ending: set[str], *, as_written: bool) -> list[tuple[Province, Unit]]:
    """Units of the official list whose proper name ends in one of ``ending``: as written (a numeral, "Hải Châu
    I") or, with ``as_written`` False, as a word that folds to it in capitals ("Ba Vì", "Sơn Vi", "Cống Vị")."""
    found = []
    for province in official_provinces().values():
        for unit in province.units:
            last = unit.proper.split()[-1]
            if len(unit.proper.split()) > 1 and (last in ending if as_written else
                                                 last not in NUMERALS and fold(last).upper() in ending):
                found.append((province, unit))
    return found


def _alike(province: Province, unit: Unit) -> list[Unit]:
    return [u for u in province.units if u.kind == unit.kind and fold(u.proper) == fold(unit.proper)]


def test_a_name_ending_in_a_word_that_is_a_numeral_in_capitals_is_that_unit() -> None:
    """Every unit of the official list whose name ends in vi, vì, vị, vĩ (Ba Vì, Mường Vi, Cống Vị, Sơn Vĩ …),
    typed in capitals with its marks and without, in a roster of its whole province: that unit, or nothing
    when another unit of the province has the same name once its marks are gone."""
    cases = _units({"VI", "I"}, as_written=False)
    assert len(cases) >= 10
    for province, unit in cases:
        found = found_in(province.name, _typed_in_capitals(unit))
        assert found[0] == (MatchKind.MATCHED, unit.uid), (unit, found)
        if len(_alike(province, unit)) == 1:
            assert found[1] == (MatchKind.MATCHED, unit.uid), (unit, found)
        else:
            assert found[1][0] is not MatchKind.MATCHED, (unit, found)


def test_a_name_ending_in_a_roman_numeral_stays_numbered() -> None:
    """Hải Châu I and II, Tam Xuân I and II, Hòa Tú II, Phường I and V …: in capitals, with and without marks,
    each is its own unit, never the unit of another number."""
    cases = _units(NUMERALS, as_written=True)
    assert len(cases) >= 5
    for province, unit in cases:
        found = found_in(province.name, _typed_in_capitals(unit))
        assert found == [(MatchKind.MATCHED, unit.uid)] * 2, (unit, found)


def test_the_word_reading_needs_a_unit_that_has_the_word() -> None:
    """ "UBND XA TAN LINH VI": no unit of Hà Nội is named Tản Lĩnh Vi, so VI stays a number, and the name is
    no unit (not xã Tản Lĩnh); the numbered school typed in capitals is still its number."""
    roster = parse_roster("unit_id,group,name\nA,xa,UBND xã Tản Lĩnh\nB,xa,UBND xã Ba Vì\n"
                          "C,th,Trường Tiểu học Vĩnh Hải 1\nD,th,Trường Tiểu học Vĩnh Hải 6\n", origin="t")
    found = match_names(build_matcher(roster, MatchingSettings()),
                        ["UBND XA TAN LINH VI", "UBND XA BA VI", "TH VĨNH HẢI I", "TRUONG TIEU HOC VINH HAI VI"])
    assert [(o.kind, o.unit_id) for o in found][1:] == [(MatchKind.MATCHED, "B"), (MatchKind.MATCHED, "C"),
                                                         (MatchKind.MATCHED, "D")]
    assert found[0].kind is not MatchKind.MATCHED


def test_roman_numbered_names_make_no_telex_word_a_typo() -> None:
    """Vị Thanh's wards are Phường I … VII: "VII" is a number, no roster word, so "Vij" (Telex for Vị) is no
    typo of it to be read as typed, and each ward typed with "TP Vij Thanh" is that ward."""
    province = official_provinces()["Tỉnh Hậu Giang"]
    wards = [u for u in province.units if u.kind == "Phường" and u.proper in NUMERALS | {"VII"}]
    assert len(wards) >= 3
    typed = [f"UBND PHƯỜNG {ward.proper} - TP VIJ THANH" for ward in wards]
    found = found_in(province.name, typed)
    assert found == [(MatchKind.MATCHED, ward.uid) for ward in wards]
