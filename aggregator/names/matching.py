"""Typed agency names → roster units, the way a careful clerk would match them. Pure, no I/O.

Every name is read into unit type, distinctive words, numbers and place qualifiers (``reading``),
each distinct text once (``typed``). A typed proper name that is some unit's decides among the units of
that name which the typed type, numbers and places allow (``screening``, ``judging``); when they
rule out all of them the row is refused. Any other name is judged against the roster names most
similar to it among those sharing a word or a near word with it (``candidates``, no quadratic
scan), those one edit away and, when one of those may be its typo, all those two edits away.

A typed name may be read more than one way. A type word that may also be part of the proper name
("Phuong Lien": phường Liên or Phương Liên; "trường Lâm") gives two equally likely readings: the row is
matched only when they do not name different units. "Long Đức - Cầu Kè" may be "Long Đức" in a place
called Cầu Kè, and a bracket "(TP. Trà Vinh)" holds places: such a reading is tried when the plain one
matches nothing. The sheet's group column (``Khối``) breaks ties between units of different groups,
never overrides a unique match (``groups``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import TypeVar

import numpy as np
from rapidfuzz import fuzz

from aggregator.campaign import MatchingSettings
from aggregator.models import MatchKind, MatchOutcome, RosterUnit
from aggregator.names.abbreviations import read_folded, read_locality
from aggregator.names.alternatives import names_a_known_place, other_readings, unsigned
from aggregator.names.candidates import NameIndex, build_index
from aggregator.names.contacts import without_signature_line
from aggregator.names.groups import group_reader
from aggregator.names.judging import (
    FAR,
    Decision,
    Fit,
    Judge,
    Judged,
    combine,
    decide,
    in_doubt,
    matched_as,
    together,
)
from aggregator.names.keys import Key, is_place, key_of, self_place
from aggregator.names.localities import Chain, Place, known_places, unit_chains
from aggregator.names.marks import contradicted, one_mark_off
from aggregator.names.reading import NAMED_TRAPS, read_name
from aggregator.names.screening import Screen, build_screen
from aggregator.names.typed import Reader
from aggregator.names.vocabulary import Vocabulary, case_keys, learn_vocabulary
from aggregator.textnorm import is_syllable

_INITIALS = 0.75  # "P.VH" may be Vĩnh Hải or Vĩnh Hòa: shown, never accepted
_FEW = 24  # below this many keys, screening one by one beats arrays
_INITIAL_LEVELS: dict[str | None, str] = {"thanh pho": "tp", "thi xa": "tx"}  # "TPST": thành phố Sóc Trăng
K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class Matcher:
    """A roster prepared for matching: build once per roster with ``build_matcher``."""

    settings: MatchingSettings
    vocabulary: Vocabulary
    unit_ids: tuple[str, ...]
    group_of: Mapping[str, str]  # unit id → group code
    chains: tuple[Chain, ...]  # per unit: every place it lies in (``localities.unit_chains``)
    keys: tuple[Key, ...]  # one per distinct name of a unit (name, short name, aliases)
    owners: tuple[int, ...]  # key index → unit index
    ordered: Mapping[tuple[str, ...], tuple[int, ...]]  # proper name's words, any type or number → keys
    name_keys: tuple[tuple[int, ...], ...]  # distinct proper name (``index``) → keys that have it
    index: NameIndex  # the distinct proper names by word
    screen: Screen  # what typed types, numbers and places rule out, for many keys at once
    read_group: Callable[[object], str | None]  # a typed group hint → the group code it names
    reader: Reader  # typed names → their readings, each distinct text read once
    marked: bool = True  # the roster writes diacritics (most names have some): typed marks are evidence

    @cached_property
    def place_names(self) -> frozenset[tuple[str, ...]]:
        """The proper names of every place the roster knows: in the units' chains, and the places that are
        units ("UBND phường Trần Phú"): a segment naming one is never taken for a person (contacts.py)."""
        return frozenset({place.name for chain in self.chains for place in chain}
                         | {key.order for key in self.keys if is_place(key.head)})

    @cached_property
    def initials(self) -> Mapping[str, tuple[int, ...]]:
        """Initials of a name's words (two or more) → key indices."""
        return {k: v for k, v in _grouped([key.initials for key in self.keys]).items() if len(k) > 1}


def _unit_keys(unit: RosterUnit, reader: Reader) -> tuple[list[Key], list[Place]]:
    if not unit.short_name and not unit.aliases and (typed := reader.typed(unit.name)) and len(typed.variants) == 1:
        parts = typed.current(reader.vocab).plain  # one name, no bracket: the common case
        key = key_of(parts, keep_places=False)
        if not parts.places:
            typed.own = key
        return [key], list(dict.fromkeys(parts.places)) if parts.places else []
    keys: dict[tuple[object, ...], Key] = {}
    places: list[Place] = []
    for name in (unit.name, unit.short_name, *unit.aliases):
        if not name or (typed := reader.typed(name)) is None:
            continue
        places += [p for p in typed.in_brackets if p not in places]  # "… (huyện Cầu Kè)": where it lies
        for index, variant in enumerate(typed.variants[: 1 if typed.in_brackets else 2]):
            parts = typed.current(reader.vocab).plain if index == 0 else read_name(variant, reader.vocab)
            places += [p for p in parts.places if p not in places]
            key = key_of(parts, keep_places=False)
            keys.setdefault((*key.exact, key.tones), key)
            if index == 0 and not parts.places and not typed.in_brackets:
                typed.own = key  # typed as written, the name reads as this very key
    return list(keys.values()), places


def _grouped(items: Sequence[K]) -> dict[K, tuple[int, ...]]:
    out: defaultdict[K, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        out[item].append(index)
    return {k: tuple(v) for k, v in out.items()}


def _interned(chains: Sequence[Chain]) -> tuple[Chain, ...]:
    """Equal chains as one object: units of a district share it, and judging remembers it by identity."""
    seen: dict[Chain, Chain] = {}
    return tuple(seen.setdefault(chain, chain) for chain in chains)


def _with_names(vocab: Vocabulary, chains: Sequence[Chain], keys: Sequence[Key]) -> Vocabulary:
    """What the roster teaches about typed names: "TPST", "TP.ST", "TXDH" are a city or town written as
    its initials, when no other place has them; type words some unit's name has ("Phường Đúc")."""
    found: defaultdict[str, set[str]] = defaultdict(set)
    for place in {p for chain in chains for p in chain if p.level in _INITIAL_LEVELS}:
        if all(word.isalpha() for word in place.name):
            key = _INITIAL_LEVELS[place.level] + "".join(word[0] for word in place.name)
            found[key].add(f"{place.level} {' '.join(place.name)}")
    extra = {key: next(iter(v)) for key, v in found.items() if len(v) == 1 and key not in vocab.abbreviations}
    named = frozenset(pair for key in keys for pair in key.tones if pair[0] in NAMED_TRAPS)
    abbreviations = {**vocab.abbreviations, **extra}
    return replace(vocab, abbreviations=abbreviations, named_types=named,
                   named_type_words=frozenset(word for word, _ in named),
                   case_keys=case_keys(abbreviations, vocab.contextual), chunks={}, finals={}, inner={})


def _read_roster(units: Sequence[RosterUnit], reader: Reader
                 ) -> tuple[list[Key], list[int], list[Chain], list[Place | None]]:
    """Every unit's keys, their owners, the places each unit is known to lie in, the place it is."""
    vocab = reader.vocab
    reader.prepare(name for unit in units for name in (unit.name, unit.short_name, *unit.aliases) if name)
    homes = tuple(Place(None, home) for home in vocab.homes)
    keys: list[Key] = []
    owners: list[int] = []
    own: list[Chain] = []
    selves: list[Place | None] = []
    localities: dict[str, Chain] = {}  # units of a district share their locality text
    for index, unit in enumerate(units):
        unit_keys, named = _unit_keys(unit, reader)
        keys += unit_keys
        owners += [index] * len(unit_keys)
        if (chain := localities.get(unit.locality)) is None:
            chain = localities[unit.locality] = read_locality(unit.locality, vocab)
        own.append(chain + tuple(named) + homes if named or homes else chain)
        selves.append(self_place(unit_keys[0]) if unit_keys else None)
    return keys, owners, own, selves


def build_matcher(units: Sequence[RosterUnit], settings: MatchingSettings, *, area: str = "",
                  groups: Mapping[str, str] | None = None) -> Matcher:
    """Precompute the keys of every roster name, short name and alias, and every unit's places.

    ``area``: the campaign's own area, innermost first ("thành phố Nha Trang, tỉnh Khánh Hòa");
    ``groups``: the campaign's group codes and labels, for the sheet's group column.
    """
    located = any(u.locality.strip() for u in units)
    vocab = learn_vocabulary(((u.name, (u.short_name, *u.aliases)) for u in units), homes=not located)
    reader = Reader(vocab)
    keys, owners, own, selves = _read_roster(units, reader)
    chains = _interned(unit_chains(own, selves, read_locality(area, vocab)))
    completed = _with_names(vocab, chains, keys)
    reader.rebind(completed, set(completed.abbreviations) - set(vocab.abbreviations))
    reader.slim()
    vocab = completed
    by_name = _grouped([key.spelled for key in keys])
    return Matcher(
        settings=settings,
        vocabulary=vocab,
        unit_ids=tuple(u.unit_id for u in units),
        group_of={u.unit_id: u.group for u in units},
        chains=chains,
        keys=tuple(keys),
        owners=tuple(owners),
        ordered=_grouped([key.order for key in keys]),
        name_keys=tuple(by_name.values()),
        index=build_index(list(by_name)),
        screen=build_screen(keys, [chains[owner] for owner in owners], known_places(chains, selves)),
        read_group=group_reader(groups or {}, lambda text: read_folded(text, vocab)),
        reader=reader,
        marked=2 * sum(not unit.name.isascii() for unit in units) >= len(units),
    )


def _judge(matcher: Matcher, judge: Judge, index: int, similarity: float, edits: int = FAR) -> Judged:
    unit = matcher.owners[index]
    return judge(matcher.keys[index], matcher.chains[unit], unit, similarity, edits)


def _initials_guesses(matcher: Matcher, judge: Judge) -> list[Judged]:
    """ "P.VH": an unknown all-letters word may be the initials of a roster name (shown, never accepted)."""
    typed = judge.typed
    if len(typed.words) != 1 or is_syllable(typed.words[0]):
        return []
    guesses = []
    for index in matcher.initials.get(typed.words[0], ()):
        judged = _judge(matcher, judge, index, _INITIALS)
        guesses.append(judged._replace(fit=max(judged.fit, Fit.VAGUE), score=min(judged.score, _INITIALS)))
    return guesses


def _similarity(typed: Key, roster: Key) -> float:
    if typed.words == roster.words:
        return 1.0
    return fuzz.ratio(typed.text, roster.text) / 100 if typed.text and roster.text else 0.0


def _worth_judging(matcher: Matcher, typed: Key, keys: Sequence[int]) -> Sequence[int]:
    """Keys of a similar name worth judging: an administrative unit must be named with its own words
    (or one typo, found by edits), so of those only one is judged, to be shown as a candidate."""
    if matcher.keys[keys[0]].text == typed.text:
        return keys
    others = [key for key in keys if not is_place(matcher.keys[key].head)]
    return others if len(others) == len(keys) else [*others, next(k for k in keys if k not in others)]


def _pool(matcher: Matcher, judge: Judge) -> list[Judged]:
    """Judge the roster names worth judging for a name that is no unit's: the most similar, those one
    edit away, and (only when one of them fits as a typo) every name two edits away, its rivals. Names
    the stated type or places rule out are judged only as far as needed to show some and say why."""
    typed, shown = judge.typed, matcher.settings.candidates
    near, shared = matcher.index.gather(typed.words)
    similar = [key for name in (matcher.index.most_similar(typed.text, near, shared) if len(near) else ())
               for key in _worth_judging(matcher, typed, matcher.name_keys[name])]
    ones = [key for name in matcher.index.one_edit(typed.spelled) for key in matcher.name_keys[name]]
    possible = set(_admitted(matcher, judge, similar + ones))
    chosen = possible | set(similar[:shown]) | set([key for key in ones if key not in possible][:shown])
    edits = dict.fromkeys(ones, 1)
    judged = {key: _judge(matcher, judge, key, _similarity(typed, matcher.keys[key]), edits.get(key, FAR))
              for key in chosen}
    if len({j.unit for j in judged.values() if j.fit == Fit.TYPO}) == 1:  # accepted only without rivals within two
        twos = [key for name, count in matcher.index.within_edits(typed.spelled).items() if count == 2
                for key in matcher.name_keys[name]]
        judged.update({key: _judge(matcher, judge, key, _similarity(typed, matcher.keys[key]), 2)
                       for key in _admitted(matcher, judge, twos)})
    return [*judged.values(), *_initials_guesses(matcher, judge)]


def _admitted(matcher: Matcher, judge: Judge, keys: Sequence[int]) -> list[int]:
    """The keys the typed type, numbers and places leave possible (arrays for many, a loop for few)."""
    if len(keys) > _FEW:
        array = np.asarray(keys, dtype=np.int32)
        admitted: list[int] = array[matcher.screen.admitted(judge.typed, array)].tolist()
        return admitted
    return [key for key in keys if judge.admits(matcher.keys[key], matcher.chains[matcher.owners[key]])]


def _resolve_one(matcher: Matcher, typed: Key) -> Decision:
    if typed.head is None and not typed.words and not typed.numbers:  # only the home town, or notes
        return Decision(MatchOutcome(MatchKind.NO_MATCH, None, 0.0), False)
    if typed.toned and not matcher.marked:  # a roster without diacritics: typed marks cannot tell names apart
        typed = typed._replace(toned="")
    judge = Judge(typed, matcher.settings, matcher.screen.known)
    same = matcher.ordered.get(typed.order, ())  # the same words in the same order: any type, any numbers
    if not same:  # no unit's name: a typo, a name with words missing or added, or nobody's
        return decide(matcher.unit_ids, _pool(matcher, judge), matcher.settings)
    if len(same) == 1 and matcher.keys[same[0]] == typed:  # the only unit of that name, typed as written
        return matched_as(matcher.unit_ids[matcher.owners[same[0]]], 1.0)
    # The name of a unit, typed as written: it decides. When the stated type or places rule out every
    # unit of that name, the row is refused; it is no other unit's name with words missing.
    if possible := _admitted(matcher, judge, same):
        judged = [judge.same_name(matcher.keys[i], matcher.owners[i]) for i in possible]
        # "Phước Hậi": Phước Hải's letters, Phước Hậu's ậ
        contradicted_all = typed.toned and all(contradicted(typed, matcher.keys[i]) for i in possible)
        if contradicted_all and (doubts := [*_marked_typos(matcher, judge, set(same)),
                                            *_marked_otherwise(matcher, judge, same, possible)]):
            return in_doubt(matcher.unit_ids, [*judged, *doubts], matcher.settings)
    else:
        judged = [_judge(matcher, judge, i, 1.0, 0) for i in same]
    return decide(matcher.unit_ids, judged, matcher.settings, typo_allowed=False)


def _marked_otherwise(matcher: Matcher, judge: Judge, same: Sequence[int], possible: Sequence[int]) -> list[Judged]:
    """Units whose name has the typed marks that only the stated type rules out, for a name whose marks no
    unit of that type has: "xã Bình Thạnh" when the roster holds xã Bình Thành and phường Bình Thạnh is a
    wrong mark or a wrong type, and the row waits for review."""
    admitted = set(possible)
    found = [_judge(matcher, judge, i, 1.0, 0) for i in same
             if i not in admitted and not contradicted(judge.typed, matcher.keys[i])]
    return [j for j in found if j.why == "type"]


def _marked_typos(matcher: Matcher, judge: Judge, same: set[int]) -> list[Judged]:
    """Units one letter from the typed name, also with the marks the clerk typed, that the stated type and
    places allow (for a name whose letters are a unit's but whose marks are not)."""
    typed = judge.typed
    ones = [key for name in matcher.index.one_edit(typed.spelled) for key in matcher.name_keys[name]
            if key not in same and one_mark_off(typed, matcher.keys[key])]
    return [_judge(matcher, judge, key, _similarity(typed, matcher.keys[key]), 1)
            for key in _admitted(matcher, judge, ones)]


_NOTHING = Decision(MatchOutcome(MatchKind.NO_MATCH, None, 0.0), False)  # a reading that names no unit


def _can_name(matcher: Matcher, typed: Key) -> bool:
    """Whether a reading may name some unit, surely or as a typo: a unit's name has its words in that
    order, or every syllable of it (a name may have more words than typed, or a non-syllable one edit
    off), or is one edit from it. Any other reading is refused whatever is judged (``judging``)."""
    if typed.order in matcher.ordered:
        return True
    if matcher.index.together({word for word in typed.words if is_syllable(word)}):
        return True
    return bool(matcher.index.one_edit(typed.spelled))


def _tie_break(matcher: Matcher, decision: Decision, hint: object) -> MatchOutcome:
    """A group hint settles a tie between units of different groups when it names one of them."""
    outcome = decision.outcome
    if not decision.tied or (code := matcher.read_group(hint)) is None:
        return outcome
    group_of = matcher.group_of
    tied = [c for c in outcome.candidates if c.score >= matcher.settings.accept]
    chosen = [c for c in tied if group_of[c.unit_id] == code]
    if len(chosen) != 1 or len({group_of[c.unit_id] for c in tied}) < 2:
        return outcome
    return MatchOutcome(MatchKind.MATCHED, chosen[0].unit_id, chosen[0].score)


def _judged(matcher: Matcher, text: str, decide_all: Callable[[Sequence[Key], bool], Decision]) -> Decision | None:
    """A typed text's decision: its plain reading, or when that names no unit, its other readings too (a place
    typed bare, the name without the person who signed it); None for a text that is no name."""
    reader, vocab = matcher.reader, matcher.vocabulary
    if (typed := reader.typed(text)) is None:
        return None
    if (decision := typed.decision) is None:  # names typed alike (as written, in capitals) share their reading
        decision = decide_all(typed.keys(vocab, matcher.index.together), True)
        if decision.outcome.kind is not MatchKind.MATCHED:
            others = [decide_all(keys, False) for keys in other_readings(typed, vocab, matcher.index)]
            if (cut := unsigned(typed, vocab, matcher.place_names)) and (signed := _judged(matcher, cut, decide_all)):
                others.append(signed)  # "Phòng Y tế - Nguyễn Thị Mai": read without who reported
            decision = combine([decision, *others])
        typed.settle(decision)
    # a signature on a line of its own shows only in the cell as typed (cleaning joins the lines): judged for this
    # text alone, never kept with the reading it shares with the same words on one line
    if decision.outcome.kind is not MatchKind.MATCHED and (lines := without_signature_line(text)) is not None \
            and not names_a_known_place(lines[1], vocab, matcher.place_names) \
            and (signed := _judged(matcher, lines[0], decide_all)):
        decision = combine([decision, signed])
    return decision


def match_names(matcher: Matcher, names: Sequence[str], group_hints: Sequence[object] | None = None
                ) -> list[MatchOutcome]:
    """One outcome per name, in input order; ``group_hints`` is the sheet's group column, row by row.
    Each distinct name is read and judged once; other readings only when the plain one is unmatched."""
    decided: dict[Key, Decision] = {}

    def decide(key: Key) -> Decision:
        return decided.get(key) or decided.setdefault(key, _resolve_one(matcher, key))

    def decide_all(keys: Sequence[Key], plain: bool = True) -> Decision:
        """The readings of a name, the first one the plain reading (``plain``): a reading that cannot
        name any unit is left out (it would only be refused), unless it is the plain one, which says why."""
        found = [decide(key) for i, key in enumerate(keys) if (plain and i == 0) or _can_name(matcher, key)]
        return found[0] if len(found) == 1 else together(found or [_NOTHING], matcher.settings)

    per_name: dict[object, Decision] = {}
    texts = {name: "" if name is None or (isinstance(name, float) and name != name) else str(name)  # NaN
             for name in dict.fromkeys(names)}
    matcher.reader.prepare(texts.values())
    for name, text in texts.items():
        if (decision := _judged(matcher, text, decide_all)) is not None:
            per_name[name] = decision
    no_name = MatchOutcome(MatchKind.NO_NAME, None, 0.0)
    outcome_of = {name: decision.outcome for name, decision in per_name.items()}
    tied = {name for name, decision in per_name.items() if decision.tied} if group_hints is not None else set()
    if group_hints is None or not tied:
        return [outcome_of.get(name, no_name) for name in names]
    return [_tie_break(matcher, per_name[name], hint) if name in tied else outcome_of.get(name, no_name)
            for name, hint in zip(names, group_hints, strict=True)]
