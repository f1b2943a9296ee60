"""What a careful reader takes from a typed name, and which roster units that reading allows.

The generator records the reading of every name it types; the label (the unit to find, or
"must stay unmatched") follows from the roster alone, never from the matcher.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tests.redteam.admin import Place
from tests.redteam.noise import distance, fold, tone_key


@dataclass(frozen=True)
class Reading:
    kind: str | None  # the unit's type word as typed, None when the name has none
    proper: str  # the proper name the reader restores ("4" for "P.04", "Phước" for "Phuowcs")
    places: tuple[tuple[str, str], ...] = ()  # qualifiers after the name: (type word or "", proper name)
    accents: bool = True  # accents typed: tones decide (Thành ≠ Thạnh); otherwise only letters count
    typed_proper: str = ""  # the proper name with its typo, when it has one


def allowed(reading: Reading, units: Sequence[Place]) -> list[Place]:
    """Units whose type and chain of places agree with what was typed."""
    out = []
    for unit in units:
        if reading.kind is not None and unit.kind != reading.kind:
            continue
        chain = {(p.kind, fold(p.proper)) for p in unit.chain} | {("", fold(p.proper)) for p in unit.chain}
        if all((kind, fold(proper)) in chain for kind, proper in reading.places):
            out.append(unit)
    return out


def same_name(reading: Reading, units: Sequence[Place]) -> list[Place]:
    key = tone_key if reading.accents else fold
    return [u for u in units if key(u.proper) == key(reading.proper)]


def decide(reading: Reading, units: Sequence[Place]) -> list[Place] | None:
    """The units the reading could mean; None when a careful reader would not use the name at all.

    Without a typo: the allowed units of that proper name. With one: the single allowed unit one edit
    away when no other allowed unit is within two, and the typed name is nobody's real name; two
    units one edit away are both returned (undecidable); anything in between is left out of the sets.
    """
    pool = allowed(reading, units)
    if not reading.typed_proper:
        return same_name(reading, pool)
    typed = reading.typed_proper
    if any(fold(u.proper) == fold(typed) for u in units):
        return None
    near = [u for u in pool if distance(u.proper, typed) <= 1]
    close = [u for u in pool if distance(u.proper, typed) <= 2]
    if len(near) == 1 and len(close) == 1:
        return near
    return near if len(near) > 1 else None
