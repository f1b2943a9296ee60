"""One cycle: read → match → dedupe → validate → aggregate → dashboard → report → status.json.

The only module that sequences the steps. Everything is computed and checked before the
first write (fail before side effects); every output is replaced atomically, and status.json
is written last, so a failed cycle leaves the previous outputs as they were.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from aggregator.adapters.clock import FixedClock, SystemClock
from aggregator.adapters.files import read_json, write_json
from aggregator.adapters.history import History
from aggregator.adapters.roster_file import read_roster
from aggregator.adapters.status_files import StatusFilesDashboardSink, StatusFilesSource
from aggregator.adapters.xlsx import XlsxDashboardSink, XlsxSource
from aggregator.campaign import Campaign
from aggregator.cells.frame import build_frame
from aggregator.consolidation import changes
from aggregator.consolidation.aggregate import Inputs, consolidate
from aggregator.consolidation.changes import ChangeLog
from aggregator.consolidation.resolve import pick_latest
from aggregator.errors import ConfigError, OutputError, TemplateError
from aggregator.models import Consolidation, MatchKind, MatchOutcome, SourceInfo, SourceKind
from aggregator.names.matching import build_matcher, match_names
from aggregator.outputs import dashboard, status
from aggregator.ports import DashboardSink, SheetSource
from aggregator.sheet.headers import map_headers

log = logging.getLogger(__name__)
CHANGES_FILE = "changes.json"  # the latest cycle that changed something, shown on the dashboard
_GOOGLE_ID = re.compile(r"^[A-Za-z0-9_-]{20,}$")


@dataclass(frozen=True)
class CycleReport:
    result: Consolidation
    out_dir: Path
    status_path: Path
    report_path: Path | None
    dashboard_ref: str
    pdf_path: Path | None = None
    changes: tuple[str, ...] = ()  # what changed since the previous cycle (Vietnamese lines)

    def summary_line(self) -> str:
        t = self.result.totals
        return (
            f"{self.result.campaign_id}: {t.units_reported}/{t.units_expected} units reported "
            f"({t.units_late} late, {t.units_missing} missing, {t.units_with_problems} with problems); "
            f"rows read {self.result.source.rows_read}, superseded {t.rows_superseded}, "
            f"unmatched {t.rows_unmatched}, blank {t.rows_blank}; outputs in {self.out_dir}"
        )


def default_out_dir(campaign: Campaign) -> Path:
    return Path(campaign.output_dir) if campaign.output_dir else Path("out") / campaign.id


def source_kind(ref: str) -> SourceKind:
    """Tell an .xlsx path from a Google spreadsheet URL or id (``--source``)."""
    if "docs.google.com/spreadsheets" in ref or (_GOOGLE_ID.match(ref) and not Path(ref).exists()):
        return SourceKind.GOOGLE_SHEETS
    if Path(ref).suffix.lower() in {".xlsx", ".xlsm"} or Path(ref).exists():
        return SourceKind.XLSX
    raise ConfigError("--source", [f"{ref!r} is neither an .xlsx file nor a Google spreadsheet URL or id"])


def open_ports(campaign: Campaign, out_dir: Path, source_override: str | None) -> tuple[SheetSource, DashboardSink]:
    settings = campaign.source
    ref = source_override or (str(campaign.resolve(settings.path)) if settings.path else settings.spreadsheet or "")
    kind = source_kind(ref) if source_override else settings.kind
    if kind is SourceKind.STATUS_FILES:  # roll-up of lower-level instances' status.json files
        rollup = StatusFilesSource(settings.paths, campaign.base_dir, settings.tab, campaign.columns)
        return rollup, StatusFilesDashboardSink(out_dir / f"bang-tong-hop-{campaign.id}.xlsx", rollup)
    if kind is SourceKind.XLSX:
        path = Path(ref)
        sink = XlsxDashboardSink(path, out_dir / f"bang-tong-hop-{campaign.id}.xlsx")
        return XlsxSource(path, settings.tab), sink
    from aggregator.adapters.sheets import GoogleSheet  # imported lazily: the demo needs no Google stack

    credentials = campaign.resolve(settings.credentials) if settings.credentials else None
    sheet = GoogleSheet(ref, settings.tab, dashboard_tab=campaign.dashboard.tab,
                        header_row=settings.header_row, credentials=credentials,
                        protect=campaign.dashboard.protect)
    return sheet, sheet


def _matches(campaign: Campaign, roster: Any, names: pd.Series, hints: pd.Series | None) -> pd.Series:
    matcher = build_matcher(roster, campaign.matching, area=campaign.area, groups=campaign.group_labels)
    outcomes = match_names(matcher, [n or "" for n in names.tolist()], None if hints is None else hints.tolist())
    return pd.Series(outcomes, index=names.index, dtype=object)


def _first_seen(history: History, tab: str, table: pd.DataFrame, raw: Any, now: dt.datetime) -> pd.Series:
    rows = [(int(r), table.at[r, "fingerprint"], json.dumps(list(raw[r - 1]), ensure_ascii=False, default=str))
            for r in table.index if not table.at[r, "blank"]]
    seen = history.remember(tab, rows, now)
    return table["fingerprint"].map(seen).astype(object)


def compute(campaign: Campaign, roster: Any, snapshot: Any, now: dt.datetime, history: History | None) -> Consolidation:
    """The pure part of a cycle (plus the history lookup): snapshot → Consolidation."""
    settings = campaign.source
    header = snapshot.tab.rows[settings.header_row - 1] if len(snapshot.tab.rows) >= settings.header_row else ()
    header_map = map_headers(snapshot.tab.title, header, campaign.columns)
    frame = build_frame(snapshot.tab.rows, settings.header_row, header_map, campaign.columns, campaign.tz)
    table = frame.table
    live = table[~table["blank"]]
    matches = _matches(campaign, roster, live["typed_name"], live.get("group_hint"))
    table["match"] = matches.reindex(table.index)
    table["unit_id"] = table["match"].map(
        lambda m: m.unit_id if isinstance(m, MatchOutcome) and m.kind is MatchKind.MATCHED else None
    )
    first_seen = _first_seen(history, snapshot.tab.title, table, snapshot.tab.rows, now) if history else None
    submitted = table.get("submitted_at", None)
    resolution = pick_latest(table["unit_id"], submitted, first_seen)
    source = SourceInfo(snapshot.kind, snapshot.ref, snapshot.tab.title, frame.rows_read, snapshot.tab.sheet_id)
    return consolidate(Inputs(campaign, roster, table, header_map, resolution, source, now))


def _prepare_report(campaign: Campaign, result: Consolidation, final: bool = False) -> tuple[Path, dict[str, Any]]:
    """Build the report context and check the template before anything is written."""
    from aggregator.adapters import docx_report
    from aggregator.outputs.report_context import build_context

    template = campaign.resolve(campaign.report.template)
    context = build_context(result, campaign, final=final)
    problems = docx_report.template_problems(template, context)
    if problems:
        what = "; ".join(p.rstrip(".") for p in problems)
        if not what.startswith("The report template"):  # file-level problems already name the file
            what = f"The report template {template} cannot be used: {what}"
        raise TemplateError(f"{what}.", "Fix the template (or regenerate it with scripts/make_template.py), "
                            "check `report.template` in the campaign file, and run again.")
    return template, context


def _require_soffice() -> None:
    from aggregator.adapters.pdf import INSTALL_HINT, soffice_path

    if soffice_path() is None:
        raise OutputError("--pdf needs LibreOffice (soffice), which is not installed; no output was written.",
                          INSTALL_HINT)


def _render_report(
    campaign: Campaign, result: Consolidation, prepared: tuple[Path, dict[str, Any]], out_dir: Path, pdf: bool
) -> tuple[Path, Path | None]:
    from aggregator.adapters import chart, docx_report

    template, context = prepared
    report = docx_report.render_report(template, context, out_dir / campaign.report_filename,
                                       chart_png=chart.group_chart_png(result))
    pdf_path = None
    if pdf:
        from aggregator.adapters.pdf import convert_to_pdf

        pdf_path = convert_to_pdf(report, out_dir)
    return report, pdf_path


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
) -> CycleReport:
    """Run one full cycle and write every output. Raises AggregatorError subclasses only."""
    out_dir = out_dir or default_out_dir(campaign)
    clock = FixedClock(now) if now else SystemClock(campaign.tz)
    # Lenient on group codes: a unit in a group the campaign does not list is still counted, under
    # its code; `aggregator check` flags the mismatch.
    roster = read_roster(roster_override or campaign.resolve(campaign.roster))
    source, sink = open_ports(campaign, out_dir, source_override)
    snapshot = source.read()
    history = History(campaign.resolve(campaign.history) if campaign.history else out_dir / "history.sqlite")
    moment = clock.now()
    result = compute(campaign, roster, snapshot, moment, history)
    found = changes.diff(read_json(out_dir / "status.json"), result, {c.key: c.header for c in campaign.columns})
    recent = ChangeLog(moment, found) if found else ChangeLog.from_json(read_json(out_dir / CHANGES_FILE))
    layout = dashboard.layout(result, campaign.dashboard.tab, campaign.group_labels, recent)
    prepared = _prepare_report(campaign, result, final) if render_report else None
    if pdf:
        _require_soffice()
    dashboard_ref = sink.write(layout)
    report_path, pdf_path = _render_report(campaign, result, prepared, out_dir, pdf) if prepared else (None, None)
    artifacts = _artifacts(out_dir, dashboard_ref, report_path, pdf_path)
    status_path = write_json(out_dir / "status.json", status.status_document(result, artifacts))
    if found:
        write_json(out_dir / CHANGES_FILE, ChangeLog(moment, found).to_json())
    history.record_cycle(moment, snapshot.ref, result.source.rows_read, asdict(result.totals))
    report = CycleReport(result, out_dir, status_path, report_path, dashboard_ref, pdf_path, found)
    log.debug("%s", report.summary_line())  # the worker logs the one summary line per cycle
    return report


def _artifacts(out_dir: Path, dashboard_ref: str, report: Path | None, pdf: Path | None) -> dict[str, str]:
    artifacts = {"dashboard": _relative(dashboard_ref, out_dir)}
    if report:
        artifacts["report_docx"] = report.name
    if pdf:
        artifacts["report_pdf"] = pdf.name
    return artifacts


def _relative(ref: str, out_dir: Path) -> str:
    try:
        return str(Path(ref).resolve().relative_to(out_dir.resolve()))
    except ValueError:
        return ref
