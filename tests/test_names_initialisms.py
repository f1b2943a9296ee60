"""Initialisms of a roster's own names. A province collects from its departments and sectors, which clerks type
by their initials: "KBNN tỉnh" (Kho bạc Nhà nước), "BCHQS tỉnh" (Bộ Chỉ huy Quân sự), "BQL các KCN" (khu công
nghiệp), "STNMT" (Sở Tài nguyên và Môi trường, the type's initial glued on). Letters in capitals that no
abbreviation names are read as the words of a roster name whose initials spell them, when only one run of words
of the roster does; typos and raw keystrokes in capitals ("XAX" is xã typed in Telex) are not."""

from __future__ import annotations

import pytest

from aggregator.campaign import MatchingSettings
from aggregator.campaign.roster import parse_roster
from aggregator.models import MatchKind
from aggregator.names.matching import Matcher, build_matcher, match_names
from aggregator.textnorm import fold, is_syllable
from tests.namegen.official import official_provinces

# A province's departments and sectors as provinces name them (test data, not the official list of places).
SECTORS = [
    "Sở Văn hóa, Thể thao và Du lịch", "Sở Tài nguyên và Môi trường", "Sở Lao động - Thương binh và Xã hội",
    "Ban Quản lý các khu công nghiệp", "Văn phòng Ủy ban nhân dân tỉnh", "Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh", "Sở Thông tin và Truyền thông", "Sở Kế hoạch và Đầu tư",
    "Sở Giáo dục và Đào tạo", "Sở Nông nghiệp và Phát triển nông thôn", "Sở Khoa học và Công nghệ",
    "Sở Giao thông vận tải", "Sở Tài chính", "Sở Y tế", "Sở Tư pháp", "Sở Nội vụ", "Sở Ngoại vụ", "Sở Xây dựng",
    "Sở Công Thương", "Thanh tra tỉnh", "Ban Dân tộc", "Tỉnh đoàn", "Hội Liên hiệp Phụ nữ tỉnh",
    "Liên đoàn Lao động tỉnh", "Hội Nông dân tỉnh", "Hội Cựu chiến binh tỉnh", "Trường Chính trị tỉnh",
    "Bộ Chỉ huy Bộ đội Biên phòng tỉnh", "Cục Thuế tỉnh", "Kho bạc Nhà nước tỉnh", "Bảo hiểm xã hội tỉnh",
    "Cục Thống kê tỉnh", "Ban Quản lý dự án đầu tư xây dựng các công trình giao thông tỉnh",
]
STOP = {"và", "các", "của"}


def _matcher(names: list[str]) -> Matcher:
    rows = "".join(f'S{i:03d},so,"{name}",,,\n' for i, name in enumerate(names))
    return build_matcher(parse_roster("unit_id,group,name,short_name,aliases,email\n" + rows, origin="test"),
                         MatchingSettings())


def _initials(words: list[str]) -> str:
    return "".join(fold(word)[0].upper() for word in words if word.lower() not in STOP)


def _spelled_once(key: str) -> bool:
    """Whether one run of words of SECTORS spells ``key`` (worked out here, word by word)."""
    runs = set()
    for name in SECTORS:
        words = [w for w in name.replace(",", " ").replace("-", " ").split() if w.lower() not in STOP]
        runs |= {" ".join(words[i:i + len(key)]).lower() for i in range(len(words))
                 if _initials(words[i:i + len(key)]) == key}
    return len(runs) == 1


def _found(matcher: Matcher, typed: list[str]) -> dict[str, str | None]:
    return {text: (o.unit_id if o.kind is MatchKind.MATCHED else None)
            for text, o in zip(typed, match_names(matcher, typed), strict=True)}


@pytest.mark.parametrize(("typed", "unit"), [
    ("KBNN tỉnh", "Kho bạc Nhà nước tỉnh"), ("BHXH tỉnh", "Bảo hiểm xã hội tỉnh"),
    ("BCHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh"), ("Bộ CHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh"),
    ("BCH BĐBP tỉnh", "Bộ Chỉ huy Bộ đội Biên phòng tỉnh"), ("BQL các KCN", "Ban Quản lý các khu công nghiệp"),
    ("Ban QL các KCN", "Ban Quản lý các khu công nghiệp"), ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch"),
    ("Sở VH,TT&DL", "Sở Văn hóa, Thể thao và Du lịch"), ("STNMT", "Sở Tài nguyên và Môi trường"),
    ("STTTT", "Sở Thông tin và Truyền thông"), ("SKHĐT", "Sở Kế hoạch và Đầu tư"), ("SGTVT", "Sở Giao thông vận tải"),
    ("STC", "Sở Tài chính"), ("Đài PT-TH tỉnh", "Đài Phát thanh và Truyền hình tỉnh"),
])
def test_capitals_spelling_the_initials_of_one_roster_name_read_as_its_words(typed: str, unit: str) -> None:
    assert _found(_matcher(SECTORS), [typed])[typed] == f"S{SECTORS.index(unit):03d}"


def test_every_sector_typed_by_its_initials_is_itself_or_left_for_review_never_another() -> None:
    matcher = _matcher(SECTORS)
    typed = {}
    for i, name in enumerate(SECTORS):
        words = name.replace(",", " ").replace("-", " ").split()
        typed[_initials(words)] = f"S{i:03d}"  # the whole name: "KBNNT" for Kho bạc Nhà nước tỉnh
        typed[f"{words[0]} {_initials(words[1:])}"] = f"S{i:03d}"  # its type, then the rest: "Sở TNVMT"
    found = _found(matcher, list(typed))
    assert not [t for t, unit in found.items() if unit is not None and unit != typed[t]]  # no wrong unit
    # read whenever the letters are three or more, no syllable, and one run of the roster's words spells them
    readable = [t for t in typed if len(key := t.split()[-1]) > 2 and not is_syllable(key.lower())
                and _spelled_once(key)]
    assert len(readable) > 40 and [t for t in readable if found[t] != typed[t]] == []


def test_initials_two_runs_of_the_roster_spell_are_left_for_review() -> None:
    statistics = f"S{SECTORS.index('Cục Thống kê tỉnh'):03d}"
    assert _found(_matcher(SECTORS), ["CTKT"])["CTKT"] == statistics
    matcher = _matcher([*SECTORS, "Công ty Kinh tế"])  # C-T-K-T a second time
    assert _found(matcher, ["CTKT"])["CTKT"] is None


@pytest.mark.parametrize("key", ["xax", "ch", "yn", "thieenj", "an", "xvii"])
def test_typos_keystrokes_syllables_and_numerals_in_capitals_spell_nothing(key: str) -> None:
    province = official_provinces()["Tỉnh Quảng Nam"]
    vocabulary = _matcher([f"{u.kind} {u.proper}" for u in province.units]).vocabulary
    assert vocabulary.initialism(key) is None


def test_a_roster_of_communes_typed_in_capitals_with_telex_and_marked_abbreviations_still_matches() -> None:
    """"XAX" (xã in Telex), "H.HÀ" (huyện Hà), "P.TÂ" were read as initials of other units' names."""
    provinces = official_provinces()
    cases = [("Tỉnh Phú Yên", "XAX CÀ LÚI", "Cà Lúi"), ("Tỉnh Bình Thuận", "P.TÂN THIỆN", "Tân Thiện")]
    for name, typed, proper in cases:
        province = provinces[name]
        units = [f"{u.kind} {u.proper}" for u in province.units]
        found = _found(_matcher(units), [typed])[typed]
        assert found is not None and proper in units[int(found[1:])], (typed, found)
    assert _matcher(SECTORS).vocabulary.initialism("kbnn") == "kho bạc nhà nước"


@pytest.mark.parametrize(("roster_name", "typed"), [
    ("Trường PTDTBT THCS Trà Bui", "Trường Phổ thông dân tộc bán trú THCS Trà Bui"),
    ("Trường PTDTNT THCS Bắc Trà My", "Trường Phổ thông Dân tộc Nội trú Trung học cơ sở Bắc Trà My"),
    ("KBNN tỉnh", "Kho bạc Nhà nước tỉnh"), ("BHXH tỉnh", "Bảo hiểm xã hội tỉnh"),
    ("Bộ CHQS tỉnh", "Bộ Chỉ huy Quân sự tỉnh"), ("BQL các KCN tỉnh", "Ban Quản lý các khu công nghiệp tỉnh"),
    ("TYT xã Trà Bui", "Trạm Y tế xã Trà Bui"),
])
def test_a_roster_written_with_the_common_initialisms_matches_their_words(roster_name: str, typed: str) -> None:
    """A roster may write the initialisms (schools of mountain districts are "Trường PTDTBT …"): the
    agencies' full words must still find them, which a roster's own initials cannot tell."""
    names = [roster_name, "Trường TH số 1 Trà Bui", "Sở Tài chính", "Ủy ban nhân dân xã Trà Bui"]
    assert _found(_matcher(names), [typed])[typed] == "S000"


def test_tp_after_so_or_phong_is_tu_phap_and_thanh_pho_elsewhere() -> None:
    """ "Sở TP", "Phòng TP": Tư pháp (no Sở or Phòng is a city's); "UBND TP Tân An" is still the city."""
    justice = f"S{SECTORS.index('Sở Tư pháp'):03d}"
    matcher = _matcher([*SECTORS, "Phòng Tư pháp thành phố Tân An", "Ủy ban nhân dân thành phố Tân An"])
    found = _found(matcher, ["Sở TP", "SỞ TP", "Sở TP tỉnh", "Phòng TP", "Phòng TP TP Tân An", "UBND TP Tân An",
                             "UBND TP. Tân An"])
    assert found == {"Sở TP": justice, "SỞ TP": justice, "Sở TP tỉnh": justice, "Phòng TP": "S035",
                     "Phòng TP TP Tân An": "S035", "UBND TP Tân An": "S036", "UBND TP. Tân An": "S036"}
