"""Benchmark of name matching on the whole country: 100,000 typed rows against a 20,000-unit roster.

The roster holds every district, ward, commune and town of the 61 provinces in the official list
(10,920 units, each with its locality) and, to reach 20,000, a primary or lower-secondary school
named after a commune. Rows are typed with the red-team generator's styles (tests/redteam/forms.py:
places after the name, bare names, typos, raw Telex, short ward numbers ...), one in ten a school
and one in twenty another body of a commune. Run in a fresh interpreter so start-up counts:

    .venv/bin/python scripts/bench_redteam.py [ROWS UNITS]

Prints the seconds to build the matcher and to match, the total wall time of the child process,
peak memory, and (a by-product) how the matched rows whose reading names exactly one
administrative unit compare with that unit.
"""

from __future__ import annotations

import io
import random
import resource
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SCHOOLS = (("Trường Tiểu học", ("Trường TH ", "Trường Tiểu học ", "TH ")),
           ("Trường THCS", ("Trường THCS ", "THCS ")))
EXAMPLES = 40  # wrong rows shown
STYLES = ("plain", "locality", "bare", "bare_locality", "no_type", "note", "spaces", "accents", "case", "typo",
          "telex")


def roster(units_wanted: int, rng: random.Random):
    from tests.redteam.admin import load_provinces, unit_id, units_of

    admin = [u for p in load_provinces().values() for u in units_of(p)][:units_wanted]
    lines = ["unit_id,group,name,locality"]
    for u in admin:
        lines.append(f'{unit_id(u)},{"h" if u.level == "district" else "x"},UBND {u.kind} {u.proper},'
                     f'"{", ".join(f"{p.kind} {p.proper}" for p in u.chain)}"')
    communes = [u for u in admin if u.level == "commune" and not u.is_numbered]
    schools = []
    for i in range(units_wanted - len(admin)):
        commune = communes[i % len(communes)]
        kind, typed = SCHOOLS[(i // len(communes)) % len(SCHOOLS)]
        schools.append((f"S-{i}", commune, typed))
        place = ", ".join(f"{p.kind} {p.proper}" for p in (commune, *commune.chain))
        lines.append(f'S-{i},t,{kind} {commune.proper},"{place}"')
    return admin, schools, "\n".join(lines) + "\n"


def typed_rows(count: int, admin, schools, rng: random.Random):
    from tests.redteam.forms import type_name
    from tests.redteam.negatives import bodies

    rows = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.10 and schools:
            _, commune, typed = rng.choice(schools)
            rows.append((rng.choice(typed) + commune.proper, None))
        elif roll < 0.15:
            rows.append((bodies(admin, 1, rng)[0].text, None))
        else:
            unit = rng.choice(admin)
            style = rng.choice(("numbered_short", "plain", "locality") if unit.is_numbered else STYLES)
            typed = type_name(unit, style, rng)
            rows.append((typed.text, typed))
    return rows


def child(rows_wanted: int, units_wanted: int) -> None:
    from aggregator.campaign.roster import parse_roster
    from aggregator.campaign.settings import MatchingSettings
    from aggregator.models import MatchKind
    from aggregator.names.matching import build_matcher, match_names

    rng = random.Random("bench-redteam")
    admin, schools, text = roster(units_wanted, rng)
    rows = typed_rows(rows_wanted, admin, schools, rng)
    units = parse_roster(text, origin="bench")
    t0 = time.perf_counter()
    matcher = build_matcher(units, MatchingSettings(), area="")
    t1 = time.perf_counter()
    outcomes = match_names(matcher, [r[0] for r in rows])
    t2 = time.perf_counter()
    matched = sum(o.kind == MatchKind.MATCHED for o in outcomes)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    distinct = len({r[0] for r in rows})
    print(f"{len(rows)} rows ({distinct} distinct) × {len(units)} units: build {t1 - t0:.2f} s,"
          f" match {t2 - t1:.2f} s, {matched} matched, peak {peak:.0f} MiB")
    print(agreement(admin, rows, outcomes))


def agreement(admin, rows, outcomes) -> str:
    """Matched rows whose reading (no typo) names exactly one administrative unit: right or wrong."""
    from tests.redteam.admin import unit_id
    from tests.redteam.noise import fold
    from tests.redteam.reading import allowed, same_name

    by_name = defaultdict(list)
    for u in admin:
        by_name[fold(u.proper)].append(u)
    right = wrong = 0
    wrong_examples = io.StringIO()
    for (text, typed), outcome in zip(rows, outcomes, strict=True):
        if typed is None or typed.reading.typed_proper or outcome.unit_id is None:
            continue
        found = same_name(typed.reading, allowed(typed.reading, by_name[fold(typed.reading.proper)]))
        if len(found) != 1:
            continue
        if outcome.unit_id == unit_id(found[0]):
            right += 1
        else:
            wrong += 1
            if wrong <= EXAMPLES:
                wrong_examples.write(f"\n  {text!r} → {outcome.unit_id}, reading names {unit_id(found[0])}")
    return f"matched rows naming one unit: {right} agree, {wrong} differ{wrong_examples.getvalue()}"


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        child(int(argv[1]), int(argv[2]))
        return
    rows, units = (int(argv[0]), int(argv[1])) if len(argv) == 2 else (100_000, 20_000)
    start = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--child", str(rows), str(units)], check=True)
    print(f"total (fresh interpreter, start-up and data generation included): {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
