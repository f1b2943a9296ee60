"""One-letter typos of every unit of every province, against that province's roster.

    .venv/bin/python -m tests.namegen.typo_sweep [SEED] [--typos 2]

The rosters are the red team's probe rosters (tests/redteam/data/probe.roster.csv: every district,
ward, commune and town of the official list, named "UBND <type> <name>" with their locality). Each
unit's proper name gets ``typos`` typos (tests/namegen/noise.typo: neighbouring keys, a letter too
many or too few, two letters swapped, diacritics kept as typed) and is typed three ways: with its
type, bare, and after "UBND". No place is typed, so nothing but the letters and marks decides.
A wrong merge is a typed name matched to a unit it was not made from.
"""

from __future__ import annotations

import argparse
import csv
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from aggregator.campaign import MatchingSettings
from aggregator.campaign.roster import parse_roster
from aggregator.models import MatchKind
from aggregator.names.matching import build_matcher, match_names
from tests.namegen.admin import split_type
from tests.namegen.noise import typo

PROBE_ROSTER = Path(__file__).resolve().parents[1] / "redteam" / "data" / "probe.roster.csv"


@dataclass(frozen=True)
class WrongMerge:
    typed: str
    proper: str  # the typed proper name (typos included)
    expected: str  # the unit's name it was made from
    merged: str  # the unit's name it was matched to


@dataclass(frozen=True)
class Sweep:
    names: int
    found: int
    wrong: tuple[WrongMerge, ...]

    @property
    def recall(self) -> float:
        return self.found / self.names if self.names else 1.0


def _provinces() -> dict[str, list[dict[str, str]]]:
    by_province: dict[str, list[dict[str, str]]] = defaultdict(list)
    with PROBE_ROSTER.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            by_province[row["province"]].append(row)
    return by_province


def _roster_text(rows: Sequence[dict[str, str]]) -> str:
    fields = ["unit_id", "group", "name", "short_name", "aliases", "email", "source", "locality"]
    lines = [",".join(fields)]
    lines += [",".join(f'"{row[f]}"' for f in fields) for row in rows]
    return "\n".join(lines) + "\n"


def _typed(name: str, typos: int, rng: random.Random) -> tuple[str, str] | None:
    """A typed form of "UBND xã Long Đức" with ``typos`` typos in "Long Đức", and that proper name."""
    kind, proper = split_type(name.removeprefix("UBND ")[:1].upper() + name.removeprefix("UBND ")[1:])
    words = proper.split()
    if not kind or all(word.isdigit() for word in words):  # numbered wards: numbers are never fuzzy
        return None
    for _ in range(typos):
        i = rng.randrange(len(words))
        words[i] = typo(words[i], rng)
    typed_proper = " ".join(words)
    form = rng.choice([f"UBND {kind.lower()} {typed_proper}", typed_proper, f"UBND {typed_proper}"])
    return form, typed_proper


def sweep(seed: int = 7, typos: int = 1) -> Sweep:
    rng = random.Random(seed)
    names = found = 0
    wrong: list[WrongMerge] = []
    for province, rows in sorted(_provinces().items()):
        roster = parse_roster(_roster_text(rows), origin=f"probe roster {province}")
        made = [(row, got) for row in rows if (got := _typed(row["name"], typos, rng)) is not None]
        outcomes = match_names(build_matcher(roster, MatchingSettings()), [typed for _, (typed, _) in made])
        by_id = {row["unit_id"]: row["name"] for row in rows}
        for (row, (typed, proper)), outcome in zip(made, outcomes, strict=True):
            names += 1
            if outcome.kind is not MatchKind.MATCHED:
                continue
            if outcome.unit_id == row["unit_id"]:
                found += 1
            else:
                wrong.append(WrongMerge(typed, proper, row["name"], by_id[str(outcome.unit_id)]))
    return Sweep(names, found, tuple(wrong))


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("seed", nargs="?", type=int, default=7)
    parser.add_argument("--typos", type=int, default=1)
    args = parser.parse_args(argv)
    result = sweep(args.seed, args.typos)
    print(f"{result.names} names with {args.typos} typo(s): found {result.found} ({result.recall:.3f}), "
          f"wrong merges {len(result.wrong)}")
    for merge in result.wrong:
        print(f"  {merge.typed!r}: made from {merge.expected}, matched to {merge.merged}")


if __name__ == "__main__":
    main()
