"""The live Google spreadsheet: one batched read per cycle, the dashboard tab written back.

Requests per cycle (the whole budget; Google allows 60 reads and 60 writes per minute per user):

- read: one metadata GET (``fields`` = the spreadsheet's time zone and locale, sheet properties,
  protected ranges and developer metadata, no cells) and one ``values:batchGet`` for the agency
  tab *and* the current dashboard tab;
- write: nothing when the dashboard already shows the same thing; only the "as of" cell when
  just the time moved; otherwise one RAW ``values:batchUpdate`` and, only when the formatting
  changed (signature below), one ``spreadsheets:batchUpdate``. The first cycle adds one
  ``addSheet``.

The formatting signature is a hash of the formatting requests kept as developer metadata on the
dashboard tab: invisible to staff, not editable from the UI, deleted with the tab (a recreated
tab is reformatted), written in the same atomic batch as the formats it describes, and read back
by the metadata GET the cycle makes anyway. It also marks the tab as ours: a tab with the
dashboard's name, data and no signature was not made by us and is never overwritten.

Structural writes are not idempotent: Google may apply an ``addSheet``, ``addProtectedRange`` or
``createDeveloperMetadata`` and the connection drop before its answer arrives. Such a request is
never sent again blindly: the adapter re-reads the metadata and carries on from what is there
(issue 8, item 6). Every write also removes duplicates an earlier, interrupted run left behind (a
second protected range, a second signature).

Every request of a cycle shares one deadline (adapters/deadline.py). Only the dashboard tab's
title or sheetId ever appears in a write; agency tabs are only read.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import requests

from aggregator.adapters import sheets_format as fmt
from aggregator.adapters.deadline import Deadline
from aggregator.adapters.google_auth import emulator_factory
from aggregator.adapters.retry import MaybeApplied, RetryPolicy
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
    percent_cells,
    percent_columns,
    save_memo,
)
from aggregator.errors import (
    ConfigError,
    OutputError,
    SheetAccessError,
    SourceError,
    TransientSourceError,
    did_you_mean,
)
from aggregator.models import DashboardLayout, RawTab, Snapshot, SourceKind
from aggregator.outputs.dashboard import STYLE_PALETTE

__all__ = ["DEFAULT_TIMEOUT", "METADATA_FIELDS", "GoogleSheet", "parse_metadata", "spreadsheet_id"]
log = logging.getLogger(__name__)
READ_PARAMS = {"valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
               "majorDimension": "ROWS"}
NOT_IDEMPOTENT = frozenset({"addSheet", "addProtectedRange", "createDeveloperMetadata",
                            "deleteProtectedRange", "deleteDeveloperMetadata"})
Rows = tuple[tuple[Any, ...], ...]


class GoogleSheet:
    """SheetSource and DashboardSink for one Google spreadsheet. Constructing it sends nothing.

    Args:
        spreadsheet: the spreadsheet URL or its bare id.
        tab: the agency tab (read only; matched exactly, else ignoring case, accents' Unicode form
            and spacing when that is unambiguous).
        dashboard_tab: the only tab ever written; created on the first write.
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
        self.tab = tab
        self.dashboard_tab = dashboard_tab
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
        """Metadata GET + one ``values:batchGet`` (agency tab and, if present, the dashboard)."""
        memo = load_memo(self._state_file, self.id) if self._percent_headers else None
        tabs, doc = self._metadata_for(memo)
        agency = self._find_tab(tabs, self.tab)
        dashboard = tabs.get(self.dashboard_tab)
        titles = [agency.title] + ([dashboard.title] if dashboard else [])
        ranges = self._batch_get(titles)
        self._agency_title = agency.title
        self._dashboard_rows = ranges[1] if dashboard else ()
        log.debug("read %d rows from %r (gid %s)", len(ranges[0]), agency.title, agency.sheet_id)
        zone, locale = self._settings
        percent = self._percent_cells(agency.title, ranges[0], tabs, memo, doc)
        tab = RawTab(agency.title, ranges[0], agency.sheet_id, percent_cells=percent)
        return Snapshot(SourceKind.GOOGLE_SHEETS, self.id, tab, tuple(tabs), timezone=zone, locale=locale)

    def write(self, layout: DashboardLayout) -> str:
        """Bring the dashboard tab up to date with as few writes as possible; return its URL."""
        if layout.tab_title != self.dashboard_tab:
            raise ConfigError("dashboard.tab", [f"the layout is for tab {layout.tab_title!r} but this "
                                                f"spreadsheet's dashboard tab is {self.dashboard_tab!r}"])
        if self._wire.read_only:
            raise OutputError("This command opened the spreadsheet read-only and cannot write the dashboard.",
                              "Run `aggregator run` (or the worker) to write it.")
        tabs, existing = self._state_for_write()
        info, existing = self._converge(layout, tabs, existing)
        self._apply_values(info, layout, existing)
        return self.url(info.sheet_id)

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
        if memo is None or not memo.columns:
            return self._metadata()[0], None
        try:
            return self._metadata(memo_ranges(memo, [self.dashboard_tab]))
        except SheetAccessError as exc:  # a remembered tab was renamed or deleted: ask plainly, once
            if getattr(getattr(exc.__cause__, "response", None), "status_code", None) != 400:
                raise
            log.info("the remembered tabs of %s changed (%s); reading the list of tabs again", self.id, exc.what)
            return self._metadata()[0], None

    def _percent_cells(self, agency: str, rows: Rows, tabs: Mapping[str, TabInfo], memo: FormatMemo | None,
                       doc: Mapping[str, Any] | None) -> frozenset[tuple[int, int]]:
        """The percent-formatted cells of the percent columns: from the metadata GET, or one extra read."""
        header = rows[self.header_row - 1] if len(rows) >= self.header_row else ()
        columns = percent_columns(header, self._percent_headers)
        if not columns:
            return frozenset()
        learned = FormatMemo(tuple(tabs), agency, self.header_row, columns)
        if doc is not None and memo is not None and (memo.agency, memo.header_row, memo.columns) == (
                agency, self.header_row, columns):
            found = percent_cells(doc, agency)
        else:  # the first cycle, or the header moved: one extra read, remembered for the next cycles
            ranges = column_ranges(agency, self.header_row, columns)
            params = {"fields": FORMAT_FIELDS, "ranges": ranges}
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

    # Writing: the tab, its formats and protection (converging) -------------------------------

    def _state_for_write(self) -> tuple[dict[str, TabInfo], Rows]:
        """The metadata and dashboard values from ``read()``; fetched here if write() comes alone."""
        if self._tabs is not None and self._dashboard_rows is not None:
            return self._tabs, self._dashboard_rows
        tabs = self._load_metadata()
        self._dashboard_rows = self._batch_get([self.dashboard_tab])[0] if self.dashboard_tab in tabs else ()
        return tabs, self._dashboard_rows

    def _converge(self, layout: DashboardLayout, tabs: dict[str, TabInfo], existing: Rows) -> tuple[TabInfo, Rows]:
        """Tab, formats and protection as ``layout`` needs them. After a structural write that may
        have been applied, look (re-read the metadata) instead of sending it again."""
        for attempt in range(1, self._retry.max_attempts + 1):
            try:
                return self._structure(layout, tabs, existing)
            except MaybeApplied as unsure:
                if attempt == self._retry.max_attempts:
                    raise TransientSourceError(
                        f"Google Sheets gave no clear answer to {unsure.what} {attempt} times ({unsure.fault.reason}).",
                        "The agency tabs were not touched; the next cycle reads the spreadsheet again and "
                        "finishes the dashboard from what is there.") from unsure
                log.warning("%s got no clear answer (%s); re-reading the spreadsheet before going on",
                            unsure.what, unsure.fault.reason)
                self._wire.pause(self._retry.delay(attempt), unsure.what)
                tabs = self._load_metadata()
        raise AssertionError("unreachable")  # pragma: no cover

    def _structure(self, layout: DashboardLayout, tabs: dict[str, TabInfo], existing: Rows) -> tuple[TabInfo, Rows]:
        info = tabs.get(self.dashboard_tab)
        if info is None:
            info, existing = self._add_dashboard(layout), ()
        else:
            self._refuse_foreign_tab(info, tabs, existing)
        return self._apply_format(info, layout, tabs, existing), existing

    def _refuse_foreign_tab(self, info: TabInfo, tabs: Mapping[str, TabInfo], existing: Rows) -> None:
        agency = tabs.get(self._agency_title or self.tab)
        ours = info.signature is not None or not fmt.trimmed(existing)
        if not ours or (agency is not None and agency.sheet_id == info.sheet_id):
            raise OutputError(
                f"Spreadsheet {self.id} already has a tab {info.title!r} with data that aggregator did not "
                "write; the worker will not overwrite it.",
                "Rename that tab, or set `dashboard.tab` in the campaign file to a new name (the worker "
                "creates the tab itself).",
            )

    def _add_dashboard(self, layout: DashboardLayout) -> TabInfo:
        rows, cols = fmt.grid_size(layout)
        body = {"requests": [fmt.add_sheet_request(self.dashboard_tab, rows, cols)]}
        # The typed reply carries the new gid; a reply of another shape is an error like any other.
        props = self._wire.call("creating the dashboard tab",
                                lambda http: http.batch_update(self.id, body)["replies"][0]["addSheet"]["properties"],
                                idempotent=False)
        grid = props.get("gridProperties", {})
        info = TabInfo(int(props.get("sheetId", 0)), str(props.get("title", self.dashboard_tab)),
                       int(grid.get("rowCount", 0)), int(grid.get("columnCount", 0)), protected=False)
        log.debug("created the dashboard tab %r (gid %s) in %s", info.title, info.sheet_id, self.id)
        self._remember(info)
        return info

    def _format_batch(self, info: TabInfo, layout: DashboardLayout, gids: Mapping[str, int],
                      existing: Rows) -> tuple[list[dict[str, Any]], str, tuple[int, int]]:
        """(requests, signature, grid size): what must change; duplicates left by an earlier run go."""
        formats = fmt.format_requests(layout, info.sheet_id, gids, STYLE_PALETTE)
        signature = fmt.signature(formats)
        rows = max(fmt.grid_size(layout)[0], fmt.extent(existing)[0], info.rows)
        cols = max(fmt.grid_size(layout)[1], fmt.extent(existing)[1], info.cols)
        batch: list[dict[str, Any]] = []
        if (rows, cols) != (info.rows, info.cols):
            batch.append(fmt.resize_request(info.sheet_id, rows, cols))
        if signature != info.signature:
            batch += [*formats, fmt.signature_request(info.sheet_id, signature, info.signature_id)]
        if self._protect and not info.protected:
            batch.append(fmt.protect_request(info.sheet_id))
        batch += fmt.duplicate_removals(info.own_protections[1:], info.signature_ids[1:])
        return batch, signature, (rows, cols)

    def _apply_format(self, info: TabInfo, layout: DashboardLayout, tabs: Mapping[str, TabInfo],
                      existing: Rows) -> TabInfo:
        """One ``spreadsheets:batchUpdate`` when the formats, the grid size or the protection must change."""
        gids = {title: tab.sheet_id for title, tab in tabs.items()}
        batch, signature, (rows, cols) = self._format_batch(info, layout, gids, existing)
        if not batch:
            return info
        structural = any(name in NOT_IDEMPOTENT for request in batch for name in request)
        reply = self._wire.call("formatting the dashboard tab",
                                lambda http: http.batch_update(self.id, {"requests": batch}),
                                idempotent=not structural)
        created = [r["createDeveloperMetadata"]["developerMetadata"].get("metadataId")
                   for r in reply.get("replies", []) if "createDeveloperMetadata" in r]
        signature_id = created[0] if created else info.signature_id
        info = replace(info, rows=rows, cols=cols, signature=signature, signature_id=signature_id,
                       protected=info.protected or self._protect, own_protections=info.own_protections[:1],
                       signature_ids=(signature_id,) if signature_id is not None else ())
        log.debug("formatted the dashboard tab %r (%d requests)", info.title, len(batch))
        self._remember(info)
        return info

    # Writing: the values ---------------------------------------------------------------------

    def _apply_values(self, info: TabInfo, layout: DashboardLayout, existing: Rows) -> None:
        """One RAW ``values:batchUpdate``: the whole range, only the "as of" cell, or nothing.

        A failure to write only the "as of" cell is logged and the cycle goes on: the dashboard
        already shows this cycle's data, merely stamped with the previous time.
        """
        if fmt.same_values(layout, existing, ignore_as_of=False):
            log.debug("the dashboard tab %r is up to date; nothing written", info.title)
            return
        as_of_only = bool(fmt.trimmed(existing)) and fmt.same_values(layout, existing, ignore_as_of=True)
        if as_of_only:
            body, what = fmt.as_of_body(info.title, layout), "the dashboard's 'as of' cell"
        else:
            body, what = fmt.values_body(info.title, layout, fmt.extent(existing)), "the dashboard values"
        try:
            self._wire.call(f"writing {what}", lambda http: http.values_batch_update(self.id, body))
        except SourceError as exc:
            if not as_of_only:
                raise
            log.warning("could not update %s (%s); the data on the dashboard is current, only its time "
                        "stamp is not", what, exc.what)
            return
        self._dashboard_rows = fmt.trimmed(layout.grid)
        log.debug("wrote %s to %r", what, info.title)

    def _remember(self, info: TabInfo) -> None:
        if self._tabs is not None:
            self._tabs[info.title] = info
