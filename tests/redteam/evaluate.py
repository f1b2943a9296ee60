"""Run the matcher on the red-team sets through its public API and measure it.

    .venv/bin/python -m tests.redteam.evaluate            # the table
    .venv/bin/python -m tests.redteam.evaluate --misses   # and every row the matcher got wrong or missed

A wrong merge is a name to find matched to another unit, or a name that must stay unmatched matched
to any unit. Recall is over the names to find. The campaign sets no area of its own.
"""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aggregator.campaign.roster import parse_roster
from aggregator.campaign.settings import MatchingSettings
from aggregator.models import MatchKind, MatchOutcome
from aggregator.names.matching import build_matcher, match_names

DATA = Path(__file__).resolve().parent / "data"
GROUPS = {"cap_huyen": "UBND các huyện, thị xã, thành phố", "cap_xa": "UBND các xã, phường, thị trấn"}
PROVINCES = ("dong-thap", "ca-mau")
ROSTERS = ("ubnd", "official")
PARTS = ("typed", "stretch", "hints")  # the main set (held to the bar), and the two smaller ones


@dataclass
class Result:
    name: str
    to_find: int = 0
    found: int = 0
    wrong: list[tuple[dict[str, str], MatchOutcome]] = field(default_factory=list)
    missed: list[tuple[dict[str, str], MatchOutcome]] = field(default_factory=list)
    keep: int = 0
    kept: int = 0
    per_category: Counter[tuple[str, bool]] = field(default_factory=Counter)
    reasons: Counter[tuple[str, str]] = field(default_factory=Counter)
    disputed: Counter[str] = field(default_factory=Counter)  # what the matcher did with names read two ways

    @property
    def recall(self) -> float:
        return self.found / self.to_find if self.to_find else 1.0

    @property
    def negatives_kept(self) -> bool:
        return self.kept == self.keep


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def run_set(province: str, style: str, part: str = "typed") -> Result:
    roster_path = DATA / f"{province}.roster-{style}.csv"
    units = parse_roster(roster_path.read_text(encoding="utf-8"), origin=roster_path.name, groups=GROUPS)
    matcher = build_matcher(units, MatchingSettings(), area="", groups=GROUPS)
    rows = read_csv(DATA / f"{province}.{part}.csv")
    hints = [r["group_hint"] for r in rows] if part == "hints" else None
    outcomes = match_names(matcher, [r["typed"] for r in rows], hints)
    result = Result(f"{province}/{style}" + ("" if part == "typed" else f"/{part}"))
    for typed_row, outcome in zip(rows, outcomes, strict=True):
        score(result, typed_row, outcome)
    return result


def score(result: Result, typed_row: dict[str, str], outcome: MatchOutcome) -> None:
    matched = outcome.kind == MatchKind.MATCHED
    expected = typed_row["expected_unit_id"]
    if typed_row["label"] == "disputed":
        result.disputed[str(outcome.unit_id) if matched else str(outcome.kind)] += 1
        return
    if typed_row["label"] == "find":
        result.to_find += 1
        hit = matched and outcome.unit_id == expected
        result.found += hit
        result.per_category[(typed_row["category"], hit)] += 1
        if matched and not hit:
            result.wrong.append((typed_row, outcome))
        elif not hit:
            result.missed.append((typed_row, outcome))
            result.reasons[("find", str(outcome.kind))] += 1
        return
    result.keep += 1
    result.kept += not matched
    result.per_category[(typed_row["category"], not matched)] += 1
    if matched:
        result.wrong.append((typed_row, outcome))
    else:
        result.reasons[(typed_row["category"], str(outcome.kind))] += 1


def table(results: list[Result]) -> str:
    lines = ["| set | to find | found | recall | wrong merges | must stay unmatched | left unmatched |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        lines.append(f"| {r.name} | {r.to_find} | {r.found} | {r.recall:.3f} | {len(r.wrong)} | {r.keep} | {r.kept} |")
    return "\n".join(lines)


def category_table(results: list[Result]) -> str:
    categories = sorted({c for r in results for c, _ in r.per_category})
    lines = ["| category | " + " | ".join(r.name for r in results) + " |", "|---" + "|---:" * len(results) + "|"]
    for category in categories:
        cells = []
        for r in results:
            good, bad = r.per_category[(category, True)], r.per_category[(category, False)]
            cells.append(f"{good}/{good + bad}" if good + bad else "")
        lines.append(f"| {category} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def misses(result: Result) -> str:
    lines = [f"## {result.name}"]
    for typed_row, outcome in result.wrong:
        expected = typed_row["expected_unit_id"] or "-"
        lines.append(f"WRONG  {typed_row['typed']!r} → {outcome.unit_id} (expected {expected};"
                     f" {typed_row['category']}; {typed_row['note']})")
    for typed_row, outcome in result.missed:
        best = ", ".join(f"{c.unit_id}:{c.score:.2f}" for c in outcome.candidates)
        lines.append(f"MISSED {typed_row['typed']!r} [{outcome.kind}] expected {typed_row['expected_unit_id']}"
                     f" ({typed_row['category']}) candidates: {best}")
    return "\n".join(lines)


def run_probe() -> Result:
    """Each province of the probe against a roster of its own units."""
    roster_rows, typed_rows = read_csv(DATA / "probe.roster.csv"), read_csv(DATA / "probe.typed.csv")
    header = list(roster_rows[0])
    result = Result("probe (every province)")
    for code in dict.fromkeys(r["province"] for r in typed_rows):
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=header)
        writer.writeheader()
        writer.writerows(r for r in roster_rows if r["province"] == code)
        units = parse_roster(buffer.getvalue(), origin=f"probe-{code}", groups=GROUPS)
        matcher = build_matcher(units, MatchingSettings(), area="", groups=GROUPS)
        rows = [r for r in typed_rows if r["province"] == code]
        for typed_row, outcome in zip(rows, match_names(matcher, [r["typed"] for r in rows]), strict=True):
            score(result, typed_row, outcome)
    return result


def run_all(part: str) -> list[Result]:
    return [run_set(province, style, part) for province in PROVINCES for style in ROSTERS]


def main(argv: list[str]) -> None:
    for part in PARTS:
        results = run_all(part)
        print(f"### {part}\n")
        print(table(results))
        print()
        print(category_table(results))
        print()
        disputed = [f"{r.name}: {dict(r.disputed)}" for r in results if r.disputed]
        if disputed:
            print("disputed (neither a miss nor a wrong merge):", "; ".join(disputed), "\n")
        if "--misses" in argv:
            for result in results:
                print(misses(result), "\n")
    probe = run_probe()
    print("### probe\n")
    print(table([probe]), "\n")
    print(category_table([probe]), "\n")
    if "--misses" in argv:
        print(misses(probe))


if __name__ == "__main__":
    main(sys.argv[1:])
