"""Typing a unit's name the ways clerks do, with the reading a careful person takes from it."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace

from tests.redteam.admin import Place
from tests.redteam.noise import new_style_tones, raw_telex, strip_accents, typo
from tests.redteam.reading import Reading

PREFIXES = ("UBND ", "UBND ", "UBND ", "Ủy ban nhân dân ", "Uỷ ban nhân dân ", "UBND. ", "")
# How a unit's own type is written before its name.
OWN_TYPE = {
    "xã": ("xã ", "Xã ", "X. ", "X.", "XÃ ", "xa "),
    "phường": ("phường ", "Phường ", "P. ", "P.", "F. ", "Phuong "),
    "thị trấn": ("thị trấn ", "Thị trấn ", "TT. ", "TT ", "TT.", "Thị Trấn "),
    "huyện": ("huyện ", "Huyện ", "H. ", "H."),
    "thị xã": ("thị xã ", "Thị xã ", "TX. ", "TX "),
    "thành phố": ("thành phố ", "Thành phố ", "TP. ", "TP ", "Tp. "),
    "quận": ("quận ", "Quận ", "Q. ", "Q."),
}
# How a place is written after the name.
PLACE_TYPE = {
    "huyện": ("H. ", "H.", "huyện ", "Huyện ", "h. "),
    "thị xã": ("TX. ", "TX.", "thị xã ", "Tx ", "Thị xã "),
    "thành phố": ("TP. ", "TP.", "TP ", "thành phố ", "Tp ", "Tp."),
    "quận": ("Q. ", "Q.", "quận ", "Quận "),
    "tỉnh": ("tỉnh ", "Tỉnh ", "tinh "),
}
NUMBERED = ("P{n}", "P.{n}", "P.{nn}", "F{n}", "F.{n}", "Phường {nn}", "phường {n}", "P. {n}", "P {n}", "F{nn}")
OPENERS = (", ", " - ", " – ", " (", " ", "-", " ,", "- ", " – ", ", ")
NOTES = (" (đã gửi)", " - ĐÃ BÁO CÁO", " (gửi lại)", " (bổ sung)", ".", " - đã nộp", " (đã báo cáo)", " ..")


@dataclass(frozen=True)
class Typed:
    text: str
    reading: Reading
    category: str
    target: Place | None = None


def own_type(kind: str, rng: random.Random) -> str:
    return rng.choice(OWN_TYPE[kind])


def place_text(place: Place, rng: random.Random) -> str:
    return rng.choice(PLACE_TYPE[place.kind]) + place.proper


def qualifiers(unit: Place, rng: random.Random) -> tuple[list[Place], str]:
    """Some of the places the unit lies in, written after its name ("" when none chosen)."""
    chain = list(unit.chain)
    if len(chain) == 2:
        chain = rng.choice([chain[:1], chain[:1], chain[1:], chain])
    return chain, join_places(chain, rng)


def join_places(places: list[Place], rng: random.Random) -> str:
    opener = rng.choice(OPENERS)
    inner = rng.choice((", ", " - ", " ", ","))
    body = inner.join(place_text(p, rng) for p in places)
    closer = rng.choice((")", ").", ")")) if opener.endswith("(") else ""
    return opener + body + closer


def as_reading(places: list[Place]) -> tuple[tuple[str, str], ...]:
    return tuple((p.kind, p.proper) for p in places)


def with_places(unit: Place, head: str, reading: Reading, rng: random.Random) -> tuple[str, Reading]:
    places, text = qualifiers(unit, rng)
    return head + text, replace(reading, places=as_reading(places))


def plain(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    return rng.choice(PREFIXES) + own_type(unit.kind, rng) + unit.proper, Reading(unit.kind, unit.proper)


def located(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    head, reading = plain(unit, rng)
    return with_places(unit, head, reading, rng)


def bare(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    return rng.choice(("", "", " ")) + unit.proper + rng.choice(("", "  ", " ")), Reading(None, unit.proper)


def bare_located(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    return with_places(unit, unit.proper, Reading(None, unit.proper), rng)


def untyped(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    head, reading = rng.choice(PREFIXES[:-1]) + unit.proper, Reading(None, unit.proper)
    return with_places(unit, head, reading, rng) if rng.random() < 0.4 else (head, reading)


def numbered(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    n = unit.proper
    head = rng.choice(("", "", "UBND ")) + rng.choice(NUMBERED).format(n=n, nn=n.zfill(2))
    reading = Reading("phường", n)
    return with_places(unit, head, reading, rng) if rng.random() < 0.6 else (head, reading)


def noted(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    text, reading = located(unit, rng) if rng.random() < 0.4 else plain(unit, rng)
    return text + rng.choice(NOTES), reading


def spaced(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    text, reading = located(unit, rng) if rng.random() < 0.4 else plain(unit, rng)
    words = text.split(" ")
    text = "".join(w + (" " * rng.choice((1, 1, 2, 3))) for w in words).rstrip(" ")
    return rng.choice(("  ", " ", "")) + text + rng.choice(("  ", " ", "\t", "")), reading


def accents(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    text, reading = located(unit, rng) if rng.random() < 0.5 else plain(unit, rng)
    if new_style_tones(text) != text and rng.random() < 0.7:
        return new_style_tones(text), reading
    return strip_accents(text), replace(reading, accents=False)


def cased(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    text, reading = located(unit, rng) if rng.random() < 0.5 else plain(unit, rng)
    return rng.choice((str.upper, str.lower, str.title))(text), reading


def mistyped(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    words = unit.proper.split(" ")
    long_words = [i for i, w in enumerate(words) if sum(ch.isalpha() for ch in w) >= 3] or [0]
    i = rng.choice(long_words)
    words[i] = typo(words[i], rng, rng.choice(("substitute", "insert", "delete", "transpose")))
    wrong = " ".join(words)
    head = rng.choice(PREFIXES) + own_type(unit.kind, rng) + wrong
    reading = Reading(unit.kind, unit.proper, typed_proper=wrong)
    return with_places(unit, head, reading, rng) if rng.random() < 0.4 else (head, reading)


def telex(unit: Place, rng: random.Random) -> tuple[str, Reading]:
    """A keyboard left unset: the whole name in raw Telex, or one word of it."""
    text, reading = plain(unit, rng)
    if rng.random() < 0.5:
        return " ".join(raw_telex(w) for w in text.split(" ")), reading
    words = unit.proper.split(" ")
    marked = [i for i, w in enumerate(words) if strip_accents(w) != w] or [0]
    i = rng.choice(marked)
    words[i] = raw_telex(words[i])
    return text[: len(text) - len(unit.proper)] + " ".join(words), reading


Style = Callable[[Place, random.Random], tuple[str, Reading]]
STYLES: dict[str, Style] = {
    "plain": plain, "locality": located, "bare": bare, "bare_locality": bare_located, "no_type": untyped,
    "numbered_short": numbered, "note": noted, "spaces": spaced, "accents": accents, "case": cased,
    "typo": mistyped, "telex": telex,
}
NOT_FOR_NUMBERED = ("bare", "bare_locality", "no_type", "typo", "telex")


def secondary(text: str, reading: Reading, rng: random.Random) -> tuple[str, Reading]:
    """The everyday noise laid over any style: accents dropped, shouting, lower case."""
    roll = rng.random()
    if roll < 0.2 and reading.accents:
        return strip_accents(text), replace(reading, accents=False)
    if roll < 0.3:
        return text.upper(), reading
    if roll < 0.35:
        return text.lower(), reading
    return text, reading


def type_name(unit: Place, style: str, rng: random.Random) -> Typed:
    text, reading = STYLES[style](unit, rng)
    if style not in ("accents", "case", "telex"):
        text, reading = secondary(text, reading, rng)
    return Typed(text, reading, style, unit)
