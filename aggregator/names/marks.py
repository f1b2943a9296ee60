"""What the diacritics a clerk typed say about a name. Pure.

Names are compared without diacritics (clerks often type none), but a mark that was typed is evidence:
"Khánh Hưnh" is one letter from Khánh Hưng and, with á/ạ, three from Thạnh Hưng; "Phước Hậi" has the
letters of Phước Hải, yet its ậ is Phước Hậu's. Only marked letters the clerk typed count: a vowel
typed bare may be haste, so it is never held against a name.
"""

from __future__ import annotations

from rapidfuzz.distance import OSA

from aggregator.names.candidates import MAX_EDITS
from aggregator.names.keys import Key
from aggregator.textnorm import strip_marks


def marked_distance(typed: Key, roster: Key, cutoff: int) -> int:
    """Edits between the proper names' letters, where a letter the clerk typed with a mark must have
    that mark and a letter typed bare matches any (``cutoff + 1`` when further than ``cutoff``).

    Only for names typed with diacritics (``Key.toned``, tone marks already in the traditional place), against
    a roster written with them (the matcher drops typed marks otherwise).
    """
    typed_letters = typed.toned
    if typed_letters == roster.toned:  # the common case on the matcher's paths: nothing to compare
        return 0
    marked = {char for char in typed_letters if not char.isascii()}
    # a roster name without diacritics ("Tam Thanh") has none: its letters as they are
    written = roster.toned or " ".join((*roster.order, *roster.numbers))
    other = "".join(char if char.isascii() or char in marked else strip_marks(char) for char in written)
    return OSA.distance(typed_letters, other, score_cutoff=cutoff)


def apart_by_marks(typed: Key, roster: Key) -> bool:
    """Whether a name ``MAX_EDITS`` letters from the typed one is further apart with the typed marks:
    then it is no rival of a unit one letter away."""
    return bool(typed.toned) and marked_distance(typed, roster, MAX_EDITS) > MAX_EDITS


def contradicted(typed: Key, roster: Key) -> bool:
    """Whether the typed marks contradict a name with the same letters ("Phước Hậi" and Phước Hải)."""
    return bool(typed.toned) and marked_distance(typed, roster, 1) > 0


def one_mark_off(typed: Key, roster: Key) -> bool:
    """Whether a name one letter from the typed one stays one letter away with the typed marks."""
    return bool(typed.toned) and marked_distance(typed, roster, 1) <= 1
