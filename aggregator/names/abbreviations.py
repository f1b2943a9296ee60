"""The reading of one typed or roster name into unit type, proper name, numbers and places. Pure.

A name is read the way a clerk reads it: trailing notes dropped ("(đã gửi)", "- ĐÃ BÁO CÁO"),
abbreviations expanded (UBND, P., F., TH, GD&ĐT …, see ``vocabulary``), the unit type recognised at
its head (phường, trường tiểu học, phòng …, also when typed last: "Vĩnh Hải - UBND phường"), the home
city or province dropped from its tail, trailing place qualifiers set apart ("…, H. Cầu Kè, tỉnh Trà
Vinh", see ``localities``), and numbers ("P4", "Phường 04", Roman numerals) set apart.

A name that puts some other body before a commune ("Trạm Y tế xã Long Đức", "Đảng ủy phường 3")
is read as that body, located in the commune: never the commune's People's Committee.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from aggregator.names.localities import Chain, Place, level_at, parse_locality, read_places, split_trailing
from aggregator.names.vocabulary import (
    COMPOUND,
    PIECE,
    STOP,
    Vocabulary,
    Word,
    compact,
    word_of,
)
from aggregator.textnorm import clean_text, fold_word, is_syllable, strip_marks, strip_notes

_ADMIN_LEVELS = ("phuong", "xa", "thi tran", "huyen", "thi xa", "thanh pho", "quan", "tinh")
_SCHOOL_LEVELS = {
    "tieu hoc": "th", "trung hoc co so": "thcs", "trung hoc pho thong": "thpt", "mam non": "mn",
    "mau giao": "mg", "nha tre": "nt", "dai hoc": "dh", "cao dang": "cd", "trung cap": "tc",
}  # fmt: skip
_PLAIN_HEADS = (
    "phong", "so", "ban", "hoi", "trung tam", "van phong", "doi", "uy ban", "lien doan", "cong an",
    "thanh tra", "bao", "bao hiem", "dai", "thanh doan", "tinh doan", "huyen doan", "chi cuc", "cuc",
    "benh vien", "cong ty", "chi nhanh", "vien thong", "hoc vien", "vien", "cong doan",
)  # fmt: skip
# Words that open a name without being its unit type ("Thành ủy - Ban Dân vận", "Quản lý …").
_NOT_HEADS = ("thanh uy", "tinh uy", "huyen uy", "quan uy", "thi uy", "dang uy", "quan ly")


def _head_table() -> dict[tuple[str, ...], tuple[str, ...] | None]:
    table: dict[tuple[str, ...], tuple[str, ...] | None] = {(*h.split(),): (h,) for h in _PLAIN_HEADS}
    table[("truong",)] = ("truong",)
    for level, code in _SCHOOL_LEVELS.items():
        table[(*level.split(),)] = table[("truong", *level.split())] = ("truong", code)
    table[("uy", "ban", "nhan", "dan")] = ("ubnd",)
    for level in _ADMIN_LEVELS:  # "UBND phường X", "UB phường X" and "Phường X" are one unit
        for prefix in ("uy ban nhan dan ", "uy ban ", ""):
            table[(*(prefix + level).split(),)] = ("ubnd", level)
    table[("mat", "tran", "to", "quoc")] = table[("uy", "ban", "mat", "tran", "to", "quoc")] = ("mttq",)
    table.update({(*h.split(),): None for h in _NOT_HEADS})
    return table


HEADS = _head_table()
_HEAD_WORDS = max(map(len, HEADS))
_HEAD_STARTS = frozenset(phrase[0] for phrase in HEADS)
_CHUNK_CACHE = 1 << 16  # words of a typed chunk, per vocabulary: tokens repeat across names
_SYNONYMS = {("the", "duc", "the", "thao"): slice(2, 4), ("to", "quoc", "viet", "nam"): slice(0, 2)}
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6"}
_PLACE_MARKERS = (("thanh", "pho"), ("tinh",), ("huyen",), ("thi", "xa"))
_COMMITTEES = frozenset({("thanh", "uy"), ("tinh", "uy"), ("huyen", "uy"), ("quan", "uy"), ("thi", "uy")})
_UBND = frozenset({"ubnd", "ub"})

_TRAILING_BRACKET = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]$")
_SEGMENT_GAP = re.compile(r"\s+[-–—|:]\s+|\s*,\s+")
_LOCALITY_GAP = re.compile(r"[,;]|\s[-–—]\s")
_GLUED_NUMBER = re.compile(r"([^\W\d_]{1,2})(\d{1,3})")
# A commune-level head after other words opens the place, not the unit: "Trạm Y tế xã Long Đức".
_COMMUNE_HEADS = frozenset({("ubnd", "xa"), ("ubnd", "phuong"), ("ubnd", "thi tran")})
_COMMUNE_LEVELS = frozenset({"xa", "phuong", "thi tran"})
OTHER_BODY = "co quan"  # head of "another body located in the place": ("co quan", "tram", "y", "te")
MAX_NAME = 300  # longer cells are not names; the cap keeps hostile input cheap


class NameParts(NamedTuple):
    head: tuple[str, ...] | None  # unit type, e.g. ("ubnd", "phuong"), ("truong", "th"), ("phong",)
    body: tuple[Word, ...]  # the distinctive words, in typed order
    numbers: tuple[str, ...]  # "TH Vĩnh Hải II" → ("2",)
    qualifier: tuple[str, ...] = ()  # whose unit, when stated: ("thanh", "uy"), ("tinh", "uy")
    places: tuple[Place, ...] = ()  # trailing qualifiers: ", H. Cầu Kè, tỉnh Trà Vinh"


def name_variants(text: str) -> list[str]:
    """The name without notes, and the content of a trailing bracket as a second name."""
    text = strip_notes(clean_text(text)[:MAX_NAME])
    bracket = _TRAILING_BRACKET.search(text)
    if bracket is None or bracket.start() == 0:
        return [text] if text else []
    return [part for part in (text[: bracket.start()], bracket[1].strip()) if part]


def _lookup(key: str, vocab: Vocabulary) -> str | None:
    """The expansion of letters, also when Đ was typed as raw Telex "DD" ("LDDLDD", "GD&DDT")."""
    return vocab.abbreviations.get(key) or vocab.abbreviations.get(key.replace("dd", "d"))


def _pieces(chunk: str, vocab: Vocabulary) -> list[str]:
    """ "P4", "F12", "Q1": the letters of a unit type glued to its number are two words."""
    pieces = []
    for piece in PIECE.findall(chunk):
        glued = _GLUED_NUMBER.fullmatch(piece)
        letters = glued[1].lower() if glued else ""
        if glued and (letters == "p" or _lookup(letters, vocab) or letters in vocab.contextual):
            pieces += [glued[1], glued[2]]
        else:
            pieces.append(piece)
    return pieces


def _chunk_words(chunk: str, vocab: Vocabulary) -> tuple[Word, ...]:
    if (cached := vocab.chunks.get(chunk)) is not None:
        return cached
    key = compact(chunk)
    if COMPOUND.fullmatch(chunk) and _lookup(key, vocab):  # "LĐ-TB&XH", "GD&ĐT"
        words: tuple[Word, ...] = (Word(chunk, chunk.lower(), key),)
    else:
        words = tuple(word_of(piece) for piece in _pieces(chunk, vocab))
    if len(vocab.chunks) < _CHUNK_CACHE:
        vocab.chunks[chunk] = words
    return words


def _raw_words(segment: str, vocab: Vocabulary) -> list[Word]:
    return [word for chunk in segment.split() for word in _chunk_words(chunk, vocab)]


@lru_cache(maxsize=1 << 16)
def _abbreviated(word: Word) -> bool:
    """Letters that are no syllable ("ubnd", "p"), or capitals such as "TU"; never accented."""
    if not word.folded.isalpha() or strip_marks(word.toned) != word.toned.replace("đ", "d"):
        return False
    return not is_syllable(word.folded) or (len(word.folded) > 1 and word.text.isupper())


def _department_follows(following: Sequence[Word], vocab: Vocabulary) -> bool:
    if not following:
        return False
    expansion = _lookup(following[0].folded, vocab) if _abbreviated(following[0]) else None
    text = strip_marks(expansion) if expansion else " ".join(w.folded for w in following)
    return any(text == d or text.startswith(d + " ") for d in vocab.departments)


def _meaning(word: Word, previous: str, following: Sequence[Word], vocab: Vocabulary) -> str | None:
    if not _abbreviated(word):
        return None
    if word.folded == "p":  # Phòng when a department name follows (P. Tư pháp), else Phường
        phong = previous not in _UBND and _department_follows(following, vocab)
        return "phòng" if phong else "phường"
    if word.folded in vocab.contextual:
        after, there, otherwise = vocab.contextual[word.folded]
        return there if previous in after else otherwise
    return _lookup(word.folded, vocab)


@lru_cache(maxsize=1 << 16)
def _keyed(word: Word) -> tuple[Word, ...]:
    key = fold_word(word.folded)
    if " " in key:  # "nguyen3" → "nguyen", "3"
        return tuple(Word(part, part, part) for part in key.split())
    return (word._replace(folded=key),)


def _join_pairs(words: list[Word], vocab: Vocabulary) -> list[Word]:
    """ "TN và MT", "GD và ĐT": two abbreviations joined by "và" that are one known abbreviation."""
    out: list[Word] = []
    for word in words:
        if len(out) > 1 and out[-1].folded == "va" and _abbreviated(out[-2]) and _abbreviated(word):
            key = out[-2].folded + word.folded
            if key in vocab.abbreviations and key not in vocab.contextual:
                out[-2:] = [Word(out[-2].text + word.text, out[-2].toned + word.toned, key)]
                continue
        out.append(word)
    return out


def _expand(words: list[Word], vocab: Vocabulary) -> list[Word]:
    words = _join_pairs(words, vocab)
    out: list[Word] = []
    for i, word in enumerate(words):
        previous = words[i - 1].folded if i else ""
        meaning = _meaning(word, previous, words[i + 1 : i + 3], vocab)
        out.extend([word_of(part) for part in meaning.split()] if meaning else _keyed(word))
    return out


def _phrase_at_start(words: Sequence[Word], start: int = 0) -> tuple[tuple[str, ...] | None, int]:
    """The longest known phrase ``words[start:]`` opens with: its unit type (None for "Thành ủy"…) and size."""
    if start >= len(words) or words[start].folded not in _HEAD_STARTS:
        return None, 0
    folded = tuple(w.folded for w in words[start : start + _HEAD_WORDS])
    for size in range(len(folded), 0, -1):
        if folded[:size] in HEADS:
            return HEADS[folded[:size]], size
    return None, 0


def _head_at_start(words: Sequence[Word]) -> tuple[tuple[str, ...] | None, int]:
    head, size = _phrase_at_start(words)
    return head, size if head else 0


def _folded(words: Sequence[Word]) -> list[str]:
    return [word.folded for word in words]


def _reorder(segments: list[list[Word]]) -> tuple[list[Word], tuple[str, ...] | None]:
    """Put the unit type first ("Vĩnh Hải - UBND phường", "Thành ủy Ban Dân vận"), leaving place
    qualifiers where they are ("Long Đức - H. Cầu Kè"). Returns the words and, for another body in
    a commune ("Trạm Y tế xã Long Đức"), its head."""
    if len(segments) > 1 and _head_at_start(segments[0])[0] is None:
        for i in range(1, len(segments)):
            head, size = _head_at_start(segments[i])
            if head is not None and read_places(_folded(segments[i])) is None:
                # "Mỹ Bình - UBND xã, thị xã Ngã Năm": the places after the type stay last
                places = segments[i][size:] if read_places(_folded(segments[i][size:])) else []
                moved = segments[i][: len(segments[i]) - len(places)]
                segments = [moved, *segments[:i], *segments[i + 1 :], places]
                break
    words = [word for segment in segments for word in segment]
    head, i = _phrase_at_start(words)
    i = max(i, 1)
    while head is None and i < len(words):
        head, size = _phrase_at_start(words, i)
        if head is not None:
            after = words[i + size :]
            if after and head in _COMMUNE_HEADS:
                return after, (OTHER_BODY, *_folded(words[:i]))
            if after and read_places(_folded(words[i:])):  # "Long Đức huyện Cầu Kè": a bare name, qualified
                return words, None
            return words[i:] + words[:i], None
        i += max(size, 1)
    return words, None


def _synonyms(words: list[Word]) -> list[Word]:
    out: list[Word] = []
    i = 0
    while i < len(words):
        for pattern, keep in _SYNONYMS.items():
            if words[i].folded == pattern[0] and tuple(w.folded for w in words[i : i + len(pattern)]) == pattern:
                out.extend(words[i : i + len(pattern)][keep])
                i += len(pattern)
                break
        else:
            out.append(words[i])
            i += 1
    return out


def _ends_with(words: Sequence[Word], tail: tuple[str, ...]) -> bool:
    return len(words) >= len(tail) and tuple(w.folded for w in words[len(words) - len(tail) :]) == tail


def _strip_home(words: list[Word], homes: Sequence[tuple[str, ...]], lone: bool = True) -> list[Word]:
    """ "… thành phố Nha Trang (tỉnh Khánh Hòa)", "… tỉnh", "… TP" qualify every unit: optional.

    A marker without the home after it ("Hội CCB tỉnh") only closes the name of a body that is no
    administrative unit (``lone``): "Xã Hòa Tịnh" ends with no "tỉnh"."""
    stripped = False
    for tail in homes:
        if len(words) > 3 and words[-3].folded == "tinh" and _ends_with(words[:-3], tail):
            words = words[:-3]  # the province above the home city
        if _ends_with(words, tail):
            words, stripped = words[: len(words) - len(tail)], True
            break
    for tail in _PLACE_MARKERS if stripped or lone else ():
        if _ends_with(words, tail):
            return words[: len(words) - len(tail)]
    return words


def _split_qualifier(words: list[Word], head: tuple[str, ...] | None) -> tuple[list[Word], tuple[str, ...],
                                                                           tuple[Place, ...]]:
    """A trailing "Thành ủy"/"Tỉnh ủy" says whose unit it is; "huyện X, tỉnh Y" where it is."""
    folded = _folded(words)
    if len(words) > 2 and tuple(folded[-2:]) in _COMMITTEES:
        return words[:-2], tuple(folded[-2:]), ()
    other_body = head is not None and head[0] != "ubnd"  # "Công an huyện X": X is where, not who
    start, places = split_trailing(folded, first=0 if other_body else 1)
    if places and start > 1 and folded[start - 1] == "thuoc":  # "… thuộc huyện X": "belonging to"
        start -= 1
    return words[:start], (), places


def _in_commune(words: list[Word], head: tuple[str, ...] | None) -> list[Word]:
    """ "Công an xã Long Đức", "Trường TH xã Long Đức": the body bears the commune's name."""
    found = level_at(_folded(words), 0) if head is not None and head[0] != "ubnd" else None
    return words[found[1] :] if found and found[0] in _COMMUNE_LEVELS and len(words) > found[1] else words


def _roman(word: Word) -> bool:
    """ "II", "IV", and in lower case "ii", "iv" (no syllable), never "vi" (vì) or "i"."""
    return word.text in _ROMAN or (word.text.upper() in _ROMAN and not is_syllable(word.folded))


def _split_numbers(words: list[Word]) -> tuple[list[Word], list[str]]:
    body: list[Word] = []
    numbers: list[str] = []
    for i, word in enumerate(words):
        following = words[i + 1].folded if i + 1 < len(words) else ""
        if word.folded.isdigit():
            numbers.append(word.folded.lstrip("0") or "0")
        elif _roman(word) and i == len(words) - 1 and i > 0:
            numbers.append(_ROMAN[word.text.upper()])
        elif word.folded not in STOP and not (word.folded == "so" and following.isdigit()):  # "số 2"
            body.append(word)
    return body, numbers


def _is_parent(segment: list[Word], homes: Sequence[tuple[str, ...]]) -> bool:
    """ "UBND thành phố Nha Trang" before or after "Phòng Y tế": the authority above every unit."""
    head, size = _head_at_start(segment)
    if head is None or head[0] != "ubnd" or head[1:] in (("phuong",), ("xa",), ("thi tran",)):
        return False  # "Vĩnh Hải - UBND phường" names the ward itself
    return not _strip_home(segment[size:], homes)


def read_words(text: str, vocab: Vocabulary) -> list[str]:
    """Folded words of a text, abbreviations expanded: "H. Cầu Kè" → ["huyen", "cau", "ke"]."""
    return _folded(_expand(_raw_words(clean_text(text)[:MAX_NAME], vocab), vocab))


def read_locality(text: str, vocab: Vocabulary) -> Chain:
    """A roster ``locality`` or a campaign ``area``: "huyện Cầu Kè, tỉnh Trà Vinh" → its places."""
    return parse_locality(read_words(part, vocab) for part in _LOCALITY_GAP.split(text or ""))


def last_segment(text: str) -> tuple[str, str] | None:
    """ "Long Đức - Cầu Kè" → ("Long Đức", "Cầu Kè"): the text before its last separator, and after."""
    gaps = list(_SEGMENT_GAP.finditer(text))
    return (text[: gaps[-1].start()], text[gaps[-1].end() :]) if gaps else None


def read_name(text: str, vocab: Vocabulary, typed_type: bool = True) -> NameParts:
    """Read one clean name (see ``name_variants``) into unit type, distinctive words and numbers.

    ``typed_type=False`` reads the name as having no type: "Phong Nẫm", "Trường Long" are communes."""
    segments = [_expand(_raw_words(segment, vocab), vocab) for segment in _SEGMENT_GAP.split(text)]
    units = [segment for segment in segments if not _is_parent(segment, vocab.homes)]
    if typed_type:
        words, other_body = _reorder(units or segments)
    else:
        words, other_body = [word for segment in units or segments for word in segment], None
    words = _synonyms(words)
    head, size = (other_body, 0) if other_body or not typed_type else _head_at_start(words)
    lone = head is not None and head[0] != "ubnd"
    rest, qualifier, places = _split_qualifier(_strip_home(_in_commune(words[size:], head), vocab.homes, lone), head)
    body, numbers = _split_numbers(rest)
    return NameParts(head, tuple(body), tuple(numbers), qualifier, places)


