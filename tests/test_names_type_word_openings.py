"""Names that open with a word that is also a unit type. "Phong Niên - UBND xã" (Lào Cai), "Trường Long A -
UBND xã" (Hậu Giang), "Đại Trạch - UBND xã" (Quảng Bình): the commune's name first, its type after. Read with
"Phong" as phòng, the type after it stayed in the name, and the reading where "Phong" is the name's was never
tried (the type's words counted as words no unit has). And a roster's commune named Trung Tâm (Yên Bái) made
"TT" a centre everywhere, so "TT Yên Thế" was no thị trấn."""

from __future__ import annotations

from aggregator.campaign import MatchingSettings
from aggregator.campaign.roster import parse_roster
from aggregator.models import MatchKind
from aggregator.names.heads import TRAPS
from aggregator.names.matching import build_matcher, match_names
from aggregator.textnorm import fold, strip_marks
from tests.namegen.official import found_in, official_provinces


def test_a_commune_whose_name_opens_with_a_type_word_typed_before_its_type_is_that_commune() -> None:
    """Every commune of the official list whose name opens with a type word (Phong, Trường, Đại, Đội, Báo …) and
    has another word, typed "<name> - UBND xã" as written and in capitals without marks, in a roster of its whole
    province: that commune, when no other commune of the province reads the same. (Not Xà Phìn: without marks,
    "XA PHIN - UBND XA" has the type's word twice, and which one is the name's is not told apart.)"""
    cases = []
    for province in official_provinces().values():
        communes = [u for u in province.units if u.kind == "Xã"]
        for unit in communes:
            words = fold(unit.proper).split()
            # not "Xà Phìn": without marks its first word is the type typed after it ("XA PHIN - UBND XA")
            if len(words) > 1 and words[0] in TRAPS - {"xa"} and not words[-1].isdigit() and \
                    sum(fold(u.proper) == fold(unit.proper) for u in communes) == 1:
                cases.append((province, unit))
    assert len(cases) >= 100
    missed = []
    for province, unit in cases:
        typed = [f"{unit.proper} - UBND xã", strip_marks(f"{unit.proper} - UBND xã").upper()]
        found = found_in(province.name, typed)
        if found != [(MatchKind.MATCHED, unit.uid)] * 2:
            missed.append((typed[0], found))
    assert not missed, (len(missed), len(cases), missed)


def test_tt_is_a_town_where_the_roster_has_towns_and_no_unit_named_as_a_centre() -> None:
    towns = parse_roster("unit_id,group,name\nT,xa,UBND thị trấn Yên Thế\nC,xa,UBND xã Trung Tâm\n", origin="t")
    found = match_names(build_matcher(towns, MatchingSettings()), ["TT Yên Thế", "TT. Yen The", "UBND xã Trung Tâm"])
    assert [(o.kind, o.unit_id) for o in found] == [(MatchKind.MATCHED, "T"), (MatchKind.MATCHED, "T"),
                                                    (MatchKind.MATCHED, "C")]
    centres = parse_roster("unit_id,group,name\nT,xa,UBND thị trấn Yên Thế\nY,tt,Trung tâm Y tế huyện Lục Yên\n",
                           origin="t")
    found = match_names(build_matcher(centres, MatchingSettings()), ["TT Y tế huyện Lục Yên", "UBND TT Yên Thế"])
    assert [(o.kind, o.unit_id) for o in found] == [(MatchKind.MATCHED, "Y"), (MatchKind.MATCHED, "T")]


def test_thuoc_that_is_a_word_of_the_name_is_not_taken_for_belonging_to() -> None:
    """ "xã Long Đức thuộc huyện Long Phú" says where the commune is; Lai Châu's xã Thân Thuộc has the word in
    its name: typed with its district after it, it was read as xã Thân "belonging to" huyện Tân Uyên."""
    province = official_provinces()["Tỉnh Lai Châu"]
    unit = next(u for u in province.units if u.proper == "Thân Thuộc")
    other = next(u for u in province.units if u.district == unit.district and u.uid != unit.uid and u.kind == "Xã")
    typed = ["UBND xã Thân Thuộc, huyện Tân Uyên", "UBND XÃ THÂN THUỘC – H.TÂN UYÊN",
             "UBND xa Than Thuoc, huyen Tan Uyen", f"UBND xã {other.proper} thuộc huyện Tân Uyên"]
    found = found_in(province.name, typed)
    assert found == [(MatchKind.MATCHED, unit.uid)] * 3 + [(MatchKind.MATCHED, other.uid)]


def test_a_district_whose_name_opens_with_doan_typed_without_marks_is_that_district() -> None:
    """ "Huyen Doan Hung" read as Huyện đoàn (the district's Youth Union) of "Hùng" and matched nothing."""
    districts = [(p, d) for p in official_provinces().values() for d in p.districts()
                 if fold(d.proper).startswith("doan ")]
    assert districts
    for province, district in districts:
        typed = [strip_marks(f"{district.kind} {district.proper}"), fold(f"UBND {district.kind} {district.proper}")]
        found = found_in(province.name, typed)
        assert found == [(MatchKind.MATCHED, district.uid)] * 2, (typed, found)
    both = parse_roster("unit_id,group,name\nH,huyen,UBND huyện Đoan Hùng\nD,doan,Huyện đoàn Đoan Hùng\n", origin="t")
    found = match_names(build_matcher(both, MatchingSettings()), ["Huyen Doan Hung", "Huyện đoàn Đoan Hùng"])
    assert [(o.kind, o.unit_id) for o in found] == [(MatchKind.MATCHED, "H"), (MatchKind.MATCHED, "D")]
