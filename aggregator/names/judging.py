"""Judging a typed name against candidate roster names, and deciding. Pure, no I/O.

Each candidate is checked with guards a similarity score cannot express, each giving a fit:

- the unit type must agree when both sides state it (phường ≠ xã, tiểu học ≠ mầm non, thị trấn Định
  An ≠ xã Định An). A type word is evidence, not a requirement: "UBND Long Toàn" (no level) and a
  bare "Long Đức" name an administrative unit when it is the only one with that proper name;
- numbers must agree, never fuzzily ("Phường 1" ≠ "Phường 7"; "TH Vĩnh Hải" is neither 1 nor 2);
- a typed place qualifier the unit does not lie in excludes it (``localities``);
- a typed word the roster name does not have is a different name ("Phước Hải" ≠ "Phước Hòa"),
  unless it is no Vietnamese syllable and one edit from the roster's word ("Viettell"); an
  administrative unit's proper name must be typed whole;
- one edit in the proper name ("Hiếu Tring", "Vinh Phuonf", "Châu hành") is a typo when exactly one
  unit is within one edit and no other unit the typed type and places allow is within two, and the
  typed name is no unit's real name;
- diacritics decide only when they must: two units whose names differ only in diacritics are told
  apart by the typed marks, while a unit whose name no other unit shares forgives a wrong mark.

A wrong match silently corrupts an official report, while an unmatched row only waits for review
with its candidates and its reason; every doubt therefore ends unmatched.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import IntEnum
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA

from aggregator.campaign import MatchingSettings
from aggregator.models import Candidate, MatchKind, MatchOutcome
from aggregator.names.candidates import MAX_EDITS
from aggregator.names.keys import Key, is_place, own_rank
from aggregator.names.localities import Chain, KnownPlaces, conflicts
from aggregator.names.marks import apart_by_marks
from aggregator.textnorm import is_syllable

# A failed guard keeps the candidate for review, scored down (more for a worse failure) and capped
# below ``accept`` so it is never accepted: same kind of unit at another level, other numbers,
# a different kind of unit, a word the roster name does not have, another place.
_NEAR_TYPE, _OTHER_NUMBER, _OTHER_TYPE, _OTHER_WORDS, _OTHER_PLACE = 0.9, 0.85, 0.7, 0.8, 0.9
FAR = MAX_EDITS + 1  # edits recorded for proper names further apart than ``MAX_EDITS``


class Fit(IntEnum):
    EXACT = 0  # everything stated agrees
    LEVEL = 1  # typed a unit type without its level ("UBND", "Trường"); fine when unique
    UNTYPED = 2  # typed no type for an administrative unit ("Long Đức"); fine when unique
    TYPO = 3  # the proper name is one edit away; fine when no other unit is near
    VAGUE = 4  # typed no type (other bodies), or no number where the roster has one: never alone
    WRONG = 5  # a guard failed


class Judged(NamedTuple):
    fit: Fit
    score: float
    tones_ok: bool
    unit: int
    edits: int  # between the proper names' letters, ``FAR`` when further than MAX_EDITS
    excluded: bool  # the stated type, numbers, places or committee rule the unit out
    why: str  # the failed guard when only type or place failed: "type", "locality"; else "" or "other"
    reordered: bool = False  # the same words in another order ("Tân Bình" for "Bình Tân")
    # MAX_EDITS letters away, but further once diacritics count (both typed with them): no typo's rival
    apart_by_marks: bool = False


def type_fit(typed: tuple[str, ...] | None, roster: tuple[str, ...] | None) -> Fit:
    if typed == roster or roster is None:  # a roster name without a type has none to disagree with
        return Fit.EXACT
    if typed is None:
        return Fit.UNTYPED if is_place(roster) else Fit.VAGUE
    return Fit.LEVEL if roster[: len(typed)] == typed else Fit.WRONG


def _number_fit(typed: tuple[str, ...], roster: tuple[str, ...]) -> Fit:
    if typed == roster:
        return Fit.EXACT
    return Fit.VAGUE if not typed else Fit.WRONG


def _other_words_fit(typed: tuple[str, ...], roster: tuple[str, ...]) -> Fit:
    """Words the roster has and the typed name lacks only lower the score; the reverse is a
    different name, except a typo: a non-syllable one edit away from a word the roster has."""
    spare = list(roster)
    extra = []
    for word in typed:
        if word in spare:
            spare.remove(word)
        else:
            extra.append(word)
    for word in extra:
        if is_syllable(word) or not any(OSA.distance(word, s, score_cutoff=1) <= 1 for s in spare):
            return Fit.WRONG
    return Fit.EXACT


def _words_fit(typed: Key, roster: Key, edits: int) -> Fit:
    if typed.words == roster.words or (not is_place(roster.head) and _other_words_fit(typed.words, roster.words)
                                       == Fit.EXACT):
        return Fit.EXACT
    return Fit.TYPO if edits == 1 else Fit.WRONG


def tones_agree(typed: Key, roster: Key) -> bool:
    return all(pair in roster.tones for pair in typed.marked if pair[0] in roster.words)


def _doubt(typed: Key, roster: Key, fits: tuple[Fit, ...], elsewhere: bool) -> float:
    """How much the failed guards (type, numbers, words, place) lower a candidate's score."""
    type_fit, number_fit, words_fit, _ = fits
    factor = (_OTHER_WORDS if words_fit == Fit.WRONG else 1.0) * (_OTHER_PLACE if elsewhere else 1.0)
    if number_fit == Fit.WRONG:
        factor *= _OTHER_NUMBER
    if type_fit == Fit.WRONG:
        same_kind = typed.head is not None and roster.head is not None and typed.head[0] == roster.head[0]
        factor *= _NEAR_TYPE if same_kind else _OTHER_TYPE
    return factor


class Judge:
    """Every guard on roster names against one typed name; what repeats among candidates (their
    types, their places) is worked out once."""

    def __init__(self, typed: Key, settings: MatchingSettings, known: KnownPlaces | None = None) -> None:
        self.typed = typed
        self.settings = settings
        self.known = known  # every place the roster knows (``localities.conflicts``)
        self._types: dict[tuple[str, ...] | None, Fit] = {}
        self._elsewhere: dict[tuple[int, str | None, bool], bool] = {}  # (chain id, own rank, numbered)

    def _type(self, head: tuple[str, ...] | None) -> Fit:
        if (fit := self._types.get(head)) is None:
            fit = self._types[head] = type_fit(self.typed.head, head)
        return fit

    def _conflicts(self, chain: Chain, roster: Key) -> bool:
        if not self.typed.places:
            return False
        unit = (id(chain), own_rank(roster.head), bool(roster.numbers))
        if (found := self._elsewhere.get(unit)) is None:
            found = self._elsewhere[unit] = conflicts(self.typed.places, chain, self.known, unit[1], unit[2])
        return found

    def admits(self, roster: Key, chain: Chain) -> bool:
        """Whether the stated type, numbers, committee and places leave the unit possible (cheap)."""
        typed = self.typed
        return (self._type(roster.head) != Fit.WRONG and _number_fit(typed.numbers, roster.numbers) != Fit.WRONG
                and typed.qualifier in (roster.qualifier, ()) and typed.required <= roster.tones
                and not self._conflicts(chain, roster))

    def same_name(self, roster: Key, unit: int) -> Judged:
        """A roster name with the typed proper name, that ``admits`` left possible: only its type and
        numbers may say less than the typed ones (what ``__call__`` finds for it, found at once)."""
        typed = self.typed
        fit = max(self._type(roster.head), _number_fit(typed.numbers, roster.numbers))
        if fit == Fit.LEVEL and not typed.words:
            fit = Fit.VAGUE
        return Judged(fit, 1.0, tones_agree(typed, roster), unit, 0, False, "")

    def __call__(self, roster: Key, chain: Chain, unit: int, similarity: float, edits: int) -> Judged:
        """One roster name of ``unit`` (whose places are ``chain``)."""
        typed = self.typed
        committee = Fit.EXACT if typed.qualifier in (roster.qualifier, ()) else Fit.WRONG
        numbers = Fit.EXACT if typed.numbers == roster.numbers else _number_fit(typed.numbers, roster.numbers)
        words = Fit.EXACT if typed.words == roster.words else _words_fit(typed, roster, edits)
        if not typed.required <= roster.tones:
            words = Fit.WRONG  # a type word read as a name, typed with other diacritics than the unit's
        fits = (self._type(roster.head), numbers, words, committee)
        elsewhere = self._conflicts(chain, roster)
        fit = Fit.WRONG if elsewhere else Fit(max(fits))
        if fit == Fit.LEVEL and not typed.words:  # "UBND" + the home town: the sender, not a unit
            fit = Fit.VAGUE
        reordered = typed.order != roster.order and typed.words == roster.words
        if fit < Fit.VAGUE and reordered:
            fit = Fit.VAGUE  # same words, another order: maybe another place
        excluded = elsewhere or Fit.WRONG in (fits[0], fits[1], committee)
        score = _score(typed, roster, fits, elsewhere, similarity, self.settings) if fit == Fit.WRONG else similarity
        why = _why(typed, roster, fits, elsewhere, edits) if excluded else ""
        return Judged(fit, score, tones_agree(typed, roster), unit, edits, excluded, why, reordered,
                      edits == MAX_EDITS and apart_by_marks(typed, roster))


def _why(typed: Key, roster: Key, fits: tuple[Fit, ...], elsewhere: bool, edits: int) -> str:
    """ "locality" or "type" when the name itself is the unit's and only the place or type differ."""
    same_name = (typed.words == roster.words or edits <= 1) and typed.numbers == roster.numbers
    if not same_name or fits[3] == Fit.WRONG or not (typed.words or typed.numbers):
        return "other"
    return "locality" if elsewhere else "type" if fits[0] == Fit.WRONG else "other"


def _score(typed: Key, roster: Key, fits: tuple[Fit, ...], elsewhere: bool, similarity: float,
           settings: MatchingSettings) -> float:
    return min(similarity * _doubt(typed, roster, fits, elsewhere), settings.accept - 0.01)


def per_unit(judged: Sequence[Judged]) -> list[Judged]:
    """Each unit's best reading, best units first."""
    best: dict[int, Judged] = {}
    for item in judged:
        held = best.get(item.unit)
        if held is None or (item.fit, -item.score, item.edits) < (held.fit, -held.score, held.edits):
            best[item.unit] = item
    return sorted(best.values(), key=lambda j: (-j.score, j.fit, j.unit))


class Decision(NamedTuple):
    outcome: MatchOutcome
    tied: bool  # ambiguous between units that fit equally well: a group hint may break the tie


def _outcome(unit_ids: Sequence[str], kind: MatchKind, shown: Sequence[Judged], limit: int) -> MatchOutcome:
    candidates = tuple(Candidate(unit_ids[j.unit], round(j.score, 2)) for j in shown[:limit])
    score = round(shown[0].score, 2) if shown else 0.0
    return MatchOutcome(kind=kind, unit_id=None, score=score, candidates=candidates)


def in_doubt(unit_ids: Sequence[str], shown: Sequence[Judged], settings: MatchingSettings) -> Decision:
    """Ambiguous between the units ``shown``, best first."""
    return Decision(_outcome(unit_ids, MatchKind.AMBIGUOUS, shown, max(settings.candidates, len(shown))), False)


def _matched(unit_ids: Sequence[str], best: Judged) -> Decision:
    return matched_as(unit_ids[best.unit], round(best.score, 2))


@lru_cache(maxsize=1 << 16)
def matched_as(unit_id: str, score: float) -> Decision:
    """The decision for a unit found (immutable: one for all the rows that name it)."""
    return Decision(MatchOutcome(MatchKind.MATCHED, unit_id, score), False)  # immutable: shared by the rows


def _pick(unit_ids: Sequence[str], sure: list[Judged], strong: list[Judged], settings: MatchingSettings) -> Decision:
    best = max(sure, key=lambda j: (j.tones_ok, j.score))
    rivals = [
        j
        for j in strong
        if j.unit != best.unit and j.score >= best.score - settings.margin and (j.tones_ok or not best.tones_ok)
        and not (j.reordered and not best.reordered)  # "Tân Thạnh" typed as written is not "Thạnh Tân"
    ]
    if not rivals:
        return _matched(unit_ids, best)
    shown = [best, *rivals]
    return Decision(_outcome(unit_ids, MatchKind.AMBIGUOUS, shown, max(settings.candidates, len(shown))), True)


def _typo(unit_ids: Sequence[str], ranked: list[Judged], settings: MatchingSettings) -> Decision | None:
    """One edit from exactly one unit, and no other unit the stated type and places allow within two
    (counting diacritics too when the name was typed with them)."""
    ones = [j for j in ranked if j.fit == Fit.TYPO and j.edits == 1]
    if not ones:
        return None
    near = [j for j in ranked if not j.excluded and j.edits <= MAX_EDITS and j.unit != ones[0].unit
            and not j.apart_by_marks]
    if len({j.unit for j in ones}) == 1 and not near:
        return _matched(unit_ids, ones[0])
    shown = ones + [j for j in near if j not in ones]
    return Decision(_outcome(unit_ids, MatchKind.AMBIGUOUS, shown, max(settings.candidates, len(shown))), False)


def _refused(unit_ids: Sequence[str], ranked: list[Judged], settings: MatchingSettings) -> Decision:
    """Why nothing fits: a unit of that very name elsewhere, or of another type; else no match."""
    whys = {j.why for j in ranked}
    kind = (MatchKind.LOCALITY_CONFLICT if "locality" in whys else
            MatchKind.TYPE_CONFLICT if "type" in whys else MatchKind.NO_MATCH)
    return Decision(_outcome(unit_ids, kind, ranked, settings.candidates), False)


def decide(unit_ids: Sequence[str], judged: Sequence[Judged], settings: MatchingSettings,
           typo_allowed: bool = True) -> Decision:
    """The outcome for one typed name from its judged candidates (``typo_allowed``: the typed proper
    name is nobody's real name, so it may be a typo)."""
    if len({j.unit for j in judged}) == 1:  # one unit: matched when it fits surely, as below
        best = min(judged, key=lambda j: (j.fit, -j.score, j.edits))
        if best.fit <= Fit.UNTYPED and best.score >= settings.accept:
            return _matched(unit_ids, best)
    ranked = per_unit(judged)
    strong = [j for j in ranked if j.fit <= Fit.VAGUE and j.fit != Fit.TYPO and j.score >= settings.accept]
    for tier in (Fit.EXACT, Fit.LEVEL, Fit.UNTYPED):
        sure = [j for j in strong if j.fit == tier]
        if sure:
            return _pick(unit_ids, sure, strong, settings)
    if strong:  # the name fits but says too little: "TH Vĩnh Hải", bare "Thái Nguyên"
        return Decision(_outcome(unit_ids, MatchKind.AMBIGUOUS, strong, max(settings.candidates, len(strong))), True)
    typo = _typo(unit_ids, ranked, settings) if typo_allowed else None
    return typo or _refused(unit_ids, ranked, settings)


def together(decisions: Sequence[Decision], settings: MatchingSettings) -> Decision:
    """Equally likely readings of one name ("Phuong Lien": phường Liên, or Phương Liên): the unit they
    name when they name only that one, ambiguous when they name different units (or one is in doubt)."""
    named = [d for d in decisions if d.outcome.kind in (MatchKind.MATCHED, MatchKind.AMBIGUOUS)]
    if len(named) < 2:
        return named[0] if named else decisions[0]
    units = {c.unit_id for d in named for c in d.outcome.candidates} | {
        d.outcome.unit_id for d in named if d.outcome.unit_id is not None}
    matched = [d for d in named if d.outcome.kind is MatchKind.MATCHED]
    if matched and len(units) == 1:  # every reading points at that one unit; one of them surely
        return matched[0]
    best: dict[str, float] = {}
    for d in named:
        found = d.outcome.candidates or (Candidate(str(d.outcome.unit_id), d.outcome.score),)
        for candidate in found:
            best[candidate.unit_id] = max(best.get(candidate.unit_id, 0.0), candidate.score)
    shown = sorted(best.items(), key=lambda item: -item[1])[: max(settings.candidates, len(named))]
    candidates = tuple(Candidate(unit_id, score) for unit_id, score in shown)
    return Decision(MatchOutcome(MatchKind.AMBIGUOUS, None, candidates[0].score, candidates), False)


def combine(decisions: Sequence[Decision]) -> Decision:
    """The plain reading's decision, unless it found nothing and another reading matched one unit
    (or, matching none, found the name ambiguous: "Lịch Hội Thượng" is no "Hội")."""
    plain = decisions[0]
    if plain.outcome.kind is MatchKind.MATCHED:
        return plain
    matched = {d.outcome.unit_id: d for d in decisions[1:] if d.outcome.kind is MatchKind.MATCHED}
    if len(matched) == 1:
        return next(iter(matched.values()))
    vague = [d for d in decisions[1:] if d.outcome.kind is MatchKind.AMBIGUOUS]
    return vague[0] if vague and plain.outcome.kind is not MatchKind.AMBIGUOUS and not matched else plain
