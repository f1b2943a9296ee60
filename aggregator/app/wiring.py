"""The root that plugs adapters into the cycle: which source and sink a campaign's source kind gets,
where the history and the state files live, the clock, the report renderer, the roster.

``run_cycle`` is the cycle as every command and the worker run it; the cycle itself (app/pipeline.py)
only sees the ports (aggregator/ports.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aggregator.adapters.clock import FixedClock, SystemClock
from aggregator.adapters.files import OutputFolder
from aggregator.adapters.history import History
from aggregator.adapters.report_renderer import DocxReport
from aggregator.adapters.roster_file import campaign_roster, roster_in_sheet
from aggregator.adapters.status_files import StatusFilesDashboardSink, StatusFilesSource
from aggregator.adapters.xlsx import XlsxDashboardSink, XlsxSource
from aggregator.app.pipeline import CycleOptions, CyclePorts, CycleReport, prepare_report, run
from aggregator.campaign import Campaign
from aggregator.errors import ConfigError
from aggregator.models import ColumnType, Consolidation, RosterUnit, Snapshot, SourceKind
from aggregator.ports import DashboardSink, RosterReader, SheetSource

SHEET_STATE = ".sheet-formats.json"  # where the percent columns are, so a steady cycle asks in one read
_GOOGLE_ID = re.compile(r"^[A-Za-z0-9_-]{20,}$")


@dataclass
class CycleStats:
    """What the worker's one log line per cycle needs to know, even when the cycle fails."""

    source: object = None  # set by run_cycle as soon as the source exists

    @property
    def google_requests(self) -> int:
        """Sheets API requests the cycle sent (retries included; 0 for other sources)."""
        return int(getattr(self.source, "requests_made", 0))


def default_out_dir(campaign: Campaign) -> Path:
    return Path(campaign.output_dir) if campaign.output_dir else Path("out") / campaign.id


def history_path(campaign: Campaign, out_dir: Path) -> Path:
    return campaign.resolve(campaign.history) if campaign.history else out_dir / "history.sqlite"


def source_kind(ref: str) -> SourceKind:
    """Tell an .xlsx path from a Google spreadsheet URL or id (``--source``)."""
    if "docs.google.com/spreadsheets" in ref or (_GOOGLE_ID.match(ref) and not Path(ref).exists()):
        return SourceKind.GOOGLE_SHEETS
    if Path(ref).suffix.lower() in {".xlsx", ".xlsm"} or Path(ref).exists():
        return SourceKind.XLSX
    raise ConfigError("--source", [f"{ref!r} is neither an .xlsx file nor a Google spreadsheet URL or id"])


# Source kind → (campaign, source reference, output folder, read-only) → the cycle's source and sink.
Opener = Callable[[Campaign, str, Path, bool], tuple[SheetSource, DashboardSink]]


def _status_files(campaign: Campaign, ref: str, out_dir: Path, read_only: bool) -> tuple[SheetSource, DashboardSink]:
    """A roll-up of lower-level instances' status.json files; its dashboard is a workbook of its own."""
    settings = campaign.source
    rollup = StatusFilesSource(settings.paths, campaign.base_dir, settings.tab, campaign.columns, campaign.id)
    return rollup, StatusFilesDashboardSink(out_dir / f"bang-tong-hop-{campaign.id}.xlsx", rollup)


def _xlsx(campaign: Campaign, ref: str, out_dir: Path, read_only: bool) -> tuple[SheetSource, DashboardSink]:
    """A workbook, read-only; the dashboard goes into a copy of it under the output folder."""
    sink = XlsxDashboardSink(Path(ref), out_dir / f"bang-tong-hop-{campaign.id}.xlsx")
    return XlsxSource(Path(ref), campaign.source.tab, roster_tab=campaign.roster_tab), sink


def _google(campaign: Campaign, ref: str, out_dir: Path, read_only: bool) -> tuple[SheetSource, DashboardSink]:
    """A Google spreadsheet, source and sink at once; its requests share one deadline from now."""
    from aggregator.adapters.deadline import Deadline  # imported lazily: the demo needs no Google stack
    from aggregator.adapters.sheets import GoogleSheet

    settings = campaign.source
    credentials = campaign.resolve(settings.credentials) if settings.credentials else None
    sheet = GoogleSheet(ref, settings.tab, dashboard_tab=campaign.dashboard.tab,
                        decisions_tab=campaign.decisions.tab, roster_tab=campaign.roster_tab,
                        header_row=settings.header_row, credentials=credentials,
                        protect=campaign.dashboard.protect, read_only=read_only,
                        deadline=Deadline(campaign.schedule.cycle_timeout_seconds),
                        percent_headers=[h for c in campaign.columns if c.type is ColumnType.PERCENT
                                         for h in (c.header, *c.aliases)],
                        state_file=None if read_only else out_dir / SHEET_STATE)
    return sheet, sheet


OPENERS: dict[SourceKind, Opener] = {
    SourceKind.XLSX: _xlsx,
    SourceKind.GOOGLE_SHEETS: _google,
    SourceKind.STATUS_FILES: _status_files,
}


def open_ports(campaign: Campaign, out_dir: Path, source_override: str | None, *,
               read_only: bool = False) -> tuple[SheetSource, DashboardSink]:
    """The cycle's source and sink. ``read_only``: a command that never writes (check, remind) asks
    Google only for the read-only scope."""
    settings = campaign.source
    ref = source_override or (str(campaign.resolve(settings.path)) if settings.path else settings.spreadsheet or "")
    kind = source_kind(ref) if source_override else settings.kind
    return OPENERS[kind](campaign, ref, out_dir, read_only)


def roster_reader(campaign: Campaign, override: Path | None) -> RosterReader:
    """The CSV before the read (a group the campaign lacks stops the cycle, as in `check`), or the roster tab
    read with the agencies' rows."""
    def read(snapshot: Snapshot | None) -> tuple[RosterUnit, ...] | None:
        if snapshot is None and roster_in_sheet(campaign) and not override:
            return None
        return campaign_roster(campaign, override, snapshot)

    return read


def run_cycle(
    campaign: Campaign,
    *,
    out_dir: Path | None = None,
    source_override: str | None = None,
    roster_override: Path | None = None,
    now: dt.datetime | None = None,
    render_report: bool = True,
    pdf: bool = False,
    final: bool = False,
    stats: CycleStats | None = None,
) -> CycleReport:
    """Run one full cycle and write every output. Raises AggregatorError subclasses only."""
    out_dir = out_dir or default_out_dir(campaign)
    source, sink = open_ports(campaign, out_dir, source_override)
    if stats is not None:
        stats.source = source
    ports = CyclePorts(source=source, sink=sink, history=History(history_path(campaign, out_dir)),
                       state=OutputFolder(out_dir), report=DocxReport(),
                       clock=FixedClock(now) if now else SystemClock(campaign.tz),
                       roster=roster_reader(campaign, roster_override))
    return run(campaign, ports, CycleOptions(render_report, pdf, final))


def check_report(campaign: Campaign, result: Consolidation) -> None:
    """The report template's preflight for ``check`` (raises TemplateError)."""
    prepare_report(campaign, result, DocxReport())
