"""Typed agency names → roster units, the way a careful clerk would match them. Pure, no I/O.

Every name is read into unit type, distinctive words and numbers (``abbreviations.read_name``).
An exact hit on a roster name, short name or alias decides at once; otherwise the distinct typed
names are scored against the roster with one vectorised ``rapidfuzz.process.cdist`` and the best
few candidates of each are judged with guards that a similarity score alone cannot express:

- the unit type must agree when both sides state it (phường ≠ xã, tiểu học ≠ mầm non);
- numbers must agree ("TH Vĩnh Hải" is neither "TH Vĩnh Hải 1" nor "2": ambiguous, not a guess);
- a typed word the roster name does not have is a different name ("Phước Hải" ≠ "Phước Hòa",
  "Tỉnh ủy" ≠ "Thành ủy"), unless it is no Vietnamese syllable at all and one edit away from the
  roster's word (a typo such as "Viettell");
- diacritics are compared only when they must decide: two units whose names differ only in
  diacritics are told apart by the typed marks, while a unit whose name no other unit shares
  forgives a wrong mark ("Vĩnh Hãi", "Lôc Thọ", "Đòan").

A wrong match silently corrupts an official report, while an unmatched row only waits for review
with its candidates; every doubt therefore ends as AMBIGUOUS or NO_MATCH.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import NamedTuple

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from aggregator.campaign import MatchingSettings
from aggregator.models import Candidate, MatchKind, MatchOutcome, RosterUnit
from aggregator.names.abbreviations import NameParts, Vocabulary, learn_vocabulary, name_variants, read_name
from aggregator.textnorm import is_syllable, tone_key

_TOP = 8  # roster texts judged per typed name; all units sharing a text are judged together
_BLOCK = 1024  # typed names per cdist call, to bound the score matrix (block × roster texts)
_FLOOR = 40.0  # cdist score_cutoff: below this nothing is worth showing as a candidate
# A failed guard keeps the candidate for review, scored down (more for a worse failure) and capped
# below ``accept`` so it is never accepted: same kind of unit at another level, other numbers,
# a different kind of unit, a word the roster name does not have.
_NEAR_TYPE, _OTHER_NUMBER, _OTHER_TYPE, _OTHER_WORDS = 0.9, 0.85, 0.7, 0.8
_INITIALS = 0.75  # "P.VH" may be Vĩnh Hải or Vĩnh Hòa: shown, never accepted


class _Fit(IntEnum):
    EXACT = 0  # everything stated agrees
    LEVEL = 1  # typed a unit type without its level ("Trường" for "Trường THCS"); fine when unique
    VAGUE = 2  # typed no unit type, or no number where the roster has one: never accepted alone
    WRONG = 3  # a guard failed


@dataclass(frozen=True)
class _Key:
    """One name as compared: type, sorted distinctive words, numbers, diacritics of the words."""

    head: tuple[str, ...] | None
    words: tuple[str, ...]  # sorted: similarity ignores word order
    order: tuple[str, ...]  # as written: "Hạ An" and "An Hạ" are two places
    numbers: tuple[str, ...]
    qualifier: tuple[str, ...]
    tones: frozenset[tuple[str, str]]  # (folded, tone key) of every word
    marked: frozenset[tuple[str, str]]  # the same for words typed with diacritics
    initials: str

    @property
    def exact(self) -> tuple[object, ...]:
        return (self.head, self.order, self.numbers, self.qualifier)

    @property
    def text(self) -> str:
        return " ".join(self.words)


class _Judged(NamedTuple):
    fit: _Fit
    score: float
    tones_ok: bool
    unit: int


@dataclass(frozen=True)
class Matcher:
    """A roster prepared for matching: build once per roster with ``build_matcher``."""

    settings: MatchingSettings
    vocabulary: Vocabulary
    unit_ids: tuple[str, ...]
    keys: tuple[_Key, ...]  # one per distinct name of a unit (name, short name, aliases)
    owners: tuple[int, ...]  # key index → unit index
    exact: Mapping[tuple[object, ...], tuple[int, ...]]  # exact form → key indices
    texts: tuple[str, ...]  # distinct key texts: the cdist choices
    text_keys: tuple[tuple[int, ...], ...]  # text index → key indices
    initials: Mapping[str, tuple[int, ...]]  # initials of the words → key indices


def _key(parts: NameParts) -> _Key:
    pairs = [(word.folded, tone_key(word.toned)) for word in parts.body]
    marked = [pair for pair, word in zip(pairs, parts.body, strict=True) if not word.toned.isascii()]
    return _Key(
        head=parts.head,
        words=tuple(sorted(word.folded for word in parts.body)),
        order=tuple(word.folded for word in parts.body),
        numbers=parts.numbers,
        qualifier=parts.qualifier,
        tones=frozenset(pairs),
        marked=frozenset(marked),
        initials="".join(word.folded[:1] for word in parts.body),
    )


def _unit_keys(unit: RosterUnit, vocab: Vocabulary) -> list[_Key]:
    keys: dict[tuple[object, ...], _Key] = {}
    for name in (unit.name, unit.short_name, *unit.aliases):
        for variant in name_variants(name):
            key = _key(read_name(variant, vocab))
            keys.setdefault((*key.exact, key.tones), key)
    return list(keys.values())


def _typed_key(name: object, vocab: Vocabulary) -> _Key | None:
    """None when there is nothing to match: an empty cell or one without letters or digits."""
    missing = name is None or (isinstance(name, float) and name != name)  # None, or pandas' NaN
    variants = name_variants("" if missing else str(name))
    if not variants or not any(char.isalnum() for char in variants[0]):
        return None
    return _key(read_name(variants[0], vocab))


def build_matcher(units: Sequence[RosterUnit], settings: MatchingSettings) -> Matcher:
    """Precompute the keys of every roster name, short name and alias."""
    vocab = learn_vocabulary((u.name, (u.short_name, *u.aliases)) for u in units)
    keys: list[_Key] = []
    owners: list[int] = []
    for index, unit in enumerate(units):
        for key in _unit_keys(unit, vocab):
            keys.append(key)
            owners.append(index)
    exact: defaultdict[tuple[object, ...], list[int]] = defaultdict(list)
    by_text: defaultdict[str, list[int]] = defaultdict(list)
    initials: defaultdict[str, list[int]] = defaultdict(list)
    for index, key in enumerate(keys):
        exact[key.exact].append(index)
        by_text[key.text].append(index)
        initials[key.initials].append(index)
    return Matcher(
        settings=settings,
        vocabulary=vocab,
        unit_ids=tuple(u.unit_id for u in units),
        keys=tuple(keys),
        owners=tuple(owners),
        exact={k: tuple(v) for k, v in exact.items()},
        texts=tuple(by_text),
        text_keys=tuple(tuple(v) for v in by_text.values()),
        initials={k: tuple(v) for k, v in initials.items() if len(k) > 1},
    )


def _type_fit(typed: tuple[str, ...] | None, roster: tuple[str, ...] | None) -> _Fit:
    if typed == roster or roster is None:  # a roster name without a type has none to disagree with
        return _Fit.EXACT
    if typed is None:
        return _Fit.VAGUE
    return _Fit.LEVEL if roster[: len(typed)] == typed else _Fit.WRONG


def _number_fit(typed: tuple[str, ...], roster: tuple[str, ...]) -> _Fit:
    if typed == roster:
        return _Fit.EXACT
    return _Fit.VAGUE if not typed else _Fit.WRONG


def _qualifier_fit(typed: tuple[str, ...], roster: tuple[str, ...]) -> _Fit:
    return _Fit.EXACT if typed in (roster, ()) else _Fit.WRONG


def _words_fit(typed: tuple[str, ...], roster: tuple[str, ...]) -> _Fit:
    """Words the roster has and the typed name lacks only lower the score; the reverse is a
    different name, except a typo: a non-syllable one edit away from a word the roster has."""
    if typed == roster:
        return _Fit.EXACT
    extra = Counter(typed) - Counter(roster)
    if not extra:
        return _Fit.EXACT
    spare = list((Counter(roster) - Counter(typed)).elements())
    for word in extra.elements():
        if is_syllable(word) or not any(OSA.distance(word, s, score_cutoff=1) <= 1 for s in spare):
            return _Fit.WRONG
    return _Fit.EXACT


def _tones_agree(typed: _Key, roster: _Key) -> bool:
    return all(pair in roster.tones for pair in typed.marked if pair[0] in roster.words)


def _doubt(typed: _Key, roster: _Key, fits: tuple[_Fit, ...]) -> float:
    """How much the failed guards (type, numbers, words, qualifier) lower a candidate's score."""
    type_fit, number_fit, *word_fits = fits
    factor = _OTHER_WORDS if _Fit.WRONG in word_fits else 1.0
    if number_fit == _Fit.WRONG:
        factor *= _OTHER_NUMBER
    if type_fit == _Fit.WRONG:
        same_kind = typed.head is not None and roster.head is not None and typed.head[0] == roster.head[0]
        factor *= _NEAR_TYPE if same_kind else _OTHER_TYPE
    return factor


def _judge(matcher: Matcher, typed: _Key, index: int, similarity: float, words_fit: _Fit) -> _Judged:
    """Guards on one roster key; ``words_fit`` is shared by all keys with the same words."""
    roster = matcher.keys[index]
    fits = (
        _type_fit(typed.head, roster.head),
        _number_fit(typed.numbers, roster.numbers),
        words_fit,
        _qualifier_fit(typed.qualifier, roster.qualifier),
    )
    fit = max(fits)
    if fit == _Fit.LEVEL and not typed.words:  # "UBND" + the home town: the sender, not a unit
        fit = _Fit.VAGUE
    if fit < _Fit.VAGUE and typed.order != roster.order and typed.words == roster.words:
        fit = _Fit.VAGUE  # same words, another order: maybe another place

    score = similarity
    if fit == _Fit.WRONG:
        score = min(similarity * _doubt(typed, roster, fits), matcher.settings.accept - 0.01)
    return _Judged(fit, score, _tones_agree(typed, roster), matcher.owners[index])


def _initials_guesses(matcher: Matcher, typed: _Key) -> list[_Judged]:
    """ "P.VH": an unknown all-letters word may be the initials of a roster name."""
    if len(typed.words) != 1 or is_syllable(typed.words[0]):
        return []
    guesses = []
    for index in matcher.initials.get(typed.words[0], ()):
        roster = matcher.keys[index]
        fits = (_type_fit(typed.head, roster.head), _number_fit(typed.numbers, roster.numbers))
        score = _INITIALS * _doubt(typed, roster, fits)
        guesses.append(_Judged(max(*fits, _Fit.VAGUE), score, True, matcher.owners[index]))
    return guesses


def _per_unit(judged: list[_Judged]) -> list[_Judged]:
    """Each unit's best reading, best units first."""
    best: dict[int, _Judged] = {}
    for item in judged:
        held = best.get(item.unit)
        if held is None or (item.fit, -item.score) < (held.fit, -held.score):
            best[item.unit] = item
    return sorted(best.values(), key=lambda j: (-j.score, j.fit, j.unit))


def _outcome(matcher: Matcher, kind: MatchKind, shown: list[_Judged], limit: int) -> MatchOutcome:
    candidates = tuple(Candidate(matcher.unit_ids[j.unit], round(j.score, 2)) for j in shown[:limit])
    score = round(shown[0].score, 2) if shown else 0.0
    return MatchOutcome(kind=kind, unit_id=None, score=score, candidates=candidates)


def _decide(matcher: Matcher, judged: list[_Judged]) -> MatchOutcome:
    settings = matcher.settings
    ranked = _per_unit(judged)
    strong = [j for j in ranked if j.fit < _Fit.WRONG and j.score >= settings.accept]
    sure = [j for j in strong if j.fit == _Fit.EXACT] or [j for j in strong if j.fit == _Fit.LEVEL]
    if sure:
        best = max(sure, key=lambda j: (j.tones_ok, j.score))
        rivals = [
            j
            for j in strong
            if j.unit != best.unit and j.score >= best.score - settings.margin and (j.tones_ok or not best.tones_ok)
        ]
        if not rivals:
            return MatchOutcome(MatchKind.MATCHED, matcher.unit_ids[best.unit], round(best.score, 2))
        return _outcome(matcher, MatchKind.AMBIGUOUS, [best, *rivals], max(settings.candidates, len(rivals) + 1))
    if strong:  # the name fits but says too little: "Vĩnh Hải", "TH Vĩnh Hải", bare "Thái Nguyên"
        return _outcome(matcher, MatchKind.AMBIGUOUS, strong, max(settings.candidates, len(strong)))
    return _outcome(matcher, MatchKind.NO_MATCH, ranked, settings.candidates)


def _nearest(matcher: Matcher, typed: list[_Key]) -> Iterator[tuple[_Key, list[tuple[int, float]]]]:
    """For each typed key, the most similar roster texts: one cdist per block of names."""
    limit = min(_TOP, len(matcher.texts))
    for start in range(0, len(typed), _BLOCK):
        block = typed[start : start + _BLOCK]
        scores = process.cdist(
            [key.text for key in block],
            matcher.texts,
            scorer=fuzz.ratio,
            dtype=np.float32,
            workers=-1,
            score_cutoff=_FLOOR,
        )
        top = np.argpartition(scores, -limit, axis=1)[:, -limit:]
        for row, key in enumerate(block):
            yield key, [(int(col), float(scores[row, col]) / 100) for col in top[row] if scores[row, col] > 0]


def _fuzzy(matcher: Matcher, key: _Key, texts: list[tuple[int, float]]) -> MatchOutcome:
    judged = []
    for text, similarity in texts:
        indices = matcher.text_keys[text]
        words_fit = _words_fit(key.words, matcher.keys[indices[0]].words)
        judged.extend(_judge(matcher, key, index, similarity, words_fit) for index in indices)
    return _decide(matcher, judged + _initials_guesses(matcher, key))


def _resolve(matcher: Matcher, keys: set[_Key]) -> dict[_Key, MatchOutcome]:
    outcomes: dict[_Key, MatchOutcome] = {}
    pending: list[_Key] = []
    for key in keys:
        if key.head is None and not key.words and not key.numbers:  # only the home town, or notes
            outcomes[key] = MatchOutcome(MatchKind.NO_MATCH, None, 0.0)
        elif key.exact in matcher.exact and all(_tones_agree(key, matcher.keys[i]) for i in matcher.exact[key.exact]):
            judged = [_judge(matcher, key, index, 1.0, _Fit.EXACT) for index in matcher.exact[key.exact]]
            outcomes[key] = _decide(matcher, judged)
        else:  # includes exact hits whose diacritics differ: any unit of the same letters decides
            pending.append(key)
    if pending and matcher.texts:
        for key, texts in _nearest(matcher, pending):
            outcomes[key] = _fuzzy(matcher, key, texts)
    for key in pending:
        outcomes.setdefault(key, MatchOutcome(MatchKind.NO_MATCH, None, 0.0))
    return outcomes


def match_names(matcher: Matcher, names: Sequence[str]) -> list[MatchOutcome]:
    """One outcome per name, in input order. Each distinct name is read and scored once."""
    typed = {name: _typed_key(name, matcher.vocabulary) for name in dict.fromkeys(names)}
    outcomes = _resolve(matcher, {key for key in typed.values() if key is not None})
    no_name = MatchOutcome(MatchKind.NO_NAME, None, 0.0)
    return [no_name if (key := typed[name]) is None else outcomes[key] for name in names]
