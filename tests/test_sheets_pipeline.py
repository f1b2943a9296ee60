"""The bundled demo through the real pipeline with its source switched to the fake Google sheet.

The fake holds the same rows as config/samples/nhatrang-2024.xlsx (dates become serial numbers, as
the API returns them), so status.json must be the same as on the xlsx path except for the source's
kind/ref and the artifacts. Also checks the request budget of real cycles.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from aggregator.adapters import campaign_file
from aggregator.app import wiring
from aggregator.errors import SheetAccessError
from tests.fake_sheets import FakeSheets, fault, service_account_key

SID = "1NhaTrang2024DemoOnTheFakeGoogleApi000"
SAMPLE = campaign_file.BUNDLED_CONFIG_DIR / "samples" / "nhatrang-2024.xlsx"
NOW = dt.datetime.fromisoformat("2024-11-11T08:00:00+07:00")

pytestmark = pytest.mark.skipif(not SAMPLE.exists(), reason="config/samples/nhatrang-2024.xlsx not generated")


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSheets]:
    api = FakeSheets()
    workbook = load_workbook(SAMPLE, read_only=True, data_only=True)
    try:
        tabs = {name: [list(row) for row in workbook[name].iter_rows(values_only=True)]
                for name in workbook.sheetnames}
    finally:
        workbook.close()
    api.add_spreadsheet(SID, tabs)
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp_path / "google.json")))
    with api.activate():
        yield api


def run(out: Path, now: dt.datetime = NOW, source: str | None = None) -> dict[str, Any]:
    report = wiring.run_cycle(campaign_file.load(), out_dir=out, source_override=source, now=now,
                                render_report=False)
    return json.loads(report.status_path.read_text(encoding="utf-8"))


def comparable(status: dict[str, Any]) -> dict[str, Any]:
    source = {k: v for k, v in status["source"].items() if k not in ("kind", "ref")}
    return {**{k: v for k, v in status.items() if k != "artifacts"}, "source": source}


def test_the_google_path_gives_the_same_status_as_the_xlsx_path(fake: FakeSheets, tmp_path: Path) -> None:
    from_xlsx = run(tmp_path / "xlsx")
    from_google = run(tmp_path / "google", source=SID)
    assert (from_google["source"]["kind"], from_google["source"]["ref"]) == ("google_sheets", SID)
    assert comparable(from_google) == comparable(from_xlsx)
    gid = fake.books[SID].tab(campaign_file.load().dashboard.tab).sheet_id
    assert from_google["artifacts"]["dashboard"].endswith(f"#gid={gid}")


def test_real_cycles_stay_within_the_request_budget(fake: FakeSheets, tmp_path: Path) -> None:
    run(tmp_path, source=SID)
    assert fake.counts() == (2, 3)
    mark = fake.mark()
    run(tmp_path, source=SID)  # same data, same clock: nothing to write
    assert fake.counts(mark) == (2, 0)
    mark = fake.mark()
    run(tmp_path, NOW + dt.timedelta(minutes=10), source=SID)  # only the "as of" time moved
    assert fake.counts(mark) == (2, 1)
    agency = fake.books[SID].tab(campaign_file.load().source.tab)
    assert agency.formats == {} and agency.protected == [] and agency.metadata == []


def test_the_cycle_counts_its_google_requests(fake: FakeSheets, tmp_path: Path) -> None:
    stats = wiring.CycleStats()
    wiring.run_cycle(campaign_file.load(), out_dir=tmp_path, source_override=SID, now=NOW, render_report=False,
                       stats=stats)
    assert stats.google_requests == 5 == sum(fake.counts())
    fake.inject("values.batchGet", fault(400, "Unable to parse range: 'Báo cáo'"))
    failed = wiring.CycleStats()
    with pytest.raises(SheetAccessError):
        wiring.run_cycle(campaign_file.load(), out_dir=tmp_path, source_override=SID, now=NOW,
                           render_report=False, stats=failed)
    assert failed.google_requests == 2  # the metadata read and the refused batchGet: counted though it failed


def test_a_failed_as_of_write_does_not_discard_the_cycle(fake: FakeSheets, tmp_path: Path) -> None:
    run(tmp_path, source=SID)
    fake.inject("values.batchUpdate", fault(400, "Invalid data[0]: Unable to parse range"))
    later = NOW + dt.timedelta(minutes=10)
    status = run(tmp_path, later, source=SID)  # only the "as of" cell had to change, and its write fails
    assert status["generated_at"] == later.isoformat()  # the cycle's outputs were written all the same
    assert [r.status for r in fake.log if r.endpoint == "values.batchUpdate"][-1] == 400
