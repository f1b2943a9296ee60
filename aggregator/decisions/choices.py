"""The decision cells' choices: one unique label per roster unit, and a typed choice back to its unit. Pure.

Labels are the units' names; where a name repeats, "name — locality" when the localities tell the
units apart, else "name (unit_id)". A choice is read leniently (the label, the label folded as the
matcher folds names, or a unit_id) but never guessed: anything else names no unit.

>>> from aggregator.models import RosterUnit
>>> units = [RosterUnit("A", "g", "UBND xã An Phú", locality="huyện Tân Châu"),
...          RosterUnit("B", "g", "UBND xã An Phú", locality="huyện Phú Tân")]
>>> unit_labels(units)
('UBND xã An Phú — huyện Tân Châu', 'UBND xã An Phú — huyện Phú Tân')
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

from aggregator.models import CellValue, RosterUnit
from aggregator.textnorm import clean_text, fold

NOT_A_UNIT = "Không phải đơn vị trong danh sách"
USE_THIS_ROW = "Dùng dòng này"
SEPARATOR = " — "


def _first_place(locality: str) -> str:
    return clean_text(locality.split(",")[0]) if locality else ""


def _distinct(units: Sequence[RosterUnit], labels: list[str], describe: Callable[[RosterUnit], str]) -> None:
    """Relabel the units whose label repeats with ``describe(unit)`` where that makes them distinct."""
    counts = Counter(labels)
    for i, unit in enumerate(units):
        if counts[labels[i]] > 1:
            extra = describe(unit)
            if extra:
                labels[i] = f"{clean_text(unit.name)}{SEPARATOR}{extra}"


def unit_labels(units: Sequence[RosterUnit]) -> tuple[str, ...]:
    """One label per unit, in roster order, all different (and none equal to the "not a unit" choice)."""
    labels = [clean_text(u.name) for u in units]
    _distinct(units, labels, lambda u: _first_place(u.locality))
    _distinct(units, labels, lambda u: clean_text(u.locality))
    counts = Counter(labels)
    return tuple(f"{clean_text(u.name)} ({u.unit_id})" if counts[label] > 1 or label == NOT_A_UNIT else label
                 for u, label in zip(units, labels, strict=True))


class Choices:
    """What a decision cell may hold: the "not a unit" choice and one label per unit.

    Built once per roster (``Choices.of`` remembers the last few); the folded forms, needed only for a
    choice typed by hand, are worked out on the first such choice.
    """

    def __init__(self, labels: tuple[str, ...], unit_ids: tuple[str, ...]) -> None:
        self.labels, self.unit_ids = labels, unit_ids
        self._exact = dict(zip(labels, unit_ids, strict=True))
        self._loose: dict[str, str] | None = None

    @classmethod
    def of(cls, units: Sequence[RosterUnit]) -> Choices:
        """The choices of ``units``, made once per roster: a roster tuple seen lately is found by identity
        (finding it by value hashes every unit: 50 ms for 20,000, twice a cycle), any other by value."""
        recent = _RECENT if isinstance(units, tuple) else []
        for kept, choices in recent:
            if kept is units:
                return choices
        made = _choices(tuple(units))
        recent[:] = [(tuple(units), made), *recent[:3]]
        return made

    @property
    def listing(self) -> tuple[str, ...]:
        """The dropdown's entries: "not a unit" first, then every unit."""
        return (NOT_A_UNIT, *self.labels)

    def label(self, unit_id: str) -> str | None:
        return next((label for label, unit in self._exact.items() if unit == unit_id), None)

    def unit_of(self, choice: CellValue) -> str | None:
        """The unit a typed choice names, or None (the "not a unit" choice is not a unit either)."""
        text = clean_text(str(choice)) if choice is not None else ""
        if not text:
            return None
        found = self._exact.get(text)
        return found if found is not None else self._loosely().get(fold(text)) or self._loosely().get(
            "#" + text.casefold())

    def _loosely(self) -> dict[str, str]:
        """Folded labels (those folding to one label only) and unit_ids (prefixed "#")."""
        if self._loose is None:
            folded = [fold(label) for label in self.labels]
            counts = Counter(folded)
            loose = {key: unit for key, unit in zip(folded, self.unit_ids, strict=True) if counts[key] == 1}
            loose |= {"#" + unit.casefold(): unit for unit in self.unit_ids}
            self._loose = loose
        return self._loose


_RECENT: list[tuple[tuple[RosterUnit, ...], Choices]] = []  # the last rosters' choices, newest first


@lru_cache(maxsize=4)
def _choices(units: tuple[RosterUnit, ...]) -> Choices:
    return Choices(unit_labels(units), tuple(u.unit_id for u in units))


def is_not_a_unit(choice: CellValue) -> bool:
    return isinstance(choice, str) and fold(choice) == fold(NOT_A_UNIT)


def is_use_this_row(choice: CellValue) -> bool:
    return isinstance(choice, str) and fold(choice) == fold(USE_THIS_ROW)


