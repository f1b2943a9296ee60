"""Wrong merges and recall of the matcher on every development set (tests/data_names).

    .venv/bin/python -m tests.namegen.report            # the README table
    .venv/bin/python -m tests.namegen.report --write    # put it in README.md

Campaigns checked this way set no area of their own: every place comes from the rosters' `locality`.
"""

from __future__ import annotations

import csv
import sys
from dataclasses import dataclass
from pathlib import Path

from aggregator.adapters.roster_file import read_roster
from aggregator.campaign import MatchingSettings
from aggregator.models import MatchKind
from aggregator.names.matching import build_matcher, match_names

DATA = Path(__file__).resolve().parents[1] / "data_names"


@dataclass(frozen=True)
class Score:
    name: str
    province: str
    role: str
    units: int
    positives: int
    found: int
    wrong: tuple[str, ...]  # typed names merged into a unit they do not name
    negatives: int
    negatives_unmatched: int
    vague: int  # rows too vague to tell two units apart (must stay unmatched too)

    @property
    def recall(self) -> float:
        return self.found / self.positives if self.positives else 1.0


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def sets() -> list[dict[str, str]]:
    return _rows(DATA / "sets.csv")


def score(spec: dict[str, str]) -> Score:
    roster = read_roster(DATA / f"{spec['set']}.roster.csv")
    rows = _rows(DATA / f"{spec['set']}.typed.csv")
    outcomes = match_names(build_matcher(roster, MatchingSettings()), [row["typed"] for row in rows])
    wrong, found, negatives_unmatched = [], 0, 0
    for row, outcome in zip(rows, outcomes, strict=True):
        matched = outcome.kind is MatchKind.MATCHED
        if matched and outcome.unit_id != row["expected_unit_id"]:
            wrong.append(f"{row['typed']!r} ({row['category']}) → {outcome.unit_id}")
        found += matched and row["category"] == "positive" and outcome.unit_id == row["expected_unit_id"]
        negatives_unmatched += row["category"] == "negative" and not matched
    count = {c: sum(row["category"] == c for row in rows) for c in ("positive", "negative", "ambiguous")}
    return Score(spec["set"], spec["province"], spec["role"], len(roster), count["positive"], found, tuple(wrong),
                 count["negative"], negatives_unmatched, count["ambiguous"])


def table() -> str:
    """The README table: one line per development set."""
    lines = ["| set | province | role | units | typed names to find | found (recall) | wrong merges "
             "| must stay unmatched | left unmatched |",
             "|---|---|---|---:|---:|---:|---:|---:|---:|"]
    for spec in sets():
        s = score(spec)
        must = s.negatives + s.vague
        left = s.negatives_unmatched + s.vague - sum("(ambiguous)" in w for w in s.wrong)
        lines.append(f"| {s.name} | {s.province} | {s.role} | {s.units} | {s.positives} | {s.found} "
                     f"({s.recall:.3f}) | {len(s.wrong)} | {must} | {left} |")
    return "\n".join(lines)


def write_readme(readme: Path) -> None:
    """Replace the table in the README's Names section with a fresh one."""
    text = readme.read_text(encoding="utf-8")
    start = text.index("| set | province | role |")
    end = text.index("\n\n", start)
    readme.write_text(text[:start] + table() + text[end:], encoding="utf-8")


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write_readme(DATA.parents[1] / "README.md")
    else:
        print(table())
