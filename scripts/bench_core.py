"""Benchmark of the core cycle: rows/second and peak memory, start-up included.

Each case runs in a fresh interpreter (`python scripts/bench_core.py --child ROWS UNITS`) that
imports the package, builds a synthetic snapshot, and runs compute → status document →
dashboard layout (no report, no disk writes). Wall time is measured from outside, so Python
start-up and imports count, as they do for a real `aggregator run`.

    .venv/bin/python scripts/bench_core.py            # the table for the README
"""

from __future__ import annotations

import datetime as dt
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CASES = [(200, 152), (2_000, 152), (20_000, 152), (200, 5_000), (2_000, 5_000), (20_000, 5_000)]
KINDS = ["Trường Tiểu học", "Trường Mầm non", "Trường Trung học cơ sở", "Ủy ban nhân dân phường",
         "Ủy ban nhân dân xã", "Phòng", "Hội", "Trung tâm"]
SYLLABLES = ["An", "Bình", "Cát", "Đông", "Gia", "Hòa", "Khánh", "Long", "Minh", "Nam", "Ngọc", "Phú",
             "Phước", "Quang", "Sơn", "Tân", "Thạnh", "Thọ", "Trung", "Vĩnh", "Xuân", "Hải", "Lộc", "Mỹ"]


def synthetic_roster(size: int, rng: random.Random) -> str:
    lines = ["unit_id,group,name,short_name,aliases,email,source"]
    seen: set[str] = set()
    while len(lines) <= size:
        name = f"{rng.choice(KINDS)} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)} {rng.choice(SYLLABLES)}"
        if name in seen:
            continue
        seen.add(name)
        lines.append(f"U{len(lines):05d},g{len(lines) % 5},{name},,,,bench")
    return "\n".join(lines) + "\n"


def _child(rows: int, units: int) -> None:
    from aggregator.adapters import campaign_file
    from aggregator.adapters.roster_file import read_roster
    from aggregator.app.pipeline import compute
    from aggregator.campaign.roster import parse_roster
    from aggregator.models import RawTab, Snapshot, SourceKind
    from aggregator.outputs import dashboard, status

    rng = random.Random(rows * 31 + units)
    campaign = campaign_file.load()
    if units == 152:
        roster = read_roster(campaign.resolve(campaign.roster))
    else:
        roster = parse_roster(synthetic_roster(units, rng), origin="bench")
        campaign = campaign.model_copy(update={"groups": tuple(
            campaign.groups[0].model_copy(update={"code": f"g{i}", "label": f"Khối {i}"}) for i in range(5))})
    header = tuple(c.header for c in campaign.columns)
    forms = [lambda n: n, lambda n: f"{n:,}".replace(",", "."), lambda n: f"khoảng {n}", lambda n: None]
    data = []
    for i in range(rows):
        unit = roster[rng.randrange(len(roster))]
        name = rng.choice([unit.name, unit.name.upper(), unit.name.replace("Ủy ban nhân dân", "UBND")])
        counts = [rng.choice(forms)(rng.randrange(5000)) for _ in campaign.metric_columns]
        data.append((i + 1, name, "", *counts, "", "Không", "Nguyễn Văn A", "0905 123 456",
                     f"{rng.randrange(1, 15):02d}/11/2024"))
    snapshot = Snapshot(SourceKind.XLSX, "bench", RawTab("Báo cáo", (header, *data)), ("Báo cáo",))
    now = dt.datetime(2024, 11, 11, 8, 0, tzinfo=campaign.tz)
    result = compute(campaign, roster, snapshot, now, None)
    status.status_document(result, {})
    dashboard.layout(result, "Tổng hợp tiến độ", campaign.group_labels)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{result.totals.units_reported} {peak_kib}")


def main() -> None:
    print(f"{'rows':>7} {'roster':>7} {'seconds':>8} {'rows/s':>9} {'peak MiB':>9} {'× 200-row':>9}")
    base: dict[int, float] = {}
    for rows, units in CASES:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, __file__, "--child", str(rows), str(units)], check=True,
                             capture_output=True, text=True, cwd=REPO).stdout.split()
        seconds = time.perf_counter() - start
        base.setdefault(units, seconds)
        print(f"{rows:>7} {units:>7} {seconds:>8.2f} {rows / seconds:>9.0f} {int(out[1]) / 1024:>9.0f} "
              f"{seconds / base[units]:>9.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _child(int(sys.argv[2]), int(sys.argv[3]))
    else:
        main()
