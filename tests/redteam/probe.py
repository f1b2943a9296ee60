"""A probe over every province in the official list: names that look like other names.

For each province, against a roster of its own districts and communes (with locality):
- units whose names are the same words in another order (Bảo Lộc / Lộc Bảo, Phong Thạnh /
  Thạnh Phong), typed plain, bare, without type, with their district;
- units whose proper name holds a word that is also a type or a body word once accents are gone
  (Thạch Xá, Phương Đông, Trường Thịnh, Tân Hội, Đoàn Kết, Trạm Tấu ...), typed the same ways.
Labels come from the roster alone, as in the main sets (tests/redteam/labels.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from tests.redteam.admin import Place, load_provinces, units_of
from tests.redteam.forms import Typed
from tests.redteam.generate import DATA, ROSTER_HEADER, TYPED_HEADER, roster_rows, write_csv
from tests.redteam.labels import label
from tests.redteam.noise import fold, strip_accents
from tests.redteam.reading import Reading

TYPE_LIKE = {"xa", "phuong", "truong", "hoi", "ban", "tinh", "huyen", "quan", "tran", "thi", "pho", "doan",
             "dang", "cong", "tram", "uy", "chi", "cuc", "so", "phong", "to"}


def lookalikes(units: Sequence[Place]) -> list[Place]:
    """Units whose words another unit has in another order, or whose name holds a type-like word."""
    by_words: dict[str, list[Place]] = defaultdict(list)
    for unit in units:
        by_words[" ".join(sorted(fold(unit.proper).split()))].append(unit)
    out = []
    for unit in units:
        twins = by_words[" ".join(sorted(fold(unit.proper).split()))]
        reordered = len({fold(u.proper) for u in twins}) > 1
        if reordered or (not unit.is_numbered and TYPE_LIKE & set(fold(unit.proper).split())):
            out.append(unit)
    return out


def typings(unit: Place) -> list[tuple[str, Reading, str]]:
    """The same name typed five ways, with the reading of each."""
    place = unit.chain[0]
    where = ((place.kind, place.proper),)
    qualifier = ("H. " if place.kind == "huyện" else "TP. " if place.kind == "thành phố" else f"{place.kind} ")
    return [
        (f"UBND {unit.kind} {unit.proper}", Reading(unit.kind, unit.proper), "plain"),
        (unit.proper, Reading(None, unit.proper), "bare"),
        (strip_accents(unit.proper), Reading(None, unit.proper, accents=False), "bare"),
        (f"UBND {unit.proper}", Reading(None, unit.proper), "no_type"),
        (f"{unit.proper} ({qualifier}{place.proper})", Reading(None, unit.proper, where), "bare_locality"),
        (f"UBND {unit.kind} {unit.proper}, {qualifier}{place.proper}", Reading(unit.kind, unit.proper, where),
         "locality"),
    ]


def probe_rows(province: Place, units: Sequence[Place]) -> list[dict[str, str]]:
    same_letters: dict[str, list[Place]] = defaultdict(list)
    for unit in units:
        same_letters[fold(unit.proper)].append(unit)
    rows = []
    for unit in lookalikes(units):
        for text, reading, category in typings(unit):
            # no typos here: only units with the same letters can be meant, so label against those
            labelled = label(Typed(text, reading, category, unit), same_letters[fold(unit.proper)], province)
            if labelled is not None:
                rows.append({"province": province.code, **labelled})
    return rows


def main(out: Path = DATA) -> None:
    roster: list[dict[str, str]] = []
    typed: list[dict[str, str]] = []
    for province in load_provinces().values():
        units = units_of(province)
        rows = probe_rows(province, units)
        if rows:
            roster += [{**r, "province": province.code, "source": ""} for r in roster_rows(units, "ubnd")]
            typed += rows
    write_csv(out / "probe.roster.csv", ("province", *ROSTER_HEADER), roster)
    write_csv(out / "probe.typed.csv", ("province", *TYPED_HEADER), typed)
    print(len(roster), "roster units;", len(typed), "typed names")


if __name__ == "__main__":
    main()
