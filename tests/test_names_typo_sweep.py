"""One-letter typos of every unit of every province (tests/namegen/typo_sweep.py), typed with their
diacritics and without any place: how many are found, and how few are merged into another unit.

Before typed diacritics counted (matching round 3), this sweep found 58 % and merged 16–20 names
wrongly; a wrong merge left now is a typo whose letters spell another unit's name ("Đồng Tâm" typed
for Đồng Tân), or a rare reading of raw Telex or a cut-off type word.
"""

from __future__ import annotations

from aggregator.textnorm import fold
from tests.namegen.admin import split_type
from tests.namegen.typo_sweep import sweep


def _proper(name: str) -> str:
    bare = name.removeprefix("UBND ")
    return split_type(bare[:1].upper() + bare[1:])[1]


def test_one_letter_typos_of_every_unit_are_found_and_hardly_ever_merged_wrongly() -> None:
    result = sweep(seed=7)
    assert result.names > 10_000
    assert result.recall >= 0.66
    assert len(result.wrong) <= 10, [(w.typed, w.merged) for w in result.wrong]
    spelled = [w for w in result.wrong if fold(w.proper) == fold(_proper(w.merged))]
    assert len(spelled) >= len(result.wrong) - 2  # almost all: the typo is another unit's real name
