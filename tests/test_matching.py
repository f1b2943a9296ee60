"""matching: typed agency names → roster units, never a wrong match. Table-driven."""

from __future__ import annotations

import csv
import random
import unicodedata
from pathlib import Path

import pytest

from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import MatchingSettings
from aggregator.models import MatchKind, MatchOutcome, RosterUnit
from aggregator.names.matching import Matcher, build_matcher, match_names
from aggregator.textnorm import strip_marks

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BUNDLED = Path(__file__).resolve().parents[1] / "config"
UNMATCHED = (MatchKind.AMBIGUOUS, MatchKind.NO_MATCH, MatchKind.LOCALITY_CONFLICT, MatchKind.TYPE_CONFLICT)


def _roster(name: str) -> tuple[RosterUnit, ...]:
    shared = SHARED_DATA / name
    return read_roster(shared if shared.exists() else BUNDLED / name)


@pytest.fixture(scope="module")
def nhatrang() -> Matcher:
    return build_matcher(_roster("roster-nhatrang-2024.csv"), MatchingSettings())


@pytest.fixture(scope="module")
def travinh() -> Matcher:
    return build_matcher(_roster("roster-travinh-2024.csv"), MatchingSettings())


def _one(matcher: Matcher, typed: str) -> MatchOutcome:
    return match_names(matcher, [typed])[0]


def test_match_names_dev_set_has_no_wrong_match(nhatrang: Matcher) -> None:
    dev = SHARED_DATA / "names-dev.csv"
    if not dev.exists():
        pytest.skip(f"{dev} is absent (shared/ is not beside the repository)")
    with dev.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    outcomes = match_names(nhatrang, [row["typed"] for row in rows])
    wrong, missed, named = [], [], 0
    for row, outcome in zip(rows, outcomes, strict=True):
        expected = row["expected_unit_id"]
        if expected == "NONE":
            if outcome.kind not in UNMATCHED:
                wrong.append((row["typed"], expected, outcome))
            continue
        named += 1
        if outcome.kind is MatchKind.MATCHED and outcome.unit_id != expected:
            wrong.append((row["typed"], expected, outcome))
        elif outcome.kind is not MatchKind.MATCHED:
            missed.append((row["typed"], expected, outcome))
    report = "\n".join(
        f"{kind}: {t!r} expected {e}, got {o}"
        for kind, rows_ in (("WRONG", wrong), ("missed", missed))
        for t, e, o in rows_
    )
    assert not wrong, report
    assert len(missed) <= 0.05 * named, report


@pytest.mark.parametrize(
    ("typed", "unit_id"),
    [
        pytest.param("UBND P. Phước Hòa (đã gửi)", "PX-PHUOCHOA", id="ward-abbreviated-with-note"),
        pytest.param("Phuong Ngoc Hiep", "PX-NGOCHIEP", id="ward-no-diacritics"),
        pytest.param("UBND X. Vĩnh Ngọc", "PX-VINHNGOC", id="commune-x-dot"),
        pytest.param("Ngọc Hiệp - UBND phường", "PX-NGOCHIEP", id="type-typed-last"),
        pytest.param("Xương Huân UBND phường", "PX-XUONGHUAN", id="type-typed-last-no-dash"),
        pytest.param("UBND Phước Long", "PX-PHUOCLONG", id="ubnd-without-level"),
        pytest.param("UBND xax Vinhx Luwowng", "PX-VINHLUONG", id="raw-telex"),
        pytest.param(unicodedata.normalize("NFD", "Xã Vĩnh Hiệp"), "PX-VINHHIEP", id="nfd"),
        pytest.param("Phường Lộc\u200b Thọ", "PX-LOCTHO", id="zero-width-space"),
        pytest.param("UBND xã Vĩnh Lương".encode().decode("cp1252"), "PX-VINHLUONG", id="mojibake"),
        pytest.param("UBND phường Phương Sơn - đã báo cáo", "PX-PHUONGSON", id="note-after-dash"),
        pytest.param("UBND phường Vĩnh Nguyên báo cáo lần 2", "PX-VINHNGUYEN", id="note-no-separator"),
        pytest.param("UBND phường Phước Tiến ✅", "PX-PHUOCTIEN", id="emoji-note"),
        pytest.param("Phường Vĩnh Trường, TP Nha Trang", "PX-VINHTRUONG", id="city-suffix"),
        pytest.param("UBND xã Phước Đồng thành phố Nha Trang tỉnh Khánh Hòa", "PX-PHUOCDONG", id="province"),
        pytest.param("Xã Vĩnh Phưong", "PX-VINHPHUONG", id="dropped-horn"),
        pytest.param("Phường Vạn Thặng", "PX-VANTHANG", id="wrong-tone-unique-letters"),
        pytest.param("P. Nội vụ", "CM-NOIVU", id="p-dot-is-phong"),
        pytest.param("P. GD&ĐT", "CM-GDDT", id="p-dot-before-abbreviation"),
        pytest.param("Phòng TC-KH", "CM-TCKH", id="department-short-name"),
        pytest.param("Phòng Tài nguyên Môi trường", "CM-TNMT", id="department-without-va"),
        pytest.param("Phòng GD và ĐT", "CM-GDDT", id="abbreviations-joined-by-va"),
        pytest.param("Phòng Lao động - TB&XH", "CM-LDTBXH", id="half-abbreviated"),
        pytest.param("UBND thành phố Nha Trang - Phòng Kinh tế", "CM-KINHTE", id="parent-authority-first"),
        pytest.param("Phòng Nội vụ - UBND TP Nha Trang", "CM-NOIVU", id="parent-authority-last"),
        pytest.param("Hội ND thành phố", "DT-HND", id="nd-after-hoi"),
        pytest.param("Phòng Văn hoá và Thông tin TP", "CM-VHTT", id="new-style-tone-and-tp"),
        pytest.param("VP HĐND-UBND thành phố", "CM-VP", id="office-of-councils"),
        pytest.param("Ban QLDA các công trình XD", "SN-BQLDA", id="xd-is-xay-dung"),
        pytest.param("Đội QLTT đô thị", "SN-DOIQLTTDT", id="qltt-half-abbreviated"),
        pytest.param("UB MTTQVN TP Nha Trang", "DT-MTTQ", id="mttqvn-glued"),
        pytest.param("TT PTQĐ TP Nha Trang", "SN-TTPTQD", id="ptqd"),
        pytest.param("Uỷ ban MTTQ Việt Nam TP", "DT-MTTQ", id="front-committee"),
        pytest.param("Mặt trận Tổ quốc thành phố", "DT-MTTQ", id="front-without-committee"),
        pytest.param("Hội CCB thành phố Nha Trang", "DT-HCCB", id="veterans"),
        pytest.param("Hội Chữ thập đỏ", "DT-HCTD", id="red-cross-no-city"),
        pytest.param("Ban Dân vận", "DT-BDVTU", id="party-committee-omitted"),
        pytest.param("VP Thành uỷ NT", "DT-VPTU", id="nt-is-nha-trang"),
        pytest.param("Ban QLDA các CTXD Nha Trang", "SN-BQLDA", id="project-board"),
        pytest.param("TT GDNN-GDTX", "SN-TTGDNNGDTX", id="centre-compound"),
        pytest.param("Trung tâm Văn hóa Thông tin Thể dục thể thao", "SN-TTVHTTTT", id="the-duc-the-thao"),
        pytest.param("TH Vĩnh Lương II", "TR-TH-VINHLUONG2", id="roman-numeral"),
        pytest.param("Trường TH Phước Long 01", "TR-TH-PHUOCLONG1", id="zero-padded"),
        pytest.param("Truong TH so 2 Vinh Luong", "TR-TH-VINHLUONG2", id="so-before-number"),
        pytest.param("Tiểu học Vinh Nguyen 3", "TR-TH-VINHNGUYEN3", id="level-without-truong"),
        pytest.param("Trg MN Vĩnh Thái", "TR-MN-VINHTHAI", id="trg"),
        pytest.param("Trường Mẫu giáo Vĩnh Phương", "TR-MG-VINHPHUONG", id="mau-giao"),
        pytest.param("MN Tân Lập", "TR-MN-TANLAP1", id="alias-without-number"),
        pytest.param("Trường mầm non 8-3", "TR-MN-TANLAP1", id="numbered-alias"),
        pytest.param("MN 2/4", "TR-MN-24", id="numbers-as-name"),
        pytest.param("Trường Trưng Vương", "TR-THCS-TRUNGVUONG", id="school-level-omitted-unique"),
        pytest.param("Truwowngf THCS Traafn Quoocs Tuaans", "TR-THCS-TRANQUOCTUAN", id="telex-school"),
        pytest.param("TRƯỜNG THCS NGUYỄN KHUYẾN", "TR-THCS-NGUYENKHUYEN", id="all-capitals"),
        pytest.param("1. UBND phường Vĩnh Hải", "PX-VINHHAI", id="list-number-dot"),
        pytest.param("01 - Phòng Y tế", "CM-YTE", id="list-number-dash"),
        pytest.param("12)Trường THCS Nguyễn Khuyến", "TR-THCS-NGUYENKHUYEN", id="list-number-bracket"),
        pytest.param("3.X. Vĩnh Lương", "PX-VINHLUONG", id="list-number-then-x-for-xa"),
        pytest.param("1 UBND phường Vĩnh Hải", "PX-VINHHAI", id="list-number-without-separator"),
        pytest.param("27 Trường THCS Nguyễn Khuyến", "TR-THCS-NGUYENKHUYEN", id="list-number-then-school"),
        pytest.param("5 Phòng Y tế", "CM-YTE", id="list-number-then-office"),
        pytest.param("UBND phường Vĩnh Hải, ĐT: 0905 123 456", "PX-VINHHAI", id="phone-after-name"),
        pytest.param("Phòng Y tế - email: pyt@nhatrang.gov.vn", "CM-YTE", id="email-after-name"),
        pytest.param("UBND phường Vĩnh Hải +84 905 123 456", "PX-VINHHAI", id="international-phone"),
    ],
)
def test_match_names_matches_nhatrang_typing(nhatrang: Matcher, typed: str, unit_id: str) -> None:
    outcome = _one(nhatrang, typed)
    assert (outcome.kind, outcome.unit_id) == (MatchKind.MATCHED, unit_id), outcome


@pytest.mark.parametrize(
    ("typed", "unit_id"),
    [
        pytest.param("UBND huyện Cầu Kè", "H-CAUKE", id="district"),
        pytest.param("UBND H. Tiểu Cần", "H-TIEUCAN", id="h-dot"),
        pytest.param("UBND TX Duyên Hải", "H-TXDH", id="town"),
        pytest.param("UBND TP Trà Vinh", "H-TPTV", id="city"),
        pytest.param("VNPT Trà Vinh", "VT-VNPT", id="telecom-bracketed-name"),
        pytest.param("Viễn thông Trà Vinh", "VT-VNPT", id="telecom-main-name"),
        pytest.param("Viettell", "VT-VIETTEL", id="brand-typo"),
        pytest.param("Sở LĐTBXH", "S-LDTBXH", id="labour-compact"),
        pytest.param("Sở LĐ-TB&XH tỉnh", "S-LDTBXH", id="labour-short"),
        pytest.param("ĐH Trà Vinh", "DH-TVU", id="university"),
        pytest.param("Trường Cao đẳng Y tế TV", "DH-CDYT", id="medical-college"),
        pytest.param("Đài PTTH Trà Vinh", "BC-DAITV", id="broadcaster"),
        pytest.param("Sở VHTTDL", "S-VHTTDL", id="culture-department"),
        pytest.param("Sở TN và MT", "S-TNMT", id="environment-split-abbreviation"),
        pytest.param("Ban TC Tỉnh ủy", "D-BTCTU", id="tc-after-ban"),
        pytest.param("Ban Tổ chức TU", "D-BTCTU", id="tu-is-tinh-uy-here"),
        pytest.param("Công an tỉnh Trà Vinh", "S-CONGAN", id="police"),
        pytest.param("VP Đoàn ĐBQH và HĐND tỉnh", "S-VPDDBQH", id="assembly-office"),
        pytest.param("Sowr Coong Thuwowng", "S-CONGTHUONG", id="telex"),
    ],
)
def test_match_names_matches_travinh_typing(travinh: Matcher, typed: str, unit_id: str) -> None:
    outcome = _one(travinh, typed)
    assert (outcome.kind, outcome.unit_id) == (MatchKind.MATCHED, unit_id), outcome


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        pytest.param("TH Phước Long", MatchKind.AMBIGUOUS, id="number-missing"),
        pytest.param("Vĩnh Nguyên", MatchKind.AMBIGUOUS, id="bare-name-many-types"),
        pytest.param("Lý Thường Kiệt", MatchKind.AMBIGUOUS, id="bare-name-one-school"),
        pytest.param("Trường Tân Lập 2", MatchKind.MATCHED, id="only-one-school-numbered-2"),
        pytest.param("Trường Vĩnh Hòa", MatchKind.AMBIGUOUS, id="level-and-number-missing"),
        pytest.param("UBND xã Phước Long", MatchKind.TYPE_CONFLICT, id="ward-typed-as-commune"),
        pytest.param("Phường Vĩnh Lương", MatchKind.TYPE_CONFLICT, id="commune-typed-as-ward"),
        pytest.param("MN Vĩnh Lương", MatchKind.TYPE_CONFLICT, id="kindergarten-is-mau-giao"),
        pytest.param("TH Vĩnh Nguyên 4", MatchKind.NO_MATCH, id="number-not-in-roster"),
        pytest.param("TH Vĩnh Thọ 2", MatchKind.NO_MATCH, id="number-on-unnumbered-school"),
        pytest.param("Ban Tổ chức Huyện ủy", MatchKind.NO_MATCH, id="other-party-committee"),
        pytest.param("Ban Tuyên giáo và Dân vận", MatchKind.NO_MATCH, id="merged-boards"),
        pytest.param("Phòng Y tế huyện Diên Khánh", MatchKind.LOCALITY_CONFLICT, id="other-district"),
        pytest.param("UBND thành phố", MatchKind.NO_MATCH, id="the-sender"),
        pytest.param("Trường mầm non tư thục Hoa Sen", MatchKind.NO_MATCH, id="private-school"),
        pytest.param("UBND phường Tân Phước", MatchKind.AMBIGUOUS, id="syllables-of-another-ward"),
        pytest.param("UBND phường Tân Tiến", MatchKind.NO_MATCH, id="ward-of-a-later-merger"),
        pytest.param("Phường Hải Vĩnh", MatchKind.AMBIGUOUS, id="syllables-swapped"),
        pytest.param("UBND P.VT", MatchKind.NO_MATCH, id="initials"),
        pytest.param("Nha Trang", MatchKind.NO_MATCH, id="home-town-only"),
    ],
)
def test_match_names_leaves_doubtful_names_for_review(nhatrang: Matcher, typed: str, kind: MatchKind) -> None:
    assert _one(nhatrang, typed).kind is kind


@pytest.mark.parametrize(
    ("typed", "unit_id"),
    [
        pytest.param("Phường Vạn Thạnh", "PX-VANTHANH", id="van-thanh"),
        pytest.param("Phường Vạn Thắng", "PX-VANTHANG", id="van-thang"),
        pytest.param("Xã Vĩnh Thái", "PX-VINHTHAI", id="vinh-thai"),
        pytest.param("Phường Vĩnh Phước", "PX-VINHPHUOC", id="vinh-phuoc"),
        pytest.param("Phường Phước Hòa", "PX-PHUOCHOA", id="phuoc-hoa"),
        pytest.param("Phường Phước Tiến", "PX-PHUOCTIEN", id="phuoc-tien"),
        pytest.param("TH Phước Hải 2", "TR-TH-PHUOCHAI2", id="phuoc-hai-2"),
        pytest.param("MN Phương Sài", "TR-MN-PHUONGSAI", id="phuong-sai-kindergarten"),
        pytest.param("TH Phương Sơn", "TR-TH-PHUONGSON", id="phuong-son-primary"),
    ],
)
def test_match_names_never_merges_lookalikes(nhatrang: Matcher, typed: str, unit_id: str) -> None:
    for variant in (typed, strip_marks(typed), typed.upper()):
        outcome = _one(nhatrang, variant)
        assert (outcome.kind, outcome.unit_id) == (MatchKind.MATCHED, unit_id), (variant, outcome)


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        pytest.param("Sở TT&TT", MatchKind.NO_MATCH, id="the-sender"),
        pytest.param("UBND tỉnh Trà Vinh", MatchKind.NO_MATCH, id="province-committee"),
        pytest.param("UBND Duyên Hải", MatchKind.AMBIGUOUS, id="district-or-town"),
        pytest.param("Ban Tổ chức Thành ủy", MatchKind.NO_MATCH, id="city-party-committee"),
        pytest.param("Sở Y tế tỉnh Bến Tre", MatchKind.LOCALITY_CONFLICT, id="other-province"),
        pytest.param("Trà Vinh", MatchKind.NO_MATCH, id="province-only"),
    ],
)
def test_match_names_leaves_doubtful_travinh_names(travinh: Matcher, typed: str, kind: MatchKind) -> None:
    assert _one(travinh, typed).kind is kind


_TELEX_TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_TELEX_MARKS = {"\u0302": None, "\u031b": "w", "\u0306": "w"}  # None: repeat the vowel (â → aa)


def _telex(word: str) -> str:
    """How a word looks when typed with Unikey switched off."""
    out, tone = "", ""
    for char in unicodedata.normalize("NFD", word):
        if char in _TELEX_TONES:
            tone = _TELEX_TONES[char]
        elif char in _TELEX_MARKS:
            out += _TELEX_MARKS[char] or out[-1]
        else:
            out += {"đ": "dd", "Đ": "DD"}.get(char, char)
    return out + tone


def _typings(name: str) -> dict[str, str]:
    new_style = name.replace("òa", "oà").replace("óa", "oá").replace("ủy", "uỷ").replace("Ủy", "Uỷ")
    return {
        "plain": name,
        "unaccented": strip_marks(name),
        "capitals": name.upper(),
        "nfd": unicodedata.normalize("NFD", name),
        "new-style": new_style,
        "telex": " ".join(map(_telex, name.split())),
        "note": f"{name} (đã gửi)",
        "mojibake": name.encode("utf-8").decode("latin-1"),
    }


@pytest.mark.parametrize("roster", ["roster-nhatrang-2024.csv", "roster-travinh-2024.csv"])
def test_match_names_every_roster_name_typed_any_way_finds_its_own_unit(roster: str) -> None:
    units = _roster(roster)
    matcher = build_matcher(units, MatchingSettings())
    cases = [
        (typed, unit.unit_id, how)
        for unit in units
        for name in {unit.name, unit.short_name, *unit.aliases} - {""}
        for how, typed in _typings(name).items()
    ]
    outcomes = match_names(matcher, [typed for typed, _, _ in cases])
    wrong = [(c, o) for c, o in zip(cases, outcomes, strict=True) if o.unit_id not in (None, c[1])]
    missed = [(c, o) for c, o in zip(cases, outcomes, strict=True) if o.kind is not MatchKind.MATCHED]
    assert not wrong, wrong
    assert len(missed) <= 0.01 * len(cases), missed


def test_match_names_keeps_order_and_reports_empty_cells(nhatrang: Matcher) -> None:
    names = ["Phòng Y tế", "", "   ", "\u200b", None, float("nan"), "✔", "Phòng Y tế", "Phòng Kinh tế"]
    kinds = [o.kind for o in match_names(nhatrang, names)]  # type: ignore[arg-type]
    assert kinds == [MatchKind.MATCHED] + [MatchKind.NO_NAME] * 6 + [MatchKind.MATCHED] * 2
    outcomes = match_names(nhatrang, names)  # type: ignore[arg-type]
    assert (outcomes[0].unit_id, outcomes[-1].unit_id) == ("CM-YTE", "CM-KINHTE")


def test_match_names_lists_scored_candidates(nhatrang: Matcher) -> None:
    ambiguous = _one(nhatrang, "Vĩnh Hải")
    assert ambiguous.kind is MatchKind.AMBIGUOUS
    assert {c.unit_id for c in ambiguous.candidates} == {
        "PX-VINHHAI", "TR-MN-VINHHAI", "TR-TH-VINHHAI1", "TR-TH-VINHHAI2",
    }  # fmt: skip
    refused = _one(nhatrang, "UBND xã Vĩnh Hòa")
    assert refused.kind is MatchKind.TYPE_CONFLICT  # Vĩnh Hòa is a ward
    assert refused.candidates[0].unit_id == "PX-VINHHOA"
    assert len(refused.candidates) == MatchingSettings().candidates
    scores = [c.score for c in refused.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s < MatchingSettings().accept and s == round(s, 2) for s in scores)


def test_match_names_follows_settings() -> None:
    units = _roster("roster-travinh-2024.csv")
    strict = build_matcher(units, MatchingSettings(accept=0.99, candidates=1))
    outcome = _one(strict, "Viettell Trà Vinh")
    assert outcome.kind is MatchKind.NO_MATCH
    assert [c.unit_id for c in outcome.candidates] == ["VT-VIETTEL"]


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param("Phòng Y tế " * 5000, id="50k-chars"),
        pytest.param("🙂" * 1000, id="emoji"),
        pytest.param("\x00\x01\x1b[31m", id="control-characters"),
        pytest.param('=HYPERLINK("x")', id="formula"),
        pytest.param("(" * 500 + "gửi", id="brackets"),
    ],
)
def test_match_names_survives_hostile_input(nhatrang: Matcher, hostile: str) -> None:
    assert _one(nhatrang, hostile).kind in (MatchKind.NO_NAME, *UNMATCHED)


def test_match_names_scales_without_wrong_matches() -> None:
    rng = random.Random(7)
    syllables = ("An", "Bình", "Hòa", "Hải", "Phước", "Tân", "Lập", "Thạnh", "Thắng", "Lộc", "Thọ", "Ngọc")
    kinds = ("Trường Tiểu học", "Trường Mầm non", "Ủy ban nhân dân phường", "Ủy ban nhân dân xã")
    names = sorted({f"{k} {a} {b} {c}" for k in kinds for a in syllables for b in syllables for c in syllables[:3]})
    units = [RosterUnit(f"U{i}", "g", name) for i, name in enumerate(rng.sample(names, 1500))]
    matcher = build_matcher(units, MatchingSettings())
    typed = [rng.choice(units) for _ in range(5000)]
    outcomes = match_names(matcher, [strip_marks(u.name).replace("Truong Tieu hoc", "TH") for u in typed])
    assert all(o.unit_id in (None, u.unit_id) for o, u in zip(outcomes, typed, strict=True))
    assert sum(o.kind is MatchKind.MATCHED for o in outcomes) > 0.9 * len(typed)


def test_build_matcher_accepts_an_empty_roster() -> None:
    matcher = build_matcher((), MatchingSettings())
    assert [o.kind for o in match_names(matcher, ["Phòng Y tế", ""])] == [MatchKind.NO_MATCH, MatchKind.NO_NAME]


def test_an_alias_typed_exactly_matches_even_when_it_holds_a_type_word() -> None:
    """A roll-up child's campaign id ("huyen-cau-ke-2024") is an alias; read both ways it still names one unit."""
    from aggregator.campaign import MatchingSettings
    from aggregator.campaign.roster import parse_roster
    from aggregator.names.matching import build_matcher, match_names

    roster = parse_roster("unit_id,group,name,aliases\nH1,huyen,Phòng B huyện Một,huyen-mot\n"
                          "H2,huyen,Phòng B huyện Hai,huyen-hai\n"
                          "H3,huyen,Phòng Văn hóa huyện Cầu Kè,huyen-cau-ke-2024\n", origin="r")
    outcomes = match_names(build_matcher(roster, MatchingSettings()), ["huyen-mot", "huyen-hai", "huyen-cau-ke-2024"])
    assert [(o.kind.value, o.unit_id) for o in outcomes] == [("matched", "H1"), ("matched", "H2"), ("matched", "H3")]


@pytest.mark.parametrize("typed", ["Phòng Nông nghiệp và PTNT", "Phòng NN&PTNT", "Phòng NN và PTNT"])
def test_the_agriculture_office_is_found_however_its_name_is_shortened(typed: str) -> None:
    units = [RosterUnit("NN", "phong", "Phòng Nông nghiệp và Phát triển nông thôn"),
             RosterUnit("KT", "phong", "Phòng Kinh tế và Hạ tầng")]
    outcome = match_names(build_matcher(units, MatchingSettings()), [typed])[0]
    assert (outcome.kind, outcome.unit_id) == (MatchKind.MATCHED, "NN")
