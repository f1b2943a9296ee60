"""One contract for every kind of source and sink the wiring plugs in (house style §5, point 2).

Whatever the kind — an .xlsx workbook, a Google spreadsheet (through the real gspread client against the
HTTP-level fake), the status.json files of lower-level instances, or a workbook carrying its roster as a tab —
``wiring.open_ports`` gives a source whose ``read()`` returns the agency tab with its header row, and a sink
whose ``write()`` puts the dashboard somewhere it can be found again; a full cycle through those ports gives a
status.json with every roster unit, and the agency tab is never written.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from aggregator.adapters import campaign_file
from aggregator.app import wiring
from aggregator.campaign import Campaign
from aggregator.models import ColumnRole, SourceKind
from aggregator.outputs.dashboard import layout
from tests.fake_sheets import FakeSheets, service_account_key

NOW = "2024-11-11T08:00:00+07:00"
SAMPLE = campaign_file.BUNDLED_CONFIG_DIR / "samples" / "nhatrang-2024.xlsx"
ROSTER = campaign_file.BUNDLED_CONFIG_DIR / "roster-nhatrang-2024.csv"
SID = "1PortsContractSheetOnTheFakeGoogleApi000"


def _xlsx(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Campaign, str | None]]:
    yield campaign_file.load(), None


def _google(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Campaign, str | None]]:
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(service_account_key(tmp / "key.json")))
    fake = FakeSheets()
    book = load_workbook(SAMPLE, read_only=True, data_only=True)
    fake.add_spreadsheet(SID, {name: [list(r) for r in book[name].iter_rows(values_only=True)]
                               for name in book.sheetnames})
    book.close()
    with fake.activate():
        yield campaign_file.load(), SID


def _roster_tab(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Campaign, str | None]]:
    path = tmp / "with-roster.xlsx"
    shutil.copyfile(SAMPLE, path)
    book = load_workbook(path)
    sheet = book.create_sheet("Danh sách đơn vị")
    for line in ROSTER.read_text(encoding="utf-8").splitlines():
        sheet.append(next(csv.reader([line])))
    book.save(path)
    data = campaign_file.load().model_dump()
    data["roster"] = {"tab": "Danh sách đơn vị"}
    yield Campaign.model_validate(data), str(path)


def _status_files(tmp: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Campaign, str | None]]:
    children = tmp / "children"
    children.mkdir()
    for child in ("nhatrang-2024", "camranh-2024"):
        doc = {"schema": 1, "campaign": {"id": child}, "generated_at": "2024-11-10T08:00:00+07:00",
               "totals": {"units_reported": 3}, "metrics": {"citizens": 120, "sessions": 4}}
        (children / f"{child}.json").write_text(json.dumps(doc), encoding="utf-8")
    roster = tmp / "roster.csv"
    roster.write_text("unit_id,group,name,aliases\nKH-NT,huyen,Phòng VH&TT thành phố Nha Trang,nhatrang-2024\n"
                      "KH-CR,huyen,Phòng VH&TT thành phố Cam Ranh,camranh-2024\n", encoding="utf-8")
    base = campaign_file.load()
    data = base.model_dump()
    data.update(source={"kind": "status_files", "paths": ["children/*.json"], "tab": "Số liệu cấp dưới"},
                roster=roster, groups=[{"code": "huyen", "label": "Các huyện"}], base_dir=tmp)
    yield Campaign.model_validate(data), None


KINDS = {"xlsx": _xlsx, "google_sheets": _google, "roster_tab": _roster_tab, "status_files": _status_files}


@pytest.fixture(params=list(KINDS))
def plugged(request: pytest.FixtureRequest, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Campaign, str | None, Path]]:
    for campaign, source in KINDS[request.param](tmp_path, monkeypatch):
        yield campaign, source, tmp_path / "out"


def test_source_reads_the_agency_tab_with_its_header_row(plugged: tuple[Campaign, str | None, Path]) -> None:
    campaign, source, out = plugged
    read, _ = wiring.open_ports(campaign, out, source)
    snapshot = read.read()
    header = [str(c) for c in snapshot.tab.rows[campaign.source.header_row - 1] if c is not None]
    unit_name = campaign.role_column(ColumnRole.UNIT_NAME)
    assert unit_name is not None and unit_name.header in header
    assert snapshot.tab.title == campaign.source.tab or snapshot.kind is SourceKind.GOOGLE_SHEETS
    assert len(snapshot.tab.rows) > 1


def test_a_cycle_through_the_plugged_ports_counts_every_roster_unit_and_the_sink_is_found_again(
        plugged: tuple[Campaign, str | None, Path]) -> None:
    campaign, source, out = plugged
    report = wiring.run_cycle(campaign, out_dir=out, source_override=source, now=dt.datetime.fromisoformat(NOW),
                              render_report=False)
    status = json.loads(report.status_path.read_text(encoding="utf-8"))
    assert len(status["units"]) == len(report.roster) > 0
    assert status["totals"]["units_reported"] > 0
    ref = report.dashboard_ref
    assert ref.startswith("https://docs.google.com/") or Path(ref).is_file()
    _, sink = wiring.open_ports(campaign, out, source)
    again = sink.write(layout(report.result, campaign.dashboard.tab, campaign.group_labels))
    assert again == ref  # the same place, rewritten


def test_every_source_kind_has_an_opener() -> None:
    assert set(wiring.OPENERS) == set(SourceKind)
