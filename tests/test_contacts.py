"""Who reported, signed after the unit's name (aggregator/names/contacts.py), and the matcher's use of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import MatchingSettings
from aggregator.models import MatchKind, RosterUnit
from aggregator.names.contacts import names_a_person, without_person, without_signature_line
from aggregator.names.matching import Matcher, build_matcher, match_names
from tests.redteam.admin import ADMIN_LIST, load_provinces, split_official, units_of

BUNDLED = Path(__file__).resolve().parents[1] / "config"
# the ways agencies sign a name cell, "{}" the unit's name as the roster has it
SIGNED = ["{} - Nguyễn Thị Mai", "{}, người báo cáo: Trần Văn Bình", "{} - đ/c Lan", "{} – cô Hoa - 0905 123 456",
          "{} - Hiệu trưởng Lê Văn Tám", "{} - NGUYEN THI HOA", "{}, Người lập biểu: Phạm Minh", "{} | CV Hà",
          "{} - Ông Nguyễn Văn An", "{}\nNguyễn Thị Mai", "{}\nđ/c Lan", "{} - Nguyễn Văn An - Chuyên viên",
          "{}\nNguyễn Văn An - Văn thư", "Người báo cáo: Trần Văn Bình\n{}"]


@pytest.mark.parametrize("segment", [
    "Nguyễn Thị Mai", "TRẦN THỊ HOA", "Tran Thi Hoa", "Thạch Thị Sa Ra", "cô Hoa", "anh Tuấn", "đ/c Lan", "d/c Lan",
    "Đồng chí Bình", "Hiệu trưởng Trần Bình", "CV Hà", "người báo cáo: Nguyễn Văn An", "Người lập biểu", "liên hệ",
    "Họ tên: Lê Văn Tám", "Ông Nguyễn Văn An", "Bà Lê Thị Hoa", "Ong Nguyen Van An",
    "người"])  # "người": what "người báo cáo: …" leaves once notes ("báo cáo …") are cut
def test_a_person_signing_the_row(segment: str) -> None:
    assert names_a_person(segment)


@pytest.mark.parametrize("segment", [
    # places a roster may not know, read like names: districts named after men, titles that begin place names
    "Trần Đề", "Trần Văn Thời", "Lê Lợi", "Nguyễn Văn Cừ", "Bà Rịa", "Ba Ria", "Anh Sơn", "Cô Tô", "Ông Đình",
    "Ong Dinh", "Bà Điểm",
    "Cầu Kè", "huyện Cầu Kè", "Long Đức", "TP Trà Vinh",
    # a man's name alone cannot be told from a place named after one: left as typed
    "Nguyễn Văn An",
    # not a name: lower case, digits, too long
    "nguyễn thị mai", "cô 3", "Nguyễn Thị Mai Anh Thư Hoa", "đã báo cáo"])
def test_not_a_person(segment: str) -> None:
    assert not names_a_person(segment)


def test_a_signature_on_a_line_of_its_own() -> None:
    """Cleaning a name turns its line breaks into spaces: the last line is looked at in the cell as typed."""
    assert without_signature_line("Phòng Y tế\nNguyễn Thị Mai") == ("Phòng Y tế", "Nguyễn Thị Mai")
    assert without_signature_line("Phòng Y tế\r\nđ/c Lan\n") == ("Phòng Y tế", "đ/c Lan")
    assert without_signature_line("Phòng Y tế\nNguyễn Văn An - Chuyên viên") == ("Phòng Y tế",
                                                                                 "Nguyễn Văn An - Chuyên viên")
    assert without_signature_line("UBND phường\nVĩnh Hải") is None  # a name wrapped by hand
    assert without_signature_line("Phòng Y tế\nNguyễn Văn An") is None  # a man's name alone: maybe a place
    assert without_signature_line("\nNguyễn Thị Mai") is None
    assert without_signature_line("Người báo cáo: Trần Văn Bình\nPhòng Y tế") == ("Phòng Y tế",
                                                                                  "Người báo cáo: Trần Văn Bình")
    assert without_signature_line("Nguyễn Thị Mai\nPhòng Y tế\n") == ("Phòng Y tế", "Nguyễn Thị Mai")


def test_without_person_keeps_what_comes_before() -> None:
    assert without_person("Phòng Y tế - Nguyễn Thị An") == "Phòng Y tế"
    assert without_person("UBND xã Long Đức, H. Cầu Kè - cô Lan") == "UBND xã Long Đức, H. Cầu Kè"
    assert without_person("Nguyễn Thị Mai") is None  # nothing before it
    assert without_person("- Nguyễn Thị Mai") is None
    assert without_person("UBND xã Viên An - Trần Đề") is None
    assert without_person("Phòng Y tế - Nguyễn Văn An - Chuyên viên") == "Phòng Y tế"  # a post after a full name
    assert without_person("UBND xã Long Đức - Cầu Kè - Chủ tịch") is None  # not a full name before the post


def _matcher(units: tuple[RosterUnit, ...], area: str) -> Matcher:
    return build_matcher(units, MatchingSettings(), area=area)


@pytest.mark.parametrize(("roster", "area"), [("roster-nhatrang-2024.csv", "thành phố Nha Trang, tỉnh Khánh Hòa"),
                                              ("roster-travinh-2024.csv", "tỉnh Trà Vinh")])
def test_every_unit_signed_by_its_reporter_matches_as_its_name_alone(roster: str, area: str) -> None:
    units = read_roster(BUNDLED / roster)
    matcher = _matcher(units, area)
    alone = match_names(matcher, [u.name for u in units])
    found = [(u, signed.format(u.name)) for u, o in zip(units, alone, strict=True) if o.unit_id == u.unit_id
             for signed in SIGNED]
    assert len(found) >= 0.9 * len(units) * len(SIGNED)
    outcomes = match_names(matcher, [typed for _, typed in found])
    wrong = [(typed, o.kind.value, o.unit_id) for (u, typed), o in zip(found, outcomes, strict=True)
             if o.unit_id != u.unit_id]
    assert not wrong


REDTEAM = Path(__file__).parent / "redteam" / "data"


@pytest.mark.parametrize("roster", ["ca-mau.roster-ubnd.csv", "ca-mau.roster-official.csv",
                                    "dong-thap.roster-ubnd.csv", "dong-thap.roster-official.csv"])
def test_another_provinces_units_signed_by_their_reporters_match_as_their_names_alone(roster: str) -> None:
    """Rosters made from the official list for two other provinces (numbered wards, communes of one name in
    several districts, each unit's district as its locality, no campaign area): signing a name changes nothing."""
    units = read_roster(REDTEAM / roster)
    matcher = build_matcher(units, MatchingSettings())
    alone = match_names(matcher, [u.name for u in units])
    found = [(u, signed.format(u.name)) for u, o in zip(units, alone, strict=True) if o.unit_id == u.unit_id
             for signed in SIGNED]
    assert len(found) >= 0.8 * len(units) * len(SIGNED)
    outcomes = match_names(matcher, [typed for _, typed in found])
    assert not [(typed, o.kind.value, o.unit_id) for (u, typed), o in zip(found, outcomes, strict=True)
                if o.unit_id != u.unit_id]


def test_a_segment_naming_a_place_the_roster_knows_is_kept() -> None:
    """"Võ Thị Sáu" is a ward of the roster: "UBND phường Vĩnh Hải - Võ Thị Sáu" names two wards, not a clerk."""
    units = (RosterUnit("A", "g", "UBND phường Vĩnh Hải"), RosterUnit("B", "g", "UBND phường Võ Thị Sáu"),
             RosterUnit("C", "g", "Phòng Y tế"))
    matcher = _matcher(units, "thành phố Nha Trang, tỉnh Khánh Hòa")
    out = match_names(matcher, ["UBND phường Vĩnh Hải - Võ Thị Sáu", "Phòng Y tế - Võ Thị Sáu",
                                "Phòng Y tế\nVõ Thị Sáu", "Phòng Y tế - Võ Thị Sáu - Chủ tịch",
                                "Phòng Y tế - Nguyễn Thị Sáu"])
    assert [o.unit_id for o in out[:4]] == [None] * 4 and MatchKind.MATCHED not in [o.kind for o in out[:4]]
    assert out[4].unit_id == "C"


@pytest.mark.skipif(not ADMIN_LIST.exists(), reason="the official list of administrative units is not here")
def test_no_official_district_or_commune_name_reads_as_a_person_but_those_of_women() -> None:
    """Every proper name of the official list (61 provinces, about 10,000 communes), typed after a name as a
    district or commune often is: only those named after a woman ("Võ Thị Sáu") read as a person, and the
    matcher keeps those when its roster knows them (above)."""
    names = {split_official(place.official)[1] for province in load_provinces().values()
             for place in units_of(province)}
    as_persons = sorted(name for name in names if names_a_person(name))
    assert len(names) > 5_000
    assert all(name.split()[1] == "Thị" for name in as_persons), as_persons
    assert len(as_persons) <= 10


def test_a_signature_line_is_judged_for_its_own_cell_whatever_the_row_order() -> None:
    """"Phòng Y tế⏎Nguyễn Thị Mai" and "Phòng Y tế Nguyễn Thị Mai" clean to the same words and share their
    reading; only the first has a signature line. Each keeps its own outcome, in either order of the rows."""
    matcher = _matcher(read_roster(BUNDLED / "roster-nhatrang-2024.csv"), "thành phố Nha Trang, tỉnh Khánh Hòa")
    names = ["Phòng Y tế Nguyễn Thị Mai", "Phòng Y tế\nNguyễn Thị Mai"]
    forward = dict(zip(names, match_names(matcher, names), strict=True))
    matcher = _matcher(read_roster(BUNDLED / "roster-nhatrang-2024.csv"), "thành phố Nha Trang, tỉnh Khánh Hòa")
    backward = dict(zip(names[::-1], match_names(matcher, names[::-1]), strict=True))
    assert forward == backward
    assert forward[names[1]].unit_id == "CM-YTE" and forward[names[0]].kind is not MatchKind.MATCHED
