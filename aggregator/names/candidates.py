"""Which roster names are worth scoring for a typed name (blocking). Pure, no I/O.

Scoring every typed name against every roster name is quadratic: 100,000 typed rows against 20,000
units would be two billion comparisons. A name worth scoring shares a distinctive word with the
typed one, or a word one edit away from one of its words (a typo), so roster texts are indexed by
their words, each word also under every form with one letter deleted (a symmetric-deletion index:
two words one edit apart share such a form). A typed name is then scored only against the texts
that share a word or a near word with it, and its proper name is compared letter by letter
(``edits``, at most two) with theirs: enough to judge one-letter typos and their rivals.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

TOP = 8  # roster texts judged per typed name, by similarity; all units sharing a text come along
FLOOR = 40.0  # similarity (0..100) below which nothing is worth showing as a candidate
MAX_EDITS = 2  # proper names further apart than this are not compared letter by letter
_NEAR_LENGTH = 4  # words shorter than this are looked up as typed: their one-edit neighbours are legion


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


@dataclass(frozen=True)
class WordIndex:
    """Roster texts (one per distinct set of distinctive words) by the words they contain."""

    postings: dict[str, np.ndarray]  # word → ids of the texts that contain it
    deleted: dict[str, tuple[str, ...]]  # a word with at most one letter deleted → roster words
    near_cache: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def near(self, word: str) -> tuple[str, ...]:
        """Roster words at most one edit from ``word`` (itself included when the roster has it)."""
        if len(word) < _NEAR_LENGTH:
            return (word,) if word in self.postings else ()
        if word not in self.near_cache:
            found = {w for form in _deletions(word) for w in self.deleted.get(form, ())}
            self.near_cache[word] = tuple(w for w in found if OSA.distance(word, w, score_cutoff=1) <= 1)
        return self.near_cache[word]

    def gather(self, words: Iterable[str]) -> np.ndarray:
        """Ids of the texts that contain a word of ``words`` or one near it."""
        lists = [self.postings[near] for word in set(words) for near in self.near(word)]
        if not lists:
            return np.empty(0, dtype=np.int32)
        return np.unique(np.concatenate(lists))


def build_index(texts: Sequence[Sequence[str]]) -> WordIndex:
    """Index texts given as their words (digits are never indexed: numbers must agree exactly)."""
    by_word: defaultdict[str, list[int]] = defaultdict(list)
    for text_id, words in enumerate(texts):
        for word in set(words):
            if not word.isdigit():
                by_word[word].append(text_id)
    deleted: defaultdict[str, list[str]] = defaultdict(list)
    for word in by_word:
        if len(word) >= _NEAR_LENGTH - 1:
            for form in _deletions(word):
                deleted[form].append(word)
    postings = {word: np.asarray(ids, dtype=np.int32) for word, ids in by_word.items()}
    return WordIndex(postings, {form: tuple(words) for form, words in deleted.items()})


def most_similar(text: str, choices: Sequence[str], limit: int = TOP) -> list[tuple[int, float]]:
    """Positions in ``choices`` of the most similar texts, with a similarity in 0..1."""
    found = process.extract(text, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=FLOOR)
    return [(position, score / 100) for _, score, position in found]


def within_edits(proper: str, choices: Sequence[str]) -> list[tuple[int, int]]:
    """Positions in ``choices`` of proper names at most ``MAX_EDITS`` edits from ``proper``, with the count."""
    found = process.extract(proper, choices, scorer=OSA.distance, limit=None, score_cutoff=MAX_EDITS)
    return [(position, int(edits)) for _, edits, position in found]
