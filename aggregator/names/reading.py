"""The reading of one typed or roster name into unit type, proper name, numbers and places. Pure.

A name is read the way a clerk reads it: trailing notes dropped ("(đã gửi)", "- ĐÃ BÁO CÁO"),
abbreviations expanded (``abbreviations``), the unit type recognised at its head (phường, trường tiểu
học, phòng …, also in a segment of its own: "Vĩnh Hải - UBND phường"), the home city or province
dropped from its tail, trailing place qualifiers set apart ("…, H. Cầu Kè, tỉnh Trà Vinh", see
``localities``), and numbers ("P4", "Phường 04", Roman numerals) set apart.

The proper name keeps the words in the order typed and every word of an administrative unit's name
("Đông Các", "Cửa Ông"): a type word inside it is part of it ("Xuân Trường" is no trường Xuân), and a
word is a type word only when typed with its diacritics or none (``heads``). A type word that some
unit has in its proper name together with the name's other words ("Phuong Lien", "trường Lâm",
"Phường Đúc") gives the name a second reading, its twin, where it is part of the proper name.

A name that puts some other body before a commune ("Trạm Y tế xã Long Đức", "Đảng ủy phường 3")
is read as that body, located in the commune: never the commune's People's Committee.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from typing import NamedTuple

from aggregator.many_texts import clean_many, lines_matching, strip_notes_many
from aggregator.names.abbreviations import MAX_NAME, segment_words
from aggregator.names.heads import LEVEL_WORDS, TRAPS, Head, agrees, bare, fits, folded_phrase, level_keys, phrase_at
from aggregator.names.localities import Place, level_at, read_places, split_trailing
from aggregator.names.vocabulary import Vocabulary, Word
from aggregator.textnorm import clean_text, is_syllable, strip_notes, tone_key

_SYNONYMS = {("the", "duc", "the", "thao"): slice(2, 4), ("to", "quoc", "viet", "nam"): slice(0, 2)}
_ROMAN = {"I": "1", "II": "2", "III": "3", "IV": "4", "V": "5", "VI": "6"}
# Numerals that are also words ("Xã Sơn Vi", "Xã Ba Vì"): in capitals, "XÃ SƠN VI" reads Sơn 6, and its twin Sơn Vi.
ROMAN_SYLLABLES = frozenset({"I", "VI"})
_NUMERAL_WORD = re.compile(r"(?<![^\W_])V?I(?![^\W_])")  # one of them as a word (looked for in texts holding an I)
_MARKERS = ("thành phố", "tỉnh", "huyện", "thị xã")  # close a name: "Hội CCB tỉnh", "Phòng Y tế TP"
_COMMITTEES = {folded_phrase(c): c for c in ("thành ủy", "tỉnh ủy", "huyện ủy", "quận ủy", "thị ủy")}
# "thuộc" joins a name to its place ("xã Long Đức thuộc huyện Long Phú") or is a word of it (Lai Châu's xã Thân
# Thuộc): a trap like a type word (``twins``)
NAME_OR_LINK = frozenset({"thuoc"})
NAMED_TRAPS = TRAPS | NAME_OR_LINK  # words a reading may take as the proper name's instead (``twins``)
_STOP = {"va": "và", "cac": "các", "cua": "của"}  # joining words of a body's name ("Tài nguyên và Môi trường")
# Words that may make a name more than a type and a proper name (see ``_plain``): place levels (thành and
# thị only with phố, xã or trấn after them), joining words, "số", "thuộc", "ủy" of a committee, the first
# words of synonyms.
_SYNONYM_STARTS = frozenset(pattern[0] for pattern in _SYNONYMS)
_SPECIAL = frozenset({*LEVEL_WORDS - {"thanh", "thi"}, *_STOP, "so", "thuoc", "uy", *_SYNONYM_STARTS})
_TRAILING_BRACKET = re.compile(r"\s*[(\[]([^()\[\]]*)[)\]]$")
# Contact details typed after the name ("…, ĐT: 0905 123 456", "… - vanthu@x.gov.vn"): a phone number (0 or +84
# and 9 to 11 digits) or an e-mail address at the end, with the words that announce it.
_CONTACT_AT_END = re.compile(
    r"\s*[,;:\-–(]?\s*(?:(?:s?[đd]t|điện thoại|dien thoai|tel|e-?mail)\s*[:.]?\s*)?"
    r"(?:(?:\+84|0)(?:[\s.]?[0-9]){8,10}|[\w.+-]+@[\w-]+(?:\.[\w-]+)+)\s*\)?\s*$", re.IGNORECASE)
# A list's number typed before the name ("1. UBND phường Vĩnh Hải", "01 - Phòng Y tế"): digits only, since
# "X." and "P." are xã and phường; a number inside a name ("Phường 1", "THCS 2-9") is never at its start.
_LEADING_NUMBER = re.compile(r"^\d{1,3}\s*[.)]\s*(?=[^\W\d_])|^\d{1,3}\s*[-–]\s+(?=[^\W\d_])")
# What a text holding either needs (a search of many texts at once, see ``many_name_variants``): a digit first,
# an @, or nine digits (a phone number has nine to eleven).
_MAY_HOLD_EXTRAS = re.compile(r"^\d|@|^(?:[^\d\n]*+\d){9}", re.MULTILINE)
_DIGIT_OR_AT = re.compile(r"[\d@]")  # in every text that may hold either: looked for first (one class, in C)
_LIST_NUMBER = re.compile(r"[0-9]{1,3}")
_SEGMENT_GAP = re.compile(r"\s+[-–—|:]\s+|\s*,\s+")
# A commune-level head after other words opens the place, not the unit: "Trạm Y tế xã Long Đức".
_COMMUNE_HEADS = frozenset({("ubnd", "xa"), ("ubnd", "phuong"), ("ubnd", "thi tran")})
_COMMUNE_LEVELS = frozenset({"xa", "phuong", "thi tran"})
OTHER_BODY = "co quan"  # head of "another body located in the place": ("co quan", "tram", "y", "te")


class NameParts(NamedTuple):
    head: Head  # unit type, e.g. ("ubnd", "phuong"), ("truong", "th"), ("phong",)
    body: tuple[Word, ...]  # the distinctive words, in typed order
    numbers: tuple[str, ...]  # "TH Vĩnh Hải II" → ("2",)
    qualifier: tuple[str, ...] = ()  # whose unit, when stated: ("thanh", "uy"), ("tinh", "uy")
    places: tuple[Place, ...] = ()  # trailing qualifiers: ", H. Cầu Kè, tỉnh Trà Vinh"
    named: frozenset[str] = frozenset()  # type words this reading takes as words of the proper name


def name_variants(text: str) -> list[str]:
    """The name without a leading number or notes, and the content of a trailing bracket as a second name."""
    return _bracketed(strip_notes(_without_extras(clean_text(text))[:MAX_NAME]))


def many_name_variants(texts: Sequence[str]) -> list[list[str]]:
    """``name_variants`` of many texts, most of them cleaned and checked for notes in one pass."""
    cleaned = clean_many(texts)
    extras = lines_matching(_MAY_HOLD_EXTRAS, cleaned, may=_DIGIT_OR_AT)  # most names hold no list number, no contact
    cut = [(_without_extras(text) if i in extras else text)[:MAX_NAME] for i, text in enumerate(cleaned)]
    return [_bracketed(text) for text in strip_notes_many(cut)]


def _without_extras(text: str) -> str:
    """The name without a list's number before it or contact details after it."""
    text = _LEADING_NUMBER.sub("", text)
    if "@" in text or sum(char.isdigit() for char in text) >= 9:  # most names hold neither: no search
        text = _CONTACT_AT_END.sub("", text) or text
    return text


def _bracketed(text: str) -> list[str]:
    bracket = _TRAILING_BRACKET.search(text) if text.endswith((")", "]")) else None
    if bracket is None or bracket.start() == 0:
        return [text] if text else []
    return [part for part in (text[: bracket.start()], bracket[1].strip()) if part]


def segments(text: str) -> list[str]:
    """ "Long Đức - Cầu Kè, Trà Vinh" → ["Long Đức", "Cầu Kè", "Trà Vinh"]: the parts between separators."""
    return _SEGMENT_GAP.split(text)


def last_segment(text: str) -> tuple[str, str] | None:
    """ "Long Đức - Cầu Kè" → ("Long Đức", "Cầu Kè"): the text before its last separator, and after."""
    gaps = list(_SEGMENT_GAP.finditer(text))
    return (text[: gaps[-1].start()], text[gaps[-1].end() :]) if gaps else None


def _is(words: Sequence[Word], toned: str, names: Collection[str] = ()) -> bool:
    """Whether the words are the toned phrase, as typed (diacritics agree or are left out)."""
    folded = folded_phrase(toned)
    return (len(words) == len(folded) and all(w.folded == f for w, f in zip(words, folded, strict=True))
            and fits(words, toned.split(), names))


def _head_at_start(words: Sequence[Word], names: Collection[str] = ()) -> tuple[Head, int]:
    head, size = phrase_at(words, 0, names)
    return head, size if head else 0


def _folded(words: Sequence[Word]) -> list[str]:
    return [word.folded for word in words]


def _places(words: Sequence[Word]) -> tuple[Place, ...] | None:
    return read_places(_folded(words), level_keys(words))


def _type_segment_first(segments: list[list[Word]], names: Collection[str]) -> list[list[Word]]:
    """ "Vĩnh Hải - UBND phường": a segment that opens with the unit type goes first; the places after
    the type stay last ("Mỹ Bình - UBND xã, thị xã Ngã Năm")."""
    if len(segments) < 2 or _head_at_start(segments[0], names)[0] is not None:
        return segments
    for i in range(1, len(segments)):
        head, size = _head_at_start(segments[i], names)
        if head is not None and _places(segments[i]) is None:
            places = segments[i][size:] if _places(segments[i][size:]) else []
            moved = segments[i][: len(segments[i]) - len(places)]
            return [moved, *segments[:i], *segments[i + 1 :], places]
    return segments


def _reorder(segments: list[list[Word]], names: Collection[str]) -> tuple[list[Word], Head]:
    """The words with the unit type first. A type word after the words of a proper name is part of
    it ("Xuân Trường", "Song Phượng"), unless other words only open the name ("Thành ủy Ban Dân vận"),
    a type of several words closes it ("Xương Huân UBND phường"), a commune follows another body
    ("Trạm Y tế xã Long Đức": returns that body's head) or places follow ("Long Đức huyện Cầu Kè")."""
    words = [word for segment in _type_segment_first(segments, names) for word in segment]
    head, size = phrase_at(words, 0, names)
    if head is not None:
        return words, None
    opening = size > 0  # words so far are only phrases that open a name ("Thành ủy", "Quản lý")
    i = max(size, 1)
    while i < len(words):
        head, size = phrase_at(words, i, names)
        after = words[i + size :]
        if head is not None and after and head in _COMMUNE_HEADS:
            return after, (OTHER_BODY, *_folded(words[:i]))
        if head is not None and after and _places(words[i:]):
            return words, None
        if head is not None and (opening or (size > 1 and not after)):  # "Xương Huân UBND phường"
            return words[i:] + words[:i], None
        opening = opening and size > 0
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


def _strip_home(words: list[Word], homes: Sequence[tuple[str, ...]], lone: bool, names: Collection[str]) -> list[Word]:
    """ "… thành phố Nha Trang (tỉnh Khánh Hòa)", "… tỉnh", "… TP" qualify every unit: optional.

    A marker without the home after it ("Hội CCB tỉnh") only closes the name of a body that is no
    administrative unit (``lone``): "Xã Hòa Tịnh" ends with no "tỉnh"."""
    stripped = False
    for tail in homes:
        if len(words) > 3 and _is(words[-3:-2], "tỉnh") and _ends_with(words[:-3], tail):
            words = words[:-3]  # the province above the home city
        if _ends_with(words, tail):
            words, stripped = words[: len(words) - len(tail)], True
            break
    for marker in _MARKERS if stripped or lone else ():
        size = len(marker.split())
        if len(words) >= size and _is(words[len(words) - size :], marker, names):
            return words[: len(words) - size]
    return words


def _split_qualifier(words: list[Word], head: Head,
                     names: Collection[str]) -> tuple[list[Word], tuple[str, ...], tuple[Place, ...]]:
    """A trailing "Thành ủy"/"Tỉnh ủy" says whose unit it is; "huyện X, tỉnh Y" where it is."""
    folded = _folded(words)
    committee = _COMMITTEES.get(tuple(folded[-2:])) if len(words) > 2 else None
    if committee and _is(words[-2:], committee):
        return words[:-2], tuple(folded[-2:]), ()
    other_body = head is not None and head[0] != "ubnd"  # "Công an huyện X": X is where, not who
    start, places = split_trailing(folded, first=0 if other_body else 1, keys=level_keys(words))
    if places and start > 1 and "thuoc" not in names and _is(words[start - 1 : start], "thuộc"):  # "belonging to"
        start -= 1
    return words[:start], (), places


def _in_commune(words: list[Word], head: Head, names: Collection[str]) -> list[Word]:
    """ "Công an xã Long Đức", "Trường TH xã Long Đức": the body bears the commune's name."""
    found = level_at(level_keys(words[:2], names), 0) if head is not None and head[0] != "ubnd" else None
    return words[found[1] :] if found and found[0] in _COMMUNE_LEVELS and len(words) > found[1] else words


def _roman(word: Word, names: Collection[str]) -> bool:
    """ "II", "IV", and in lower case "ii", "iv" (no syllable), never "vi" (vì) or "i", nor "VI" or "I" in a
    reading that takes them as words of the proper name (``names``)."""
    if word.text in _ROMAN:
        return word.text not in ROMAN_SYLLABLES or word.folded not in names
    return word.text.upper() in _ROMAN and not is_syllable(word.folded)


def _joining(word: Word, following: str, head: Head) -> bool:
    """ "và", "các", "của" join the words of a body's name, "số" a school's number ("số 2"); an
    administrative unit's name keeps every word ("xã Đông Các", "phường Cửa Ông")."""
    if word.folded == "so":
        return following.isdigit() and agrees(word, "số") is not False
    joins = head is not None and head[0] not in ("ubnd", OTHER_BODY)
    return joins and word.folded in _STOP and agrees(word, _STOP[word.folded]) is not False


def _split_numbers(words: list[Word], head: Head, names: Collection[str]) -> tuple[list[Word], list[str]]:
    body: list[Word] = []
    numbers: list[str] = []
    for i, word in enumerate(words):
        following = words[i + 1].folded if i + 1 < len(words) else ""
        if word.folded.isdigit():
            numbers.append(word.folded.lstrip("0") or "0")
        elif _roman(word, names) and i == len(words) - 1 and i > 0:
            numbers.append(_ROMAN[word.text.upper()])
        elif not _joining(word, following, head):
            body.append(word)
    return body, numbers


def _is_parent(segment: list[Word], homes: Sequence[tuple[str, ...]]) -> bool:
    """ "UBND thành phố Nha Trang" before or after "Phòng Y tế": the authority above every unit."""
    head, size = _head_at_start(segment)
    if head is None or head[0] != "ubnd" or head[1:] in (("phuong",), ("xa",), ("thi tran",)):
        return False  # "Vĩnh Hải - UBND phường" names the ward itself
    return not _strip_home(segment[size:], homes, lone=False, names=())


def _plain(segments: list[list[Word]], vocab: Vocabulary) -> NameParts | None:
    """Most names are a type and a proper name of plain words ("Trường Tiểu học Tân Phú"): read at once,
    as the steps below would read them. None for any other name."""
    if len(segments) != 1:
        return None
    words = segments[0]
    head, size = phrase_at(words)
    body = words[size:]
    if head is None or not body or body[-1].text.upper() in _ROMAN:
        return None
    folded = [word.folded for word in body]
    if not _SPECIAL.isdisjoint(folded) or not "".join(folded).isalnum():
        return None
    if any(word.folded in _SYNONYM_STARTS for word in words[:size]):
        return None  # "Mặt trận Tổ quốc Việt Nam": a synonym may start in the type
    if vocab.homes and any(_ends_with(body, tail) for tail in vocab.homes):
        return None
    numbers = tuple(word.lstrip("0") or "0" for word in folded if word.isdigit())
    return NameParts(head, tuple(word for word in body if not word.folded.isdigit()) if numbers else tuple(body),
                     numbers)


def _parts(segments: list[list[Word]], vocab: Vocabulary, names: Collection[str]) -> NameParts:
    if not names and (parts := _plain(segments, vocab)) is not None:
        return parts
    return in_steps(segments, vocab, names)


def in_steps(segments: list[list[Word]], vocab: Vocabulary, names: Collection[str]) -> NameParts:
    """The reading step by step: parents, type, synonyms, commune, home, places, numbers."""
    units = [segment for segment in segments if not _is_parent(segment, vocab.homes)] or segments
    words, other_body = _reorder(units, names)
    words = _synonyms(words)
    head, size = (other_body, 0) if other_body else _head_at_start(words, names)
    lone = head is not None and head[0] != "ubnd"
    rest = _strip_home(_in_commune(words[size:], head, names), vocab.homes, lone, names)
    rest, qualifier, places = _split_qualifier(rest, head, names)
    body, numbers = _split_numbers(rest, head, names)
    return NameParts(head, tuple(body), tuple(numbers), qualifier, places, frozenset(names))


def split_segments(text: str, vocab: Vocabulary) -> list[list[Word]]:
    """The words of each segment of a clean name ("Long Đức - Cầu Kè": two), abbreviations expanded;
    a list's number typed without a separator before a unit type is left out ("1 UBND phường Vĩnh Hải")."""
    parts = [segment_words(segment, vocab) for segment in segments(text)]
    first = parts[0]
    if len(first) > 2 and _LIST_NUMBER.fullmatch(first[0].text) and phrase_at(first, 1)[0] is not None:
        parts[0] = first[1:]  # no unit's name starts with a number and then its type ("Phường 1", "MN 2/4")
    return parts


def read_name(text: str, vocab: Vocabulary, names: Collection[str] = ()) -> NameParts:
    """Read one clean name (see ``name_variants``) into unit type, distinctive words and numbers;
    type words in ``names`` are read as part of the proper name."""
    return _parts(split_segments(text, vocab), vocab, names)


def _may_be_named(word: Word, vocab: Vocabulary) -> bool:
    """A type word (or "thuộc") that some unit's proper name has, typed as it has it or without diacritics (not as
    an abbreviation: "X." is xã)."""
    if word.folded not in NAMED_TRAPS or word.expanded:
        return False
    if bare(word):
        return word.folded in vocab.named_type_words
    return (word.folded, tone_key(word.toned)) in vocab.named_types


class Reading(NamedTuple):
    """A name's words by segment, its plain reading, its type words (and "thuộc") that may be a proper name's,
    and its numerals in capitals that are also words ("VI", "I")."""

    segments: tuple[tuple[Word, ...], ...]
    plain: NameParts
    traps: tuple[Word, ...]
    numerals: tuple[Word, ...] = ()


def read(text: str, vocab: Vocabulary) -> Reading:
    """The plain reading of one clean name (see ``name_variants``), with what its twins need."""
    segments = split_segments(text, vocab)
    traps = tuple(word for segment in segments for word in segment
                  if word.folded in NAMED_TRAPS and not word.expanded)
    numerals: tuple[Word, ...] = ()
    if "I" in text and _NUMERAL_WORD.search(text):
        numerals = tuple(word for segment in segments for word in segment
                         if word.text in ROMAN_SYLLABLES and not word.expanded)
    kept = tuple(map(tuple, segments)) if traps or numerals else ()  # the words, for a twin
    return Reading(kept, _parts(segments, vocab, ()), traps, numerals)


Holds = Callable[[Collection[str]], bool]  # whether some unit's proper name has all these words


def _may_hold(reading: Reading, used: str, holds: Holds) -> bool:
    """Whether some unit's name has the type word ``used`` as a name word with the other words of the name,
    but one that no unit has (a typo). Words of a type the plain reading left in the body are no name's words
    ("Phong Niên - UBND xã": ủy ban nhân dân xã after Niên)."""
    syllables = {word.folded for word in reading.plain.body
                 if not word.expanded and word.folded not in LEVEL_WORDS and is_syllable(word.folded)}
    known = {word for word in syllables if holds((word,))}
    return len(syllables) - len(known) <= 1 and holds({used, *known})


def twins(reading: Reading, vocab: Vocabulary, holds: Holds) -> list[NameParts]:
    """The readings where a word that the plain reading takes as a type may be part of the proper name ("Phuong
    Lien", "UBND Tinh Thoi", "Phường Đúc", "trường Lâm"), and where a numeral in capitals is a word ("UBND XA BA
    VI"), each when it differs from the plain one. Only words that some unit has in its name together with the
    name's other words (``holds``) are read so; type words and numerals apart ("UBND XA BA VI" in a province
    with a xã Ba Xa and a xã Ba Vì is no "Xa Ba Vi")."""
    other = _twin(reading, reading.traps, vocab, holds) if reading.traps else None
    if not reading.numerals:
        return [] if other is None else [other]
    found = [other, _twin(reading, reading.numerals, vocab, holds)]
    if other is not None:  # "PHUONG VI - UBND XA": VI is last once Phượng is the name's (Phú Thọ's xã Phượng Vĩ)
        found.append(_parts([list(segment) for segment in reading.segments], vocab,
                            other.named | {word.folded for word in reading.numerals}))
    return list(dict.fromkeys(parts for parts in found if parts is not None and parts != reading.plain))


def _twin(reading: Reading, traps: Sequence[Word], vocab: Vocabulary, holds: Holds) -> NameParts | None:
    """The reading where ``traps`` (type words, or numerals) may be words of the proper name."""
    names = frozenset(word.folded for word in traps if word.text in ROMAN_SYLLABLES or _may_be_named(word, vocab))
    if not names:
        return None
    typed = Counter(word.folded for word in traps)
    kept = Counter(word.folded for word in reading.plain.body if word.folded in names and not word.expanded)
    kept.update(place.level for place in reading.plain.places if place.level in names)  # places stay places
    used = [word for word in names if typed[word] > kept[word]]  # read as a type (or number) by the plain reading
    held = frozenset(word for word in used if _may_hold(reading, word, holds))
    if not held:
        return None
    # only those: "Dai Mach - UBND xa" in Hà Nội, which has a Xa La, is no "UBND Xa Dai Mach"
    other = _parts([list(segment) for segment in reading.segments], vocab, held)
    return None if other == reading.plain else other


def readings(text: str, vocab: Vocabulary, holds: Holds) -> list[NameParts]:
    """The plain reading of one clean name and, where there are, its twins."""
    reading = read(text, vocab)
    return [reading.plain, *twins(reading, vocab, holds)]
