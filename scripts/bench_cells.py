"""Benchmark of the number cell readers: best-of-3 seconds for 100,000 cells of each type (target: well under 1 s).

Each column mixes what a sheet holds: mostly distinct plain figures, typed numbers from the API, a
share of worded forms ("2,5 triệu", "khoảng 85%"), empties and mistakes.

    .venv/bin/python scripts/bench_cells.py
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import pandas as pd

from aggregator.cells import read_numbers
from aggregator.vnformat import number

CELLS = 100_000
RARE = {
    "count": ["khoảng 200", "200 người", "không", "-", "1,5", "#REF!", "abc"],
    "money": ["2,5 triệu", "15tr", "1 tỷ 200 triệu", "khoảng 5 triệu", "500k", "2,5", "không có"],
    "decimal": ["khoảng 3,5", "2.5", "3,5 ha", "-", "-1,5", "1.2345", "abc"],
    "percent": ["khoảng 85%", "0,85", "85 %", "không", "1.500%", "80-90%", "abc"],
}
PLAIN: dict[str, Callable[[random.Random], object]] = {
    "count": lambda rng: number(rng.randrange(10**6)),
    "money": lambda rng: number(rng.randrange(10**10)) + rng.choice(["", " đ", "đ", " đồng"]),
    "decimal": lambda rng: number(rng.randrange(10**7) / 10, 1),
    "percent": lambda rng: number(rng.randrange(1000) / 10, 1) + rng.choice(["%", " %"]),
}


def column(kind: str, rng: random.Random) -> pd.Series:
    cells: list[object] = []
    for _ in range(CELLS):
        roll = rng.random()
        if roll < 0.7:
            cells.append(PLAIN[kind](rng))
        elif roll < 0.85:
            cells.append(rng.randrange(10**6) / (1 if kind != "percent" else 10**6))  # typed by the API
        elif roll < 0.95:
            cells.append(rng.choice(RARE[kind]))
        else:
            cells.append(None)
    return pd.Series(cells, dtype=object)


def main() -> None:
    rng = random.Random(7)
    print(f"{'type':<8} {'cells':>8} {'seconds':>8} {'problems':>9} {'notes':>6}")
    for kind in PLAIN:
        cells = column(kind, rng)
        read_numbers(kind, cells.head(100))  # imports and regex compilation are not the reader's cost
        elapsed = float("inf")
        for _ in range(3):  # best of three: the machine may be busy with something else
            start = time.perf_counter()
            col = read_numbers(kind, cells, percent_formatted=True)
            elapsed = min(elapsed, time.perf_counter() - start)
        print(f"{kind:<8} {CELLS:>8,} {elapsed:>8.3f} {col.problems.notna().sum():>9,} {col.notes.notna().sum():>6,}")


if __name__ == "__main__":
    main()
