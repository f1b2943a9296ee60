"""Which roster names the stated type, numbers, committee and places leave possible, for many at
once. Pure, no I/O.

A common proper name ("An Phú") is shared by dozens of units of a large roster: communes, wards and
schools in many districts. Most of them are ruled out by what the typed name states ("UBND xã",
"Phường 4", ", H. Cầu Kè"), so they are screened out with array lookups before anything is judged
one by one. The rules are those of ``judging`` (``type_fit``, numbers never fuzzy, ``conflicts``).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from aggregator.names.judging import Fit, type_fit
from aggregator.names.keys import Key, own_rank
from aggregator.names.localities import Chain, KnownPlaces, conflicts

Head = tuple[str, ...] | None
K = TypeVar("K", bound=Hashable)


def _ids(values: Sequence[K]) -> tuple[dict[K, int], np.ndarray]:
    table: dict[K, int] = {}
    return table, np.asarray([table.setdefault(value, len(table)) for value in values], dtype=np.int32)


@dataclass(frozen=True)
class Screen:
    heads: dict[Head, int]  # unit type → id
    head_of: np.ndarray  # per key
    numbers: dict[tuple[str, ...], int]
    numbers_of: np.ndarray
    qualifiers: dict[tuple[str, ...], int]
    qualifier_of: np.ndarray
    # what a typed place is checked against, per key (an index of ``wheres``): its unit's chain, the rank of the
    # place the unit is (None for other bodies) and whether its name is numbered (``localities.conflicts``)
    wheres: tuple[tuple[Chain, str | None, bool], ...]
    where_of: np.ndarray
    known: KnownPlaces | None = None  # every place the roster knows (``localities.known_places``)
    type_tables: dict[Head, np.ndarray] = field(default_factory=dict)  # typed type → allowed per head id

    def _types(self, typed: Head) -> np.ndarray:
        if (table := self.type_tables.get(typed)) is None:
            table = np.asarray([type_fit(typed, head) != Fit.WRONG for head in self.heads], dtype=bool)
            self.type_tables[typed] = table
        return table

    def admitted(self, typed: Key, keys: np.ndarray) -> np.ndarray:
        """A mask over ``keys``: the units the typed name's type, numbers, committee and places allow."""
        allowed: np.ndarray = self._types(typed.head)[self.head_of[keys]]
        if typed.numbers:
            allowed &= self.numbers_of[keys] == self.numbers.get(typed.numbers, -1)
        if typed.qualifier:
            allowed &= self.qualifier_of[keys] == self.qualifiers.get(typed.qualifier, -1)
        if typed.places and allowed.any():
            wheres = self.where_of[keys]
            elsewhere = [where for where in np.unique(wheres[allowed]).tolist() if self._elsewhere(typed, where)]
            allowed &= ~np.isin(wheres, elsewhere)
        return allowed

    def _elsewhere(self, typed: Key, where: int) -> bool:
        chain, own, numbered = self.wheres[where]
        return conflicts(typed.places, chain, self.known, own, numbered)


def build_screen(keys: Sequence[Key], key_chains: Sequence[Chain], known: KnownPlaces | None = None) -> Screen:
    """The screen for roster keys, each with the chain of the unit it names."""
    heads, head_of = _ids([key.head for key in keys])
    numbers, numbers_of = _ids([key.numbers for key in keys])
    qualifiers, qualifier_of = _ids([key.qualifier for key in keys])
    wheres, where_of = _ids([(chain, own_rank(key.head), bool(key.numbers))
                             for key, chain in zip(keys, key_chains, strict=True)])
    return Screen(heads, head_of, numbers, numbers_of, qualifiers, qualifier_of, tuple(wheres), where_of, known)
