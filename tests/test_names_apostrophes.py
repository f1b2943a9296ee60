"""Names with an apostrophe: Ê Đê, M'Nông, Gia Rai and Cơ Tu names of the Central Highlands and Quảng Nam
("Ea H'leo", "Cư M'gar", "Ia H' Drai", "Đắk R'Lấp", "Ch'ơm"). The letter before the apostrophe was read as an
abbreviation ("H." is huyện, "T." tỉnh), so "huyện Ea H'leo" read as "huyện Ea, huyện Leo": a commune typed with
its district matched nothing, and a roster's ``locality`` naming such a district read as two places."""

from __future__ import annotations

from aggregator.campaign import MatchingSettings
from aggregator.campaign.roster import parse_roster
from aggregator.models import MatchKind
from aggregator.names.abbreviations import read_folded, read_locality
from aggregator.names.localities import Place
from aggregator.names.matching import build_matcher, match_names
from aggregator.textnorm import fold, strip_marks
from tests.namegen.admin import Unit
from tests.namegen.official import found_in, official_provinces, province_matcher


def _apostrophe_ways(proper: str) -> list[str]:
    """As clerks type it: the official spelling, a typographic apostrophe, none of the spaces around it."""
    return [proper, proper.replace("'", "’"), proper.replace("' ", "'").replace("'", "’")]


def _with_apostrophe(units: list[Unit]) -> list[Unit]:
    return [u for u in units if "'" in u.proper]


def test_every_unit_named_with_an_apostrophe_is_itself() -> None:
    """Every unit of the official list with an apostrophe in its name, typed the usual ways, in a roster of its
    whole province: that unit (also in capitals without marks when no other unit of its type reads so)."""
    cases = [(p, u) for p in official_provinces().values() for u in _with_apostrophe(list(p.units))]
    assert len(cases) >= 30
    for province, unit in cases:
        typed = [f"UBND {unit.kind.lower()} {way}" for way in _apostrophe_ways(unit.proper)]
        assert found_in(province.name, typed) == [(MatchKind.MATCHED, unit.uid)] * len(typed), (unit, typed)
        alike = [u for u in province.units if u.kind == unit.kind and fold(u.proper) == fold(unit.proper)]
        if len(alike) == 1:
            assert found_in(province.name, [strip_marks(typed[1]).upper()]) == [(MatchKind.MATCHED, unit.uid)], unit


def test_a_commune_typed_with_its_district_named_with_an_apostrophe_is_that_commune() -> None:
    """Communes of every district named with an apostrophe (Ea H'leo, Cư M'gar, M'Đrắk, Đắk R'Lấp, Ia H' Drai),
    typed with the district after a dash, in brackets or as "H.": that commune."""
    provinces = official_provinces()
    districts = [(p, d) for p in provinces.values() for d in _with_apostrophe(p.districts())]
    assert len(districts) >= 5
    for province, district in districts:
        communes = [u for u in province.units if u.district == f"{district.kind} {district.proper}"][:4]
        assert communes, district
        for n, commune in enumerate(communes):
            way = _apostrophe_ways(district.proper)[n % 3]
            name = f"UBND {commune.kind.lower()} {commune.proper}"
            typed = [f"{name} - huyện {way}", f"{name} ({district.kind.lower()} {way})", f"{name}, H. {way}"]
            assert found_in(province.name, typed) == [(MatchKind.MATCHED, commune.uid)] * 3, (commune, typed)


def test_a_locality_naming_a_district_with_an_apostrophe_is_one_place() -> None:
    vocabulary = province_matcher("Tỉnh Đắk Lắk").vocabulary
    assert read_locality("huyện Ea H'leo, tỉnh Đắk Lắk", vocabulary) == (
        Place("huyen", ("ea", "h", "leo")), Place("tinh", ("dak", "lak")))
    assert read_locality("H. Ea H’leo", vocabulary) == read_locality("huyện Ea H' leo", vocabulary)


def test_a_commune_whose_name_opens_with_a_letter_is_that_commune_with_or_without_an_apostrophe() -> None:
    """Gia Lai's xã H Bông and Quảng Nam's thị trấn P Rao: after the commune's type, the letter opens the name (no
    huyện, no phường), also typed "H'Bông", "P’Rao", after "X." or "TT."; "P4" is still Phường 4."""
    cases = [(p, u) for p in official_provinces().values() for u in p.units
             if len(u.proper.split()[0]) == 1 and u.proper[0].isupper() and "'" not in u.proper
             and u.kind in ("Xã", "Thị trấn") and u.proper.split()[0] in "HPTXQ"]
    assert {u.proper for _, u in cases} >= {"H Bông", "P Rao"}
    for province, unit in cases:
        letter, rest = unit.proper.split(" ", 1)
        short = "X." if unit.kind == "Xã" else "TT."
        district = unit.district.split(" ", 1)
        # first the letter as a district's level, and the name's other words, each read and kept per chunk
        before = [f"UBND xã Ia Pal, {district[0][0]} {district[1]}", f"UBND {unit.kind.lower()} {rest}"]
        typed = [*before, f"{unit.kind} {unit.proper}", f"{unit.kind} {letter}'{rest}",
                 f"{short} {letter}’ {rest}", strip_marks(f"UBND {unit.kind} {unit.proper}").upper()]
        assert found_in(province.name, typed)[2:] == [(MatchKind.MATCHED, unit.uid)] * 4, (typed, unit)
    roster = parse_roster("unit_id,group,name\nH,xa,UBND xã H Bông\nP,xa,UBND phường 4\n", origin="t")
    found = match_names(build_matcher(roster, MatchingSettings()), ["P4", "P.4", "Xã H'Bông"])
    assert [(o.kind, o.unit_id) for o in found] == [(MatchKind.MATCHED, "P"), (MatchKind.MATCHED, "P"),
                                                    (MatchKind.MATCHED, "H")]


def test_a_letter_read_as_a_level_elsewhere_is_still_a_name_letter_after_a_communes_type() -> None:
    """What a chunk reads as is kept per vocabulary; a letter the roster has as a name word is not: "H" of
    "H Chư Sê" is huyện, of "Xã H Bông" the name's."""
    vocabulary = province_matcher("Tỉnh Gia Lai").vocabulary
    assert read_folded("H Chư Sê", vocabulary) == ["huyen", "chu", "se"]
    assert read_folded("Xã Bông", vocabulary) == ["xa", "bong"]
    assert read_folded("Xã H Bông", vocabulary) == ["xa", "h", "bong"]
