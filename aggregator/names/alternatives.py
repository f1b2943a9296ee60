"""Other readings of a typed name that its plain reading did not match. Pure.

A trailing segment may be a place typed without its level ("Long Đức - Cầu Kè"), a bracket a bare place
("UBND xã X (Cầu Kè)"), and the last segment the person who reported ("Phòng Y tế - Nguyễn Thị Mai"):
``matching`` judges these readings only when the plain one names no unit.
"""

from __future__ import annotations

from collections.abc import Collection

from aggregator.names.abbreviations import places_in, read_folded
from aggregator.names.candidates import NameIndex
from aggregator.names.contacts import split_signature
from aggregator.names.keys import Key, key_of
from aggregator.names.localities import Place
from aggregator.names.reading import last_segment, readings, segments
from aggregator.names.typed import Typed
from aggregator.names.vocabulary import Vocabulary
from aggregator.textnorm import is_syllable

_BARE_PLACE_WORDS = 4  # a trailing segment this short without a level word may be a bare place


def _bare_place(text: str, vocab: Vocabulary) -> Place | None:
    """A short segment without a level word that may name a place: "Cầu Kè", not "UBND", not "1"."""
    words = read_folded(text, vocab)
    if not 0 < len(words) <= _BARE_PLACE_WORDS or not all(map(is_syllable, words)) or places_in(text, vocab):
        return None
    return Place(None, tuple(words))


def other_readings(typed: Typed, vocab: Vocabulary, index: NameIndex) -> list[list[Key]]:
    """Other ways to read a name the plain reading did not match, each with its equally likely twin."""
    in_brackets, others = typed.in_brackets, []
    if len(typed.variants) > 1 and (place := _bare_place(typed.variants[1], vocab)):  # "UBND xã X (Cầu Kè)"
        others.append([key_of(p._replace(places=(*p.places, place))) for p in typed.parts(vocab, index.together)])
    text = typed.variants[0]
    bare: tuple[Place, ...] = ()
    while len(bare) < 2 and (split := last_segment(text)) and (place := _bare_place(split[1], vocab)):
        text, bare = split[0], (place, *bare)  # "Long Đức - Cầu Kè", "Long Đức - Cầu Kè - Trà Vinh"
        parts = readings(text, vocab, index.together)
        others.append([key_of(p._replace(places=(*p.places, *bare, *in_brackets))) for p in parts])
    return others


def unsigned(typed: Typed, vocab: Vocabulary, place_names: Collection[tuple[str, ...]]) -> str | None:
    """The name without the person who signed it (contacts.py: "Phòng Y tế - Nguyễn Thị Mai"), its bracket kept;
    None when it ends with no person, or with a segment naming a place the roster knows (``place_names``)."""
    if (found := split_signature(typed.variants[0])) is None:
        return None
    cut, segment = found
    return None if names_a_known_place(segment, vocab, place_names) else cut + (
        f" ({typed.variants[1]})" if len(typed.variants) > 1 else "")


def names_a_known_place(segment: str, vocab: Vocabulary, place_names: Collection[tuple[str, ...]]) -> bool:
    """Whether a segment of a typed text names a place the roster knows (then it is no person's name)."""
    return any(tuple(read_folded(part, vocab)) in place_names for part in segments(segment))
