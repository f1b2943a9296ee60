"""The sheet's group column (``Khối``) as evidence: which campaign group a typed hint names. Pure.

Agencies fill the column carelessly ("Xã, phường", "Khối trường học", "UBND xã phường", the group's
code), so it only ever breaks a tie between candidate units of different groups; it never overrides
a unique match. A hint names a group when its words (abbreviations expanded, accents and the filler
words "khối", "các", "và" dropped) are the group's code or all appear in the group's label, and in no
other group's label.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from aggregator.textnorm import fold

_FILLER = frozenset({"khoi", "cac", "va", "nhom", "don", "vi"})


def _words(text: str, expand: Callable[[str], list[str]]) -> frozenset[str]:
    return frozenset(expand(text)) - _FILLER


def group_reader(groups: Mapping[str, str], expand: Callable[[str], list[str]]) -> Callable[[object], str | None]:
    """A function from a typed hint to the one group code it names, or None.

    ``groups`` maps codes to labels; ``expand`` turns text into folded words with abbreviations
    expanded (``abbreviations.read_words`` with the roster's vocabulary).
    """
    codes = {fold(code).replace(" ", ""): code for code in groups}
    labels = {code: _words(label, expand) for code, label in groups.items()}

    def read(hint: object) -> str | None:
        if not isinstance(hint, str) or not hint.strip():
            return None
        if (code := codes.get(fold(hint).replace(" ", ""))) is not None:
            return code
        words = _words(hint, expand)
        named = [code for code, label in labels.items() if words and words <= label]
        return named[0] if len(named) == 1 else None

    return read
