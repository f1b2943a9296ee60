"""A cycle's questions for the office: names and values as items, pins as data made into items on demand.

A sheet of 100,000 rows from 20,000 units that each sent several different rows asks about 100,000 pin
questions ("use this row?"), and the decisions tab shows at most a few hundred new lines a cycle. Making
every one of them a ``ReviewItem``, sorting them and walking them again cost about a tenth of such a
cycle; ``Questions`` keeps the pins as one entry per unit and makes an item only for a pin that is
shown, looked up, or walked over.

Order, for ``iter``: the open questions by sheet row (a name before a pin before a value on one row),
then the questions asked before that the worker would no longer ask, as ``review.review_items`` lists
them.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Collection, Container, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import numpy as np

from aggregator.models import Candidate, ItemKind

_USED, _SUPERSEDED = "used", "superseded"
_PIN_ID = ItemKind.PIN + "-"  # a pin's id: this, then its fingerprint (``item_id``)


class ReviewItem(NamedTuple):
    """One question for the office: a row (or a cell) that needs, or had, a decision. (A tuple: a large
    sheet asks about 100,000 rows of units with several rows, and a tuple is made four times as fast.)"""

    kind: ItemKind
    fingerprint: str
    column: str | None  # VALUE: the column's key
    rows: tuple[int, ...]  # where that content stands now (empty: edited or deleted)
    typed_name: str = ""
    header: str = ""  # VALUE: the column's header
    typed_value: str = ""  # VALUE: the problem cell as typed
    unit_id: str | None = None  # PIN: the unit whose rows these are
    reason: str = ""  # why it needs a decision (Vietnamese), empty when it no longer does
    candidates: tuple[Candidate, ...] = ()
    open: bool = True  # the worker still cannot settle it by itself


def item_id(kind: ItemKind, fingerprint: str, column: str | None = None) -> str:
    """A question's id on the decisions tab (decisions/items.py reads it back)."""
    return f"{kind.value}-{fingerprint}" + (f"-{column}" if kind is ItemKind.VALUE and column else "")


@dataclass(frozen=True)
class PinGroup:
    """The different contents of one unit's rows: the one that counts first."""

    unit_id: str
    winner: str  # fingerprints
    others: tuple[str, ...]


@dataclass(frozen=True)
class Pins:
    """Every pin question as data: per unit, its contents; where each content stands; the name typed there."""

    groups: Sequence[PinGroup] = ()
    rows_of: Mapping[str, tuple[int, ...]] = field(default_factory=dict)
    names: Mapping[int, str] = field(default_factory=dict)

    @cached_property
    def owner(self) -> dict[str, PinGroup]:
        """Fingerprint → its group (a content that two groups share belongs to the later, as one item would)."""
        return {fp: group for group in self.groups for fp in (group.winner, *group.others)}

    @cached_property
    def by_row(self) -> list[str]:
        """The fingerprints in the order of the first row they stand in."""
        return sorted(self.owner, key=lambda fp: self.rows_of[fp][0])

    def left(self, skip: Collection[str]) -> int:
        """How many pins have an id that ``skip`` does not hold."""
        return len(self.owner) - sum(1 for ident in skip if ident.startswith(_PIN_ID)
                                     and ident[len(_PIN_ID):] in self.owner)

    def first(self, count: int, skip: Collection[str]) -> list[str]:
        """Up to ``count`` fingerprints whose id ``skip`` does not hold, in the order of ``by_row``: found
        without ordering them all (100,000 pins for a 20,000-unit sheet; a tab shows a few hundred)."""
        if count <= 0:
            return []
        wanted = count + len(self.owner) - self.left(skip)  # the skipped may come first
        if wanted >= len(self.owner) or "by_row" in self.__dict__:
            ordered = self.by_row
        else:
            ordered = _smallest_first(list(self.owner), [self.rows_of[fp][0] for fp in self.owner], wanted)
        return [fp for fp in ordered if _PIN_ID + fp not in skip][:count]

    def item(self, fp: str) -> ReviewItem:
        group, rows = self.owner[fp], self.rows_of[fp]
        return ReviewItem(ItemKind.PIN, fp, None, rows, self.names.get(rows[0], ""), unit_id=group.unit_id,
                          reason=_USED if fp == group.winner else _SUPERSEDED)


def _smallest_first(items: Sequence[str], keys: Sequence[int], wanted: int) -> list[str]:
    """``sorted(items, key=…)[:wanted]`` (equal keys keep their order), without sorting them all.

    >>> _smallest_first(["a", "b", "c", "d", "e"], [5, 1, 3, 1, 2], 3)
    ['b', 'd', 'e']
    """
    found = np.asarray(keys, dtype=np.int64)
    kth = np.partition(found, wanted - 1)[wanted - 1]
    picked = np.flatnonzero(found <= kth)  # ties with the last one wanted included, in their order
    return [items[i] for i in picked[np.argsort(found[picked], kind="stable")][:wanted]]


class Questions:
    """The questions of a cycle (see the module's docstring). ``listed``: the open name and value questions
    by row, then those asked before; a caller may list pins there too (as plain items)."""

    def __init__(self, listed: Sequence[ReviewItem] = (), pins: Pins | None = None) -> None:
        self.listed = tuple(listed)
        self.pins = pins or Pins()

    def __len__(self) -> int:
        return len(self.listed) + len(self.pins.owner)

    def __iter__(self) -> Iterator[ReviewItem]:
        open_ = [item for item in self.listed if item.open]
        made = (self.pins.item(fp) for fp in self.pins.by_row)
        yield from heapq.merge(open_, made, key=lambda item: (item.rows[0] if item.rows else 0, item.kind))
        yield from (item for item in self.listed if not item.open)

    @cached_property
    def _by_id(self) -> dict[str, ReviewItem]:
        return {item_id(i.kind, i.fingerprint, i.column): i for i in self.listed}

    def get(self, ident: str) -> ReviewItem | None:
        """The question with this id (decisions/items.py), or None when the cycle does not ask it."""
        found = self._by_id.get(ident)
        fingerprint = ident[len(_PIN_ID):]
        if found is None and ident.startswith(_PIN_ID) and fingerprint in self.pins.owner:
            return self.pins.item(fingerprint)
        return found

    def first(self, skip: Collection[str], room: int, priority: Mapping[ItemKind, int]
              ) -> tuple[list[ReviewItem], int]:
        """Up to ``room`` questions whose id is not in ``skip``, kind by kind in ``priority`` order and in
        the order above within a kind; and how many more there are (pins among them are counted, not made)."""
        chosen: list[ReviewItem] = []
        more = 0
        for kind in sorted(priority, key=priority.__getitem__):
            if kind is ItemKind.PIN:
                pins = self.pins.first(room - len(chosen), skip)
                chosen += map(self.pins.item, pins)
                more += self.pins.left(skip) - len(pins)
            taken = 0
            for item in self._listed(kind, skip):
                if len(chosen) == room:
                    break
                chosen.append(item)
                taken += 1
            more += self._kinds[kind] - self._skipped(kind, skip) - taken  # counted, not walked (thousands)
        return chosen, more

    @cached_property
    def _kinds(self) -> Counter[ItemKind]:
        return Counter(item.kind for item in self.listed)

    def _skipped(self, kind: ItemKind, skip: Collection[str]) -> int:
        """How many listed questions of one kind ``skip`` holds (each id is listed once)."""
        return sum(1 for ident in skip if (item := self._by_id.get(ident)) is not None and item.kind is kind)

    def _listed(self, kind: ItemKind, skip: Container[str]) -> Iterator[ReviewItem]:
        """The listed questions of one kind whose id is not in ``skip``."""
        return (i for i in self.listed if i.kind is kind and item_id(i.kind, i.fingerprint, i.column) not in skip)
