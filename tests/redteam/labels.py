"""The label of a typed name (find this unit, must stay unmatched, disputed), from the roster alone."""

from __future__ import annotations

from collections.abc import Sequence

from tests.redteam.admin import Place, unit_id
from tests.redteam.forms import Typed
from tests.redteam.noise import fold
from tests.redteam.reading import Reading, decide


def label(typed: Typed, units: Sequence[Place], province: Place) -> dict[str, str] | None:
    """The row of the typed set, or None when a careful reader would not use the name at all."""
    found = decide(typed.reading, [*units, province])
    if found is None or not found:
        return None
    if disputed(typed.reading, found, province):
        units_meant = [u for u in found if u != province]
        return row(typed, unit_id(units_meant[0]), "disputed", "the roster has one unit of that name, "
                   "but the name may also mean the province or the district it is qualified with")
    if len(found) == 1:
        assert found[0] == typed.target, (typed, found)
        return row(typed, unit_id(found[0]), "find", "")
    note = f"{typed.category}; could be: " + "; ".join(describe(u) for u in found)
    return row(typed, "", "keep_unmatched", note)


def disputed(reading: Reading, found: Sequence[Place], province: Place) -> bool:
    """One roster unit, but the bare name is also its province's ('UBND Cà Mau'), or the name of the
    district typed after it ('Đầm Dơi (H. Đầm Dơi)'): counted neither as a miss nor as a wrong merge."""
    if reading.kind is not None:
        return False
    if province in found:
        return len(found) == 2
    return len(found) == 1 and any(fold(proper) == fold(reading.proper) for _, proper in reading.places)


def describe(place: Place) -> str:
    return ", ".join(f"{p.kind} {p.proper}" for p in (place, *place.chain))


def row(typed: Typed, expected: str, verdict: str, note: str) -> dict[str, str]:
    undecidable = verdict == "keep_unmatched" and not typed.category.startswith("neg_")
    category = "undecidable" if undecidable else typed.category
    return {"typed": typed.text, "expected_unit_id": expected, "label": verdict, "category": category,
            "note": note or (f"{typed.category}: {describe(typed.target)}" if typed.target else "")}
