"""Names that must stay unmatched: other provinces' units typed with their own place, wards that do
not exist, and other bodies located in a commune."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from tests.redteam.admin import Place, districts_of, units_of
from tests.redteam.forms import PREFIXES, Typed, as_reading, join_places, own_type, secondary
from tests.redteam.noise import fold
from tests.redteam.reading import Reading, decide

# Other bodies of a commune (issue 9's list), then further ones a clerk would never take for the UBND.
BODIES = (
    "Công an {t}{p}", "Trạm Y tế {t}{p}", "Trạm y tế {t}{p}", "TYT {t}{p}", "Trường TH {p}", "Trường THCS {p}",
    "Trường Tiểu học {p}", "Trường Mầm non {p}", "Trường MG {p}", "Đảng ủy {t}{p}", "Đảng uỷ {t}{p}",
    "Hội Nông dân {t}{p}", "Hội LHPN {t}{p}", "Hội Cựu chiến binh {t}{p}", "Ban Chỉ huy Quân sự {t}{p}",
    "Ban CHQS {t}{p}", "Ban Văn hóa {t}{p}",
)
BODIES_BEYOND = (
    "UBMTTQ {t}{p}", "Ủy ban MTTQ Việt Nam {t}{p}", "Ủy ban Mặt trận Tổ quốc {t}{p}", "HĐND {t}{p}",
    "Đoàn TN {t}{p}", "Đoàn Thanh niên {t}{p}", "Chi bộ {t}{p}", "Văn phòng Đảng ủy {t}{p}",
)
DISTRICT_BODIES = (
    "Công an {t}{p}", "Trung tâm Y tế {t}{p}", "Phòng GD&ĐT {t}{p}", "Phòng Nội vụ {t}{p}",
    "Trung tâm Chính trị {t}{p}", "Ban Tuyên giáo {W} ủy {p}", "{W} ủy {p}", "Hội Nông dân {t}{p}",
)
_PARTY_WORD = {"huyện": "huyện", "thị xã": "thị", "thành phố": "thành", "quận": "quận"}


def _pick_neighbour(mine: set[str], pool: Sequence[Place], rng: random.Random) -> Place:
    """Mostly a unit whose proper name also exists in the roster's province: the real trap."""
    twins = [u for u in pool if fold(u.proper) in mine]
    return rng.choice(twins if twins and rng.random() < 0.75 else pool)


def neighbour_names(units: Sequence[Place], neighbours: Sequence[Place], count: int,
                    rng: random.Random) -> list[Typed]:
    """Other provinces' units typed with their own district or province: none is any roster unit."""
    mine = {fold(u.proper) for u in units}
    pool = [u for province in neighbours for u in units_of(province)]
    out: list[Typed] = []
    while len(out) < count:
        other = _pick_neighbour(mine, pool, rng)
        chain = list(other.chain)
        places = rng.choice([chain[:1], chain[-1:], chain]) if len(chain) == 2 else chain
        typed_kind = other.kind if other.is_numbered or rng.random() < 0.8 else None
        head = rng.choice(PREFIXES) + (own_type(other.kind, rng) if typed_kind else "") + other.proper
        reading = Reading(typed_kind, other.proper, as_reading(places))
        text, reading = secondary(head + join_places(places, rng), reading, rng)
        if decide(reading, units) == []:
            out.append(Typed(text, reading, "neg_neighbour", other))
    return out


def missing_wards(province: Place, units: Sequence[Place], rng: random.Random) -> list[Typed]:
    """Numbered wards that do not exist: in a city that has some, and in the province as a whole."""
    out: list[Typed] = []
    numbers_anywhere = {u.proper for u in units if u.is_numbered}
    for district, communes in districts_of(province):
        have = {c.proper for c in communes if c.is_numbered and c.kind == "phường"}
        if not have:
            continue
        for n in sorted(set(map(str, range(1, 13))) - have, key=int)[:6]:
            out.append(_ward(n, [district], rng))
    for n in sorted(set(map(str, range(1, 13))) - numbers_anywhere, key=int)[:5]:
        out.append(_ward(n, [], rng))
    return [t for t in out if decide(t.reading, units) == []]


def _ward(n: str, places: list[Place], rng: random.Random) -> Typed:
    head = rng.choice(("UBND Phường {n}", "P{n}", "UBND P.{nn}", "Phường {nn}", "F{n}", "UBND phường {n}"))
    head = head.format(n=n, nn=n.zfill(2))
    tail = join_places(places, rng) if places else ""
    return Typed(head + tail, Reading("phường", n, as_reading(places)), "neg_ward")


def missing_letters(units: Sequence[Place], rng: random.Random) -> list[Typed]:
    """'Long Khánh C' where only A and B exist: one edit from two units, so nobody's."""
    out = []
    stems = Counter(u.proper.rpartition(" ")[0] for u in units if u.proper.rpartition(" ")[2] in ("A", "B", "1", "2"))
    for unit in units:
        stem, _, last = unit.proper.rpartition(" ")
        if stem and last in ("A", "B", "1", "2") and stems[stem] > 1:
            wrong = f"{stem} {'C' if last.isalpha() else '3'}"
            if any(fold(u.proper) == fold(wrong) for u in units):
                continue
            text = rng.choice(PREFIXES) + own_type(unit.kind, rng) + wrong
            out.append(Typed(text, Reading(unit.kind, wrong), "neg_no_such_unit"))
    return out


def bodies(units: Sequence[Place], count: int, rng: random.Random) -> list[Typed]:
    """Other bodies in a commune or district; exact place names, sometimes with the place after."""
    out: list[Typed] = []
    for _ in range(count):
        unit = rng.choice(units)
        beyond = rng.random() < 0.3
        if unit.level == "district":
            template, category = rng.choice(DISTRICT_BODIES), "neg_body_district"
        else:
            template = rng.choice(BODIES_BEYOND if beyond else BODIES)
            category = "neg_body_beyond" if beyond else "neg_body"
        text = _body_text(template, unit, rng)
        if rng.random() < 0.3 and unit.chain:
            text += join_places(list(unit.chain[:1]), rng)
        text, _ = secondary(text, Reading(None, unit.proper), rng)
        out.append(Typed(text, replace(Reading(None, unit.proper), kind="body"), category))
    return out


def _body_text(template: str, unit: Place, rng: random.Random) -> str:
    kind = rng.choice((own_type(unit.kind, rng), unit.kind + " "))
    word = _PARTY_WORD.get(unit.kind, "huyện")
    return template.format(t=kind, p=unit.proper, W=word.capitalize())


PROVINCE_BODIES = ("UBND tỉnh {p}", "Ủy ban nhân dân tỉnh {p}", "UBND Tỉnh {p}", "Văn phòng UBND tỉnh {p}",
                   "Sở Nội vụ tỉnh {p}", "Tỉnh ủy {p}", "UBND tinh {p}")
OTHER_TYPES = {"xã": ("thị trấn", "phường"), "phường": ("xã", "thị trấn"), "thị trấn": ("xã", "phường"),
               "huyện": ("thị xã", "thành phố"), "thị xã": ("huyện", "thành phố"), "thành phố": ("huyện", "thị xã")}


def province_bodies(province: Place, rng: random.Random) -> list[Typed]:
    """The province's own committee and offices: not in a roster of its districts and communes."""
    out = []
    for template in PROVINCE_BODIES:
        text, reading = secondary(template.format(p=province.proper), Reading("tỉnh", province.proper), rng)
        out.append(Typed(text, reading, "neg_province"))
    return out


def wrong_types(units: Sequence[Place], count: int, rng: random.Random) -> list[Typed]:
    """'thị trấn Mỹ Hội' where only xã Mỹ Hội exists: the typed type contradicts every unit of that name."""
    out: list[Typed] = []
    named = [u for u in units if not u.is_numbered]
    while len(out) < count:
        unit = rng.choice(named)
        kind = rng.choice(OTHER_TYPES[unit.kind])
        reading = Reading(kind, unit.proper)
        if decide(reading, units):
            continue
        text, reading = secondary(rng.choice(PREFIXES) + own_type(kind, rng) + unit.proper, reading, rng)
        out.append(Typed(text, reading, "neg_type", unit))
    return out
