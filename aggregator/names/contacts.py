"""Who typed a row, signed after the unit's name: "Phòng Y tế - Nguyễn Thị Mai", "…, người báo cáo: cô Lan". Pure.

Agencies often sign the name cell: the person who reported, with a courtesy title, a job title or a label
before it. ``reading.py`` already drops a trailing phone number or e-mail address and a bracket holds a second
name ("Phòng Y tế (Nguyễn Văn An)" matches), but a person's name after a dash or a comma read as part of the
unit's name (or as a place) and left the row to the office. ``without_person`` gives the name without such a
trailing segment, for the matcher to try when the name as typed matched nothing; the matcher keeps a segment
that names a place it knows ("Lê Lợi", "Trần Phú" are communes too).

What counts as a person, in the segment after the last dash, colon or comma (a place a roster does not know
often reads like a name: "Trần Đề", "Trần Văn Thời" are districts, "Bà Rịa", "Anh Sơn" too):
- a label, then anything: "người báo cáo: …", "người lập biểu …", "liên hệ …", "họ tên …";
- the title of a post, then one to four capitalised words: "đ/c Lan", "Hiệu trưởng Trần Bình", "CV Hà";
- a courtesy title in lower case, then one to four capitalised words: "cô Hoa", "anh Tuấn"; capitalised, then
  a common family name and one to three more words: "Ông Nguyễn Văn An", "Bà Lê Thị Hoa";
- a woman's full name (three to five capitalised words, "Thị" second): "Nguyễn Thị Mai", "TRAN THI HOA";
- a post's title alone after a full name: "… - Nguyễn Văn An - Chuyên viên".
A man's name alone is left as typed: it cannot be told from a place named after a man. A line break typed in
the name cell separates a signature as a dash does ("Phòng Y tế⏎Nguyễn Thị Mai": ``without_signature_line``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aggregator.names.reading import last_segment
from aggregator.textnorm import base_chars

# Titles before a person's name: those of a post (any case), and courtesy titles typed in lower case ("cô Hoa";
# "Bà Rịa", "Anh Sơn" are places)
_POSTS = ("đ/c", "đc", "đồng chí", "cv", "chuyên viên", "công chức", "cán bộ", "cb", "văn thư", "kế toán",
          "giáo viên", "gv", "hiệu trưởng", "phó hiệu trưởng", "trưởng phòng", "phó trưởng phòng", "phó phòng",
          "chủ tịch", "phó chủ tịch")
_COURTESY = ("ông", "bà", "cô", "thầy", "anh", "chị", "em")
# The commonest family names: after a capitalised courtesy title, a full name ("Ông Nguyễn Văn An", "Bà Lê Thị
# Hoa") is a person, where "Bà Rịa", "Cô Tô" and "Ông Đình" are places
_FAMILY_NAMES = ("nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh", "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ",
                 "ngô", "dương", "lý", "đào", "đoàn", "trương", "trịnh", "lâm", "lương", "đinh", "mai", "cao",
                 "thạch", "kim", "danh", "lưu", "tạ", "châu", "tô", "hà", "quách", "thái", "văn")
# Labels that announce who reported: whatever follows is that person (or a phone number)
_LABELS = ("người báo cáo", "người lập biểu", "người lập", "người gửi", "người nhập", "người liên hệ",
           "người phụ trách", "phụ trách", "liên hệ", "đầu mối", "họ và tên", "họ tên", "ng báo cáo")
# What a label leaves once the notes are cut ("…, người báo cáo: X": "báo cáo …" reads as a note, "đã báo cáo")
_CUT_LABELS = frozenset({"người", "nguoi"})
_MOST_TITLE_WORDS, _MOST_NAME_WORDS = 4, 5


def _either(phrases: Iterable[str]) -> str:
    return "(?:" + "|".join(sorted(map(re.escape, set(phrases)), key=len, reverse=True)) + ")"


# by whether the segment is typed with diacritics: compared as typed (lower case), or all without them
_POST = {marked: re.compile(_either(t if marked else base_chars(t) for t in _POSTS) + r"\.?\s+(.+)")
         for marked in (True, False)}
_LABEL = {marked: re.compile(_either(t if marked else base_chars(t) for t in _LABELS) + r"\s*:?(?:\s|$)")
          for marked in (True, False)}
_COURTESY_WORDS = frozenset({*_COURTESY, *map(base_chars, _COURTESY)})
_FAMILY = {True: frozenset(_FAMILY_NAMES), False: frozenset(map(base_chars, _FAMILY_NAMES))}
_POST_TITLES = {True: frozenset(_POSTS), False: frozenset(map(base_chars, _POSTS))}
_WOMAN = frozenset({"thị", "thi"})  # the middle name of most women's names, of almost no place's


def without_person(text: str) -> str | None:
    """``text`` without the person named at its end (see the module's docstring), or None when it names none.

    >>> without_person("Phòng Y tế - Nguyễn Thị An")
    'Phòng Y tế'
    >>> without_person("UBND phường Vĩnh Hải, người báo cáo: cô Mai")
    'UBND phường Vĩnh Hải'
    >>> without_person("Phòng Y tế - Nguyễn Văn An - Chuyên viên")
    'Phòng Y tế'
    >>> without_person("UBND xã Long Đức - Cầu Kè") is None, without_person("UBND xã Viên An - Trần Đề") is None
    (True, True)
    """
    found = split_signature(text)
    return found[0] if found is not None else None


def split_signature(text: str) -> tuple[str, str] | None:
    """(the name, the signature after it) when ``text`` ends with a person; None otherwise."""
    found = last_segment(text)
    if found is None or not _has_letters(found[0]):
        return None
    if names_a_person(found[1]):
        return found
    before = last_segment(found[0]) if _a_post(found[1]) else None  # "… - Nguyễn Văn An - Chuyên viên"
    if before is not None and _has_letters(before[0]) and _person_or_full_name(before[1]):
        return before[0], text[len(before[0]):].lstrip(" -–—|:,;")
    return None


def without_signature_line(text: str) -> tuple[str, str] | None:
    """A name cell whose last line (a line break typed in the cell), or else its first, names a person: the other
    lines and that one ("Phòng Y tế⏎Nguyễn Thị Mai", "Người báo cáo: Trần Văn Bình⏎Phòng Y tế"); None otherwise.
    Cleaning a name turns its line breaks into spaces."""
    lines = [line.strip() for line in text.strip().splitlines()]
    for signature, rest in ((lines[-1], lines[:-1]), (lines[0], lines[1:])) if len(lines) > 1 else ():
        if any(map(_has_letters, rest)) and _signs(signature):
            return "\n".join(rest), signature
    return None


def _signs(line: str) -> bool:
    """A line that is a signature: a person, or a full name and a post ("Nguyễn Văn An - Chuyên viên")."""
    if names_a_person(line):
        return True
    found = last_segment(line)
    return found is not None and _a_post(found[1]) and _person_or_full_name(found[0])


def names_a_person(segment: str) -> bool:
    """Whether a segment typed after a name is a person: a label; a title and a name; a woman's full name."""
    segment, marked, lowered = _compared(segment)
    if _LABEL[marked].match(lowered) or lowered in _CUT_LABELS:
        return True
    words = segment.split()
    if (post := _POST[marked].fullmatch(lowered)) is not None:
        words = segment[post.start(1):].split()
    elif words and words[0] in _COURTESY_WORDS:  # lower case: "cô Hoa", "anh Sơn"
        words = words[1:]
    elif _courtesy_and_full_name(words, marked):  # "Ông Nguyễn Văn An"
        return True
    else:  # a name alone: a woman's, "Trần Thị Mai" ("Trần Đề", "Trần Văn Thời" are districts too)
        return 3 <= len(words) <= _MOST_NAME_WORDS and words[1].lower() in _WOMAN and all(map(_capitalised, words))
    return 0 < len(words) <= _MOST_TITLE_WORDS and all(map(_capitalised, words))


def _compared(segment: str) -> tuple[str, bool, str]:
    """The segment trimmed, whether it is typed with diacritics, and its text as titles are compared: lower case,
    and without diacritics when it has none."""
    segment = segment.strip().rstrip(".")
    marked = not segment.isascii()
    return segment, marked, segment.lower() if marked else base_chars(segment)


def _courtesy_and_full_name(words: list[str], marked: bool) -> bool:
    """A capitalised courtesy title, then two to four capitalised words, a common family name first."""
    if not 3 <= len(words) <= _MOST_TITLE_WORDS + 1 or not all(map(_capitalised, words)):
        return False
    title, family = (word.lower() if marked else base_chars(word) for word in words[:2])
    return title in _COURTESY_WORDS and family in _FAMILY[marked]


def _a_post(segment: str) -> bool:
    """Whether a segment is the title of a post alone: "Chuyên viên", "văn thư", "Hiệu trưởng"."""
    _, marked, lowered = _compared(segment)
    return lowered in _POST_TITLES[marked]


def _person_or_full_name(segment: str) -> bool:
    """Before a post: a person, or three to five capitalised words with a common family name first ("Nguyễn Văn
    An": alone, it may be a place named after a man)."""
    words = segment.split()
    return names_a_person(segment) or (
        3 <= len(words) <= _MOST_NAME_WORDS and all(map(_capitalised, words))
        and (words[0].lower() in _FAMILY[True] or base_chars(words[0]) in _FAMILY[False]))


def _has_letters(text: str) -> bool:
    return any(char.isalpha() for char in text)


def _capitalised(word: str) -> bool:
    """A word of a person's name as people type one: "An", "AN" (not "an", not "3")."""
    return word[:1].isupper() and word.isalpha()
