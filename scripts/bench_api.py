"""Sheets API requests per cycle, measured against the in-process fake (no Google, no network).

    .venv/bin/python scripts/bench_api.py

Seeds the fake spreadsheet with the rows of the bundled Nha Trang demo workbook, then runs three
cycles of the real pipeline with the campaign's source switched to that spreadsheet:

1. first cycle: the dashboard tab does not exist yet;
2. steady cycle: nothing changed, only the clock moved on ten minutes;
3. an agency that had not reported types its row, then the next cycle runs.

It prints the reads and writes each cycle sent (Google's quota: 60 reads and 60 writes per minute
per user; a token refresh is not a Sheets request and is not counted).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from openpyxl import load_workbook  # noqa: E402

from aggregator.adapters import campaign_file  # noqa: E402
from aggregator.app.wiring import run_cycle  # noqa: E402
from tests.fake_sheets import FakeSheets, service_account_key  # noqa: E402

SID = "1BenchNhaTrang2024OnTheFakeSheetsApi00"
NOW = dt.datetime.fromisoformat("2024-11-11T08:00:00+07:00")
STEPS = (("1 first cycle (dashboard tab created)", 0), ("2 steady: nothing changed, clock +10 min", 10),
         ("3 a missing unit typed its row", 20))


def seed(fake: FakeSheets, sample: Path) -> None:
    workbook = load_workbook(sample, read_only=True, data_only=True)
    try:
        fake.add_spreadsheet(SID, {name: [list(r) for r in workbook[name].iter_rows(values_only=True)]
                                   for name in workbook.sheetnames})
    finally:
        workbook.close()


def first_missing_unit(status_path: Path) -> tuple[str, str]:
    status = json.loads(status_path.read_text(encoding="utf-8"))
    unit = next(u for u in status["units"] if u["status"] == "missing")
    return unit["unit_id"], unit["name"]


def type_a_row(fake: FakeSheets, tab: str, name: str) -> None:
    sheet = fake.books[SID].tab(tab)
    values = sheet.values()
    header = values[0]
    row: list[object] = [""] * len(header)
    row[0], row[1], row[3] = len(values), name, 42
    sheet.set_rows([[]] * len(values) + [row])


def main() -> int:
    campaign = campaign_file.load()
    fake = FakeSheets()
    seed(fake, campaign.resolve(campaign.source.path or Path("samples/nhatrang-2024.xlsx")))
    with tempfile.TemporaryDirectory() as tmp, fake.activate():
        os.environ["GOOGLE_APPLICATION_CREDENTIALS"] = str(service_account_key(Path(tmp) / "google.json"))
        out = Path(tmp) / "out"
        print(f"{'cycle':<44} {'reads':>5} {'writes':>6}  requests")
        for label, minutes in STEPS:
            moment = NOW + dt.timedelta(minutes=minutes)
            if label.startswith("3"):
                unit_id, name = first_missing_unit(out / "status.json")
                type_a_row(fake, campaign.source.tab, name)
                label += f" ({unit_id})"
            mark = fake.mark()
            run_cycle(campaign, out_dir=out, source_override=SID, now=moment, render_report=False)
            reads, writes = fake.counts(mark)
            names = ", ".join(r.endpoint for r in fake.calls(mark) if r.kind != "auth")
            print(f"{label:<44} {reads:>5} {writes:>6}  {names}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
