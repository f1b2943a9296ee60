"""Text hygiene for the report: what every string goes through before it reaches the .docx. Pure.

Autoescape (in the adapter) makes ``& < >`` and quotes safe; :func:`sanitize` removes what autoescape
cannot fix: XML-illegal control characters and non-NFC text. Also the small helpers that shape agency text
into list items ("Không có" says nothing; a long agency name breaks onto balanced lines).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from itertools import combinations, pairwise
from math import comb
from typing import Any

from aggregator.textnorm import traditional

NAME_WIDTH = 22  # upper-case characters that fit one line of the 6.75 cm letterhead column at 13 pt bold
_MOST_SPLITS = 20_000  # ways to cut a name into lines tried at most (a 6-line name of 20 words: 11,628)

# XML 1.0 forbids C0 controls other than tab/newline/CR, U+FFFE/U+FFFF and lone surrogates;
# zero-width spaces and BOMs are invisible noise pasted from the web.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff\u200b\u2060\ufeff]")
_NON_WORD = re.compile(r"[\W_]+")
BULLET = re.compile(r"^(?:[-–—•*+]+|\d{1,2}[.)]|[a-zđ]\))\s*", re.IGNORECASE)
# "N/A" folds to "n a"; "nan" is a spreadsheet NaN that was turned into text upstream.
_NEGATIONS = {"khong", "ko", "k", "chua", "none", "na", "n", "0", "nothing", "no", "nan", "null"}
_EMPTY_WORDS = _NEGATIONS | {
    "co", "gi", "kho", "khan", "vuong", "mac", "de", "xuat", "kien", "nghi", "y", "va", "a", "don", "vi",
    "them",
}


# Text hygiene ---------------------------------------------------------------------------------
def clean_text(text: str) -> str:
    """NFC, no XML-illegal or zero-width characters, newlines as ``\\n``, tone marks in the traditional
    place an official letter uses throughout ("Phú Hoà" from a roster or campaign file → "Phú Hòa")."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _UNWANTED.search(text):
        text = _UNWANTED.sub("", text)
    text = text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    return traditional(text)


def sanitize(value: Any) -> Any:
    """Apply :func:`clean_text` to every string in a JSON-like structure (other objects pass through)."""
    if type(value) is str:  # the common case first: this walks every cell of the appendix
        return clean_text(value)
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {k: sanitize(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [sanitize(v) for v in value]
    return value


def squash(text: str) -> str:
    """One line of agency text: cleaned, whitespace runs (tabs, newlines) collapsed to one space."""
    return " ".join(clean_text(text).split())


def _bare(char: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))


# Latin letters with diacritics (Vietnamese included) → base letters, for str.translate.
_BARE = {code: _bare(chr(code)) for code in (*range(0xC0, 0x250), *range(0x1E00, 0x1F00)) if _bare(chr(code))}
_BARE |= {ord("đ"): "d", ord("Đ"): "d"}


def fold(text: str) -> str:
    """Key ignoring case, diacritics, punctuation and spacing: ``fold("Không có!")`` → "khong co"."""
    bare = unicodedata.normalize("NFC", text).lower().translate(_BARE)
    if not bare.isascii():  # marks on letters outside the table, or stray combining marks
        bare = "".join(c for c in unicodedata.normalize("NFD", bare) if not unicodedata.combining(c))
    return " ".join(_NON_WORD.sub(" ", bare).split())


def is_empty_answer(text: str) -> bool:
    """"Không", "không có khó khăn", "-", "0" … say nothing and are left out of section IV."""
    words = fold(text).split()
    return not words or (set(words) <= _EMPTY_WORDS and bool(set(words) & _NEGATIONS))


def break_name(name: str, width: float = NAME_WIDTH, measure: Callable[[str], float] = len) -> str:
    """A long agency name on as few balanced lines as fit the letterhead's column (``width``, in ``measure``'s
    unit: characters, or the renderer's measured width), preferring to break before "VÀ" and after a comma;
    a name that fits stays on one line."""
    words = name.split()
    if measure(name) <= width or len(words) < 2:
        return name
    for lines in range(2, len(words) + 1):
        if comb(len(words) - 1, lines - 1) > _MOST_SPLITS:  # a name far longer than any body's: as Word wraps it
            return "\n".join(wrapped(words, lambda line: measure(line) <= width))
        cuts = [(cut, _longest(words, cut, measure)) for cut in combinations(range(1, len(words)), lines - 1)]
        if fitting := [(cut, longest) for cut, longest in cuts if longest <= width]:
            best, _ = min(fitting, key=lambda found: (-_preferred(words, found[0]), found[1]))
            return "\n".join(_joined(words, best))
    return "\n".join(words)  # a word longer than the column: one word a line, Word wraps the rest


def wrapped(words: Sequence[str], fits: Callable[[str], bool]) -> list[str]:
    """``words`` filled into lines as a word processor fills them: a word goes on the line while the line
    still ``fits``, else it starts the next one (a word that fits no line has one of its own)."""
    lines: list[str] = []
    for word in words:
        if lines and fits(joined := f"{lines[-1]} {word}"):
            lines[-1] = joined
        else:
            lines.append(word)
    return lines


def _joined(words: Sequence[str], cut: Sequence[int]) -> list[str]:
    bounds = [0, *cut, len(words)]
    return [" ".join(words[a:b]) for a, b in pairwise(bounds)]


def _longest(words: Sequence[str], cut: Sequence[int], measure: Callable[[str], float]) -> float:
    return max(measure(line) for line in _joined(words, cut))


def _preferred(words: Sequence[str], cut: Sequence[int]) -> int:
    """How many of the breaks fall before "VÀ" or after a comma, where a reader expects them."""
    return sum(words[i] == "VÀ" or words[i - 1].endswith(",") for i in cut)


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def ends(items: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each list item its closing mark: ";" for all but the last, "." for the last (NĐ 30)."""
    return [{**item, "end": "." if i == len(items) - 1 else ";"} for i, item in enumerate(items)]


