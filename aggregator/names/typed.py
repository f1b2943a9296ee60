"""Names as typed, each read once: per distinct text, and per text that reads the same. Pure, no I/O.

A sheet repeats names: an agency types its name the same way, or in capitals, cycle after cycle, and
most typed names are roster names as written. A ``Reader`` keeps each name's reading by its text as
typed and by its clean text in lower case (capitals change a reading only for letters that stand for
something in this roster, "TU", or a Roman numeral that is a syllable, "VI"), and is filled with the
roster's names as they are read to build the matcher.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, MutableMapping
from enum import Enum
from typing import Literal, TypeVar

from aggregator.many_texts import lines_matching
from aggregator.names.abbreviations import places_in
from aggregator.names.judging import Decision
from aggregator.names.keys import Key, key_of
from aggregator.names.localities import Place
from aggregator.names.reading import (
    ROMAN_SYLLABLES,
    Holds,
    NameParts,
    Reading,
    many_name_variants,
    name_variants,
    read,
    twins,
)
from aggregator.names.vocabulary import Vocabulary, compact

K = TypeVar("K", bound=Hashable)


class _Unread(Enum):
    """A cache's answer for a text not read yet (None is a text read that holds no name)."""

    UNREAD = 0


_UNREAD: Literal[_Unread.UNREAD] = _Unread.UNREAD


def _capitals_that_matter(vocab: Vocabulary) -> re.Pattern[str]:
    """Capitals standing alone among letters that read otherwise in lower case: "TU" in "Ban TC TU" when
    TU stands for something in this roster, a Roman numeral that is also a syllable ("VI")."""
    words = {*vocab.case_keys, *map(str.lower, ROMAN_SYLLABLES)}
    letters = [re.escape(word.upper()) for word in sorted(words, key=len, reverse=True)]
    # Each word first, then the letter before it (not a letter): a pattern that starts with words is looked for
    # from their first letters only (in C), four times as fast over a sheet's names as a look-behind first.
    return re.compile("(?:" + "|".join(rf"{word}(?<![^\W\d_]{word})" for word in letters) + r")(?![^\W\d_])")


class Typed:
    """One typed name: the name and a trailing bracket's content, the places in that bracket, its reading
    (made again when needed after it was let go), and once made, its decision."""

    __slots__ = ("decision", "in_brackets", "own", "reading", "traps", "variants")

    def __init__(self, variants: tuple[str, ...], reading: Reading, in_brackets: tuple[Place, ...]) -> None:
        self.variants = variants
        self.reading: Reading | None = reading
        self.traps = bool(reading.traps or reading.numerals)  # a type word or numeral may be a name's: a twin
        self.in_brackets = in_brackets
        self.own: Key | None = None  # the roster's key of this very text, when it is a roster name
        self.decision: Decision | None = None  # ``matching``'s decision for it, once made

    def current(self, vocab: Vocabulary) -> Reading:
        """The reading, made again when it was let go."""
        return self.reading or read(self.variants[0], vocab)

    def parts(self, vocab: Vocabulary, holds: Holds) -> list[NameParts]:
        """The plain reading and, when a type word or a numeral may be part of the proper name, its twins."""
        reading = self.current(vocab)
        return [reading.plain, *twins(reading, vocab, holds)]

    def keys(self, vocab: Vocabulary, holds: Holds) -> list[Key]:
        places = self.in_brackets
        if self.own is not None and not places and not self.traps:
            return [self.own]  # a roster name typed as written, with no type word that may be a name's
        return [self.own if self.own is not None and not places and index == 0 else
                key_of(parts._replace(places=parts.places + places))
                for index, parts in enumerate(self.parts(vocab, holds))]

    def settle(self, decision: Decision) -> None:
        """Keep the decision; the reading is no longer needed (a sheet holds many names)."""
        self.decision = decision
        self.reading = None


class Reader:
    """Typed names → their readings, each distinct text read once (see the module's docstring)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self._capitals = _capitals_that_matter(vocab)
        self._by_text: dict[str, Typed | None] = {}
        self._by_clean: dict[tuple[str, ...], Typed | None] = {}
        # Texts about to be read (``prepare``): their variants and the key of their clean text.
        self._prepared: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}

    def prepare(self, texts: Iterable[str]) -> None:
        """Clean many texts about to be read at once (most are clean, hold no note, and read the same in
        lower case): one pass over all of them for each check."""
        fresh = [text for text in dict.fromkeys(texts) if text not in self._by_text]
        variants = [tuple(found) for found in many_name_variants(fresh)]
        cased = lines_matching(self._capitals, [" ".join(found) for found in variants])
        self._prepared.update((text, (found, found if i in cased else tuple(v.lower() for v in found)))
                              for i, (text, found) in enumerate(zip(fresh, variants, strict=True)))

    def typed(self, text: str) -> Typed | None:
        """The reading of a typed name; None when it holds no name at all."""
        if (seen := self._by_text.get(text, _UNREAD)) is not _UNREAD:
            return seen
        if (prepared := self._prepared.pop(text, None)) is not None:
            variants, key = prepared
        else:
            variants = tuple(name_variants(text))
            key = self._clean_key(variants)
        if (found := self._by_clean.get(key, _UNREAD)) is _UNREAD:
            found = self._read(variants)
            self._by_clean[key] = found
        self._by_text[text] = found
        return found

    def _read(self, variants: tuple[str, ...]) -> Typed | None:
        if not variants or not any(char.isalnum() for char in variants[0]):
            return None
        bracket = places_in(variants[1], self.vocab) if len(variants) > 1 else None
        return Typed(variants, read(variants[0], self.vocab), bracket or ())

    def _clean_key(self, variants: tuple[str, ...]) -> tuple[str, ...]:
        """The clean name in lower case, unless capitals change its reading ("TU", "VI")."""
        if any(self._capitals.search(variant) for variant in variants):
            return variants
        return tuple(variant.lower() for variant in variants)

    def slim(self) -> None:
        """Let go of the readings of roster names whose key is kept: read again only if ever needed."""
        for typed in self._by_text.values():
            if typed is not None and typed.own is not None and not typed.traps:
                typed.reading = None

    def rebind(self, vocab: Vocabulary, new_keys: Iterable[str]) -> None:
        """Use the vocabulary the roster completed: forget the readings of names holding one of the
        abbreviations it added ("TPST"), read before they were known."""
        self.vocab = vocab
        self._capitals = _capitals_that_matter(vocab)
        added = frozenset(new_keys)
        if not added:
            return
        _forget(self._by_text, added)
        _forget(self._by_clean, added)


def _forget(cache: MutableMapping[K, Typed | None], added: frozenset[str]) -> None:
    """Drop the readings of names holding one of the ``added`` abbreviations."""
    words = {typed: " ".join(typed.variants).split() for typed in cache.values() if typed is not None}
    # each distinct word compacted once (a roster of 20,000 names has a few thousand), names then looked up in C
    holding = {word for word in set().union(*words.values()) if compact(word) in added}
    if not holding:
        return
    stale = [key for key, typed in cache.items() if typed is not None and not holding.isdisjoint(words[typed])]
    for key in stale:
        del cache[key]
