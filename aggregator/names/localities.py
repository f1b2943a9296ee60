"""Localities: the places a unit lies in, and the place qualifiers clerks type after a name. Pure.

A place is a level and a proper name, both folded: ``huyện Cầu Kè`` is ``("huyen", ("cau", "ke"))``.
Clerks qualify names with the district or province ("UBND xã Thạnh Phú, H. Cầu Kè", "UBND Phuong 1
(TP. Tra Vinh)"); once abbreviations are expanded (``abbreviations.read_name``) those qualifiers are
trailing runs of level word + name. A unit's **chain** is every place it is known to lie in: its
roster ``locality``, places named in its roster name, the locality of the roster unit that *is* its
outermost place (a commune in "huyện Cầu Kè" inherits the district unit's "tỉnh Trà Vinh"), the
roster's one province when the localities name a single one, and the campaign's own ``area``.

A typed qualifier **agrees** with a unit when its chain holds the same place; otherwise it names
another area and excludes the unit (``conflicts``): a commune of another district or province is
never merged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from aggregator.textnorm import fold_word, is_syllable

# Level words as read (folded), longest first; "thành phố" is a city of a province or a province itself.
LEVELS: tuple[tuple[str, ...], ...] = (
    ("thanh", "pho"), ("thi", "xa"), ("thi", "tran"), ("tinh",), ("huyen",), ("quan",), ("phuong",), ("xa",), ("t",),
)  # fmt: skip
_ALIASES = {"t": "tinh"}  # "T. Sóc Trăng" in addresses
_LEVEL_STARTS = frozenset(level[0] for level in LEVELS)
_PROVINCE_RANK = frozenset({"tinh", "thanh pho"})
_COMMITTEE_WORD = "uy"  # "huyện ủy", "tỉnh ủy": a party committee, not a place


class Place(NamedTuple):
    level: str | None  # "huyen", "thanh pho", …; None when typed without one ("- Cầu Kè")
    name: tuple[str, ...]  # folded words, numbers as typed without leading zeros ("quận 3" → ("3",))


Chain = tuple[Place, ...]


def level_at(words: Sequence[str], start: int) -> tuple[str, int] | None:
    """The level word that opens ``words[start:]`` and its size, unless it opens "huyện ủy" and the like."""
    if start >= len(words) or words[start] not in _LEVEL_STARTS:
        return None
    for level in LEVELS:
        end = start + len(level)
        if tuple(words[start:end]) == level and (end >= len(words) or words[end] != _COMMITTEE_WORD):
            joined = " ".join(level)
            return _ALIASES.get(joined, joined), len(level)
    return None


def _number(word: str) -> str:
    return word.lstrip("0") or "0" if word.isdigit() else word


def read_places(words: Sequence[str], keys: Sequence[str] | None = None) -> tuple[Place, ...] | None:
    """Folded words that are nothing but places ("huyen cau ke tinh tra vinh"), or None.

    ``keys``: the words as levels are read (``heads.level_keys``: "Tịnh" is no tỉnh); the words themselves
    by default. A one-word name is a number ("quận 3"), no Vietnamese syllable ("huyện KBang") or a city's
    name ("thành phố Huế"): in "quân sự tỉnh Trà Vinh" "quân sự" is no district, in "Mỹ Tịnh An" "tịnh An"
    is no province.

    >>> read_places("huyen cau ke tinh tra vinh".split())
    (Place(level='huyen', name=('cau', 'ke')), Place(level='tinh', name=('tra', 'vinh')))
    """
    keys = words if keys is None else keys
    places: list[Place] = []
    i = 0
    while i < len(words):
        found = level_at(keys, i)
        if found is None:
            return None
        level, size = found
        end = _name_end(words, keys, i + size)
        one_word = end - i - size == 1 and is_syllable(words[end - 1])  # "quận 3", "huyện KBang" are names
        if end == i + size or (one_word and level != "thanh pho"):
            return None  # a level word without a name, or a one-word name that is no city's ("thành phố Vinh")
        places.append(Place(level, tuple(_number(w) for w in words[i + size : end])))
        i = end
    return tuple(places) if places else None


def _name_end(words: Sequence[str], keys: Sequence[str], start: int) -> int:
    """Where a place's name that starts at ``start`` ends: at the next level word, unless the name has no
    syllable yet or one (no place's name but a number's or a city's is that short) and what follows from
    that word is no place: then the word is the name's ("huyện Quan Hóa", "huyện Nho Quan", "xã Văn
    Phuong", "TINH HA TINH", typed without the marks that tell Quan from quận, Tinh from tỉnh)."""
    end = start
    while end < len(words):
        if level_at(keys, end) is not None:
            short = end - start == 0 or (end - start == 1 and is_syllable(words[start]))
            if not short or read_places(words[end:], keys[end:]) is not None:
                break
        end += 1
    return end


def split_trailing(words: Sequence[str], first: int = 1, keys: Sequence[str] | None = None
                   ) -> tuple[int, tuple[Place, ...]]:
    """Where the trailing place qualifiers start (``len(words)`` when none), and those places.

    ``first`` words at least stay in front: "Thị trấn Tĩnh Túc" keeps its name, "UBND huyện Cầu Kè"
    its unit (the head is already gone); "Công an | huyện Cầu Kè" may be all place (``first=0``).
    """
    keys = words if keys is None else keys
    for start in range(first, len(words) - 1):
        if level_at(keys, start) is not None and (places := read_places(words[start:], keys[start:])):
            return start, places
    return len(words), ()


def parse_locality(segments: Iterable[tuple[Sequence[str], Sequence[str]]]) -> Chain:
    """Places from the segments of a locality text ("huyện Cầu Kè", "tỉnh Trà Vinh"), each as its folded
    words and their level keys; a segment without a level word is a place of unknown level."""
    chain: list[Place] = []
    for words, keys in segments:
        if not words:
            continue
        places = read_places(words, keys)
        chain.extend(places if places else [Place(None, tuple(_number(w) for w in words))])
    return tuple(chain)


def _same_level(typed: str | None, known: str | None) -> bool:
    return typed is None or known is None or typed == known


def _holds(chain: Chain, name: tuple[str, ...], level: str | None) -> bool:
    return any(name == known.name and _same_level(level, known.level) for known in chain)


def agrees(place: Place, chain: Chain) -> bool:
    """Whether the chain holds the place: same name, and the same level when both are known. A
    place typed with an outer one's name after it, without its level ("H. Long Phú, Sóc Trăng"
    reads as huyện "Long Phú Sóc Trăng"), agrees when the chain holds both."""
    return _agreed(place, lambda name, level: _holds(chain, name, level))


def _agreed(place: Place, holds: Callable[[tuple[str, ...], str | None], bool]) -> bool:
    """``agrees`` over any collection of places, ``holds(name, level)`` telling whether it has one; a word kept
    as typed because it is a letter from a roster word that is no syllable ("Roong", beside xã Kroong) is also
    read as the raw Telex it may be: "huyện Tu Mơ Roong" is huyện Tu Mơ Rông."""
    if _agreed_as(place.name, place.level, holds):
        return True
    decoded = tuple(part for word in place.name for part in fold_word(word).split())
    return decoded != place.name and _agreed_as(decoded, place.level, holds)


def _agreed_as(name: tuple[str, ...], level: str | None, holds: Callable[[tuple[str, ...], str | None], bool]
               ) -> bool:
    return holds(name, level) or any(holds(name[:cut], level) and holds(name[cut:], None)
                                     for cut in range(1, len(name)))


class KnownPlaces:
    """Every place a roster knows (where its units lie, and the units that are places: "UBND huyện Cầu Kè"),
    looked up by name: ``agrees`` as a chain of them all would answer, without walking thousands of places."""

    def __init__(self, places: Iterable[Place] = ()) -> None:
        levels: dict[tuple[str, ...], set[str | None]] = {}
        for place in places:
            levels.setdefault(place.name, set()).add(place.level)
        self._levels = {name: frozenset(found) for name, found in levels.items()}
        self._agrees: dict[Place, bool] = {}

    def __bool__(self) -> bool:
        return bool(self._levels)

    def _holds(self, name: tuple[str, ...], level: str | None) -> bool:
        levels = self._levels.get(name)
        return levels is not None and (level is None or None in levels or level in levels)

    def agrees(self, place: Place) -> bool:
        """``localities.agrees(place, <every known place>)``."""
        if (found := self._agrees.get(place)) is None:
            found = self._agrees[place] = _agreed(place, self._holds)
        return found


def conflicts(places: Sequence[Place], chain: Chain, known: KnownPlaces | None = None, own: str | None = None,
              numbered: bool = False) -> bool:
    """Whether some typed place is not one the unit lies in (then the unit is excluded).

    Unless the chain knows no place of the unit at that rank, the typed place is coarser than the unit
    itself (``own``: the rank of a unit that is a place, "district" for "UBND huyện Cầu Kè"; None for other
    bodies), the roster knows it (``known``) and the unit's name has no number: a commune typed with its
    district ("UBND xã Long Đức, huyện Long Phú") in a roster without ``locality`` whose district units
    name that district, under a campaign ``area`` that names the province only. A district the roster does
    not know ("huyện Nho Quan", another province's) still excludes the unit, and so does any other district
    for a numbered ward (Phường 5 is in many districts, and typed with one it may be none of the roster's)."""
    return any(not agrees(place, chain) and (numbered or known is None or not _vouched(place, chain, known, own))
               for place in places)


_RANKS = {"tinh": "province", "huyen": "district", "quan": "district", "thi xa": "district", "thanh pho": "district",
          "xa": "commune", "phuong": "commune", "thi tran": "commune"}
_ORDER = {"commune": 0, "district": 1, "province": 2}


def level_rank(level: str | None) -> str | None:
    """A level's rank: "province", "district" or "commune" (a city counts as a district), None for none."""
    return _RANKS.get(level) if level is not None else None


def _rank(place: Place, chain: Chain = ()) -> str | None:
    """A place's rank; a city is a province when it is the chain's province ("thành phố Cần Thơ")."""
    if place.level == "thanh pho" and chain and _is_province(place, chain):
        return "province"
    return level_rank(place.level)


def _vouched(place: Place, chain: Chain, known: KnownPlaces, own: str | None) -> bool:
    """Whether a typed place the chain does not hold may still be where the unit lies (see ``conflicts``)."""
    rank = _rank(place)
    return (rank is not None and (own is None or _ORDER[rank] > _ORDER[own])
            and all(_rank(q, chain) != rank for q in chain) and known.agrees(place))


def known_places(chains: Iterable[Chain], selves: Iterable[Place | None]) -> KnownPlaces:
    """Every place a roster knows: where its units lie, and the units that are places ("UBND huyện Cầu Kè")."""
    return KnownPlaces([*(place for chain in set(chains) for place in chain), *filter(None, selves)])


def _is_province(place: Place, chain: Chain) -> bool:
    return place.level == "tinh" or (place.level in _PROVINCE_RANK and len(chain) > 1 and place == chain[-1])


def _extend(chain: Chain, parents: dict[Place, Chain]) -> Chain:
    """Follow the outermost place to the roster unit that is that place, and on to its own places."""
    seen = set(chain)
    while chain and (parent := parents.get(chain[-1])):
        fresh = tuple(p for p in parent if p not in seen)
        if not fresh:
            break
        seen.update(fresh)
        chain = chain + fresh
    return chain


def unit_chains(own: Sequence[Chain], selves: Sequence[Place | None], area: Chain) -> tuple[Chain, ...]:
    """Every unit's chain from its own places (``locality`` and places in its names), the place each
    unit is (``selves``: "UBND huyện Cầu Kè" is huyện Cầu Kè, None for other bodies) and the area."""
    parents = {self_: chain for self_, chain in zip(selves, own, strict=True) if self_ is not None and chain}
    chains = [_extend(chain, parents) for chain in own]
    provinces = {p for chain in chains for p in chain if _is_province(p, chain)}
    implied = tuple(provinces) if len(provinces) == 1 else ()  # the roster's one province
    out = []
    for chain in chains:
        missing = tuple(p for p in implied if chain and not any(_is_province(q, chain) for q in chain))
        out.append(chain + missing + tuple(p for p in area if p not in chain))
    return tuple(out)
