"""The live Google spreadsheet: one batched read per cycle, the worker's own tabs written back.

Requests per cycle (the whole budget; Google allows 60 reads and 60 writes per minute per user):

- read: one metadata GET (``fields`` = the spreadsheet's time zone and locale, sheet properties,
  protected ranges and developer metadata, no cells) and one ``values:batchGet`` for the agency
  tab *and* the current dashboard tab, the decisions tab (staff's answers) and the roster tab when
  the campaign keeps its roster in the spreadsheet;
- write (adapters/sheets_write.py): nothing when both tabs already show the same thing; only the
  "as of" cell when just the time moved; otherwise one RAW ``values:batchUpdate`` for both tabs and,
  only when the formatting of either changed (signature below), one ``spreadsheets:batchUpdate``.
  The first cycle adds one ``addSheet`` batch creating both.

The formatting signature is a hash of a tab's formatting requests (the decisions tab's dropdowns and
protection included) kept as developer metadata on the tab: invisible to staff, not editable from the
UI, deleted with the tab (a recreated tab is reformatted), written in the same atomic batch as the
formats it describes, and read back by the metadata GET the cycle makes anyway. It also marks the tab
as ours: a tab with that name, data and no signature was not made by us and is never overwritten.

Structural writes are not idempotent: Google may apply an ``addSheet``, ``addProtectedRange`` or
``createDeveloperMetadata`` and the connection drop before its answer arrives. Such a request is
never sent again blindly: the adapter re-reads the metadata and carries on from what is there
(issue 8, item 6). Every write also removes duplicates an earlier, interrupted run left behind (a
second protected range, a second signature).

Every request of a cycle shares one deadline (adapters/deadline.py). Only the dashboard and decisions
tabs' titles or sheetIds ever appear in a write; agency tabs are only read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests
from gspread.http_client import ParamsType

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters.deadline import Deadline
from aggregator.adapters.google_auth import emulator_factory
from aggregator.adapters.retry import RetryPolicy
from aggregator.adapters.sheets_http import DEFAULT_TIMEOUT, SheetsTransport
from aggregator.adapters.sheets_meta import (
    METADATA_FIELDS,
    TabInfo,
    loose,
    parse_metadata,
    spreadsheet_id,
    spreadsheet_settings,
)
from aggregator.adapters.sheets_percent import (
    FORMAT_FIELDS,
    METADATA_WITH_FORMATS,
    FormatMemo,
    column_ranges,
    load_memo,
    memo_ranges,
    merged_columns,
    percent_cells,
    percent_columns,
    save_memo,
)
from aggregator.adapters.sheets_write import TabWriting, Target
from aggregator.errors import (
    ConfigError,
    OutputError,
    RosterError,
    SheetAccessError,
    did_you_mean,
    missing_roster_tab,
)
from aggregator.models import DashboardLayout, RawTab, Snapshot, SourceKind, WorkerTab
from aggregator.sheet.layout import header_cells
from aggregator.sheet.merges import Merge

__all__ = ["DEFAULT_TIMEOUT", "METADATA_FIELDS", "GoogleSheet", "parse_metadata", "spreadsheet_id"]
log = logging.getLogger(__name__)
READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
               "majorDimension": "ROWS"}
Rows = tuple[tuple[Any, ...], ...]


class GoogleSheet(TabWriting):
    """SheetSource and DashboardSink for one Google spreadsheet. Constructing it sends nothing.

    Args:
        spreadsheet: the spreadsheet URL or its bare id.
        tab: the agency tab (read only; matched exactly, else ignoring case, accents' Unicode form
            and spacing when that is unambiguous).
        dashboard_tab: a tab the worker writes; created on the first write.
        decisions_tab: the worker's decisions tab (read with the agency rows, written with the dashboard;
            created on the first write), or None.
        roster_tab: a tab holding the roster (read with the agency rows), or None.
        credentials: service-account JSON key; default ``$GOOGLE_APPLICATION_CREDENTIALS``. Read on
            the first request, not here.
        session_factory: returns the ``requests.Session`` to use instead of one authorised from the
            key file (tests pass an ``AuthorizedSession`` with a fixed token). Default: the local
            emulator's session when ``$AGGREGATOR_SHEETS_ENDPOINT`` is set (google_auth.emulator_factory).
        sleep, retry: how to wait and how hard to retry transient faults (408/429/5xx, network).
        protect: add the warning-only protection to the dashboard tab (campaign ``dashboard.protect``).
        timeout: per-request (connect, read) timeout in seconds.
        deadline: the cycle's total time limit for every request (default: 180 s from now).
        read_only: ask only for the read-only scope (``check``, ``init``, ``remind``); ``write`` refuses.
        percent_headers: headers (and aliases) of the campaign's percent columns, whose cells' number formats
            are read too (sheets_percent.py); ``state_file`` remembers where they are between cycles.
    """

    def __init__(
        self,
        spreadsheet: str,
        tab: str,
        *,
        dashboard_tab: str,
        decisions_tab: str | None = None,
        roster_tab: str | None = None,
        header_row: int = 1,
        credentials: Path | None = None,
        session_factory: Callable[[], requests.Session] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 (frozen, so sharing the default is safe)
        protect: bool = True,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        deadline: Deadline | None = None,
        read_only: bool = False,
        percent_headers: Sequence[str] = (),
        state_file: Path | None = None,
    ) -> None:
        self.id = spreadsheet_id(spreadsheet)
        if loose(tab) == loose(dashboard_tab):
            raise ConfigError("dashboard.tab", [f"the dashboard tab {dashboard_tab!r} is the agency tab"],
                              "Give the dashboard its own tab name; agencies' tabs are never written.")
        if decisions_tab is not None and loose(decisions_tab) in (loose(tab), loose(dashboard_tab)):
            raise ConfigError("decisions.tab", [f"the decisions tab {decisions_tab!r} is another tab of the worker "
                                                "or the agency tab"], "Give the decisions tab its own tab name.")
        self.tab = tab
        self.dashboard_tab = dashboard_tab
        self.decisions_tab = decisions_tab
        self.roster_tab = roster_tab
        self.header_row = header_row
        self._retry = retry
        self._protect = protect
        self._wire = SheetsTransport(self.id, credentials=credentials, sleep=sleep, retry=retry, timeout=timeout,
                                     session_factory=session_factory or emulator_factory(),  # loopback only
                                     deadline=deadline or Deadline(), read_only=read_only)
        self._tabs: dict[str, TabInfo] | None = None
        self._settings: tuple[str | None, str | None] = (None, None)
        self._agency_title: str | None = None
        self._dashboard_rows: Rows | None = None  # what the dashboard tab showed at the last read
        self._decision_rows: Rows | None = None  # what the decisions tab showed at the last read
        self._percent_headers = tuple(percent_headers)
        self._state_file = state_file

    @property
    def requests_made(self) -> int:
        """Sheets API requests sent so far (retries included; token calls not)."""
        return self._wire.requests

    def url(self, gid: int | None = None) -> str:
        base = f"https://docs.google.com/spreadsheets/d/{self.id}/edit"
        return base if gid is None else f"{base}#gid={gid}"

    # Public API --------------------------------------------------------------------------

    def read(self) -> Snapshot:
        """Metadata GET + one ``values:batchGet``: the agency tab and, when present, the dashboard, the
        decisions tab and the roster tab."""
        memo = load_memo(self._state_file, self.id) if self._percent_headers else None
        tabs, doc = self._metadata_for(memo)
        agency = self._find_tab(tabs, self.tab)
        roster = self._roster_tab(tabs)
        asked = {"agency": agency.title, "dashboard": self.dashboard_tab, "decisions": self.decisions_tab,
                 "roster": roster.title if roster else None}
        wanted = {part: title for part, title in asked.items() if title is not None and title in tabs}
        ranges = dict(zip(wanted, self._batch_get(list(wanted.values())), strict=True))
        self._agency_title = agency.title
        self._dashboard_rows = ranges.get("dashboard", ())
        self._decision_rows = ranges.get("decisions", ())
        log.debug("read %d rows from %r (gid %s)", len(ranges["agency"]), agency.title, agency.sheet_id)
        zone, locale = self._settings
        merges = {info.title: info.merges for info in (agency, roster) if info is not None}
        percent = self._percent_cells(agency.title, ranges["agency"], tabs, memo, doc, merges)
        tab = RawTab(agency.title, ranges["agency"], agency.sheet_id, percent_cells=percent, merges=agency.merges)
        decisions = (RawTab(self.decisions_tab, ranges["decisions"], tabs[self.decisions_tab].sheet_id)
                     if "decisions" in ranges and self.decisions_tab else None)
        return Snapshot(SourceKind.GOOGLE_SHEETS, self.id, tab, tuple(tabs), timezone=zone, locale=locale,
                        decisions=decisions,
                        roster=RawTab(roster.title, ranges["roster"], merges=roster.merges) if roster else None)

    def _roster_tab(self, tabs: Mapping[str, TabInfo]) -> TabInfo | None:
        if self.roster_tab is None:
            return None
        found = tabs.get(self.roster_tab) or next(
            (info for title, info in tabs.items() if loose(title) == loose(self.roster_tab)), None)
        if found is None:
            raise RosterError(missing_roster_tab(self.roster_tab, f"spreadsheet {self.id}", tabs), "")
        return found

    def write(self, layout: DashboardLayout, decisions: WorkerTab | None = None) -> str:
        """Bring the dashboard tab (and the decisions tab) up to date with as few writes as possible; return
        the dashboard's URL."""
        if layout.tab_title != self.dashboard_tab:
            raise ConfigError("dashboard.tab", [f"the layout is for tab {layout.tab_title!r} but this "
                                                f"spreadsheet's dashboard tab is {self.dashboard_tab!r}"])
        if self._wire.read_only:
            raise OutputError("This command opened the spreadsheet read-only and cannot write the dashboard.",
                              "Run `aggregator run` (or the worker) to write it.")
        tabs = self._state_for_write()
        targets = [Target(self.dashboard_tab, self._dashboard_rows or (), layout=layout)]
        if decisions is not None and self.decisions_tab is not None:
            targets.append(Target(self.decisions_tab, self._decision_rows or (),
                                  tab=replace(decisions, title=self.decisions_tab)))
        infos = self._converge(targets, tabs)
        self._apply_values(targets, infos)
        self._dashboard_rows = fmt.trimmed(layout.grid)
        return self.url(infos[self.dashboard_tab].sheet_id)

    # Reading -----------------------------------------------------------------------------

    def _load_metadata(self, ranges: Sequence[str] = ()) -> dict[str, TabInfo]:
        return self._metadata(ranges)[0]

    def _metadata(self, ranges: Sequence[str] = ()) -> tuple[dict[str, TabInfo], Mapping[str, Any]]:
        params: dict[str, Any] = {"fields": METADATA_WITH_FORMATS if ranges else METADATA_FIELDS}
        if ranges:
            params["ranges"] = list(ranges)
        doc = self._wire.call("the spreadsheet's list of tabs",
                              lambda http: http.fetch_sheet_metadata(self.id, params=dict(params)))
        self._tabs, self._settings = parse_metadata(doc), spreadsheet_settings(doc)
        return self._tabs, doc

    def _metadata_for(self, memo: FormatMemo | None) -> tuple[dict[str, TabInfo], Mapping[str, Any] | None]:
        """The cycle's metadata GET; in a steady cycle it also brings the percent columns' formats (the
        second value: the reply holding them, or None)."""
        if memo is None or memo.due_plain():
            return self._metadata()[0], None
        try:
            own = [t for t in (self.dashboard_tab, self.decisions_tab) if t is not None]
            return self._metadata(memo_ranges(memo, own))
        except SheetAccessError as exc:  # a remembered tab was renamed or deleted: ask plainly, once
            if getattr(getattr(exc.__cause__, "response", None), "status_code", None) != 400:
                raise
            log.info("the remembered tabs of %s changed (%s); reading the list of tabs again", self.id, exc.what)
            return self._metadata()[0], None

    def _percent_cells(self, agency: str, rows: Rows, tabs: Mapping[str, TabInfo], memo: FormatMemo | None,
                       doc: Mapping[str, Any] | None, merges: Mapping[str, Sequence[Merge]]
                       ) -> frozenset[tuple[int, int]]:
        """The percent-formatted cells of the percent columns: from the metadata GET, or one extra read."""
        columns = percent_columns(header_cells(rows, self.header_row), self._percent_headers)
        if not columns:
            return frozenset()
        steady = doc is not None and memo is not None and (memo.agency, memo.header_row, memo.columns) == (
            agency, self.header_row, columns)
        learned = FormatMemo(tuple(tabs), agency, self.header_row, columns,
                             merged_columns(merges, agency, self.header_row), memo.steady + 1 if memo and steady else 0)
        if steady:
            assert doc is not None
            found = frozenset(cell for cell in percent_cells(doc, agency) if cell[1] in columns)  # not merged ones
        else:  # the first cycle, the header moved, or a plain read is due: one extra read, remembered
            ranges = column_ranges(agency, self.header_row, columns)
            params: ParamsType = {"fields": FORMAT_FIELDS, "ranges": ranges}
            extra = self._wire.call("the number formats of the percent columns",
                                    lambda http: http.fetch_sheet_metadata(self.id, params=dict(params)))
            found = percent_cells(extra, agency)
        if learned != memo:
            save_memo(self._state_file, self.id, learned)
        return found

    def _find_tab(self, tabs: Mapping[str, TabInfo], wanted: str) -> TabInfo:
        if wanted in tabs:
            return tabs[wanted]
        matches = [info for title, info in tabs.items() if loose(title) == loose(wanted)]
        if len(matches) == 1 and matches[0].title != self.dashboard_tab:
            return matches[0]
        listing = ", ".join(repr(t) for t in tabs) or "(none)"
        raise SheetAccessError(
            f"Spreadsheet {self.id} has no tab {wanted!r}; its tabs are {listing}."
            f"{did_you_mean(wanted, tabs)}",
            "Fix `source.tab` in the campaign file (copy the tab name exactly as it appears in the sheet).",
        )

    def _batch_get(self, titles: Sequence[str]) -> list[Rows]:
        ranges = [fmt.quote_title(t) for t in titles]
        # values_batch_get adds "ranges" to the params dict it is given: build a fresh one per attempt.
        doc = self._wire.call("the agency rows",
                              lambda http: http.values_batch_get(self.id, list(ranges), dict(READ_PARAMS)))
        got = doc.get("valueRanges", [])
        if len(got) != len(ranges):
            raise SheetAccessError(
                f"Google returned {len(got)} ranges for the {len(ranges)} requested from {self.id}.",
                "Run again; if it persists, report it with this message.",
            )
        return [tuple(tuple(row) for row in vr.get("values", [])) for vr in got]

    # Writing (adapters/sheets_write.py does the work) -----------------------------------------

    def _state_for_write(self) -> dict[str, TabInfo]:
        """The metadata and the worker tabs' values from ``read()``; fetched here if write() comes alone."""
        if self._tabs is not None and self._dashboard_rows is not None:
            return self._tabs
        tabs = self._load_metadata()
        own = [t for t in (self.dashboard_tab, self.decisions_tab) if t is not None and t in tabs]
        found = dict(zip(own, self._batch_get(own), strict=True)) if own else {}
        self._dashboard_rows = found.get(self.dashboard_tab, ())
        self._decision_rows = found.get(self.decisions_tab or "", ())
        return tabs
