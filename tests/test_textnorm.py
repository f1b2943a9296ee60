"""textnorm: cleaning, tone placement, folding and the per-word helpers. Table-driven."""

from __future__ import annotations

import time
import unicodedata

import pytest

from aggregator.textnorm import clean_text, fold, fold_word, is_syllable, telex_toned, tone_key, traditional_tones

_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def as_misread_utf8(text: str) -> str:
    """What Excel shows when it opens UTF-8 as Windows-1252 (undefined bytes stay C1 controls)."""
    out = []
    for byte in text.encode("utf-8"):
        cp1252 = 0x80 <= byte < 0xA0 and byte not in _CP1252_UNDEFINED
        out.append(bytes([byte]).decode("cp1252") if cp1252 else chr(byte))
    return "".join(out)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param(unicodedata.normalize("NFD", "Xã Vĩnh Lương"), "Xã Vĩnh Lương", id="nfd-to-nfc"),
        pytest.param("Vĩnh\u200b Thọ", "Vĩnh Thọ", id="zero-width-space"),
        pytest.param("Ngọc\u200c\u200dHiệp", "NgọcHiệp", id="zwnj-zwj"),
        pytest.param("Lộc\u2060 Thọ", "Lộc Thọ", id="word-joiner"),
        pytest.param("\ufeffPhòng Nội vụ", "Phòng Nội vụ", id="bom"),
        pytest.param("Trung\u00ad tâm", "Trung tâm", id="soft-hyphen"),
        pytest.param("Sở\u00a0Y\u2003tế\u3000tỉnh", "Sở Y tế tỉnh", id="nbsp-and-unicode-spaces"),
        pytest.param("  Hội\t\tNông\ndân  ", "Hội Nông dân", id="tabs-newlines-collapsed"),
        pytest.param("Ban\x00 Dân\x07 vận\x9d", "Ban Dân vận", id="control-characters"),
        pytest.param("\u00d0ài PT-TH", "Đài PT-TH", id="icelandic-eth-capital"),
        pytest.param("\u00f0ội \u0189oàn \u0256ội", "đội Đoàn đội", id="african-d-lookalikes"),
        pytest.param("Phòng Y tế ✔ 🙂", "Phòng Y tế ✔ 🙂", id="emoji-kept"),
        pytest.param("", "", id="empty"),
        pytest.param(None, "", id="none"),
        pytest.param("   \u200b ", "", id="only-invisible"),
    ],
)
def test_clean_text_normalises(raw: str | None, expected: str) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    "original",
    [
        pytest.param("UBND phường Xương Huân", id="ward"),
        pytest.param("Trường Mầm non Hương Sen", id="school"),
        pytest.param("Thành đoàn Nha Trang", id="a-grave-is-c3-a0"),
        pytest.param("Phòng Y tế ✔", id="symbol"),
        pytest.param("ĐẠI HỌC TRÀ VINH", id="capitals"),
    ],
)
def test_clean_text_repairs_utf8_read_as_cp1252(original: str) -> None:
    garbled = as_misread_utf8(original)
    assert garbled != original
    assert clean_text(garbled) == original


def test_clean_text_repairs_mojibake_whose_nbsp_became_a_space() -> None:
    garbled = as_misread_utf8("Thành đoàn Nha Trang").replace("\u00a0", " ")
    assert clean_text(garbled) == "Thành đoàn Nha Trang"


def test_clean_text_repairs_mojibake_next_to_a_real_nbsp() -> None:
    assert clean_text("UBND\u00a0" + as_misread_utf8("phường Phước Long")) == "UBND phường Phước Long"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("XÃ VĨNH LƯƠNG", id="capital-a-tilde"),
        pytest.param("Hà Nội", id="latin1-letters"),
        pytest.param("Café Phước Đồng", id="french"),
        pytest.param("Ủy ban nhân dân", id="vietnamese"),
        pytest.param("Âu Cơ", id="circumflex-capital"),
    ],
)
def test_clean_text_leaves_real_text_alone(text: str) -> None:
    assert clean_text(text) == text


@pytest.mark.parametrize(
    "hostile",
    [
        pytest.param("Vĩnh Hải " * 6000, id="50k-chars"),
        pytest.param("Ã" * 50_000, id="50k-mojibake-lookalike"),
        pytest.param("\u200b" * 50_000, id="50k-invisible"),
        pytest.param("".join(map(chr, range(0x20))) * 100, id="control-characters"),
        pytest.param("🙂🇻🇳👨‍👩‍👧" * 1000, id="emoji-sequences"),
        pytest.param("\ud800x", id="lone-surrogate"),
    ],
)
def test_clean_text_and_fold_survive_hostile_input(hostile: str) -> None:
    started = time.perf_counter()
    cleaned = clean_text(hostile)
    folded = fold(hostile)
    assert time.perf_counter() - started < 2
    assert isinstance(cleaned, str)
    assert folded == folded.strip()
    assert "  " not in folded


@pytest.mark.parametrize(
    ("new_style", "traditional"),
    [
        pytest.param("Vĩnh Hoà", "Vĩnh Hòa", id="hoa-grave"),
        pytest.param("Uỷ ban", "Ủy ban", id="capital-uy-hook"),
        pytest.param("khoẻ", "khỏe", id="oe-hook"),
        pytest.param("thuỷ sản", "thủy sản", id="uy-hook"),
        pytest.param("Văn hoá", "Văn hóa", id="hoa-acute"),
        pytest.param("hoạ sĩ", "họa sĩ", id="oa-dot-below"),
        pytest.param("tuý", "túy", id="uy-acute"),
        pytest.param("KHÁNH HOÀ", "KHÁNH HÒA", id="upper-case"),
        pytest.param(unicodedata.normalize("NFD", "Thành uỷ"), "Thành ủy", id="nfd-input"),
    ],
)
def test_traditional_tones_moves_marks(new_style: str, traditional: str) -> None:
    assert traditional_tones(new_style) == traditional
    assert traditional_tones(traditional) == traditional


@pytest.mark.parametrize(
    "word",
    [
        pytest.param("hoàn", id="closed-syllable"),
        pytest.param("quý", id="after-q"),
        pytest.param("Quỳnh", id="after-q-closed"),
        pytest.param("thuyền", id="uye"),
        pytest.param("hoặc", id="oa-breve"),
        pytest.param("hoài", id="three-vowels"),
        pytest.param("Khánh Hòa", id="already-traditional"),
    ],
)
def test_traditional_tones_keeps_what_needs_no_move(word: str) -> None:
    assert traditional_tones(word) == word


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        pytest.param("Ủy Ban  Nhân Dân", "uy ban nhan dan", id="case-and-spaces"),
        pytest.param("Hoà", "hoa", id="new-style-tone"),
        pytest.param("Hòa", "hoa", id="traditional-tone"),
        pytest.param("Đồng", "dong", id="d-stroke"),
        pytest.param("LĐ-TB&XH, (TN/MT).", "ld tb xh tn mt", id="punctuation"),
        pytest.param("Phòng Y tế ✔", "phong y te", id="check-mark"),
        pytest.param("phuwowngf Vinhx Hair", "phuong vinh hai", id="raw-telex"),
        pytest.param("Truwowngf Maafm non", "truong mam non", id="telex-doubling"),
        pytest.param("DDoonfg Thaps", "dong thap", id="telex-d-stroke"),
        pytest.param("Vi4nh Ha3i", "vinh hai", id="raw-vni"),
        pytest.param("Vĩnh Nguyên3", "vinh nguyen 3", id="number-glued-to-word"),
        pytest.param("hai tu quy", "hai tu quy", id="syllables-untouched"),
        pytest.param("Viettel MobiFone VNPT", "viettel mobifone vnpt", id="brands-untouched"),
        pytest.param("news", "news", id="english-untouched"),
        pytest.param("", "", id="empty"),
    ],
)
def test_fold_gives_matching_key(typed: str, key: str) -> None:
    assert fold(typed) == key


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("hai", True),
        ("nguyen", True),
        ("truong", True),
        ("khuya", True),
        ("quy", True),
        ("gi", True),
        ("hair", False),
        ("vinhx", False),
        ("ubnd", False),
        ("viettel", False),
        ("thcs", False),
    ],
)
def test_is_syllable_knows_vietnamese_syllables(word: str, expected: bool) -> None:
    assert is_syllable(word) is expected


@pytest.mark.parametrize(
    ("word", "key"),
    [("nguyeenx", "nguyen"), ("ddoanf", "doan"), ("hoaf", "hoa"), ("nhwng", "nhung"), ("new", "new")],
)
def test_fold_word_undoes_telex_only_into_syllables(word: str, key: str) -> None:
    assert fold_word(word) == key


@pytest.mark.parametrize(
    ("left", "right", "same"),
    [
        pytest.param("Đòan", "Đoàn", True, id="mark-on-wrong-vowel"),
        pytest.param("hoà", "hòa", True, id="tone-placement"),
        pytest.param("Hãi", "Hải", False, id="other-tone"),
        pytest.param("Lôc", "Lộc", False, id="missing-tone"),
        pytest.param("Tân", "Tấn", False, id="acute-added"),
    ],
)
def test_tone_key_ignores_only_where_the_mark_sits(left: str, right: str, same: bool) -> None:
    assert (tone_key(left) == tone_key(right)) is same


@pytest.mark.parametrize(
    ("word", "toned"),
    [
        ("thanhj", "thạnh"),
        ("vinhx", "vĩnh"),
        ("hair", "hải"),
        ("phuwowngf", "phường"),
        ("phuowngf", "phường"),  # "uow" is ươ, as input methods type it
        ("ddoonfg", "đồng"),  # the tone key inside the word
        ("hoaf", "hòa"),  # traditional placement
        ("ngoaif", "ngoài"),
        ("quys", "quý"),
        ("taan", "tân"),  # no tone key
        ("thuowr", "thuở"),
        ("vi4nh", "vĩnh"),  # VNI
        ("phu7o7ng2", "phường"),
        ("thanh", None),  # a syllable: nothing to decode
        ("new", None),
        ("viettel", None),
    ],
)
def test_telex_toned_applies_the_marks_instead_of_dropping_them(word: str, toned: str | None) -> None:
    assert telex_toned(word) == toned
    if toned is not None:
        assert fold_word(word) == fold(toned)
