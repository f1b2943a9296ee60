"""Benchmark of the core cycle at the three sizes of issue 8: seconds and peak memory, start-up included.

Each cycle runs in a fresh interpreter (``python scripts/bench_core.py --child UNITS CYCLE DIR``), as a
scheduled ``aggregator run`` does: import the package, read the roster, take the tab's rows as
``values:batchGet`` returns them, then compute with a real SQLite history file (first-seen step) →
what changed since the previous status.json (read from its digest) → dashboard layout → the dashboard's Google payload
(formatting requests and values, serialised as the adapter sends them) → status.json written atomically →
the cycle recorded in the history: ``run_cycle`` step by step, with the Google source and sink replaced by
their payloads; the process then ends as ``aggregator run`` ends it (its report kept, no interpreter
teardown: app/lifetime.py). Not included: the network, and the .docx report (``scripts/bench_report.py``).

Two cycles run per size over the same folder: the first starts from an empty history (every row is
new), the next one sees the same sheet with the agencies' rows in reverse order and 1% of them edited,
so its history already holds the previous cycle's rows. Wall time is measured from outside (and the
child's CPU time beside it, its copies' included, steadier on a busy machine); peak memory is the child's
maximum resident set size, or more: "with copy" is the child's memory when a copy of it ends (the one that
reads part of the columns, the one that writes the history beside name matching: app/beside.py) plus that
copy's own pages (those private to it, not those it still shares), the larger over the copies, and
"peak MiB" the larger of the two.
Sizes take turns in each round; "seconds" is a cycle's fastest run, "× small" the median over the
rounds of its run divided by the small run of the same round (made seconds apart, on a machine in the
same state), "× fast" its fastest run divided by small's fastest; a target is met only when both are.
"match s" is the time spent in ``match_names`` alone, "matcher s" in ``build_matcher`` (names/),
"other s" in everything else (start-up included), "sink s" in laying out the decisions tab and building
and serialising the Google payload of both tabs (adapters/sheets_format.py, sheets_worker_tab.py).

    .venv/bin/python scripts/bench_core.py            # 3 rounds: fastest seconds, median × small
    .venv/bin/python scripts/bench_core.py large      # small (the base) and the sizes named
    .venv/bin/python scripts/bench_core.py --sweep    # also rows × roster sizes of the older table
    .venv/bin/python scripts/bench_core.py --markdown # the README's table
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SIZES = {"small": (152, 200), "medium": (5_000, 20_000), "large": (20_000, 100_000)}  # units, rows
SWEEP = [(152, 2_000), (152, 20_000), (5_000, 200), (5_000, 2_000)]
TARGETS = {"medium": (4.0, 400), "large": (8.0, 500)}  # × small, peak MiB
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


def _campaign(units: int):  # type: ignore[no-untyped-def]
    from aggregator.adapters import campaign_file

    campaign = campaign_file.load()
    if units == 152:
        return campaign
    groups = tuple(campaign.groups[0].model_copy(update={"code": f"g{i}", "label": f"Khối {i}"}) for i in range(5))
    return campaign.model_copy(update={"groups": groups})


def _rows(metrics: int, names: list[str], rows: int, rng: random.Random, cycle: int) -> list[list[object]]:
    """The agencies' rows as ``values:batchGet`` returns them (ragged, "" for empty cells): names in three
    spellings, counts in four forms, a third of the rows undated."""
    forms = [lambda n: n, lambda n: f"{n:,}".replace(",", "."), lambda n: f"khoảng {n}", lambda n: ""]
    data: list[list[object]] = []
    for i in range(rows):
        name = names[rng.randrange(len(names))]
        typed = rng.choice([name, name.upper(), name.replace("Ủy ban nhân dân", "UBND")])
        counts = [rng.choice(forms)(rng.randrange(5000)) for _ in range(metrics)]
        day = rng.randrange(1, 15)
        row = [i + 1, typed, "", *counts, "", "Không", "Nguyễn Văn A", "0905 123 456"]
        data.append([*row, f"{day:02d}/11/2024"] if day % 3 else row)
    if cycle > 1:  # the agencies sorted their rows the other way and edited 1% of them
        data.reverse()
        for i in range(0, len(data), 100):
            data[i][3] = rng.randrange(5000)
    return data


def _prepare(units: int, rows: int, folder: Path) -> None:
    """Write the roster and both cycles' tab contents, so the timed children only read them."""
    from aggregator.adapters.roster_file import read_roster

    campaign = _campaign(units)
    roster_csv = folder / "roster.csv"
    if units == 152:
        roster_csv.write_bytes(campaign.roster_path.read_bytes())  # type: ignore[union-attr]
    else:
        roster_csv.write_text(synthetic_roster(units, random.Random(units)), encoding="utf-8")
    names = [u.name for u in read_roster(roster_csv)]
    header = [c.header for c in campaign.columns]
    for cycle in (1, 2):
        data = _rows(len(campaign.metric_columns), names, rows, random.Random(rows * 31 + units), cycle)
        values = {"valueRanges": [{"range": "'Báo cáo'!A1:Z", "values": [header, *data]}]}
        (folder / f"batch-get-{cycle}.json").write_text(json.dumps(values, ensure_ascii=False), encoding="utf-8")


def _read(folder: Path, cycle: int):  # type: ignore[no-untyped-def]
    """The snapshot the Google adapter builds from a ``values:batchGet`` answer."""
    from aggregator.models import RawTab, Snapshot, SourceKind

    got = json.loads((folder / f"batch-get-{cycle}.json").read_text(encoding="utf-8"))["valueRanges"][0]
    tab = RawTab("Báo cáo", tuple(tuple(row) for row in got["values"]))
    return Snapshot(SourceKind.GOOGLE_SHEETS, "bench", tab, ("Báo cáo",))


def _wire(layout, tab: str, decisions) -> int:  # type: ignore[no-untyped-def]
    """What the Google sink sends for a changed dashboard and decisions tab: formats (with their signature)
    and values, serialised as adapters/sheets_http.py sends them, one body at a time."""
    from aggregator.adapters import sheets_format, sheets_worker_tab
    from aggregator.outputs import dashboard
    from aggregator.rowjson import compact

    gids = {"Báo cáo": 0, tab: 1, decisions.title: 2}
    formats = sheets_format.format_requests(layout, 1, gids, dashboard.STYLE_PALETTE)
    formats += sheets_worker_tab.format_requests(decisions, 2, gids, dashboard.STYLE_PALETTE)
    signature = sheets_format.signature(formats)
    sent = len(compact({"requests": [*formats, signature]}))
    del formats
    values = sheets_format.values_body(tab, layout, (0, 0))
    values["data"] += sheets_worker_tab.values_data(decisions, ())
    return sent + len(compact(values))


def _child(units: int, cycle: int, folder: Path) -> None:
    from aggregator.app import lifetime

    lifetime.ends_with_its_command()  # as aggregator's main
    lifetime.ending_after_this_cycle()  # as `aggregator run`
    report = lifetime.gc_paused(_cycle)(units, cycle, folder)  # as run_cycle is
    lifetime.keep_until_exit(report)  # as `aggregator run` keeps its report (the cycle's result and roster)
    lifetime.end_process(0)  # and as aggregator's main ends the process


def _cycle(units: int, cycle: int, folder: Path) -> tuple[object, ...]:
    """What ``run_cycle`` does, with the Google source and sink replaced by their payloads; what its report
    holds (the result and the roster)."""
    from aggregator.adapters.files import OutputFolder
    from aggregator.adapters.history import History
    from aggregator.adapters.roster_file import read_roster
    from aggregator.app import lifetime, pipeline
    from aggregator.consolidation import changes
    from aggregator.decisions.choices import Choices
    from aggregator.outputs import dashboard, decision_tab, status

    matching, matcher = _timed(pipeline, "match_names"), _timed(pipeline, "build_matcher")
    with_copy = _with_copies(folder / "copies.txt")
    campaign, roster = _campaign(units), read_roster(folder / "roster.csv")
    snapshot = _read(folder, cycle)
    now = dt.datetime(2024, 11, 10 + cycle, 8, 0, tzinfo=campaign.tz)
    history = History(folder / "history.sqlite")
    result = pipeline.compute(campaign, roster, snapshot, now, history)
    lifetime.done_with(snapshot)  # as run_cycle does (an ``aggregator run`` keeps it until it ends)
    del snapshot
    state = OutputFolder(folder)
    previous = state.read_digest(pipeline.DIGEST_FILE, of=pipeline.STATUS_FILE) or state.read(pipeline.STATUS_FILE)
    found = changes.diff(previous, result, {c.key: c.header for c in campaign.columns})
    layout = dashboard.layout(result, campaign.dashboard.tab, campaign.group_labels,
                              changes.ChangeLog(now, found) if found else None)
    start = time.perf_counter()
    decisions = decision_tab.layout(result, campaign.decisions.tab or "Xử lý", (), Choices.of(roster),
                                    {u.unit_id: u.name for u in roster})
    wire = _wire(layout, campaign.dashboard.tab, decisions)
    sink_s = time.perf_counter() - start
    document = status.status_document(result, {}, previous)
    state.write(pipeline.STATUS_FILE, document)
    state.write_digest(pipeline.DIGEST_FILE, status.digest(document), of=pipeline.STATUS_FILE)
    history.record_cycle(now, result.source.ref, result.source.rows_read, {})
    lifetime.done_with((layout, decisions, document, previous))  # as run_cycle does
    both = with_copy()  # the cycle and its copy while both ran
    peak_kib = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, both)
    print(json.dumps({"peak_kib": peak_kib, "with_copy_kib": both, "match_s": matching[0], "matcher_s": matcher[0],
                      "wire": wire, "sink_s": sink_s, "reported": result.totals.units_reported}))
    return result, roster


def _with_copies(notes: Path) -> Callable[[], int]:
    """Have each copy that works beside the cycle (app/beside.py) note its own memory as it ends (the pages
    private to it, Private_*, not those it still shares with the cycle) and the cycle its own as it takes that
    copy's result; the largest memory of the cycle and one of its copies then (0 without a copy). The copies
    run one after the other: the n-th result taken is the n-th copy's."""
    from aggregator.app import beside

    fork, result = beside._fork, beside.Beside.result
    at_join: list[int] = []
    notes.unlink(missing_ok=True)  # this cycle's copy only (the folder keeps the previous cycle's notes)

    def noted(work: Callable[[], object]) -> tuple[int, int] | None:
        def work_and_note() -> object:
            done = work()
            with notes.open("a", encoding="ascii") as out:
                out.write(f"{_kib('/proc/self/smaps_rollup', 'Private_')}\n")
            return done
        return fork(work_and_note)

    def joined(self: beside.Beside[object]) -> object:
        at_join.append(_kib("/proc/self/status", "VmRSS"))
        return result(self)

    beside._fork = noted  # type: ignore[assignment]
    beside.Beside.result = joined  # type: ignore[assignment,method-assign]

    def both() -> int:
        copies = [int(line) for line in notes.read_text(encoding="ascii").split()] if notes.exists() else []
        return max((own + copy for own, copy in zip(at_join, copies, strict=False)), default=0)
    return both


def _kib(path: str, prefix: str) -> int:
    """The sum of the kB figures of the lines of a /proc file that start with ``prefix``."""
    lines = Path(path).read_text(encoding="ascii").splitlines()
    return sum(int(line.split()[1]) for line in lines if line.startswith(prefix))


def _timed(module: object, name: str) -> list[float]:
    """Add up the time spent in ``module.name`` (instrumentation for this script only)."""
    spent = [0.0]
    original = getattr(module, name)

    def wrapper(*args: object, **kwargs: object) -> object:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[0] += time.perf_counter() - start

    setattr(module, name, wrapper)
    return spent


def _run_child(units: int, cycle: int, folder: Path) -> dict[str, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--child", str(units), str(cycle), str(folder)],
                          check=True, capture_output=True, text=True, cwd=REPO)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {**json.loads(done.stdout.strip().splitlines()[-1]), "seconds": seconds, "cpu": cpu}


def _measure(cases: Sequence[tuple[str, int, int]], repeat: int) -> list[list[dict[str, float]]]:
    """Each case's fastest run of each cycle (with the largest peak and the median ratio to small).

    The sizes take turns within each repetition (small, then the others, then the next repetition), and a
    ratio compares runs made back to back: a shared machine's speed drifts by a fifth over minutes, and the
    ratio of a large run made in a slow minute to a small one made in a fast minute measures the machine.
    """
    runs: dict[int, list[list[dict[str, float]]]] = {i: [] for i in range(len(cases))}
    with tempfile.TemporaryDirectory(prefix="bench-core-") as tmp:
        for i, (_, units, rows) in enumerate(cases):  # in a child: a child forked from a large parent starts large
            subprocess.run([sys.executable, __file__, "--prepare", str(units), str(rows), str(_inputs(Path(tmp), i))],
                           check=True, cwd=REPO)
        for n in range(repeat):
            for i in runs:
                folder = shutil.copytree(_inputs(Path(tmp), i), Path(tmp) / f"run-{i}-{n}")
                runs[i].append([_run_child(cases[i][1], cycle, folder) for cycle in (1, 2)])
                shutil.rmtree(folder)
    best = []
    for i in runs:
        cycles = []
        for cycle in range(2):
            ratios = [run[cycle]["seconds"] / base[cycle]["seconds"]
                      for run, base in zip(runs[i], runs[0], strict=True)]
            fastest = min((run[cycle] for run in runs[i]), key=lambda out: out["seconds"])
            small = min(run[cycle]["seconds"] for run in runs[0])
            cycles.append({**fastest, "peak_kib": max(run[cycle]["peak_kib"] for run in runs[i]),
                           "with_copy_kib": max(run[cycle]["with_copy_kib"] for run in runs[i]),
                           "ratio": statistics.median(ratios), "fastest_ratio": fastest["seconds"] / small})
        best.append(cycles)
    return best


def _inputs(tmp: Path, case: int) -> Path:
    folder = tmp / f"inputs-{case}"
    folder.mkdir(exist_ok=True)
    return folder


def _verdict(name: str, ratio: float, peak: float) -> str:
    """``ratio``: the larger of the two estimates (paired median, fastest over fastest)."""
    target = TARGETS.get(name)
    if target is None:
        return ""
    met = ratio <= target[0] and peak <= target[1]
    return f"{'met' if met else 'MISSED'} (≤ {target[0]:.0f}×, ≤ {target[1]} MiB)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", metavar="SIZE", help=f"only {', '.join(SIZES)} (small always runs)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of every size (default 3)")
    parser.add_argument("--sweep", action="store_true", help="also rows × roster sizes of the older table")
    parser.add_argument("--markdown", action="store_true", help="print the README's table")
    args = parser.parse_args()
    if set(args.sizes) - set(SIZES):
        parser.error(f"sizes are {', '.join(SIZES)}")
    print(MARKDOWN_HEAD if args.markdown else
          f"{'size':>6} {'units':>7} {'rows':>8} {'cycle':>6} {'seconds':>8} {'cpu s':>6} {'× small':>8} {'× fast':>7} "
          f"{'peak MiB':>9} {'w/ copy':>8} {'match s':>8} {'matcher s':>9} {'other s':>8} {'sink s':>7}  target")
    cases = [(name, *size) for name, size in SIZES.items()] + ([("", *s) for s in SWEEP] if args.sweep else [])
    cases = [c for c in cases if not args.sizes or c[0] in args.sizes or c[0] == "small"]  # small: the base
    for (name, units, rows), cycles in zip(cases, _measure(cases, args.repeat), strict=True):
        for cycle, out in enumerate(cycles, start=1):
            print(_line(name, units, rows, cycle, out, markdown=args.markdown))


MARKDOWN_HEAD = ("| size | roster units | rows | cycle | seconds | × small (paired) | × small (fastest) | peak MiB "
                 "| with copy MiB | names s | other s | sink s |\n|---|---:|---:|---" + "|---:" * 8 + "|")


def _line(name: str, units: int, rows: int, cycle: int, out: dict[str, float], *, markdown: bool) -> str:
    ratio, fast, peak, copy = out["ratio"], out["fastest_ratio"], out["peak_kib"] / 1024, out["with_copy_kib"] / 1024
    names, kind = out["match_s"] + out["matcher_s"], ("first", "next")[cycle - 1]
    other = out["seconds"] - names
    if markdown:
        return (f"| {name} | {units:,} | {rows:,} | {kind} | {out['seconds']:.2f} | {ratio:.2f} | {fast:.2f} | "
                f"{peak:.0f} | {copy:.0f} | {names:.2f} | {other:.2f} | {out['sink_s']:.2f} |")
    return (f"{name:>6} {units:>7,} {rows:>8,} {kind:>6} {out['seconds']:>8.2f} {out['cpu']:>6.2f} {ratio:>8.2f} "
            f"{fast:>7.2f} {peak:>9.0f} {copy:>8.0f} {out['match_s']:>8.2f} {out['matcher_s']:>9.2f} {other:>8.2f} "
            f"{out['sink_s']:>7.2f}  {_verdict(name, max(ratio, fast), peak)}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        _child(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
    elif len(sys.argv) == 5 and sys.argv[1] == "--prepare":
        _prepare(int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4]))
    else:
        main()
