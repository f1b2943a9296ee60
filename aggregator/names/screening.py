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
    chains: tuple[Chain, ...]  # distinct chains by id
    chain_of: np.ndarray  # per key: the id of its unit's chain
    rank_of: np.ndarray  # per key: its unit's own rank (an index of ``ranks``)
    ranks: tuple[str | None, ...]  # ranks by id
    known: KnownPlaces | None = None  # every place the roster knows (``localities.known_places``)
    unnumbered: int = -1  # the id of "no numbers" in ``numbers``
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
            # a unit's chain, its own rank (what it is a place of) and whether its name is numbered decide
            ranks = len(self.ranks)
            units = (self.chain_of[keys] * ranks + self.rank_of[keys]) * 2 + (self.numbers_of[keys] != self.unnumbered)
            elsewhere = [unit for unit in np.unique(units[allowed]).tolist()
                         if conflicts(typed.places, self.chains[unit // 2 // ranks], self.known,
                                      self.ranks[unit // 2 % ranks], bool(unit % 2))]
            allowed &= ~np.isin(units, elsewhere)
        return allowed


def build_screen(keys: Sequence[Key], key_chains: Sequence[Chain], known: KnownPlaces | None = None) -> Screen:
    """The screen for roster keys, each with the chain of the unit it names."""
    heads, head_of = _ids([key.head for key in keys])
    numbers, numbers_of = _ids([key.numbers for key in keys])
    qualifiers, qualifier_of = _ids([key.qualifier for key in keys])
    chains, chain_of = _ids(list(key_chains))
    ranks, rank_of = _ids([own_rank(key.head) for key in keys])
    return Screen(heads, head_of, numbers, numbers_of, qualifiers, qualifier_of, tuple(chains), chain_of, rank_of,
                  tuple(ranks), known, numbers.get((), -1))
