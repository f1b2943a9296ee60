"""The words that shape a name (unit types, place levels, markers) and when a typed word is one. Pure.

A clerk's "Phương", "Phượng", "Hợi", "Dơi", "Tịnh", "Bảo", "Xá" or "Phong" is a proper name, not
phường, hội, đội, tỉnh, báo, xã or phòng: a typed word is read as such a word only when its diacritics
agree with it, whenever it was typed with any (``agrees``). A word typed without diacritics may be
either. A type word may also open or close a proper name ("Phương Liên", "Vĩnh Phương", "Trường
Long", "Phường Đúc": the ``TRAPS``); a reading may take such words as part of the name (``names``).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import NamedTuple

from aggregator.names.vocabulary import Word
from aggregator.textnorm import strip_marks, tone_key

Head = tuple[str, ...] | None

ADMIN_LEVELS = ("phường", "xã", "thị trấn", "huyện", "thị xã", "thành phố", "quận", "tỉnh")
SCHOOL_LEVELS = {
    "tiểu học": "th", "trung học cơ sở": "thcs", "trung học phổ thông": "thpt", "mầm non": "mn",
    "mẫu giáo": "mg", "nhà trẻ": "nt", "đại học": "dh", "cao đẳng": "cd", "trung cấp": "tc",
}  # fmt: skip
_PLAIN_HEADS = (
    "phòng", "sở", "ban", "hội", "trung tâm", "văn phòng", "đội", "ủy ban", "liên đoàn", "công an",
    "thanh tra", "báo", "bảo hiểm", "đài", "thành đoàn", "tỉnh đoàn", "huyện đoàn", "chi cục", "cục",
    "bệnh viện", "công ty", "chi nhánh", "viễn thông", "học viện", "viện", "công đoàn",
)  # fmt: skip
# Words that open a name without being its unit type ("Thành ủy - Ban Dân vận", "Quản lý …").
_NOT_HEADS = ("thành ủy", "tỉnh ủy", "huyện ủy", "quận ủy", "thị ủy", "đảng ủy", "quản lý")
# Place levels word by word, as ``localities`` reads them ("t" is "T." for tỉnh in addresses).
_LEVEL_TONED = {strip_marks(word): word for level in ADMIN_LEVELS for word in level.split()}
LEVEL_WORDS = frozenset({*_LEVEL_TONED, "t"})


class Phrase(NamedTuple):
    head: Head  # the unit type it states; None for words that open a name without being its type
    toned: tuple[str, ...]  # its words as written, diacritics kept


@lru_cache(maxsize=1 << 10)
def folded_phrase(text: str) -> tuple[str, ...]:
    return tuple(strip_marks(word) for word in text.split())


def _head_table() -> dict[tuple[str, ...], Phrase]:
    table: dict[tuple[str, ...], Phrase] = {}

    def add(text: str, head: Head) -> None:
        table[folded_phrase(text)] = Phrase(head, tuple(text.split()))

    for plain in _PLAIN_HEADS:
        add(plain, (" ".join(folded_phrase(plain)),))
    add("trường", ("truong",))
    for level, code in SCHOOL_LEVELS.items():
        add(level, ("truong", code))
        add(f"trường {level}", ("truong", code))
    add("ủy ban nhân dân", ("ubnd",))
    for level in ADMIN_LEVELS:  # "UBND phường X", "UB phường X" and "Phường X" are one unit
        for prefix in ("ủy ban nhân dân ", "ủy ban ", ""):
            add(prefix + level, ("ubnd", " ".join(folded_phrase(level))))
    add("mặt trận tổ quốc", ("mttq",))
    add("ủy ban mặt trận tổ quốc", ("mttq",))
    for phrase in _NOT_HEADS:
        add(phrase, None)
    return table


HEADS = _head_table()
_LONGEST = {first: max(len(p) for p in HEADS if p[0] == first) for first in {phrase[0] for phrase in HEADS}}
# A type word that is a whole type by itself, or ends one, may be a proper name's first or last word; so may
# "đoàn" of a place's Youth Union: typed without marks, "Huyen Doan Hung" is huyện Đoan Hùng or Huyện đoàn Hùng.
TRAPS = frozenset(phrase[-1] for phrase, entry in HEADS.items() if len(phrase) == 1 or (entry.head and
                  entry.head[0] == "ubnd" and len(entry.head) == 2 and len(entry.head[1].split()) == 1)) | {"doan"}


@lru_cache(maxsize=1 << 12)
def _agreement(toned: str, expected: str) -> bool | None:
    if strip_marks(toned) == toned:
        return None  # typed without diacritics: it may be the word or not
    return toned == expected or tone_key(toned) == tone_key(expected)


def agrees(word: Word, expected: str) -> bool | None:
    """True when ``word`` was typed with the diacritics of ``expected`` ("hoà" for "hòa"), False when with
    others ("Phương" for "phường"), None when without any ("Phuong")."""
    return _agreement(word.toned, expected)


def bare(word: Word) -> bool:
    """Typed without any diacritic ("Phuong", "xa"): it may be a type word or not."""
    return _agreement(word.toned, word.folded) is None


def fits(words: Sequence[Word], toned: Sequence[str], names: Collection[str] = ()) -> bool:
    """Whether typed words may be the toned phrase: no word typed with other diacritics, and no type
    word at either end that the reading takes as part of the proper name (``names``)."""
    for word, expected in zip(words, toned, strict=True):
        if word.toned != expected and agrees(word, expected) is False:
            return False
    return not names or not (words[0].folded in names or words[-1].folded in names)


def phrase_at(words: Sequence[Word], start: int = 0, names: Collection[str] = ()) -> tuple[Head, int]:
    """The longest known phrase ``words[start:]`` opens with: its unit type (None for "Thành ủy"…) and size."""
    longest = _LONGEST.get(words[start].folded, 0) if start < len(words) else 0
    if not longest:
        return None, 0
    folded = tuple(word.folded for word in words[start : start + longest])
    for size in range(len(folded), 0, -1):
        entry = HEADS.get(folded[:size])
        if entry is not None and fits(words[start : start + size], entry.toned, names):
            return entry.head, size
    return None, 0


def level_keys(words: Sequence[Word], names: Collection[str] = ()) -> list[str]:
    """The words as ``localities`` reads place levels: a word typed with other diacritics than a level
    word's ("Tịnh" is no tỉnh, "Thạnh" no thành), or taken as a name, is blanked: never a level."""
    keys = []
    for word in words:
        expected = _LEVEL_TONED.get(word.folded)
        blocked = expected is not None and (agrees(word, expected) is False or word.folded in names)
        keys.append("" if blocked else word.folded)
    return keys
