"""Which roster names are worth scoring for a typed name (blocking). Pure, no I/O.

Scoring every typed name against every roster name is quadratic: 100,000 typed rows against 20,000
units would be two billion comparisons. A name worth scoring shares a distinctive word with the
typed one, or a word one edit away from one of its words (a typo), so the roster's distinct proper
names are indexed by their words, each word also under every form with one letter deleted (a
symmetric-deletion index: two words one edit apart share such a form). A typed name is then scored
only against the names that share a word or a near word with it. A one-letter typo is found through
the names' one-letter deletions (``one_edit``); its rivals, every name within two edits, by comparing
letter by letter the names of a close length that share enough letter pairs with it (``within_edits``),
only when a typo is on the table. Many units share one proper name ("An Phú"), so each name is scored
once for all of them. The tables are made when first needed: names typed as in the roster need none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

TOP = 8  # roster names judged per typed name, by similarity; all units of a name come along
FLOOR = 40.0  # similarity (0..100) below which nothing is worth showing as a candidate
MAX_EDITS = 2  # proper names further apart than this are not compared letter by letter
_NEAR_LENGTH = 4  # words shorter than this are looked up as typed: their one-edit neighbours are legion
_PAIRS_PER_EDIT = 3  # letter pairs one edit changes at most (a transposition: "xab" → "xba" changes three)


def _deletions(word: str) -> set[str]:
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


class NameIndex:
    """The roster's distinct proper names by the words they contain. Its tables are made when first
    needed: names typed as in the roster never need them."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = _objects(names)  # per name id: its words in typed order, joined
        self.near_cache: dict[str, np.ndarray] = {}

    @cached_property
    def sorted_names(self) -> np.ndarray:
        """Per name id: its words sorted, joined (similarity ignores word order)."""
        return _objects([" ".join(sorted(name.split())) for name in self.names])

    @cached_property
    def postings(self) -> dict[str, np.ndarray]:
        """Word → ids of the names that contain it (digits are never indexed: numbers agree exactly)."""
        by_word: defaultdict[str, list[int]] = defaultdict(list)
        for name_id, name in enumerate(self.names):
            for word in set(name.split()):
                if not word.isdigit():
                    by_word[word].append(name_id)
        return {word: np.asarray(ids, dtype=np.int32) for word, ids in by_word.items()}

    @cached_property
    def containing(self) -> dict[str, frozenset[int]]:
        """Word → ids of the names that contain it, as sets (to intersect)."""
        return {word: frozenset(ids.tolist()) for word, ids in self.postings.items()}

    def together(self, words: Iterable[str]) -> bool:
        """Whether some name contains every one of ``words``."""
        containing = self.containing
        words = list(words)
        found = [containing[word] for word in words if word in containing]
        if len(found) < len(words):
            return False
        if len(found) < 3:
            return len(found) < 2 or not found[0].isdisjoint(found[1])
        found.sort(key=len)
        common = found[0] & found[1]
        for ids in found[2:]:
            if not common:
                break
            common = common & ids
        return bool(common)

    @cached_property
    def deleted(self) -> dict[str, tuple[str, ...]]:
        """A word with at most one letter deleted → roster words."""
        found: defaultdict[str, list[str]] = defaultdict(list)
        for word in self.postings:
            if len(word) >= _NEAR_LENGTH - 1:
                for form in _deletions(word):
                    found[form].append(word)
        return {form: tuple(words) for form, words in found.items()}

    @cached_property
    def deleted_names(self) -> dict[str, tuple[int, ...]]:
        """A name with at most one letter deleted → name ids."""
        found: defaultdict[str, list[int]] = defaultdict(list)
        for name_id, name in enumerate(self.names):
            for form in _deletions(name):
                found[form].append(name_id)
        return {form: tuple(ids) for form, ids in found.items()}

    @cached_property
    def _by_length(self) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The names sorted by length, with their lengths and ids."""
        order = sorted(range(len(self.names)), key=lambda i: len(self.names[i]))
        return ([self.names[i] for i in order], np.asarray([len(self.names[i]) for i in order], dtype=np.int32),
                np.asarray(order, dtype=np.int32))

    def _near(self, word: str) -> np.ndarray:
        """Ids of the names that contain ``word`` or a word one edit from it (words of four letters or more)."""
        if (cached := self.near_cache.get(word)) is not None:
            return cached
        if len(word) < _NEAR_LENGTH:
            near = [word] if word in self.postings else []
        else:
            found = {w for form in _deletions(word) for w in self.deleted.get(form, ())}
            near = [w for w in found if OSA.distance(word, w, score_cutoff=1) <= 1]
        lists = [self.postings[w] for w in near]
        ids = np.unique(np.concatenate(lists)) if lists else np.empty(0, dtype=np.int32)
        self.near_cache[word] = ids
        return ids

    def gather(self, words: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
        """Ids of the names that contain a word of ``words`` or one near it, and how many such words each has."""
        lists = [ids for word in set(words) if len(ids := self._near(word))]
        if len(lists) < 2:
            ids = lists[0] if lists else np.empty(0, dtype=np.int32)
            return ids, np.ones(len(ids), dtype=np.int64)
        return np.unique(np.concatenate(lists), return_counts=True)

    def most_similar(self, text: str, ids: np.ndarray, shared: np.ndarray, limit: int = TOP) -> list[int]:
        """The names among ``ids`` most similar to ``text`` (sorted words), among those that share the
        most words with it (``shared``), and those sharing one word fewer while they are fewer than ``limit``."""
        most = shared.max()
        if np.count_nonzero(shared == most) < limit:
            most -= 1
        ids = ids[shared >= most]
        found = process.extract(text, self.sorted_names[ids], scorer=fuzz.ratio, limit=limit, score_cutoff=FLOOR)
        similar: list[int] = ids[[position for _, _, position in found]].tolist()
        return similar

    def one_edit(self, spelled: str) -> list[int]:
        """The names at most one edit from ``spelled`` (found through their one-letter deletions)."""
        found = {i for form in _deletions(spelled) for i in self.deleted_names.get(form, ())}
        return [i for i in found if OSA.distance(spelled, self.names[i], score_cutoff=1) <= 1]

    def within_edits(self, spelled: str) -> dict[int, int]:
        """Every name at most ``MAX_EDITS`` edits from ``spelled``, with the count. A rival may share no
        word with the typed name ("Cam Loi" and "Can Lai"), but it shares most of its letter pairs: each
        edit changes at most three of them (a transposition), so only names of a close length that share
        enough pairs are compared letter by letter (all of them when the name is too short to tell)."""
        if len(spelled) - 1 - _PAIRS_PER_EDIT * MAX_EDITS <= 0:
            names, lengths, ids = self._by_length
            first = int(np.searchsorted(lengths, len(spelled) - MAX_EDITS, "left"))
            last = int(np.searchsorted(lengths, len(spelled) + MAX_EDITS, "right"))
            found = process.extract(spelled, names[first:last], scorer=OSA.distance, limit=None,
                                    score_cutoff=MAX_EDITS)
            return {int(ids[first + position]): int(edits) for _, edits, position in found}
        candidates = self._sharing_pairs(spelled)
        found = process.extract(spelled, self.names[candidates], scorer=OSA.distance, limit=None,
                                score_cutoff=MAX_EDITS)
        return {int(candidates[position]): int(edits) for _, edits, position in found}

    def _sharing_pairs(self, spelled: str) -> np.ndarray:
        """Ids of the names within ``MAX_EDITS`` of the length of ``spelled`` that share at least as many
        letter pairs with it (counted with their repeats) as names that many edits away must."""
        postings = self._pair_postings
        lists = [postings[pair] for pair in _pairs(spelled) if pair in postings]
        if not lists:
            return np.empty(0, dtype=np.int64)
        shared = np.bincount(np.concatenate(lists), minlength=len(self.names))
        longest = np.maximum(self.lengths, len(spelled))
        close = np.abs(self.lengths - len(spelled)) <= MAX_EDITS
        return np.flatnonzero(close & (shared >= longest - 1 - _PAIRS_PER_EDIT * MAX_EDITS))

    @cached_property
    def lengths(self) -> np.ndarray:
        return np.asarray([len(name) for name in self.names], dtype=np.int64)

    @cached_property
    def _pair_postings(self) -> dict[str, np.ndarray]:
        """Each letter pair, numbered by its repeats within a name ("aa" twice: "aa1", "aa2") → name ids."""
        found: defaultdict[str, list[int]] = defaultdict(list)
        for name_id, name in enumerate(self.names):
            for pair in _pairs(name):
                found[pair].append(name_id)
        return {pair: np.asarray(ids, dtype=np.int32) for pair, ids in found.items()}


def _pairs(text: str) -> list[str]:
    """The letter pairs of a text, each numbered by how often it came before: shared pairs counted this
    way are the pairs two texts have in common, repeats included."""
    seen: dict[str, int] = {}
    out = []
    for i in range(len(text) - 1):
        pair = text[i : i + 2]
        seen[pair] = count = seen.get(pair, 0) + 1
        out.append(f"{pair}{count}")
    return out


def _objects(items: Sequence[str]) -> np.ndarray:
    array = np.empty(len(items), dtype=object)
    array[:] = items
    return array


def build_index(names: Sequence[str]) -> NameIndex:
    """Index distinct proper names given as their words joined by spaces."""
    return NameIndex(names)
