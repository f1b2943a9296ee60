"""Many texts checked at once: joined by line breaks and searched once (a roster's 20,000 names, a sheet's
39,000 distinct typed names), each check's few hits mapped back to their texts; only those texts are then
worked on one by one. Each function gives what its one-text counterpart in textnorm.py gives, text by text."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate

from aggregator.textnorm import CLEAN_CHARS, NOTE_WORD, base_chars, clean_text, strip_notes

# In the joined texts, a character none of the clean ones, nor a space: one character class, which the regex
# engine looks for in C (an alternation is tried at every position: eight times as long)
_NOT_CLEAN_IN_LINES = re.compile(f"[^{CLEAN_CHARS} \n]")
_SPACE_GAPS = {"  ": 0, " \n": 0, "\n ": 1}  # a space too many, and where it stands from the match


class _Joined:
    """Texts joined by line breaks; which texts positions in the joined text fall in."""

    def __init__(self, texts: Sequence[str], text: str) -> None:
        self.texts, self.text = texts, text
        self._starts: list[int] | None = None  # where each text starts: at the first hit (most checks find none)

    def lines(self, positions: Iterable[int]) -> set[int]:
        found = set()
        for position in positions:
            if self._starts is None:
                self._starts = list(accumulate((len(text) + 1 for text in self.texts[:-1]), initial=0))
            found.add(bisect_right(self._starts, position) - 1)
        return found


def _joined(texts: Sequence[str]) -> _Joined | None:
    """The texts joined; None when there are none or a text holds a line break of its own."""
    joined = "\n".join(texts)
    return _Joined(texts, joined) if texts and joined.count("\n") == len(texts) - 1 else None


def _found(text: str, needle: str) -> Iterator[int]:
    """Where ``needle`` starts in ``text``, each place (``str.find``: no regex)."""
    at = text.find(needle)
    while at >= 0:
        yield at
        at = text.find(needle, at + 1)


def lines_matching(pattern: re.Pattern[str], texts: Sequence[str], *, may: re.Pattern[str] | None = None) -> set[int]:
    """The indices of the texts (without newlines) in which ``pattern`` is found, in one search of all.

    ``may``: a quick pattern (one character class) found in every text ``pattern`` is found in; the one search
    is then ``may``'s, and ``pattern`` is searched for only in the texts it points at.

    >>> lines_matching(re.compile(r"[0-9]{3}"), ["Phường 1", "Tổ 123", "Xã An"], may=re.compile(r"[0-9]"))
    {1}
    """
    joined = _joined(texts)
    if joined is None:
        return {i for i, text in enumerate(texts) if pattern.search(text)}
    if may is None:
        return joined.lines(found.start() for found in pattern.finditer(joined.text))
    maybe = joined.lines(found.start() for found in may.finditer(joined.text))
    return {i for i in maybe if pattern.search(texts[i])}


def clean_many(texts: Sequence[str]) -> list[str]:
    """``clean_text`` of many texts, in one pass for those already clean (a roster's names, a sheet's)."""
    joined = _joined(texts)
    if joined is None:
        return [clean_text(text) for text in texts]
    dirty = joined.lines(found.start() for found in _NOT_CLEAN_IN_LINES.finditer(joined.text))
    dirty |= {0, len(texts) - 1}  # their ends are no line break: checked below
    for gap, offset in _SPACE_GAPS.items():
        dirty |= joined.lines(at + offset for at in _found(joined.text, gap))
    return [clean_text(text) if i in dirty or not text else text for i, text in enumerate(texts)]


def strip_notes_many(texts: Sequence[str]) -> list[str]:
    """``strip_notes`` of many clean texts, in one pass for those without a note."""
    joined = _joined(texts)
    if joined is None:
        return [strip_notes(text) for text in texts]
    noted = joined.lines(found.start() for found in NOTE_WORD.finditer(base_chars(joined.text)))
    return [strip_notes(text) if i in noted or not text[-1:].isalnum() else text for i, text in enumerate(texts)]
