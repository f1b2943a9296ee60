"""Two smaller sets beside the main one.

stretch: ways clerks write that issue 9 does not list (a place without its type word, "thuộc",
UBND glued to the type, a typo in UBND, in the type word or in the place typed after the name), and
other provinces' units typed with an untyped place. Wrong merges count here too; recall is reported, not held to 0.95.

hints: the sheet's group column (Khối). It may break a tie between units of different groups
(a district and its town) and must never override an otherwise unique name.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from tests.redteam.admin import Place, districts_of, unit_id, units_of
from tests.redteam.forms import OPENERS, PLACE_TYPE, PREFIXES, Typed, own_type, secondary
from tests.redteam.labels import describe, label, row
from tests.redteam.noise import distance, fold, typo
from tests.redteam.reading import Reading, decide

GROUP_OF_LEVEL = {"district": "cap_huyen", "commune": "cap_xa"}
GROUP_LABELS = {"cap_huyen": "UBND các huyện, thị xã, thành phố", "cap_xa": "UBND các xã, phường, thị trấn"}
GLUED = ("UBND-{t}{p}", "UBND.{t}{p}", "UBND- {t}{p}", "UBND/{t}{p}")
UBND_TYPOS = ("UBDN ", "UNBD ", "UBN ", "UBNDD ", "Ủy ban nhan dân ", "Uy ban ND ")


def untyped_places(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    """'UBND xã Mỹ Hội - Cao Lãnh' or '..., Cao Lãnh, Đồng Tháp': the places without their type words."""
    chain = list(unit.chain)
    places = rng.choice([chain[:1], chain]) if len(chain) == 2 else chain
    text = rng.choice(PREFIXES) + own_type(unit.kind, rng) + unit.proper
    text += rng.choice(OPENERS[:3]) + rng.choice((", ", " - ")).join(p.proper for p in places)
    return text, Reading(unit.kind, unit.proper, tuple(("", p.proper) for p in places))


def thuoc(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    place = unit.chain[0]
    text = f"UBND {own_type(unit.kind, rng)}{unit.proper} thuộc {place.kind} {place.proper}"
    return text, Reading(unit.kind, unit.proper, ((place.kind, place.proper),))


def glued(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    text = rng.choice(GLUED).format(t=own_type(unit.kind, rng).rstrip(" ") + " ", p=unit.proper)
    return text, Reading(unit.kind, unit.proper)


def ubnd_typo(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    return rng.choice(UBND_TYPOS) + own_type(unit.kind, rng) + unit.proper, Reading(unit.kind, unit.proper)


def type_word_typo(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    word = typo(unit.kind.split(" ")[-1], rng, rng.choice(("substitute", "delete", "transpose")))
    kind_text = " ".join([*unit.kind.split(" ")[:-1], word])
    return f"UBND {kind_text} {unit.proper}", Reading(unit.kind, unit.proper)


def place_typo(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    """'xã Mỹ Hội, H. Cao Lãnhh': one edit in the district typed after the name, when no other district
    of the province is within two edits of what was typed (else the name is typed without its place)."""
    place = unit.chain[0] if unit.level == "commune" else unit.chain[-1]
    words = place.proper.split(" ")
    i = rng.randrange(len(words))
    words[i] = typo(words[i], rng, rng.choice(("substitute", "insert", "delete", "transpose")))
    wrong = " ".join(words)
    siblings = [d for d in _districts_like(place) if d.proper != place.proper]
    head = rng.choice(PREFIXES) + own_type(unit.kind, rng) + unit.proper
    if wrong == place.proper or any(distance(d.proper, wrong) <= 2 for d in siblings):
        return head, Reading(unit.kind, unit.proper)
    text = head + rng.choice(OPENERS[:3]) + rng.choice(PLACE_TYPE[place.kind]) + wrong
    return text, Reading(unit.kind, unit.proper, ((place.kind, place.proper),))


def _districts_like(place: Place) -> list[Place]:
    if place.parent is None:
        return []
    return [d for d, _ in districts_of(place.parent)]


STRETCH = {"place_untyped": untyped_places, "thuoc": thuoc, "glued": glued, "ubnd_typo": ubnd_typo,
           "type_word_typo": type_word_typo, "place_typo": place_typo}


def stretch_rows(units: Sequence[Place], province: Place, neighbours: Sequence[Place],
                 rng: random.Random) -> list[dict[str, str]]:
    rows = []
    for unit in rng.sample(list(units), min(len(units), 60)):
        for style in rng.sample(sorted(STRETCH), 2):
            text, reading = STRETCH[style](unit, rng)
            text, reading = secondary(text, reading, rng)
            if (labelled := label(Typed(text, reading, style, unit), units, province)) is not None:
                rows.append(labelled)
    return rows + neighbours_untyped(units, neighbours, rng)


def neighbours_untyped(units: Sequence[Place], neighbours: Sequence[Place], rng: random.Random) -> list[dict[str, str]]:
    """Other provinces' communes with their district or province typed without its type word."""
    mine = {fold(u.proper) for u in units}
    pool = [u for p in neighbours for u in units_of(p) if u.level == "commune" and fold(u.proper) in mine]
    rows = []
    for other in rng.sample(pool, min(len(pool), 30)):
        places = rng.choice([other.chain[:1], other.chain[1:], other.chain])
        text = rng.choice(PREFIXES) + own_type(other.kind, rng) + other.proper
        text += rng.choice(OPENERS[:3]) + ", ".join(p.proper for p in places)
        reading = Reading(other.kind, other.proper, tuple(("", p.proper) for p in places))
        if decide(reading, units) == []:
            rows.append(row(Typed(text, reading, "neg_neighbour_untyped", other), "", "keep_unmatched",
                            describe(other)))
    return rows


def hint_rows(units: Sequence[Place], rng: random.Random) -> list[dict[str, str]]:
    """Names with a group hint: ties across groups the hint breaks, and careless hints on unique names."""
    rows = []
    for unit in units:
        if unit.is_numbered:
            continue
        shared = decide(Reading(None, unit.proper), units) or [unit]
        if len(shared) > 1:
            rows += [_tie_row(unit, shared, group, rng) for group in GROUP_LABELS]
        elif rng.random() < 0.25:
            wrong = "cap_xa" if unit.level == "district" else "cap_huyen"
            text = rng.choice(PREFIXES[:3]) + own_type(unit.kind, rng) + unit.proper
            rows.append(_hint_row(text, _hint_text(wrong, rng), unit_id(unit), "find", "careless_hint",
                                  describe(unit)))
    return list({r["typed"] + "|" + r["group_hint"]: r for r in rows}.values())


def _tie_row(unit: Place, shared: Sequence[Place], group: str, rng: random.Random) -> dict[str, str]:
    """The bare name shared by several units, hinted with one group: found when only one unit is in it."""
    text = rng.choice(PREFIXES[:3]) + unit.proper
    in_group = [u for u in shared if GROUP_OF_LEVEL[u.level] == group]
    note = "; ".join(describe(u) for u in shared)
    if len(in_group) == 1:
        return _hint_row(text, _hint_text(group, rng), unit_id(in_group[0]), "find", "tie_broken", note)
    return _hint_row(text, _hint_text(group, rng), "", "keep_unmatched", "tie_kept", note)


def _hint_text(group: str, rng: random.Random) -> str:
    return rng.choice((GROUP_LABELS[group], GROUP_LABELS[group], group))


def _hint_row(text: str, hint: str, expected: str, verdict: str, category: str, note: str) -> dict[str, str]:
    return {"typed": text, "group_hint": hint, "expected_unit_id": expected, "label": verdict,
            "category": category, "note": note}

