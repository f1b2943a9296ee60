"""One cycle: read → match → dedupe → validate → aggregate → dashboard → report → status.json.

The only module that sequences the steps. Everything is computed and checked before the
first write (fail before side effects); every output is replaced atomically, and status.json
is written last, so a failed cycle leaves the previous outputs as they were.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
import pandas as pd

from aggregator.app import beside
from aggregator.app.beside import Beside
from aggregator.app.lifetime import done_with, gc_paused
from aggregator.app.settling import settle, tab_lines
from aggregator.campaign import Campaign
from aggregator.cells.date_window import month_first
from aggregator.cells.frame import (
    BLANK,
    FINGERPRINT,
    FIRST_SEEN,
    GROUP_HINT,
    MATCH,
    PINNED,
    SEEN_ORDER,
    SUBMITTED,
    TYPED_NAME,
    UNIT_ID,
    Frame,
    Zones,
    build_frame,
)
from aggregator.consolidation import changes
from aggregator.consolidation.aggregate import Inputs, consolidate
from aggregator.consolidation.changes import ChangeLog
from aggregator.consolidation.resolve import pick_latest
from aggregator.decisions.choices import Choices
from aggregator.decisions.tab import TabLine
from aggregator.decisions.unused import superseded_values
from aggregator.errors import TemplateError
from aggregator.models import (
    ColumnRole,
    Consolidation,
    DashboardLayout,
    FirstSeen,
    MatchKind,
    MatchOutcome,
    RosterUnit,
    Snapshot,
    SourceInfo,
    SourceKind,
    WorkerTab,
)
from aggregator.names.matching import Matcher, build_matcher, match_names
from aggregator.outputs import dashboard, decision_tab, status
from aggregator.ports import Clock, DashboardSink, ReportRenderer, RosterReader, RowHistory, SheetSource, StateFiles
from aggregator.rowjson import row_encoder
from aggregator.sheet.headers import HeaderMap
from aggregator.sheet.layout import Rows, map_header_row
from aggregator.work import Share, in_line

log = logging.getLogger(__name__)
STATUS_FILE = "status.json"
CHANGES_FILE = "changes.json"  # the latest cycle that changed something, shown on the dashboard
# What the next cycle reads of status.json (a tenth of it), kept only while status.json is the file it describes.
# Hidden, so that no roll-up's pattern ("…/*.json") takes it for a child's status.json.
DIGEST_FILE = ".status-digest.json"


@dataclass(frozen=True)
class CycleReport:
    result: Consolidation
    out_dir: Path
    status_path: Path
    report_path: Path | None
    dashboard_ref: str
    pdf_path: Path | None = None
    changes: tuple[str, ...] = ()  # what changed since the previous cycle (Vietnamese lines)
    roster: tuple[RosterUnit, ...] = ()  # the roster the cycle used (from the CSV or the roster tab)

    def summary_line(self) -> str:
        t = self.result.totals
        return (
            f"{self.result.campaign_id}: {t.units_reported}/{t.units_expected} units reported "
            f"({t.units_late} late, {t.units_missing} missing, {t.units_with_problems} with problems); "
            f"rows read {self.result.source.rows_read}, superseded {t.rows_superseded}, "
            f"unmatched {t.rows_unmatched}, ignored {t.rows_ignored}, blank {t.rows_blank}, "
            f"name only {t.rows_name_only}, totals {t.rows_total}; "
            f"decisions {len(self.result.decisions)}; outputs in {self.out_dir}"
        )


class _Kept:
    """Campaign id -> (what its matcher was built from, the matcher); None while matchers are not kept."""

    matchers: dict[str, tuple[tuple[object, ...], Matcher]] | None = None


def keep_matchers(keep: bool = True) -> None:
    """`serve` keeps each campaign's matcher between its cycles (see ``matcher_for``). A process that runs
    one cycle does not: the matcher would only add to the cycle's peak memory (50 MB at 20,000 units)."""
    _Kept.matchers = {} if keep else None


def matcher_for(campaign: Campaign, roster: Sequence[RosterUnit]) -> Matcher:
    """The campaign's matcher for ``roster``; once ``keep_matchers`` was called, built once and kept.

    `serve` runs a cycle every few minutes and a roster rarely changes between two, while reading a
    20,000-unit roster's names takes most of a second. A matcher only remembers the typed names it has
    judged (each answer depends on the roster and the settings alone), so a kept one answers as a new
    one would; any change to the roster (a learned alias included) or to the settings builds a new one.
    """
    kept = _Kept.matchers
    if kept is None:
        return build_matcher(roster, campaign.matching, area=campaign.area, groups=campaign.group_labels)
    made_from = (tuple(roster), campaign.matching, campaign.area, tuple(campaign.group_labels.items()))
    if campaign.id not in kept or kept[campaign.id][0] != made_from:
        matcher = build_matcher(roster, campaign.matching, area=campaign.area, groups=campaign.group_labels)
        kept[campaign.id] = (made_from, matcher)
    return kept[campaign.id][1]


def _matches(campaign: Campaign, roster: Sequence[RosterUnit], names: pd.Series, hints: pd.Series | None) -> pd.Series:
    matcher = matcher_for(campaign, roster)
    outcomes = match_names(matcher, [n or "" for n in names.tolist()], None if hints is None else hints.tolist())
    return pd.Series(outcomes, index=names.index, dtype=object)


# The history's copy of a row version. Not orjson, though twice as fast: it keeps each non-ASCII text's UTF-8
# inside the text, and the copy that does this (app/beside.py) then writes 40 MB more of its own pages.
_CONTENT = row_encoder(str)


def _fingerprinted(frame: Frame, live: npt.NDArray[np.bool_], history: RowHistory | None, tab: str, raw: Rows,
                   now: dt.datetime) -> Beside[tuple[list[str], FirstSeen | None]]:
    """Every row's fingerprint, and the live rows recorded in the history (when each was first seen): beside the
    cycle when a copy of the process can do it (beside.py), as the cycle matches names."""
    def work() -> tuple[list[str], FirstSeen | None]:
        found = frame.row_fingerprints()
        if history is None:
            return found, None
        rows = [(row, fp) for row, fp, alive in zip(frame.table.index.tolist(), found, live.tolist(), strict=True)
                if alive]
        return found, history.remember(tab, rows, lambda row: _CONTENT(raw[row - 1]), now)

    return Beside(work, may_fork=history is None or history.in_files)


def _first_seen(table: pd.DataFrame, live: pd.Index, seen: FirstSeen) -> None:
    """When each live row was first seen and its place in that order."""
    codes, moments = pd.factorize(np.array(seen.at, dtype=object))  # a few distinct moments: one per cycle
    table[FIRST_SEEN] = pd.Series(pd.to_datetime(list(moments), utc=True).take(codes), index=live)
    table[SEEN_ORDER] = pd.Series(seen.seq, index=live, dtype=float)


def _zones(campaign: Campaign, snapshot: Snapshot, now: dt.datetime) -> Zones:
    """The campaign's zone, the sheet's own zone for typed date-times (Google), the campaign window."""
    clock_tz = None
    if snapshot.timezone:
        try:
            clock_tz = ZoneInfo(snapshot.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("the spreadsheet's time zone %r is unknown; reading its date-times in %s",
                        snapshot.timezone, campaign.timezone)
    # The window ends at the cycle's now, or at the deadline while it is still ahead (a date between now and the
    # deadline is a typo at worst, never a swapped one).
    end = max(now, campaign.deadline).astimezone(campaign.tz).date()
    return Zones(campaign.tz, clock_tz, (campaign.start_date, end), month_first(snapshot.locale))


def read_rows(campaign: Campaign, snapshot: Snapshot, now: dt.datetime, *, share: Share = in_line,
              fingerprinted: bool = True) -> tuple[Frame, HeaderMap]:
    """The agency tab's rows as the cycle reads them (header row mapped, every cell parsed by its type); ``share``
    runs the pieces of that work (work.py); ``fingerprinted``: see ``build_frame``."""
    settings = campaign.source
    header_map = map_header_row(snapshot.tab.title, snapshot.tab.rows, settings.header_row, campaign.columns)
    zones = _zones(campaign, snapshot, now)
    frame = build_frame(snapshot.tab, settings.header_row, header_map, campaign.columns, zones, share=share,
                        fingerprinted=fingerprinted)
    return frame, header_map


@gc_paused
def compute(campaign: Campaign, roster: Sequence[RosterUnit], snapshot: Snapshot, now: dt.datetime,
            history: RowHistory | None) -> Consolidation:
    """The pure part of a cycle (plus the history lookup): snapshot → Consolidation."""
    # a large sheet is read on two cores; its fingerprints are made beside name matching, below
    frame, header_map = read_rows(campaign, snapshot, now, share=beside.share, fingerprinted=False)
    table = frame.table
    alive = ~table[BLANK].to_numpy(dtype=bool)
    live = table[alive]
    # Fingerprints and the history's work take a large sheet about as long as matching its names: both at once
    with _fingerprinted(frame, alive, history, snapshot.tab.title, snapshot.tab.rows, now) as seen:
        matches = _matches(campaign, roster, live[TYPED_NAME], live[GROUP_HINT])
        found, first_seen = seen.result()
    table[MATCH] = matches.reindex(table.index)
    matched = MatchKind.MATCHED  # looked up once, not per row: an enum member's lookup costs 0.1 µs
    table[UNIT_ID] = pd.Series([m.unit_id if isinstance(m, MatchOutcome) and m.kind is matched else None
                                for m in table[MATCH].tolist()], index=table.index, dtype=object)
    table[FINGERPRINT] = found
    if first_seen is not None:
        _first_seen(table, live.index, first_seen)
    settled = settle(campaign, roster, snapshot, table, history, now)  # the office's decisions
    submitted = table[SUBMITTED] if campaign.role_column(ColumnRole.SUBMITTED_AT) else None
    resolution = pick_latest(table[UNIT_ID], submitted, table.get(FIRST_SEEN), table.get(SEEN_ORDER), table[PINNED])
    outcomes = superseded_values(settled.outcomes, set(resolution.winners.tolist()))  # values that count for none
    source = SourceInfo(snapshot.kind, snapshot.ref, snapshot.tab.title, frame.rows_read, snapshot.tab.sheet_id,
                        snapshot.timezone, snapshot.locale)
    result = consolidate(Inputs(campaign, roster, table, header_map, resolution, source, now, outcomes,
                                tuple(line.item for line in settled.lines), settled.rows_of))
    # the frame and what was made from it, released as this returns, took 50 ms of a large cycle
    done_with((frame, table, live, matches, found, first_seen, settled, resolution, outcomes))
    return result


def prepare_report(campaign: Campaign, result: Consolidation, renderer: ReportRenderer,
                   final: bool = False) -> tuple[Path, dict[str, Any]]:
    """Build the report context and check the template before anything is written."""
    from aggregator.outputs.report_context import build_context

    template = campaign.resolve(campaign.report.template)
    context = build_context(result, campaign, final=final)
    problems = renderer.problems(template, context)
    if problems:
        what = "; ".join(p.rstrip(".") for p in problems)
        if not what.startswith("The report template"):  # file-level problems already name the file
            what = f"The report template {template} cannot be used: {what}"
        raise TemplateError(f"{what}.", "Fix the template (or regenerate it with scripts/make_template.py), "
                            "check `report.template` in the campaign file, and run again.")
    return template, context


@dataclass(frozen=True)
class CyclePorts:
    """Everything a cycle reads from and writes to, built by app/wiring.py."""

    source: SheetSource
    sink: DashboardSink
    history: RowHistory
    state: StateFiles
    report: ReportRenderer
    clock: Clock
    roster: RosterReader


@dataclass(frozen=True)
class CycleOptions:
    render_report: bool = True
    pdf: bool = False  # also a PDF of the report (LibreOffice)
    final: bool = False  # the final edition: the report's date filled in


@gc_paused
def run(campaign: Campaign, ports: CyclePorts, options: CycleOptions = CycleOptions()) -> CycleReport:
    """One full cycle through ``ports``: everything computed and checked before the first write, every
    output replaced atomically, status.json last. Raises AggregatorError subclasses only."""
    ports.state.clean()  # temporary files of a cycle killed before it could clean up
    roster = ports.roster(None)  # a roster tab is read with the agencies' rows, below
    snapshot = ports.source.read()
    roster = roster or ports.roster(snapshot) or ()
    moment = ports.clock.now()
    result = compute(campaign, roster, snapshot, moment, ports.history)
    lines, existing = tab_lines(snapshot), (snapshot.decisions.rows if snapshot.decisions is not None else ())
    done_with(snapshot)  # the agency rows, the cycle's largest object, are not needed past compute
    del snapshot
    previous = ports.state.read_digest(DIGEST_FILE, of=STATUS_FILE) or ports.state.read(STATUS_FILE)
    found = changes.diff(previous, result, {c.key: c.header for c in campaign.columns})
    recent = ChangeLog(moment, found) if found else ChangeLog.from_json(ports.state.read(CHANGES_FILE))
    decisions_tab = _decisions_tab(campaign, result, roster, lines, existing)
    layout = _dashboard(campaign, result, recent, decisions_tab)
    prepared = prepare_report(campaign, result, ports.report, options.final) if options.render_report else None
    if options.pdf:
        ports.report.require_pdf()  # before any write: a missing LibreOffice stops the cycle untouched
    dashboard_ref = ports.sink.write(layout, decisions_tab)
    report_path, pdf_path = _render_report(campaign, result, prepared, ports, options.pdf)
    artifacts = _artifacts(ports.state.folder, dashboard_ref, report_path, pdf_path)
    document = status.status_document(result, artifacts, previous)
    status_path = ports.state.write(STATUS_FILE, document)
    ports.state.write_digest(DIGEST_FILE, status.digest(document), of=STATUS_FILE)
    if found:
        ports.state.write(CHANGES_FILE, ChangeLog(moment, found).to_json())
    ports.history.record_cycle(moment, result.source.ref, result.source.rows_read, asdict(result.totals))
    done_with((layout, decisions_tab, document, previous, prepared))  # as the frame (compute): 40 ms at 20,000 units
    report = CycleReport(result, ports.state.folder, status_path, report_path, dashboard_ref, pdf_path, found,
                         tuple(roster))
    log.debug("%s", report.summary_line())  # the worker logs the one summary line per cycle
    return report


def _render_report(campaign: Campaign, result: Consolidation, prepared: tuple[Path, dict[str, Any]] | None,
                   ports: CyclePorts, pdf: bool) -> tuple[Path | None, Path | None]:
    if prepared is None:
        return None, None
    template, context = prepared
    report = ports.report.render(template, context, result, ports.state.folder / campaign.report_filename)
    return report, (ports.report.to_pdf(report, ports.state.folder) if pdf else None)


def _dashboard(campaign: Campaign, result: Consolidation, recent: ChangeLog | None,
               decisions_tab: WorkerTab | None) -> DashboardLayout:
    shown = {c.key: c.header for role in (ColumnRole.CONTACT, ColumnRole.NOTE) for c in campaign.role_columns(role)}
    asked_in = campaign.decisions.tab if result.source.kind is SourceKind.GOOGLE_SHEETS else None
    return dashboard.layout(result, campaign.dashboard.tab, campaign.group_labels, recent, shown, asked_in,
                            decisions_tab.unlisted if decisions_tab else 0)


def _decisions_tab(campaign: Campaign, result: Consolidation, roster: Sequence[RosterUnit],
                   lines: Sequence[TabLine], existing: Sequence[Sequence[object]]) -> WorkerTab | None:
    """The decisions tab (None when the campaign has none, or for a roll-up: it has no agency rows)."""
    if campaign.decisions.tab is None or result.source.kind is SourceKind.STATUS_FILES:
        return None
    return decision_tab.layout(result, campaign.decisions.tab, lines, Choices.of(roster),
                               {u.unit_id: u.name for u in roster}, existing)


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
