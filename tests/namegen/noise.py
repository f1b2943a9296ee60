"""How clerks mistype a name: accents dropped or placed new-style, raw Telex, capitals, one-letter
typos (neighbouring keys, a letter too many or too few, two letters swapped), notes and spaces."""

from __future__ import annotations

import random
import unicodedata

_QWERTY = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_QWERTY):
    for _c, _key in enumerate(_row):
        near = [_row[i] for i in (_c - 1, _c + 1) if 0 <= i < len(_row)]
        for other in (_r - 1, _r + 1):
            if 0 <= other < len(_QWERTY):
                near += [_QWERTY[other][i] for i in (_c - 1, _c) if 0 <= i < len(_QWERTY[other])]
        _NEIGHBOURS[_key] = "".join(near)

_TELEX_TONES = {"\u0301": "s", "\u0300": "f", "\u0309": "r", "\u0303": "x", "\u0323": "j"}
_TELEX_MARKS = {"\u0302": None, "\u031b": "w", "\u0306": "w"}  # None: the vowel typed twice (â → aa)
NOTES = (" (đã gửi)", " - đã báo cáo", ".", " ✔", " (báo cáo lần 2)", " - ĐÃ GỬI", " (bổ sung)")


def strip_accents(text: str) -> str:
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


_NEW_STYLE = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "ùy": "uỳ", "úy": "uý", "ủy": "uỷ",
              "ũy": "uỹ", "ụy": "uỵ", "òe": "oè", "óe": "oé", "Ủy": "Uỷ"}


def new_style(text: str) -> str:
    """Tone marks on the second vowel of oa/oe/uy, as many keyboards place them."""
    for old, new in _NEW_STYLE.items():
        text = text.replace(old, new)
    return text


def telex(word: str) -> str:
    """A word as typed with the input method switched off: "Phường" → "Phuwowngf"."""
    out, tone = "", ""
    for char in unicodedata.normalize("NFD", word):
        if char in _TELEX_TONES:
            tone = _TELEX_TONES[char]
        elif char in _TELEX_MARKS:
            out += _TELEX_MARKS[char] or out[-1]
        else:
            out += {"đ": "dd", "Đ": "DD"}.get(char, char)
    return out + tone


def _base(char: str) -> str:
    return strip_accents(char).lower()


def typo(word: str, rng: random.Random) -> str:
    """One edit in a word: a neighbouring key, a letter too many or too few, two letters swapped."""
    letters = list(word)
    spots = [i for i, c in enumerate(letters) if c.isalpha() and i > 0]
    if not spots:
        return word
    i = rng.choice(spots)
    op = rng.choice(("substitute", "insert", "delete", "swap"))
    if op == "substitute" and _base(letters[i]) in _NEIGHBOURS:
        letters[i] = rng.choice(_NEIGHBOURS[_base(letters[i])])
    elif op == "insert" and _base(letters[i]) in _NEIGHBOURS:
        letters.insert(i, rng.choice(_NEIGHBOURS[_base(letters[i])] + _base(letters[i])))
    elif op == "delete" and len(spots) > 1:
        del letters[i]
    elif i + 1 < len(letters) and letters[i + 1].isalpha():
        letters[i], letters[i + 1] = letters[i + 1], letters[i]
    else:
        letters[i] = rng.choice(_NEIGHBOURS.get(_base(letters[i]), "a"))
    return "".join(letters)


def toned(text: str) -> str:
    """Lower case with tone marks in the traditional place: what tells "Thạnh Hòa" from "Thanh Hòa"."""
    text = unicodedata.normalize("NFC", text.lower())
    for old, new in _NEW_STYLE.items():
        text = text.replace(new.lower(), old.lower())
    return text


def accents(text: str, rng: random.Random, telex_ok: bool = True) -> tuple[str, str]:
    """The text with its diacritics as typed: kept, dropped, new-style, or one word in raw Telex
    (not when ``telex_ok`` is false: a name that only its marks tell from another's)."""
    roll = rng.random() if telex_ok else rng.random() * 0.93
    if roll < 0.58:
        return text, ""
    if roll < 0.86:
        return strip_accents(text), "no accents"
    if roll < 0.93:
        return new_style(text), "new-style tones"
    words = text.split()
    marked = [i for i, w in enumerate(words) if not w.isascii()]
    if not marked:
        return text, ""
    i = rng.choice(marked)
    letters = words[i].rstrip(",.;:)")  # keystrokes go with the letters, before any punctuation
    words[i] = telex(letters) + words[i][len(letters) :]
    return " ".join(words), "raw telex"


def casing(text: str, rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.14:
        return text.upper(), "capitals"
    if roll < 0.22:
        return text.lower(), "lower case"
    return text, ""


def finish(text: str, rng: random.Random) -> tuple[str, str]:
    """Trailing notes, doubled or stray spaces, a decomposed (NFD) paste."""
    how = []
    if rng.random() < 0.1:
        text += rng.choice(NOTES)
        how.append("note")
    if rng.random() < 0.06:
        text = f"  {text.replace(' ', '  ', 1)} "
        how.append("spaces")
    if rng.random() < 0.03:
        text = unicodedata.normalize("NFD", text)
        how.append("nfd")
    return text, ", ".join(how)
