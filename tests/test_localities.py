"""Locality-aware matching, rule by rule, on a real province's roster (tests/data_names, Sóc Trăng).

Sóc Trăng has what makes places hard: Phường 1 in three districts, a district, a town and a commune
all called Long Phú, a town and a commune called Lịch Hội Thượng, Phú Tâm next to Phú Tân.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import MatchingSettings
from aggregator.models import MatchKind, MatchOutcome, RosterUnit
from aggregator.names.matching import Matcher, build_matcher, match_names

DATA = Path(__file__).resolve().parent / "data_names"
GROUPS = {"huyen": "UBND các huyện, thị xã, thành phố", "xa": "UBND các xã, phường, thị trấn"}
CITY_WARD_1, CITY_WARD_10, CITY_WARD_4 = "X31522", "X31525", "X31516"
LONG_PHU_DISTRICT, LONG_PHU_TOWN, LONG_PHU_COMMUNE, LONG_DUC = "H946", "X31639", "X31669", "X31651"


@pytest.fixture(scope="module")
def soctrang() -> Matcher:
    return build_matcher(read_roster(DATA / "soc-trang.roster.csv"), MatchingSettings(), groups=GROUPS)


def _one(matcher: Matcher, typed: str, hint: object = None) -> MatchOutcome:
    return match_names(matcher, [typed], [hint])[0]


def _matched(matcher: Matcher, typed: str) -> str | None:
    outcome = _one(matcher, typed)
    return outcome.unit_id if outcome.kind is MatchKind.MATCHED else None


@pytest.mark.parametrize(
    "typed",
    [
        "UBND xã Long Đức, H. Long Phú",
        "UBND Xã Long Đức – H.Long Phú",
        "UBND Long Duc - huyen Long Phu",
        "Xã Long Đức (huyện Long Phú)",
        "UBND xã Long Đức huyện Long Phú tỉnh Sóc Trăng",
        "UBND xã Long Đức, huyện Long Phú, tỉnh Sóc Trăng.",
        "Long Đức - Long Phú",  # a bare district name after a dash
        "Long Đức thuộc huyện Long Phú",
        "UBND xã Long Đức (Long Phú)",
        "UBND xã Long Đức - Long Phú - Sóc Trăng",  # two bare places
        "UBND Xã Long Đức, H.Long Phú, T.Sóc Trăng",  # "T." for tỉnh
        "UBND Xã Long Đức, H.Long Phú, Sóc Trăng",  # the province without its level
    ],
)
def test_locality_agreeing_qualifier_is_set_aside(soctrang: Matcher, typed: str) -> None:
    assert _matched(soctrang, typed) == LONG_DUC


@pytest.mark.parametrize(
    "typed",
    [
        "UBND xã Long Đức, H. Mỹ Tú",  # another district of the province
        "UBND xã Long Đức - TX. Vĩnh Châu",
        "UBND xã Long Đức, tỉnh Trà Vinh",  # another province
        "Xã Long Đức (TP. Vĩnh Long)",
        "UBND xã Long Đức huyện Long Hồ tỉnh Vĩnh Long",
    ],
)
def test_locality_naming_another_area_excludes_the_unit(soctrang: Matcher, typed: str) -> None:
    outcome = _one(soctrang, typed)
    assert outcome.kind is MatchKind.LOCALITY_CONFLICT, outcome
    assert outcome.candidates and outcome.candidates[0].unit_id == LONG_DUC  # shown, never accepted


def test_locality_tells_numbered_wards_of_districts_apart(soctrang: Matcher) -> None:
    assert _one(soctrang, "UBND P1").kind is MatchKind.AMBIGUOUS  # three districts have a Phường 1
    assert {c.unit_id for c in _one(soctrang, "Phường 1").candidates} == {CITY_WARD_1, "X31732", "X31783"}
    assert _matched(soctrang, "UBND Phuong 1 (TP. Soc Trang).") == CITY_WARD_1
    assert _matched(soctrang, "Phường 01 - TX Ngã Năm") == "X31732"
    assert _one(soctrang, "UBND P4 - TX Ngã Năm").kind is MatchKind.LOCALITY_CONFLICT  # only the city has a P4


def test_cities_and_towns_written_as_initials(soctrang: Matcher) -> None:
    assert _matched(soctrang, "Phường 4 TPST") == CITY_WARD_4
    assert _matched(soctrang, "UBND P.1 (TP.ST)") == CITY_WARD_1
    assert _matched(soctrang, "P1 TXNN") == "X31732"  # thị xã Ngã Năm


def test_a_bare_name_of_one_unit_is_that_unit_even_when_the_province_shares_it(soctrang: Matcher) -> None:
    for typed in ("Sóc Trăng", "UBND Sóc Trăng", "UBND TP Sóc Trăng"):  # the city: the province is no unit
        assert _matched(soctrang, typed) == "H941", typed
    assert _one(soctrang, "UBND tỉnh Sóc Trăng").kind is MatchKind.TYPE_CONFLICT


def test_words_that_open_other_bodies_may_be_part_of_a_name(soctrang: Matcher) -> None:
    assert _one(soctrang, "Lịch Hội Thượng").kind is MatchKind.AMBIGUOUS  # "Hội" opens no association here
    assert _matched(soctrang, "Lịch Hội Thượng - H. Trần Đề") is None  # still a town and a commune
    assert _matched(soctrang, "Trường Khánh") == "X31654"  # "Trường" opens no school here


@pytest.mark.parametrize("typed", ["UBND P10", "P.10", "F10", "Phường số 10", "UBND F.10", "ubnd phuong 10", "P 10"])
def test_numbered_ward_short_forms_are_one_ward(soctrang: Matcher, typed: str) -> None:
    assert _matched(soctrang, typed) == CITY_WARD_10


@pytest.mark.parametrize("typed", ["Phường 9, TP. Sóc Trăng", "UBND P12", "Phường 11", "Xã An Thạnh 4"])
def test_numbers_are_never_fuzzy(soctrang: Matcher, typed: str) -> None:
    assert _one(soctrang, typed).kind is not MatchKind.MATCHED


def test_roman_numerals_in_any_case_are_numbers(soctrang: Matcher) -> None:
    assert _matched(soctrang, "Xã Hòa Tú 2") == "X31729"
    assert _matched(soctrang, "xã hòa tú ii") == "X31729"
    assert _matched(soctrang, "XÃ HÒA TÚ I") == "X31717"


def test_type_words_are_evidence_not_requirements(soctrang: Matcher) -> None:
    assert _matched(soctrang, "Long Đức") == LONG_DUC  # bare, the only unit with that name
    assert _matched(soctrang, " Long Duc  ") == LONG_DUC
    assert _matched(soctrang, "UBND Long Đức") == LONG_DUC  # a committee of no stated level
    assert _matched(soctrang, "UBND xã Long Phú") == LONG_PHU_COMMUNE
    assert _matched(soctrang, "UBND TT Long Phú") == LONG_PHU_TOWN
    assert _matched(soctrang, "UBND huyện Long Phú") == LONG_PHU_DISTRICT
    for shared in ("UBND Long Phú", "Long Phú", "UBND Lịch Hội Thượng"):  # a district, its town, a commune
        assert _one(soctrang, shared).kind is MatchKind.AMBIGUOUS, shared
    assert _matched(soctrang, "Long Phú, huyện Long Phú") is None  # still the town or the commune


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("Thị trấn Long Đức", MatchKind.TYPE_CONFLICT),  # a town of that name does not exist
        ("Phường Long Đức", MatchKind.TYPE_CONFLICT),
        ("Huyện Long Đức", MatchKind.TYPE_CONFLICT),
    ],
)
def test_a_type_that_contradicts_the_unit_excludes_it(soctrang: Matcher, typed: str, kind: MatchKind) -> None:
    outcome = _one(soctrang, typed)
    assert outcome.kind is kind
    assert outcome.candidates[0].unit_id == LONG_DUC


@pytest.mark.parametrize(
    "typed",
    [
        "Công an xã Long Đức", "Trạm Y tế xã Long Đức", "Trạm y tế Long Đức", "Đảng ủy xã Long Đức",
        "Hội Nông dân xã Long Đức", "Hội LHPN xã Long Đức", "Ban CHQS xã Long Đức", "Ban Chỉ huy Quân sự xã Long Đức",
        "Trường THCS Long Đức", "Trường Tiểu học xã Long Đức", "Đoàn TN xã Long Đức", "UB MTTQ xã Long Đức",
        "HĐND xã Long Đức", "Văn phòng Đảng ủy xã Long Đức", "Chi bộ ấp 3, xã Long Đức", "Hợp tác xã Long Đức",
        "Nhà văn hóa xã Long Đức", "Công an huyện Long Phú", "Huyện ủy Long Phú", "Phòng GD&ĐT huyện Long Phú",
        "CONG AN XA LONG DUC", "Tram y te xa Long Duc",
    ],
)
def test_other_bodies_in_a_place_are_not_the_place(soctrang: Matcher, typed: str) -> None:
    assert _one(soctrang, typed).kind is not MatchKind.MATCHED


@pytest.mark.parametrize(
    ("typed", "unit_id"),
    [
        ("UBND xã Trường Khámh", "X31654"),  # neighbouring key
        ("UBND xa Truogn Khanh", "X31654"),  # swapped letters
        ("UBND xã Long Ddwcs", LONG_DUC),  # raw Telex
        ("UBND xã Tân Thạn", "X31666"),  # a letter missing
        ("TT. Châu hành.", "X31569"),  # TT is a town in a roster of towns, one letter missing
        ("UBND xã Trường Khánhh", "X31654"),  # a letter too many
        ("UBND XÃ SONG PHỤNH", "X31642"),
    ],
)
def test_one_edit_in_the_proper_name_is_a_typo_when_unique(soctrang: Matcher, typed: str, unit_id: str) -> None:
    assert _matched(soctrang, typed) == unit_id


@pytest.mark.parametrize(
    "typed",
    [
        "UBND xã Phú Taa",  # one edit from Phú Tân and from Phú Tâm
        "UBND xa Long Đcu",  # one edit from Long Đức, two from Long Phú
        "UBND xã An Thạnh",  # An Thạnh 1, 2 or 3: a missing number is no typo
    ],
)
def test_a_typo_near_two_units_is_never_guessed(soctrang: Matcher, typed: str) -> None:
    assert _one(soctrang, typed).kind is MatchKind.AMBIGUOUS


@pytest.mark.parametrize(("rival", "kind"), [("Xã Tân Hương", MatchKind.AMBIGUOUS), ("Xã Tân Hòa", MatchKind.MATCHED),
                                             ("Phường Tân Hương", MatchKind.MATCHED)])
def test_a_typo_is_accepted_only_without_a_rival_two_edits_away(rival: str, kind: MatchKind) -> None:
    units = [RosterUnit("A", "xa", "Xã Tân Hưng"), RosterUnit("B", "xa", rival)]
    outcome = _one(build_matcher(units, MatchingSettings()), "UBND xã Tâh Hưng")  # one edit from Tân Hưng
    assert outcome.kind is kind  # Tân Hương is two edits away, unless the typed type rules it out
    assert outcome.unit_id in (None, "A")


def test_typo_rules_hold_for_names_with_numbers() -> None:
    units = [RosterUnit("A", "xa", "Xã Xuân Quang 1"), RosterUnit("B", "xa", "Xã Xuân Quang 2")]
    matcher = build_matcher(units, MatchingSettings())
    assert _matched(matcher, "UBND xã Xuân Quanh 2") == "B"
    assert _matched(matcher, "UBND xã Xuân Quanh 3") is None
    assert _one(matcher, "UBND xã Xuân Quanh").kind is not MatchKind.MATCHED


def test_a_real_name_is_no_typo_of_another() -> None:
    units = [RosterUnit("A", "xa", "Phường Phước Long"), RosterUnit("B", "xa", "Xã Phước Đồng")]
    outcome = _one(build_matcher(units, MatchingSettings()), "UBND xã Phước Long")
    assert (outcome.kind, outcome.candidates[0].unit_id) == (MatchKind.TYPE_CONFLICT, "A")


def test_group_hint_breaks_a_tie_between_groups_only(soctrang: Matcher) -> None:
    assert _one(soctrang, "UBND Long Phú", "Khối huyện").unit_id == LONG_PHU_DISTRICT
    assert _one(soctrang, "UBND Long Phú", "huyen").unit_id == LONG_PHU_DISTRICT  # the group's code
    assert _one(soctrang, "UBND Long Phú", "Xã, phường").kind is MatchKind.AMBIGUOUS  # a town and a commune
    assert _one(soctrang, "UBND Lịch Hội Thượng", "UBND xã").kind is MatchKind.AMBIGUOUS  # both in one group
    assert _one(soctrang, "UBND Long Phú", "UBND").kind is MatchKind.AMBIGUOUS  # names both groups
    assert _one(soctrang, "UBND Long Phú", "Sở, ngành").kind is MatchKind.AMBIGUOUS  # names no group
    assert _one(soctrang, "UBND xã Long Phú", "Khối huyện").unit_id == LONG_PHU_COMMUNE  # never overrides
    assert _one(soctrang, "UBND huyện Long Đức", "xa").kind is MatchKind.TYPE_CONFLICT  # never revives


def test_group_hints_are_read_row_by_row(soctrang: Matcher) -> None:
    names = ["UBND Long Phú", "UBND Long Phú", "UBND Long Phú", ""]
    outcomes = match_names(soctrang, names, ["huyện", None, float("nan"), "huyện"])
    assert [o.kind for o in outcomes] == [MatchKind.MATCHED, MatchKind.AMBIGUOUS, MatchKind.AMBIGUOUS,
                                          MatchKind.NO_NAME]


def test_every_miss_says_why(soctrang: Matcher) -> None:
    outcomes = match_names(soctrang, ["UBND Long Phú", "Sở Y tế", "", "UBND xã Long Đức, H. Mỹ Tú",
                                      "Công an xã Long Đức"])
    assert [o.kind.value for o in outcomes] == ["ambiguous", "no_match", "no_name", "locality_conflict",
                                                "type_conflict"]
    assert {c.unit_id for c in outcomes[0].candidates} == {LONG_PHU_DISTRICT, LONG_PHU_TOWN, LONG_PHU_COMMUNE}


def test_area_of_the_campaign_is_set_aside_and_others_excluded() -> None:
    units = [RosterUnit("A", "xa", "Xã Long Đức"), RosterUnit("B", "xa", "Phòng Y tế")]
    matcher = build_matcher(units, MatchingSettings(), area="tỉnh Sóc Trăng")
    assert _matched(matcher, "UBND xã Long Đức, tỉnh Sóc Trăng") == "A"
    assert _matched(matcher, "Phòng Y tế (tỉnh Sóc Trăng)") == "B"
    assert _one(matcher, "UBND xã Long Đức, tỉnh Bạc Liêu").kind is MatchKind.LOCALITY_CONFLICT
    unknown = build_matcher(units, MatchingSettings())  # no area, no locality: nothing to confirm a place with
    assert _one(unknown, "UBND xã Long Đức, tỉnh Sóc Trăng").kind is MatchKind.LOCALITY_CONFLICT


def test_without_locality_places_are_compared_with_the_roster_names() -> None:
    units = [RosterUnit("A", "pyt", "Phòng Y tế huyện Long Phú"), RosterUnit("B", "pyt", "Phòng Y tế huyện Mỹ Tú")]
    matcher = build_matcher(units, MatchingSettings())
    assert _one(matcher, "Phòng Y tế").kind is MatchKind.AMBIGUOUS
    assert _matched(matcher, "Phòng Y tế - H. Mỹ Tú") == "B"
    assert _one(matcher, "Phòng Y tế huyện Cù Lao Dung").kind is MatchKind.LOCALITY_CONFLICT


def test_a_commune_inherits_the_province_from_its_district_unit() -> None:
    units = [RosterUnit("H", "huyen", "UBND huyện Long Phú", locality="tỉnh Sóc Trăng"),
             RosterUnit("X", "xa", "UBND xã Long Đức", locality="huyện Long Phú")]
    matcher = build_matcher(units, MatchingSettings())
    assert _matched(matcher, "UBND xã Long Đức, tỉnh Sóc Trăng") == "X"
    assert _one(matcher, "UBND xã Long Đức, tỉnh Bạc Liêu").kind is MatchKind.LOCALITY_CONFLICT


def test_places_in_a_roster_name_are_where_the_unit_lies_not_another_name() -> None:
    units = [RosterUnit("A", "xa", "UBND xã Long Đức (huyện Long Phú)"),
             RosterUnit("B", "xa", "UBND xã Long Đức, huyện Mỹ Tú"), RosterUnit("H", "huyen", "UBND huyện Long Phú")]
    matcher = build_matcher(units, MatchingSettings())
    assert _matched(matcher, "UBND huyện Long Phú") == "H"
    assert _matched(matcher, "UBND xã Long Đức - H. Long Phú") == "A"
    assert _matched(matcher, "UBND xã Long Đức (huyện Mỹ Tú)") == "B"
    assert _one(matcher, "UBND xã Long Đức").kind is MatchKind.AMBIGUOUS


@pytest.mark.parametrize(
    ("typed", "unit_id"),
    [
        ("UBND X. Khánh Hưnh", "A"),  # two letters from Thạnh Hưng (k/t, h/g), three with á/ạ
        ("UBND X. Khanh Hunh", None),  # no diacritics typed: Thạnh Hưng is a rival two edits away
        ("UBND X. Khanh Hưnh", None),  # "Khanh" may be a hasty Khánh or Thạnh: no mark held against either
        ("UBND X. Thánh Hưnh", None),  # one letter from both with marks aside: never guessed
    ],
)
def test_typed_diacritics_count_when_a_typos_rivals_are_measured(typed: str, unit_id: str | None) -> None:
    units = [RosterUnit("A", "xa", "Xã Khánh Hưng"), RosterUnit("B", "xa", "Xã Thạnh Hưng")]
    outcome = _one(build_matcher(units, MatchingSettings()), typed)
    assert (outcome.unit_id if outcome.kind is MatchKind.MATCHED else None) == unit_id


def test_a_rival_with_the_typed_diacritics_stays_a_rival() -> None:
    units = [RosterUnit("A", "xa", "Xã Phú Lâm"), RosterUnit("B", "xa", "Xã Phú Lộc")]
    outcome = _one(build_matcher(units, MatchingSettings()), "UBND xã Phú Lâx")  # Lâm one edit, Lộc two (â/ộ, x/c)
    assert outcome.kind is MatchKind.AMBIGUOUS


@pytest.mark.parametrize(
    ("roster", "typed", "unit_id"),
    [
        (["Xã Phước Hải", "Xã Phước Hậu"], "UBND xã Phước Hậi", None),  # Hải's letters, Hậu's ậ: for review
        (["Xã Phước Hải"], "UBND xã Phước Hậi", "A"),  # no unit has that ậ: a slip of the mark
        (["Xã Phước Hải", "Xã Phước Hậu"], "UBND xã Phước Hai", "A"),  # typed bare: the letters decide
        (["Xã Phước Hải", "Xã Phước Hậu"], "UBND xã Phước Hải", "A"),
    ],
)
def test_typed_marks_that_contradict_a_name_leave_it_in_doubt(roster: list[str], typed: str,
                                                              unit_id: str | None) -> None:
    units = [RosterUnit(chr(ord("A") + i), "xa", name) for i, name in enumerate(roster)]
    outcome = _one(build_matcher(units, MatchingSettings()), typed)
    assert (outcome.unit_id if outcome.kind is MatchKind.MATCHED else None) == unit_id
    if unit_id is None:
        assert {c.unit_id for c in outcome.candidates} == {"A", "B"}


def test_a_roster_written_without_diacritics_makes_typed_marks_no_evidence() -> None:
    units = [RosterUnit("A", "xa", "Xa Khanh Hung"), RosterUnit("B", "xa", "Xa Thanh Hung")]
    outcome = _one(build_matcher(units, MatchingSettings()), "UBND X. Khánh Hưnh")
    assert outcome.kind is MatchKind.AMBIGUOUS  # Thạnh Hưng two letters away: the strict rule holds


# A roster without `locality` under an `area` that names the province only (the bundled Trà Vinh campaign's
# setup): a commune's district is unknown, so a district typed after its name could not be checked and every
# such row was left unmatched as "another place". A district the roster itself knows (a district unit names
# it) is now taken as possible; one it does not know still excludes the unit, and so does any for a numbered
# ward or for a unit that is itself a district.
def _without_locality(area: str = "tỉnh Sóc Trăng") -> Matcher:
    units = [replace(u, locality="") for u in read_roster(DATA / "soc-trang.roster.csv")]
    return build_matcher(units, MatchingSettings(), area=area, groups=GROUPS)


def test_a_district_the_roster_knows_is_possible_for_a_unit_whose_district_is_unknown() -> None:
    matcher = _without_locality()
    assert _matched(matcher, "UBND xã Long Đức, huyện Long Phú") == LONG_DUC
    assert _matched(matcher, "UBND Xã Long Đức, H.Long Phú, T.Sóc Trăng") == LONG_DUC
    assert _matched(matcher, "UBND XA LONG DUC - HUYEN LONG PHU") == LONG_DUC
    for elsewhere in ("UBND xã Long Đức (huyện Nho Quan)", "UBND xã Long Đức, huyện Long Phú, tỉnh Bạc Liêu",
                      "UBND xã Long Đức, huyện Phước Long"):  # no district of this roster; another province
        assert _one(matcher, elsewhere).kind is MatchKind.LOCALITY_CONFLICT, elsewhere
    assert _one(matcher, "UBND phường 1, thị xã Vĩnh Châu").kind is not MatchKind.MATCHED  # numbered: many
    assert _one(matcher, "UBND huyện Long Phú (huyện Mỹ Tú)").kind is MatchKind.LOCALITY_CONFLICT  # itself one


def test_a_known_district_never_overrides_a_district_the_roster_states() -> None:
    units = [RosterUnit("H", "huyen", "UBND huyện Mỹ Tú"), RosterUnit("H2", "huyen", "UBND huyện Long Phú"),
             RosterUnit("X", "xa", "UBND xã Long Đức", locality="huyện Mỹ Tú, tỉnh Sóc Trăng")]
    matcher = build_matcher(units, MatchingSettings())
    assert _matched(matcher, "UBND xã Long Đức, huyện Mỹ Tú") == "X"
    assert _one(matcher, "UBND xã Long Đức, huyện Long Phú").kind is MatchKind.LOCALITY_CONFLICT


def test_every_commune_of_a_province_typed_with_its_district_is_found_without_locality() -> None:
    """Each unnumbered commune, ward and town of Sóc Trăng typed with its own district (known to the roster:
    its district units), its locality left out of the roster: found; typed with a district of Bạc Liêu
    (Phước Long, Hồng Dân, Giá Rai: none of Sóc Trăng's): never."""
    located = read_roster(DATA / "soc-trang.roster.csv")
    matcher = _without_locality()
    communes = [u for u in located if u.group == "xa" and not re.search(r"\d|\b[IVX]+$", u.name)]  # no number
    proper = [u.name.removeprefix("Ủy ban nhân dân ") for u in communes]
    typed = [f"{name}, {unit.locality.split(',')[0]}" for name, unit in zip(proper, communes, strict=True)]
    foreign = [f"{name} ({('huyện Phước Long', 'huyện Hồng Dân', 'thị xã Giá Rai')[i % 3]})"
               for i, name in enumerate(proper)]
    found = match_names(matcher, typed + foreign)
    own = found[:len(typed)]
    assert len(communes) > 60
    assert all(o.kind is MatchKind.MATCHED and o.unit_id == u.unit_id for o, u in zip(own, communes, strict=True)
               if len([c for c in communes if c.name == u.name]) == 1)
    assert not [t for t, o in zip(foreign, found[len(typed):], strict=True) if o.kind is MatchKind.MATCHED]
