"""Generate the red-team sets: rosters (two office styles) and typed names, seeded, per province.

    .venv/bin/python -m tests.redteam.generate     # rewrites tests/redteam/data/

Provinces: Đồng Tháp (numbered wards 1-4 in two cities, a district and a city both named Cao Lãnh,
towns named as their districts) and Cà Mau (wards 1-9 without 3, a ward and a commune both named
Tân Thành in one city, Thới Bình as district, town and commune). Neither was used to develop the matcher.
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.redteam.admin import Place, load_provinces, unit_id, units_of
from tests.redteam.extras import hint_rows, stretch_rows
from tests.redteam.forms import NOT_FOR_NUMBERED, PREFIXES, STYLES, Typed, type_name
from tests.redteam.labels import describe, label, row
from tests.redteam.negatives import (
    bodies,
    missing_letters,
    missing_wards,
    neighbour_names,
    province_bodies,
    wrong_types,
)
from tests.redteam.noise import fold
from tests.redteam.reading import Reading

DATA = Path(__file__).resolve().parent / "data"
ROSTER_HEADER = ("unit_id", "group", "name", "short_name", "aliases", "email", "source", "locality")
TYPED_HEADER = ("typed", "expected_unit_id", "label", "category", "note")
GROUPS = {"cap_huyen": "UBND các huyện, thị xã, thành phố", "cap_xa": "UBND các xã, phường, thị trấn"}


@dataclass(frozen=True)
class ProvinceSet:
    slug: str
    code: str
    neighbours: tuple[str, ...]  # province codes whose units are typed as hard negatives


PROVINCE_SETS = (
    ProvinceSet("dong-thap", "87", ("89", "92", "86", "82", "80")),
    ProvinceSet("ca-mau", "96", ("95", "91", "93", "94")),
)
ROSTER_STYLES = ("ubnd", "official")  # "UBND xã A" + lower-case locality; official names, mixed styles


def roster_rows(units: Sequence[Place], style: str) -> list[dict[str, str]]:
    rows = []
    for i, unit in enumerate(units):
        if style == "ubnd":
            name = f"UBND {unit.kind} {unit.proper}"
            locality = ", ".join(f"{p.kind} {p.proper}" for p in unit.chain)
        else:
            official = " ".join(unit.official.split()) if i % 3 else unit.official
            name = official if i % 2 else f"Ủy ban nhân dân {unit.kind} {unit.proper}"
            locality = ", ".join(p.official for p in unit.chain)
        group = "cap_huyen" if unit.level == "district" else "cap_xa"
        rows.append({"unit_id": unit_id(unit), "group": group, "name": name, "short_name": "", "aliases": "",
                     "email": "", "source": "admin-units-vn-2024-11", "locality": locality})
    return rows


def styles_for(unit: Place, rng: random.Random) -> list[str]:
    if unit.is_numbered:
        extra = [s for s in STYLES if s not in (*NOT_FOR_NUMBERED, "plain", "locality", "numbered_short")]
        return ["plain", "locality", "numbered_short", "numbered_short", *rng.sample(extra, 2)]
    extra = [s for s in STYLES if s not in ("plain", "locality", "numbered_short", "typo")]
    return ["plain", "locality", *rng.sample(extra, 3), *(["typo"] if rng.random() < 0.6 else [])]


def positives(units: Sequence[Place], province: Place, rng: random.Random) -> list[dict[str, str]]:
    out = []
    for unit in units:
        for style in styles_for(unit, rng):
            for _ in range(6):  # a typo that leaves the name undecidable is typed again
                labelled = label(type_name(unit, style, rng), units, province)
                if labelled is not None:
                    out.append(labelled)
                    break
    return out


def shared_names(units: Sequence[Place], province: Place, rng: random.Random) -> list[dict[str, str]]:
    """Every proper name two units share, typed without its type: must stay unmatched."""
    counts = Counter(fold(u.proper) for u in (*units, province))
    out = []
    for unit in units:
        if counts[fold(unit.proper)] > 1 and not unit.is_numbered:
            typed = Typed(rng.choice(PREFIXES[:3]) + unit.proper, Reading(None, unit.proper), "undecidable", unit)
            if (labelled := label(typed, units, province)) is not None:
                out.append(labelled)
    return out


def negatives(units: Sequence[Place], province: Place, neighbours: Sequence[Place],
              rng: random.Random) -> list[dict[str, str]]:
    typed = [*neighbour_names(units, neighbours, len(units) // 2, rng), *missing_wards(province, units, rng),
             *missing_letters(units, rng), *bodies(units, len(units) // 2, rng), *province_bodies(province, rng),
             *wrong_types(units, len(units) // 8, rng)]
    return [row(t, "", "keep_unmatched", describe(t.target) if t.target else t.reading.proper) for t in typed]


def typed_rows(spec: ProvinceSet, provinces: dict[str, Place]) -> list[dict[str, str]]:
    province = provinces[spec.code]
    units = units_of(province)
    rng = random.Random(f"redteam-{spec.slug}")
    rows = [*positives(units, province, rng), *shared_names(units, province, rng),
            *negatives(units, province, [provinces[c] for c in spec.neighbours], rng)]
    return dedupe(rows)


def dedupe(rows: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    """The first row of each typed text (the same text always gets the same label)."""
    first: dict[str, dict[str, str]] = {}
    for r in rows:
        first.setdefault(r["typed"], r)
    return list(first.values())


def write_csv(path: Path, header: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(header))
        writer.writeheader()
        writer.writerows(rows)


def main(out: Path = DATA) -> None:
    provinces = load_provinces()
    out.mkdir(exist_ok=True)
    for spec in PROVINCE_SETS:
        units = units_of(provinces[spec.code])
        for style in ROSTER_STYLES:
            write_csv(out / f"{spec.slug}.roster-{style}.csv", ROSTER_HEADER, roster_rows(units, style))
        rows = typed_rows(spec, provinces)
        write_csv(out / f"{spec.slug}.typed.csv", TYPED_HEADER, rows)
        print(spec.slug, len(units), "units;", Counter(r["category"] for r in rows))
        rng = random.Random(f"redteam-extras-{spec.slug}")
        province, neighbours = provinces[spec.code], [provinces[c] for c in spec.neighbours]
        stretch = dedupe(stretch_rows(units, province, neighbours, rng))
        write_csv(out / f"{spec.slug}.stretch.csv", TYPED_HEADER, stretch)
        hints = hint_rows(units, rng)
        write_csv(out / f"{spec.slug}.hints.csv", ("typed", "group_hint", *TYPED_HEADER[1:]), hints)
        print("  stretch", Counter(r["category"] for r in stretch), "hints", Counter(r["category"] for r in hints))


if __name__ == "__main__":
    main()
