#!/usr/bin/env python3
"""Time the report for 152 and 5,000 units (build_context + chart + render + atomic save).

    .venv/bin/python scripts/bench_report.py [--repeat 3]

The issue's bar: the 5,000-unit report renders in at most 5x the time of the 152-unit one
(rendering must stay linear: ``{%tr for %}`` rows, one lxml pass for the appendix widths).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from aggregator.adapters.chart import group_chart_png  # noqa: E402
from aggregator.adapters.docx_report import render_report  # noqa: E402
from aggregator.outputs.report_context import build_context  # noqa: E402
from tests.report_builders import load_campaign, make_consolidation  # noqa: E402

TEMPLATE = REPO / "templates" / "report.docx"


def best_time(n_units: int | None, repeat: int, out_dir: Path) -> tuple[float, int]:
    campaign = load_campaign()
    result = make_consolidation(campaign, n_units=n_units)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        context = build_context(result, campaign)
        render_report(TEMPLATE, context, out_dir / "report.docx", chart_png=group_chart_png(result))
        times.append(time.perf_counter() - start)
    return min(times), len(result.units)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per size; the best is reported")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        best_time(None, 1, Path(tmp))  # warm-up: imports, font cache
        small, n_small = best_time(None, args.repeat, Path(tmp))
        large, n_large = best_time(5000, args.repeat, Path(tmp))
    ratio = large / small
    print(f"{n_small:>6} units: {small:6.2f} s")
    print(f"{n_large:>6} units: {large:6.2f} s")
    verdict = "OK" if ratio <= 5 else "TOO SLOW"
    print(f"ratio: {ratio:.1f}x for {n_large / n_small:.0f}x the units (bar: <= 5x) -> {verdict}")
    return 0 if ratio <= 5 else 1


if __name__ == "__main__":
    raise SystemExit(main())
