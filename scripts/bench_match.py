"""Benchmark of name matching: typed rows against roster units, seconds and peak memory.

Each case runs in a fresh interpreter (`python scripts/bench_match.py --child ROWS UNITS`) that
builds a synthetic roster of administrative units and schools (syllables drawn from the committed
development rosters under tests/data_names, so names look and repeat like real ones; every unit
with a district locality), types ROWS names the way agencies do (each one to three ways, with
accents dropped, capitals, abbreviations, district qualifiers, bare names; one row in ten a one-off
typo or a name of no unit), then times ``build_matcher`` and ``match_names`` (wall and CPU seconds:
the CPU figure holds when other work shares the machine). "total" is the child's wall time measured
from outside, start-up and imports included.

    .venv/bin/python scripts/bench_match.py            # the table for the README

The last case gives the roster no locality (the campaign's area names the province only): a typed district is
then checked against the places the roster knows (names/localities.KnownPlaces), a path that once cost ten
times the matching time.
"""

from __future__ import annotations

import csv
import functools
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# rows, units, whether the roster states each unit's locality (without: the campaign's area names the province
# only, so a typed district is checked against the places the roster knows, names/localities.KnownPlaces)
CASES = [(200, 152, True), (20_000, 5_000, True), (100_000, 20_000, True), (100_000, 20_000, False)]
KINDS = ("Xã", "Phường", "Thị trấn", "Trường Tiểu học", "Trường Mầm non", "Trường THCS")
TYPED_KINDS = {"Xã": ("UBND xã", "Xã", "UBND X.", ""), "Phường": ("UBND phường", "P.", "Phường", ""),
               "Thị trấn": ("UBND thị trấn", "TT.", ""), "Trường Tiểu học": ("Trường TH", "TH"),
               "Trường Mầm non": ("Trường MN", "MN"), "Trường THCS": ("THCS", "Trường THCS")}


@functools.cache
def _syllables() -> list[str]:
    words = []
    for path in sorted((REPO / "tests" / "data_names").glob("*.roster.csv")):
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                words += [w for w in row["name"].split()[-2:] if w.isalpha() and w[0].isupper()]
    return words


def roster(size: int, rng: random.Random) -> list[tuple[str, str, str, str]]:
    """(unit id, kind, proper name, district) for ``size`` units with distinct full names."""
    syllables = _syllables()
    districts = [" ".join(rng.sample(syllables, 2)) for _ in range(max(2, size // 60))]
    units, seen = [], set()
    while len(units) < size:
        kind = rng.choice(KINDS)
        proper = " ".join(rng.choice(syllables) for _ in range(rng.choice((2, 2, 2, 3))))
        district = rng.choice(districts)
        if (kind, proper, district) not in seen:
            seen.add((kind, proper, district))
            units.append((f"U{len(units):06d}", kind, proper, district))
    return units


def _typo(text: str, rng: random.Random) -> str:
    i = rng.randrange(1, max(2, len(text)))
    return text[:i] + rng.choice("aeinoughtc") + text[i + 1 :]


def _written(unit: tuple[str, str, str, str], rng: random.Random, fresh: bool) -> str:
    """One way to type a unit's name; ``fresh``: with a one-letter typo or as a name of no unit."""
    from aggregator.textnorm import strip_marks

    _, kind, proper, district = unit
    if fresh:
        proper = " ".join(rng.sample(_syllables(), 2)) if rng.random() < 0.5 else _typo(proper, rng)
    name = f"{rng.choice(TYPED_KINDS[kind])} {proper}".strip()
    if rng.random() < 0.25:
        name += f", huyện {district}"
    if rng.random() < 0.3:
        name = strip_marks(name)
    return name.upper() if rng.random() < 0.1 else name


def typed(units: list[tuple[str, str, str, str]], rows: int, rng: random.Random) -> list[str]:
    """Rows as a shared sheet gets them: each agency types its name one to three ways (and keeps to
    them when it sends again), one row in ten is a one-off typo or a name of no unit."""
    ways: dict[int, list[str]] = {}
    out = []
    for _ in range(rows):
        pick = rng.randrange(len(units))
        if rng.random() < 0.1:
            out.append(_written(units[pick], rng, fresh=True))
            continue
        if pick not in ways:
            ways[pick] = [_written(units[pick], rng, fresh=False) for _ in range(rng.choice((1, 1, 2, 3)))]
        out.append(rng.choice(ways[pick]))
    return out


def _child(rows: int, size: int, located: bool = True) -> None:
    from aggregator.campaign import MatchingSettings
    from aggregator.models import MatchKind, RosterUnit
    from aggregator.names.matching import build_matcher, match_names

    rng = random.Random(rows * 31 + size)
    units = roster(size, rng)
    names = typed(units, rows, rng)
    start, cpu = time.perf_counter(), time.process_time()
    where = (lambda district: f"huyện {district}, tỉnh Bến Tre") if located else (lambda district: "")
    matcher = build_matcher([RosterUnit(uid, "g", f"{kind} {proper}", locality=where(district))
                             for uid, kind, proper, district in units], MatchingSettings(),
                            area="" if located else "tỉnh Bến Tre")
    outcomes = match_names(matcher, names)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    matched = sum(o.kind is MatchKind.MATCHED for o in outcomes)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{seconds:.3f} {peak_kib} {len(set(names))} {matched} {cpu:.3f}")


def main() -> None:
    print(f"{'rows':>8} {'units':>7} {'locality':>8} {'distinct':>9} {'matched':>8} {'matching s':>11} {'cpu s':>6} "
          f"{'total s':>8} {'peak MiB':>9}")
    for rows, size, located in CASES:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child", str(rows), str(size), str(int(located))],
                             check=True, capture_output=True, text=True, cwd=REPO).stdout.split()
        total = time.perf_counter() - start
        seconds, cpu, peak = float(out[0]), float(out[4]), int(out[1]) / 1024
        distinct, matched = int(out[2]), int(out[3])
        print(f"{rows:>8,} {size:>7,} {'yes' if located else 'area':>8} {distinct:>9,} {matched / rows:>8.0%} "
              f"{seconds:>11.2f} {cpu:>6.2f} {total:>8.2f} {peak:>9.0f}")


if __name__ == "__main__":
    if len(sys.argv) in (4, 5) and sys.argv[1] == "--child":
        sys.path.insert(0, str(REPO))
        _child(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:] != ["0"])
    else:
        main()
