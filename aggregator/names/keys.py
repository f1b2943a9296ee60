"""A name as the matcher compares it: type, distinctive words, numbers, whose unit, where. Pure."""

from __future__ import annotations

from typing import NamedTuple

from aggregator.names.heads import bare
from aggregator.names.localities import Place, level_rank
from aggregator.names.reading import NameParts
from aggregator.textnorm import tone_key, traditional


class Key(NamedTuple):
    """One name as compared: type, sorted distinctive words, numbers, diacritics of the words.
    (A tuple: millions are made and hashed.)"""

    head: tuple[str, ...] | None
    words: tuple[str, ...]  # sorted: similarity ignores word order
    order: tuple[str, ...]  # as written: "Hạ An" and "An Hạ" are two places
    numbers: tuple[str, ...]
    qualifier: tuple[str, ...]  # whose unit: ("thanh", "uy")
    places: tuple[Place, ...]  # typed place qualifiers (a roster name's places go to its unit's chain)
    tones: frozenset[tuple[str, str]]  # (folded, tone key) of every word
    marked: frozenset[tuple[str, str]]  # the same for words typed with diacritics
    initials: str
    text: str  # the sorted words, for similarity
    spelled: str  # the proper name's letters in typed order and its numbers, for counting typos
    # (folded, tone key) the unit's name must have: a type word read as part of the proper name, typed
    # with diacritics ("phường Đông" read as a name "Phường Đông" is no "Phương Đông")
    required: frozenset[tuple[str, str]] = frozenset()
    # the proper name's words in lower case with their diacritics, and its numbers, when typed with
    # diacritics throughout ("" otherwise): counts typos where the diacritics tell names apart
    toned: str = ""

    @property
    def exact(self) -> tuple[object, ...]:
        return (self.head, self.order, self.numbers, self.qualifier)

    @property
    def proper(self) -> tuple[object, ...]:
        """The proper name, whatever type is stated: "Long Đức", "Phường 4" → ((), ("4",))."""
        return (self.order, self.numbers)


def key_of(parts: NameParts, keep_places: bool = True) -> Key:
    body = parts.body
    order = tuple(word.folded for word in body)
    tuples = [(word.folded, tone_key(word.toned)) for word in body]
    pairs = frozenset(tuples)
    # Typed with diacritics, a word without any is typed with the level tone: "Thanh Hòa" is not "Thạnh Hòa".
    # Raw Telex ("Tan Thanhj") marks its own words only: the others were typed without an input method.
    with_marks = not "".join(word.text for word in body).isascii()
    if with_marks:
        marked = pairs
    else:
        marked = frozenset(pair for pair, word in zip(tuples, body, strict=True) if not word.toned.isascii())
    words = tuple(sorted(order))
    required = frozenset(pair for pair, word in zip(tuples, body, strict=True) if word.folded in parts.named
                         and not bare(word)) if parts.named else frozenset()
    # tone marks in the traditional place ("hoà" → "hòa"), so keys of "Phú Hoà" and "Phú Hòa" stay equal
    toned = traditional(" ".join([word.toned for word in body] + list(parts.numbers))) if with_marks else ""
    return Key(parts.head, words, order, parts.numbers, parts.qualifier, parts.places if keep_places else (), pairs,
               marked, "".join(word[:1] for word in order), " ".join(words), " ".join(order + parts.numbers), required,
               toned)


def is_place(head: tuple[str, ...] | None) -> bool:
    """Whether a unit type is an administrative unit's People's Committee ("UBND xã", "UBND huyện"):
    such a unit *is* its place, so its bare proper name names it."""
    return head is not None and len(head) == 2 and head[0] == "ubnd"


def self_place(key: Key) -> Place | None:
    """The place an administrative unit is: "UBND huyện Cầu Kè" is huyện Cầu Kè."""
    if not is_place(key.head) or not (key.order or key.numbers):
        return None
    assert key.head is not None
    return Place(key.head[1], key.order + key.numbers)


def own_rank(head: tuple[str, ...] | None) -> str | None:
    """The rank of the place a unit is ("district" for "UBND huyện …"), None for a body that is no place."""
    return level_rank(head[1]) if is_place(head) and head is not None else None
