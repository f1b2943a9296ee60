"""Development sets for locality-aware name matching (issue 9), generated from the official list.

    .venv/bin/python -m tests.namegen.build [--admin ../shared/data/admin-units-vn-2024-11.json]

For each province of ``SETS`` it writes, under tests/data_names/:
- ``<set>.roster.csv``: every district, ward, commune and town as a roster unit with ``locality``
  (the roster's naming and locality styles vary by set);
- ``<set>.typed.csv``: typed names with the unit each must match (``positive``), rows that name a
  unit too vaguely to tell which (``ambiguous``: two units fit what the text states) and names
  that must stay unmatched (``negative``: neighbouring provinces' communes typed with their own
  district or province, wards that do not exist, other bodies located in a commune).
Seeded: the same list gives the same files. Khánh Hòa and Trà Vinh are never used (they are kept
aside for an independent check and are absent from the shared list).
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.namegen import forms, noise
from tests.namegen.admin import Province, Unit, fold, full_name, load

REPO = Path(__file__).resolve().parents[2]
OUT = REPO / "tests" / "data_names"
ADMIN = REPO.parent / "shared" / "data" / "admin-units-vn-2024-11.json"
FORBIDDEN = ("khanh hoa", "tra vinh")


@dataclass(frozen=True)
class SetSpec:
    slug: str
    province: str
    neighbours: tuple[str, ...]
    naming: str  # roster names: "full" Ủy ban nhân dân xã X, "ubnd" UBND xã X, "bare" Xã X
    locality: str  # "full" huyện X, tỉnh Y; "capital" Huyện X, Tỉnh Y; "district" huyện X only
    role: str  # "dev": looked at while tuning; "holdout": scored only
    seed: int


SETS = (
    SetSpec("soc-trang", "Tỉnh Sóc Trăng", ("Tỉnh Bạc Liêu", "Tỉnh Hậu Giang", "Thành phố Cần Thơ", "Tỉnh Vĩnh Long"),
            "full", "full", "dev", 11),
    SetSpec("tien-giang", "Tỉnh Tiền Giang", ("Tỉnh Long An", "Tỉnh Đồng Tháp", "Tỉnh Bến Tre", "Tỉnh Vĩnh Long"),
            "ubnd", "capital", "dev", 12),
    SetSpec("ben-tre", "Tỉnh Bến Tre", ("Tỉnh Tiền Giang", "Tỉnh Vĩnh Long"), "bare", "district", "dev", 13),
    SetSpec("long-an", "Tỉnh Long An", ("Thành phố Hồ Chí Minh", "Tỉnh Tây Ninh", "Tỉnh Tiền Giang", "Tỉnh Đồng Tháp"),
            "ubnd", "full", "holdout", 14),
    SetSpec("phu-yen", "Tỉnh Phú Yên", ("Tỉnh Bình Định", "Tỉnh Gia Lai", "Tỉnh Đắk Lắk"), "full", "capital",
            "holdout", 15),
)
TYPED_COLUMNS = ("typed", "expected_unit_id", "category", "how")


def _unit_name(unit: Unit, naming: str) -> str:
    kind = unit.kind.lower()
    return {"full": f"Ủy ban nhân dân {kind} {unit.proper}", "ubnd": f"UBND {kind} {unit.proper}",
            "bare": full_name(unit)}[naming]


def _locality(unit: Unit, province: Province, style: str) -> str:
    parts = [] if unit.is_district else [unit.district]
    if style != "district" or unit.is_district:
        parts.append(province.name)
    text = ", ".join(parts)
    return text if style == "capital" else ", ".join(p[0].lower() + p[1:] for p in text.split(", "))


def roster_rows(province: Province, spec: SetSpec) -> list[dict[str, str]]:
    return [{"unit_id": u.uid, "group": "huyen" if u.is_district else "xa", "name": _unit_name(u, spec.naming),
             "short_name": "", "aliases": "", "email": "", "source": "admin-units-vn-2024-11",
             "locality": _locality(u, province, spec.locality)} for u in province.units]


def _osa1(a: str, b: str) -> bool:
    """Whether two strings are at most one edit apart (insert, delete, substitute, swap)."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


class Typist:
    """Writes a province's units the ways clerks do, and knows which units each text fits."""

    def __init__(self, province: Province, rng: random.Random) -> None:
        self.province = province
        self.rng = rng
        self.by_key: defaultdict[str, list[Unit]] = defaultdict(list)
        for unit in province.units:
            self.by_key[unit.key].append(unit)

    def fitting(self, key: str, kind: str | None, district: str | None, marks: str | None = None) -> list[Unit]:
        """Units whose proper name is ``key`` and that the stated type, district and diacritics allow
        (``marks``: the proper name as typed with its diacritics, when they were typed)."""
        return [u for u in self.by_key.get(key, [])
                if (kind in (None, "UBND") or u.kind == kind) and (district is None or u.district == district)
                and (marks is None or noise.toned(u.proper) == noise.toned(marks))]

    def _typo(self, proper: str) -> tuple[str, str] | None:
        """The proper name with one typo that lands within one edit of no other unit's name."""
        words = proper.split()
        spots = [i for i, w in enumerate(words) if len(w) >= 3 and not w.isdigit()]
        for _ in range(6):
            if not spots:
                return None
            i = self.rng.choice(spots)
            typed = " ".join([*words[:i], noise.typo(words[i], self.rng), *words[i + 1 :]])
            key = fold(typed)
            if key != fold(proper) and not any(_osa1(key, other) for other in self.by_key if other != fold(proper)):
                return typed, "typo"
        return None

    def write(self, unit: Unit) -> tuple[str, str, str]:
        """One typed name for ``unit``: (text, expected unit id or NONE, category) plus how."""
        rng = self.rng
        proper, how = unit.proper, []
        if rng.random() < 0.15 and (typed := self._typo(proper)):
            proper, _ = typed
            how.append("typo")
        written = forms.head(unit, proper, rng)
        how.append(written.how)
        text, district = written.text, None
        roll = rng.random()
        if not unit.is_district and roll < 0.3:
            parent = next(u for u in self.province.districts() if full_name(u) == unit.district)
            text += forms.district_place(parent, rng)
            district = unit.district
            how.append("district")
            if rng.random() < 0.3:
                text += forms.province_place(self.province.kind, self.province.proper, rng, brackets=False)
                how.append("province")
        elif roll < 0.42:
            text += forms.province_place(self.province.kind, self.province.proper, rng)
            how.append("province")
        twins = [u for u in self.by_key[unit.key] if noise.toned(u.proper) != noise.toned(unit.proper)]
        text, accent_how = noise.accents(text, rng, telex_ok=not twins)
        text, case_how = noise.casing(text, rng)
        text, finish_how = noise.finish(text, rng)
        how += [h for h in (accent_how, case_how, finish_how) if h]
        fits = self.fitting(unit.key, written.kind, district, unit.proper if accent_how in ("", "new-style tones")
                            else None)
        category = "positive" if fits == [unit] else "ambiguous"
        return text, unit.uid if category == "positive" else "NONE", category + "|" + "; ".join(how)


def positives(typist: Typist, per_unit: int) -> Iterator[tuple[str, str, str]]:
    for unit in typist.province.units:
        for _ in range(per_unit):
            yield typist.write(unit)


def _neighbour_rows(typist: Typist, neighbours: Sequence[Province], count: int) -> Iterator[tuple[str, str, str]]:
    """Communes of neighbouring provinces, typed with their own district and/or province."""
    rng = typist.rng
    pool = [(p, u) for p in neighbours for u in p.units if not u.is_district]
    shared = [item for item in pool if item[1].key in typist.by_key]  # the hardest: a name we also have
    near = [item for item in pool if item not in shared and any(_osa1(item[1].key, k) for k in typist.by_key)]
    picks = rng.sample(shared, min(len(shared), count // 2)) + rng.sample(near, min(len(near), count // 4))
    picks += rng.sample(pool, count - len(picks))
    for province, unit in picks:
        written = forms.head(unit, unit.proper, rng)
        parent = next(u for u in province.districts() if full_name(u) == unit.district)
        roll = rng.random()
        text = written.text
        if roll < 0.5:
            text += forms.district_place(parent, rng)
            if typist.fitting(unit.key, written.kind, unit.district):
                continue  # same district and commune names here: no one could tell them apart
        else:
            if roll < 0.75:
                text += forms.district_place(parent, rng).replace(" (", ", ").rstrip(")")
            text += forms.province_place(province.kind, province.proper, rng, brackets=roll >= 0.75)
        text, _ = noise.accents(text, rng)
        text, _ = noise.casing(text, rng)
        yield text, "NONE", f"negative|neighbour {province.proper}"


def _missing_wards(typist: Typist, count: int) -> Iterator[tuple[str, str, str]]:
    """Numbered wards that do not exist: in their district, or anywhere in the province."""
    rng = typist.rng
    numbered = defaultdict(set)
    for unit in typist.province.units:
        if unit.kind == "Phường" and unit.proper.isdigit():
            numbered[unit.district].add(int(unit.proper))
    everywhere = set().union(*numbered.values()) if numbered else set()
    districts = {full_name(u): u for u in typist.province.districts()}
    for _ in range(count if numbered else 0):
        district = rng.choice(sorted(numbered))
        number = rng.choice([n for n in range(1, 16) if n not in numbered[district]])
        fake = Unit("?", "Phường", str(number), district, typist.province.name)
        text = forms.head(fake, fake.proper, rng).text
        if number in everywhere or rng.random() < 0.5:
            text += forms.district_place(districts[district], rng)
        text, _ = noise.casing(noise.accents(text, rng)[0], rng)
        yield text, "NONE", "negative|ward that does not exist"


def _sub_agencies(typist: Typist, count: int) -> Iterator[tuple[str, str, str]]:
    rng = typist.rng
    for _ in range(count):
        unit = rng.choice(typist.province.units)
        if unit.proper.isdigit():
            continue
        pattern = rng.choice(forms.DISTRICT_AGENCIES if unit.is_district else forms.SUB_AGENCIES)
        text = pattern.format(k=forms.kind_word(unit.kind, rng), p=unit.proper)
        text, _ = noise.casing(noise.accents(text, rng)[0], rng)
        yield text, "NONE", "negative|another body in the place"


def typed_rows(province: Province, neighbours: Sequence[Province], seed: int) -> list[dict[str, str]]:
    typist = Typist(province, random.Random(seed))
    rows = list(positives(typist, per_unit=3))
    size = len(province.units)
    rows += _neighbour_rows(typist, neighbours, size // 3)
    rows += _missing_wards(typist, max(6, size // 12))
    rows += _sub_agencies(typist, size // 4)
    out = []
    for text, expected, label in rows:
        category, how = label.split("|", 1)
        out.append({"typed": text, "expected_unit_id": expected, "category": category, "how": how})
    return out


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--admin", type=Path, default=ADMIN)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    provinces = load(args.admin)
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = []
    for spec in SETS:
        used = [spec.province, *spec.neighbours]
        if any(bad in fold(name) for name in used for bad in FORBIDDEN):
            raise SystemExit(f"{spec.slug}: Khánh Hòa and Trà Vinh are kept aside for the independent check")
        province = provinces[spec.province]
        _write(args.out / f"{spec.slug}.roster.csv", roster_rows(province, spec))
        typed = typed_rows(province, [provinces[n] for n in spec.neighbours], spec.seed)
        _write(args.out / f"{spec.slug}.typed.csv", typed)
        manifest.append({"set": spec.slug, "province": spec.province, "role": spec.role,
                         "units": str(len(province.units)), "typed": str(len(typed))})
    _write(args.out / "sets.csv", manifest)


if __name__ == "__main__":
    main()
