"""How clerks disturb a name: accents, tone placement, raw Telex, one-letter typos, case, spaces.

Also the keys used to decide, as a careful reader would, which names are the same.
"""

from __future__ import annotations

import random
import unicodedata

from rapidfuzz.distance import OSA

_TONES = {"\u0300": "f", "\u0301": "s", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_TELEX_LETTERS = {"â": "aa", "ă": "aw", "ê": "ee", "ô": "oo", "ơ": "ow", "ư": "uw", "đ": "dd"}

# Neighbouring keys on a QWERTY keyboard, for substitutions a finger slip makes.
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_ROWS):
    for _c, _ch in enumerate(_row):
        near = [_row[i] for i in (_c - 1, _c + 1) if 0 <= i < len(_row)]
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_ROWS):
                near += [_ROWS[_other][i] for i in (_c - 1, _c, _c + 1) if 0 <= i < len(_ROWS[_other])]
        _NEIGHBOURS[_ch] = "".join(near)


def strip_accents(text: str) -> str:
    """'Đồng Tháp' → 'Dong Thap'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


def fold(text: str) -> str:
    """Case, accents and spacing folded: the key of a clerk who ignores accents."""
    return " ".join(strip_accents(text).lower().split())


def tone_key(text: str) -> str:
    """Case and tone placement folded, letters and tones kept: 'Hoà' and 'Hòa' agree, 'Thành' and 'Thạnh' do not."""
    words = []
    for word in unicodedata.normalize("NFD", text.lower()).split():
        tones = "".join(_TONES.get(ch, "") for ch in word)
        letters = "".join(ch for ch in word if ch not in _TONES)
        words.append(unicodedata.normalize("NFC", letters) + tones)
    return " ".join(words)


def distance(a: str, b: str) -> int:
    """Edits (insertion, deletion, substitution, transposition) between the folded forms."""
    return OSA.distance(fold(a), fold(b))


def new_style_tones(text: str) -> str:
    """Move the tone of a word-final oa, oe, uy to the second vowel, as newer keyboards do: Hòa → Hoà, Thủy → Thuỷ."""
    return " ".join(_new_style_word(word) for word in text.split(" "))


def _new_style_word(word: str) -> str:
    if len(word) < 2 or fold(word[-2:]) not in ("oa", "oe", "uy") or fold(word[-3:-2]) == "q":
        return word
    first = unicodedata.normalize("NFD", word[-2])
    tone = "".join(ch for ch in first if ch in _TONES)
    if not tone:
        return word
    bare = unicodedata.normalize("NFC", "".join(ch for ch in first if ch not in _TONES))
    return word[:-2] + bare + unicodedata.normalize("NFC", word[-1] + tone)


def raw_telex(word: str) -> str:
    """What an unset keyboard leaves of a word: 'Phước' → 'Phuowcs', 'Vĩnh' → 'Vinhx'."""
    decomposed = unicodedata.normalize("NFD", word)
    tone = "".join(_TONES[ch] for ch in decomposed if ch in _TONES)
    plain = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONES))
    plain = plain.replace("ươ", "uow").replace("ƯƠ", "UOW").replace("Ươ", "Uow")
    out = "".join(_TELEX_LETTERS.get(ch.lower(), ch) if ch.lower() in _TELEX_LETTERS else ch for ch in plain)
    if plain[:1].isupper() and out[:1].islower():
        out = out[:1].upper() + out[1:]
    return out + tone


def typo(word: str, rng: random.Random, kind: str) -> str:
    """One edit in a word, never in its first letter: a neighbouring key, a doubled or lost letter, a swap."""
    letters = [i for i, ch in enumerate(word) if ch.isalpha() and i > 0]
    if not letters:
        return word
    i = rng.choice(letters)
    plain = strip_accents(word[i]).lower()
    if kind == "substitute":
        near = _NEIGHBOURS.get(plain, "")
        return word[:i] + (rng.choice(near) if near else "x") + word[i + 1:] if near else word
    if kind == "insert":
        extra = rng.choice([plain, *_NEIGHBOURS.get(plain, plain)])
        return word[:i] + extra + word[i:]
    if kind == "delete":
        return word[:i] + word[i + 1:]
    if i + 1 < len(word) and word[i + 1].isalpha() and fold(word[i]) != fold(word[i + 1]):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i - 1] + word[i] + word[i - 1] + word[i + 1:] if fold(word[i - 1]) != fold(word[i]) else word
